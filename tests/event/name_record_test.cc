// Name records (include/ddc/names.h): what the encoding accepts and what it refuses, and that
// the signature binds every field.
//   - Round trips: records at every boundary (empty-ish and longest names, sequence 0 and
//     2^64-1, both TTL limits, both target codecs) encode, decode to the same record, re-encode
//     to the same bytes and verify.
//   - The name rules: every rule of names.h is broken once, and the error names the byte.
//   - Decoding: each required key missing, each key of a wrong type or size, an unknown key,
//     another version, keys out of canonical order, a non-minimal integer, trailing bytes, an
//     oversized record: all InvalidArgument with the "name record: " prefix.
//   - Signatures: any field changed after signing, a record signed by another key than `by`,
//     and every single-bit flip of an encoded record either fails to decode or fails to
//     verify.
//   - tests/vectors/names_v1.json pins the bytes, CIDs and signatures of two records made from
//     a fixed seed, and the signed message is the domain followed by the map without "sig".
//     The vectors were cross-checked with @ipld/dag-cbor, multiformats and @noble/ed25519.
#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "ddc/names.h"
#include "engine/event/cbor.h"
#include "tests/event/event_testing.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using test::AsBytes;
using test::FromHex;
using test::TestKey;
using test::ToHex;

NameRecord Sample(const KeyPair& owner) {
  auto r = MakeName(7, "profiles/alice_01", Cid::Of(Codec::kDagCbor, std::string_view("event")), 3,
                    600, 1700000000123, owner);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : NameRecord{};
}

std::string Encoded(const NameRecord& r) {
  auto bytes = EncodeName(r);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : std::string();
}

// A name record written field by field, so that tests can leave out, add or mistype any of
// them. Fields are written in canonical key order unless `keep_order`.
class RawRecord {
 public:
  using Value = std::function<void(cbor::Writer&)>;

  // The fields of `r` with its signature.
  explicit RawRecord(const NameRecord& r) {
    Set("v", [](cbor::Writer& w) { w.Uint(kNameRecordVersion); });
    Set("by", [r](cbor::Writer& w) { w.Bytes(r.signer); });
    Set("ts", [r](cbor::Writer& w) { w.Uint(r.created_ms); });
    Set("cid", [r](cbor::Writer& w) { w.CidLink(r.target); });
    Set("seq", [r](cbor::Writer& w) { w.Uint(r.sequence); });
    Set("sig", [r](cbor::Writer& w) { w.Bytes(r.signature); });
    Set("ttl", [r](cbor::Writer& w) { w.Uint(r.ttl_seconds); });
    Set("name", [r](cbor::Writer& w) { w.Text(r.name); });
    Set("bucket", [r](cbor::Writer& w) { w.Uint(r.bucket); });
  }

  RawRecord& Set(const std::string& key, Value value) {
    Remove(key);
    fields_.emplace_back(key, std::move(value));
    return *this;
  }
  RawRecord& Remove(const std::string& key) {
    std::erase_if(fields_, [&](const auto& f) { return f.first == key; });
    return *this;
  }

  std::string Bytes(bool keep_order = false) const {
    auto fields = fields_;
    if (!keep_order) {
      std::sort(fields.begin(), fields.end(),
                [](const auto& a, const auto& b) { return cbor::KeyLess(a.first, b.first); });
    }
    cbor::Writer w;
    w.MapHeader(fields.size());
    for (const auto& [key, value] : fields) {
      w.Text(key);
      value(w);
    }
    return w.Take();
  }

 private:
  std::vector<std::pair<std::string, Value>> fields_;
};

void ExpectRejected(const std::string& bytes, const std::string& want) {
  auto decoded = DecodeName(AsBytes(bytes));
  ASSERT_FALSE(decoded.ok()) << "accepted; wanted an error with: " << want;
  EXPECT_TRUE(decoded.status().IsInvalidArgument()) << decoded.status().ToString();
  EXPECT_EQ(decoded.status().message().rfind("name record: ", 0), 0u) << decoded.status().message();
  EXPECT_NE(decoded.status().message().find(want), std::string::npos)
      << "want \"" << want << "\" in: " << decoded.status().message();
}

