// Loading a store with generated blobs, timing only the store's own calls.
#ifndef DDC_BENCH_LOAD_H_
#define DDC_BENCH_LOAD_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bench/peer_stores.h"

namespace ddc::bench {

struct LoadSpec {
  std::string phase;  // For progress lines and error messages.
  uint64_t seed = 0;  // Blob i is FillBlob(seed, i, ...).
  uint64_t count = 0;
  uint32_t batch = 1000;                      // Blobs per PutBatch call.
  uint32_t max_bytes = 0;                     // Largest size_of() result.
  std::function<uint32_t(uint64_t)> size_of;  // Size of blob i.
};

// Puts spec.count generated blobs in batches and returns the seconds spent inside PutBatch
// (generating the blobs is not timed). Fills *keys (blob i under (*keys)[i]) when not null.
double LoadBlobs(BenchStore* store, const LoadSpec& spec, std::vector<Key>* keys);

}  // namespace ddc::bench

#endif  // DDC_BENCH_LOAD_H_
