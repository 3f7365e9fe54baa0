// StripedSharedMutex and StripedCounter. StripedSharedMutex: a reader/writer lock for read-mostly
// data that many threads read at once (the CID index). A reader takes one of kStripes shared
// mutexes, chosen per thread; a writer takes all of them. Readers on different stripes touch
// different cache lines, so concurrent lookups do not bounce one lock word between cores the way a
// single std::shared_mutex does; the writer (one group commit at a time) pays kStripes lock
// operations instead of one.
//
// Use with std::unique_lock (writers) and StripedSharedMutex::ReadLock (readers).
#ifndef DDC_ENGINE_BASE_STRIPED_MUTEX_H_
#define DDC_ENGINE_BASE_STRIPED_MUTEX_H_

#include <pthread.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace ddc {

// The stripe of the calling thread: threads get stripes round-robin on first use, so a few busy
// threads land on distinct ones.
inline constexpr size_t kStripes = 16;
inline size_t ThreadStripe() {
  static std::atomic<size_t> next{0};
  thread_local const size_t stripe = next.fetch_add(1, std::memory_order_relaxed) % kStripes;
  return stripe;
}

// A statistics counter that many threads bump: one padded atomic per stripe, summed on read.
class StripedCounter {
 public:
  void Add(uint64_t n) { cells_[ThreadStripe()].value.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Load() const {
    uint64_t sum = 0;
    for (const Cell& c : cells_) sum += c.value.load(std::memory_order_relaxed);
    return sum;
  }

 private:
  struct alignas(64) Cell {
    std::atomic<uint64_t> value{0};
  };
  std::array<Cell, kStripes> cells_;
};

class StripedSharedMutex {
 public:
  StripedSharedMutex() {
    // Writer preference: a steady stream of lookups must not starve the group commit that
    // waits to insert (glibc's default rwlock, like std::shared_mutex, prefers readers).
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    for (Stripe& s : stripes_) {
      if (pthread_rwlock_init(&s.mu, &attr) != 0) std::abort();
    }
    pthread_rwlockattr_destroy(&attr);
  }
  ~StripedSharedMutex() {
    for (Stripe& s : stripes_) pthread_rwlock_destroy(&s.mu);
  }
  StripedSharedMutex(const StripedSharedMutex&) = delete;
  StripedSharedMutex& operator=(const StripedSharedMutex&) = delete;

  void lock() {
    for (Stripe& s : stripes_) pthread_rwlock_wrlock(&s.mu);
  }
  void unlock() {
    for (size_t i = kStripes; i-- > 0;) pthread_rwlock_unlock(&stripes_[i].mu);
  }

  class ReadLock {
   public:
    explicit ReadLock(StripedSharedMutex& m) : mu_(&m.stripes_[ThreadStripe()].mu) {
      pthread_rwlock_rdlock(mu_);
    }
    ~ReadLock() { pthread_rwlock_unlock(mu_); }
    ReadLock(const ReadLock&) = delete;
    ReadLock& operator=(const ReadLock&) = delete;

   private:
    pthread_rwlock_t* mu_;
  };

 private:
  struct alignas(64) Stripe {
    pthread_rwlock_t mu;
  };

  std::array<Stripe, kStripes> stripes_;
};

}  // namespace ddc

#endif  // DDC_ENGINE_BASE_STRIPED_MUTEX_H_
