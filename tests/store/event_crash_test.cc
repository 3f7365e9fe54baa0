// Proves that a crash never costs an event or a checkpoint the store promised to keep, never
// makes the store unopenable, and never leaves timelines, the journal or checkpoints that
// disagree with the stored events: after any crash, in every CrashMode and every Durability,
// the store opens (never Corruption); every append and checkpoint durable by promise is there,
// at its acknowledged position and journal index; and CheckEventStore (crash_blob.h) finds
// every timeline gap-free, its events decoding and verifying, and every root — timelines,
// journal, checkpoints — equal to the one recomputed from the stored events alone. What one
// recovery showed is a prefix of what every later one shows, and Store::Verify passes on the
// closed store with the same counts of events, timelines and checkpoints.
//
// How, part 1 (concurrent): for each CrashMode x Durability and several seeds, four threads run
// CrashEventWriter (signed events of 8 users in 3 buckets, single and batch-signed, prev links,
// Append and AppendBatch, re-sends, Checkpoint()) and call Sync() now and then, on a
// FaultFileSystem with small segments and frequent index snapshots. After a random number of
// acknowledgements the "process dies" at one of the next few file operations (a write dies
// half done), and FaultFileSystem::Crash(mode) decides what the disk kept. Durable by promise:
// with kSyncEveryGroup every acknowledged append and checkpoint; otherwise those acknowledged
// before a Sync() that returned OK began; with kKeepAll (a process crash) every acknowledged
// one in every mode. Recovery must itself be crash-proof: a power failure right after the
// recovering open changes nothing and leaves nothing to repair. Two rounds per seed, so the
// second writes on top of a recovered log.
//
// How, part 2 (every operation): a deterministic single-threaded event workload (open, which
// creates the node key; appends, a checkpoint, one AppendBatch of large events that rolls the
// segment over, Sync, more appends and a checkpoint, Close with its index snapshot; then a
// reopen that replays the events, appends, Sync, checkpoints, Close) runs once to count its
// file operations, then once per operation k with the process dying at operation k, in every
// CrashMode.
//
// Seeds come from DDC_TEST_SEED (tests/test_util.h) and are printed; DDC_EVENT_CRASH_SEEDS
// sets the number of seeds per combination in part 1 (default 3).
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "ddc/store.h"
#include "engine/io/fault_file_system.h"
#include "tests/store/crash_blob.h"
#include "tests/store/store_test_util.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using io::CrashMode;
using test::CrashCheckpointAck;
using test::CrashEventAck;
using test::CrashMix;

constexpr CrashMode kAllModes[] = {CrashMode::kDropUnsynced, CrashMode::kTearUnsynced,
                                   CrashMode::kRandomBlocks, CrashMode::kKeepAll};

int SeedsPerCombination() {
  const char* s = std::getenv("DDC_EVENT_CRASH_SEEDS");
  return s != nullptr && std::atoi(s) > 0 ? std::atoi(s) : 3;
}

// What the workload was told, in the order the acknowledgements came back.
class Ledger {
 public:
  void Add(const std::vector<CrashEventAck>& events,
           const std::vector<CrashCheckpointAck>& checkpoints) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& e : events) entries_.push_back(Entry{false, e, {}});
    for (const auto& c : checkpoints) entries_.push_back(Entry{true, {}, c});
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mu_);
    return entries_.size();
  }
  // Everything acknowledged before `n` entries was followed by an OK Sync or Close.
  void SyncedUpTo(size_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    synced_ = std::max(synced_, n);
  }
  void NewRound() {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.clear();
    synced_ = 0;
  }
  // What the store promised to keep through a crash in `mode` with `durability`.
  void Promised(CrashMode mode, Durability durability, std::vector<CrashEventAck>* events,
                std::vector<CrashCheckpointAck>* checkpoints) {
    std::lock_guard<std::mutex> lock(mu_);
    const bool all = mode == CrashMode::kKeepAll || durability == Durability::kSyncEveryGroup;
    const size_t n = all ? entries_.size() : synced_;
    for (size_t i = 0; i < n; ++i) {
      if (entries_[i].checkpoint) {
        checkpoints->push_back(entries_[i].c);
      } else {
        events->push_back(entries_[i].e);
      }
    }
  }

 private:
  struct Entry {
    bool checkpoint = false;
    CrashEventAck e;
    CrashCheckpointAck c;
  };
  std::mutex mu_;
  std::vector<Entry> entries_;
  size_t synced_ = 0;
};

