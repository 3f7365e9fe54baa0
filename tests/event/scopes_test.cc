// Scope policies, EventBuilder and EventReader (include/ddc/scopes.h).
//
// What it proves, and how:
// - Every policy rule rejects what it should, with a message naming the problem (a table).
// - Split then merge is the identity on random JSON under random policies, and every field
//   lands in the scope of its nearest policy path (a property test checked against a reference
//   written from the rule's wording; fixed seed, printed, replay with DDC_TEST_SEED).
// - Events round-trip builder -> EncodeEvent -> DecodeAndVerifyEvent -> reader to the original
//   JSON value; a reader opens exactly what its keys allow and says why the rest stayed closed;
//   the associated data refuses a scope moved to another event, user or bucket, or relabelled;
//   rotation keeps old events readable; bounded decompression reports bombs and bad frames.
#include "ddc/scopes.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "ddc/crypto.h"
#include "ddc/event.h"
#include "engine/event/scope_json.h"
#include "tests/event/event_testing.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using scope_json::Json;
using Outcome = ScopeState::Outcome;
using test::AsBytes;

constexpr uint64_t kBucket = 7;
constexpr uint64_t kDefaultSeed = 20240611;

uint64_t FixedSeed() {
  const char* s = std::getenv("DDC_TEST_SEED");
  const uint64_t seed = s != nullptr ? std::strtoull(s, nullptr, 10) : kDefaultSeed;
  std::printf("scopes_test: seed %llu (DDC_TEST_SEED replays)\n",
              static_cast<unsigned long long>(seed));
  return seed;
}

Json Parse(std::string_view text) { return Json::parse(text.begin(), text.end()); }

MasterKey FixedMaster(uint8_t fill) {
  MasterKey m;
  m.fill(fill);
  return m;
}

ScopePolicy PolicyOf(std::string_view json) {
  Result<ScopePolicy> p = ScopePolicy::FromJson(json);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : ScopePolicy{};
}

EventBuilder BuilderOf(std::string_view policy_json, const BuilderOptions& options = {}) {
  Result<EventBuilder> b = EventBuilder::Create(PolicyOf(policy_json), options);
  if (!b.ok()) {
    ADD_FAILURE() << b.status().ToString();
    std::abort();
  }
  return *b;
}

// The documented example: core (default, sealed), profile and geo (sealed), meta (public).
constexpr std::string_view kPolicy =
    R"({"default":"core","scopes":{"profile":["$.user.email","$.user.name"],)"
    R"("geo":["$.location"],"meta":["$.page","$.referrer"]},"public":["meta"]})";
constexpr std::string_view kData =
    R"({"user":{"email":"a@example.com","name":"Ann","age":41},"location":{"lat":52.52,)"
    R"("lon":13.405},"page":"/shoes","referrer":null,"cart":[1,2,{"sku":"x"}],"n":-7})";

