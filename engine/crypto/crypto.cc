// Scope key derivation, scope sealing and key wrapping over libsodium. docs/FORMAT.md, "Scope
// keys and sealing", is the specification.
//
// The sealing path allocates only its output: the associated data is built on the stack, and
// nonces come from a per-thread ChaCha20 generator (below) rather than one getrandom(2) system
// call each, which cost about half of sealing a 256-byte scope.
#include "ddc/crypto.h"

#include <pthread.h>
#include <sodium.h>

#include <array>
#include <atomic>
#include <cstring>
#include <mutex>
#include <string>

#include "engine/base/coding.h"
#include "engine/base/hash.h"
#include "engine/base/macros.h"
#include "engine/crypto/scope_name.h"

namespace ddc {
namespace {

constexpr std::string_view kScopeKeyDomain = "ddc-scope-key-v1\n";
constexpr std::string_view kScopeAdDomain = "ddc-scope-ad-v1\n";

// The associated data's largest size: domain, bucket, user, id length, id, name length, name,
// key version, compression.
constexpr size_t kMaxAdBytes =
    kScopeAdDomain.size() + 8 + 32 + 1 + kMaxEventIdBytes + 1 + kMaxScopeNameBytes + 4 + 1;
static_assert(kMaxEventIdBytes <= 255 && kMaxScopeNameBytes <= 255, "one-byte lengths");

const uint8_t* Bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

Status CheckScopeName(std::string_view name) {
  if (!IsValidScopeName(name)) {
    return Status::InvalidArgument("scope name \"" + std::string(name) + "\" is not 1.." +
                                   std::to_string(kMaxScopeNameBytes) + " bytes of [a-z0-9_.-]");
  }
  return Status::OK();
}

// Writes the associated data of `header` into `out`; returns its size.
Result<size_t> WriteAssociatedData(const ScopeHeader& header,
                                   std::array<uint8_t, kMaxAdBytes>* out) {
  if (header.event_id.empty() || header.event_id.size() > kMaxEventIdBytes) {
    return Status::InvalidArgument("scope associated data: event id is " +
                                   std::to_string(header.event_id.size()) + " bytes, want 1.." +
                                   std::to_string(kMaxEventIdBytes));
  }
  DDC_RETURN_IF_ERROR(CheckScopeName(header.scope_name));
  uint8_t* p = out->data();
  std::memcpy(p, kScopeAdDomain.data(), kScopeAdDomain.size());
  p += kScopeAdDomain.size();
  EncodeFixed64(p, header.bucket);
  p += 8;
  std::memcpy(p, header.user.data(), header.user.size());
  p += header.user.size();
  *p++ = static_cast<uint8_t>(header.event_id.size());
  std::memcpy(p, header.event_id.data(), header.event_id.size());
  p += header.event_id.size();
  *p++ = static_cast<uint8_t>(header.scope_name.size());
  std::memcpy(p, header.scope_name.data(), header.scope_name.size());
  p += header.scope_name.size();
  EncodeFixed32(p, header.key_version);
  p += 4;
  *p++ = static_cast<uint8_t>(header.compression);
  return static_cast<size_t>(p - out->data());
}

// Nonces: a ChaCha20 keystream under a per-thread key drawn from the operating system (the
// construction of libsodium's own internal generator), read in 4 KiB blocks, so that a nonce
// costs a copy instead of a system call. A forked child must not repeat its parent's stream:
// fork bumps a generation counter, and a thread whose generation is stale draws a fresh key.
std::atomic<uint64_t> fork_generation{1};

void BumpForkGeneration() { fork_generation.fetch_add(1, std::memory_order_relaxed); }

class NonceSource {
 public:
  ~NonceSource() {
    sodium_memzero(key_.data(), key_.size());
    sodium_memzero(block_.data(), block_.size());
  }

  void Next(std::span<uint8_t, kScopeNonceBytes> out) {
    const uint64_t generation = fork_generation.load(std::memory_order_relaxed);
    if (generation != generation_) Reseed(generation);
    if (used_ + out.size() > block_.size()) Refill();
    std::memcpy(out.data(), block_.data() + used_, out.size());
    used_ += out.size();
  }

 private:
  void Reseed(uint64_t generation) {
    static std::once_flag registered;
    std::call_once(registered, [] { pthread_atfork(nullptr, nullptr, BumpForkGeneration); });
    RandomBytes(key_);
    counter_ = 0;
    used_ = block_.size();
    generation_ = generation;
  }

  void Refill() {
    uint8_t nonce[crypto_stream_chacha20_NONCEBYTES];
    EncodeFixed64(nonce, counter_++);
    crypto_stream_chacha20(block_.data(), block_.size(), nonce, key_.data());
    used_ = 0;
  }