struct Totals {
  uint64_t crashes = 0;
  uint64_t acked = 0;
  uint64_t promised_checked = 0;
  uint64_t events_seen = 0;
  uint64_t torn_tails = 0;
};

// Reopens after a crash and checks everything the header comment promises; with
// `crash_again`, then simulates a power failure right after that open and checks that the next
// open sees the same thing and repairs nothing. Returns the open store, or null after adding
// failures.
std::unique_ptr<Store> ReopenAndCheck(io::FaultFileSystem* fs, const Options& options,
                                      Ledger* ledger, CrashMode mode, uint64_t seed,
                                      bool crash_again, std::set<Cid>* verified,
                                      test::CrashEventImage* image, Totals* totals) {
  auto opened = Store::Open(options);
  EXPECT_TRUE(opened.ok()) << "reopen after a crash failed: " << opened.status().ToString();
  if (!opened.ok()) return nullptr;
  std::unique_ptr<Store> store = std::move(opened).value();
  if (store->Stats().recovery.find("torn tail") != std::string::npos) ++totals->torn_tails;
  std::vector<CrashEventAck> events;
  std::vector<CrashCheckpointAck> checkpoints;
  ledger->Promised(mode, options.durability, &events, &checkpoints);
  test::CrashEventImage now;
  const Status checked = test::CheckEventStore(store.get(), events, checkpoints, verified, &now);
  EXPECT_TRUE(checked.ok()) << checked.ToString();
  const Status prefix = test::CheckEventPrefix(*image, now);
  EXPECT_TRUE(prefix.ok()) << prefix.ToString();
  if (!checked.ok() || !prefix.ok()) return nullptr;
  totals->promised_checked += events.size() + checkpoints.size();
  totals->events_seen += now.journal.size();
  if (!crash_again) {
    *image = std::move(now);
    return store;
  }

  test::CrashStore(fs, &store, CrashMode::kDropUnsynced, seed);
  auto again = Store::Open(options);
  EXPECT_TRUE(again.ok()) << "second reopen failed: " << again.status().ToString();
  if (!again.ok()) return nullptr;
  const std::string recovery = (*again)->Stats().recovery;
  EXPECT_EQ(recovery.find("torn tail"), std::string::npos) << recovery;
  test::CrashEventImage second;
  const Status rechecked =
      test::CheckEventStore(again->get(), events, checkpoints, verified, &second);
  EXPECT_TRUE(rechecked.ok()) << "after the second crash: " << rechecked.ToString();
  EXPECT_TRUE(second.journal == now.journal && second.checkpoints == now.checkpoints)
      << "the second reopen after a crash sees other events (" << second.journal.size() << " vs "
      << now.journal.size() << ")";
  if (!rechecked.ok()) return nullptr;
  *image = std::move(now);
  return std::move(again).value();
}

// Closes `store` and runs Store::Verify, which must agree with `image`. False after adding
// failures. CloseVerifyReopen then opens the store again (null after adding failures).
bool CloseAndVerify(std::unique_ptr<Store> store, const Options& options,
                    const test::CrashEventImage& image) {
  EXPECT_OK(store->Close());
  store.reset();
  auto report = Store::Verify(options);
  EXPECT_TRUE(report.ok()) << "verify: " << report.status().ToString();
  if (!report.ok()) return false;
  EXPECT_EQ(report->events, image.journal.size());
  EXPECT_EQ(report->timelines, image.timelines.size());
  EXPECT_EQ(report->checkpoints, image.checkpoints.size());
  EXPECT_TRUE(report->checkpoint_signatures_checked);
  return true;
}

std::unique_ptr<Store> CloseVerifyReopen(std::unique_ptr<Store> store, const Options& options,
                                         const test::CrashEventImage& image) {
  if (!CloseAndVerify(std::move(store), options, image)) return nullptr;
  auto opened = Store::Open(options);
  EXPECT_TRUE(opened.ok()) << "open after verify: " << opened.status().ToString();
  if (!opened.ok()) return nullptr;
  return std::move(opened).value();
}

Options EventOptions(io::FaultFileSystem* fs, test::LogSink* sink, Durability durability) {
  Options o = test::FaultOptions(fs, sink);
  o.durability = durability;
  o.sync_interval_ms = 1;
  o.segment_bytes = kMinSegmentBytes;
  o.max_record_bytes = 16 << 10;
  o.checkpoint_origin = "crash.example/journal";
  return o;
}

