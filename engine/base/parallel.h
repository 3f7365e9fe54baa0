// ParallelFor: spreads CPU-bound work (hashing a batch of blobs) over a small process-wide pool
// of worker threads, with the calling thread taking part.
//
// The pool has (hardware threads - 1) workers, at most kMaxParallelWorkers, started on first
// use. Work is split into chunks of at least `min_chunk` items; a call with fewer items than
// two chunks runs inline on the caller, so small batches pay nothing. Calls from several
// threads at once are served one job at a time by the workers; the caller always works on its
// own job, so no call waits for another to finish before making progress.
//
// `fn(begin, end)` must be safe to run concurrently on disjoint ranges.
#ifndef DDC_ENGINE_BASE_PARALLEL_H_
#define DDC_ENGINE_BASE_PARALLEL_H_

#include <cstddef>
#include <functional>

namespace ddc {

inline constexpr unsigned kMaxParallelWorkers = 7;

void ParallelFor(size_t n, size_t min_chunk, const std::function<void(size_t, size_t)>& fn);

}  // namespace ddc

#endif  // DDC_ENGINE_BASE_PARALLEL_H_
