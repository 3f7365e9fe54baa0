// Hash functions used by the formats: XXH3-64 for record and file checksums (fast, not
// cryptographic) and BLAKE2b-256 for content addresses (libsodium's crypto_generichash).
#ifndef DDC_ENGINE_BASE_HASH_H_
#define DDC_ENGINE_BASE_HASH_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>

namespace ddc {

uint64_t Xxh3(std::span<const uint8_t> data);
uint64_t Xxh3(const void* data, size_t size);

// XXH3-64 of a || b without copying them together (one pass when they are adjacent in memory;
// otherwise a streaming state on the stack, no allocation).
uint64_t Xxh3Concat(std::span<const uint8_t> a, std::span<const uint8_t> b);

std::array<uint8_t, 32> Blake2b256(std::span<const uint8_t> data);

// out[i] = Blake2b256(inputs[i]) for every i (REQUIRES: out.size() >= inputs.size()). Where the
// CPU has AVX-512, eight messages are hashed side by side in vector lanes, several times the
// throughput of one message at a time on a batch of small blobs; otherwise one by one.
void Blake2b256Many(std::span<const std::span<const uint8_t>> inputs,
                    std::span<std::array<uint8_t, 32>> out);
// Whether Blake2b256Many uses the vector lanes on this CPU (for benchmarks and test notes).
bool Blake2b256ManyUsesLanes();

// SHA-256 of the concatenation of `parts` (OpenSSL, which uses the CPU's SHA instructions; the
// Merkle trees of RFC 9162 and signed-note key IDs are defined over it).
std::array<uint8_t, 32> Sha256(std::initializer_list<std::span<const uint8_t>> parts);

// Runs sodium_init() once per process (thread-safe; aborts if libsodium cannot start). libsodium
// asks for it before any other call: it picks the fastest implementations for this CPU.
void EnsureSodium();

// Fills `out` with cryptographically random bytes (libsodium randombytes_buf).
void RandomBytes(std::span<uint8_t> out);

}  // namespace ddc

#endif  // DDC_ENGINE_BASE_HASH_H_
