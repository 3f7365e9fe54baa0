#include "engine/base/base32.h"

#include <array>
#include <cassert>

namespace ddc {
namespace {

constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
static_assert(sizeof(kAlphabet) == 32 + 1);

constexpr uint8_t kInvalid = 0xff;

// Maps a character to its 5-bit value, or kInvalid. Built at compile time from kAlphabet so the
// two tables cannot disagree.
constexpr std::array<uint8_t, 256> MakeDecodeTable() {
  std::array<uint8_t, 256> table{};
  for (uint8_t& v : table) v = kInvalid;
  for (uint8_t i = 0; i < 32; ++i) table[static_cast<uint8_t>(kAlphabet[i])] = i;
  return table;
}
constexpr std::array<uint8_t, 256> kDecodeTable = MakeDecodeTable();

}  // namespace

void Base32Append(std::span<const uint8_t> data, std::string* out) {
  out->reserve(out->size() + Base32EncodedSize(data.size()));
  // `buffer` holds `bits` not yet emitted bits in its low end; it never exceeds 12 bits.
  uint32_t buffer = 0;
  int bits = 0;
  for (uint8_t byte : data) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out->push_back(kAlphabet[(buffer >> bits) & 0x1f]);
    }
    buffer &= (1u << bits) - 1;
  }
  // The last partial group is padded with zero bits on the right (RFC 4648 section 6).
  if (bits > 0) out->push_back(kAlphabet[(buffer << (5 - bits)) & 0x1f]);
}

std::string Base32Encode(std::span<const uint8_t> data) {
  std::string out;
  Base32Append(data, &out);
  return out;
}

Base32DecodeResult Base32Decode(std::string_view text, std::span<uint8_t> out) {
  assert(out.size() >= Base32DecodedSize(text.size()));
  Base32DecodeResult result;
  // `buffer` holds `bits` not yet written bits in its low end; it never exceeds 12 bits.
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const uint8_t value = kDecodeTable[static_cast<uint8_t>(text[i])];
    if (value == kInvalid) {
      result.error = Base32DecodeResult::Error::kInvalidCharacter;
      result.position = i;
      return result;
    }
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      // Cannot overflow `out`: a full byte comes out at most floor(5 * (i + 1) / 8) times.
      out[result.size++] = static_cast<uint8_t>(buffer >> bits);
      buffer &= (1u << bits) - 1;
    }
  }
  // Leftover bits are the zero padding of the last character. Five or more means a whole
  // character carried no byte: a length the encoder never produces.
  if (bits >= 5) {
    result.error = Base32DecodeResult::Error::kInvalidLength;
    result.position = text.size();
    return result;
  }
  if (buffer != 0) {
    result.error = Base32DecodeResult::Error::kNonZeroTrailingBits;
    result.position = text.size() - 1;
    return result;
  }
  assert(result.size == Base32DecodedSize(text.size()));
  return result;
}

}  // namespace ddc
