// Shared helpers for the test suite.
#ifndef DDC_TESTS_TEST_UTIL_H_
#define DDC_TESTS_TEST_UTIL_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ddc/status.h"

namespace ddc::test {

// A fresh, empty directory under $TMPDIR (or /tmp), removed with everything in it on
// destruction unless DDC_KEEP_TEST_DIRS is set in the environment.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Deterministic pseudo-random bytes.
std::vector<uint8_t> RandomBytes(std::mt19937_64& rng, size_t n);
std::string RandomString(std::mt19937_64& rng, size_t n);

// A seed for randomized tests: $DDC_TEST_SEED if set, else from the clock. Tests print it with
// SCOPED_TRACE so that a failure can be replayed.
uint64_t TestSeed();

}  // namespace ddc::test

#define ASSERT_OK(expr)                            \
  do {                                             \
    const ::ddc::Status ddc_s_ = (expr);           \
    ASSERT_TRUE(ddc_s_.ok()) << ddc_s_.ToString(); \
  } while (0)
#define EXPECT_OK(expr)                            \
  do {                                             \
    const ::ddc::Status ddc_s_ = (expr);           \
    EXPECT_TRUE(ddc_s_.ok()) << ddc_s_.ToString(); \
  } while (0)

#endif  // DDC_TESTS_TEST_UTIL_H_
