// Events: the signed, content-addressed envelope of one user/app interaction.
//
// An event is a canonical DAG-CBOR map (docs/FORMAT.md, "Event, version 1"): the bucket (app)
// it belongs to, the user's ed25519 public key, an event id the app chose (unique per user and
// bucket), a timestamp, a type, its scopes (each sealed — ciphertext under a scope key — or
// public), an optional link to the user's previous event, and the user's signature. Its CID is
// CIDv1 dag-cbor BLAKE2b-256 of the encoded bytes, so IPFS tools read it.
//
// A user signs either each event on its own (the default) or a batch of its events at once: the
// signature then covers the RFC 9162 Merkle root of the batch's unsigned event CIDs, and each
// event carries that root, its index, the batch size and its inclusion path, so every event
// still verifies alone.
//
// Everything here is pure: no store, no disk. Thread-safe; an Event is a plain value.
#ifndef DDC_EVENT_H_
#define DDC_EVENT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ddc/cid.h"
#include "ddc/status.h"

namespace ddc {

// Limits, each checked by EncodeEvent and DecodeEvent with a message naming the field.
inline constexpr uint64_t kEventVersion = 1;
inline constexpr size_t kMaxEventBytes = 4u << 20;  // Encoded size of one event.
inline constexpr size_t kMaxEventIdBytes = 128;
inline constexpr size_t kMaxEventTypeBytes = 128;
inline constexpr size_t kMaxScopes = 64;
inline constexpr size_t kMaxScopeNameBytes = 64;
inline constexpr size_t kMaxBatchEvents = 65536;  // A batch inclusion path has at most 16 hashes.
inline constexpr size_t kScopeNonceBytes = 24;    // XChaCha20-Poly1305 (IETF) nonce.
inline constexpr size_t kScopeTagBytes = 16;      // The AEAD tag: a sealed scope's minimum size.

using PublicKey = std::array<uint8_t, 32>;  // ed25519.
using Signature = std::array<uint8_t, 64>;  // ed25519.
using Hash32 = std::array<uint8_t, 32>;     // SHA-256 Merkle tree hash.

enum class ScopeCompression : uint8_t { kNone = 0, kZstd = 1 };

struct Scope {
  // 1..kMaxScopeNameBytes of [a-z0-9_.-]; unique within an event (scopes are kept sorted by name
  // in the encoding, and EncodeEvent sorts them).
  std::string name;
  // Sealed: `data` is XChaCha20-Poly1305 ciphertext + tag under the scope key of `key_version`,
  // with `nonce`. Public: `data` is the plaintext; key_version and nonce are unused.
  bool sealed = true;
  uint32_t key_version = 0;
  std::array<uint8_t, kScopeNonceBytes> nonce{};
  // How the plaintext was compressed before sealing (or, for a public scope, as stored).
  ScopeCompression compression = ScopeCompression::kNone;
  std::string data;

  bool operator==(const Scope&) const = default;
};

// Present on a batch-signed event: where its unsigned CID sits in the signed batch tree.
struct BatchProof {
  Hash32 root{};
  uint64_t size = 0;   // Events in the batch, 1..kMaxBatchEvents.
  uint64_t index = 0;  // This event's leaf, below size.
  std::vector<Hash32> path;

  bool operator==(const BatchProof&) const = default;
};

struct Event {
  uint64_t bucket = 0;
  PublicKey user{};
  std::string id;             // 1..kMaxEventIdBytes of UTF-8, unique per (bucket, user).
  uint64_t timestamp_ms = 0;  // Milliseconds since the Unix epoch, as the app saw it.
  std::string type;           // 1..kMaxEventTypeBytes of UTF-8, e.g. "page_view".
  std::vector<Scope> scopes;  // 0..kMaxScopes.
  std::optional<Cid> prev;    // The user's previous event in this bucket (a dag-cbor CID).
  std::optional<BatchProof> batch;
  Signature signature{};

  bool operator==(const Event&) const = default;
};

// An ed25519 key pair (libsodium layout: secret = seed || public key).
struct KeyPair {
  PublicKey public_key{};
  std::array<uint8_t, 64> secret_key{};

  static KeyPair Generate();
  static KeyPair FromSeed(std::span<const uint8_t, 32> seed);
};

// The canonical encoding of `event` (validating every field and limit first). Scopes are
// written sorted by name.
Result<std::string> EncodeEvent(const Event& event);

// Strict decoding: anything but the canonical encoding of a valid version-1 event is rejected
// with InvalidArgument naming what and where ("event: map keys not in canonical order at byte
// 17", "event: scope 'profile' nonce is 12 bytes, want 24", ...). Does not check the signature.
Result<Event> DecodeEvent(std::span<const uint8_t> bytes);

// CIDv1 dag-cbor of encoded event bytes.
Cid EventCid(std::span<const uint8_t> encoded);

// The bytes a single-event signature covers: a domain string and the canonical encoding of the
// event without its signature and batch fields (docs/FORMAT.md says which).
Result<std::string> EventSigningBytes(const Event& event);

// The CID of the event's unsigned form (no signature, no batch): a batch tree's leaf data.
Result<Cid> UnsignedEventCid(const Event& event);

// Signs `event` on its own with `key` (whose public key must be event->user): clears any batch
// field and sets the signature.
Status SignEvent(Event* event, const KeyPair& key);

// Signs `events` (1..kMaxBatchEvents, all of user key.public_key) as one batch: sets each
// event's batch proof and the shared signature.
Status SignBatch(std::span<Event> events, const KeyPair& key);

// Verifies the user's signature: directly, or through the batch proof (recomputing the root
// from the event's unsigned CID and its path, then checking the signature over that root).
// InvalidArgument says which check failed.
Status VerifyEventSignature(const Event& event);

// The two halves of VerifyEventSignature for a batch-signed event, so that a caller verifying
// many events of one batch checks the signature once: VerifyBatchPath checks that the event's
// unsigned CID and path lead to the root it carries; VerifyBatchSignature checks the user's
// signature over (size, root).
Status VerifyBatchPath(const Event& event);
Status VerifyBatchSignature(const PublicKey& user, const Hash32& root, uint64_t size,
                            const Signature& signature);

// Decodes and verifies in one step; what Store::Append does before it writes anything.
Result<Event> DecodeAndVerifyEvent(std::span<const uint8_t> bytes);

}  // namespace ddc

#endif  // DDC_EVENT_H_
