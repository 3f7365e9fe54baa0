// Proves the event encoding: EncodeEvent/DecodeEvent round trips, the exact canonical bytes of
// a small event, and that DecodeEvent rejects every rule of docs/FORMAT.md "Event, version 1"
// with a message naming the field (one test per rule). Malformed events are built from raw
// (key, encoded value) pairs with cbor::Writer, so each test breaks exactly one thing.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "ddc/event.h"
#include "engine/event/cbor.h"
#include "engine/event/unsigned_cid.h"
#include "tests/event/event_testing.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using test::AsBytes;
using test::FromHex;
using test::ToHex;

// ---- Raw encoding helpers ----

std::string U(uint64_t v) {
  cbor::Writer w;
  w.Uint(v);
  return w.Take();
}
std::string B(std::string_view v) {
  cbor::Writer w;
  w.Bytes(v);
  return w.Take();
}
std::string T(std::string_view v) {
  cbor::Writer w;
  w.Text(v);
  return w.Take();
}
std::string Link(const Cid& cid) {
  cbor::Writer w;
  w.CidLink(cid);
  return w.Take();
}
std::string Arr(const std::vector<std::string>& items) {
  cbor::Writer w;
  w.ArrayHeader(items.size());
  std::string out = w.Take();
  for (const std::string& i : items) out += i;
  return out;
}

// A map as (key, encoded value) pairs. Encode() writes them in canonical key order unless
// `keep_order`, so tests can break the order on purpose.
struct RawMap {
  std::vector<std::pair<std::string, std::string>> fields;

  RawMap& Set(const std::string& key, std::string value) {
    for (auto& f : fields) {
      if (f.first == key) {
        f.second = std::move(value);
        return *this;
      }
    }
    fields.emplace_back(key, std::move(value));
    return *this;
  }
  RawMap& Erase(const std::string& key) {
    std::erase_if(fields, [&](const auto& f) { return f.first == key; });
    return *this;
  }
  std::string Encode(bool keep_order = false) const {
    std::vector<std::pair<std::string, std::string>> sorted = fields;
    if (!keep_order) {
      std::sort(sorted.begin(), sorted.end(),
                [](const auto& a, const auto& b) { return cbor::KeyLess(a.first, b.first); });
    }
    cbor::Writer w;
    w.MapHeader(sorted.size());
    for (const auto& [k, v] : sorted) {
      w.Text(k);
      w.Raw(v);
    }
    return w.Take();
  }
};

RawMap SealedScope(const std::string& name) {
  RawMap m;
  m.Set("ct", B(std::string(20, 'c')))
      .Set("kv", U(1))
      .Set("comp", U(0))
      .Set("name", T(name))
      .Set("nonce", B(std::string(24, 'n')));
  return m;
}

RawMap PublicScope(const std::string& name) {
  RawMap m;
  m.Set("pt", B("{}")).Set("comp", U(1)).Set("name", T(name));
  return m;
}

// A valid event (unsigned-looking: the signature is zeros, which DecodeEvent does not check).
RawMap ValidEvent() {
  RawMap m;
  m.Set("v", U(1))
      .Set("id", T("evt-1"))
      .Set("ts", U(5))
      .Set("sig", B(std::string(64, '\0')))
      .Set("type", T("click"))
      .Set("user", B(std::string(32, 'u')))
      .Set("bucket", U(9))
      .Set("scopes", Arr({SealedScope("a").Encode(), PublicScope("b").Encode()}));
  return m;
}

RawMap ValidBatch() {
  RawMap m;
  m.Set("path", Arr({B(std::string(32, 'p')), B(std::string(32, 'q'))}))
      .Set("root", B(std::string(32, 'r')))
      .Set("size", U(3))
      .Set("index", U(0));
  return m;
}

Status Decode(const std::string& bytes) { return DecodeEvent(AsBytes(bytes)).status(); }

