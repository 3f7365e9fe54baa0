// Reading the known-answer files in tests/vectors/: hex helpers and a deliberately tiny JSON
// reader that collects every `"key": "string"` and `"key": number` pair, at any depth, into one
// flat map. The vector files are written for it: keys are unique across the file, and values
// are strings of hex or plain numbers.
#ifndef DDC_TESTS_LOG_VECTOR_FILE_H_
#define DDC_TESTS_LOG_VECTOR_FILE_H_

#include <cctype>
#include <cstdint>
#include <fstream>
#include <map>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#ifndef DDC_SOURCE_DIR
#error "DDC_SOURCE_DIR must name the source root (tests/CMakeLists.txt defines it)"
#endif

namespace ddc::test {

inline std::string ToHex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

// Decodes lower- or upper-case hex; returns false on an odd length or a non-hex character.
inline bool FromHex(std::string_view hex, std::vector<uint8_t>* out) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return false;
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<uint8_t>(hi << 4 | lo));
  }
  return true;
}

// The contents of DDC_SOURCE_DIR/tests/vectors/<name>, or "" when it cannot be read.
inline std::string ReadVectorFile(const std::string& name) {
  std::ifstream in(std::string(DDC_SOURCE_DIR) + "/tests/vectors/" + name, std::ios::binary);
  if (!in) return "";
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every "key": "string" and "key": number pair of `json`, nested objects flattened.
inline std::map<std::string, std::string> FlatJsonFields(std::string_view json) {
  std::map<std::string, std::string> fields;
  size_t i = 0;
  auto skip_space = [&] {
    while (i < json.size() && std::isspace(static_cast<unsigned char>(json[i])) != 0) ++i;
  };
  // Reads the string starting at json[i] == '"'; escapes keep the escaped character.
  auto read_string = [&] {
    std::string s;
    for (++i; i < json.size() && json[i] != '"'; ++i) {
      if (json[i] == '\\' && i + 1 < json.size()) ++i;
      s.push_back(json[i]);
    }
    ++i;  // The closing quote.
    return s;
  };
  while (i < json.size()) {
    if (json[i] != '"') {
      ++i;
      continue;
    }
    std::string key = read_string();
    skip_space();
    if (i >= json.size() || json[i] != ':') continue;  // A string that is not a key.
    ++i;
    skip_space();
    if (i < json.size() && json[i] == '"') {
      fields[key] = read_string();
    } else {
      const size_t start = i;
      while (i < json.size() &&
             (std::isdigit(static_cast<unsigned char>(json[i])) != 0 || json[i] == '-')) {
        ++i;
      }
      if (i > start) fields[key] = std::string(json.substr(start, i - start));
    }
  }
  return fields;
}

}  // namespace ddc::test

#endif  // DDC_TESTS_LOG_VECTOR_FILE_H_
