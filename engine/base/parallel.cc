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
namespace {

// One ParallelFor call: chunks are claimed through `next`; `done` counts finished items.
struct Job {
  const std::function<void(size_t, size_t)>* fn = nullptr;
  size_t n = 0;
  size_t chunk = 0;
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  std::mutex mu;
  std::condition_variable finished;

  // Runs chunks until none is left; returns whether this call finished the last item.
  void Work() {
    for (;;) {
      const size_t begin = next.fetch_add(chunk);
      if (begin >= n) return;
      const size_t end = std::min(n, begin + chunk);
      (*fn)(begin, end);
      if (done.fetch_add(end - begin) + (end - begin) == n) {
        std::lock_guard<std::mutex> lock(mu);
        finished.notify_all();
      }
    }
  }
};

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

  void Offer(const std::shared_ptr<Job>& job) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      jobs_.push_back(job);
    }
    cv_.notify_all();
  }

 private:
  void Loop() {
    for (;;) {
      std::shared_ptr<Job> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return !jobs_.empty(); });
        job = jobs_.front();
        // A job whose chunks are all claimed leaves the queue; the caller finishes it.
        if (job->next.load() >= job->n) {
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
  std::deque<std::shared_ptr<Job>> jobs_;  // Guarded by mu_.
};

Pool& ThePool() {
  // Leaked on purpose: detached workers may still touch it while the process exits.
  static Pool* pool = new Pool();
  return *pool;
}

}  // namespace

void ParallelFor(size_t n, size_t min_chunk, const std::function<void(size_t, size_t)>& fn) {
  if (n == 0) return;
  min_chunk = std::max<size_t>(1, min_chunk);
  Pool& pool = ThePool();
  if (pool.workers() == 0 || n < 2 * min_chunk) {
    fn(0, n);
    return;
  }
  auto job = std::make_shared<Job>();
  job->fn = &fn;
  job->n = n;
  // About four chunks per thread balances uneven items without much claiming traffic.
  job->chunk = std::max(min_chunk, n / ((pool.workers() + 1) * 4) + 1);
  pool.Offer(job);
  job->Work();
  std::unique_lock<std::mutex> lock(job->mu);
  job->finished.wait(lock, [&] { return job->done.load() == n; });
}

}  // namespace ddc
