#include "engine/base/hash.h"

// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, which is slower for
// short inputs (see Sha256 below).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <sodium.h>
#define XXH_STATIC_LINKING_ONLY  // For XXH3_state_t on the stack.
#include <xxhash.h>

#include <cstdlib>

namespace ddc {

void EnsureSodium() {
  // sodium_init() is idempotent and thread-safe; a function-local static calls it once.
  static const bool initialized = [] {
    if (sodium_init() < 0) std::abort();  // No usable randomness source.
    return true;
  }();
  (void)initialized;
}

uint64_t Xxh3(std::span<const uint8_t> data) { return XXH3_64bits(data.data(), data.size()); }
uint64_t Xxh3(const void* data, size_t size) { return XXH3_64bits(data, size); }

uint64_t Xxh3Concat(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (b.empty()) return XXH3_64bits(a.data(), a.size());
  if (a.empty()) return XXH3_64bits(b.data(), b.size());
  if (a.data() + a.size() == b.data()) return XXH3_64bits(a.data(), a.size() + b.size());
  XXH3_state_t state;
  XXH3_INITSTATE(&state);
  XXH3_64bits_reset(&state);
  XXH3_64bits_update(&state, a.data(), a.size());
  XXH3_64bits_update(&state, b.data(), b.size());
  return XXH3_64bits_digest(&state);
}

std::array<uint8_t, 32> Blake2b256(std::span<const uint8_t> data) {
  EnsureSodium();
  std::array<uint8_t, 32> out;
  crypto_generichash(out.data(), out.size(), data.data(), data.size(), nullptr, 0);
  return out;
}

std::array<uint8_t, 32> Sha256(std::initializer_list<std::span<const uint8_t>> parts) {
  // The low-level interface: it calls the assembly directly, where the EVP one looks the
  // algorithm up on every call (several times slower on the 65-byte inputs of tree nodes).
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  for (std::span<const uint8_t> p : parts) SHA256_Update(&ctx, p.data(), p.size());
  std::array<uint8_t, 32> out;
  SHA256_Final(out.data(), &ctx);
  return out;
}

void RandomBytes(std::span<uint8_t> out) {
  EnsureSodium();
  randombytes_buf(out.data(), out.size());
}

}  // namespace ddc