const Scope* FindScope(const Event& e, std::string_view name) {
  for (const Scope& s : e.scopes) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const ScopeState* FindState(const OpenedEvent& o, std::string_view name) {
  for (const ScopeState& s : o.scopes) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

EventInput Input(std::string_view id, std::string_view json, uint64_t bucket = kBucket) {
  EventInput in;
  in.bucket = bucket;
  in.id = id;
  in.type = "page_view";
  in.timestamp_ms = 1700000000000;
  in.json = json;
  return in;
}

Event MustBuild(const EventBuilder& b, const EventInput& in, const KeyRing& keys,
                const KeyPair& user) {
  Result<Event> e = b.Build(in, keys, user);
  if (!e.ok()) {
    ADD_FAILURE() << e.status().ToString();
    std::abort();
  }
  return *e;
}

OpenedEvent MustOpen(const Event& e, const KeyRing& keys, const ReadOptions& options = {}) {
  Result<OpenedEvent> o = EventReader().Open(e, keys, options);
  if (!o.ok()) {
    ADD_FAILURE() << o.status().ToString();
    std::abort();
  }
  return *o;
}

KeyRing UserRing(const KeyPair& user, uint8_t fill = 1, uint32_t version = 1) {
  KeyRing ring;
  ring.AddMasterKey(kBucket, user.public_key, FixedMaster(fill), version);
  return ring;
}

// --- Policies -----------------------------------------------------------------------------------

TEST(ScopePolicyTest, ParsesTheDocumentedFormAndRoundTrips) {
  const ScopePolicy p =
      PolicyOf(R"({"default":"core","scopes":{"profile":["$.user.email","$.user.name"],)"
               R"("geo":["$.location"]},"public":["meta"]})");
  EXPECT_EQ(p.default_scope, "core");
  ASSERT_EQ(p.scopes.size(), 2u);
  EXPECT_EQ(p.scopes.at("profile"), (std::vector<std::string>{"$.user.email", "$.user.name"}));
  EXPECT_EQ(p.public_scopes, (std::set<std::string>{"meta"}));
  Result<ScopePolicy> again = ScopePolicy::FromJson(p.ToJson());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, p);
  EXPECT_EQ(PolicyOf("{}").default_scope, "default");
  EXPECT_EQ(PolicyOf("{}").ToJson(), R"({"default":"default","public":[],"scopes":{}})");
}

TEST(ScopePolicyTest, NestedPathOfAnotherScopeIsAllowed) {
  EXPECT_OK(PolicyOf(R"({"scopes":{"geo":["$.loc"],"exact":["$.loc.point"]}})").Validate());
  // ... and back again below it.
  EXPECT_OK(
      PolicyOf(R"({"scopes":{"a":["$.x","$.x.y.z"],"b":["$.x.y"]},"public":["a"]})").Validate());
}

TEST(ScopePolicyTest, EachRuleRejectsWithAMessage) {
  std::string many_scopes = R"({"public":[)";
  for (size_t i = 0; i <= kMaxScopes; ++i)
    many_scopes += (i ? ",\"s" : "\"s") + std::to_string(i) + "\"";
  many_scopes += "]}";
  std::string many_paths = R"({"scopes":{"a":[)";
  for (size_t i = 0; i <= kMaxPolicyPaths; ++i) {
    many_paths += (i ? ",\"$.p" : "\"$.p") + std::to_string(i) + "\"";
  }
  many_paths += "]}}";
  std::string long_path = "$";
  for (size_t i = 0; i <= kMaxPathSteps; ++i) long_path += ".a";
  struct Case {
    std::string json;
    std::string want;
  };
  const std::vector<Case> cases = {
      {R"({"default":)", "not valid JSON at byte"},
      {R"([1])", "is a JSON array, not an object"},
      {R"({"defaults":"x"})", "unknown key \"defaults\""},
      {R"({"default":3})", "\"default\" is a JSON number, not a string"},
      {R"({"scopes":[]})", "\"scopes\" is a JSON array"},
      {R"({"scopes":{"a":"$.x"}})", "member \"a\" is a JSON string, not an array"},
      {R"({"scopes":{"a":["$.x",7]}})", "element 1 is a JSON number"},
      {R"({"public":"a"})", "\"public\" is a JSON string"},
      {R"({"public":["a","a"]})", "lists \"a\" twice"},
      {R"({"default":"Core"})", "default scope name \"Core\" is not 1..64 bytes"},
      {R"({"default":""})", "default scope name \"\" is not"},
      {R"({"scopes":{"pro file":[]}})", "scope name \"pro file\" is not"},
      {R"({"scopes":{")" + std::string(65, 'a') + R"(":[]}})", "is not 1..64 bytes"},
      {R"({"public":["Meta"]})", "public scope name \"Meta\""},
      {R"({"scopes":{"a":["user.email"]}})", "does not start with '$' at byte 0"},
      {R"({"scopes":{"a":["$"]}})", "names no member"},
      {R"({"scopes":{"a":["$..b"]}})", "empty .name step"},
      {R"({"scopes":{"a":["$.b."]}})", "needs ['...']) at byte 4"},
      {R"({"scopes":{"a":["$x"]}})", "expected '.' or '[' to start a step at byte 1"},
      {R"({"scopes":{"a":["$[b]"]}})", "expected ['name'] after '['"},
      {R"({"scopes":{"a":["$['b"]}})", "unterminated ['...'] step"},
      {R"({"scopes":{"a":["$['b'"]}})", "expected ']' after '"},
      {R"({"scopes":{"a":["$['b\\n']"]}})", "invalid escape"},
      {R"({"scopes":{"a":["$.x","$.x"]}})", "\"$.x\" is given twice in scope \"a\""},
      {R"({"scopes":{"a":["$.x"],"b":["$['x']"]}})",
       "is claimed by scope \"a\" (as \"$.x\") and by scope \"b\""},
      {R"({"scopes":{"a":["$.x","$.x.y"]}})",
       "\"$.x.y\" of scope \"a\" is inside another path of the same scope"},
      {R"({"scopes":{"a":["$.x","$.x.y.z"],"b":["$.w.y"]}})", "inside another path"},
      {many_scopes, "more than 64 (kMaxScopes)"},
      {many_paths, "paths, more than 1024 (kMaxPolicyPaths)"},
      {R"({"scopes":{"a":[")" + long_path + R"("]}})", "more than 32 steps"},
      {std::string(kMaxPolicyJsonBytes + 1, ' '), "more than the limit of"},
      {std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']'),
       "nested deeper than 64"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.json.substr(0, 100));
    Result<ScopePolicy> p = ScopePolicy::FromJson(c.json);
    ASSERT_FALSE(p.ok());
    EXPECT_TRUE(p.status().IsInvalidArgument());
    EXPECT_NE(p.status().message().find(c.want), std::string::npos) << p.status().message();
    EXPECT_EQ(p.status().message().rfind("scope policy", 0), 0u) << p.status().message();
  }
  // A policy filled in by hand goes through the same checks.
  ScopePolicy bad;
  bad.scopes["a"] = {"$.x"};
  bad.scopes["b"] = {"$.x"};
  EXPECT_FALSE(bad.Validate().ok());
  EXPECT_FALSE(EventBuilder::Create(bad).ok());
  bad.scopes.erase("b");
  bad.scopes["a"].push_back("$.\xff");
  EXPECT_NE(bad.Validate().message().find("not valid UTF-8"), std::string::npos);
}

TEST(ScopePolicyTest, PathSyntaxAndCanonicalSpelling) {
  struct Case {
    std::string path;
    std::vector<std::string> steps;
    std::string canonical;
  };
  const std::vector<Case> cases = {
      {"$.user.email", {"user", "email"}, "$.user.email"},
      {"$['user']['email']", {"user", "email"}, "$.user.email"},
      {"$['a.b'].c", {"a.b", "c"}, "$['a.b'].c"},
      {R"($['it\'s'])", {"it's"}, R"($['it\'s'])"},
      {R"($['back\\slash'])", {"back\\slash"}, R"($['back\\slash'])"},
      {"$['']", {""}, "$['']"},
      {"$['x[0]']", {"x[0]"}, "$['x[0]']"},
      {"$.caf\xc3\xa9 au lait", {"caf\xc3\xa9 au lait"}, "$.caf\xc3\xa9 au lait"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    Result<std::vector<std::string>> steps = scope_json::ParsePath(c.path);
    ASSERT_TRUE(steps.ok()) << steps.status().ToString();
    EXPECT_EQ(*steps, c.steps);
    EXPECT_EQ(scope_json::FormatPath(*steps), c.canonical);
    EXPECT_EQ(*scope_json::ParsePath(c.canonical), c.steps);
  }
}

// --- Split and merge ----------------------------------------------------------------------------

// The scope objects of `data` under `policy`, by name.
std::map<std::string, Json> SplitByName(std::string_view policy, std::string_view data) {
  Result<scope_json::CompiledPolicy> compiled = scope_json::Compile(PolicyOf(policy));
  EXPECT_TRUE(compiled.ok());
  std::vector<Json> parts = scope_json::Split(Parse(data), *compiled);
  std::map<std::string, Json> out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!parts[i].is_null()) out[compiled->names[i]] = parts[i];
  }
  return out;
}

TEST(ScopeSplitTest, FieldsGoToTheirScopesAtTheirNesting) {
  std::map<std::string, Json> parts = SplitByName(kPolicy, kData);
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts["profile"], Parse(R"({"user":{"email":"a@example.com","name":"Ann"}})"));
  EXPECT_EQ(parts["geo"], Parse(R"({"location":{"lat":52.52,"lon":13.405}})"));
  EXPECT_EQ(parts["meta"], Parse(R"({"page":"/shoes","referrer":null})"));
  EXPECT_EQ(parts["core"], Parse(R"({"user":{"age":41},"cart":[1,2,{"sku":"x"}],"n":-7})"));
}

TEST(ScopeSplitTest, LongerPathWinsAndTheRestStaysWithItsAncestor) {
  std::map<std::string, Json> parts =
      SplitByName(R"({"scopes":{"geo":["$.loc"],"exact":["$.loc.point"]}})",
                  R"({"loc":{"city":"Berlin","point":{"x":1},"empty":{}},"t":1})");
  EXPECT_EQ(parts["geo"], Parse(R"({"loc":{"city":"Berlin","empty":{}}})"));
  EXPECT_EQ(parts["exact"], Parse(R"({"loc":{"point":{"x":1}}})"));
  EXPECT_EQ(parts["default"], Parse(R"({"t":1})"));
  // A matched member that is not an object goes whole, even when longer paths exist.
  parts =
      SplitByName(R"({"scopes":{"geo":["$.loc"],"exact":["$.loc.point"]}})", R"({"loc":[1,2]})");
  EXPECT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts["geo"], Parse(R"({"loc":[1,2]})"));
}

