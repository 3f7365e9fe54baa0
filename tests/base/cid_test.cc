// Proves that ddc::Cid produces and accepts exactly the CIDv1 / BLAKE2b-256 / base32 CIDs that
// the IPFS tools do, and nothing else:
//  - known answers: the vector from Cere's earlier storage protocol (hard-coded here and read
//    from tests/vectors/cid.json, so neither can drift) and the byte layout of the binary form;
//  - randomized round trips through both forms (seed printed);
//  - every rejection path of Parse and FromBytes, each asserting that the message names what is
//    wrong and where;
//  - exhaustive single-byte and single-character mutations of a valid CID: each is either
//    rejected or is itself canonical (re-encodes to the mutated input).
#include "ddc/cid.h"

#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <initializer_list>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "engine/base/base32.h"
#include "engine/base/hash.h"
#include "tests/test_util.h"

#ifndef DDC_SOURCE_DIR
#error "DDC_SOURCE_DIR must name the source root (tests/CMakeLists.txt defines it)"
#endif

namespace ddc {
namespace {

// The vector from Cere's earlier storage protocol; ddc must keep producing this CID.
constexpr std::string_view kCereBytesHex =
    "0a0301020310011a180a08736f6d652d6b6579120a736f6d652d76616c7565180122170a08736f6d652d63696410"
    "0b1a09736f6d652d6e616d65";
constexpr std::string_view kCereCid =
    "bafk2bzacea7nny47is6v36takkos2ni4at3xvik3mt24hqeuyugp6ab6gxxq4";
constexpr std::string_view kCereDigestHex =
    "3ed6e39f44bd5dfa60529d2d351c04f77aa15b64f5c3c094c50cff003e35ef0e";

std::vector<uint8_t> FromHex(std::string_view hex) {
  EXPECT_EQ(hex.size() % 2, 0u) << hex;
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string ToHex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

std::vector<uint8_t> Concat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// The string form of arbitrary binary bytes, for feeding malformed binaries through Parse.
std::string AsCidString(std::span<const uint8_t> binary) { return "b" + Base32Encode(binary); }

const std::vector<uint8_t> kHeaderRaw = {0x01, 0x55, 0xa0, 0xe4, 0x02, 0x20};
const std::vector<uint8_t> kDigest(32, 0x11);

// Checks that `result` failed with InvalidArgument, a "cid: " message, and every fragment.
::testing::AssertionResult IsCidError(const Result<Cid>& result,
                                      std::initializer_list<std::string_view> fragments) {
  if (result.ok()) {
    return ::testing::AssertionFailure() << "accepted, as " << result->ToString();
  }
  const Status& s = result.status();
  if (!s.IsInvalidArgument())
    return ::testing::AssertionFailure() << "wrong code: " << s.ToString();
  if (s.message().rfind("cid: ", 0) != 0) {
    return ::testing::AssertionFailure() << "message lacks the cid: prefix: " << s.message();
  }
  for (std::string_view f : fragments) {
    if (s.message().find(f) == std::string::npos) {
      return ::testing::AssertionFailure()
             << "message \"" << s.message() << "\" lacks \"" << f << "\"";
    }
  }
  return ::testing::AssertionSuccess() << s.message();
}

// A strict reader for the JSON subset tests/vectors/cid.json uses: objects, arrays and strings
// without escapes other than \" and \\. Anything else fails the test instead of being skipped.
class MiniJson {
 public:
  struct Value {
    std::string string;
    std::vector<Value> items;  // Array elements.
    // Object members, keys[i] naming values[i]. Two vectors because the standard promises
    // std::vector, not std::map, works with the incomplete type Value.
    std::vector<std::string> keys;
    std::vector<Value> values;

    // The member named `key`, or an empty value, which fails the checks that follow.
    const Value& Get(std::string_view key) const {
      static const Value kMissing;
      for (size_t i = 0; i < keys.size(); ++i) {
        if (keys[i] == key) return values[i];
      }
      return kMissing;
    }
  };

  explicit MiniJson(std::string text) : text_(std::move(text)) {}

  bool Parse(Value* out) {
    if (!ParseValue(out)) return false;
    SkipSpace();
    return pos_ == text_.size();
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool ParseString(std::string* out) {
    if (!Consume('"')) return false;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\') {
        if (++pos_ == text_.size() || (text_[pos_] != '"' && text_[pos_] != '\\')) return false;
      }
      out->push_back(text_[pos_++]);
    }
    return Consume('"');
  }
  bool ParseValue(Value* out) {
    SkipSpace();
    if (pos_ >= text_.size()) return false;
    if (text_[pos_] == '"') return ParseString(&out->string);
    if (Consume('[')) {
      if (Consume(']')) return true;
      do {
        out->items.emplace_back();
        if (!ParseValue(&out->items.back())) return false;
      } while (Consume(','));
      return Consume(']');
    }
    if (Consume('{')) {
      if (Consume('}')) return true;
      do {
        out->keys.emplace_back();
        if (!ParseString(&out->keys.back()) || !Consume(':')) return false;
        out->values.emplace_back();
        if (!ParseValue(&out->values.back())) return false;
      } while (Consume(','));
      return Consume('}');
    }
    return false;
  }

  std::string text_;
  size_t pos_ = 0;
};

TEST(CidTest, CereStorageProtocolVector) {
  const std::vector<uint8_t> bytes = FromHex(kCereBytesHex);
  const Cid cid = Cid::Of(Codec::kRaw, bytes);
  EXPECT_EQ(cid.ToString(), kCereCid);
  EXPECT_EQ(ToHex(cid.digest()), kCereDigestHex);
  EXPECT_EQ(cid.codec(), Codec::kRaw);

  const Result<Cid> parsed = Cid::Parse(kCereCid);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, cid);
}

TEST(CidTest, VectorFileIsPinned) {
  const std::string path = std::string(DDC_SOURCE_DIR) + "/tests/vectors/cid.json";
  std::ifstream in(path);
  ASSERT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream text;
  text << in.rdbuf();
  MiniJson::Value root;
  ASSERT_TRUE(MiniJson(text.str()).Parse(&root)) << path << " is not the expected JSON";
  const std::vector<MiniJson::Value>& vectors = root.Get("vectors").items;
  ASSERT_FALSE(vectors.empty()) << path << " has no vectors";

  bool saw_cere = false;
  for (const MiniJson::Value& v : vectors) {
    const std::string& name = v.Get("name").string;
    const std::string& codec_name = v.Get("codec").string;
    const std::string& expected = v.Get("cid").string;
    SCOPED_TRACE(name);
    ASSERT_TRUE(codec_name == "raw" || codec_name == "dag-cbor") << codec_name;
    const Codec codec = codec_name == "raw" ? Codec::kRaw : Codec::kDagCbor;
    const std::vector<uint8_t> bytes = FromHex(v.Get("bytes_hex").string);

    const Cid cid = Cid::Of(codec, bytes);
    EXPECT_EQ(cid.ToString(), expected);
    const Result<Cid> parsed = Cid::Parse(expected);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(*parsed, cid);
    if (expected == kCereCid) {
      saw_cere = true;
      EXPECT_EQ(ToHex(bytes), kCereBytesHex);
      EXPECT_EQ(codec, Codec::kRaw);
    }
  }
  EXPECT_TRUE(saw_cere) << path << " lost the Cere storage protocol vector";
}

TEST(CidTest, BinaryLayout) {
  const Cid raw = Cid::Of(Codec::kRaw, FromHex(kCereBytesHex));
  const std::array<uint8_t, Cid::kBinaryBytes> bytes = raw.ToBytes();
  EXPECT_EQ(ToHex(bytes), "0155a0e40220" + std::string(kCereDigestHex));

  const Cid cbor(Codec::kDagCbor, raw.digest());
  EXPECT_EQ(ToHex(cbor.ToBytes()), "0171a0e40220" + std::string(kCereDigestHex));
  EXPECT_EQ(cbor.ToString().size(), 62u);
  EXPECT_EQ(cbor.ToString().substr(0, 10), "bafy2bzace");
  EXPECT_EQ(raw.ToString().substr(0, 10), "bafk2bzace");
}

TEST(CidTest, OfHashesWithBlake2b256) {
  const Cid a = Cid::Of(Codec::kDagCbor, std::string_view("hello world"));
  const std::string_view hello = "hello world";
  const Cid b = Cid::Of(
      Codec::kDagCbor,
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(hello.data()), hello.size()));
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.codec(), Codec::kDagCbor);
  EXPECT_EQ(ToHex(a.digest()), "256c83b297114d201b30179f3f0ef0cace9783622da5974326b436178aeef610");
  // Same bytes, other codec: same digest, different CID.
  const Cid raw = Cid::Of(Codec::kRaw, hello);
  EXPECT_EQ(raw.digest(), a.digest());
  EXPECT_NE(raw, a);
  EXPECT_NE(raw.ToString(), a.ToString());
}