  std::array<uint8_t, crypto_stream_chacha20_KEYBYTES> key_{};
  std::array<uint8_t, 4096 - 4096 % kScopeNonceBytes> block_{};
  uint64_t counter_ = 0;
  size_t used_ = 0;
  uint64_t generation_ = 0;  // 0: never seeded.
};

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
  EnsureSodium();
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
  std::array<uint8_t, kMaxAdBytes> ad;
  DDC_ASSIGN_OR_RETURN(size_t n, WriteAssociatedData(header, &ad));
  return std::string(reinterpret_cast<const char*>(ad.data()), n);
}

ScopeNonce RandomScopeNonce() {
  EnsureSodium();
  thread_local NonceSource source;
  ScopeNonce nonce;
  source.Next(nonce);
  return nonce;
}

std::string SealBytes(const ScopeKey& key, const ScopeNonce& nonce, std::span<const uint8_t> ad,
                      std::span<const uint8_t> plaintext) {
  EnsureSodium();
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
  EnsureSodium();
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

Status SealScopeInto(const ScopeKey& key, const ScopeHeader& header,
                     std::span<const uint8_t> plaintext, Scope* out) {
  std::array<uint8_t, kMaxAdBytes> ad;
  DDC_ASSIGN_OR_RETURN(size_t ad_size, WriteAssociatedData(header, &ad));
  EnsureSodium();
  out->name.assign(header.scope_name);
  out->sealed = true;
  out->key_version = header.key_version;
  out->compression = header.compression;
  out->nonce = RandomScopeNonce();
  out->data.resize(plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<uint8_t*>(out->data.data()), &written,
                                             plaintext.data(), plaintext.size(), ad.data(), ad_size,
                                             nullptr, out->nonce.data(), key.data());
  return Status::OK();
}

Result<Scope> SealScope(const ScopeKey& key, const ScopeHeader& header,
                        std::span<const uint8_t> plaintext) {
  Scope scope;
  DDC_RETURN_IF_ERROR(SealScopeInto(key, header, plaintext, &scope));
  return scope;
}

Status OpenScopeInto(const ScopeKey& key, uint64_t bucket, const PublicKey& user,
                     std::string_view event_id, const Scope& scope, std::string* out) {
  auto label = [&] { return "scope \"" + scope.name + "\""; };
  if (!scope.sealed) return Status::InvalidArgument(label() + " is public, not sealed");
  const ScopeHeader header{bucket,           user, event_id, scope.name, scope.key_version,
                           scope.compression};
  std::array<uint8_t, kMaxAdBytes> ad;
  Result<size_t> ad_size = WriteAssociatedData(header, &ad);
  if (!ad_size.ok()) return ad_size.status().WithContext(label());
  if (scope.data.size() < crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return Status::InvalidArgument(label() + ": sealed data is " +
                                   std::to_string(scope.data.size()) +
                                   " bytes, shorter than the 16-byte tag");
  }
  EnsureSodium();
  out->resize(scope.data.size() - crypto_aead_xchacha20poly1305_ietf_ABYTES);
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<uint8_t*>(out->data()), &written, nullptr,
          reinterpret_cast<const uint8_t*>(scope.data.data()), scope.data.size(), ad.data(),
          *ad_size, scope.nonce.data(), key.data()) != 0) {
    return Status::PermissionDenied(
        label() + " (key version " + std::to_string(scope.key_version) +
        "): does not open: the tag does not verify (wrong key, or ciphertext, nonce or "
        "associated data changed)");
  }
  return Status::OK();
}

Result<std::string> OpenScope(const ScopeKey& key, uint64_t bucket, const PublicKey& user,
                              std::string_view event_id, const Scope& scope) {
  std::string out;
  DDC_RETURN_IF_ERROR(OpenScopeInto(key, bucket, user, event_id, scope, &out));
  return out;
}

BoxKeyPair BoxKeyPair::Generate() {
  EnsureSodium();
  BoxKeyPair pair;
  crypto_box_keypair(pair.public_key.data(), pair.secret_key.data());
  return pair;
}

BoxKeyPair BoxKeyPair::FromSeed(std::span<const uint8_t, 32> seed) {
  EnsureSodium();
  BoxKeyPair pair;
  crypto_box_seed_keypair(pair.public_key.data(), pair.secret_key.data(), seed.data());
  return pair;
}

BoxKeyPair BoxKeyPair::FromSigningKey(const KeyPair& key) {
  EnsureSodium();
  BoxKeyPair pair;
  crypto_sign_ed25519_sk_to_curve25519(pair.secret_key.data(), key.secret_key.data());
  crypto_scalarmult_base(pair.public_key.data(), pair.secret_key.data());
  return pair;
}

Result<BoxPublicKey> BoxPublicKeyOf(const PublicKey& ed25519_public_key) {
  EnsureSodium();
  BoxPublicKey out;
  if (crypto_sign_ed25519_pk_to_curve25519(out.data(), ed25519_public_key.data()) != 0) {
    return Status::InvalidArgument("not a valid ed25519 public key (cannot map it to X25519)");
  }
  return out;
}

WrappedKey WrapKey(std::span<const uint8_t, kSymmetricKeyBytes> key,
                   const BoxPublicKey& recipient) {
  static_assert(kWrappedKeyBytes == kSymmetricKeyBytes + crypto_box_SEALBYTES);
  EnsureSodium();
  WrappedKey out;
  crypto_box_seal(out.data(), key.data(), key.size(), recipient.data());
  return out;
}

Result<ScopeKey> UnwrapKey(const WrappedKey& wrapped, const BoxKeyPair& recipient) {
  EnsureSodium();
  ScopeKey key;
  if (crypto_box_seal_open(key.data(), wrapped.data(), wrapped.size(), recipient.public_key.data(),
                           recipient.secret_key.data()) != 0) {
    return Status::PermissionDenied(
        "wrapped key does not open with this X25519 key (wrapped for another key, or altered)");
  }
  return key;
}

}  // namespace ddc
