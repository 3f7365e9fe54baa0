// RFC 4648 section 4 base64 (the standard alphabet "A-Za-z0-9+/", padded with '='), as signed
// notes and checkpoints write root hashes, signatures and verifier keys.
//
// Decoding is strict so that every byte string has exactly one accepted encoding: the length
// must be a multiple of 4, every character must be in the alphabet, '=' may only pad the last
// group (one or two of them), and the unused low bits of the last data character must be zero.
// No whitespace or line breaks are skipped. Leaf functions: pure and thread-safe.
#ifndef DDC_ENGINE_TIMELINE_BASE64_H_
#define DDC_ENGINE_TIMELINE_BASE64_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/status.h"

namespace ddc::timeline {

// Characters Base64Encode produces for `n` bytes: 4 * ceil(n / 3).
constexpr size_t Base64EncodedSize(size_t n) { return (n + 2) / 3 * 4; }

// Appends the padded encoding of `data` to `*out`.
void Base64Append(std::span<const uint8_t> data, std::string* out);
std::string Base64Encode(std::span<const uint8_t> data);

// The bytes `text` encodes, or InvalidArgument "base64: ..." naming the first fault and its
// position (a character outside the alphabet, misplaced or excess padding, a length that is
// not a multiple of 4, non-zero padding bits).
Result<std::vector<uint8_t>> Base64Decode(std::string_view text);

}  // namespace ddc::timeline

#endif  // DDC_ENGINE_TIMELINE_BASE64_H_