TEST(CidTest, DefaultIsRawWithZeroDigest) {
  const Cid cid;
  EXPECT_EQ(cid.codec(), Codec::kRaw);
  EXPECT_EQ(cid.digest(), Cid::Digest{});
  const Result<Cid> parsed = Cid::Parse(cid.ToString());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, cid);
}

TEST(CidTest, RandomRoundTrips) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  std::set<Cid> ordered;
  std::unordered_set<Cid> hashed;
  for (int i = 0; i < 500; ++i) {
    const std::vector<uint8_t> bytes = test::RandomBytes(rng, rng() % 2000);
    const Codec codec = rng() % 2 == 0 ? Codec::kRaw : Codec::kDagCbor;
    const Cid cid = Cid::Of(codec, bytes);
    ASSERT_EQ(cid.digest(), Blake2b256(bytes));

    const std::string text = cid.ToString();
    ASSERT_EQ(text.size(), 62u);
    const Result<Cid> parsed = Cid::Parse(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
    ASSERT_EQ(*parsed, cid);

    const std::array<uint8_t, Cid::kBinaryBytes> binary = cid.ToBytes();
    const Result<Cid> from_bytes = Cid::FromBytes(binary);
    ASSERT_TRUE(from_bytes.ok()) << from_bytes.status().ToString();
    ASSERT_EQ(*from_bytes, cid);
    ordered.insert(cid);
    hashed.insert(cid);
  }
  // Random inputs never collide, so both containers see every CID as distinct.
  EXPECT_EQ(ordered.size(), hashed.size());
}

