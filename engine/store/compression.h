// zstd compression of record values: used only where it pays.
#ifndef DDC_ENGINE_STORE_COMPRESSION_H_
#define DDC_ENGINE_STORE_COMPRESSION_H_

#include <cstdint>
#include <span>
#include <string>

#include "ddc/status.h"

namespace ddc {

// Values shorter than this are never compressed: the frame overhead eats the gain.
inline constexpr size_t kMinCompressBytes = 256;

// Compresses `in` into `out` when a cheap byte-distribution sample suggests it is compressible
// and zstd then saves at least 1/8. Returns false (out untouched) when the value should be
// stored as is.
bool MaybeCompress(std::span<const uint8_t> in, std::string* out);

// Decompresses a frame that must expand to exactly `raw_length` bytes.
Status Decompress(std::span<const uint8_t> in, uint32_t raw_length, std::string* out);

}  // namespace ddc

#endif  // DDC_ENGINE_STORE_COMPRESSION_H_