TEST(ScopeSplitTest, EmptyObjectsAndScopesWithoutFields) {
  // An empty object on the way to a policy path survives in the inherited scope.
  std::map<std::string, Json> parts =
      SplitByName(R"({"scopes":{"p":["$.user.email"]}})", R"({"user":{}})");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts["default"], Parse(R"({"user":{}})"));
  EXPECT_TRUE(SplitByName(kPolicy, "{}").empty());
}

TEST(ScopeMergeTest, ConflictsAreErrorsAndLeaveTheTargetUnchanged) {
  Json into = Parse(R"({"a":{"b":1,"c":{"d":2}}})");
  const Json before = into;
  Status s = scope_json::Merge(&into, Parse(R"({"z":0,"a":{"c":{"d":{"e":3}}}})"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("member $.a.c.d is in more than one scope"), std::string::npos)
      << s.message();
  EXPECT_EQ(into, before);
  ASSERT_OK(scope_json::Merge(&into, Parse(R"({"z":0,"a":{"c":{"f":[]}}})")));
  EXPECT_EQ(into, Parse(R"({"a":{"b":1,"c":{"d":2,"f":[]}},"z":0})"));
  // Two empty objects at one path merge; an object against a scalar does not.
  EXPECT_OK(scope_json::Merge(&into, Parse(R"({"a":{"c":{}}})")));
  EXPECT_FALSE(scope_json::Merge(&into, Parse(R"({"a":{"b":{}}})")).ok());
}

// Random JSON over a small name pool, so that random policies hit real members.
class RandomJson {
 public:
  explicit RandomJson(std::mt19937_64& rng) : rng_(rng) {}

  Json Object(int depth) {
    Json out = Json::object();
    const size_t n = Pick(depth == 0 ? 7 : 5);
    for (size_t i = 0; i < n; ++i) out[Name()] = Value(depth + 1);
    return out;
  }

  std::string Name() {
    static const std::vector<std::string> kNames = {
        "a", "b", "user", "email", "x.y", "", "it's", "caf\xc3\xa9", "[0]", "back\\slash"};
    return kNames[Pick(kNames.size())];
  }

  size_t Pick(size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng_() % n); }

 private:
  Json Value(int depth) {
    switch (Pick(10)) {
      case 0:
      case 1:
      case 2:
        if (depth < 5) return Object(depth);
        return Json(nullptr);
      case 3: {
        Json arr = Json::array();
        const size_t n = Pick(4);
        for (size_t i = 0; i < n; ++i) arr.push_back(depth < 5 ? Value(depth + 1) : Json(1));
        return arr;
      }
      case 4:
        return Json(static_cast<int64_t>(rng_()));
      case 5:
        return Json(static_cast<uint64_t>(rng_()));
      case 6: {
        std::uniform_real_distribution<double> d(-1e300, 1e300);
        return Json(Pick(2) == 0 ? d(rng_) : d(rng_) * 1e-300);
      }
      case 7:
        return Json(Pick(2) == 0);
      case 8:
        return Json(nullptr);
      default: {
        // Quotes, escapes, a control character and a three-byte UTF-8 character.
        return Json(Name() + "\"\n\\\x01\xe2\x82\xac" + std::to_string(rng_() % 1000));
      }
    }
  }

  std::mt19937_64& rng_;
};

// Every member path of `value` (steps), objects included.
void MemberPaths(const Json& value, std::vector<std::string>* prefix,
                 std::vector<std::vector<std::string>>* out) {
  if (!value.is_object()) return;
  for (const auto& [key, child] : value.items()) {
    prefix->push_back(key);
    out->push_back(*prefix);
    MemberPaths(child, prefix, out);
    prefix->pop_back();
  }
}

