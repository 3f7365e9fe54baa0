// Lower-case hexadecimal of bytes, for messages, names and tools.
#ifndef DDC_ENGINE_BASE_HEX_H_
#define DDC_ENGINE_BASE_HEX_H_

#include <cstdint>
#include <span>
#include <string>

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

}  // namespace ddc

#endif  // DDC_ENGINE_BASE_HEX_H_