// Expects DecodeEvent to reject `bytes` with InvalidArgument "event: ...<want>...", and the
// append path's DecodeEventEnvelope to reject it with the very same status.
void ExpectRejected(const std::string& bytes, const std::string& want) {
  const Status s = Decode(bytes);
  event_internal::EventLayout layout;
  EXPECT_EQ(event_internal::DecodeEventEnvelope(AsBytes(bytes), &layout).status().ToString(),
            s.ToString());
  ASSERT_FALSE(s.ok()) << "accepted; wanted an error containing: " << want;
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_EQ(s.message().rfind("event: ", 0), 0u) << s.message();
  EXPECT_NE(s.message().find(want), std::string::npos)
      << "message \"" << s.message() << "\" lacks \"" << want << "\"";
}

void ExpectEventRejected(const RawMap& m, const std::string& want) {
  ExpectRejected(m.Encode(), want);
}

void ExpectScopeRejected(const RawMap& scope, const std::string& want) {
  ExpectEventRejected(ValidEvent().Set("scopes", Arr({scope.Encode()})), want);
}

void ExpectBatchRejected(const RawMap& batch, const std::string& want) {
  ExpectEventRejected(ValidEvent().Set("batch", batch.Encode()), want);
}

// ---- Valid encodings ----

TEST(EventCodecTest, HelpersBuildAValidEvent) {
  ASSERT_OK(Decode(ValidEvent().Encode()));
  ASSERT_OK(Decode(ValidEvent().Set("batch", ValidBatch().Encode()).Encode()));
  ASSERT_OK(Decode(ValidEvent().Set("prev", Link(Cid::Of(Codec::kDagCbor, "p"))).Encode()));
}

TEST(EventCodecTest, RoundTripSample) {
  Event e = test::SampleEvent(test::TestKey(1).public_key);
  e.signature.fill(0x77);
  Result<std::string> bytes = EncodeEvent(e);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  Result<Event> back = DecodeEvent(AsBytes(*bytes));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  // Scopes come back sorted by name.
  std::sort(e.scopes.begin(), e.scopes.end(),
            [](const Scope& a, const Scope& b) { return a.name < b.name; });
  EXPECT_EQ(*back, e);
  Result<std::string> again = EncodeEvent(*back);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *bytes);
  EXPECT_EQ(EventCid(AsBytes(*bytes)), Cid::Of(Codec::kDagCbor, *bytes));
}

TEST(EventCodecTest, RoundTripBatchAndEmptyScopesAndExtremes) {
  Event e;
  e.user.fill(3);
  e.id = std::string(kMaxEventIdBytes, 'i');
  e.type = std::string(kMaxEventTypeBytes, 't');
  e.bucket = UINT64_MAX;
  e.timestamp_ms = UINT64_MAX;
  e.batch = BatchProof{};
  e.batch->size = kMaxBatchEvents;
  e.batch->index = kMaxBatchEvents - 1;
  e.batch->path.assign(16, Hash32{});
  e.batch->path[5].fill(9);
  e.batch->root.fill(4);
  Result<std::string> bytes = EncodeEvent(e);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  Result<Event> back = DecodeEvent(AsBytes(*bytes));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, e);
}

TEST(EventCodecTest, ExactBytesOfAMinimalEvent) {
  Event e;
  e.user.fill(0xaa);
  e.signature.fill(0xbb);
  e.id = "x";
  e.type = "t";
  e.timestamp_ms = 24;
  e.bucket = 1;
  Result<std::string> bytes = EncodeEvent(e);
  ASSERT_TRUE(bytes.ok());
  // a8: 8 pairs in the order v, id, ts, sig, type, user, bucket, scopes.
  const std::string want =
      "a8"
      "6176"
      "01"
      "626964"
      "6178"
      "627473"
      "1818"
      "63736967"
      "5840" +
      std::string(128, 'b') +
      "6474797065"
      "6174"
      "6475736572"
      "5820" +
      std::string(64, 'a') +
      "666275636b6574"
      "01"
      "6673636f706573"
      "80";
  EXPECT_EQ(ToHex(*bytes), want);
}

