// Helpers shared by the tests that run the built `ddc` binary (cli_*_test.cc): what a run
// produced, and whole-file reads and writes.
#ifndef DDC_TESTS_STORE_CLI_TEST_UTIL_H_
#define DDC_TESTS_STORE_CLI_TEST_UTIL_H_

#include <fstream>
#include <iterator>
#include <string>

namespace ddc::test {

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline void Spit(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

// `s` without trailing newlines and spaces.
inline std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace ddc::test

#endif  // DDC_TESTS_STORE_CLI_TEST_UTIL_H_
