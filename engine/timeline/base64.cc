#include "engine/timeline/base64.h"

#include <array>

namespace ddc::timeline {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Maps a character to its 6-bit value, or -1 when it is not in the alphabet ('=' included).
constexpr std::array<int8_t, 256> MakeDecodeTable() {
  std::array<int8_t, 256> table{};
  for (int8_t& v : table) v = -1;
  for (size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
  }
  return table;
}
constexpr std::array<int8_t, 256> kDecode = MakeDecodeTable();

std::string Describe(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7f) return std::string("'") + c + "'";
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string("byte 0x") + kHex[u >> 4] + kHex[u & 15];
}

Status Fault(const std::string& what, size_t position) {
  return Status::InvalidArgument("base64: " + what + " at position " + std::to_string(position));
}

}  // namespace

void Base64Append(std::span<const uint8_t> data, std::string* out) {
  out->reserve(out->size() + Base64EncodedSize(data.size()));
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const uint32_t v = uint32_t{data[i]} << 16 | uint32_t{data[i + 1]} << 8 | data[i + 2];
    out->push_back(kAlphabet[v >> 18]);
    out->push_back(kAlphabet[(v >> 12) & 63]);
    out->push_back(kAlphabet[(v >> 6) & 63]);
    out->push_back(kAlphabet[v & 63]);
  }
  const size_t rest = data.size() - i;
  if (rest == 1) {
    const uint32_t v = uint32_t{data[i]} << 16;
    out->push_back(kAlphabet[v >> 18]);
    out->push_back(kAlphabet[(v >> 12) & 63]);
    out->append("==");
  } else if (rest == 2) {
    const uint32_t v = uint32_t{data[i]} << 16 | uint32_t{data[i + 1]} << 8;
    out->push_back(kAlphabet[v >> 18]);
    out->push_back(kAlphabet[(v >> 12) & 63]);
    out->push_back(kAlphabet[(v >> 6) & 63]);
    out->push_back('=');
  }
}

std::string Base64Encode(std::span<const uint8_t> data) {
  std::string out;
  Base64Append(data, &out);
  return out;
}

Result<std::vector<uint8_t>> Base64Decode(std::string_view text) {
  // Padding: at most two '=' and only at the very end.
  size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  const size_t data_chars = text.size() - pad;
  for (size_t i = 0; i < data_chars; ++i) {
    if (kDecode[static_cast<uint8_t>(text[i])] < 0) {
      if (text[i] == '=') return Fault("padding '=' before the end", i);
      return Fault(Describe(text[i]) + " is not in the alphabet", i);
    }
  }
  if (text.size() % 4 != 0) {
    return Fault("length " + std::to_string(text.size()) + " is not a multiple of 4", text.size());
  }
  std::vector<uint8_t> out;
  out.reserve(data_chars * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < data_chars; ++i) {
    acc = (acc << 6) | static_cast<uint32_t>(kDecode[static_cast<uint8_t>(text[i])]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  // With a length that is a multiple of 4 and at most two '=', 2 or 4 bits are left over when
  // padding was used; an encoder always leaves them zero.
  if (acc != 0) return Fault("non-zero padding bits in the last character", data_chars - 1);
  return out;
}

}  // namespace ddc::timeline