TEST(EventCodecTest, ExactBytesOfScopes) {
  Event e;
  e.id = "x";
  e.type = "t";
  Scope pub;
  pub.name = "p";
  pub.sealed = false;
  pub.data = "hi";
  Scope sealed;
  sealed.name = "a";
  sealed.key_version = 300;
  sealed.compression = ScopeCompression::kZstd;
  sealed.data = std::string(16, '\x01');
  sealed.nonce.fill(2);
  e.scopes = {pub, sealed};  // Written sorted: "a" first.
  Result<std::string> bytes = EncodeEvent(e);
  ASSERT_TRUE(bytes.ok());
  const std::string sealed_hex =
      "a5"
      "626374"
      "50" +
      ToHex(std::string(16, '\x01')) +
      "626b76"
      "19012c"
      "64636f6d70"
      "01"
      "646e616d65"
      "6161" +
      "656e6f6e6365"
      "5818" +
      ToHex(std::string(24, '\x02'));
  const std::string public_hex =
      "a3"
      "627074"
      "426869"
      "64636f6d70"
      "00"
      "646e616d65"
      "6170";
  const std::string tail =
      "6673636f706573"
      "82" +
      sealed_hex + public_hex;
  ASSERT_GE(bytes->size(), tail.size() / 2);
  EXPECT_EQ(ToHex(*bytes).substr(ToHex(*bytes).size() - tail.size()), tail);
}

TEST(EventCodecTest, EncoderWritesKeysInCanonicalOrder) {
  // With every optional key present the reader (which enforces canonical order) accepts it.
  Event e = test::SampleEvent(test::TestKey(2).public_key);
  e.batch = BatchProof{Hash32{}, 2, 1, {Hash32{}}};
  Result<std::string> bytes = EncodeEvent(e);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  cbor::Reader r(AsBytes(*bytes));
  std::vector<std::string> keys;
  Result<cbor::Item> top = r.Next();
  ASSERT_TRUE(top.ok());
  for (uint64_t i = 0; i < top->value; ++i) {
    Result<cbor::Item> key = r.Next();
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    keys.emplace_back(key->text());
    ASSERT_OK(r.Skip());
  }
  ASSERT_OK(r.Finish());
  EXPECT_EQ(keys, (std::vector<std::string>{"v", "id", "ts", "sig", "prev", "type", "user", "batch",
                                            "bucket", "scopes"}));
}

// ---- Structure and canonical form ----

TEST(EventDecodeTest, RejectsNonMap) { ExpectRejected(Arr({}), "event is an array, want a map"); }

TEST(EventDecodeTest, RejectsEmptyInput) {
  ExpectRejected("", "unexpected end of input at byte 0");
}

TEST(EventDecodeTest, RejectsTrailingBytes) {
  const std::string bytes = ValidEvent().Encode();
  ExpectRejected(bytes + '\0',
                 "trailing bytes after the top-level item at byte " + std::to_string(bytes.size()));
}

TEST(EventDecodeTest, RejectsTruncation) {
  const std::string bytes = ValidEvent().Encode();
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(Decode(bytes.substr(0, n)).ok()) << n;
  }
}

TEST(EventDecodeTest, RejectsNonCanonicalInteger) {
  // ts = 5 in a one-byte-argument head (18 05) instead of 05; ts's value starts at byte 16
  // (a8 | 61 76 01 | 62 69 64 65 "evt-1" | 62 74 73 | 18 05).
  RawMap m = ValidEvent().Set("ts", FromHex("1805"));
  ExpectEventRejected(m, "event: non-canonical integer 5 (not in its shortest form) at byte 16");
}

TEST(EventDecodeTest, RejectsNonCanonicalLength) {
  ExpectEventRejected(ValidEvent().Set("id", FromHex("7801") + "x"), "non-canonical length 1");
}