// A random valid policy over paths of `data` (and some that miss), built path by path: a path
// that would break a rule is dropped.
ScopePolicy RandomPolicy(RandomJson& gen, const Json& data) {
  static const std::vector<std::string> kScopes = {"d", "s0", "s1", "s2", "s3"};
  ScopePolicy policy;
  policy.default_scope = "d";
  for (const std::string& s : kScopes) {
    if (gen.Pick(3) == 0) policy.public_scopes.insert(s);
  }
  std::vector<std::string> prefix;
  std::vector<std::vector<std::string>> paths;
  MemberPaths(data, &prefix, &paths);
  paths.push_back({gen.Name(), gen.Name()});
  const size_t tries = gen.Pick(12);
  for (size_t t = 0; t < tries && !paths.empty(); ++t) {
    const std::string path = scope_json::FormatPath(paths[gen.Pick(paths.size())]);
    std::vector<std::string>& list = policy.scopes[kScopes[gen.Pick(kScopes.size())]];
    list.push_back(path);
    if (!policy.Validate().ok()) list.pop_back();
  }
  return policy;
}

// The rule, written independently of the trie: the scope of the longest policy path that is a
// prefix of (or equal to) `leaf`, else the default scope.
std::string ExpectedScope(const ScopePolicy& policy, const std::vector<std::string>& leaf) {
  std::string best = policy.default_scope;
  size_t best_len = 0;
  for (const auto& [name, paths] : policy.scopes) {
    for (const std::string& p : paths) {
      const std::vector<std::string> steps = *scope_json::ParsePath(p);
      if (steps.size() > leaf.size() || steps.size() <= best_len) continue;
      if (std::equal(steps.begin(), steps.end(), leaf.begin())) {
        best = name;
        best_len = steps.size();
      }
    }
  }
  return best;
}

// Checks that every leaf (non-object or empty object) of `part` belongs to `scope`.
void ExpectLeavesBelong(const ScopePolicy& policy, const std::string& scope, const Json& part,
                        std::vector<std::string>* prefix) {
  for (const auto& [key, child] : part.items()) {
    prefix->push_back(key);
    if (child.is_object() && !child.empty()) {
      ExpectLeavesBelong(policy, scope, child, prefix);
    } else {
      EXPECT_EQ(ExpectedScope(policy, *prefix), scope)
          << "leaf " << scope_json::FormatPath(*prefix);
    }
    prefix->pop_back();
  }
}

TEST(ScopeSplitTest, PropertySplitThenMergeIsIdentityAndFieldsFollowTheRule) {
  const uint64_t seed = FixedSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  RandomJson gen(rng);
  for (int round = 0; round < 400; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const Json original = gen.Object(0);
    const ScopePolicy policy = RandomPolicy(gen, original);
    SCOPED_TRACE(policy.ToJson() + " on " + original.dump());
    Result<scope_json::CompiledPolicy> compiled = scope_json::Compile(policy);
    ASSERT_TRUE(compiled.ok()) << compiled.status().ToString();
    std::vector<Json> parts = scope_json::Split(Json(original), *compiled);
    Json merged = Json::object();
    for (size_t i = 0; i < parts.size(); ++i) {
      if (parts[i].is_null()) continue;
      ASSERT_FALSE(parts[i].empty()) << "scope " << compiled->names[i] << " is empty";
      std::vector<std::string> prefix;
      ExpectLeavesBelong(policy, compiled->names[i], parts[i], &prefix);
      // Through text, as the scopes are stored.
      Result<Json> reparsed =
          scope_json::ParseObject(scope_json::Dump(parts[i]), "part", kMaxScopePlaintextBytes);
      ASSERT_TRUE(reparsed.ok()) << reparsed.status().ToString();
      ASSERT_OK(scope_json::Merge(&merged, std::move(*reparsed)));
    }
    ASSERT_EQ(merged, original);
  }
}

// --- Builder and reader
// ----------------------------------------------------------------------------

TEST(EventBuilderTest, RoundTripThroughEncodingEqualsTheOriginal) {
  const KeyPair user = test::TestKey(1);
  const KeyRing ring = UserRing(user);
  const EventBuilder builder = BuilderOf(kPolicy);
  EventInput in = Input("evt-1", kData);
  in.prev = Cid::Of(Codec::kDagCbor, std::string_view("before"));
  const Event built = MustBuild(builder, in, ring, user);
  EXPECT_EQ(built.scopes.size(), 4u);
  EXPECT_FALSE(FindScope(built, "meta")->sealed);
  EXPECT_EQ(Parse(FindScope(built, "meta")->data), Parse(R"({"page":"/shoes","referrer":null})"));
  EXPECT_TRUE(FindScope(built, "profile")->sealed);
  EXPECT_EQ(FindScope(built, "profile")->key_version, 1u);

  Result<std::string> bytes = EncodeEvent(built);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  Result<Event> decoded = DecodeAndVerifyEvent(AsBytes(*bytes));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  const OpenedEvent opened = MustOpen(*decoded, ring);
  EXPECT_EQ(opened.signature, OpenedEvent::Signature::kVerified);
  EXPECT_TRUE(opened.complete());
  EXPECT_EQ(Parse(opened.json), Parse(kData));
  ASSERT_EQ(opened.scopes.size(), 4u);
  EXPECT_EQ(opened.scopes[0].name, "core");  // Name order.
  EXPECT_EQ(opened.scopes[2].name, "meta");
  EXPECT_TRUE(opened.scopes[2].is_public);
  EXPECT_EQ(opened.scopes[2].key_version, 0u);
}