// ------------------------------------------------------------------------------------------
// Part 1: concurrent appenders, crash at a random moment.

class ConcurrentEventCrashTest
    : public ::testing::TestWithParam<std::tuple<CrashMode, Durability>> {};

TEST_P(ConcurrentEventCrashTest, PromisedEventsSurviveAndEveryRootRecomputes) {
  const CrashMode mode = std::get<0>(GetParam());
  const Durability durability = std::get<1>(GetParam());
  const uint64_t base = test::TestSeed();
  const int seeds = SeedsPerCombination();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(base));
  std::printf("[ crash    ] events %s/%s: DDC_TEST_SEED=%llu, %d seeds\n",
              test::CrashModeName(mode), test::DurabilityName(durability),
              static_cast<unsigned long long>(base), seeds);
  Totals totals;
  constexpr uint32_t kThreads = 4;
  constexpr int kOpsPerThread = 20;
  constexpr int kRounds = 2;
  for (int s = 0; s < seeds && !HasFailure(); ++s) {
    const uint64_t seed =
        CrashMix(base, static_cast<uint64_t>(s) * 16 + static_cast<uint64_t>(mode) * 4 +
                           static_cast<uint64_t>(durability));
    SCOPED_TRACE("seed index " + std::to_string(s) + " (seed " + std::to_string(seed) + ")");
    io::FaultFileSystem fs;
    test::LogSink sink;
    Options options = EventOptions(&fs, &sink, durability);
    options.snapshot_interval_bytes = 48 << 10;
    Ledger ledger;
    std::set<Cid> verified;
    test::CrashEventImage image;
    std::unique_ptr<Store> store;
    DDC_ASSERT_OPEN(store, options);
    for (int round = 0; round < kRounds && !HasFailure(); ++round) {
      SCOPED_TRACE("round " + std::to_string(round));
      ledger.NewRound();
      std::atomic<uint64_t> counter{static_cast<uint64_t>(round) * test::kCrashNumbersPerRun};
      std::mutex mu;
      std::condition_variable cv;
      uint32_t done = 0;  // Guarded by mu.
      std::vector<std::thread> workers;
      Store* raw = store.get();
      for (uint32_t t = 0; t < kThreads; ++t) {
        workers.emplace_back([&, t] {
          test::CrashEventWriter writer(raw, seed, t, kThreads, &counter);
          std::mt19937_64 rng(CrashMix(seed, 100 + round * kThreads + t));
          bool ok = writer.Start().ok();
          for (int i = 0; i < kOpsPerThread && ok; ++i) {
            if (rng() % 100 < 8) {
              const size_t before = ledger.size();
              ok = raw->Sync().ok();
              if (ok) ledger.SyncedUpTo(before);
            } else {
              std::vector<CrashEventAck> events;
              std::vector<CrashCheckpointAck> checkpoints;
              ok = writer.Step(&events, &checkpoints).ok();
              EXPECT_EQ(writer.inconsistency(), "");
              ledger.Add(events, checkpoints);
            }
            cv.notify_all();
          }
          std::lock_guard<std::mutex> lock(mu);
          ++done;
          cv.notify_all();
        });
      }
      // Die after a random number of acknowledgements (possibly all of them), at one of the
      // next few file operations. Polling here is a wait, not a timing assertion.
      std::mt19937_64 rng(CrashMix(seed, 1000 + static_cast<uint64_t>(round)));
      const size_t target = rng() % (kThreads * kOpsPerThread * 2);
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return done == kThreads || ledger.size() >= target; });
      }
      fs.FailNthOperation(1 + rng() % 8, Status::Code::kIOError, /*persistent=*/true);
      for (;;) {
        {
          std::lock_guard<std::mutex> lock(mu);
          if (done == kThreads) break;
        }
        if (fs.injected_failures() > 0) break;
        std::this_thread::yield();
      }
      test::CrashStore(&fs, &store, mode, CrashMix(seed, 2000 + static_cast<uint64_t>(round)), [&] {
        for (auto& w : workers) w.join();
      });
      ++totals.crashes;
      totals.acked += ledger.size();
      store = ReopenAndCheck(&fs, options, &ledger, mode,
                             CrashMix(seed, 3000 + static_cast<uint64_t>(round)),
                             /*crash_again=*/true, &verified, &image, &totals);
      ASSERT_NE(store, nullptr);
      store = CloseVerifyReopen(std::move(store), options, image);
      ASSERT_NE(store, nullptr);
    }
    if (store != nullptr) EXPECT_OK(store->Close());
  }
  std::printf(
      "[ crash    ] events %s/%s: %llu crashes, %llu acknowledgements, %llu promised ones "
      "verified, %llu events checked after recoveries, %llu torn tails repaired\n",
      test::CrashModeName(mode), test::DurabilityName(durability),
      static_cast<unsigned long long>(totals.crashes),
      static_cast<unsigned long long>(totals.acked),
      static_cast<unsigned long long>(totals.promised_checked),
      static_cast<unsigned long long>(totals.events_seen),
      static_cast<unsigned long long>(totals.torn_tails));
  EXPECT_GT(totals.acked, 0u) << "nothing was ever acknowledged: nothing was tested";
}