TEST(EventDecodeTest, RejectsKeysOutOfOrder) {
  RawMap m = ValidEvent();
  std::swap(m.fields[1], m.fields[2]);  // ts before id.
  std::sort(m.fields.begin() + 3, m.fields.end(),
            [](const auto& a, const auto& b) { return cbor::KeyLess(a.first, b.first); });
  // a8 | 61 76 01 | 62 74 73 05 | 62 69 64 ...: "id" at byte 8 comes after "ts".
  ExpectRejected(m.Encode(/*keep_order=*/true),
                 "event: map keys not in canonical order (\"id\" after \"ts\") at byte 8");
}

TEST(EventDecodeTest, RejectsBytewiseOrderThatIsNotLengthFirst) {
  // Plain bytewise order would put "bucket" before "id"; DAG-CBOR wants length first.
  RawMap m = ValidEvent();
  std::sort(m.fields.begin(), m.fields.end());
  ExpectRejected(m.Encode(/*keep_order=*/true), "map keys not in canonical order");
}

TEST(EventDecodeTest, RejectsDuplicateKey) {
  RawMap m = ValidEvent();
  m.fields.insert(m.fields.begin() + 2, {"id", T("again")});
  ExpectRejected(m.Encode(/*keep_order=*/true), "duplicate map key \"id\"");
}

TEST(EventDecodeTest, RejectsUnknownKey) {
  ExpectEventRejected(ValidEvent().Set("x", U(1)),
                      "unknown key \"x\" at byte 4");  // a9 | 61 76 01 | 61 78.
}

TEST(EventDecodeTest, RejectsUnknownKeyQuotedSafely) {
  const std::string key = "\x01" + std::string(100, 'k');
  const Status s = Decode(ValidEvent().Set(key, U(1)).Encode());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("unknown key \"\\x01kkk"), std::string::npos) << s.message();
  EXPECT_LT(s.message().size(), 120u) << s.message();
}

TEST(EventDecodeTest, RejectsNonTextKey) {
  std::string bytes = ValidEvent().Encode();
  bytes[1] = '\x41';  // "v" as a byte string.
  ExpectRejected(bytes, "map key is a byte string, not a text string at byte 1");
}

TEST(EventDecodeTest, RejectsMissingKeys) {
  for (const char* key : {"v", "id", "ts", "sig", "type", "user", "bucket", "scopes"}) {
    SCOPED_TRACE(key);
    ExpectEventRejected(ValidEvent().Erase(key), std::string("missing key \"") + key + "\"");
  }
}

TEST(EventDecodeTest, RejectsOtherVersions) {
  ExpectEventRejected(ValidEvent().Set("v", U(2)), "version 2 is not supported (want 1)");
  ExpectEventRejected(ValidEvent().Set("v", U(0)), "version 0 is not supported");
}

TEST(EventDecodeTest, RejectsWrongTypes) {
  ExpectEventRejected(ValidEvent().Set("ts", T("5")), "ts is a text string, want an unsigned");
  ExpectEventRejected(ValidEvent().Set("bucket", B("1")), "bucket is a byte string, want an");
  ExpectEventRejected(ValidEvent().Set("id", B("x")), "id is a byte string, want a text string");
  ExpectEventRejected(ValidEvent().Set("type", U(1)), "type is an unsigned integer, want a text");
  ExpectEventRejected(ValidEvent().Set("user", T("u")), "user is a text string, want a byte");
  ExpectEventRejected(ValidEvent().Set("scopes", U(0)), "scopes is an unsigned integer, want an");
  ExpectEventRejected(ValidEvent().Set("v", T("1")), "v is a text string");
}

TEST(EventDecodeTest, RejectsNegativeIntegers) {
  ExpectEventRejected(ValidEvent().Set("ts", FromHex("20")), "negative integer is not allowed");
}

TEST(EventDecodeTest, RejectsFloats) {
  ExpectEventRejected(ValidEvent().Set("ts", FromHex("fb4014000000000000")),
                      "double-precision float is not allowed");
}

TEST(EventDecodeTest, RejectsSimpleValues) {
  ExpectEventRejected(ValidEvent().Set("prev", FromHex("f6")), "simple value null");
}