TEST(NameRecordTest, RoundTripsAtEveryBoundary) {
  const KeyPair owner = TestKey(0x11);
  struct Case {
    uint64_t bucket;
    std::string name;
    Cid target;
    uint64_t sequence;
    uint32_t ttl;
    uint64_t created_ms;
  };
  const Case cases[] = {
      {0, "a", Cid::Of(Codec::kRaw, std::string_view("")), 0, kMinNameTtlSeconds, 0},
      {UINT64_MAX, std::string(kMaxNameBytes, 'z'), Cid::Of(Codec::kDagCbor, std::string_view("x")),
       UINT64_MAX, kMaxNameTtlSeconds, UINT64_MAX},
      {7, "releases/2025-11/app_v2.latest", Cid::Of(Codec::kRaw, std::string_view("blob")), 42,
       kDefaultNameTtlSeconds, 1700000000000},
      {24, "9-_-9", Cid::Of(Codec::kDagCbor, std::string_view("e")), 1, 86400, 5},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = MakeName(c.bucket, c.name, c.target, c.sequence, c.ttl, c.created_ms, owner);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->signer, owner.public_key);
    EXPECT_OK(VerifyName(*r));
    const std::string bytes = Encoded(*r);
    ASSERT_LE(bytes.size(), kMaxNameRecordBytes);
    auto back = DecodeName(AsBytes(bytes));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, *r);
    EXPECT_EQ(Encoded(*back), bytes);
    EXPECT_OK(VerifyName(*back));
    EXPECT_EQ(NameRecordCid(AsBytes(bytes)), Cid::Of(Codec::kDagCbor, bytes));
    // The raw writer above writes exactly what the encoder writes.
    EXPECT_EQ(RawRecord(*r).Bytes(), bytes);
  }
}

TEST(NameRecordTest, NameRulesSayWhichByteBreaksWhichRule) {
  const struct {
    std::string name;
    std::string want;
  } bad[] = {
      {"", "name is empty"},
      {std::string(kMaxNameBytes + 1, 'a'), "name is 256 bytes, more than 255"},
      {"Www", "byte 0 is 'W' (0x57), not one of a-z 0-9 - _ . /"},
      {"my site", "byte 2 is ' ' (0x20)"},
      {"a:b", "byte 1 is ':' (0x3a)"},
      {"caf\xc3\xa9", "name of 5 bytes: byte 3 is 0xc3"},
      {"tab\t", "byte 3 is 0x09"},
      {"a..b", "empty label at byte 2 ('.' right after '.')"},
      {"a//b", "empty label at byte 2 ('/' right after '/')"},
      {"a/.b", "empty label at byte 2 ('.' right after '/')"},
      {"-a", "starts with '-' (0x2d), not a letter or digit"},
      {"/a", "starts with '/' (0x2f)"},
      {"a_", "ends with '_' (0x5f), not a letter or digit"},
      {"a.", "ends with '.' (0x2e)"},
  };
  const KeyPair owner = TestKey(0x11);
  for (const auto& c : bad) {
    const std::string& name = c.name;
    const std::string& want = c.want;
    SCOPED_TRACE(name);
    Status s = ValidateName(name);
    ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
    EXPECT_EQ(s.message().rfind("name record: name ", 0), 0u) << s.message();
    EXPECT_NE(s.message().find(want), std::string::npos) << s.message();
    // Neither the encoder, the signer nor the decoder lets it through.
    NameRecord r = Sample(owner);
    r.name = name;
    EXPECT_TRUE(EncodeName(r).status().IsInvalidArgument());
    EXPECT_TRUE(SignName(&r, owner).IsInvalidArgument());
    EXPECT_TRUE(MakeName(7, name, r.target, 1, 60, 1, owner).status().IsInvalidArgument());
    const std::string raw =
        RawRecord(Sample(owner)).Set("name", [&](cbor::Writer& w) { w.Text(name); }).Bytes();
    if (cbor::IsValidUtf8(name)) {
      ExpectRejected(raw, want);
    } else {
      ExpectRejected(raw, "UTF-8");
    }
  }
  for (const char* good : {"a", "0", "www", "app.v2", "a-b_c.d/e", "x--y__z", "2025/11/22"}) {
    EXPECT_OK(ValidateName(good));
  }
}

TEST(NameRecordTest, TtlOutsideItsBoundsIsRefused) {
  const KeyPair owner = TestKey(0x11);
  for (uint64_t ttl : {uint64_t{0}, uint64_t{kMaxNameTtlSeconds} + 1, uint64_t{UINT32_MAX} + 1}) {
    SCOPED_TRACE(ttl);
    ExpectRejected(
        RawRecord(Sample(owner)).Set("ttl", [ttl](cbor::Writer& w) { w.Uint(ttl); }).Bytes(),
        "ttl " + std::to_string(ttl) + " s is outside 1..31536000 s");
    if (ttl <= UINT32_MAX) {
      NameRecord r = Sample(owner);
      r.ttl_seconds = static_cast<uint32_t>(ttl);
      EXPECT_TRUE(EncodeName(r).status().IsInvalidArgument());
      EXPECT_TRUE(SignName(&r, owner).IsInvalidArgument());
    }
  }
}