INSTANTIATE_TEST_SUITE_P(AllModes, ConcurrentEventCrashTest,
                         ::testing::Combine(::testing::ValuesIn(kAllModes),
                                            ::testing::Values(Durability::kSyncEveryGroup,
                                                              Durability::kSyncInterval,
                                                              Durability::kNone)),
                         [](const ::testing::TestParamInfo<std::tuple<CrashMode, Durability>>& p) {
                           return std::string(test::CrashModeName(std::get<0>(p.param))) + "_" +
                                  test::DurabilityName(std::get<1>(p.param));
                         });

// ------------------------------------------------------------------------------------------
// Part 2: the process dies at file operation k, for every k.

enum class Phase { kOpen, kAppend, kRolloverAppend, kCheckpoint, kSync, kClose };

struct StepLog {
  std::vector<std::pair<uint64_t, Phase>> ends;  // Operation count at the end of each step.
  Phase PhaseOf(uint64_t op) const {
    for (const auto& [end, phase] : ends) {
      if (op <= end) return phase;
    }
    return Phase::kClose;
  }
};

// The deterministic workload: two runs of the store, each from Open to Close. kBatch is
// one AppendBatch of large events that rolls the segment over.
enum class Act { kStep, kBatch, kCheckpoint, kSync };
constexpr Act kRuns[2][10] = {{Act::kStep, Act::kStep, Act::kCheckpoint, Act::kBatch, Act::kStep,
                               Act::kSync, Act::kStep, Act::kCheckpoint, Act::kStep, Act::kStep},
                              {Act::kStep, Act::kStep, Act::kCheckpoint, Act::kStep, Act::kSync,
                               Act::kStep, Act::kStep, Act::kStep, Act::kStep, Act::kCheckpoint}};
constexpr uint64_t kBatchEvents = 32;  // At least 66 KiB: more than a segment.

// Runs the workload until its first failure (the process has died). With `steps`, records
// where each step ended.
void RunEventWorkload(io::FaultFileSystem* fs, const Options& options, uint64_t seed,
                      Ledger* ledger, StepLog* steps) {
  auto mark = [&](Phase phase) {
    if (steps != nullptr) steps->ends.emplace_back(fs->operation_count(), phase);
  };
  for (int run = 0; run < 2; ++run) {
    auto opened = Store::Open(options);
    mark(Phase::kOpen);
    if (!opened.ok()) return;
    std::unique_ptr<Store> store = std::move(opened).value();
    std::atomic<uint64_t> counter{static_cast<uint64_t>(run) * test::kCrashNumbersPerRun};
    test::CrashEventWriter writer(store.get(), seed, 0, 1, &counter);
    if (!writer.Start().ok()) return;
    for (Act act : kRuns[run]) {
      std::vector<CrashEventAck> events;
      std::vector<CrashCheckpointAck> checkpoints;
      const uint32_t segments_before = store->Stats().segments;
      bool ok = true;
      if (act == Act::kSync) {
        const size_t before = ledger->size();
        ok = store->Sync().ok();
        mark(Phase::kSync);
        if (ok) ledger->SyncedUpTo(before);
      } else if (act == Act::kCheckpoint) {
        auto c = store->Checkpoint();
        ok = c.ok();
        if (ok) checkpoints.push_back(CrashCheckpointAck{c->size, c->cid});
        mark(Phase::kCheckpoint);
      } else {
        ok = (act == Act::kBatch ? writer.StepBatch(kBatchEvents, &events)
                                 : writer.Step(&events, &checkpoints))
                 .ok();
        EXPECT_EQ(writer.inconsistency(), "");
        mark(store->Stats().segments != segments_before ? Phase::kRolloverAppend : Phase::kAppend);
      }
      ledger->Add(events, checkpoints);
      if (!ok) return;
    }
    const size_t before = ledger->size();
    const bool closed = store->Close().ok();
    mark(Phase::kClose);
    if (!closed) return;
    ledger->SyncedUpTo(before);
  }
}

