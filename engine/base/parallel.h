// ParallelFor and ParallelPipeline: spread CPU-bound work (hashing a batch of blobs) over a
// small process-wide pool of worker threads, with the calling thread taking part.
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
#include <memory>

namespace ddc {

inline constexpr unsigned kMaxParallelWorkers = 7;

// Runs fn over [0, n) and returns when every item is done.
void ParallelFor(size_t n, size_t min_chunk, const std::function<void(size_t, size_t)>& fn);

namespace internal {
struct ParallelJob;
}  // namespace internal

// A ParallelFor whose caller consumes the items in order while later ones are still being
// worked on: the pool's workers start on the chunks at construction, and Await(i) returns once
// item i is done. A caller that has to wait runs an unclaimed chunk itself instead of idling,
// so the work is never stuck behind a busy pool. Chunks are claimed in ascending order.
//
// Every chunk must finish before the data `fn` touches goes away: AwaitAll() (the destructor
// calls it) returns only when no chunk is running any more. A job too small for two chunks
// runs whole, inline, in the constructor.
class ParallelPipeline {
 public:
  ParallelPipeline(size_t n, size_t min_chunk, std::function<void(size_t, size_t)> fn);
  ~ParallelPipeline();
  ParallelPipeline(const ParallelPipeline&) = delete;
  ParallelPipeline& operator=(const ParallelPipeline&) = delete;

  // Returns the end of the run of done items that holds i: items [i, end) are all done.
  // REQUIRES: i < n. Safe to call from any thread, concurrently.
  size_t Await(size_t i);
  void AwaitAll();

 private:
  std::function<void(size_t, size_t)> fn_;
  size_t n_ = 0;
  std::shared_ptr<internal::ParallelJob> job_;  // Null: the job ran inline.
};

}  // namespace ddc

#endif  // DDC_ENGINE_BASE_PARALLEL_H_
