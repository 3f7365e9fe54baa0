// Deterministic blob contents shared by the crash harness parent and child.
#ifndef DDC_TESTS_STORE_CRASH_BLOB_H_
#define DDC_TESTS_STORE_CRASH_BLOB_H_

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace ddc::test {

// The tag every blob starts with: "#<i>;". The ';' ends the digits, so the parent can tell
// which blob any record is, whatever bytes follow.
inline std::string CrashBlobTag(uint64_t i) { return "#" + std::to_string(i) + ";"; }

// Blob i of a run with `seed`: its tag plus 0 to ~40 KiB, half compressible text, half random
// bytes. Every blob is distinct (the tag), so each acknowledged put is a new record.
inline std::string CrashBlobBytes(uint64_t seed, uint64_t i) {
  std::mt19937_64 rng(seed * 1000003u + i);
  const std::string tag = CrashBlobTag(i);
  const size_t size = tag.size() + rng() % (i % 7 == 0 ? 40000 : 3000);
  std::string out(size, '\0');
  if (rng() % 2 == 0) {
    for (size_t k = 0; k < size; ++k) out[k] = static_cast<char>('a' + (rng() % 4));
  } else {
    for (size_t k = 0; k < size; ++k) out[k] = static_cast<char>(rng());
  }
  out.replace(0, tag.size(), tag);
  return out;
}

// The index in the tag at the front of `bytes`; false when there is no well-formed tag.
inline bool ParseCrashBlobTag(std::string_view bytes, uint64_t* i) {
  if (bytes.size() < 3 || bytes[0] != '#') return false;
  uint64_t v = 0;
  for (size_t k = 1; k < bytes.size() && k <= 20; ++k) {
    const char c = bytes[k];
    if (c == ';') {
      if (k == 1) return false;
      *i = v;
      return true;
    }
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return false;
}

}  // namespace ddc::test

#endif  // DDC_TESTS_STORE_CRASH_BLOB_H_