TEST(EventBuilderTest, PropertyRandomDataAndPoliciesRoundTrip) {
  const uint64_t seed = FixedSeed() + 1;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  RandomJson gen(rng);
  const KeyPair user = test::TestKey(2);
  const KeyRing ring = UserRing(user);
  for (int round = 0; round < 40; ++round) {
    const Json original = gen.Object(0);
    const std::string text = original.dump();
    Result<EventBuilder> builder = EventBuilder::Create(RandomPolicy(gen, original));
    ASSERT_TRUE(builder.ok());
    const Event e = MustBuild(*builder, Input("r" + std::to_string(round), text), ring, user);
    Result<Event> back = DecodeAndVerifyEvent(AsBytes(*EncodeEvent(e)));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    const OpenedEvent opened = MustOpen(*back, ring);
    ASSERT_TRUE(opened.complete());
    ASSERT_EQ(Parse(opened.json), original) << text;
  }
}

TEST(EventBuilderTest, EmptyDataMakesNoScopes) {
  const KeyPair user = test::TestKey(1);
  const Event e = MustBuild(BuilderOf(kPolicy), Input("e", "{}"), KeyRing(), user);
  EXPECT_TRUE(e.scopes.empty());
  EXPECT_EQ(MustOpen(e, KeyRing()).json, "{}");
}

TEST(EventBuilderTest, RejectsBadInput) {
  const KeyPair user = test::TestKey(1);
  const KeyRing ring = UserRing(user);
  const EventBuilder b = BuilderOf(kPolicy);
  auto fails = [&](const EventInput& in, std::string_view want) {
    Result<Event> e = b.Build(in, ring, user);
    ASSERT_FALSE(e.ok());
    EXPECT_NE(e.status().message().find(want), std::string::npos) << e.status().message();
  };
  fails(Input("e", "[1,2]"), "event data: is a JSON array, not an object");
  fails(Input("e", R"({"a":)"), "event data: not valid JSON at byte");
  fails(Input("e", std::string(100, '[')), "nested deeper than 64");
  fails(Input("", "{}"), "id is 0 bytes");
  EventInput no_type = Input("e", "{}");
  no_type.type = "";
  fails(no_type, "type is 0 bytes");
  EXPECT_FALSE(EventBuilder::Create(PolicyOf(kPolicy), BuilderOptions{.zstd_level = 0}).ok());
  EXPECT_FALSE(EventBuilder::Create(PolicyOf(kPolicy), BuilderOptions{.zstd_level = 99}).ok());
}

TEST(EventBuilderTest, SealedScopeWithoutAMasterKeyIsNotFound) {
  const KeyPair user = test::TestKey(1);
  Result<Event> e = BuilderOf(kPolicy).Build(Input("e", kData), KeyRing(), user);
  ASSERT_FALSE(e.ok());
  EXPECT_TRUE(e.status().IsNotFound()) << e.status().ToString();
  EXPECT_NE(e.status().message().find("scope \"core\" is sealed"), std::string::npos);
  // Another user's master does not apply; a bucket-wide one does.
  KeyRing other;
  other.AddMasterKey(kBucket, test::TestKey(2).public_key, FixedMaster(1), 1);
  EXPECT_FALSE(BuilderOf(kPolicy).Build(Input("e", kData), other, user).ok());
  other.AddMasterKey(kBucket, std::nullopt, FixedMaster(3), 5);
  Result<Event> shared = BuilderOf(kPolicy).Build(Input("e", kData), other, user);
  ASSERT_TRUE(shared.ok()) << shared.status().ToString();
  EXPECT_EQ(FindScope(*shared, "core")->key_version, 5u);
  // Data that only fills public scopes needs no key at all.
  Result<Event> pub = BuilderOf(kPolicy).Build(Input("e", R"({"page":"/"})"), KeyRing(), user);
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
}

TEST(EventBuilderTest, UnsignedEventsSignAsABatch) {
  const KeyPair user = test::TestKey(4);
  const KeyRing ring = UserRing(user);
  const EventBuilder b = BuilderOf(kPolicy);
  std::vector<Event> batch;
  for (int i = 0; i < 3; ++i) {
    Result<Event> e = b.BuildUnsigned(Input("b" + std::to_string(i), kData), ring, user.public_key);
    ASSERT_TRUE(e.ok());
    batch.push_back(*e);
  }
  ASSERT_OK(SignBatch(batch, user));
  for (const Event& e : batch) {
    const OpenedEvent o = MustOpen(e, ring);
    EXPECT_EQ(o.signature, OpenedEvent::Signature::kVerified);
    EXPECT_EQ(Parse(o.json), Parse(kData));
  }
}

TEST(EventBuilderTest, CompressesWhereItPays) {
  const KeyPair user = test::TestKey(1);
  const KeyRing ring = UserRing(user);
  std::string big = R"({"items":[)";
  for (int i = 0; i < 200; ++i) big += std::string(i ? "," : "") + R"({"sku":"shoe","qty":1})";
  big += "]}";
  const EventBuilder b = BuilderOf(R"({"public":["pub"],"scopes":{"pub":["$.p"]}})");
  const Event e = MustBuild(b, Input("c", big), ring, user);
  const Scope* core = FindScope(e, "default");
  ASSERT_NE(core, nullptr);
  EXPECT_EQ(core->compression, ScopeCompression::kZstd);
  EXPECT_LT(core->data.size(), big.size() / 4);
  EXPECT_EQ(Parse(MustOpen(e, ring).json), Parse(big));
  // Tiny data is left alone, sealed or public.
  const Event tiny = MustBuild(b, Input("t", R"({"a":1,"p":"x"})"), ring, user);
  for (const Scope& s : tiny.scopes) EXPECT_EQ(s.compression, ScopeCompression::kNone) << s.name;
  // Public data compresses too; and compression can be turned off.
  const std::string big_public = R"({"p":)" + big + "}";
  EXPECT_EQ(FindScope(MustBuild(b, Input("p", big_public), ring, user), "pub")->compression,
            ScopeCompression::kZstd);
  const EventBuilder off = BuilderOf(R"({"public":["pub"],"scopes":{"pub":["$.p"]}})",
                                     BuilderOptions{.compress = false});
  EXPECT_EQ(FindScope(MustBuild(off, Input("o", big), ring, user), "default")->compression,
            ScopeCompression::kNone);
  // The rule itself: at least 128 bytes, and at most 7/8 of them after.
  EXPECT_FALSE(scope_json::CompressIfItPays(std::string(127, 'a'), 3, 128).has_value());
  EXPECT_TRUE(scope_json::CompressIfItPays(std::string(128, 'a'), 3, 128).has_value());
  std::mt19937_64 rng(1);
  EXPECT_FALSE(scope_json::CompressIfItPays(test::RandomString(rng, 4096), 3, 128).has_value());
}

