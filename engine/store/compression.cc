#include "engine/store/compression.h"

#include <zstd.h>

#include <array>
#include <memory>

namespace ddc {
namespace {

// zstd level 1: the fastest standard level; ingest speed matters more than the last few %.
constexpr int kZstdLevel = 1;
// The sample looks at this many bytes spread over the value.
constexpr size_t kSampleBytes = 128;
// More distinct byte values than this in the sample looks like random or sealed data
// (uniform bytes show ~101 distinct values in 128 samples; text and JSON show 20 to 50).
constexpr int kMaxDistinctInSample = 72;

struct CctxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DctxDeleter {
  void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
};

bool LooksCompressible(std::span<const uint8_t> in) {
  std::array<uint8_t, 256> seen{};
  int distinct = 0;
  const size_t step = in.size() / kSampleBytes;
  for (size_t i = 0; i < kSampleBytes; ++i) {
    const uint8_t b = in[i * step];
    distinct += seen[b] == 0 ? 1 : 0;
    seen[b] = 1;
  }
  return distinct <= kMaxDistinctInSample;
}

}  // namespace

bool MaybeCompress(std::span<const uint8_t> in, std::string* out) {
  if (in.size() < kMinCompressBytes || !LooksCompressible(in)) return false;
  // One context per thread: contexts are costly to create and not thread-safe.
  thread_local std::unique_ptr<ZSTD_CCtx, CctxDeleter> cctx(ZSTD_createCCtx());
  if (cctx == nullptr) return false;
  const size_t limit = in.size() - in.size() / 8;
  out->resize(ZSTD_compressBound(in.size()));
  const size_t n =
      ZSTD_compressCCtx(cctx.get(), out->data(), out->size(), in.data(), in.size(), kZstdLevel);
  if (ZSTD_isError(n) || n > limit) return false;
  out->resize(n);
  return true;
}

Status Decompress(std::span<const uint8_t> in, uint32_t raw_length, std::string* out) {
  thread_local std::unique_ptr<ZSTD_DCtx, DctxDeleter> dctx(ZSTD_createDCtx());
  if (dctx == nullptr) return Status::IOError("zstd: cannot allocate a decompression context");
  out->resize(raw_length);
  const size_t n = ZSTD_decompressDCtx(dctx.get(), out->data(), out->size(), in.data(), in.size());
  if (ZSTD_isError(n)) {
    return Status::Corruption(std::string("zstd: ") + ZSTD_getErrorName(n));
  }
  if (n != raw_length) {
    return Status::Corruption("zstd: value expands to " + std::to_string(n) +
                              " bytes, header says " + std::to_string(raw_length));
  }
  return Status::OK();
}

}  // namespace ddc
