// Proves that the read-only codecs for Cere's 2021/2022 DDC formats (ddc/compat.h) reproduce
// every published compatibility vector byte for byte, and that each one fails cleanly when its
// input is changed:
// - v0 events: the signed message is the plain concatenation; signing it with the vector's
//   secret key gives the vector's signature; VerifyV0Signature accepts it and rejects a flipped
//   bit in every byte of every field and of the signature, a wrong key and an invalid key.
// - scheme A: the key derivation vector; a scope sealed here with libsodium directly (random
//   nonce) opens, and fails to open after any single-bit flip or under another scope's key.
// - scheme B: both key vectors, although the master is shorter than libsodium's advisory key
//   minimum; both vector ciphertexts open to their plaintexts; any flipped bit fails; and the
//   zero-nonce flaw is demonstrated, so that the warning in the header stays true.
// - the 2022 piece CID vector.
// The vectors are written out here (not read from a file) so that each test shows what it pins.
#include "ddc/compat.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/hash.h"
#include "engine/base/hex.h"
#include "tests/test_util.h"

namespace ddc::compat {
namespace {

// ---------------------------------------------------------------------------------------------
// Helpers

std::vector<uint8_t> FromHex(std::string_view hex) {
  EXPECT_EQ(hex.size() % 2, 0u) << hex;
  auto nibble = [](char c) -> uint8_t {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
    EXPECT_TRUE(c >= 'a' && c <= 'f') << "not hex: " << c;
    return static_cast<uint8_t>(c - 'a' + 10);
  };
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>((nibble(hex[i]) << 4) | nibble(hex[i + 1])));
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

template <size_t N>
std::array<uint8_t, N> ToArray(const std::vector<uint8_t>& bytes) {
  std::array<uint8_t, N> out{};
  EXPECT_EQ(bytes.size(), N);
  std::copy_n(bytes.begin(), std::min(N, bytes.size()), out.begin());
  return out;
}

void InitSodium() { ASSERT_GE(sodium_init(), 0); }

// ---------------------------------------------------------------------------------------------
// v0 signed event (2021)

constexpr std::string_view kV0SecretKeyHex =
    "4B4854DD2F6D876FAADBEB7A8AB65259528D5B70F42CD90E39DAEFDB19C4944C"
    "79BAACF7D83296DEFFE7266A9E02FD8D522ED1A7100D3BBEC5625DCA1178B6F9";
constexpr std::string_view kV0SignatureHex =
    "018699A20F9BF94BAD2A86488BB68CF2E5F1D59EB89592DC534E5A888D3600C1"
    "AA1554006003C89B65198980E1C3FC871C9F1C1F49F6F58FC6BBE80623929D0E";

V0Event VectorV0Event() {
  return V0Event{"someId", "someTimestamp",
                 "0x8f01969eb5244d853cc9c6ad73c46d8a1a091842c414cabd2377531f0832635f", "userPubKey",
                 "piece data"};
}

// The public half of the vector's secret key (libsodium layout: seed || public key).
PublicKey VectorV0PublicKey() {
  const std::vector<uint8_t> secret = FromHex(kV0SecretKeyHex);
  PublicKey pk{};
  std::copy(secret.begin() + 32, secret.end(), pk.begin());
  return pk;
}

Signature VectorV0Signature() { return ToArray<64>(FromHex(kV0SignatureHex)); }

TEST(CompatV0Test, SignedMessageIsThePlainConcatenation) {
  EXPECT_EQ(V0SignedMessage(VectorV0Event()),
            "someIdsomeTimestamp0x8f01969eb5244d853cc9c6ad73c46d8a1a091842c414cabd2377531f0832635f"
            "userPubKeypiece data");
  EXPECT_EQ(V0SignedMessage(V0Event{}), "");
}

TEST(CompatV0Test, SigningTheMessageReproducesTheVectorSignature) {
  InitSodium();
  const std::vector<uint8_t> secret = FromHex(kV0SecretKeyHex);
  ASSERT_EQ(secret.size(), crypto_sign_SECRETKEYBYTES);
  // The secret key's second half is the public key of its seed, as libsodium lays it out.
  PublicKey from_seed{};
  std::array<uint8_t, 64> regenerated{};
  ASSERT_EQ(crypto_sign_seed_keypair(from_seed.data(), regenerated.data(), secret.data()), 0);
  EXPECT_EQ(from_seed, VectorV0PublicKey());

  const std::string message = V0SignedMessage(VectorV0Event());
  Signature signature{};
  ASSERT_EQ(crypto_sign_detached(signature.data(), nullptr, AsBytes(message).data(), message.size(),
                                 secret.data()),
            0);
  EXPECT_EQ(Hex(signature), Lower(kV0SignatureHex));
}

TEST(CompatV0Test, VerifyAcceptsTheVector) {
  EXPECT_OK(VerifyV0Signature(VectorV0Event(), VectorV0PublicKey(), VectorV0Signature()));
}

TEST(CompatV0Test, FlippedBitInAnyFieldByteIsRejected) {
  const PublicKey pk = VectorV0PublicKey();
  const Signature sig = VectorV0Signature();
  std::string V0Event::*const fields[] = {&V0Event::id, &V0Event::timestamp, &V0Event::app_pub_key,
                                          &V0Event::user_pub_key, &V0Event::data};
  for (size_t f = 0; f < std::size(fields); ++f) {
    const size_t size = (VectorV0Event().*fields[f]).size();
    ASSERT_GT(size, 0u);
    for (size_t i = 0; i < size; ++i) {
      SCOPED_TRACE("field " + std::to_string(f) + " byte " + std::to_string(i));
      V0Event event = VectorV0Event();
      (event.*fields[f])[i] = static_cast<char>((event.*fields[f])[i] ^ 0x01);
      const Status s = VerifyV0Signature(event, pk, sig);
      EXPECT_TRUE(s.IsPermissionDenied()) << s.ToString();
    }
    // A field made longer or shorter is rejected too.
    V0Event longer = VectorV0Event();
    (longer.*fields[f]) += "x";
    EXPECT_TRUE(VerifyV0Signature(longer, pk, sig).IsPermissionDenied());
    V0Event shorter = VectorV0Event();
    (shorter.*fields[f]).pop_back();
    EXPECT_TRUE(VerifyV0Signature(shorter, pk, sig).IsPermissionDenied());
  }
}

TEST(CompatV0Test, FlippedBitInAnySignatureByteIsRejected) {
  const PublicKey pk = VectorV0PublicKey();
  for (size_t i = 0; i < 64; ++i) {
    for (uint8_t bit : {uint8_t{0x01}, uint8_t{0x80}}) {
      SCOPED_TRACE("signature byte " + std::to_string(i) + " bit " + std::to_string(bit));
      Signature sig = VectorV0Signature();
      sig[i] ^= bit;
      const Status s = VerifyV0Signature(VectorV0Event(), pk, sig);
      EXPECT_TRUE(s.IsPermissionDenied()) << s.ToString();
      EXPECT_NE(s.message().find("does not verify"), std::string::npos) << s.message();
    }
  }
}

TEST(CompatV0Test, WrongOrInvalidKeyIsRejected) {
  InitSodium();
  // A valid key that did not sign.
  PublicKey other{};
  std::array<uint8_t, 64> other_secret{};
  crypto_sign_keypair(other.data(), other_secret.data());
  EXPECT_TRUE(VerifyV0Signature(VectorV0Event(), other, VectorV0Signature()).IsPermissionDenied());
  // The app key named inside the vector event is not its signer.
  const std::vector<uint8_t> app_key = FromHex(VectorV0Event().app_pub_key.substr(2));
  const Status app = VerifyV0Signature(VectorV0Event(), ToArray<32>(app_key), VectorV0Signature());
  EXPECT_FALSE(app.ok());
  // All zeros encodes a point of small order: not a public key at all.
  const Status zero = VerifyV0Signature(VectorV0Event(), PublicKey{}, VectorV0Signature());
  EXPECT_TRUE(zero.IsInvalidArgument()) << zero.ToString();
  EXPECT_NE(zero.message().find("not a valid ed25519 point"), std::string::npos);
  // A flipped bit in the public key never verifies.
  for (size_t i = 0; i < 32; ++i) {
    PublicKey pk = VectorV0PublicKey();
    pk[i] ^= 0x01;
    EXPECT_FALSE(VerifyV0Signature(VectorV0Event(), pk, VectorV0Signature()).ok()) << i;
  }
}

// The weakness the header documents: with no separators, moving bytes across a field boundary
// keeps the signature valid. If this test ever fails, the header is wrong.
TEST(CompatV0Test, FieldBoundariesAreNotSigned) {
  V0Event shifted = VectorV0Event();
  shifted.id = "someIdsome";
  shifted.timestamp = "Timestamp";
  EXPECT_OK(VerifyV0Signature(shifted, VectorV0PublicKey(), VectorV0Signature()));
}

TEST(CompatV0Test, OversizedMessageIsRefusedBeforeHashing) {
  V0Event huge = VectorV0Event();
  huge.data.assign(kMaxInputBytes, 'x');
  const Status s = VerifyV0Signature(huge, VectorV0PublicKey(), VectorV0Signature());
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find("over the limit"), std::string::npos) << s.message();
}

// ---------------------------------------------------------------------------------------------
// Scheme A

// What the 2021 data viewer did: a random nonce, then nonce || ciphertext || tag.
std::vector<uint8_t> SealLikeSchemeA(const ScopeKey& key, std::string_view plaintext) {
  std::vector<uint8_t> out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plaintext.size() +
                           crypto_aead_xchacha20poly1305_ietf_ABYTES);
  randombytes_buf(out.data(), crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long written = 0;
  EXPECT_EQ(
      crypto_aead_xchacha20poly1305_ietf_encrypt(
          out.data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &written,
          AsBytes(plaintext).data(), plaintext.size(), nullptr, 0, nullptr, out.data(), key.data()),
      0);
  EXPECT_EQ(written, plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  return out;
}

TEST(CompatSchemeATest, KeyVector) {
  const MasterKey zero{};
  EXPECT_EQ(Hex(SchemeAKey(zero, "__uncategorized")),
            "11f03e356b2866bfa0da05a85c38a6dea065a4cf1769f61b86192e3903741984");
  // Unkeyed BLAKE2b-256 of the concatenation, computed another way.
  std::string concatenated(zero.size(), '\0');
  concatenated += "__uncategorized";
  EXPECT_EQ(SchemeAKey(zero, "__uncategorized"), Blake2b256(AsBytes(concatenated)));
  EXPECT_NE(SchemeAKey(zero, "__uncategorized"), SchemeAKey(zero, "__Uncategorized"));
}

TEST(CompatSchemeATest, OpensWhatLibsodiumSealedAndNothingElse) {
  InitSodium();
  const MasterKey master = GenerateMasterKey();
  const ScopeKey key = SchemeAKey(master, "profile");
  const std::string plaintext = R"({"name":"Ada","age":36})";
  const std::vector<uint8_t> sealed = SealLikeSchemeA(key, plaintext);

  Result<std::string> opened = OpenSchemeA(key, sealed);
  ASSERT_OK(opened.status());
  EXPECT_EQ(*opened, plaintext);

  // Every single-bit flip, in the nonce, the ciphertext or the tag, fails.
  for (size_t i = 0; i < sealed.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> tampered = sealed;
      tampered[i] = static_cast<uint8_t>(tampered[i] ^ (1u << bit));
      const Result<std::string> r = OpenSchemeA(key, tampered);
      ASSERT_TRUE(r.status().IsPermissionDenied())
          << "byte " << i << " bit " << bit << ": " << r.status().ToString();
    }
  }
  // Another scope's key, or another master's, does not open it.
  EXPECT_TRUE(OpenSchemeA(SchemeAKey(master, "profile2"), sealed).status().IsPermissionDenied());
  EXPECT_TRUE(OpenSchemeA(SchemeAKey(GenerateMasterKey(), "profile"), sealed)
                  .status()
                  .IsPermissionDenied());
}

TEST(CompatSchemeATest, LengthLimits) {
  const ScopeKey key = SchemeAKey(MasterKey{}, "s");
  // An empty plaintext seals to exactly nonce + tag, the shortest valid input.
  const std::vector<uint8_t> empty = SealLikeSchemeA(key, "");
  ASSERT_EQ(empty.size(), 40u);
  Result<std::string> opened = OpenSchemeA(key, empty);
  ASSERT_OK(opened.status());
  EXPECT_EQ(*opened, "");

  const Result<std::string> short_input =
      OpenSchemeA(key, std::span<const uint8_t>(empty).first(39));
  EXPECT_TRUE(short_input.status().IsInvalidArgument()) << short_input.status().ToString();
  EXPECT_NE(short_input.status().message().find("39 bytes"), std::string::npos);
  EXPECT_TRUE(OpenSchemeA(key, {}).status().IsInvalidArgument());

  const std::vector<uint8_t> huge(kMaxInputBytes + 1);
  EXPECT_TRUE(OpenSchemeA(key, huge).status().IsInvalidArgument());
}

// ---------------------------------------------------------------------------------------------
// Scheme B

constexpr std::string_view kSchemeBMaster = "super-secret";

TEST(CompatSchemeBTest, KeyVectors) {
  // 12 bytes: below crypto_generichash_KEYBYTES_MIN, which libsodium does not enforce.
  static_assert(kSchemeBMaster.size() < crypto_generichash_KEYBYTES_MIN);
  Result<ScopeKey> k1 = SchemeBKey(kSchemeBMaster, "$.k1");
  ASSERT_OK(k1.status());
  EXPECT_EQ(Hex(*k1), Lower("5C89065A2389230627757F38B29D8B6F5927F5AA06A1176E97D117FDA613AF96"));
  Result<ScopeKey> root = SchemeBKey(kSchemeBMaster, "$");
  ASSERT_OK(root.status());
  EXPECT_EQ(Hex(*root), Lower("80ACD97A9FA49A16BCE645981A7AB0E13FFE07D1E95BBF6BBFB9DD2DB081ECF5"));
}

TEST(CompatSchemeBTest, MasterLengths) {
  // Every length BLAKE2b keys take, 0..64, derives a key, and different lengths differ.
  std::string master;
  std::vector<ScopeKey> keys;
  for (size_t n = 0; n <= kMaxSchemeBMasterBytes; ++n) {
    Result<ScopeKey> key = SchemeBKey(master, "$");
    ASSERT_OK(key.status());
    for (const ScopeKey& earlier : keys) EXPECT_NE(*key, earlier) << n;
    keys.push_back(*key);
    master.push_back('m');
  }
  // An empty master is the unkeyed hash of the path: derivable by anyone.
  EXPECT_EQ(keys[0], Blake2b256(AsBytes("$")));
  // One byte more than BLAKE2b takes is refused, as libsodium refused it in 2021.
  const Result<ScopeKey> too_long = SchemeBKey(master, "$");
  EXPECT_TRUE(too_long.status().IsInvalidArgument()) << too_long.status().ToString();
  EXPECT_NE(too_long.status().message().find("65 bytes"), std::string::npos);
}

TEST(CompatSchemeBTest, OpensTheVectorCiphertexts) {
  Result<ScopeKey> k1 = SchemeBKey(kSchemeBMaster, "$.k1");
  Result<ScopeKey> root = SchemeBKey(kSchemeBMaster, "$");
  ASSERT_OK(k1.status());
  ASSERT_OK(root.status());
  const std::vector<uint8_t> v1 = FromHex("9F8FCDFA7136E85C49106FCAC32A6EB6D9B1");
  const std::vector<uint8_t> raw = FromHex("38F106C87D8C6C259EC39ABFB65B6F79EBD5C0C1F3D1689B");

  Result<std::string> opened_v1 = OpenSchemeB(*k1, v1);
  ASSERT_OK(opened_v1.status());
  EXPECT_EQ(*opened_v1, "v1");
  Result<std::string> opened_raw = OpenSchemeB(*root, raw);
  ASSERT_OK(opened_raw.status());
  EXPECT_EQ(*opened_raw, "raw data");

  // Each path's key opens only its own value.
  EXPECT_TRUE(OpenSchemeB(*root, v1).status().IsPermissionDenied());
  EXPECT_TRUE(OpenSchemeB(*k1, raw).status().IsPermissionDenied());
  // Scheme A's layout does not open scheme B data (the first 24 bytes are not a nonce).
  EXPECT_FALSE(OpenSchemeA(*root, raw).ok());
}

TEST(CompatSchemeBTest, TamperedCiphertextFails) {
  Result<ScopeKey> root = SchemeBKey(kSchemeBMaster, "$");
  ASSERT_OK(root.status());
  const std::vector<uint8_t> raw = FromHex("38F106C87D8C6C259EC39ABFB65B6F79EBD5C0C1F3D1689B");
  for (size_t i = 0; i < raw.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> tampered = raw;
      tampered[i] = static_cast<uint8_t>(tampered[i] ^ (1u << bit));
      const Result<std::string> r = OpenSchemeB(*root, tampered);
      ASSERT_TRUE(r.status().IsPermissionDenied())
          << "byte " << i << " bit " << bit << ": " << r.status().ToString();
    }
  }
  // Truncated to less than a tag: malformed, not merely unauthentic.
  const Result<std::string> short_input =
      OpenSchemeB(*root, std::span<const uint8_t>(raw).first(15));
  EXPECT_TRUE(short_input.status().IsInvalidArgument()) << short_input.status().ToString();
  // Truncated but still tag-sized: the tag no longer verifies.
  EXPECT_TRUE(
      OpenSchemeB(*root, std::span<const uint8_t>(raw).first(16)).status().IsPermissionDenied());
}

