// Proves, with real processes on the real file system, that killing a writer with SIGKILL at
// any moment never loses an acknowledged put and never leaves a store that fails to open or
// verify, and that recovery works again and again on the same directory.
//
// How (RocksDB's db_crashtest.py): each cycle forks and execs ddc-crash-child (crash_child.cc)
// on one directory with 4 writer threads, reads its stdout through a pipe (a complete line is
// an acknowledged put), and SIGKILLs it after a random 5-200 ms (the wait is a poll() timeout on
// the pipe, not a timing assertion). Then the store is opened in this process: it must open;
// every put ever acknowledged, in this cycle or an earlier one, must be there byte for byte
// (regenerated from the seed and index); every record must hash to its CID and be one of the
// child's blobs; and no record an earlier cycle saw may have vanished. The store is closed
// and the next cycle continues on the same directory with new blob indices
// (DDC_CRASH_FIRST_INDEX). The cycles rotate the child's durability mode, all of which
// promise to survive a process crash.
//
// The same for events (SigkillNeverLosesAnAcknowledgedEvent): the child runs its events
// workload (crash_child.cc: signed events of 8 users in 3 buckets, single and batch-signed,
// prev links, Append and AppendBatch from 4 threads, re-sends, explicit and background
// checkpoints) and acknowledges each append with its CID, bucket, user, position and journal
// index, each checkpoint with its size and CID. After every kill the parent reopens and runs
// CheckEventStore (crash_blob.h): every event acknowledged in any cycle is at its position in
// its timeline and at its journal index; each timeline is gap-free, its events decode, verify
// and obey prev links, time order and unique ids; the timeline roots and the journal root equal
// those recomputed from the stored events; every checkpoint verifies under NodeVerifierKey()
// and seals the recomputed journal root at its size. What one recovery showed is a prefix of
// what the next shows. The store is then closed and Store::Verify must pass with the same
// counts of events, timelines and checkpoints. One kill in five lands at a random moment of the
// child's start (often its recovering open); the others 1-60 ms after the child reports its
// store open, so that every kill interrupts writes. Every 10 cycles start a fresh directory,
// which keeps each store's history (re-checked after every kill) short.
//
// DDC_CRASH_CYCLES sets the number of blob cycles (default 50), DDC_CRASH_EVENT_CYCLES the
// number of event cycles (default 50); DDC_TEST_SEED the seed (printed).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "ddc/store.h"
#include "ddc/verify.h"
#include "tests/store/crash_blob.h"
#include "tests/store/store_test_util.h"
#include "tests/test_util.h"

extern char** environ;

