// ddc-node's signed names and its encryption service (seal, open) end to end, with access
// control on: a real node, real keystore, real HTTP.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ddc/auth.h"
#include "ddc/erasure.h"
#include "ddc/event.h"
#include "ddc/names.h"
#include "engine/base/hex.h"
#include "engine/timeline/base64.h"
#include "tests/store/event_test_util.h"
#include "tests/store/node_test_util.h"
#include "tests/test_util.h"

namespace ddc::test {
namespace {

std::string Code(const HttpResponse& r) {
  const Json j = r.json();
  return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
}

// Sets an environment variable for the nodes a test starts; restores it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class NodeServiceTest : public ::testing::Test {
 protected:
  // Bucket 7 public and bucket 8 private, both owned by `owner_`.
  void Start() {
    const std::string config = R"({"buckets":[{"bucket":7,"owner":")" + Hex(owner_.public_key) +
                               R"(","public":true},{"bucket":8,"owner":")" +
                               Hex(owner_.public_key) + R"(","public":false}]})";
    node_ = std::make_unique<Node>(dir_.Sub("data"), config);
    ASSERT_NE(node_->port(), 0) << node_->log();
    port_ = node_->port();
  }

  std::string Token(uint64_t bucket, uint32_t ops) {
    return *IssueAuthToken(owner_, bucket, owner_.public_key, ops, NowMs() + 3'600'000, false);
  }

  HttpResponse Signed(const std::string& token, const std::string& method,
                      const std::string& target, const std::string& body,
                      const std::string& content_type) {
    const uint64_t t = ++last_time_ > NowMs() ? last_time_ : (last_time_ = NowMs());
    const Signature sig = SignRequest(owner_, method, target, t, AsBytes(body));
    std::vector<std::string> h = {"X-DDC-Time: " + std::to_string(t),
                                  "X-DDC-Signature: " + timeline::Base64Encode(sig),
                                  "Content-Type: " + content_type};
    if (!token.empty()) h.push_back("Authorization: DDC " + token);
    return Call(port_, method, target, body, h);
  }

  std::string NameRecordBytes(uint64_t bucket, const std::string& name, const Cid& target,
                              uint64_t seq, const KeyPair& signer) {
    Result<NameRecord> r = MakeName(bucket, name, target, seq, 60, NowMs(), signer);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return *EncodeName(*r);
  }

  TempDir dir_;
  std::unique_ptr<Node> node_;
  uint16_t port_ = 0;
  uint64_t last_time_ = 0;
  KeyPair owner_ = UserKey(21);
  KeyPair stranger_ = UserKey(22);
};

