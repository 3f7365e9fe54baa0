// Scope key derivation, scope sealing and key wrapping over libsodium. docs/FORMAT.md, "Scope
// keys and sealing", is the specification.
#include "ddc/crypto.h"

#include <sodium.h>

#include <cstring>
#include <string>

#include "engine/base/coding.h"
#include "engine/base/hash.h"
#include "engine/base/macros.h"
#include "engine/crypto/scope_name.h"

namespace ddc {
namespace {

constexpr std::string_view kScopeKeyDomain = "ddc-scope-key-v1\n";
constexpr std::string_view kScopeAdDomain = "ddc-scope-ad-v1\n";

void AppendFixed32(std::string* out, uint32_t v) {
  uint8_t b[4];
  EncodeFixed32(b, v);
  out->append(reinterpret_cast<const char*>(b), sizeof(b));
}

void AppendFixed64(std::string* out, uint64_t v) {
  uint8_t b[8];
  EncodeFixed64(b, v);
  out->append(reinterpret_cast<const char*>(b), sizeof(b));
}

const uint8_t* Bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

std::span<const uint8_t> AsBytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

Status CheckScopeName(std::string_view name) {
  if (!IsValidScopeName(name)) {
    return Status::InvalidArgument("scope name \"" + std::string(name) + "\" is not 1.." +
                                   std::to_string(kMaxScopeNameBytes) + " bytes of [a-z0-9_.-]");
  }
  return Status::OK();
}

}  // namespace

void Wipe(std::span<uint8_t> bytes) { sodium_memzero(bytes.data(), bytes.size()); }

MasterKey GenerateMasterKey() {
  MasterKey key;
  RandomBytes(key);
  return key;
}

Result<ScopeKey> DeriveScopeKey(const MasterKey& master, std::string_view scope_name,
                                uint32_t key_version) {
  DDC_RETURN_IF_ERROR(CheckScopeName(scope_name));
  uint8_t version[4];
  EncodeFixed32(version, key_version);
  crypto_generichash_state state;
  crypto_generichash_init(&state, master.data(), master.size(), kSymmetricKeyBytes);
  crypto_generichash_update(&state, Bytes(kScopeKeyDomain), kScopeKeyDomain.size());
  crypto_generichash_update(&state, version, sizeof(version));
  crypto_generichash_update(&state, Bytes(scope_name), scope_name.size());
  ScopeKey key;
  crypto_generichash_final(&state, key.data(), key.size());
  sodium_memzero(&state, sizeof(state));
  return key;
}

Result<std::string> ScopeAssociatedData(const ScopeHeader& header) {
  if (header.event_id.empty() || header.event_id.size() > kMaxEventIdBytes) {
    return Status::InvalidArgument("scope associated data: event id is " +
                                   std::to_string(header.event_id.size()) + " bytes, want 1.." +
                                   std::to_string(kMaxEventIdBytes));
  }
  DDC_RETURN_IF_ERROR(CheckScopeName(header.scope_name));
  std::string ad;
  ad.reserve(kScopeAdDomain.size() + 8 + 32 + 1 + header.event_id.size() + 1 +
             header.scope_name.size() + 4 + 1);
  ad.append(kScopeAdDomain);
  AppendFixed64(&ad, header.bucket);
  ad.append(reinterpret_cast<const char*>(header.user.data()), header.user.size());
  ad.push_back(static_cast<char>(header.event_id.size()));
  ad.append(header.event_id);
  ad.push_back(static_cast<char>(header.scope_name.size()));
  ad.append(header.scope_name);
  AppendFixed32(&ad, header.key_version);
  ad.push_back(static_cast<char>(header.compression));
  return ad;
}

ScopeNonce RandomScopeNonce() {
  ScopeNonce nonce;
  RandomBytes(nonce);
  return nonce;
}

std::string SealBytes(const ScopeKey& key, const ScopeNonce& nonce, std::span<const uint8_t> ad,
                      std::span<const uint8_t> plaintext) {
  std::string out(plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<uint8_t*>(out.data()), &written,
                                             plaintext.data(), plaintext.size(), ad.data(),
                                             ad.size(), nullptr, nonce.data(), key.data());
  out.resize(written);
  return out;
}

Result<std::string> OpenBytes(const ScopeKey& key, const ScopeNonce& nonce,
                              std::span<const uint8_t> ad, std::span<const uint8_t> sealed) {
  if (sealed.size() < crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return Status::InvalidArgument("sealed data is " + std::to_string(sealed.size()) +
                                   " bytes, shorter than the 16-byte tag");
  }
  std::string out(sealed.size() - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<uint8_t*>(out.data()), &written,
                                                 nullptr, sealed.data(), sealed.size(), ad.data(),
                                                 ad.size(), nonce.data(), key.data()) != 0) {
    return Status::PermissionDenied(
        "does not open: the tag does not verify (wrong key, or ciphertext, nonce or associated "
        "data changed)");
  }
  out.resize(written);
  return out;
}

