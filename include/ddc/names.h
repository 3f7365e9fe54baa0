// Signed names: a bucket-scoped, human-readable pointer to content, like DNS for CIDs.
//
// A name record says "in bucket B, the name N points at CID C", with a sequence number, a TTL
// and the time it was made, signed with ed25519 by the bucket's owner (the app key that
// Options::bucket_owner answers for B). It is a canonical DAG-CBOR map like grants and
// tombstones, stored in the engine as a record of its own (Store::PutName) and answered by
// Store::GetName and Store::Names.
//
// Updates: a name changes by storing a record with a higher sequence number; the newest record
// of each (bucket, name) is the answer. A record whose sequence number is not above the current
// one is refused (Conflict), so a replayed or reordered old record can never win. Sequence
// numbers are chosen by the signer: the CLI uses the current one plus one.
//
// TTL: how long a reader that fetched a record may keep using it without asking again, as a DNS
// resolver caches an answer. The store itself never expires a record: the newest one stays the
// answer until a newer one replaces it.
//
// What a name points at is not checked: the target may be a blob, an event, or something not
// (yet) stored. A name pointing at an event that was later erased (erasure.h) still resolves to
// that CID; reading the CID then answers Erased, which tells the reader the content is gone on
// request rather than missing.
//
// Name rules (ValidateName): 1..kMaxNameBytes bytes of lower-case letters a-z, digits 0-9 and
// '-', '_', '.', '/'; the first and last byte is a letter or a digit; '.' and '/' separate
// labels, so neither may follow another '.' or '/' (no empty label, no "..").
// Examples: "www", "app.v2", "profiles/alice_01", "releases/2025-11/latest".
//
// Byte layout: docs/FORMAT.md, "Name record, version 1". Pure functions, thread-safe.
#ifndef DDC_NAMES_H_
#define DDC_NAMES_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ddc/cid.h"
#include "ddc/event.h"
#include "ddc/status.h"

namespace ddc {

inline constexpr uint64_t kNameRecordVersion = 1;
inline constexpr size_t kMaxNameBytes = 255;
// TTL bounds, in seconds: one second to one year. The CLI's default is an hour.
inline constexpr uint32_t kMinNameTtlSeconds = 1;
inline constexpr uint32_t kMaxNameTtlSeconds = 365u * 24 * 3600;
inline constexpr uint32_t kDefaultNameTtlSeconds = 3600;
// Largest encoded record accepted; the longest name with every other field at its largest
// takes about 480 bytes.
inline constexpr size_t kMaxNameRecordBytes = 1024;
static_assert(kMinNameTtlSeconds <= kDefaultNameTtlSeconds &&
              kDefaultNameTtlSeconds <= kMaxNameTtlSeconds);

struct NameRecord {
  uint64_t bucket = 0;
  std::string name;  // See the rules above.
  Cid target;        // What the name points at (any codec).
  uint64_t sequence = 0;
  uint32_t ttl_seconds = kDefaultNameTtlSeconds;  // kMinNameTtlSeconds..kMaxNameTtlSeconds.
  uint64_t created_ms = 0;                        // Milliseconds since the Unix epoch.
  PublicKey signer{};                             // The bucket owner's ed25519 key.
  Signature signature{};

  bool operator==(const NameRecord&) const = default;
};

// OK when `name` follows the rules above; else InvalidArgument "name record: name ..." saying
// which byte breaks which rule.
Status ValidateName(std::string_view name);

// Canonical encoding (validating every field first); DecodeName is strict and does not check
// the signature. Errors are InvalidArgument starting with "name record: ".
Result<std::string> EncodeName(const NameRecord& record);
Result<NameRecord> DecodeName(std::span<const uint8_t> bytes);
// CIDv1 dag-cbor of an encoded record.
Cid NameRecordCid(std::span<const uint8_t> encoded);

// Signs with `owner` (sets record->signer and the signature) / verifies the signature.
// VerifyName says nothing about whether the signer owns the bucket: the store checks that.
Status SignName(NameRecord* record, const KeyPair& owner);
Status VerifyName(const NameRecord& record);

// Builds and signs a record in one call.
Result<NameRecord> MakeName(uint64_t bucket, std::string_view name, const Cid& target,
                            uint64_t sequence, uint32_t ttl_seconds, uint64_t created_ms,
                            const KeyPair& owner);

// A name record as the store keeps it.
struct StoredName {
  Cid cid;  // Of `bytes`.
  NameRecord record;
  std::string bytes;  // The encoded, signed record, as stored.
};

// What Store::PutName did.
struct PutNameResult {
  Cid cid;
  bool existed = false;  // The same record was already the current one: nothing was written.
};

}  // namespace ddc

#endif  // DDC_NAMES_H_
