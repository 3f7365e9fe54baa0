#include "bench/load.h"

#include <algorithm>
#include <span>

#include "bench/bench_util.h"

namespace ddc::bench {

double LoadBlobs(BenchStore* store, const LoadSpec& spec, std::vector<Key>* keys) {
  std::vector<uint8_t> buffer(static_cast<size_t>(spec.batch) * spec.max_bytes);
  std::vector<Blob> blobs;
  std::vector<Key> scratch(spec.batch);
  if (keys != nullptr) keys->resize(spec.count);
  Progress progress(spec.phase, spec.count);
  double seconds = 0;
  for (uint64_t base = 0; base < spec.count; base += spec.batch) {
    const uint64_t b = std::min<uint64_t>(spec.batch, spec.count - base);
    blobs.clear();
    size_t at = 0;
    for (uint64_t i = 0; i < b; ++i) {
      const std::span<uint8_t> out(buffer.data() + at, spec.size_of(base + i));
      FillBlob(spec.seed, base + i, out);
      blobs.push_back(out);
      at += out.size();
    }
    const std::span<Key> out_keys =
        keys != nullptr ? std::span(*keys).subspan(base, b) : std::span(scratch).first(b);
    Stopwatch clock;
    CheckOk(store->PutBatch(blobs, out_keys), spec.phase);
    seconds += clock.Seconds();
    progress.Update(base + b);
  }
  progress.Done();
  return seconds;
}

}  // namespace ddc::bench
