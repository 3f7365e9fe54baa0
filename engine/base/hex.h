// Hexadecimal of bytes (lower case out; either case in), for messages, names and tools.
#ifndef DDC_ENGINE_BASE_HEX_H_
#define DDC_ENGINE_BASE_HEX_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ddc {

inline std::string Hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

// Fills `out` from exactly 2 * out.size() hex digits of either case; false (with `out` partly
// written) for any other length or character.
inline bool ParseHex(std::string_view hex, std::span<uint8_t> out) {
  if (hex.size() != out.size() * 2) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

}  // namespace ddc

#endif  // DDC_ENGINE_BASE_HEX_H_
