// C2SP signed-note (c2sp.org/signed-note) with Ed25519 signatures: verifier keys and note
// verification, byte-compatible with golang.org/x/mod/sumdb/note.
//
//   note           = text "\n" signature-line...        (text ends with "\n")
//   signature-line = "— " key-name " " base64(key ID (4 bytes, big-endian) || signature) "\n"
//   key ID         = SHA-256(key-name || 0x0A || 0x01 || 32-byte public key)[:4]
//   verifier key   = key-name "+" hex8(key ID) "+" base64(0x01 || 32-byte public key)
//
// The text is separated from the signatures by the note's last empty line. Whole notes are
// valid UTF-8 without control characters other than newline; key names are non-empty and
// contain neither Unicode spaces nor '+'. Parsing is strict (canonical base64, lower-case key
// IDs) and every rejection is an InvalidArgument that says which line and which check failed.
// Everything here is pure and thread-safe.
#ifndef DDC_ENGINE_TIMELINE_NOTE_H_
#define DDC_ENGINE_TIMELINE_NOTE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ddc/status.h"

namespace ddc::timeline {

// Limits checked before anything else is parsed. The signed-note spec asks verifiers to accept
// at least 16 signatures; Go's note package caps them at 100, as we do.
inline constexpr size_t kMaxNoteBytes = size_t{1} << 20;
inline constexpr size_t kMaxNoteSignatures = 100;
inline constexpr size_t kMaxVerifierKeyBytes = 1024;

// The signature type byte of Ed25519 note signatures, and their sizes.
inline constexpr uint8_t kNoteSignatureEd25519 = 0x01;
inline constexpr size_t kEd25519PublicKeyBytes = 32;
inline constexpr size_t kEd25519SignatureBytes = 64;
inline constexpr size_t kNoteSignatureBytes = 4 + kEd25519SignatureBytes;

using Ed25519PublicKey = std::array<uint8_t, kEd25519PublicKeyBytes>;

// A trusted Ed25519 note key: its name, its key ID and the public key.
struct VerifierKey {
  std::string name;
  uint32_t key_id = 0;
  Ed25519PublicKey public_key{};

  bool operator==(const VerifierKey&) const = default;
};

// Calls sodium_init() once per process (thread-safe); aborts if libsodium cannot start.
void EnsureSodiumInitialized();

// OK when `name` may name a note key: non-empty valid UTF-8 with no Unicode space, no control
// character and no '+'. Errors are InvalidArgument "key name ..." with the byte offset.
Status CheckKeyName(std::string_view name);

// The key ID of an Ed25519 key: the first 4 bytes, big-endian, of
// SHA-256(name || 0x0A || 0x01 || public_key).
uint32_t NoteKeyId(std::string_view name, const Ed25519PublicKey& public_key);

// A VerifierKey with its key ID computed, or CheckKeyName's error.
Result<VerifierKey> MakeVerifierKey(std::string_view name, const Ed25519PublicKey& public_key);

// "name+hex8(keyID)+base64(0x01 || public key)". REQUIRES: CheckKeyName(key.name).ok().
std::string FormatVerifierKey(const VerifierKey& key);

// Parses the form FormatVerifierKey writes, and only it: an accepted string re-formats to
// itself. Rejects (InvalidArgument "verifier key: ...") a string over kMaxVerifierKeyBytes, a
// bad key name, a key ID that is not 8 lower-case hex digits, non-canonical base64, a
// signature type other than Ed25519, a key that is not 32 bytes, and a key ID that does not
// match the name and key.
Result<VerifierKey> ParseVerifierKey(std::string_view text);

// OK when `bytes` are valid UTF-8 without ASCII control characters (below U+0020) other than
// newline, as signed notes must be. Errors are InvalidArgument "line N: ..." (lines from 1).
Status CheckNoteBytes(std::string_view bytes);

// True when `text` starts or ends with a Unicode space. REQUIRES: valid UTF-8.
bool HasSurroundingSpace(std::string_view text);

// Verifies `note` against `key` and returns its text (the bytes before the blank line,
// including the text's final newline). The note must be well formed throughout; signatures
// from other keys (another name or another key ID) are ignored, a signature by `key` that does
// not verify rejects the note, and at least one must verify. Every rejection is InvalidArgument
// "note: ..." naming the check: too large, invalid bytes (line N), no blank line, malformed
// signature line N, too many signatures, bad signature on line N — except a well-formed note
// with no signature by the key, which is NotFound "note: no signature by key ...".
Result<std::string> VerifyNote(std::string_view note, const VerifierKey& key);

// VerifyNote with the error prefix `what` instead of "note" (checkpoint.cc uses "checkpoint").
Result<std::string> VerifyNoteAs(std::string_view what, std::string_view note,
                                 const VerifierKey& key);

// The signature line for `key_id` and `signature` by key `name`, newline included.
std::string FormatSignatureLine(std::string_view name, uint32_t key_id,
                                const std::array<uint8_t, kEd25519SignatureBytes>& signature);

}  // namespace ddc::timeline

#endif  // DDC_ENGINE_TIMELINE_NOTE_H_