TEST(EventDecodeTest, RejectsOtherTags) {
  ExpectEventRejected(ValidEvent().Set("ts", FromHex("c105")), "tag 1 is not allowed");
}

TEST(EventDecodeTest, RejectsIndefiniteLengths) {
  ExpectEventRejected(ValidEvent().Set("scopes", FromHex("9fff")),
                      "indefinite length is not allowed");
  std::string bytes = ValidEvent().Encode();
  bytes[0] = '\xbf';
  ExpectRejected(bytes, "indefinite length is not allowed at byte 0");
}

TEST(EventDecodeTest, RejectsBadIdAndType) {
  ExpectEventRejected(ValidEvent().Set("id", T("")), "id is empty");
  ExpectEventRejected(ValidEvent().Set("id", T(std::string(129, 'i'))),
                      "id is 129 bytes, more than 128");
  ExpectEventRejected(ValidEvent().Set("type", T("")), "type is empty");
  ExpectEventRejected(ValidEvent().Set("type", T(std::string(129, 't'))),
                      "type is 129 bytes, more than 128");
  ExpectEventRejected(ValidEvent().Set("id", FromHex("62c328")), "not valid UTF-8");
}

TEST(EventDecodeTest, RejectsWrongKeyAndSignatureSizes) {
  ExpectEventRejected(ValidEvent().Set("sig", B(std::string(63, 's'))), "sig is 63 bytes want 64");
  ExpectEventRejected(ValidEvent().Set("user", B(std::string(33, 'u'))),
                      "user is 33 bytes want 32");
}

TEST(EventDecodeTest, RejectsPrevThatIsNotALink) {
  const Cid cid = Cid::Of(Codec::kDagCbor, "p");
  const auto binary = cid.ToBytes();
  ExpectEventRejected(
      ValidEvent().Set(
          "prev", B(std::string_view(reinterpret_cast<const char*>(binary.data()), binary.size()))),
      "prev is a byte string, want a CID link");
}

TEST(EventDecodeTest, RejectsPrevThatIsNotADagCborCid) {
  ExpectEventRejected(ValidEvent().Set("prev", Link(Cid::Of(Codec::kRaw, "p"))),
                      "prev is not a dag-cbor CID (bafk2bzace");
}

TEST(EventDecodeTest, RejectsPrevThatIsNotACid) {
  // A link to 5 random bytes.
  ExpectEventRejected(ValidEvent().Set("prev", FromHex("d82a46000102030405")),
                      "prev is not a valid CID (cid: ");
  // A CID with the link prefix missing.
  const std::string cid_hex = ToHex(Cid::Of(Codec::kDagCbor, "p").ToBytes());
  ExpectEventRejected(ValidEvent().Set("prev", FromHex("d82a5826" + cid_hex)),
                      "CID link lacks the 0x00 prefix");
}

// ---- Scopes ----

TEST(EventDecodeTest, RejectsTooManyScopes) {
  std::vector<std::string> scopes;
  for (int i = 0; i < 65; ++i) {
    char name[8];
    std::snprintf(name, sizeof name, "s%03d", i);
    scopes.push_back(PublicScope(name).Encode());
  }
  ExpectEventRejected(ValidEvent().Set("scopes", Arr(scopes)),
                      "scopes has 65 entries, more than 64");
  scopes.pop_back();
  ASSERT_OK(Decode(ValidEvent().Set("scopes", Arr(scopes)).Encode()));
}

TEST(EventDecodeTest, RejectsScopeThatIsNotAMap) {
  ExpectEventRejected(ValidEvent().Set("scopes", Arr({B("x")})),
                      "scope 0 is a byte string, want a map");
}

TEST(EventDecodeTest, RejectsUnsortedScopes) {
  ExpectEventRejected(
      ValidEvent().Set("scopes", Arr({PublicScope("b").Encode(), PublicScope("a").Encode()})),
      "scope \"a\" after \"b\" (scopes must be sorted by name)");
  // By bytes, not by length: "b" < "aa" as CBOR keys but "aa" < "b" as scope names.
  ASSERT_OK(Decode(ValidEvent()
                       .Set("scopes", Arr({PublicScope("aa").Encode(), PublicScope("b").Encode()}))
                       .Encode()));
}

