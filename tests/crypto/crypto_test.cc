// Proves that the crypto layer (include/ddc/crypto.h) computes exactly the pinned bytes of
// tests/vectors/crypto_v1.json (scope keys, associated data, sealed bytes, box key pairs, the
// ed25519 -> X25519 map, a wrapped key), and that a sealed scope opens only as sealed: every
// single bit of its ciphertext, tag and nonce, of every field its associated data binds
// (bucket, user, event id, scope name, key version, compression) and of its key is flipped in
// turn, and each flip must fail with PermissionDenied (InvalidArgument when the flipped name is
// no longer a scope name) and a message naming the scope. Wrapped keys get the same treatment.
// The vectors were printed by tests/interop/crypto_tool.cc and are recomputed independently
// with npm libsodium-wrappers by tests/interop/crypto_interop.mjs; ed25519 key pairs are made
// here with libsodium directly, since the event layer (KeyPair::FromSeed) sits above this one.
#include "ddc/crypto.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tests/test_util.h"
#include "tests/timeline/json_value.h"

namespace ddc {
namespace {

using test::JsonValue;

std::string ToHex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string ToHex(std::string_view s) { return ToHex(AsBytes(s)); }

std::vector<uint8_t> FromHex(std::string_view hex) {
  EXPECT_EQ(hex.size() % 2, 0u) << hex;
  std::vector<uint8_t> out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<uint8_t>(std::stoi(std::string(hex.substr(2 * i, 2)), nullptr, 16));
  }
  return out;
}

template <size_t N>
std::array<uint8_t, N> FixedFromHex(std::string_view hex) {
  const std::vector<uint8_t> bytes = FromHex(hex);
  std::array<uint8_t, N> out{};
  EXPECT_EQ(bytes.size(), N) << hex;
  std::copy_n(bytes.begin(), std::min(N, bytes.size()), out.begin());
  return out;
}

const JsonValue& Vectors() {
  static const JsonValue vectors = test::ReadJsonVector("crypto_v1.json");
  return vectors;
}

// The section `name` of the vector file; fails the test when it is missing or empty.
const std::vector<JsonValue>& Section(const std::string& name) {
  const JsonValue& section = Vectors()[name];
  EXPECT_EQ(section.kind, JsonValue::Kind::kArray) << name;
  EXPECT_FALSE(section.array.empty()) << name;
  return section.array;
}

// A header from a vector's fields; views into the vector, which lives as long as the process.
ScopeHeader HeaderOf(const JsonValue& v) {
  ScopeHeader h;
  h.bucket = std::stoull(v["bucket"].string);
  h.user = FixedFromHex<32>(v["user_hex"].string);
  h.event_id = v["event_id"].string;
  h.scope_name = v["scope_name"].string;
  h.key_version = static_cast<uint32_t>(v["key_version"].number);
  h.compression = static_cast<ScopeCompression>(v["compression"].number);
  return h;
}

KeyPair SigningKeyFromSeed(std::span<const uint8_t, 32> seed) {
  KeyPair key;
  crypto_sign_seed_keypair(key.public_key.data(), key.secret_key.data(), seed.data());
  return key;
}

// The scope name rule, restated here rather than taken from the engine.
bool IsScopeName(std::string_view name) {
  if (name.empty() || name.size() > kMaxScopeNameBytes) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
}

// ---- Known answers ----

TEST(CryptoVectors, FileParses) {
  ASSERT_EQ(Vectors().kind, JsonValue::Kind::kObject) << "tests/vectors/crypto_v1.json";
  for (const char* name : {"derive", "associated_data", "seal", "scopes", "box_keypairs",
                           "ed25519_to_x25519", "wrap"}) {
    Section(name);
  }
}

TEST(CryptoVectors, DeriveScopeKey) {
  for (const JsonValue& v : Section("derive")) {
    SCOPED_TRACE(v["scope_name"].string + " v" + std::to_string(v["key_version"].number));
    const Result<ScopeKey> key =
        DeriveScopeKey(FixedFromHex<32>(v["master_hex"].string), v["scope_name"].string,
                       static_cast<uint32_t>(v["key_version"].number));
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_EQ(ToHex(*key), v["scope_key_hex"].string);
  }
}

TEST(CryptoVectors, AssociatedData) {
  for (const JsonValue& v : Section("associated_data")) {
    SCOPED_TRACE(v["scope_name"].string);
    const Result<std::string> ad = ScopeAssociatedData(HeaderOf(v));
    ASSERT_TRUE(ad.ok()) << ad.status().ToString();
    EXPECT_EQ(ToHex(*ad), v["ad_hex"].string);
  }
}

TEST(CryptoVectors, SealAndOpenBytes) {
  for (const JsonValue& v : Section("seal")) {
    const ScopeKey key = FixedFromHex<32>(v["key_hex"].string);
    const ScopeNonce nonce = FixedFromHex<kScopeNonceBytes>(v["nonce_hex"].string);
    const std::vector<uint8_t> ad = FromHex(v["ad_hex"].string);
    const std::vector<uint8_t> plaintext = FromHex(v["plaintext_hex"].string);
    SCOPED_TRACE(std::to_string(plaintext.size()) + " B plaintext, " + std::to_string(ad.size()) +
                 " B AD");
    const std::string sealed = SealBytes(key, nonce, ad, plaintext);
    EXPECT_EQ(ToHex(sealed), v["sealed_hex"].string);
    EXPECT_EQ(sealed.size(), plaintext.size() + kScopeTagBytes);
    const Result<std::string> opened = OpenBytes(key, nonce, ad, FromHex(v["sealed_hex"].string));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(ToHex(*opened), v["plaintext_hex"].string);
  }
}

TEST(CryptoVectors, WholeScopes) {
  for (const JsonValue& v : Section("scopes")) {
    const ScopeHeader h = HeaderOf(v);
    SCOPED_TRACE(std::string(h.scope_name));
    const Result<ScopeKey> key =
        DeriveScopeKey(FixedFromHex<32>(v["master_hex"].string), h.scope_name, h.key_version);
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_EQ(ToHex(*key), v["scope_key_hex"].string);
    const Result<std::string> ad = ScopeAssociatedData(h);
    ASSERT_TRUE(ad.ok()) << ad.status().ToString();
    EXPECT_EQ(ToHex(*ad), v["ad_hex"].string);
    const ScopeNonce nonce = FixedFromHex<kScopeNonceBytes>(v["nonce_hex"].string);
    EXPECT_EQ(ToHex(SealBytes(*key, nonce, AsBytes(*ad), FromHex(v["plaintext_hex"].string))),
              v["sealed_hex"].string);

    // The pinned scope opens through the scope API, which rebuilds the same associated data.
    Scope scope;
    scope.name = std::string(h.scope_name);
    scope.key_version = h.key_version;
    scope.compression = h.compression;
    scope.nonce = nonce;
    const std::vector<uint8_t> sealed = FromHex(v["sealed_hex"].string);
    scope.data.assign(sealed.begin(), sealed.end());
    const Result<std::string> opened = OpenScope(*key, h.bucket, h.user, h.event_id, scope);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(ToHex(*opened), v["plaintext_hex"].string);
  }
}

TEST(CryptoVectors, BoxKeyPairs) {
  for (const JsonValue& v : Section("box_keypairs")) {
    const BoxKeyPair pair = BoxKeyPair::FromSeed(FixedFromHex<32>(v["seed_hex"].string));
    EXPECT_EQ(ToHex(pair.public_key), v["public_key_hex"].string);
    EXPECT_EQ(ToHex(pair.secret_key), v["secret_key_hex"].string);
  }
}

TEST(CryptoVectors, Ed25519ToX25519) {
  for (const JsonValue& v : Section("ed25519_to_x25519")) {
    const KeyPair signing = SigningKeyFromSeed(FixedFromHex<32>(v["ed25519_seed_hex"].string));
    ASSERT_EQ(ToHex(signing.public_key), v["ed25519_public_key_hex"].string);
    const Result<BoxPublicKey> mapped = BoxPublicKeyOf(signing.public_key);
    ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();
    EXPECT_EQ(ToHex(*mapped), v["x25519_public_key_hex"].string);
    const BoxKeyPair pair = BoxKeyPair::FromSigningKey(signing);
    EXPECT_EQ(ToHex(pair.public_key), v["x25519_public_key_hex"].string);
    EXPECT_EQ(ToHex(pair.secret_key), v["x25519_secret_key_hex"].string);
  }
}

TEST(CryptoVectors, PinnedWrappedKeyUnwraps) {
  for (const JsonValue& v : Section("wrap")) {
    const BoxKeyPair recipient =
        BoxKeyPair::FromSeed(FixedFromHex<32>(v["recipient_seed_hex"].string));
    EXPECT_EQ(ToHex(recipient.public_key), v["recipient_public_key_hex"].string);
    const WrappedKey wrapped = FixedFromHex<kWrappedKeyBytes>(v["wrapped_hex"].string);
    // crypto_box_seal's layout: the ephemeral public key comes first.
    EXPECT_EQ(ToHex(std::span(wrapped).first(32)), v["ephemeral_public_key_hex"].string);
    const Result<ScopeKey> key = UnwrapKey(wrapped, recipient);
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_EQ(ToHex(*key), v["key_hex"].string);
  }
}

// ---- A sealed scope altered one bit at a time ----

class CryptoSealedScope : public ::testing::Test {
 protected:
  void SetUp() override {
    for (size_t i = 0; i < key_.size(); ++i) key_[i] = static_cast<uint8_t>(0x11 * i + 3);
    for (size_t i = 0; i < user_.size(); ++i) user_[i] = static_cast<uint8_t>(0xa0 + i);
    for (size_t i = 0; i < 40; ++i) plaintext_.push_back(static_cast<char>('A' + i % 26));
    const ScopeHeader header{bucket_,         user_, event_id_,
                             "profile.email", 5,     ScopeCompression::kZstd};
    Result<Scope> scope = SealScope(key_, header, AsBytes(plaintext_));
    ASSERT_TRUE(scope.ok()) << scope.status().ToString();
    scope_ = *scope;
    ASSERT_EQ(scope_.data.size(), plaintext_.size() + kScopeTagBytes);
    const Result<std::string> opened = Open(key_, bucket_, user_, event_id_, scope_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    ASSERT_EQ(*opened, plaintext_);
  }

  static Result<std::string> Open(const ScopeKey& key, uint64_t bucket, const PublicKey& user,
                                  const std::string& event_id, const Scope& scope) {
    return OpenScope(key, bucket, user, event_id, scope);
  }

  // `r` failed as `want` says, with a message naming the scope `name`.
  static void ExpectRefused(const Result<std::string>& r, Status::Code want,
                            const std::string& name, const std::string& what) {
    ASSERT_FALSE(r.ok()) << what << " still opens";
    EXPECT_EQ(r.status().code(), want) << what << ": " << r.status().ToString();
    EXPECT_NE(r.status().message().find("scope \"" + name + "\""), std::string::npos)
        << what << ": the message does not name the scope: " << r.status().ToString();
  }

  void ExpectDenied(const Result<std::string>& r, const std::string& what) const {
    ExpectRefused(r, Status::Code::kPermissionDenied, scope_.name, what);
  }

  ScopeKey key_{};
  uint64_t bucket_ = 0x0123456789abcdef;
  PublicKey user_{};
  std::string event_id_ = "evt-tamper-01";
  std::string plaintext_;
  Scope scope_;
};

TEST_F(CryptoSealedScope, EveryCiphertextAndTagBitIsChecked) {
  for (size_t bit = 0; bit < scope_.data.size() * 8; ++bit) {
    Scope s = scope_;
    s.data[bit / 8] = static_cast<char>(s.data[bit / 8] ^ (1 << (bit % 8)));
    const bool in_tag = bit / 8 >= plaintext_.size();
    ExpectDenied(Open(key_, bucket_, user_, event_id_, s),
                 std::string(in_tag ? "tag" : "ciphertext") + " bit " + std::to_string(bit));
  }
}

TEST_F(CryptoSealedScope, EveryNonceBitIsChecked) {
  for (size_t bit = 0; bit < kScopeNonceBytes * 8; ++bit) {
    Scope s = scope_;
    s.nonce[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
    ExpectDenied(Open(key_, bucket_, user_, event_id_, s), "nonce bit " + std::to_string(bit));
  }
}

TEST_F(CryptoSealedScope, EveryKeyBitIsChecked) {
  for (size_t bit = 0; bit < key_.size() * 8; ++bit) {
    ScopeKey key = key_;
    key[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
    ExpectDenied(Open(key, bucket_, user_, event_id_, scope_), "key bit " + std::to_string(bit));
  }
}

TEST_F(CryptoSealedScope, EveryBucketBitIsChecked) {
  for (int bit = 0; bit < 64; ++bit) {
    ExpectDenied(Open(key_, bucket_ ^ (uint64_t{1} << bit), user_, event_id_, scope_),
                 "bucket bit " + std::to_string(bit));
  }
}

TEST_F(CryptoSealedScope, EveryUserBitIsChecked) {
  for (size_t bit = 0; bit < user_.size() * 8; ++bit) {
    PublicKey user = user_;
    user[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
    ExpectDenied(Open(key_, bucket_, user, event_id_, scope_), "user bit " + std::to_string(bit));
  }
}

TEST_F(CryptoSealedScope, EveryEventIdBitIsChecked) {
  for (size_t bit = 0; bit < event_id_.size() * 8; ++bit) {
    std::string id = event_id_;
    id[bit / 8] = static_cast<char>(id[bit / 8] ^ (1 << (bit % 8)));
    ExpectDenied(Open(key_, bucket_, user_, id, scope_), "event id bit " + std::to_string(bit));
  }
  // A prefix or an extension of the id is another id: the length byte and the bytes both count.
  ExpectDenied(Open(key_, bucket_, user_, event_id_.substr(0, event_id_.size() - 1), scope_),
               "event id shortened");
  ExpectDenied(Open(key_, bucket_, user_, event_id_ + "0", scope_), "event id extended");
  // Ids out of limits are refused before any decryption, still naming the scope.
  ExpectRefused(Open(key_, bucket_, user_, "", scope_), Status::Code::kInvalidArgument, scope_.name,
                "empty event id");
  ExpectRefused(Open(key_, bucket_, user_, std::string(kMaxEventIdBytes + 1, 'x'), scope_),
                Status::Code::kInvalidArgument, scope_.name, "event id too long");
}

TEST_F(CryptoSealedScope, EveryScopeNameBitIsChecked) {
  int denied = 0;
  int invalid = 0;
  for (size_t bit = 0; bit < scope_.name.size() * 8; ++bit) {
    Scope s = scope_;
    s.name[bit / 8] = static_cast<char>(s.name[bit / 8] ^ (1 << (bit % 8)));
    // Most flips leave [a-z0-9_.-] (InvalidArgument); the rest make another valid name, under
    // which the scope must not open. Either way the message names the name it was given.
    const bool valid = IsScopeName(s.name);
    (valid ? denied : invalid)++;
    ExpectRefused(Open(key_, bucket_, user_, event_id_, s),
                  valid ? Status::Code::kPermissionDenied : Status::Code::kInvalidArgument, s.name,
                  "scope name bit " + std::to_string(bit) + " (\"" + s.name + "\")");
  }
  EXPECT_GT(denied, 0);
  EXPECT_GT(invalid, 0);
}

TEST_F(CryptoSealedScope, EveryKeyVersionBitIsChecked) {
  for (int bit = 0; bit < 32; ++bit) {
    Scope s = scope_;
    s.key_version ^= uint32_t{1} << bit;
    const Result<std::string> r = Open(key_, bucket_, user_, event_id_, s);
    ExpectDenied(r, "key version bit " + std::to_string(bit));
    // The message also says which key version failed, the one a caller would look up next.
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("key version " + std::to_string(s.key_version)),
              std::string::npos)
        << r.status().ToString();
  }
}

TEST_F(CryptoSealedScope, EveryCompressionBitIsChecked) {
  for (int bit = 0; bit < 8; ++bit) {
    Scope s = scope_;
    s.compression = static_cast<ScopeCompression>(static_cast<uint8_t>(s.compression) ^ (1 << bit));
    ExpectDenied(Open(key_, bucket_, user_, event_id_, s),
                 "compression bit " + std::to_string(bit));
  }
}

TEST_F(CryptoSealedScope, TruncatedSealedBytes) {
  for (size_t n = 0; n < scope_.data.size(); ++n) {
    Scope s = scope_;
    s.data.resize(n);
    // Shorter than the tag cannot be a sealed scope at all; longer is a tag that does not verify.
    ExpectRefused(
        Open(key_, bucket_, user_, event_id_, s),
        n < kScopeTagBytes ? Status::Code::kInvalidArgument : Status::Code::kPermissionDenied,
        scope_.name, "sealed bytes truncated to " + std::to_string(n));
  }
}

TEST_F(CryptoSealedScope, PublicScopeIsNotOpened) {
  Scope s = scope_;
  s.sealed = false;
  ExpectRefused(Open(key_, bucket_, user_, event_id_, s), Status::Code::kInvalidArgument,
                scope_.name, "public scope");
}

// ---- Scope sealing round trips and limits ----

TEST(CryptoScope, SealOpenRoundTrip) {
  const std::mt19937_64::result_type seed = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  const ScopeKey key = GenerateMasterKey();
  PublicKey user{};
  for (size_t size : {size_t{0}, size_t{1}, size_t{16}, size_t{1000}, size_t{65536}}) {
    SCOPED_TRACE(size);
    const std::vector<uint8_t> plaintext = test::RandomBytes(rng, size);
    const std::string event_id = "evt-" + std::to_string(size);
    const ScopeHeader header{rng(), user, event_id, "notes", 9, ScopeCompression::kNone};
    const Result<Scope> a = SealScope(key, header, plaintext);
    const Result<Scope> b = SealScope(key, header, plaintext);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    EXPECT_EQ(a->name, "notes");
    EXPECT_TRUE(a->sealed);
    EXPECT_EQ(a->key_version, 9u);
    EXPECT_EQ(a->compression, ScopeCompression::kNone);
    EXPECT_EQ(a->data.size(), size + kScopeTagBytes);
    // Random nonces: the same input never seals to the same bytes.
    EXPECT_NE(a->nonce, b->nonce);
    EXPECT_NE(a->data, b->data);
    for (const Scope& s : {*a, *b}) {
      const Result<std::string> opened = OpenScope(key, header.bucket, user, header.event_id, s);
      ASSERT_TRUE(opened.ok()) << opened.status().ToString();
      EXPECT_EQ(*opened, std::string(plaintext.begin(), plaintext.end()));
    }
  }
}

TEST(CryptoScope, BadScopeNames) {
  const MasterKey master{};
  const std::string nul_inside("a\0b", 3);
  for (const std::string_view name :
       {std::string_view(""), std::string_view("Profile"), std::string_view("a b"),
        std::string_view("a/b"), std::string_view("caf\xc3\xa9"), std::string_view("a+b"),
        std::string_view(nul_inside), std::string_view("x\n")}) {
    SCOPED_TRACE(std::string(name));
    const Result<ScopeKey> key = DeriveScopeKey(master, name, 0);
    ASSERT_FALSE(key.ok());
    EXPECT_TRUE(key.status().IsInvalidArgument()) << key.status().ToString();
    const ScopeHeader header{1, PublicKey{}, "evt", name, 0, ScopeCompression::kNone};
    EXPECT_TRUE(ScopeAssociatedData(header).status().IsInvalidArgument());
    EXPECT_TRUE(SealScope(ScopeKey{}, header, {}).status().IsInvalidArgument());
  }
  const std::string too_long(kMaxScopeNameBytes + 1, 'a');
  EXPECT_TRUE(DeriveScopeKey(master, too_long, 0).status().IsInvalidArgument());
  // The edges of the rule are names.
  for (const std::string_view name :
       {std::string_view("a"), std::string_view("_"), std::string_view("."), std::string_view("-"),
        std::string_view("0"), std::string_view(too_long).substr(1)}) {
    SCOPED_TRACE(std::string(name));
    EXPECT_OK(DeriveScopeKey(master, name, 0).status());
  }
}

TEST(CryptoScope, EventIdLimits) {
  const std::string longest(kMaxEventIdBytes, 'i');
  ScopeHeader header{1, PublicKey{}, longest, "s", 0, ScopeCompression::kNone};
  EXPECT_OK(ScopeAssociatedData(header).status());
  const std::string too_long(kMaxEventIdBytes + 1, 'i');
  header.event_id = too_long;
  EXPECT_TRUE(ScopeAssociatedData(header).status().IsInvalidArgument());
  header.event_id = "";
  EXPECT_TRUE(ScopeAssociatedData(header).status().IsInvalidArgument());
  EXPECT_TRUE(SealScope(ScopeKey{}, header, {}).status().IsInvalidArgument());
}

TEST(CryptoScope, OpenBytesShorterThanTag) {
  const std::vector<uint8_t> sealed(kScopeTagBytes - 1);
  const Result<std::string> r = OpenBytes(ScopeKey{}, ScopeNonce{}, {}, sealed);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
}

// ---- Keys ----

TEST(CryptoKeys, DeriveScopeKeyDependsOnEveryInput) {
  MasterKey master{};
  for (size_t i = 0; i < master.size(); ++i) master[i] = static_cast<uint8_t>(i);
  const ScopeKey base = *DeriveScopeKey(master, "profile", 1);
  EXPECT_EQ(*DeriveScopeKey(master, "profile", 1), base);  // Deterministic.
  // Every version is a different key (rotation), including the neighbours and the extremes.
  std::vector<ScopeKey> keys;
  for (uint32_t v : {0u, 1u, 2u, 255u, 256u, 65536u, 0xffffffffu}) {
    keys.push_back(*DeriveScopeKey(master, "profile", v));
  }
  for (const std::string_view name : {"profil", "profile.", "profilf", "email", "p"}) {
    keys.push_back(*DeriveScopeKey(master, name, 1));
  }
  MasterKey other = master;
  other[31] ^= 1;
  keys.push_back(*DeriveScopeKey(other, "profile", 1));
  // `base` is keys[1]; all others differ from it and from each other.
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(std::adjacent_find(keys.begin(), keys.end()), keys.end());
  EXPECT_EQ(std::count(keys.begin(), keys.end(), base), 1);
}

TEST(CryptoKeys, WipeZeroes) {
  MasterKey key;
  key.fill(0xab);
  Wipe(std::span(key).subspan(8, 8));
  for (size_t i = 0; i < key.size(); ++i) EXPECT_EQ(key[i], i >= 8 && i < 16 ? 0 : 0xab) << i;
  Wipe(key);
  EXPECT_EQ(key, MasterKey{});
}

TEST(CryptoKeys, FreshKeysAndNoncesDiffer) {
  EXPECT_NE(GenerateMasterKey(), GenerateMasterKey());
  EXPECT_NE(RandomScopeNonce(), RandomScopeNonce());
}

TEST(CryptoKeys, FromSigningKeyMatchesBoxPublicKeyOf) {
  const std::mt19937_64::result_type seed = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 32; ++i) {
    std::array<uint8_t, 32> ed_seed;
    for (uint8_t& b : ed_seed) b = static_cast<uint8_t>(rng());
    const KeyPair signing = SigningKeyFromSeed(ed_seed);
    const BoxKeyPair pair = BoxKeyPair::FromSigningKey(signing);
    const Result<BoxPublicKey> mapped = BoxPublicKeyOf(signing.public_key);
    ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();
    EXPECT_EQ(*mapped, pair.public_key);
  }
}

TEST(CryptoKeys, BoxPublicKeyOfRejectsSmallOrderPoints) {
  PublicKey identity{};  // The neutral element (y = 1).
  identity[0] = 1;
  const PublicKey zero{};  // y = 0: a point of order 4.
  for (const PublicKey& pk : {identity, zero}) {
    const Result<BoxPublicKey> mapped = BoxPublicKeyOf(pk);
    ASSERT_FALSE(mapped.ok()) << ToHex(pk);
    EXPECT_TRUE(mapped.status().IsInvalidArgument()) << mapped.status().ToString();
  }
}

// ---- Wrapped keys ----

TEST(CryptoWrap, RoundTripAndRecipients) {
  const ScopeKey key = GenerateMasterKey();
  const BoxKeyPair alice = BoxKeyPair::Generate();
  const BoxKeyPair bob = BoxKeyPair::Generate();
  const WrappedKey wrapped = WrapKey(key, alice.public_key);
  static_assert(sizeof(wrapped) == 80);
  const Result<ScopeKey> unwrapped = UnwrapKey(wrapped, alice);
  ASSERT_TRUE(unwrapped.ok()) << unwrapped.status().ToString();
  EXPECT_EQ(*unwrapped, key);
  // A fresh ephemeral key each time.
  EXPECT_NE(WrapKey(key, alice.public_key), wrapped);

  const Result<ScopeKey> wrong = UnwrapKey(wrapped, bob);
  ASSERT_FALSE(wrong.ok());
  EXPECT_TRUE(wrong.status().IsPermissionDenied()) << wrong.status().ToString();
  // Bob's public key with Alice's secret key is not Alice either.
  const BoxKeyPair mixed{bob.public_key, alice.secret_key};
  EXPECT_TRUE(UnwrapKey(wrapped, mixed).status().IsPermissionDenied());
}

TEST(CryptoWrap, EveryBitIsChecked) {
  const ScopeKey key = GenerateMasterKey();
  const BoxKeyPair recipient = BoxKeyPair::Generate();
  const WrappedKey wrapped = WrapKey(key, recipient.public_key);
  for (size_t bit = 0; bit < wrapped.size() * 8; ++bit) {
    WrappedKey altered = wrapped;
    altered[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
    const Result<ScopeKey> r = UnwrapKey(altered, recipient);
    ASSERT_FALSE(r.ok()) << "bit " << bit << " still unwraps";
    EXPECT_TRUE(r.status().IsPermissionDenied()) << "bit " << bit << ": " << r.status().ToString();
  }
}

TEST(CryptoWrap, GrantToAnEd25519Identity) {
  std::array<uint8_t, 32> ed_seed{};
  ed_seed[0] = 7;
  const KeyPair signing = SigningKeyFromSeed(ed_seed);
  const Result<BoxPublicKey> recipient = BoxPublicKeyOf(signing.public_key);
  ASSERT_TRUE(recipient.ok()) << recipient.status().ToString();
  const ScopeKey key = GenerateMasterKey();
  const Result<ScopeKey> unwrapped =
      UnwrapKey(WrapKey(key, *recipient), BoxKeyPair::FromSigningKey(signing));
  ASSERT_TRUE(unwrapped.ok()) << unwrapped.status().ToString();
  EXPECT_EQ(*unwrapped, key);
}

}  // namespace
}  // namespace ddc