TEST(EventReaderTest, PublicScopesOpenWithNoKeys) {
  const KeyPair user = test::TestKey(1);
  const Event e = MustBuild(BuilderOf(kPolicy), Input("e", kData), UserRing(user), user);
  const OpenedEvent o = MustOpen(e, KeyRing());
  EXPECT_EQ(Parse(o.json), Parse(R"({"page":"/shoes","referrer":null})"));
  EXPECT_FALSE(o.complete());
  for (const ScopeState& s : o.scopes) {
    EXPECT_EQ(s.outcome, s.is_public ? Outcome::kOpened : Outcome::kNoKey) << s.name;
    if (!s.is_public) {
      EXPECT_NE(s.message.find("no scope key for it"), std::string::npos);
    }
  }
}

TEST(EventReaderTest, GrantedScopeKeyOpensOnlyItsScope) {
  const KeyPair user = test::TestKey(1);
  const KeyRing owner = UserRing(user);
  const Event e = MustBuild(BuilderOf(kPolicy), Input("e", kData), owner, user);
  // The app derives the scope key and wraps it for the grantee, who unwraps it.
  const BoxKeyPair grantee = BoxKeyPair::Generate();
  Result<ScopeKey> profile_key = owner.ScopeKeyFor(kBucket, user.public_key, "profile", 1);
  ASSERT_TRUE(profile_key.ok());
  Result<ScopeKey> unwrapped = UnwrapKey(WrapKey(*profile_key, grantee.public_key), grantee);
  ASSERT_TRUE(unwrapped.ok());
  for (const bool for_all_users : {false, true}) {
    KeyRing grant;
    ASSERT_OK(grant.AddScopeKey(kBucket,
                                for_all_users ? std::nullopt : std::optional(user.public_key),
                                "profile", 1, *unwrapped));
    const OpenedEvent o = MustOpen(e, grant);
    EXPECT_EQ(Parse(o.json), Parse(R"({"user":{"email":"a@example.com","name":"Ann"},)"
                                   R"("page":"/shoes","referrer":null})"));
    EXPECT_EQ(FindState(o, "profile")->outcome, Outcome::kOpened);
    EXPECT_EQ(FindState(o, "geo")->outcome, Outcome::kNoKey);
    EXPECT_EQ(FindState(o, "core")->outcome, Outcome::kNoKey);
    EXPECT_EQ(FindState(o, "meta")->outcome, Outcome::kOpened);
  }
  KeyRing wrong_bucket;
  ASSERT_OK(wrong_bucket.AddScopeKey(kBucket + 1, user.public_key, "profile", 1, *unwrapped));
  EXPECT_EQ(FindState(MustOpen(e, wrong_bucket), "profile")->outcome, Outcome::kNoKey);
  KeyRing bad_name;
  EXPECT_FALSE(bad_name.AddScopeKey(kBucket, std::nullopt, "Profile", 1, *unwrapped).ok());
}

TEST(EventReaderTest, WrongMasterIsWrongKey) {
  const KeyPair user = test::TestKey(1);
  const Event e = MustBuild(BuilderOf(kPolicy), Input("e", kData), UserRing(user, 1), user);
  const OpenedEvent o = MustOpen(e, UserRing(user, 2));
  EXPECT_EQ(o.signature, OpenedEvent::Signature::kVerified);
  for (const ScopeState& s : o.scopes) {
    EXPECT_EQ(s.outcome, s.is_public ? Outcome::kOpened : Outcome::kWrongKey) << s.name;
  }
  EXPECT_NE(FindState(o, "geo")->message.find("signature verifies"), std::string::npos);
  // A wrong key held first does not hide a right one held after it.
  KeyRing both = UserRing(user, 1);
  ASSERT_OK(both.AddScopeKey(kBucket, user.public_key, "geo", 1, FixedMaster(9)));
  EXPECT_EQ(FindState(MustOpen(e, both), "geo")->outcome, Outcome::kOpened);
}

TEST(EventReaderTest, FlippedCiphertextIsWrongKeyWhenResignedAndTamperedWhenNot) {
  const KeyPair user = test::TestKey(1);
  const KeyRing ring = UserRing(user);
  const Event e = MustBuild(BuilderOf(kPolicy), Input("e", kData), ring, user);
  Event flipped = e;
  Scope* geo = nullptr;
  for (Scope& s : flipped.scopes) {
    if (s.name == "geo") geo = &s;
  }
  ASSERT_NE(geo, nullptr);
  geo->data[3] = static_cast<char>(geo->data[3] ^ 0x40);

  const OpenedEvent tampered = MustOpen(flipped, ring);
  EXPECT_EQ(tampered.signature, OpenedEvent::Signature::kFailed);
  EXPECT_NE(tampered.signature_error.find("signature does not verify"), std::string::npos);
  EXPECT_EQ(FindState(tampered, "geo")->outcome, Outcome::kTampered);
  EXPECT_EQ(FindState(tampered, "profile")->outcome, Outcome::kOpened);
  EXPECT_EQ(Parse(tampered.json).count("location"), 0u);

  const OpenedEvent trusted = MustOpen(flipped, ring, {.signature_already_verified = true});
  EXPECT_EQ(trusted.signature, OpenedEvent::Signature::kTrusted);
  EXPECT_EQ(FindState(trusted, "geo")->outcome, Outcome::kWrongKey);

  ASSERT_OK(SignEvent(&flipped, user));  // Whoever holds the user key signed these bytes.
  const OpenedEvent resigned = MustOpen(flipped, ring);
  EXPECT_EQ(resigned.signature, OpenedEvent::Signature::kVerified);
  EXPECT_EQ(FindState(resigned, "geo")->outcome, Outcome::kWrongKey);
}