namespace ddc {
namespace {

// Blob indices of cycle c are c * kIndicesPerCycle + 0, 1, 2, ...: far more than a child can
// put in 200 ms, so no index is ever used twice.
constexpr uint64_t kIndicesPerCycle = 1000000;
constexpr const char* kDurabilities[] = {"sync-every-group", "none", "sync-interval"};

int Cycles() {
  const char* s = std::getenv("DDC_CRASH_CYCLES");
  return s != nullptr && std::atoi(s) > 0 ? std::atoi(s) : 50;
}

// Event cycles run on one store directory before the next starts afresh.
constexpr int kEventCyclesPerStore = 10;

int EventCycles() {
  const char* s = std::getenv("DDC_CRASH_EVENT_CYCLES");
  return s != nullptr && std::atoi(s) > 0 ? std::atoi(s) : 50;
}

struct ChildRun {
  std::vector<std::string> lines;  // Complete lines read from the child's stdout.
  bool exited_on_its_own = false;
  int wait_status = 0;
};

// The line the events child writes once its store is open.
constexpr char kReadyLine[] = "ready";
// How long a child may take to open before it is killed anyway (not an assertion: a child that
// is still opening is simply killed, as any other).
constexpr int kMaxOpenMs = 30000;

// Runs the child for `delay_ms` (counted from its "ready" line with `from_ready`, else from
// its start), SIGKILLs it, reads what it wrote and reaps it.
ChildRun RunAndKill(const std::string& dir, uint64_t seed, uint64_t first_index,
                    const char* durability, const char* workload, int delay_ms, bool from_ready) {
  ChildRun run;
  // Everything the child needs is built before fork: between fork and exec the child may only
  // make async-signal-safe calls.
  const std::string path = DDC_CRASH_CHILD;
  const std::string seed_arg = std::to_string(seed);
  std::vector<std::string> args = {path, dir, seed_arg, "4", durability, workload};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "DDC_CRASH_FIRST_INDEX=", 22) != 0) env_strings.emplace_back(*e);
  }
  env_strings.push_back("DDC_CRASH_FIRST_INDEX=" + std::to_string(first_index));
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2: " << std::strerror(errno);
    return run;
  }
  const pid_t pid = fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork: " << std::strerror(errno);
    close(fds[0]);
    close(fds[1]);
    return run;
  }
  if (pid == 0) {
    if (dup2(fds[1], STDOUT_FILENO) < 0) _exit(126);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char chunk[4096];
  bool eof = false;
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(from_ready ? kMaxOpenMs : delay_ms);
  bool waiting_for_ready = from_ready;
  while (!eof) {
    if (waiting_for_ready && out.find(std::string(kReadyLine) + "\n") != std::string::npos) {
      waiting_for_ready = false;
      deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms);
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) break;
    pollfd p{fds[0], POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // Timeout: the loop sees the deadline passed.
    const ssize_t n = read(fds[0], chunk, sizeof(chunk));
    if (n > 0) {
      out.append(chunk, static_cast<size_t>(n));
    } else if (n == 0) {
      eof = true;  // The child is gone already: it must have failed.
    } else if (errno != EINTR) {
      ADD_FAILURE() << "read from child: " << std::strerror(errno);
      break;
    }
  }
  run.exited_on_its_own = eof;
  kill(pid, SIGKILL);
  // Lines already in the pipe were written by finished puts: they count too.
  for (;;) {
    const ssize_t n = read(fds[0], chunk, sizeof(chunk));
    if (n > 0) {
      out.append(chunk, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  while (waitpid(pid, &run.wait_status, 0) < 0 && errno == EINTR) {
  }
  for (size_t begin = 0;;) {
    const size_t end = out.find('\n', begin);
    if (end == std::string::npos) break;  // A trailing partial line was no acknowledgement.
    if (out.compare(begin, end - begin, kReadyLine) != 0) {
      run.lines.push_back(out.substr(begin, end - begin));
    }
    begin = end + 1;
  }
  return run;
}

TEST(CrashHarnessTest, SigkillNeverLosesAnAcknowledgedPut) {
  const uint64_t seed = test::TestSeed() % 1000000007u;
  const int cycles = Cycles();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  std::printf("[ harness  ] DDC_TEST_SEED=%llu, %d cycles, child %s\n",
              static_cast<unsigned long long>(seed), cycles, DDC_CRASH_CHILD);
  test::TempDir tmp;
  test::LogSink sink;
  Options options;
  options.dir = tmp.Sub("db");
  options.segment_bytes = 256 << 10;  // As the child opens it.
  options.max_record_bytes = 64 << 10;
  options.snapshot_interval_bytes = 512 << 10;
  options.info_log = sink.Fn();

  std::mt19937_64 rng(seed);
  std::map<uint64_t, Cid> acked;  // Every acknowledged put of every cycle.
  std::set<Cid> verified;         // Records already matched to their blob.
  uint64_t acked_checks = 0, unacked_records = 0, zero_ack_cycles = 0, torn_tails = 0;
  size_t records = 0;
  for (int cycle = 0; cycle < cycles && !HasFailure(); ++cycle) {
    const uint64_t first = static_cast<uint64_t>(cycle) * kIndicesPerCycle;
    const int delay_ms = 5 + static_cast<int>(rng() % 196);
    const char* durability = kDurabilities[cycle % 3];
    SCOPED_TRACE("cycle " + std::to_string(cycle) + ", " + durability + ", killed after " +
                 std::to_string(delay_ms) + " ms");
    const ChildRun run =
        RunAndKill(options.dir, seed, first, durability, "blobs", delay_ms, /*from_ready=*/false);
    ASSERT_FALSE(run.exited_on_its_own)
        << "the child exited before it was killed (status " << run.wait_status
        << "; its stderr says why): it could not open the store or a put failed";
    ASSERT_TRUE(WIFSIGNALED(run.wait_status) && WTERMSIG(run.wait_status) == SIGKILL)
        << "wait status " << run.wait_status;
    std::vector<uint64_t> fresh;
    for (const std::string& line : run.lines) {
      const size_t space = line.find(' ');
      ASSERT_NE(space, std::string::npos) << "bad line from child: " << line;
      const uint64_t i = std::strtoull(line.substr(0, space).c_str(), nullptr, 10);
      ASSERT_GE(i, first) << line;
      ASSERT_LT(i, first + kIndicesPerCycle) << line;
      auto cid = Cid::Parse(line.substr(space + 1));
      ASSERT_TRUE(cid.ok()) << line << ": " << cid.status().ToString();
      ASSERT_EQ(*cid, test::RawCid(test::CrashBlobBytes(seed, i))) << "child's CID is wrong";
      ASSERT_TRUE(acked.emplace(i, *cid).second) << "index acknowledged twice: " << line;
      fresh.push_back(i);
    }
    zero_ack_cycles += fresh.empty() ? 1 : 0;

    auto opened = Store::Open(options);
    ASSERT_TRUE(opened.ok()) << "open after SIGKILL: " << opened.status().ToString();
    std::unique_ptr<Store> store = std::move(opened).value();
    if (store->Stats().recovery.find("torn tail") != std::string::npos) ++torn_tails;
    for (uint64_t i : fresh) {
      auto got = store->Get(acked.at(i));
      ASSERT_TRUE(got.ok()) << "acknowledged put " << i << " lost: " << got.status().ToString();
      ASSERT_EQ(*got, test::CrashBlobBytes(seed, i)) << "put " << i;
    }
    // The whole store: every record hashes to its CID (WalkStore) and is one of the child's
    // blobs; every acknowledged put of every cycle is among them.
    std::set<Cid> present;
    for (const auto& r : test::WalkStore(store.get())) {
      present.insert(r.cid);
      if (verified.count(r.cid) != 0) continue;
      uint64_t i = 0;
      ASSERT_TRUE(test::ParseCrashBlobTag(r.value, &i))
          << "record " << r.cid.ToString() << " is no blob of the child";
      ASSERT_LT(i, first + kIndicesPerCycle);
      ASSERT_EQ(r.value, test::CrashBlobBytes(seed, i)) << "record claims to be blob " << i;
      verified.insert(r.cid);
      if (acked.count(i) == 0) ++unacked_records;  // In flight at the kill: allowed.
    }
    if (HasFailure()) break;
    for (const auto& [i, cid] : acked) {
      ASSERT_EQ(present.count(cid), 1u) << "acknowledged put " << i << " is gone";
      ++acked_checks;
    }
    // A record one recovery showed (acknowledged or not) never disappears in a later one.
    for (const Cid& cid : verified) {
      ASSERT_EQ(present.count(cid), 1u) << "record " << cid.ToString() << " vanished";
    }
    EXPECT_EQ(store->Stats().records, present.size());
    records = present.size();
    ASSERT_OK(store->Close());
  }
  std::printf(
      "[ harness  ] %d cycles: %zu acknowledged puts (each re-checked every later cycle: "
      "%llu checks), %zu records in the end, %llu records of unacknowledged in-flight "
      "puts, %llu cycles killed before any acknowledgement, %llu torn tails repaired\n",
      cycles, acked.size(), static_cast<unsigned long long>(acked_checks), records,
      static_cast<unsigned long long>(unacked_records),
      static_cast<unsigned long long>(zero_ack_cycles),
      static_cast<unsigned long long>(torn_tails));
  RecordProperty("acknowledged_puts", static_cast<int>(acked.size()));
  EXPECT_GT(acked.size(), 0u) << "the child never acknowledged a put: nothing was tested";
}

TEST(CrashHarnessTest, SigkillNeverLosesAnAcknowledgedEvent) {
  const uint64_t seed = test::TestSeed() % 1000000007u;
  const int cycles = EventCycles();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  std::printf("[ harness  ] events: DDC_TEST_SEED=%llu, %d cycles, child %s\n",
              static_cast<unsigned long long>(seed), cycles, DDC_CRASH_CHILD);
  test::TempDir tmp;
  test::LogSink sink;
  Options options;
  options.dir = tmp.Sub("db");
  options.segment_bytes = 256 << 10;  // As the child opens it.
  options.max_record_bytes = 64 << 10;
  options.snapshot_interval_bytes = 512 << 10;
  options.info_log = sink.Fn();

  std::mt19937_64 rng(seed);
  std::vector<test::CrashEventAck> acked;  // Every acknowledged append of every cycle.
  std::vector<test::CrashCheckpointAck> acked_checkpoints;
  std::set<Cid> acked_cids;
  std::set<Cid> verified;  // Events whose signature was verified in an earlier cycle.
  test::CrashEventImage previous;
  uint64_t zero_ack_cycles = 0, torn_tails = 0, resends = 0, most_acks = 0, total_acked = 0;
  uint64_t checkpoints_checked = 0;
  for (int cycle = 0; cycle < cycles && !HasFailure(); ++cycle) {
    const uint64_t first = static_cast<uint64_t>(cycle) * test::kCrashNumbersPerRun;
    if (cycle % kEventCyclesPerStore == 0) {
      // A fresh store: each one's history stays short enough to re-check after every kill.
      options.dir = tmp.Sub("db" + std::to_string(cycle / kEventCyclesPerStore));
      acked.clear();
      acked_checkpoints.clear();
      previous = test::CrashEventImage();
    }
    // One kill in five lands while the child opens (recovering from the previous kill); the
    // others a while after its store is open.
    const bool during_open = rng() % 5 == 0;
    const int delay_ms =
        during_open ? static_cast<int>(rng() % 60) : 1 + static_cast<int>(rng() % 60);
    const char* durability = kDurabilities[cycle % 3];
    SCOPED_TRACE("cycle " + std::to_string(cycle) + ", " + durability + ", killed " +
                 std::to_string(delay_ms) + " ms after " + (during_open ? "its start" : "open"));
    const ChildRun run =
        RunAndKill(options.dir, seed, first, durability, "events", delay_ms, !during_open);
    ASSERT_FALSE(run.exited_on_its_own)
        << "the child exited before it was killed (status " << run.wait_status
        << "; its stderr says why): it could not open the store, an append failed or the store "
           "answered inconsistently";
    ASSERT_TRUE(WIFSIGNALED(run.wait_status) && WTERMSIG(run.wait_status) == SIGKILL)
        << "wait status " << run.wait_status;
    size_t fresh = 0;
    for (const std::string& line : run.lines) {
      test::CrashEventAck e;
      test::CrashCheckpointAck c;
      if (test::ParseEventAck(line, &e)) {
        resends += acked_cids.insert(e.cid).second ? 0 : 1;
        acked.push_back(e);
        ++fresh;
        ++total_acked;
      } else if (test::ParseCheckpointAck(line, &c)) {
        acked_checkpoints.push_back(c);
        ++fresh;
      } else {
        FAIL() << "bad line from child: " << line;
      }
    }
    zero_ack_cycles += fresh == 0 ? 1 : 0;
    most_acks = std::max<uint64_t>(most_acks, fresh);

    auto opened = Store::Open(options);
    ASSERT_TRUE(opened.ok()) << "open after SIGKILL: " << opened.status().ToString();
    std::unique_ptr<Store> store = std::move(opened).value();
    if (store->Stats().recovery.find("torn tail") != std::string::npos) ++torn_tails;
    test::CrashEventImage image;
    ASSERT_OK(test::CheckEventStore(store.get(), acked, acked_checkpoints, &verified, &image));
    ASSERT_OK(test::CheckEventPrefix(previous, image));
    ASSERT_OK(store->Close());
    auto report = Store::Verify(options);
    ASSERT_TRUE(report.ok()) << "verify after SIGKILL: " << report.status().ToString();
    EXPECT_EQ(report->events, image.journal.size());
    EXPECT_EQ(report->timelines, image.timelines.size());
    EXPECT_EQ(report->checkpoints, image.checkpoints.size());
    EXPECT_TRUE(report->checkpoint_signatures_checked);
    checkpoints_checked += image.checkpoints.size();
    previous = std::move(image);
  }
  std::printf(
      "[ harness  ] events: %d cycles: %llu acknowledged appends (%llu re-sends); in the last "
      "store %zu acknowledged checkpoints, %zu events in %zu timelines and %zu checkpoints; "
      "%llu cycles killed before any acknowledgement, at most %llu acknowledgements in a "
      "cycle, %llu torn tails repaired\n",
      cycles, static_cast<unsigned long long>(total_acked),
      static_cast<unsigned long long>(resends), acked_checkpoints.size(), previous.journal.size(),
      previous.timelines.size(), previous.checkpoints.size(),
      static_cast<unsigned long long>(zero_ack_cycles), static_cast<unsigned long long>(most_acks),
      static_cast<unsigned long long>(torn_tails));
  RecordProperty("acknowledged_appends", static_cast<int>(total_acked));
  EXPECT_GT(total_acked, 0u) << "the child never acknowledged an append: nothing was tested";
  EXPECT_GT(checkpoints_checked, 0u) << "no checkpoint was ever made";
}

}  // namespace
}  // namespace ddc