TEST(EventDecodeTest, RejectsDuplicateScopeNames) {
  ExpectEventRejected(
      ValidEvent().Set("scopes", Arr({PublicScope("a").Encode(), SealedScope("a").Encode()})),
      "duplicate scope name \"a\"");
}

TEST(EventDecodeTest, RejectsBadScopeNames) {
  ExpectScopeRejected(SealedScope(""), "scope 0 has an empty name");
  ExpectScopeRejected(SealedScope(std::string(65, 'n')), "scope 0 name is 65 bytes, more than 64");
  ExpectScopeRejected(SealedScope("Profile"), "scope 0 name has byte 50 at 0, outside [a-z0-9_.-]");
  ExpectScopeRejected(SealedScope("a b"), "scope 0 name has byte 20 at 1");
  ExpectScopeRejected(SealedScope("a/b"), "outside [a-z0-9_.-]");
  ExpectScopeRejected(SealedScope("caf\xc3\xa9"), "scope 0 name has byte c3 at 3");
  ExpectScopeRejected(SealedScope(std::string(64, 'n')).Erase("kv"), "sealed scope \"nnnn");
  ExpectScopeRejected(SealedScope("a").Erase("name"), "scope 0 has no name");
  ExpectScopeRejected(SealedScope("a").Set("name", B("a")), "scope 0 name is a byte string");
}

TEST(EventDecodeTest, RejectsScopeWithBothCiphertextAndPlaintext) {
  ExpectScopeRejected(SealedScope("a").Set("pt", B("x")),
                      "scope \"a\" has both ct (sealed) and pt (public)");
}

TEST(EventDecodeTest, RejectsScopeWithNeitherCiphertextNorPlaintext) {
  ExpectScopeRejected(PublicScope("a").Erase("pt"),
                      "scope \"a\" has neither ct (sealed) nor pt (public)");
}

TEST(EventDecodeTest, RejectsSealedScopeMissingFields) {
  ExpectScopeRejected(SealedScope("a").Erase("kv"), "sealed scope \"a\" has no kv");
  ExpectScopeRejected(SealedScope("a").Erase("nonce"), "sealed scope \"a\" has no nonce");
  ExpectScopeRejected(SealedScope("a").Erase("comp"), "scope \"a\" has no comp");
}

TEST(EventDecodeTest, RejectsPublicScopeWithSealedKeys) {
  ExpectScopeRejected(PublicScope("a").Set("kv", U(1)),
                      "public scope \"a\" has kv, a sealed-scope key");
  ExpectScopeRejected(PublicScope("a").Set("nonce", B(std::string(24, 'n'))),
                      "public scope \"a\" has nonce, a sealed-scope key");
  ExpectScopeRejected(PublicScope("a").Erase("comp"), "scope \"a\" has no comp");
}

TEST(EventDecodeTest, RejectsUnknownScopeKey) {
  ExpectScopeRejected(SealedScope("a").Set("aad", B("x")), "scope 0 has unknown key \"aad\"");
}

TEST(EventDecodeTest, RejectsScopeKeysOutOfOrder) {
  RawMap s = SealedScope("a");
  std::reverse(s.fields.begin(), s.fields.end());
  ExpectEventRejected(ValidEvent().Set("scopes", Arr({s.Encode(/*keep_order=*/true)})),
                      "map keys not in canonical order");
}

TEST(EventDecodeTest, RejectsWrongNonceSize) {
  ExpectScopeRejected(SealedScope("a").Set("nonce", B(std::string(12, 'n'))),
                      "scope \"a\" nonce is 12 bytes want 24");
}

