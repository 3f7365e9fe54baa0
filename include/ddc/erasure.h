// Erasure on request: signed tombstones.
//
// A tombstone asks the store to erase one event, or every event of a user's timeline in a
// bucket that is stored when the tombstone is (events appended later are not covered). It is a
// canonical DAG-CBOR map signed by the user, or by the bucket's owner (Options::bucket_owner).
// After Store::Erase accepts one:
//   - reads of an erased event answer Status::Erased naming who erased it and when, never the
//     data; timeline iterators step over erased events (their positions stay taken); exports
//     skip them;
//   - for a whole timeline, the user's grants are destroyed (no longer served) and, when the
//     store was given a keystore, the user's master keys are shredded from it;
//   - every proof over the timeline and the journal still verifies: the trees keep the erased
//     events' leaf hashes. Store::ProveErasure returns the tombstone with the event's place in
//     the timeline, so a verifier can show the event existed, who erased it and when.
// Physical removal of erased bytes from segment files comes with compaction: the tombstone
// records what to drop, and nothing else refers to an event's bytes.
//
// Byte layout: docs/FORMAT.md, "Tombstone, version 1". Pure functions, thread-safe.
#ifndef DDC_ERASURE_H_
#define DDC_ERASURE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ddc/cid.h"
#include "ddc/event.h"
#include "ddc/status.h"

namespace ddc {

inline constexpr uint64_t kTombstoneVersion = 1;
inline constexpr size_t kMaxTombstoneReasonBytes = 256;

struct Tombstone {
  uint64_t bucket = 0;
  PublicKey user{};
  std::optional<Cid> event;  // Absent: the user's whole timeline in the bucket.
  PublicKey signer{};        // The user, or the bucket's owner.
  uint64_t timestamp_ms = 0;
  std::string reason;  // Optional, 0..kMaxTombstoneReasonBytes of UTF-8.
  Signature signature{};

  bool operator==(const Tombstone&) const = default;
};

Result<std::string> EncodeTombstone(const Tombstone& tombstone);
// Strict; does not check the signature. Errors start with "tombstone: ".
Result<Tombstone> DecodeTombstone(std::span<const uint8_t> bytes);
Cid TombstoneCid(std::span<const uint8_t> encoded);
Status SignTombstone(Tombstone* tombstone, const KeyPair& signer);
Status VerifyTombstoneSignature(const Tombstone& tombstone);

// A tombstone as the store keeps it.
struct TombstoneRecord {
  Cid cid;
  Tombstone tombstone;
  std::string bytes;  // The encoded, signed tombstone, as stored.
};

// What Store::Erase did.
struct EraseResult {
  Cid tombstone;
  uint64_t events_erased = 0;     // Events newly erased (already erased ones are not counted).
  uint64_t grants_destroyed = 0;  // Grants the store stopped serving.
  uint64_t keys_shredded = 0;     // Keystore entries shredded.
  bool existed = false;           // The same tombstone was already stored.
};

// An erased event as a verifier sees it: the signed tombstone and where the event sat.
struct ErasureProof {
  Cid event;
  uint64_t bucket = 0;
  PublicKey user{};
  uint64_t position = 0;
  std::string tombstone;  // The encoded, signed tombstone.
  // The event's inclusion in the timeline at `timeline_size`, whose root is `timeline_root`.
  uint64_t timeline_size = 0;
  Hash32 timeline_root{};
  std::vector<Hash32> timeline_path;
};

// Checks an erasure proof with nothing but the bucket owner's key (if the tombstone was not
// signed by the user): the tombstone's signature, that it covers the event, and the event's
// inclusion under timeline_root. InvalidArgument / PermissionDenied says what failed.
Status VerifyErasureProof(const ErasureProof& proof,
                          const std::optional<PublicKey>& bucket_owner = std::nullopt);

}  // namespace ddc

#endif  // DDC_ERASURE_H_
