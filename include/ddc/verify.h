// Verification with nothing but public keys: no Store, no disk. Auditors, the bindings and the
// web viewer use this to check that an event was signed by its user, sits at its position in
// the user's timeline, and was sealed by a node's signed checkpoint.
//
// Trees are RFC 9162 (SHA-256) Merkle trees; checkpoints are C2SP tlog-checkpoint notes with
// C2SP signed-note Ed25519 signatures, so standard transparency-log tools check them too.
// docs/FORMAT.md gives every byte (event proof bundle, journal leaf, checkpoint text).
// The last link, where and when a checkpoint is anchored on the chain, is checked by
// chain::VerifyAnchorProof (ddc/chain.h), also with public keys only.
// All functions are pure and thread-safe.
#ifndef DDC_VERIFY_H_
#define DDC_VERIFY_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/cid.h"
#include "ddc/event.h"
#include "ddc/status.h"

namespace ddc {

inline constexpr size_t kMaxProofHashes = 64;            // Any inclusion/consistency proof.
inline constexpr size_t kMaxEventProofBytes = 5u << 20;  // An encoded EventProof.

// A signed checkpoint as stored and listed.
struct CheckpointRecord {
  std::string note;  // The signed note text.
  std::string origin;
  uint64_t size = 0;  // Journal size it seals.
  Hash32 root{};      // Journal root at that size.
  uint64_t time_ms = 0;
  Cid cid;  // Raw CID of the note bytes.
};

// The bundle Store::ProveEvent makes and VerifyEventProof checks.
struct EventProof {
  std::string event;                  // The event's encoded bytes.
  uint64_t position = 0;              // Its position in its timeline.
  std::vector<Hash32> timeline_path;  // Inclusion in the timeline at size position + 1.
  uint64_t journal_index = 0;         // The journal leaf of this append.
  std::vector<Hash32> journal_path;   // Inclusion in the journal at the checkpoint's size.
  std::string checkpoint;             // Signed checkpoint note sealing the journal.

  bool operator==(const EventProof&) const = default;
};

// DAG-CBOR encoding of the bundle (docs/FORMAT.md "Event proof"); the decoder is strict.
Result<std::string> EncodeEventProof(const EventProof& proof);
Result<EventProof> DecodeEventProof(std::span<const uint8_t> bytes);

// The journal leaf data of an append (docs/FORMAT.md "Journal leaf").
std::string JournalLeafData(uint64_t bucket, const PublicKey& user, uint64_t position,
                            const Cid& event_cid, const Hash32& timeline_root_after);

// What a verified proof establishes.
struct VerifiedEvent {
  Event event;
  Cid cid;
  uint64_t position = 0;
  Hash32 timeline_root{};  // The timeline's root right after this event.
  uint64_t journal_index = 0;
  uint64_t checkpoint_size = 0;
  Hash32 checkpoint_root{};
  uint64_t checkpoint_time_ms = 0;
  std::string checkpoint_origin;
};

// Checks, in order: the checkpoint note's signature by `node_verifier_key` (signed-note form
// name+keyid+base64key); the event's encoding and its user's signature; the timeline path from
// the event's CID to the timeline root at position + 1; the journal path from that append's
// leaf to the checkpoint's root. InvalidArgument names the first check that failed.
Result<VerifiedEvent> VerifyEventProof(const EventProof& proof, std::string_view node_verifier_key);

// A signed checkpoint note checked against a verifier key; returns its fields.
Result<CheckpointRecord> VerifyCheckpoint(std::string_view note,
                                          std::string_view node_verifier_key);

// RFC 9162 proof checks over leaf hashes and roots (for timelines and the journal alike).
Hash32 MerkleLeafHash(std::span<const uint8_t> leaf_data);
Status VerifyInclusionProof(uint64_t index, uint64_t size, const Hash32& leaf_hash,
                            std::span<const Hash32> proof, const Hash32& root);
Status VerifyConsistencyProof(uint64_t old_size, uint64_t new_size, const Hash32& old_root,
                              const Hash32& new_root, std::span<const Hash32> proof);

}  // namespace ddc

#endif  // DDC_VERIFY_H_