TEST(NameRecordTest, DecodeRefusesEveryMalformedRecord) {
  const NameRecord r = Sample(TestKey(0x11));
  ASSERT_TRUE(DecodeName(AsBytes(RawRecord(r).Bytes())).ok());
  for (const char* key : {"v", "by", "ts", "cid", "seq", "sig", "ttl", "name", "bucket"}) {
    SCOPED_TRACE(key);
    ExpectRejected(RawRecord(r).Remove(key).Bytes(), std::string("missing key \"") + key + "\"");
    // Every field but the name as a text string is the wrong type.
    if (std::string(key) != "name") {
      ExpectRejected(RawRecord(r).Set(key, [](cbor::Writer& w) { w.Text("x"); }).Bytes(),
                     std::string(key) + " is a text string");
    }
  }
  const std::string name_text =
      RawRecord(r).Set("name", [](cbor::Writer& w) { w.Uint(1); }).Bytes();
  ExpectRejected(name_text, "name is a unsigned integer, want a text string");
  ExpectRejected(RawRecord(r).Set("by", [](cbor::Writer& w) { w.Bytes("short"); }).Bytes(),
                 "by is 5 bytes, want 32");
  ExpectRejected(
      RawRecord(r).Set("sig", [](cbor::Writer& w) { w.Bytes(std::string(65, 's')); }).Bytes(),
      "sig is 65 bytes, want 64");
  ExpectRejected(
      RawRecord(r).Set("cid", [&](cbor::Writer& w) { w.Bytes(r.target.ToBytes()); }).Bytes(),
      "cid is a byte string, want a CID link");
  // A CID link whose bytes are no CID ddc knows (version 1, codec 0x70 dag-pb).
  ExpectRejected(
      RawRecord(r)
          .Set("cid",
               [](cbor::Writer& w) { w.Raw(std::string("\xd8\x2a\x45\x00\x01\x70\xa0\xe4", 8)); })
          .Bytes(),
      "cid: ");
  ExpectRejected(RawRecord(r).Set("v", [](cbor::Writer& w) { w.Uint(2); }).Bytes(),
                 "version 2 is not 1");
  ExpectRejected(RawRecord(r).Set("zone", [](cbor::Writer& w) { w.Uint(1); }).Bytes(),
                 "unknown key \"zone\"");
  ExpectRejected(RawRecord(r).Set("seq", [](cbor::Writer& w) { w.ArrayHeader(0); }).Bytes(),
                 "\"seq\" is a array");
  // Keys out of canonical order: "v" moved last.
  ExpectRejected(RawRecord(r).Set("v", [](cbor::Writer& w) { w.Uint(1); }).Bytes(true),
                 "map keys not in canonical order");
  // A non-minimal integer: seq 3 written in 8 bytes.
  {
    const std::string good = RawRecord(r).Bytes();
    const std::string seq_minimal = std::string("\x63seq\x03", 5);
    const size_t at = good.find(seq_minimal);
    ASSERT_NE(at, std::string::npos);
    std::string bad = good;
    bad.replace(at, seq_minimal.size(), std::string("\x63seq\x1b\0\0\0\0\0\0\0\x03", 13));
    ExpectRejected(bad, "non-canonical integer 3");
  }
  ExpectRejected(RawRecord(r).Bytes() + std::string(1, '\0'), "trailing");
  ExpectRejected("", "unexpected end of input");
  ExpectRejected("not cbor at all", "top-level item is a text string");
  {
    cbor::Writer w;
    w.ArrayHeader(0);
    ExpectRejected(w.Take(), "top-level item is a array, want a map");
  }
  ExpectRejected(std::string(kMaxNameRecordBytes + 1, '\xa0'), "1025 bytes, more than 1024");
}

