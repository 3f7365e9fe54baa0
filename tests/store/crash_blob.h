// Deterministic blob contents shared by the crash harness parent and child.
#ifndef DDC_TESTS_STORE_CRASH_BLOB_H_
#define DDC_TESTS_STORE_CRASH_BLOB_H_

#include <cstdint>
#include <random>
#include <string>

namespace ddc::test {

// Blob i of a run with `seed`: 1 byte to ~40 KiB, half compressible text, half random bytes.
inline std::string CrashBlobBytes(uint64_t seed, uint64_t i) {
  std::mt19937_64 rng(seed * 1000003u + i);
  const size_t size = 1 + rng() % (i % 7 == 0 ? 40000 : 3000);
  std::string out(size, '\0');
  if (rng() % 2 == 0) {
    for (size_t k = 0; k < size; ++k) out[k] = static_cast<char>('a' + (rng() % 4));
  } else {
    for (size_t k = 0; k < size; ++k) out[k] = static_cast<char>(rng());
  }
  // Make every blob distinct so each acknowledged put is a new record.
  const std::string tag = "#" + std::to_string(i);
  out.replace(0, std::min(tag.size(), size), tag.substr(0, std::min(tag.size(), size)));
  return out;
}

}  // namespace ddc::test

#endif  // DDC_TESTS_STORE_CRASH_BLOB_H_
