// StripedSharedMutex excludes writers from every reader stripe, and StripedCounter loses no
// increment under concurrent use.
#include "engine/base/striped_mutex.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace ddc {
namespace {

TEST(StripedCounterTest, SumsEveryIncrementFromManyThreads) {
  StripedCounter counter;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100000; ++i) counter.Add(static_cast<uint64_t>(t + 1));
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(counter.Load(), 100000u * (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8));
}

TEST(StripedSharedMutexTest, ReadersNeverSeeAHalfDoneWrite) {
  // The writer keeps two values equal, changing them one after the other under the exclusive
  // lock; readers on every stripe must always see them equal.
  StripedSharedMutex mu;
  uint64_t a = 0, b = 0;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> torn{0}, reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        {
          StripedSharedMutex::ReadLock lock(mu);
          if (a != b) torn.fetch_add(1);
          reads.fetch_add(1);
        }
        std::this_thread::yield();
      }
    });
  }
  for (int i = 0; i < 2000; ++i) {
    std::unique_lock<StripedSharedMutex> lock(mu);
    ++a;
    ++b;
  }
  stop = true;
  for (auto& th : readers) th.join();
  EXPECT_EQ(torn.load(), 0u);
  EXPECT_GT(reads.load(), 0u);
  EXPECT_EQ(a, 2000u);
}

}  // namespace
}  // namespace ddc