TEST(EventDecodeTest, RejectsShortCiphertext) {
  ExpectScopeRejected(SealedScope("a").Set("ct", B(std::string(15, 'c'))),
                      "scope \"a\" ciphertext is 15 bytes, less than the 16-byte AEAD tag");
  ASSERT_OK(
      Decode(ValidEvent()
                 .Set("scopes", Arr({SealedScope("a").Set("ct", B(std::string(16, 'c'))).Encode()}))
                 .Encode()));
}

TEST(EventDecodeTest, RejectsKeyVersionAbove32Bits) {
  ExpectScopeRejected(SealedScope("a").Set("kv", U(uint64_t{1} << 32)),
                      "scope \"a\" key version 4294967296 is more than 4294967295");
  ASSERT_OK(Decode(ValidEvent()
                       .Set("scopes", Arr({SealedScope("a").Set("kv", U(UINT32_MAX)).Encode()}))
                       .Encode()));
}

TEST(EventDecodeTest, RejectsUnknownCompression) {
  ExpectScopeRejected(SealedScope("a").Set("comp", U(2)),
                      "scope \"a\" compression 2 is unknown (0 none, 1 zstd)");
  ExpectScopeRejected(PublicScope("a").Set("comp", U(7)), "compression 7 is unknown");
}

TEST(EventDecodeTest, RejectsWrongScopeFieldTypes) {
  ExpectScopeRejected(SealedScope("a").Set("ct", T("x")), "scope 0 ct is a text string");
  ExpectScopeRejected(SealedScope("a").Set("kv", B("x")), "scope 0 kv is a byte string");
  ExpectScopeRejected(PublicScope("a").Set("pt", T("x")), "scope 0 pt is a text string");
}

// ---- Batch ----

TEST(EventDecodeTest, RejectsBatchThatIsNotAMap) {
  ExpectEventRejected(ValidEvent().Set("batch", U(1)), "batch is an unsigned integer, want a map");
}

TEST(EventDecodeTest, RejectsBatchMissingFields) {
  for (const char* key : {"path", "root", "size", "index"}) {
    SCOPED_TRACE(key);
    ExpectBatchRejected(ValidBatch().Erase(key), std::string("batch has no ") + key);
  }
}

TEST(EventDecodeTest, RejectsUnknownBatchKey) {
  ExpectBatchRejected(ValidBatch().Set("leaf", U(1)), "batch has unknown key \"leaf\"");
}

TEST(EventDecodeTest, RejectsBatchSizeOutOfRange) {
  ExpectBatchRejected(ValidBatch().Set("size", U(0)), "batch size 0 is outside 1..65536");
  ExpectBatchRejected(ValidBatch().Set("size", U(65537)), "batch size 65537 is outside 1..65536");
}

TEST(EventDecodeTest, RejectsBatchIndexNotBelowSize) {
  ExpectBatchRejected(ValidBatch().Set("index", U(3)), "batch index 3 is not below batch size 3");
}

TEST(EventDecodeTest, RejectsBatchPathOfWrongLength) {
  // Leaf 0 of 4 needs 2 hashes; leaf 2 of 3 needs 1; leaf 0 of 1 needs none.
  ExpectBatchRejected(ValidBatch().Set("size", U(5)), "batch path has 2 hashes want 3");
  ExpectBatchRejected(ValidBatch().Set("index", U(2)), "batch path has 2 hashes want 1");
  ExpectBatchRejected(ValidBatch().Set("size", U(1)), "batch path has 2 hashes want 0");
  ASSERT_OK(Decode(ValidEvent()
                       .Set("batch", ValidBatch().Set("size", U(1)).Set("path", Arr({})).Encode())
                       .Encode()));
}

TEST(EventDecodeTest, RejectsBatchPathLongerThan16BeforeReadingIt) {
  std::vector<std::string> hashes(17, B(std::string(32, 'h')));
  ExpectBatchRejected(ValidBatch().Set("path", Arr(hashes)),
                      "batch path has 17 hashes, more than 16");
}

