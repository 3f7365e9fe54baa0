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
  // Write while the readers run: at least 2000 writes, and on until the readers have made 1000
  // reads that overlapped the writing (no timing assumption: the loop waits for both).
  while (reads.load() == 0) std::this_thread::yield();
  const uint64_t reads_before = reads.load();
  uint64_t writes = 0;
  while (writes < 2000 || reads.load() - reads_before < 1000) {
    {
      std::unique_lock<StripedSharedMutex> lock(mu);
      ++a;
      ++b;
    }
    ++writes;
    std::this_thread::yield();  // Lets blocked readers in between writes.
  }
  stop = true;
  for (auto& th : readers) th.join();
  EXPECT_EQ(torn.load(), 0u);
  EXPECT_EQ(a, writes);
  EXPECT_EQ(b, writes);
}

}  // namespace
}  // namespace ddc
