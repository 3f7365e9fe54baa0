// Checkpoints ("time capsules"): a tree size, root and time signed by the node key, written as
// a C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint) in a C2SP signed note (note.h), so that
// existing checkpoint verifiers and witnesses accept them. The body (the note text) is
//
//   <origin>\n
//   <tree size, decimal, no leading zeros>\n
//   <base64 of the 32-byte RFC 9162 root>\n
//   ddc-time <milliseconds since the Unix epoch, decimal, no leading zeros>\n
//   <further extension lines, each non-empty, kept verbatim>\n...
//
// and the note is the body, a blank line and the signature lines. ddc always writes exactly
// one ddc-time line, as the first extension line; other extension lines follow it in order.
// Parsing is strict, so an accepted body re-formats to the same bytes; every rejection is
// InvalidArgument "checkpoint: ..." saying which line and which check failed.
//
// Thread safety: Checkpoint is a plain value; NoteSigner is immutable after construction and
// may sign from many threads at once.
#ifndef DDC_ENGINE_TIMELINE_CHECKPOINT_H_
#define DDC_ENGINE_TIMELINE_CHECKPOINT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/status.h"
#include "engine/timeline/merkle.h"
#include "engine/timeline/note.h"

namespace ddc::timeline {

// The largest checkpoint note (body and signatures) accepted or produced.
inline constexpr size_t kMaxCheckpointBytes = kMaxNoteBytes;
static_assert(kMaxCheckpointBytes <= kMaxNoteBytes);

// The key word of ddc's time extension line.
inline constexpr std::string_view kCheckpointTimeKeyword = "ddc-time";

struct Checkpoint {
  // The log's identity, e.g. "ddc.example/journal": non-empty valid UTF-8, no control
  // characters, no leading or trailing space.
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  // When the checkpoint was made, in milliseconds since the Unix epoch.
  uint64_t time_ms = 0;
  // Extension lines after the ddc-time line, without newlines: each non-empty, no control
  // characters, and none a ddc-time line.
  std::vector<std::string> extensions;

  bool operator==(const Checkpoint&) const = default;
};

// The body text of `checkpoint` (format above). REQUIRES: ValidateCheckpoint(checkpoint).ok().
std::string FormatCheckpointBody(const Checkpoint& checkpoint);

// OK when `checkpoint` formats to a body that ParseCheckpointBody accepts as the same value.
Status ValidateCheckpoint(const Checkpoint& checkpoint);

// Parses a checkpoint body (a note text). Rejects more than kMaxCheckpointBytes, bytes a note
// may not hold, a missing final newline, empty lines, an origin with surrounding spaces, a
// size that is not canonical decimal or overflows 64 bits, a root that is not exactly 32 bytes
// of canonical padded base64, and a missing, malformed or repeated ddc-time line.
Result<Checkpoint> ParseCheckpointBody(std::string_view body);

// Verifies a checkpoint note against `key` (VerifyNote's rules: unknown signers are ignored,
// a bad signature by `key` rejects, at least one signature by `key` must verify) and parses
// its body. Errors are InvalidArgument "checkpoint: ...".
Result<Checkpoint> VerifyCheckpointNote(std::string_view note, const VerifierKey& key);

// An Ed25519 note signer: a key name and a secret key. Signing is deterministic (RFC 8032), so
// the same key, name and text give the same note. The secret key is wiped on destruction.
class NoteSigner {
 public:
  // From a 32-byte Ed25519 seed (RFC 8032 private key), e.g. one loaded from a key file.
  static Result<NoteSigner> FromSeed(std::string_view name, std::span<const uint8_t> seed);
  // From a fresh random seed.
  static Result<NoteSigner> Generate(std::string_view name);

  NoteSigner(const NoteSigner&) = default;
  NoteSigner& operator=(const NoteSigner&) = default;
  NoteSigner(NoteSigner&&) = default;
  NoteSigner& operator=(NoteSigner&&) = default;
  ~NoteSigner();

  const VerifierKey& verifier_key() const { return key_; }
  const std::string& name() const { return key_.name; }

  // `text` followed by a blank line and this key's signature line over `text`.
  // REQUIRES: `text` is non-empty, ends with a newline and passes CheckNoteBytes.
  std::string SignNote(std::string_view text) const;

  // SignNote(FormatCheckpointBody(checkpoint)). REQUIRES: ValidateCheckpoint(checkpoint).ok().
  std::string SignCheckpoint(const Checkpoint& checkpoint) const;

 private:
  NoteSigner() = default;

  // Constant after construction.
  VerifierKey key_;
  std::array<uint8_t, 64> secret_key_{};  // libsodium's form: seed || public key.
};

}  // namespace ddc::timeline

#endif  // DDC_ENGINE_TIMELINE_CHECKPOINT_H_
