#include "tests/test_util.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace ddc::test {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/ddc-test-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + tmpl);
  path_ = tmpl;
}

TempDir::~TempDir() {
  if (std::getenv("DDC_KEEP_TEST_DIRS") != nullptr) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::vector<uint8_t> RandomBytes(std::mt19937_64& rng, size_t n) {
  std::vector<uint8_t> out(n);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t v = rng();
    for (int b = 0; b < 8; ++b)
      out[i + static_cast<size_t>(b)] = static_cast<uint8_t>(v >> (8 * b));
  }
  for (; i < n; ++i) out[i] = static_cast<uint8_t>(rng());
  return out;
}

std::string RandomString(std::mt19937_64& rng, size_t n) {
  auto bytes = RandomBytes(rng, n);
  return std::string(bytes.begin(), bytes.end());
}

uint64_t TestSeed() {
  if (const char* s = std::getenv("DDC_TEST_SEED"); s != nullptr)
    return std::strtoull(s, nullptr, 10);
  return static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

}  // namespace ddc::test