TEST_F(NodeServiceTest, SignedNamesAreServedWithTheirTtl) {
  Start();
  const Cid target = Cid::Of(Codec::kRaw, AsBytes("hello"));
  const Cid other = Cid::Of(Codec::kRaw, AsBytes("world"));
  const std::string path = "/v1/buckets/7/names/site/home";
  const std::string first = NameRecordBytes(7, "site/home", target, 1, owner_);
  HttpResponse r = Call(port_, "PUT", path, first, {"Content-Type: application/cbor"});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["target"], target.ToString());
  // The same record again is idempotent; an older or equal sequence is a conflict.
  EXPECT_EQ(Call(port_, "PUT", path, first, {"Content-Type: application/cbor"}).status, 200);
  r = Call(port_, "PUT", path, NameRecordBytes(7, "site/home", other, 1, owner_),
           {"Content-Type: application/cbor"});
  EXPECT_EQ(r.status, 409) << r.body;
  // Signed by a key that does not own the bucket; for another name or bucket than the path's.
  r = Call(port_, "PUT", path, NameRecordBytes(7, "site/home", other, 5, stranger_),
           {"Content-Type: application/cbor"});
  EXPECT_EQ(r.status, 403) << r.body;
  r = Call(port_, "PUT", path, NameRecordBytes(7, "site/other", other, 5, owner_),
           {"Content-Type: application/cbor"});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Code(r), "name_mismatch");
  EXPECT_EQ(Call(port_, "PUT", path, "junk", {"Content-Type: application/cbor"}).status, 400);
  EXPECT_EQ(Call(port_, "PUT", path, first, {"Content-Type: text/plain"}).status, 415);
  // As JSON, {"record": base64}: the same record, already current.
  r = Call(port_, "PUT", path, Json{{"record", timeline::Base64Encode(AsBytes(first))}}.dump(),
           {"Content-Type: application/json"});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["existed"], true);
  // A newer record wins.
  ASSERT_EQ(Call(port_, "PUT", path, NameRecordBytes(7, "site/home", other, 2, owner_),
                 {"Content-Type: application/cbor"})
                .status,
            201);

  r = Call(port_, "GET", path);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["target"], other.ToString());
  EXPECT_EQ(r.json()["seq"], 2);
  EXPECT_EQ(r.json()["signer"], Hex(owner_.public_key));
  EXPECT_EQ(r.Header("cache-control"), "max-age=60");
  // The signed bytes, for a client that verifies the owner's signature itself.
  r = Call(port_, "GET", path, "", {"Accept: application/cbor"});
  ASSERT_EQ(r.status, 200);
  Result<NameRecord> decoded = DecodeName(AsBytes(r.body));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(VerifyName(*decoded).ok());
  EXPECT_EQ(decoded->target, other);

  r = Call(port_, "GET", "/v1/buckets/7/names");
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.json()["names"].size(), 1u);
  EXPECT_EQ(Call(port_, "GET", "/v1/buckets/7/names/nope").status, 404);
  EXPECT_EQ(Call(port_, "GET", "/v1/buckets/7/names/Bad..Name").status, 400);

  // Names of a private bucket need read access.
  ASSERT_EQ(Call(port_, "PUT", "/v1/buckets/8/names/x", NameRecordBytes(8, "x", target, 1, owner_),
                 {"Content-Type: application/cbor"})
                .status,
            201);
  EXPECT_EQ(Call(port_, "GET", "/v1/buckets/8/names/x").status, 401);
  EXPECT_EQ(Signed(Token(8, kAuthRead), "GET", "/v1/buckets/8/names/x", "", "text/plain").status,
            200);
}