TEST(EventReaderTest, ScopeMovedToAnotherEventUserOrBucketDoesNotOpen) {
  const KeyPair alice = test::TestKey(1);
  const KeyPair bob = test::TestKey(2);
  // One master for the whole app, in two buckets: every (user, bucket) derives the same scope
  // keys, so only the associated data keeps a scope in its event.
  KeyRing ring;
  ring.AddMasterKey(kBucket, std::nullopt, FixedMaster(5), 1);
  ring.AddMasterKey(kBucket + 1, std::nullopt, FixedMaster(5), 1);
  const EventBuilder b = BuilderOf(kPolicy);
  const Event source = MustBuild(b, Input("a", kData), ring, alice);
  struct Target {
    std::string what;
    Event event;
    KeyPair signer;
  };
  std::vector<Target> targets = {
      {"another id", MustBuild(b, Input("b", kData), ring, alice), alice},
      {"another user", MustBuild(b, Input("a", kData), ring, bob), bob},
      {"another bucket", MustBuild(b, Input("a", kData, kBucket + 1), ring, alice), alice},
  };
  for (Target& t : targets) {
    SCOPED_TRACE(t.what);
    for (Scope& s : t.event.scopes) {
      if (s.name == "profile") s = *FindScope(source, "profile");
    }
    ASSERT_OK(SignEvent(&t.event, t.signer));
    const OpenedEvent o = MustOpen(t.event, ring);
    EXPECT_EQ(o.signature, OpenedEvent::Signature::kVerified);
    EXPECT_EQ(FindState(o, "profile")->outcome, Outcome::kWrongKey);
    EXPECT_EQ(FindState(o, "geo")->outcome, Outcome::kOpened);
  }
}

TEST(EventReaderTest, RelabelledScopeDoesNotOpen) {
  const KeyPair user = test::TestKey(1);
  const KeyRing owner = UserRing(user);
  const Event e = MustBuild(BuilderOf(kPolicy), Input("e", kData), owner, user);
  const ScopeKey key = *owner.ScopeKeyFor(kBucket, user.public_key, "geo", 1);
  // The reader holds the very same key under every label, so only the associated data differs.
  KeyRing ring;
  for (const char* name : {"geo", "geo2"}) {
    for (uint32_t v : {1u, 2u}) ASSERT_OK(ring.AddScopeKey(kBucket, std::nullopt, name, v, key));
  }
  EXPECT_EQ(FindState(MustOpen(e, ring), "geo")->outcome, Outcome::kOpened);
  auto relabelled = [&](auto change) {
    Event copy = e;
    for (Scope& s : copy.scopes) {
      if (s.name == "geo") change(&s);
    }
    EXPECT_OK(SignEvent(&copy, user));
    return MustOpen(copy, ring);
  };
  EXPECT_EQ(FindState(relabelled([](Scope* s) { s->key_version = 2; }), "geo")->outcome,
            Outcome::kWrongKey);
  EXPECT_EQ(FindState(relabelled([](Scope* s) { s->compression = ScopeCompression::kZstd; }), "geo")
                ->outcome,
            Outcome::kWrongKey);
  EXPECT_EQ(FindState(relabelled([](Scope* s) { s->name = "geo2"; }), "geo2")->outcome,
            Outcome::kWrongKey);
}

TEST(EventReaderTest, KeyRotationKeepsOldEventsReadable) {
  const KeyPair user = test::TestKey(1);
  KeyRing ring = UserRing(user, 1, /*version=*/1);
  const EventBuilder b = BuilderOf(kPolicy);
  const Event old_event = MustBuild(b, Input("old", kData), ring, user);
  const ScopeKey geo_v1 = *ring.ScopeKeyFor(kBucket, user.public_key, "geo", 1);
  ring.AddMasterKey(kBucket, user.public_key, FixedMaster(1), 2);  // Rotate.
  const Event new_event = MustBuild(b, Input("new", kData), ring, user);
  for (const Scope& s : new_event.scopes) {
    if (s.sealed) {
      EXPECT_EQ(s.key_version, 2u) << s.name;
    }
  }
  EXPECT_TRUE(MustOpen(old_event, ring).complete());
  EXPECT_TRUE(MustOpen(new_event, ring).complete());
  // A grantee of version 1 reads old events, not new ones.
  KeyRing grantee;
  ASSERT_OK(grantee.AddScopeKey(kBucket, user.public_key, "geo", 1, geo_v1));
  EXPECT_EQ(FindState(MustOpen(old_event, grantee), "geo")->outcome, Outcome::kOpened);
  EXPECT_EQ(FindState(MustOpen(new_event, grantee), "geo")->outcome, Outcome::kNoKey);
  // Even presented as a version 2 key, it does not open version 2.
  ASSERT_OK(grantee.AddScopeKey(kBucket, user.public_key, "geo", 2, geo_v1));
  EXPECT_EQ(FindState(MustOpen(new_event, grantee), "geo")->outcome, Outcome::kWrongKey);
  // The user's own master is preferred to the bucket's.
  ring.AddMasterKey(kBucket, std::nullopt, FixedMaster(8), 9);
  EXPECT_EQ(ring.SealingKeyFor(kBucket, user.public_key)->version, 2u);
  EXPECT_EQ(ring.SealingKeyFor(kBucket, test::TestKey(3).public_key)->version, 9u);
  EXPECT_TRUE(ring.SealingKeyFor(kBucket + 1, user.public_key).status().IsNotFound());
}

