// Little-endian fixed-width encoding and unsigned LEB128 varints for on-disk and wire formats.
// Leaf functions: pure, no allocation, no I/O.
#ifndef DDC_ENGINE_BASE_CODING_H_
#define DDC_ENGINE_BASE_CODING_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace ddc {

inline void EncodeFixed16(uint8_t* dst, uint16_t v) {
  dst[0] = static_cast<uint8_t>(v);
  dst[1] = static_cast<uint8_t>(v >> 8);
}
inline void EncodeFixed32(uint8_t* dst, uint32_t v) {
  for (int i = 0; i < 4; ++i) dst[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline void EncodeFixed64(uint8_t* dst, uint64_t v) {
  for (int i = 0; i < 8; ++i) dst[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline uint16_t DecodeFixed16(const uint8_t* src) {
  return static_cast<uint16_t>(src[0] | (src[1] << 8));
}
inline uint32_t DecodeFixed32(const uint8_t* src) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | src[i];
  return v;
}
inline uint64_t DecodeFixed64(const uint8_t* src) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | src[i];
  return v;
}

inline constexpr size_t kMaxVarint64Bytes = 10;

// Writes `v` as an unsigned varint at dst (room for kMaxVarint64Bytes); returns bytes written.
inline size_t EncodeVarint64(uint8_t* dst, uint64_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    dst[n++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  dst[n++] = static_cast<uint8_t>(v);
  return n;
}

// Decodes a minimal (canonical) unsigned varint from the front of `src`. Returns the number of
// bytes consumed, or 0 when the input is truncated, longer than 9 bytes (the multiformats
// limit) or not minimally encoded.
inline size_t DecodeVarint64(std::span<const uint8_t> src, uint64_t* v) {
  uint64_t result = 0;
  for (size_t i = 0; i < src.size() && i < 9; ++i) {
    uint64_t byte = src[i];
    result |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      if (byte == 0 && i > 0) return 0;  // Trailing zero group: not minimal.
      *v = result;
      return i + 1;
    }
  }
  return 0;
}

}  // namespace ddc

#endif  // DDC_ENGINE_BASE_CODING_H_