TEST_F(NodeServiceTest, SealAndOpenWithNodeHeldKeys) {
  const ScopedEnv passphrase("DDC_PASSPHRASE", "node secret");
  const ScopedEnv fast("DDC_KEYSTORE_FAST", "1");
  Start();
  EXPECT_NE(node_->log().find("seal and open service on"), std::string::npos) << node_->log();
  const std::string policy =
      R"({"default":"core","scopes":{"profile":["$.user.email"]},"public":["core"]})";
  const std::string body = R"({"signer":"alice","id":"e1","type":"signup","time_ms":1000,)"
                           R"("policy":)" +
                           policy + R"(,"data":{"user":{"email":"a@b.c"},"page":"/home"}})";
  const std::string seal = "/v1/buckets/8/seal";
  // Credentials with the seal operation are needed.
  EXPECT_EQ(Call(port_, "POST", seal, body, {"Content-Type: application/json"}).status, 401);
  HttpResponse r = Signed(Token(8, kAuthWrite), "POST", seal, body, "application/json");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Code(r), "operation_not_allowed");

  const std::string sealer = Token(8, kAuthSeal);
  r = Signed(sealer, "POST", seal, body, "application/json");
  ASSERT_EQ(r.status, 201) << r.body;
  const Json first = r.json();
  EXPECT_EQ(first["position"], 0);
  const std::string user = first["user"];
  EXPECT_EQ(first["created_keys"],
            (Json{"sign/bucket-8/alice", "master/8/" + user}));  // Made on first use.
  // The stored event is signed by the node-held user key and its email scope is sealed.
  Result<std::vector<uint8_t>> bytes = timeline::Base64Decode(first["event"].get<std::string>());
  ASSERT_TRUE(bytes.ok());
  Result<Event> event = DecodeAndVerifyEvent(*bytes);
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  EXPECT_EQ(Hex(event->user), user);
  bool sealed_profile = false;
  for (const Scope& s : event->scopes) sealed_profile |= s.name == "profile" && s.sealed;
  EXPECT_TRUE(sealed_profile);
  EXPECT_EQ(std::string(event->scopes[0].data).find("a@b.c"), std::string::npos);

  // A second event reuses the keys and links to the first.
  std::string second = body;
  second.replace(second.find("\"e1\""), 4, "\"e2\"");
  r = Signed(sealer, "POST", seal, second, "application/json");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["position"], 1);
  EXPECT_EQ(r.json()["created_keys"], Json::array());
  EXPECT_EQ(r.json()["user"], user);

  // Open needs the open operation and answers the original data.
  const std::string open = "/v1/buckets/8/open";
  const std::string by_cid = R"({"cid":")" + first["cid"].get<std::string>() + R"("})";
  r = Signed(sealer, "POST", open, by_cid, "application/json");
  EXPECT_EQ(r.status, 403) << r.body;
  r = Signed(Token(8, kAuthOpen), "POST", open, by_cid, "application/json");
  ASSERT_EQ(r.status, 200) << r.body;
  const Json opened = r.json();
  EXPECT_EQ(opened["data"], Json::parse(R"({"user":{"email":"a@b.c"},"page":"/home"})"));
  EXPECT_EQ(opened["signature"], "trusted");
  for (const Json& s : opened["scopes"]) EXPECT_EQ(s["outcome"], "opened") << s;

  // An event sent as bytes is verified; one of a user the node holds no keys for stays closed.
  std::mt19937_64 rng(TestSeed());
  const KeyPair bob = UserKey(3);
  Event foreign = MakeEvent(rng, 8, bob, "f1", 5);
  const std::string foreign_bytes = SignAndEncode(foreign, bob);
  r = Signed(Token(8, kAuthOpen), "POST", open,
             R"({"event":")" + timeline::Base64Encode(AsBytes(foreign_bytes)) + R"("})",
             "application/json");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["signature"], "verified");

  // Bad bodies.
  for (const std::string& bad :
       {std::string("[]"),
        std::string(R"({"signer":"Alice!","id":"x","type":"t","policy":{},)"
                    R"("data":{}})"),
        std::string(R"({"signer":"a","id":"x","type":"t","policy":{},"data":{},"extra":1})"),
        std::string(R"({"signer":"a","id":"x","type":"t","policy":{"default":""},"data":{}})")}) {
    r = Signed(sealer, "POST", seal, bad, "application/json");
    EXPECT_EQ(r.status, 400) << bad << " -> " << r.body;
  }

  // Erasing the user's timeline shreds the node's master key: the event no longer opens.
  Tombstone t;
  t.bucket = 8;
  t.user = event->user;
  t.timestamp_ms = NowMs();
  ASSERT_TRUE(SignTombstone(&t, owner_).ok());
  r = Call(port_, "POST", "/v1/erase", *EncodeTombstone(t), {"Content-Type: application/cbor"});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["keys_shredded"], 1);
  r = Signed(Token(8, kAuthOpen), "POST", open, by_cid, "application/json");
  EXPECT_EQ(r.status, 410) << r.body;
}

TEST_F(NodeServiceTest, WithoutAKeystoreSealAnswers501) {
  const ScopedEnv no_passphrase("DDC_PASSPHRASE", "");
  Start();
  EXPECT_NE(node_->log().find("no keystore passphrase"), std::string::npos) << node_->log();
  const HttpResponse r =
      Signed(Token(7, kAuthSeal), "POST", "/v1/buckets/7/seal", "{}", "application/json");
  EXPECT_EQ(r.status, 501) << r.body;
  EXPECT_EQ(Code(r), "no_keystore");
}

}  // namespace
}  // namespace ddc::test
