#include "engine/chain/scale.h"

#include <algorithm>
#include <bit>
#include <utility>

#include "engine/base/coding.h"

namespace ddc::chain {

void ScaleWriter::U16(uint16_t v) {
  uint8_t b[2];
  EncodeFixed16(b, v);
  Raw(std::span<const uint8_t>(b, 2));
}

void ScaleWriter::U32(uint32_t v) {
  uint8_t b[4];
  EncodeFixed32(b, v);
  Raw(std::span<const uint8_t>(b, 4));
}

void ScaleWriter::U64(uint64_t v) {
  uint8_t b[8];
  EncodeFixed64(b, v);
  Raw(std::span<const uint8_t>(b, 8));
}

void ScaleWriter::U128(uint64_t low) {
  U64(low);
  U64(0);
}

void ScaleWriter::Compact(uint64_t v) {
  if (v < (1u << 6)) {
    U8(static_cast<uint8_t>(v << 2));
  } else if (v < (1u << 14)) {
    U16(static_cast<uint16_t>((v << 2) | 0b01));
  } else if (v < (1u << 30)) {
    U32(static_cast<uint32_t>((v << 2) | 0b10));
  } else {
    const int bytes = (64 - std::countl_zero(v) + 7) / 8;  // 4..8
    U8(static_cast<uint8_t>(((bytes - 4) << 2) | 0b11));
    for (int i = 0; i < bytes; ++i) U8(static_cast<uint8_t>(v >> (8 * i)));
  }
}

void ScaleWriter::Raw(std::span<const uint8_t> bytes) {
  out_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void ScaleWriter::Raw(std::string_view bytes) { out_.append(bytes); }

void ScaleWriter::Bytes(std::span<const uint8_t> bytes) {
  Compact(bytes.size());
  Raw(bytes);
}

void ScaleWriter::Bytes(std::string_view bytes) {
  Compact(bytes.size());
  Raw(bytes);
}

void ScaleReader::Fail(const std::string& what) {
  if (status_.ok()) {
    status_ = Status::InvalidArgument("scale: " + what + " at byte " + std::to_string(offset_));
  }
}

std::span<const uint8_t> ScaleReader::Raw(size_t n) {
  if (!ok()) return {};
  if (n > remaining()) {
    Fail("truncated: " + std::to_string(n) + " bytes wanted, " + std::to_string(remaining()) +
         " left");
    return {};
  }
  auto out = in_.subspan(offset_, n);
  offset_ += n;
  return out;
}

uint8_t ScaleReader::U8() {
  const auto b = Raw(1);
  return b.empty() ? 0 : b[0];
}

bool ScaleReader::Bool() {
  const uint8_t b = U8();
  if (b > 1) Fail("bool byte " + std::to_string(b));
  return b == 1;
}

uint16_t ScaleReader::U16() {
  const auto b = Raw(2);
  return b.empty() ? 0 : DecodeFixed16(b.data());
}

uint32_t ScaleReader::U32() {
  const auto b = Raw(4);
  return b.empty() ? 0 : DecodeFixed32(b.data());
}

uint64_t ScaleReader::U64() {
  const auto b = Raw(8);
  return b.empty() ? 0 : DecodeFixed64(b.data());
}

uint64_t ScaleReader::U128() {
  const uint64_t low = U64();
  const uint64_t high = U64();
  if (high != 0) Fail("u128 above 2^64 - 1");
  return ok() ? low : 0;
}

uint64_t ScaleReader::Compact(uint64_t max) {
  const size_t start = offset_;
  const uint8_t first = U8();
  if (!ok()) return 0;
  uint64_t v = 0;
  uint64_t least = 0;  // The smallest value this mode may carry (shortest-form rule).
  switch (first & 0b11) {
    case 0b00:
      v = first >> 2;
      break;
    case 0b01: {
      const auto b = Raw(1);
      if (b.empty()) return 0;
      v = (first | (static_cast<uint64_t>(b[0]) << 8)) >> 2;
      least = 1u << 6;
      break;
    }
    case 0b10: {
      const auto b = Raw(3);
      if (b.empty()) return 0;
      v = (first | (static_cast<uint64_t>(b[0]) << 8) | (static_cast<uint64_t>(b[1]) << 16) |
           (static_cast<uint64_t>(b[2]) << 24)) >>
          2;
      least = 1u << 14;
      break;
    }
    default: {
      const size_t n = static_cast<size_t>(first >> 2) + 4;
      const auto b = Raw(n);
      if (b.empty()) return 0;
      for (size_t i = 8; i < n; ++i) {
        if (b[i] != 0) {
          offset_ = start;
          Fail("compact integer wider than 64 bits");
          return 0;
        }
      }
      for (size_t i = 0; i < std::min<size_t>(n, 8); ++i)
        v |= static_cast<uint64_t>(b[i]) << (8 * i);
      if (b[n - 1] == 0 || n > 8) {
        offset_ = start;
        Fail("compact integer not in its shortest form");
        return 0;
      }
      least = 1u << 30;
      break;
    }
  }
  if (v < least) {
    offset_ = start;
    Fail("compact integer not in its shortest form");
    return 0;
  }
  if (v > max) {
    offset_ = start;
    Fail("compact integer " + std::to_string(v) + " above " + std::to_string(max));
    return 0;
  }
  return v;
}

std::span<const uint8_t> ScaleReader::Bytes(size_t max) {
  const uint64_t n = Compact(max);
  if (!ok()) return {};
  return Raw(static_cast<size_t>(n));
}

Status ScaleReader::Finish(std::string_view what) {
  if (!ok()) return Status::InvalidArgument(std::string(what) + ": " + status_.message());
  if (!done()) {
    return Status::InvalidArgument(std::string(what) + ": " + std::to_string(remaining()) +
                                   " trailing bytes");
  }
  return Status::OK();
}

}  // namespace ddc::chain