TEST(CidTest, OrderingIsByCodecThenDigest) {
  Cid::Digest low{};
  Cid::Digest high{};
  high[0] = 1;
  EXPECT_LT(Cid(Codec::kRaw, low), Cid(Codec::kRaw, high));
  EXPECT_LT(Cid(Codec::kRaw, high), Cid(Codec::kDagCbor, low));
  EXPECT_FALSE(Cid(Codec::kRaw, low) < Cid(Codec::kRaw, low));
}

// ---- Parse: the string form. ----

TEST(CidParseTest, RejectsEmpty) { EXPECT_TRUE(IsCidError(Cid::Parse(""), {"empty string"})); }

TEST(CidParseTest, RejectsOverlongBeforeDecoding) {
  // 129 bytes of garbage: the length is checked before the prefix or the alphabet.
  const std::string text(Cid::kMaxStringBytes + 1, '!');
  EXPECT_TRUE(IsCidError(Cid::Parse(text), {"129", "longer than the limit of 128"}));
  // At exactly the limit the string is decoded and fails for its content instead.
  const std::string at_limit = "b" + std::string(Cid::kMaxStringBytes - 1, 'a');
  const Result<Cid> r = Cid::Parse(at_limit);
  EXPECT_TRUE(IsCidError(r, {}));
  EXPECT_EQ(r.status().message().find("longer"), std::string::npos) << r.status().message();
}