// Why ddc never writes scheme B: two values of one path share a keystream, so their ciphertexts
// XOR to their plaintexts' XOR. Sealed here with libsodium directly, as the 2021 module did.
TEST(CompatSchemeBTest, ZeroNonceReusesTheKeystream) {
  InitSodium();
  Result<ScopeKey> key = SchemeBKey(kSchemeBMaster, "$.k1");
  ASSERT_OK(key.status());
  const uint8_t zero_nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES] = {};
  auto seal = [&](std::string_view plaintext) {
    std::vector<uint8_t> out(plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(out.data(), &written, AsBytes(plaintext).data(),
                                               plaintext.size(), nullptr, 0, nullptr, zero_nonce,
                                               key->data());
    return out;
  };
  const std::string a = "secret-one";
  const std::string b = "public-two";
  const std::vector<uint8_t> ca = seal(a);
  const std::vector<uint8_t> cb = seal(b);
  // The vector's "v1" is exactly what this sealing makes.
  EXPECT_EQ(Hex(seal("v1")), "9f8fcdfa7136e85c49106fcac32a6eb6d9b1");
  // Knowing b and both ciphertexts recovers a without any key.
  std::string recovered;
  for (size_t i = 0; i < a.size(); ++i) {
    recovered.push_back(static_cast<char>(ca[i] ^ cb[i] ^ static_cast<uint8_t>(b[i])));
  }
  EXPECT_EQ(recovered, a);
  Result<std::string> opened = OpenSchemeB(*key, ca);
  ASSERT_OK(opened.status());
  EXPECT_EQ(*opened, a);
}