TEST(EventDecodeTest, RejectsWrongBatchHashSizes) {
  ExpectBatchRejected(ValidBatch().Set("root", B(std::string(31, 'r'))),
                      "batch root is 31 bytes want 32");
  ExpectBatchRejected(ValidBatch().Set("path", Arr({B(std::string(32, 'p')), B("short")})),
                      "batch path hash 1 is 5 bytes want 32");
}

// ---- Size ----

TEST(EventDecodeTest, RejectsEventsOverTheSizeLimit) {
  const std::string big(kMaxEventBytes + 1, '\0');
  ExpectRejected(big, "4194305 bytes, more than the 4194304 an event may have");
}

TEST(EventEncodeTest, RejectsEventsOverTheSizeLimit) {
  Event e = test::SampleEvent(PublicKey{});
  e.scopes[1].data.assign(kMaxEventBytes, 'x');
  const Status s = EncodeEvent(e).status();
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("more than 4194304"), std::string::npos) << s.message();
}

// ---- EncodeEvent validates too ----

void ExpectEncodeRejected(const Event& e, const std::string& want) {
  const Status s = EncodeEvent(e).status();
  ASSERT_FALSE(s.ok()) << "encoded; wanted: " << want;
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find(want), std::string::npos) << s.message();
  // The unsigned forms validate the same way.
  EXPECT_FALSE(EventSigningBytes(e).ok());
  EXPECT_FALSE(UnsignedEventCid(e).ok());
}

TEST(EventEncodeTest, RejectsInvalidFields) {
  const Event base = test::SampleEvent(PublicKey{});
  ASSERT_TRUE(EncodeEvent(base).ok());
  Event e = base;
  e.id.clear();
  ExpectEncodeRejected(e, "event: id is empty");
  e = base;
  e.id.assign(129, 'i');
  ExpectEncodeRejected(e, "event: id is 129 bytes, more than 128");
  e = base;
  e.type = "\xff";
  ExpectEncodeRejected(e, "event: type is not valid UTF-8");
  e = base;
  e.scopes[0].name = "Bad";
  ExpectEncodeRejected(e, "event: scope 0 name has byte 42 at 0");
  e = base;
  e.scopes[1].name = e.scopes[0].name;
  ExpectEncodeRejected(e, "event: duplicate scope name \"profile\"");
  e = base;
  e.scopes[0].data.resize(kScopeTagBytes - 1);
  ExpectEncodeRejected(e, "ciphertext is 15 bytes, less than the 16-byte AEAD tag");
  e = base;
  e.scopes[0].compression = static_cast<ScopeCompression>(9);
  ExpectEncodeRejected(e, "compression 9 is unknown");
  e = base;
  e.scopes.resize(kMaxScopes + 1, e.scopes[1]);
  ExpectEncodeRejected(e, "65 scopes, more than 64");
  e = base;
  e.prev = Cid::Of(Codec::kRaw, "x");
  ExpectEncodeRejected(e, "prev is not a dag-cbor CID");
}

TEST(EventEncodeTest, RejectsInvalidBatchShape) {
  Event e = test::SampleEvent(PublicKey{});
  e.batch = BatchProof{Hash32{}, 3, 0, {Hash32{}}};
  const Status s = EncodeEvent(e).status();
  EXPECT_NE(s.message().find("batch path has 1 hashes want 2"), std::string::npos) << s.message();
  e.batch = BatchProof{Hash32{}, 0, 0, {}};
  EXPECT_NE(EncodeEvent(e).status().message().find("batch size 0"), std::string::npos);
}

TEST(EventEncodeTest, SortsScopesByName) {
  Event e = test::SampleEvent(PublicKey{});
  Event reversed = e;
  std::reverse(reversed.scopes.begin(), reversed.scopes.end());
  Result<std::string> a = EncodeEvent(e);
  Result<std::string> b = EncodeEvent(reversed);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  Result<Event> back = DecodeEvent(AsBytes(*a));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->scopes[0].name, "analytics");
  EXPECT_EQ(back->scopes[1].name, "profile");
}

}  // namespace
}  // namespace ddc