TEST(CidParseTest, RejectsOtherMultibases) {
  // A real CIDv0 and the same content as a base58btc CIDv1.
  EXPECT_TRUE(IsCidError(Cid::Parse("QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"),
                         {"'Q...'", "CIDv0", "unsupported", "base32 'b'"}));
  EXPECT_TRUE(IsCidError(Cid::Parse("zdj7WWeQ43G6JJvLWQWZpyHuAMq6uYWRjkBXFad11vE2LHhQ7"),
                         {"multibase prefix 'z'", "base58btc", "base32 'b'"}));
  EXPECT_TRUE(
      IsCidError(Cid::Parse("BAFK2BZACEA7NNY47IS6V36TAKKOS2NI4AT3XVIK3MT24HQEUYUGP6AB6GXXQ4"),
                 {"prefix 'B'", "base32upper"}));
  EXPECT_TRUE(IsCidError(Cid::Parse("f0155a0e40220"), {"prefix 'f'", "base16"}));
  EXPECT_TRUE(IsCidError(Cid::Parse("!abc"), {"prefix '!'", "base32 'b'"}));
  EXPECT_TRUE(IsCidError(Cid::Parse(std::string_view("\0abc", 4)), {"prefix byte 0x0"}));
  EXPECT_TRUE(IsCidError(Cid::Parse(std::string(1, '\xff') + "abc"), {"prefix byte 0xff"}));
}

TEST(CidParseTest, RejectsCharactersOutsideTheAlphabetWithPosition) {
  std::string text(kCereCid);
  text[10] = '1';
  EXPECT_TRUE(IsCidError(Cid::Parse(text), {"invalid base32 character '1'", "position 10 ("}));

  text = std::string(kCereCid);
  text[1] = 'A';
  EXPECT_TRUE(IsCidError(Cid::Parse(text), {"'A'", "position 1 (", "upper case"}));

  text = std::string(kCereCid);
  text[61] = '\n';
  EXPECT_TRUE(IsCidError(Cid::Parse(text), {"byte 0xa", "position 61"}));

  // Padded base32 ('=') is not the multibase 'b' form.
  EXPECT_TRUE(IsCidError(Cid::Parse(std::string(kCereCid) + "==="), {"'='", "position 62"}));
}

TEST(CidParseTest, RejectsNonZeroTrailingBits) {
  // 38 bytes are 304 bits; 61 characters carry 305, so the last character's lowest bit is
  // padding. Setting it spells the same bytes a second way.
  std::string text(kCereCid);
  ASSERT_EQ(text.back(), '4');  // Value 28, padding bit clear.
  text.back() = '5';            // Value 29, padding bit set.
  EXPECT_TRUE(IsCidError(Cid::Parse(text), {"non-zero base32 padding bits", "'5'", "position 61"}));
}

TEST(CidParseTest, RejectsImpossibleBase32Length) {
  // 57 characters of body leave 1 after the last full group of 8.
  const std::string text(kCereCid.substr(0, 58));
  EXPECT_TRUE(
      IsCidError(Cid::Parse(text), {"truncated", "57 characters", "has 61", "impossible length"}));
}

TEST(CidParseTest, RejectsEveryTruncation) {
  for (size_t n = 2; n < kCereCid.size(); ++n) {
    EXPECT_TRUE(IsCidError(Cid::Parse(kCereCid.substr(0, n)), {"truncated"})) << n;
  }
  // Cut inside the base32 group that holds the last character's padding bits.
  EXPECT_TRUE(IsCidError(Cid::Parse(kCereCid.substr(0, 3)),
                         {"truncated", "body has 2 characters", "padding bits", "'f'"}));
  EXPECT_TRUE(IsCidError(Cid::Parse("b"), {"empty binary CID"}));
}

TEST(CidParseTest, RejectsTrailingCharacters) {
  // 8 more characters decode to 5 more whole bytes, which FromBytes finds after the digest.
  const std::array<uint8_t, Cid::kBinaryBytes> binary = Cid::Parse(kCereCid)->ToBytes();
  std::vector<uint8_t> longer(binary.begin(), binary.end());
  longer.insert(longer.end(), {0, 0, 0, 0, 0});
  EXPECT_TRUE(IsCidError(Cid::Parse(AsCidString(longer)), {"trailing bytes", "5 more", "byte 38"}));
}

TEST(CidParseTest, BinaryErrorsSurfaceThroughTheString) {
  // A CIDv1 with a sha2-256 multihash, as `multiformats` makes by default.
  const std::vector<uint8_t> sha256 = Concat({{0x01, 0x55, 0x12, 0x20}, kDigest});
  EXPECT_TRUE(IsCidError(Cid::Parse(AsCidString(sha256)), {"multihash 0x12", "sha2-256"}));
  const std::vector<uint8_t> non_minimal =
      Concat({{0x01, 0xd5, 0x00, 0xa0, 0xe4, 0x02, 0x20}, kDigest});
  EXPECT_TRUE(IsCidError(Cid::Parse(AsCidString(non_minimal)), {"non-minimal", "codec"}));
}