TEST(NameRecordTest, SignatureBindsEveryField) {
  const KeyPair owner = TestKey(0x11), other = TestKey(0x22);
  const NameRecord r = Sample(owner);
  ASSERT_OK(VerifyName(r));
  const std::vector<std::pair<const char*, std::function<void(NameRecord&)>>> changes = {
      {"bucket", [](NameRecord& x) { x.bucket++; }},
      {"name", [](NameRecord& x) { x.name += "x"; }},
      {"target", [](NameRecord& x) { x.target = Cid::Of(Codec::kRaw, std::string_view("y")); }},
      {"sequence", [](NameRecord& x) { x.sequence++; }},
      {"ttl", [](NameRecord& x) { x.ttl_seconds++; }},
      {"created", [](NameRecord& x) { x.created_ms++; }},
      {"signer", [&](NameRecord& x) { x.signer = other.public_key; }},
      {"signature", [](NameRecord& x) { x.signature[5] ^= 1; }},
  };
  for (const auto& [what, change] : changes) {
    SCOPED_TRACE(what);
    NameRecord changed = r;
    change(changed);
    Status s = VerifyName(changed);
    EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
    EXPECT_NE(s.message().find("signature does not verify for signer"), std::string::npos);
  }
  // Signed by another key but claiming the owner's.
  NameRecord forged = r;
  ASSERT_OK(SignName(&forged, other));
  forged.signer = owner.public_key;
  EXPECT_FALSE(VerifyName(forged).ok());

  // Every bit of the encoding matters: a flipped bit is refused by the decoder or the signature.
  const std::string bytes = Encoded(r);
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = bytes;
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      auto decoded = DecodeName(AsBytes(flipped));
      if (decoded.ok()) {
        EXPECT_FALSE(VerifyName(*decoded).ok()) << "byte " << i << " bit " << bit;
      } else {
        EXPECT_TRUE(decoded.status().IsInvalidArgument()) << decoded.status().ToString();
      }
    }
  }
}

// tests/vectors/names_v1.json.
TEST(NameRecordTest, MatchesPinnedVectors) {
  const std::string path = std::string(DDC_SOURCE_DIR) + "/tests/vectors/names_v1.json";
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot open " << path;
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json file = nlohmann::json::parse(text.str(), nullptr, false);
  ASSERT_FALSE(file.is_discarded()) << path << " is not JSON";
  ASSERT_EQ(file.at("domain").get<std::string>(), "ddc-name-v1\n");
  const auto& vectors = file.at("vectors");
  ASSERT_EQ(vectors.size(), 2u);
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.at("label").get<std::string>());
    const std::string seed = FromHex(v.at("seed_hex").get<std::string>());
    ASSERT_EQ(seed.size(), 32u);
    std::array<uint8_t, 32> seed_bytes{};
    std::copy(seed.begin(), seed.end(), seed_bytes.begin());
    const KeyPair owner = KeyPair::FromSeed(seed_bytes);
    EXPECT_EQ(ToHex(owner.public_key), v.at("public_key_hex").get<std::string>());
    auto target = Cid::Parse(v.at("target").get<std::string>());
    ASSERT_TRUE(target.ok());
    auto r =
        MakeName(std::stoull(v.at("bucket").get<std::string>()), v.at("name").get<std::string>(),
                 *target, std::stoull(v.at("seq").get<std::string>()), v.at("ttl").get<uint32_t>(),
                 std::stoull(v.at("created_ms").get<std::string>()), owner);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    const std::string record = Encoded(*r);
    EXPECT_EQ(ToHex(record), v.at("record_hex").get<std::string>());
    EXPECT_EQ(NameRecordCid(AsBytes(record)).ToString(), v.at("record_cid").get<std::string>());
    EXPECT_EQ(ToHex(r->signature), v.at("signature_hex").get<std::string>());

    // The pinned bytes decode, verify and re-encode on their own.
    const std::string pinned = FromHex(v.at("record_hex").get<std::string>());
    auto decoded = DecodeName(AsBytes(pinned));
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_OK(VerifyName(*decoded));
    EXPECT_EQ(*decoded, *r);

    // The signed message is the domain, then the map without "sig" (one pair fewer).
    const std::string message = FromHex(v.at("signing_bytes_hex").get<std::string>());
    const std::string sig_pair =
        std::string("\x63sig\x58\x40", 6) + std::string(r->signature.begin(), r->signature.end());
    std::string unsigned_map = pinned;
    ASSERT_EQ(static_cast<uint8_t>(unsigned_map[0]), 0xa9);
    unsigned_map[0] = static_cast<char>(0xa8);
    const size_t at = unsigned_map.find(sig_pair);
    ASSERT_NE(at, std::string::npos);
    unsigned_map.erase(at, sig_pair.size());
    EXPECT_EQ(message, "ddc-name-v1\n" + unsigned_map);
    EXPECT_EQ(crypto_sign_verify_detached(r->signature.data(), AsBytes(message).data(),
                                          message.size(), owner.public_key.data()),
              0);
  }
}

}  // namespace
}  // namespace ddc
