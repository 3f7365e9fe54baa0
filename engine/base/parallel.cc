#include "engine/base/parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ddc {
namespace internal {

// One parallel job: chunks are claimed in ascending order through `next`; a finished chunk is
// marked in `chunk_done` and `done` counts finished items. Waiters sleep on `finished`.
struct ParallelJob {
  // Points at the caller's function, which outlives every claimed chunk (callers wait for
  // them); a worker that finds no chunk left never calls it.
  const std::function<void(size_t, size_t)>* fn = nullptr;
  size_t n = 0;
  size_t chunk = 0;
  std::unique_ptr<std::atomic<bool>[]> chunk_done;
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  std::mutex mu;
  std::condition_variable finished;

  ParallelJob(const std::function<void(size_t, size_t)>* f, size_t items, size_t chunk_items)
      : fn(f), n(items), chunk(chunk_items), chunk_done(new std::atomic<bool>[Chunks()]) {
    for (size_t c = 0; c < Chunks(); ++c) chunk_done[c].store(false, std::memory_order_relaxed);
  }

  size_t Chunks() const { return (n + chunk - 1) / chunk; }
  bool Unclaimed() const { return next.load(std::memory_order_relaxed) < n; }
  bool ChunkDone(size_t c) const { return chunk_done[c].load(std::memory_order_acquire); }
  bool AllDone() const { return done.load(std::memory_order_acquire) == n; }

  // Runs the next unclaimed chunk; false when none is left.
  bool RunOne() {
    const size_t begin = next.fetch_add(chunk);
    if (begin >= n) return false;
    const size_t end = std::min(n, begin + chunk);
    (*fn)(begin, end);
    chunk_done[begin / chunk].store(true, std::memory_order_release);
    done.fetch_add(end - begin, std::memory_order_acq_rel);
    {
      // Under the mutex, so that a waiter between its check and its sleep cannot miss it.
      std::lock_guard<std::mutex> lock(mu);
    }
    finished.notify_all();
    return true;
  }

  void Work() {
    while (RunOne()) {
    }
  }

  template <typename Pred>
  void WaitUntil(Pred pred) {
    std::unique_lock<std::mutex> lock(mu);
    finished.wait(lock, pred);
  }
};

}  // namespace internal

namespace {

using internal::ParallelJob;

class Pool {
 public:
  Pool() {
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    const unsigned workers = std::min(kMaxParallelWorkers, hw - 1);
    for (unsigned i = 0; i < workers; ++i) {
      threads_.emplace_back([this] { Loop(); });
      threads_.back().detach();  // Lives as long as the process; never joined at exit.
    }
  }
  size_t workers() const { return threads_.size(); }

  void Offer(const std::shared_ptr<ParallelJob>& job) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      jobs_.push_back(job);
    }
    cv_.notify_all();
  }

 private:
  void Loop() {
    for (;;) {
      std::shared_ptr<ParallelJob> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return !jobs_.empty(); });
        job = jobs_.front();
        // A job whose chunks are all claimed leaves the queue; its callers finish it.
        if (!job->Unclaimed()) {
          jobs_.pop_front();
          continue;
        }
      }
      job->Work();
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<ParallelJob>> jobs_;  // Guarded by mu_.
};

Pool& ThePool() {
  // Leaked on purpose: detached workers may still touch it while the process exits.
  static Pool* pool = new Pool();
  return *pool;
}

// Runs a job of n items whole on the caller when there is no pool or fewer items than two
// chunks of *min_chunk (raised to at least 1); true when it did.
bool RanInline(size_t n, size_t* min_chunk, const std::function<void(size_t, size_t)>& fn) {
  *min_chunk = std::max<size_t>(1, *min_chunk);
  if (n != 0 && ThePool().workers() != 0 && n >= 2 * *min_chunk) return false;
  if (n != 0) fn(0, n);
  return true;
}

}  // namespace

void ParallelFor(size_t n, size_t min_chunk, const std::function<void(size_t, size_t)>& fn) {
  if (RanInline(n, &min_chunk, fn)) return;
  Pool& pool = ThePool();
  // About four chunks per thread balances uneven items without much claiming traffic.
  const size_t chunk = std::max(min_chunk, n / ((pool.workers() + 1) * 4) + 1);
  auto job = std::make_shared<ParallelJob>(&fn, n, chunk);
  pool.Offer(job);
  job->Work();
  job->WaitUntil([&] { return job->AllDone(); });
}

ParallelPipeline::ParallelPipeline(size_t n, size_t min_chunk,
                                   std::function<void(size_t, size_t)> fn)
    : fn_(std::move(fn)), n_(n) {
  if (RanInline(n, &min_chunk, fn_)) return;
  job_ = std::make_shared<ParallelJob>(&fn_, n, min_chunk);
  ThePool().Offer(job_);
}

ParallelPipeline::~ParallelPipeline() { AwaitAll(); }

size_t ParallelPipeline::Await(size_t i) {
  if (job_ == nullptr) return n_;
  const size_t c = i / job_->chunk;
  while (!job_->ChunkDone(c)) {
    // Help rather than idle: the chunk claimed next is one the caller needs soon anyway.
    if (!job_->RunOne()) job_->WaitUntil([&] { return job_->ChunkDone(c); });
  }
  size_t end = c + 1;
  while (end < job_->Chunks() && job_->ChunkDone(end)) ++end;
  return std::min(n_, end * job_->chunk);
}

void ParallelPipeline::AwaitAll() {
  if (job_ == nullptr) return;
  job_->Work();
  job_->WaitUntil([&] { return job_->AllDone(); });
}

}  // namespace ddc