// ---------------------------------------------------------------------------------------------
// 2022 piece CID

TEST(CompatPieceCidTest, Vector) {
  const std::vector<uint8_t> piece = FromHex(
      "0a0301020310011a180a08736f6d652d6b6579120a736f6d652d76616c7565180122170a08736f6d652d636964"
      "100b1a09736f6d652d6e616d65");
  Result<Cid> cid = PieceCid(piece);
  ASSERT_OK(cid.status());
  const std::string want = "bafk2bzacea7nny47is6v36takkos2ni4at3xvik3mt24hqeuyugp6ab6gxxq4";
  EXPECT_EQ(cid->ToString(), want);
  EXPECT_EQ(cid->codec(), Codec::kRaw);
  // The binary form: version 1, raw, blake2b-256 (a0 e4 02), 32 bytes, digest.
  const auto binary = cid->ToBytes();
  EXPECT_EQ(Hex(std::span<const uint8_t>(binary).first(6)), "0155a0e40220");
  Result<Cid> parsed = Cid::Parse(want);
  ASSERT_OK(parsed.status());
  EXPECT_EQ(*parsed, *cid);

  // Any change to the piece bytes changes the CID.
  std::vector<uint8_t> changed = piece;
  changed.back() ^= 0x01;
  Result<Cid> other = PieceCid(changed);
  ASSERT_OK(other.status());
  EXPECT_NE(other->ToString(), want);

  const std::vector<uint8_t> huge(kMaxInputBytes + 1);
  EXPECT_TRUE(PieceCid(huge).status().IsInvalidArgument());
}

}  // namespace
}  // namespace ddc::compat