Result<Scope> SealScope(const ScopeKey& key, const ScopeHeader& header,
                        std::span<const uint8_t> plaintext) {
  DDC_ASSIGN_OR_RETURN(std::string ad, ScopeAssociatedData(header));
  Scope scope;
  scope.name = std::string(header.scope_name);
  scope.sealed = true;
  scope.key_version = header.key_version;
  scope.compression = header.compression;
  scope.nonce = RandomScopeNonce();
  scope.data = SealBytes(key, scope.nonce, AsBytes(ad), plaintext);
  return scope;
}

Result<std::string> OpenScope(const ScopeKey& key, uint64_t bucket, const PublicKey& user,
                              std::string_view event_id, const Scope& scope) {
  const std::string label = "scope \"" + scope.name + "\"";
  if (!scope.sealed) return Status::InvalidArgument(label + " is public, not sealed");
  ScopeHeader header{bucket, user, event_id, scope.name, scope.key_version, scope.compression};
  Result<std::string> ad = ScopeAssociatedData(header);
  if (!ad.ok()) return ad.status().WithContext(label);
  Result<std::string> opened =
      OpenBytes(key, scope.nonce, AsBytes(*ad),
                {reinterpret_cast<const uint8_t*>(scope.data.data()), scope.data.size()});
  if (!opened.ok()) {
    return opened.status().WithContext(label + " (key version " +
                                       std::to_string(scope.key_version) + ")");
  }
  return opened;
}

BoxKeyPair BoxKeyPair::Generate() {
  BoxKeyPair pair;
  crypto_box_keypair(pair.public_key.data(), pair.secret_key.data());
  return pair;
}

BoxKeyPair BoxKeyPair::FromSeed(std::span<const uint8_t, 32> seed) {
  BoxKeyPair pair;
  crypto_box_seed_keypair(pair.public_key.data(), pair.secret_key.data(), seed.data());
  return pair;
}

BoxKeyPair BoxKeyPair::FromSigningKey(const KeyPair& key) {
  BoxKeyPair pair;
  crypto_sign_ed25519_sk_to_curve25519(pair.secret_key.data(), key.secret_key.data());
  crypto_scalarmult_base(pair.public_key.data(), pair.secret_key.data());
  return pair;
}

Result<BoxPublicKey> BoxPublicKeyOf(const PublicKey& ed25519_public_key) {
  BoxPublicKey out;
  if (crypto_sign_ed25519_pk_to_curve25519(out.data(), ed25519_public_key.data()) != 0) {
    return Status::InvalidArgument("not a valid ed25519 public key (cannot map it to X25519)");
  }
  return out;
}

WrappedKey WrapKey(std::span<const uint8_t, kSymmetricKeyBytes> key,
                   const BoxPublicKey& recipient) {
  static_assert(kWrappedKeyBytes == kSymmetricKeyBytes + crypto_box_SEALBYTES);
  WrappedKey out;
  crypto_box_seal(out.data(), key.data(), key.size(), recipient.data());
  return out;
}

Result<ScopeKey> UnwrapKey(const WrappedKey& wrapped, const BoxKeyPair& recipient) {
  ScopeKey key;
  if (crypto_box_seal_open(key.data(), wrapped.data(), wrapped.size(), recipient.public_key.data(),
                           recipient.secret_key.data()) != 0) {
    return Status::PermissionDenied(
        "wrapped key does not open with this X25519 key (wrapped for another key, or altered)");
  }
  return key;
}

}  // namespace ddc