class EveryOperationEventCrashTest : public ::testing::TestWithParam<Durability> {};

TEST_P(EveryOperationEventCrashTest, DyingAtAnyFileOperationLosesNoPromisedEvent) {
  const Durability durability = GetParam();
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  test::LogSink sink;
  // The dry run: how many operations, and which step each belongs to.
  uint64_t total = 0;
  StepLog steps;
  {
    io::FaultFileSystem fs;
    Ledger ledger;
    RunEventWorkload(&fs, EventOptions(&fs, &sink, durability), seed, &ledger, &steps);
    total = fs.operation_count();
    ASSERT_EQ(fs.injected_failures(), 0u);
    ASSERT_GT(total, 50u);
  }
  std::map<Phase, uint64_t> crashed_in;
  Totals totals;
  for (uint64_t k = 1; k <= total && !HasFailure(); ++k) {
    for (CrashMode mode : kAllModes) {
      SCOPED_TRACE("process dies at operation " + std::to_string(k) + " of " +
                   std::to_string(total) + ", then " + test::CrashModeName(mode));
      io::FaultFileSystem fs;
      const Options options = EventOptions(&fs, &sink, durability);
      Ledger ledger;
      fs.FailNthOperation(k, Status::Code::kIOError, /*persistent=*/true);
      RunEventWorkload(&fs, options, seed, &ledger, nullptr);
      fs.Crash(mode, CrashMix(seed, k));
      fs.ClearFaults();
      ++crashed_in[steps.PhaseOf(k)];
      ++totals.crashes;
      totals.acked += ledger.size();
      std::set<Cid> verified;
      test::CrashEventImage image;
      std::unique_ptr<Store> store =
          ReopenAndCheck(&fs, options, &ledger, mode, CrashMix(seed, k + total),
                         /*crash_again=*/false, &verified, &image, &totals);
      ASSERT_NE(store, nullptr);
      ASSERT_TRUE(CloseAndVerify(std::move(store), options, image));
      sink.Clear();
    }
  }
  std::printf(
      "[ crash    ] events, every operation, %s: DDC_TEST_SEED=%llu, %llu operations x 4 modes "
      "= %llu crashes (in open %llu, append %llu, rollover append %llu, checkpoint %llu, sync "
      "%llu, close+snapshot %llu), %llu acknowledgements, %llu promised ones verified, %llu "
      "torn tails repaired\n",
      test::DurabilityName(durability), static_cast<unsigned long long>(seed),
      static_cast<unsigned long long>(total), static_cast<unsigned long long>(totals.crashes),
      static_cast<unsigned long long>(crashed_in[Phase::kOpen]),
      static_cast<unsigned long long>(crashed_in[Phase::kAppend]),
      static_cast<unsigned long long>(crashed_in[Phase::kRolloverAppend]),
      static_cast<unsigned long long>(crashed_in[Phase::kCheckpoint]),
      static_cast<unsigned long long>(crashed_in[Phase::kSync]),
      static_cast<unsigned long long>(crashed_in[Phase::kClose]),
      static_cast<unsigned long long>(totals.acked),
      static_cast<unsigned long long>(totals.promised_checked),
      static_cast<unsigned long long>(totals.torn_tails));
  // The workload is built to pass through rollovers, checkpoints and snapshot writes; if it
  // stopped doing so, this test would quietly stop testing them.
  EXPECT_GT(crashed_in[Phase::kRolloverAppend], 0u);
  EXPECT_GT(crashed_in[Phase::kCheckpoint], 0u);
  EXPECT_GT(crashed_in[Phase::kClose], 0u);
}

INSTANTIATE_TEST_SUITE_P(Durabilities, EveryOperationEventCrashTest,
                         ::testing::Values(Durability::kSyncEveryGroup, Durability::kNone),
                         [](const ::testing::TestParamInfo<Durability>& p) {
                           return std::string(test::DurabilityName(p.param));
                         });

}  // namespace
}  // namespace ddc