// A public scope `name` holding `data` as stored, compressed as `comp` says, in a signed event.
Event EventWithPublicScope(const KeyPair& user, std::string data, ScopeCompression comp,
                           std::string_view name = "pub") {
  Event e;
  e.bucket = kBucket;
  e.user = user.public_key;
  e.id = "crafted";
  e.type = "t";
  Scope s;
  s.name = std::string(name);
  s.sealed = false;
  s.compression = comp;
  s.data = std::move(data);
  e.scopes.push_back(std::move(s));
  EXPECT_OK(SignEvent(&e, user));
  return e;
}

std::string ZstdFrame(std::string_view content, bool with_size) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  EXPECT_EQ(ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, with_size ? 1 : 0)),
            0u);
  std::string out(ZSTD_compressBound(content.size()), '\0');
  const size_t n = ZSTD_compress2(cctx, out.data(), out.size(), content.data(), content.size());
  ZSTD_freeCCtx(cctx);
  EXPECT_EQ(ZSTD_isError(n), 0u);
  out.resize(n);
  return out;
}

TEST(EventReaderTest, BadContainersAreMalformedWithAMessage) {
  const KeyPair user = test::TestKey(1);
  const std::string ok_json = R"({"a":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})";
  std::string bomb_content(kMaxScopePlaintextBytes + 1, ' ');
  bomb_content.front() = '{';
  bomb_content.back() = '}';
  const std::string bomb = ZstdFrame(bomb_content, true);
  ASSERT_LT(bomb.size(), 4096u);
  std::string truncated = ZstdFrame(ok_json, true);
  truncated.resize(truncated.size() - 3);
  struct Case {
    std::string what;
    std::string data;
    ScopeCompression comp;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"bomb", bomb, ScopeCompression::kZstd, "claims 16777217 bytes, more than the cap"},
      {"no content size", ZstdFrame(ok_json, false), ScopeCompression::kZstd,
       "does not record its content size"},
      {"not zstd", "not a frame at all", ScopeCompression::kZstd, "not a zstd frame"},
      {"truncated", truncated, ScopeCompression::kZstd, "zstd: bad frame"},
      {"trailing", ZstdFrame(ok_json, true) + "x", ScopeCompression::kZstd,
       "1 bytes after the frame"},
      {"two frames", ZstdFrame(ok_json, true) + ZstdFrame(ok_json, true), ScopeCompression::kZstd,
       "bytes after the frame"},
      {"not json", ZstdFrame("{\"a\":", true), ScopeCompression::kZstd, "not valid JSON"},
      {"array", "[1,2]", ScopeCompression::kNone, "is a JSON array, not an object"},
      {"deep", std::string(80, '[') + std::string(80, ']'), ScopeCompression::kNone,
       "nested deeper"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const OpenedEvent o = MustOpen(EventWithPublicScope(user, c.data, c.comp), KeyRing());
    ASSERT_EQ(o.scopes.size(), 1u);
    EXPECT_EQ(o.scopes[0].outcome, Outcome::kMalformed);
    EXPECT_NE(o.scopes[0].message.find(c.want), std::string::npos) << o.scopes[0].message;
    EXPECT_EQ(o.json, "{}");
  }
  // The same bomb inside a sealed scope: it opens, then its container is refused.
  const KeyRing ring = UserRing(user);
  Event sealed = EventWithPublicScope(user, "{}", ScopeCompression::kNone);
  const ScopeKey key = *ring.ScopeKeyFor(kBucket, user.public_key, "pub", 1);
  Result<Scope> s = SealScope(
      key, {kBucket, user.public_key, sealed.id, "pub", 1, ScopeCompression::kZstd}, AsBytes(bomb));
  ASSERT_TRUE(s.ok());
  sealed.scopes[0] = *s;
  ASSERT_OK(SignEvent(&sealed, user));
  const OpenedEvent o = MustOpen(sealed, ring);
  EXPECT_EQ(o.scopes[0].outcome, Outcome::kMalformed);
  EXPECT_NE(o.scopes[0].message.find("more than the cap"), std::string::npos);
}

TEST(EventReaderTest, ConflictingScopesAreMalformedAndTheFirstWins) {
  const KeyPair user = test::TestKey(1);
  Event e = EventWithPublicScope(user, R"({"a":{"b":1}})", ScopeCompression::kNone, "one");
  Scope two = e.scopes[0];
  two.name = "two";
  two.data = R"({"a":{"b":2,"c":3}})";
  e.scopes.push_back(two);
  ASSERT_OK(SignEvent(&e, user));
  const OpenedEvent o = MustOpen(e, KeyRing());
  EXPECT_EQ(o.scopes[0].outcome, Outcome::kOpened);
  EXPECT_EQ(o.scopes[1].outcome, Outcome::kMalformed);
  EXPECT_NE(o.scopes[1].message.find("$.a.b is in more than one scope"), std::string::npos);
  EXPECT_EQ(Parse(o.json), Parse(R"({"a":{"b":1}})"));
}

TEST(EventReaderTest, OutcomeNames) {
  EXPECT_STREQ(OutcomeName(Outcome::kOpened), "opened");
  EXPECT_STREQ(OutcomeName(Outcome::kNoKey), "no_key");
  EXPECT_STREQ(OutcomeName(Outcome::kWrongKey), "wrong_key");
  EXPECT_STREQ(OutcomeName(Outcome::kTampered), "tampered");
  EXPECT_STREQ(OutcomeName(Outcome::kMalformed), "malformed");
}

}  // namespace
}  // namespace ddc
