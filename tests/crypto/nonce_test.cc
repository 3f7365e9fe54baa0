// RandomScopeNonce draws from a per-thread generator (engine/crypto/crypto.cc). A repeated nonce
// under one key breaks XChaCha20-Poly1305, so: no repeats within a thread across many refills,
// none between threads, and none between a process and its forked child (which inherits the
// parent's thread-local state and must reseed).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <thread>
#include <vector>

#include "ddc/crypto.h"

namespace ddc {
namespace {

TEST(ScopeNonce, NoRepeatsWithinAndAcrossThreads) {
  constexpr int kPerThread = 50000;  // About 290 refills of the 4 KiB block each.
  std::vector<std::vector<ScopeNonce>> drawn(4);
  std::vector<std::thread> threads;
  for (auto& out : drawn) {
    threads.emplace_back([&out] {
      for (int i = 0; i < kPerThread; ++i) out.push_back(RandomScopeNonce());
    });
  }
  for (auto& t : threads) t.join();
  std::set<ScopeNonce> all;
  for (const auto& out : drawn) all.insert(out.begin(), out.end());
  EXPECT_EQ(all.size(), drawn.size() * kPerThread);
}

TEST(ScopeNonce, ForkedChildDoesNotRepeatItsParent) {
  (void)RandomScopeNonce();  // Seed this thread's generator before forking.
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::vector<ScopeNonce> child;
    for (int i = 0; i < 8; ++i) child.push_back(RandomScopeNonce());
    const ssize_t n = write(fds[1], child.data(), child.size() * sizeof(ScopeNonce));
    _exit(n == static_cast<ssize_t>(child.size() * sizeof(ScopeNonce)) ? 0 : 1);
  }
  close(fds[1]);
  std::vector<ScopeNonce> parent;
  for (int i = 0; i < 8; ++i) parent.push_back(RandomScopeNonce());
  std::vector<ScopeNonce> child(8);
  size_t got = 0;
  auto* dst = reinterpret_cast<char*>(child.data());
  while (got < child.size() * sizeof(ScopeNonce)) {
    const ssize_t n = read(fds[0], dst + got, child.size() * sizeof(ScopeNonce) - got);
    ASSERT_GT(n, 0);
    got += static_cast<size_t>(n);
  }
  close(fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  std::set<ScopeNonce> all(parent.begin(), parent.end());
  all.insert(child.begin(), child.end());
  EXPECT_EQ(all.size(), 16u) << "the child repeated nonces of its parent";
}

}  // namespace
}  // namespace ddc
