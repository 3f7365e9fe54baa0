// RFC 4648 section 6 base32 with the lower-case alphabet "abcdefghijklmnopqrstuvwxyz234567" and
// no '=' padding: the multibase 'b' encoding that CIDv1 strings use.
//
// Decoding is strict so that every byte string has exactly one accepted encoding: it rejects
// characters outside the alphabet (upper case and '=' included), lengths that no encoding
// produces (1, 3 or 6 characters left over after the last full group of 8), and non-zero bits
// in the unused low end of the last character. Leaf functions: pure, no I/O, and Base32Decode
// does not allocate.
#ifndef DDC_ENGINE_BASE_BASE32_H_
#define DDC_ENGINE_BASE_BASE32_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ddc {

// Characters Base32Encode produces for `n` bytes: ceil(8n / 5).
constexpr size_t Base32EncodedSize(size_t n) { return (n * 8 + 4) / 5; }
// Bytes that `n` characters decode to when the length is valid: floor(5n / 8).
constexpr size_t Base32DecodedSize(size_t n) { return n * 5 / 8; }

// Appends the encoding of `data` to `*out`.
void Base32Append(std::span<const uint8_t> data, std::string* out);
std::string Base32Encode(std::span<const uint8_t> data);

// What Base32Decode found. On failure, `position` is the index in the input of the character
// at fault, so that callers can point at it in their own terms (a CID parser adds 1 for its
// multibase prefix).
struct Base32DecodeResult {
  enum class Error : uint8_t {
    kNone,
    // text[position] is not in the alphabet.
    kInvalidCharacter,
    // The length leaves 1, 3 or 6 characters after the last full group of 8, which carry too
    // few bits for another byte; no encoder emits that. `position` is text.size().
    kInvalidLength,
    // The last character, text[position], has non-zero bits below the last whole byte; the
    // canonical encoding pads them with zeros.
    kNonZeroTrailingBits,
  };

  Error error = Error::kNone;
  size_t position = 0;
  // Bytes written to the output; Base32DecodedSize(text.size()) on success, else unspecified.
  size_t size = 0;

  bool ok() const { return error == Error::kNone; }
};

// Decodes `text` into the front of `out`.
// REQUIRES: out.size() >= Base32DecodedSize(text.size()).
[[nodiscard]] Base32DecodeResult Base32Decode(std::string_view text, std::span<uint8_t> out);

}  // namespace ddc

#endif  // DDC_ENGINE_BASE_BASE32_H_
