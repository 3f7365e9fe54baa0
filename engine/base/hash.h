// Hash functions used by the formats: XXH3-64 for record and file checksums (fast, not
// cryptographic) and BLAKE2b-256 for content addresses (libsodium's crypto_generichash).
#ifndef DDC_ENGINE_BASE_HASH_H_
#define DDC_ENGINE_BASE_HASH_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace ddc {

uint64_t Xxh3(std::span<const uint8_t> data);
uint64_t Xxh3(const void* data, size_t size);

// Incremental XXH3-64 over several pieces; equal to Xxh3 of their concatenation.
class Xxh3Stream {
 public:
  Xxh3Stream();
  ~Xxh3Stream();
  Xxh3Stream(const Xxh3Stream&) = delete;
  Xxh3Stream& operator=(const Xxh3Stream&) = delete;
  void Update(const void* data, size_t size);
  uint64_t Digest() const;

 private:
  void* state_;
};

std::array<uint8_t, 32> Blake2b256(std::span<const uint8_t> data);

// Fills `out` with cryptographically random bytes (libsodium randombytes_buf).
void RandomBytes(std::span<uint8_t> out);

}  // namespace ddc

#endif  // DDC_ENGINE_BASE_HASH_H_
