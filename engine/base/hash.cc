#include "engine/base/hash.h"

#include <sodium.h>
#include <xxhash.h>

#include <cstdlib>

namespace ddc {
namespace {

// sodium_init() is idempotent and thread-safe; calling it once per process before the first
// use is all libsodium asks.
struct SodiumInit {
  SodiumInit() {
    if (sodium_init() < 0) std::abort();
  }
};
void EnsureSodium() { static SodiumInit init; }

}  // namespace

uint64_t Xxh3(std::span<const uint8_t> data) { return XXH3_64bits(data.data(), data.size()); }
uint64_t Xxh3(const void* data, size_t size) { return XXH3_64bits(data, size); }

Xxh3Stream::Xxh3Stream() : state_(XXH3_createState()) {
  if (state_ == nullptr) std::abort();
  XXH3_64bits_reset(static_cast<XXH3_state_t*>(state_));
}
Xxh3Stream::~Xxh3Stream() { XXH3_freeState(static_cast<XXH3_state_t*>(state_)); }
void Xxh3Stream::Update(const void* data, size_t size) {
  XXH3_64bits_update(static_cast<XXH3_state_t*>(state_), data, size);
}
uint64_t Xxh3Stream::Digest() const {
  return XXH3_64bits_digest(static_cast<const XXH3_state_t*>(state_));
}

std::array<uint8_t, 32> Blake2b256(std::span<const uint8_t> data) {
  EnsureSodium();
  std::array<uint8_t, 32> out;
  crypto_generichash(out.data(), out.size(), data.data(), data.size(), nullptr, 0);
  return out;
}

void RandomBytes(std::span<uint8_t> out) {
  EnsureSodium();
  randombytes_buf(out.data(), out.size());
}

}  // namespace ddc