// ---- FromBytes: the binary form. ----

TEST(CidFromBytesTest, AcceptsBothCodecs) {
  for (uint8_t codec : {0x55, 0x71}) {
    std::vector<uint8_t> bytes = Concat({kHeaderRaw, kDigest});
    bytes[1] = codec;
    const Result<Cid> r = Cid::FromBytes(bytes);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(static_cast<uint8_t>(r->codec()), codec);
    EXPECT_EQ(std::vector<uint8_t>(r->digest().begin(), r->digest().end()), kDigest);
  }
}

TEST(CidFromBytesTest, RejectsEmpty) {
  EXPECT_TRUE(IsCidError(Cid::FromBytes({}), {"empty binary CID"}));
}

TEST(CidFromBytesTest, RejectsOtherVersions) {
  std::vector<uint8_t> bytes = Concat({kHeaderRaw, kDigest});
  bytes[0] = 0x02;
  EXPECT_TRUE(IsCidError(Cid::FromBytes(bytes), {"CID version 2", "byte 0", "only CIDv1"}));
  bytes[0] = 0x00;
  EXPECT_TRUE(IsCidError(Cid::FromBytes(bytes), {"CID version 0", "byte 0"}));
  // A binary CIDv0 is a bare sha2-256 multihash.
  EXPECT_TRUE(
      IsCidError(Cid::FromBytes(Concat({{0x12, 0x20}, kDigest})), {"CID version 18", "CIDv0"}));
}

TEST(CidFromBytesTest, RejectsUnknownCodecs) {
  std::vector<uint8_t> bytes = Concat({kHeaderRaw, kDigest});
  bytes[1] = 0x70;  // dag-pb
  EXPECT_TRUE(IsCidError(Cid::FromBytes(bytes), {"unknown codec 0x70", "byte 1"}));
  // dag-json, 0x0129, a two-byte varint.
  EXPECT_TRUE(
      IsCidError(Cid::FromBytes(Concat({{0x01, 0xa9, 0x02, 0xa0, 0xe4, 0x02, 0x20}, kDigest})),
                 {"unknown codec 0x129", "byte 1"}));
}

TEST(CidFromBytesTest, RejectsOtherMultihashes) {
  EXPECT_TRUE(IsCidError(Cid::FromBytes(Concat({{0x01, 0x55, 0x12, 0x20}, kDigest})),
                         {"unsupported multihash 0x12 (sha2-256)", "byte 2", "blake2b-256"}));
  // blake2b-512 (0xb240), same length prefix class as ours but the wrong function.
  EXPECT_TRUE(IsCidError(Cid::FromBytes(Concat({{0x01, 0x71, 0xc0, 0xe4, 0x02, 0x20}, kDigest})),
                         {"multihash 0xb240 (blake2b-512)", "byte 2"}));
  EXPECT_TRUE(IsCidError(Cid::FromBytes(Concat({{0x01, 0x55, 0x00, 0x20}, kDigest})),
                         {"multihash 0x0 (identity)"}));
}

TEST(CidFromBytesTest, RejectsOtherDigestLengths) {
  std::vector<uint8_t> bytes = Concat({kHeaderRaw, kDigest});
  bytes[5] = 0x1f;
  EXPECT_TRUE(IsCidError(Cid::FromBytes(bytes), {"digest length 31", "byte 5", "32 bytes"}));
  bytes = Concat({kHeaderRaw, kDigest, kDigest});
  bytes[5] = 0x40;
  EXPECT_TRUE(IsCidError(Cid::FromBytes(bytes), {"digest length 64", "byte 5"}));
}

