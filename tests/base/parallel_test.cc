// ParallelFor and ParallelPipeline: every item is processed exactly once, whatever the sizes,
// chunking and number of concurrent callers; small jobs run inline on the caller; a pipeline's
// Await(i) returns only once items [i, end) are done.
#include "engine/base/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace ddc {
namespace {

TEST(ParallelForTest, EveryItemExactlyOnce) {
  for (size_t n : {0u, 1u, 2u, 63u, 64u, 1000u, 4097u, 100000u}) {
    for (size_t min_chunk : {1u, 7u, 32u, 1000u}) {
      std::vector<std::atomic<int>> hits(n);
      ParallelFor(n, min_chunk, [&](size_t begin, size_t end) {
        ASSERT_LE(begin, end);
        ASSERT_LE(end, n);
        for (size_t i = begin; i < end; ++i) hits[i].fetch_add(1);
      });
      for (size_t i = 0; i < n; ++i)
        ASSERT_EQ(hits[i].load(), 1) << n << "/" << min_chunk << " @" << i;
    }
  }
}

TEST(ParallelForTest, SmallJobsRunOnTheCaller) {
  const auto caller = std::this_thread::get_id();
  bool inline_only = true;
  ParallelFor(10, 8, [&](size_t, size_t) { inline_only &= std::this_thread::get_id() == caller; });
  EXPECT_TRUE(inline_only);
}

TEST(ParallelForTest, ConcurrentCallersDoNotMixTheirItems) {
  constexpr int kCallers = 6;
  constexpr size_t kItems = 20000;
  std::vector<std::vector<int>> per_caller(kCallers, std::vector<int>(kItems, 0));
  std::vector<std::thread> threads;
  for (int c = 0; c < kCallers; ++c) {
    threads.emplace_back([&, c] {
      for (int round = 0; round < 20; ++round) {
        ParallelFor(kItems, 16, [&](size_t begin, size_t end) {
          for (size_t i = begin; i < end; ++i) ++per_caller[static_cast<size_t>(c)][i];
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int c = 0; c < kCallers; ++c) {
    for (size_t i = 0; i < kItems; ++i) ASSERT_EQ(per_caller[static_cast<size_t>(c)][i], 20);
  }
}

TEST(ParallelPipelineTest, AwaitReturnsOnlyFinishedItemsInOrder) {
  for (size_t n : {1u, 2u, 63u, 64u, 1000u, 4097u}) {
    for (size_t min_chunk : {1u, 7u, 32u, 1000u}) {
      std::vector<std::atomic<int>> hits(n);
      std::vector<size_t> order;
      {
        ParallelPipeline pipeline(n, min_chunk, [&](size_t begin, size_t end) {
          ASSERT_LE(begin, end);
          ASSERT_LE(end, n);
          for (size_t i = begin; i < end; ++i) hits[i].fetch_add(1);
        });
        for (size_t i = 0; i < n;) {
          const size_t end = pipeline.Await(i);
          ASSERT_GT(end, i) << n << "/" << min_chunk;
          ASSERT_LE(end, n);
          for (size_t j = i; j < end; ++j) {
            ASSERT_EQ(hits[j].load(), 1) << n << "/" << min_chunk << " @" << j << " not done";
            order.push_back(j);
          }
          i = end;
        }
      }
      ASSERT_EQ(order.size(), n);
      for (size_t i = 0; i < n; ++i) ASSERT_EQ(order[i], i);
    }
  }
}

TEST(ParallelPipelineTest, AwaitAllWaitsForEveryChunkEvenWhenNothingWasAwaited) {
  constexpr size_t kItems = 5000;
  for (int round = 0; round < 50; ++round) {
    std::vector<std::atomic<int>> hits(kItems);
    ParallelPipeline pipeline(kItems, 8, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) hits[i].fetch_add(1);
    });
    pipeline.AwaitAll();
    for (size_t i = 0; i < kItems; ++i) ASSERT_EQ(hits[i].load(), 1) << round << " @" << i;
  }
}

TEST(ParallelPipelineTest, SmallJobsRunWholeInTheConstructor) {
  const auto caller = std::this_thread::get_id();
  bool inline_only = true;
  size_t items = 0;
  ParallelPipeline pipeline(10, 8, [&](size_t begin, size_t end) {
    inline_only &= std::this_thread::get_id() == caller;
    items += end - begin;
  });
  EXPECT_EQ(items, 10u);  // Before any Await.
  EXPECT_TRUE(inline_only);
  EXPECT_EQ(pipeline.Await(3), 10u);
}

TEST(ParallelPipelineTest, SeveralThreadsAwaitOneJob) {
  constexpr size_t kItems = 20000;
  std::vector<std::atomic<int>> hits(kItems);
  ParallelPipeline pipeline(kItems, 16, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) hits[i].fetch_add(1);
  });
  std::atomic<bool> bad{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = static_cast<size_t>(t); i < kItems; i += 97) {
        const size_t end = pipeline.Await(i);
        for (size_t j = i; j < end; ++j) {
          if (hits[j].load() != 1) bad = true;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  pipeline.AwaitAll();
  EXPECT_FALSE(bad.load());
  for (size_t i = 0; i < kItems; ++i) ASSERT_EQ(hits[i].load(), 1) << i;
}

}  // namespace
}  // namespace ddc
