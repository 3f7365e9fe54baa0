// Keys and sealing: the primitives behind per-scope encryption and key sharing.
//
// - A master key (32 random bytes) belongs to one (app, user), or to a whole app. Each scope of
//   an event is sealed under its own scope key, derived from the master key with keyed BLAKE2b
//   over the scope name and a key version (DeriveScopeKey). Rotating = sealing new events under
//   the next version: holders of an old version's scope key cannot open the new one.
// - A scope is sealed with XChaCha20-Poly1305 (IETF) under a random 24-byte nonce, with the
//   event's identifying header (bucket, user, event id) and the scope's own name, key version
//   and compression as associated data (ScopeAssociatedData), so that a sealed scope moved to
//   another event, user or name, or relabelled, does not open.
// - Sharing: a scope key is wrapped for a third party's X25519 public key with libsodium's
//   crypto_box_seal (WrapKey); only the holder of the X25519 secret key unwraps it.
//
// Byte layouts are in docs/FORMAT.md ("Scope keys and sealing"), pinned by
// tests/vectors/crypto_v1.json. Everything here is pure and thread-safe; secret keys are plain
// values the caller owns (call Wipe on them when done).
#ifndef DDC_CRYPTO_H_
#define DDC_CRYPTO_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ddc/event.h"
#include "ddc/status.h"

namespace ddc {

inline constexpr size_t kSymmetricKeyBytes = 32;  // Master and scope keys.
inline constexpr size_t kWrappedKeyBytes = 80;    // crypto_box_seal of a 32-byte key.

using MasterKey = std::array<uint8_t, kSymmetricKeyBytes>;
using ScopeKey = std::array<uint8_t, kSymmetricKeyBytes>;
using ScopeNonce = std::array<uint8_t, kScopeNonceBytes>;
using BoxPublicKey = std::array<uint8_t, 32>;  // X25519.
using BoxSecretKey = std::array<uint8_t, 32>;  // X25519.
using WrappedKey = std::array<uint8_t, kWrappedKeyBytes>;

// Overwrites `bytes` with zeros in a way the compiler may not elide (sodium_memzero).
void Wipe(std::span<uint8_t> bytes);

// A fresh master key from the operating system's CSPRNG.
MasterKey GenerateMasterKey();

// The scope key of `scope_name` at `key_version`:
//   BLAKE2b-256(key = master, message = "ddc-scope-key-v1\n" || u32le(key_version) || name).
// InvalidArgument if the name is not a valid scope name (1..64 bytes of [a-z0-9_.-]).
Result<ScopeKey> DeriveScopeKey(const MasterKey& master, std::string_view scope_name,
                                uint32_t key_version);

// What a sealed scope's associated data binds it to: the event's identifying header and the
// scope's own labels.
struct ScopeHeader {
  uint64_t bucket = 0;
  PublicKey user{};
  std::string_view event_id;
  std::string_view scope_name;
  uint32_t key_version = 0;
  ScopeCompression compression = ScopeCompression::kNone;
};

// "ddc-scope-ad-v1\n" || u64le(bucket) || user(32) || u8(len id) || id || u8(len name) || name
// || u32le(key_version) || u8(compression). InvalidArgument if the id or name is out of limits.
Result<std::string> ScopeAssociatedData(const ScopeHeader& header);

// A random nonce (XChaCha20's 24 bytes make random nonces safe: no counter to keep). Drawn from
// a per-thread ChaCha20 generator seeded from the operating system (reseeded in a forked
// child), so that it costs no system call.
ScopeNonce RandomScopeNonce();

// Seals `plaintext` under `key` and `nonce` with `ad`: the ciphertext followed by the 16-byte tag
// (plaintext.size() + kScopeTagBytes bytes).
std::string SealBytes(const ScopeKey& key, const ScopeNonce& nonce, std::span<const uint8_t> ad,
                      std::span<const uint8_t> plaintext);

// Opens what SealBytes made. PermissionDenied "does not open" when the tag does not verify
// (wrong key, or ciphertext, nonce or associated data changed); InvalidArgument when the input
// is shorter than the tag.
Result<std::string> OpenBytes(const ScopeKey& key, const ScopeNonce& nonce,
                              std::span<const uint8_t> ad, std::span<const uint8_t> sealed);

// Seals `plaintext` as the scope `header` describes (random nonce), filling a sealed Scope.
Result<Scope> SealScope(const ScopeKey& key, const ScopeHeader& header,
                        std::span<const uint8_t> plaintext);

// Opens a sealed scope of the event (bucket, user, event_id); the plaintext as sealed (still
// compressed when scope.compression says so). Errors name the scope.
Result<std::string> OpenScope(const ScopeKey& key, uint64_t bucket, const PublicKey& user,
                              std::string_view event_id, const Scope& scope);

// SealScope and OpenScope into caller-owned objects whose buffers are reused: once they are
// large enough, sealing or opening allocates nothing, for loops over many scopes. On error
// `*out` holds unspecified contents.
Status SealScopeInto(const ScopeKey& key, const ScopeHeader& header,
                     std::span<const uint8_t> plaintext, Scope* out);
Status OpenScopeInto(const ScopeKey& key, uint64_t bucket, const PublicKey& user,
                     std::string_view event_id, const Scope& scope, std::string* out);

// An X25519 key pair for receiving wrapped keys.
struct BoxKeyPair {
  BoxPublicKey public_key{};
  BoxSecretKey secret_key{};

  static BoxKeyPair Generate();
  static BoxKeyPair FromSeed(std::span<const uint8_t, 32> seed);
  // The X25519 form of an ed25519 key pair (libsodium's birational map), so that one ed25519
  // identity can also receive grants.
  static BoxKeyPair FromSigningKey(const KeyPair& key);
};

// The X25519 public key of an ed25519 public key; InvalidArgument if it is not a valid point.
Result<BoxPublicKey> BoxPublicKeyOf(const PublicKey& ed25519_public_key);

// crypto_box_seal of `key` for `recipient` (an ephemeral sender key; 80 bytes).
WrappedKey WrapKey(std::span<const uint8_t, kSymmetricKeyBytes> key, const BoxPublicKey& recipient);

// Unwraps a key wrapped for `recipient`; PermissionDenied if it was wrapped for another key or
// altered.
Result<ScopeKey> UnwrapKey(const WrappedKey& wrapped, const BoxKeyPair& recipient);

}  // namespace ddc

#endif  // DDC_CRYPTO_H_
