// Read-only codecs for the formats of Cere Network's earlier DDC software, so that events and
// scopes captured with it can be checked, opened and imported into ddc timelines. Nothing here
// writes any of these formats, and nothing ever will: ddc's own formats (ddc/event.h,
// ddc/crypto.h) replace them.
//
// The formats, as the 2021 and 2022 software produced them:
//
// - v0 signed event (2021). An event was five strings (id, timestamp, appPubKey, userPubKey,
//   data) and an ed25519 signature over the UTF-8 bytes of their plain concatenation, in that
//   order. There is no separator and no length prefix, so the message does not pin down where
//   one field ends and the next begins: ("ab", "c") and ("a", "bc") sign the same bytes. A valid
//   v0 signature therefore proves who signed the concatenation, not that each field is what the
//   importer thinks it is; an importer should check each field's expected shape itself.
//
// - Scope encryption, scheme A (2021 data viewer). One key per top-level scope:
//     key = BLAKE2b-256(master || UTF-8(scope name))   (unkeyed, 32-byte output)
//   and each scope's JSON sealed with XChaCha20-Poly1305 (IETF) under a random 24-byte nonce,
//   no associated data, stored as nonce(24) || ciphertext || tag(16). Sound for confidentiality,
//   but nothing binds a sealed scope to its event or its name: one can be moved to another
//   event of the same user and still open.
//
// - Scope encryption, scheme B (2021 encryption module). One key per JSONPath:
//     key = BLAKE2b-256 keyed with UTF-8(master), message UTF-8(JSONPath)
//   (libsodium crypto_generichash), and each value sealed with XChaCha20-Poly1305 (IETF) under
//   a FIXED ALL-ZERO NONCE, no associated data, stored as ciphertext || tag(16).
//   DANGER: every value sealed under one path's key reuses the same (key, nonce) pair, hence
//   the same keystream and the same one-time Poly1305 key. XOR-ing two such ciphertexts gives
//   the XOR of their plaintexts; whoever knows one plaintext of a path reads every other value
//   of that path (up to that length); and whoever holds two ciphertexts of a path can recover
//   the authentication key and forge values that open. Treat scheme B data as neither reliably
//   confidential nor authenticated. ddc reads it for migration only; there is deliberately no
//   function that seals with scheme B. Re-seal what you import with ddc::SealScope.
//
// - Piece content identifier (2022 storage protocol). A piece was a protobuf message; its CID is
//   CIDv1, codec raw, BLAKE2b-256 multihash of the protobuf-encoded bytes, which is exactly
//   ddc::Cid::Of(Codec::kRaw, bytes).
//
// Every function is pure and thread-safe. Keys are plain values the caller owns (call
// ddc::Wipe on them when done). Byte-for-byte vectors for every format are pinned by
// tests/crypto/compat_test.cc.
#ifndef DDC_COMPAT_H_
#define DDC_COMPAT_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ddc/cid.h"
#include "ddc/crypto.h"
#include "ddc/event.h"
#include "ddc/status.h"

namespace ddc::compat {

// The largest input any function here accepts (a v0 signed message, a sealed scope, a piece).
// Anything larger could not become part of a ddc event anyway, so it is refused up front with
// InvalidArgument rather than hashed or decrypted.
inline constexpr size_t kMaxInputBytes = kMaxEventBytes;

inline constexpr size_t kSchemeANonceBytes = 24;  // XChaCha20-Poly1305 (IETF) nonce.
inline constexpr size_t kTagBytes = 16;           // Poly1305 tag, both schemes.
// crypto_generichash (BLAKE2b, RFC 7693) takes keys of 0..64 bytes; see SchemeBKey.
inline constexpr size_t kMaxSchemeBMasterBytes = 64;

static_assert(kSchemeANonceBytes == kScopeNonceBytes && kTagBytes == kScopeTagBytes,
              "the 2021 schemes use the same AEAD as ddc's scopes");

// ---------------------------------------------------------------------------------------------
// v0 signed event (2021)

// The fields of a v0 event exactly as the 2021 software held them: JavaScript strings, given
// here as their UTF-8 bytes. Nothing is normalised; e.g. app_pub_key is "0x" + 64 hex digits as
// captured, and it is not necessarily the key that signed (the signer's key comes separately).
struct V0Event {
  std::string id;
  std::string timestamp;
  std::string app_pub_key;
  std::string user_pub_key;
  std::string data;

  bool operator==(const V0Event&) const = default;
};

// The bytes a v0 signature covers: id + timestamp + app_pub_key + user_pub_key + data.
std::string V0SignedMessage(const V0Event& event);

// Checks the ed25519 signature of `event` under `public_key`. InvalidArgument when the public
// key is not a valid ed25519 point (non-canonical, off the curve, of small order or outside the
// prime-order subgroup; no key made from a seed is) or the message is over kMaxInputBytes;
// PermissionDenied when the signature does not verify (wrong key, or any field or signature byte
// changed).
Status VerifyV0Signature(const V0Event& event, std::span<const uint8_t, 32> public_key,
                         std::span<const uint8_t, 64> signature);

// ---------------------------------------------------------------------------------------------
// Scope encryption, scheme A (2021 data viewer)

// BLAKE2b-256(master || UTF-8(scope_name)). Any name is accepted, including ones ddc's own
// scope names forbid (e.g. upper case): it must match what the 2021 software hashed.
ScopeKey SchemeAKey(const MasterKey& master, std::string_view scope_name);

// Opens nonce(24) || ciphertext || tag(16) under `key` (no associated data): the plaintext, the
// scope's JSON as sealed. InvalidArgument when the input is shorter than 40 bytes or over
// kMaxInputBytes; PermissionDenied when the tag does not verify.
Result<std::string> OpenSchemeA(const ScopeKey& key, std::span<const uint8_t> sealed);

// ---------------------------------------------------------------------------------------------
// Scope encryption, scheme B (2021 encryption module) -- read only, see the warning above

// BLAKE2b-256 keyed with the master's UTF-8 bytes over UTF-8(json_path), e.g. "$" or "$.k1".
// libsodium's crypto_generichash_KEYBYTES_MIN (16) is a recommendation, not a check: it hashes
// keys of any length from 0 to 64 bytes as RFC 7693 keyed BLAKE2b, and the 2021 software
// relied on that (its documented master "super-secret" is 12 bytes). So does this function.
// An empty master gives the unkeyed hash: a key anyone can compute from the path alone, which
// is what such data was sealed under. InvalidArgument when the master is over 64 bytes (the
// 2021 software could not have derived a key from it either).
Result<ScopeKey> SchemeBKey(std::string_view master_utf8, std::string_view json_path);

// Opens ciphertext || tag(16) sealed under `key` with the all-zero nonce and no associated
// data. InvalidArgument when shorter than the tag or over kMaxInputBytes; PermissionDenied when
// the tag does not verify. A verified tag means less here than anywhere else in ddc: see the
// warning at the top.
Result<std::string> OpenSchemeB(const ScopeKey& key, std::span<const uint8_t> sealed);

// ---------------------------------------------------------------------------------------------
// Piece content identifier (2022 storage protocol)

// The CID of a protobuf-encoded piece: CIDv1, raw, BLAKE2b-256 of exactly these bytes (which
// are not decoded or checked: the CID addresses bytes, not a parsed piece). InvalidArgument
// when over kMaxInputBytes.
Result<Cid> PieceCid(std::span<const uint8_t> encoded_piece);

}  // namespace ddc::compat

#endif  // DDC_COMPAT_H_
