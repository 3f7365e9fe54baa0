// Read-only codecs for Cere's 2021 and 2022 DDC formats over libsodium. include/ddc/compat.h
// describes each format and why scheme B is only ever read.
#include "ddc/compat.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "engine/base/hash.h"
#include "engine/base/macros.h"

namespace ddc::compat {
namespace {

const uint8_t* Bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// The size check every entry point makes before touching its input.
Status CheckInputSize(std::string_view what, size_t size) {
  if (size > kMaxInputBytes) {
    return Status::InvalidArgument(std::string(what) + " is " + std::to_string(size) +
                                   " bytes, over the limit of " + std::to_string(kMaxInputBytes));
  }
  return Status::OK();
}

// Both schemes: XChaCha20-Poly1305 (IETF), no associated data. `label` names the scheme in
// errors; the caller has checked that `sealed` holds at least the tag.
Result<std::string> OpenAead(std::string_view label, const ScopeKey& key,
                             const uint8_t (&nonce)[kSchemeANonceBytes],
                             std::span<const uint8_t> sealed) {
  static_assert(kSchemeANonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  static_assert(kTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);
  static_assert(kSymmetricKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  EnsureSodium();
  std::string plaintext(sealed.size() - kTagBytes, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<uint8_t*>(plaintext.data()),
                                                 &written, nullptr, sealed.data(), sealed.size(),
                                                 nullptr, 0, nonce, key.data()) != 0) {
    return Status::PermissionDenied(
        std::string(label) +
        ": does not open: the tag does not verify (wrong key, or nonce, ciphertext or tag "
        "changed)");
  }
  plaintext.resize(written);
  return plaintext;
}

}  // namespace

std::string V0SignedMessage(const V0Event& event) {
  std::string message;
  message.reserve(event.id.size() + event.timestamp.size() + event.app_pub_key.size() +
                  event.user_pub_key.size() + event.data.size());
  message += event.id;
  message += event.timestamp;
  message += event.app_pub_key;
  message += event.user_pub_key;
  message += event.data;
  return message;
}

Status VerifyV0Signature(const V0Event& event, std::span<const uint8_t, 32> public_key,
                         std::span<const uint8_t, 64> signature) {
  static_assert(crypto_sign_ed25519_PUBLICKEYBYTES == 32 && crypto_sign_ed25519_BYTES == 64);
  const size_t message_bytes = event.id.size() + event.timestamp.size() + event.app_pub_key.size() +
                               event.user_pub_key.size() + event.data.size();
  DDC_RETURN_IF_ERROR(CheckInputSize("v0 event: signed message", message_bytes));
  EnsureSodium();
  if (crypto_core_ed25519_is_valid_point(public_key.data()) != 1) {
    return Status::InvalidArgument(
        "v0 event: the public key is not a valid ed25519 point (non-canonical, off the curve, "
        "of small order or outside the prime-order subgroup)");
  }
  const std::string message = V0SignedMessage(event);
  if (crypto_sign_ed25519_verify_detached(signature.data(), Bytes(message), message.size(),
                                          public_key.data()) != 0) {
    return Status::PermissionDenied(
        "v0 event \"" + event.id +
        "\": the signature does not verify under this public key (wrong key, or a field or the "
        "signature changed)");
  }
  return Status::OK();
}

ScopeKey SchemeAKey(const MasterKey& master, std::string_view scope_name) {
  // Streamed rather than concatenated, so that no copy of the master is left in a heap buffer;
  // the state, which holds it in the message block, is wiped.
  EnsureSodium();
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, kSymmetricKeyBytes);
  crypto_generichash_update(&state, master.data(), master.size());
  crypto_generichash_update(&state, Bytes(scope_name), scope_name.size());
  ScopeKey key;
  crypto_generichash_final(&state, key.data(), key.size());
  sodium_memzero(&state, sizeof(state));
  return key;
}

Result<std::string> OpenSchemeA(const ScopeKey& key, std::span<const uint8_t> sealed) {
  constexpr std::string_view kLabel = "scheme A scope";
  DDC_RETURN_IF_ERROR(CheckInputSize(kLabel, sealed.size()));
  if (sealed.size() < kSchemeANonceBytes + kTagBytes) {
    return Status::InvalidArgument(std::string(kLabel) + " is " + std::to_string(sealed.size()) +
                                   " bytes, shorter than the 24-byte nonce and 16-byte tag");
  }
  uint8_t nonce[kSchemeANonceBytes];
  std::copy_n(sealed.begin(), kSchemeANonceBytes, nonce);
  return OpenAead(kLabel, key, nonce, sealed.subspan(kSchemeANonceBytes));
}

Result<ScopeKey> SchemeBKey(std::string_view master_utf8, std::string_view json_path) {
  static_assert(kMaxSchemeBMasterBytes == crypto_generichash_KEYBYTES_MAX);
  if (master_utf8.size() > kMaxSchemeBMasterBytes) {
    return Status::InvalidArgument("scheme B master is " + std::to_string(master_utf8.size()) +
                                   " bytes, over BLAKE2b's 64-byte key limit");
  }
  DDC_RETURN_IF_ERROR(CheckInputSize("scheme B JSONPath", json_path.size()));
  // Deliberately no check against crypto_generichash_KEYBYTES_MIN: libsodium only rejects keys
  // over 64 bytes, and the 2021 masters may be shorter than 16 (include/ddc/compat.h).
  EnsureSodium();
  ScopeKey key;
  if (crypto_generichash(key.data(), key.size(), Bytes(json_path), json_path.size(),
                         Bytes(master_utf8), master_utf8.size()) != 0) {
    return Status::InvalidArgument("scheme B key derivation: libsodium rejected the input");
  }
  return key;
}

Result<std::string> OpenSchemeB(const ScopeKey& key, std::span<const uint8_t> sealed) {
  constexpr std::string_view kLabel = "scheme B value";
  DDC_RETURN_IF_ERROR(CheckInputSize(kLabel, sealed.size()));
  if (sealed.size() < kTagBytes) {
    return Status::InvalidArgument(std::string(kLabel) + " is " + std::to_string(sealed.size()) +
                                   " bytes, shorter than the 16-byte tag");
  }
  // The fixed nonce is the flaw of scheme B; it is used here to read, never to seal.
  constexpr uint8_t kZeroNonce[kSchemeANonceBytes] = {};
  return OpenAead(kLabel, key, kZeroNonce, sealed);
}

Result<Cid> PieceCid(std::span<const uint8_t> encoded_piece) {
  DDC_RETURN_IF_ERROR(CheckInputSize("piece", encoded_piece.size()));
  return Cid::Of(Codec::kRaw, encoded_piece);
}

}  // namespace ddc::compat