TEST(CidFromBytesTest, RejectsEveryTruncation) {
  const std::vector<uint8_t> full = Concat({kHeaderRaw, kDigest});
  for (size_t n = 1; n < full.size(); ++n) {
    EXPECT_TRUE(IsCidError(Cid::FromBytes(std::span<const uint8_t>(full.data(), n)), {"truncated"}))
        << n;
  }
  const auto prefix = [&](size_t n) { return std::span<const uint8_t>(full.data(), n); };
  EXPECT_TRUE(IsCidError(Cid::FromBytes(prefix(1)), {"ends at byte 1", "before the codec"}));
  EXPECT_TRUE(IsCidError(Cid::FromBytes(prefix(3)),
                         {"inside the varint for the multihash code", "byte 2"}));
  EXPECT_TRUE(IsCidError(Cid::FromBytes(prefix(5)), {"before the digest length"}));
  EXPECT_TRUE(IsCidError(Cid::FromBytes(prefix(37)), {"digest at byte 6", "has 31 of 32"}));
}

TEST(CidFromBytesTest, RejectsTrailingBytes) {
  EXPECT_TRUE(IsCidError(Cid::FromBytes(Concat({kHeaderRaw, kDigest, {0x00}})),
                         {"trailing bytes", "1 more", "byte 38"}));
}

TEST(CidFromBytesTest, RejectsNonMinimalVarints) {
  EXPECT_TRUE(
      IsCidError(Cid::FromBytes(Concat({{0x81, 0x00, 0x55, 0xa0, 0xe4, 0x02, 0x20}, kDigest})),
                 {"non-minimal varint for the CID version at byte 0"}));
  EXPECT_TRUE(
      IsCidError(Cid::FromBytes(Concat({{0x01, 0xd5, 0x00, 0xa0, 0xe4, 0x02, 0x20}, kDigest})),
                 {"non-minimal varint for the codec at byte 1"}));
  EXPECT_TRUE(
      IsCidError(Cid::FromBytes(Concat({{0x01, 0x55, 0xa0, 0xe4, 0x82, 0x00, 0x20}, kDigest})),
                 {"non-minimal varint for the multihash code at byte 2"}));
  EXPECT_TRUE(
      IsCidError(Cid::FromBytes(Concat({{0x01, 0x55, 0xa0, 0xe4, 0x02, 0xa0, 0x00}, kDigest})),
                 {"non-minimal varint for the digest length at byte 5"}));
}

TEST(CidFromBytesTest, RejectsOverlongVarints) {
  const std::vector<uint8_t> bytes =
      Concat({{0x01}, std::vector<uint8_t>(9, 0xff), {0x01}, kHeaderRaw, kDigest});
  EXPECT_TRUE(IsCidError(Cid::FromBytes(bytes), {"varint for the codec at byte 1", "9 bytes"}));
}

// ---- Mutations: nothing but canonical CIDs gets through. ----

TEST(CidMutationTest, EverySingleByteChangeIsRejectedOrCanonical) {
  const std::array<uint8_t, Cid::kBinaryBytes> original = Cid::Parse(kCereCid)->ToBytes();
  for (size_t i = 0; i < original.size(); ++i) {
    for (int v = 0; v < 256; ++v) {
      std::array<uint8_t, Cid::kBinaryBytes> bytes = original;
      bytes[i] = static_cast<uint8_t>(v);
      const Result<Cid> r = Cid::FromBytes(bytes);
      // Only the digest and the codec byte (between the two codecs) may change.
      const bool may_accept = i >= 6 || bytes == original || (i == 1 && (v == 0x55 || v == 0x71));
      ASSERT_EQ(r.ok(), may_accept) << "byte " << i << " = " << v;
      if (r.ok()) {
        ASSERT_EQ(r->ToBytes(), bytes);
      }
    }
  }
}

TEST(CidMutationTest, EverySingleCharacterChangeIsRejectedOrCanonical) {
  for (size_t i = 0; i < kCereCid.size(); ++i) {
    for (int c = 0; c < 256; ++c) {
      std::string text(kCereCid);
      text[i] = static_cast<char>(c);
      const Result<Cid> r = Cid::Parse(text);
      if (r.ok()) {
        ASSERT_EQ(r->ToString(), text) << "position " << i << " = " << c;
      } else {
        ASSERT_EQ(r.status().message().rfind("cid: ", 0), 0u) << r.status().message();
      }
    }
  }
}

}  // namespace
}  // namespace ddc
