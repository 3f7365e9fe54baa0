// Proves that a crash never costs a write the store promised to keep and never makes the
// store unopenable: after any crash, in every CrashMode and every Durability, the store opens
// (never Corruption), every put that was durable by promise is there byte for byte, every
// record is one that somebody tried to put and hashes to its CID, and recovery is itself
// crash-proof (a power failure right after the recovering open changes nothing).
//
// How, part 1 (concurrent): for each CrashMode x Durability and many seeds, four threads put
// random blobs (sizes from empty to max_record_bytes, half compressible, duplicates within and
// across threads, PutBlobs batches) and call Sync() now and then, on a FaultFileSystem with
// small segments and frequent index snapshots. At a random number of acknowledgements the
// "process dies": every file operation from then on fails, and FaultFileSystem::Crash(mode)
// decides what the disk kept. Durable by promise: with kSyncEveryGroup every acknowledged put;
// otherwise every put acknowledged before a Sync() that returned OK began; with kKeepAll (a
// process crash) every acknowledged put in every mode (options.h). The process dies at a
// random file operation while the threads run, so writes die half done. Two rounds per seed,
// so the second round writes on top of a recovered log.
//
// How, part 2 (every operation): a deterministic single-threaded workload (open, puts that
// roll segments, Sync, Close with its snapshot, reopen, more puts, Close) is run once to count
// its file operations, then once per operation k with the process dying at operation k, in
// every CrashMode: so every step of every rollover and snapshot write is crashed into.
//
// Seeds come from DDC_TEST_SEED (tests/test_util.h) and are printed; DDC_CRASH_SEEDS sets the
// number of seeds per combination in part 1 (default 30).
#include <gtest/gtest.h>

#include <algorithm>
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
#include "tests/store/store_test_util.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using io::CrashMode;
using test::RawCid;
using test::WalkedRecord;

constexpr CrashMode kAllModes[] = {CrashMode::kDropUnsynced, CrashMode::kTearUnsynced,
                                   CrashMode::kRandomBlocks, CrashMode::kKeepAll};

uint64_t Mix(uint64_t a, uint64_t b) {
  uint64_t z = a + 0x9e3779b97f4a7c15ull * (b + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

int SeedsPerCombination() {
  const char* s = std::getenv("DDC_CRASH_SEEDS");
  return s != nullptr && std::atoi(s) > 0 ? std::atoi(s) : 30;
}

// What the workload did, as far as the store told it.
struct Ledger {
  std::mutex mu;
  std::map<Cid, std::string> attempted;  // Every blob any put was asked to store.
  std::vector<Cid> acked;                // Puts that returned OK, in the order they returned.
  size_t synced_prefix = 0;              // acked[0, synced_prefix) preceded an OK Sync/Close.
  std::set<Cid> durable;                 // Present after an earlier recovery: must stay.

  void Attempt(const std::string& bytes) {
    std::lock_guard<std::mutex> lock(mu);
    attempted.emplace(RawCid(bytes), bytes);
  }
  void Ack(const Cid& cid) {
    std::lock_guard<std::mutex> lock(mu);
    acked.push_back(cid);
  }
  size_t AckedSoFar() {
    std::lock_guard<std::mutex> lock(mu);
    return acked.size();
  }
  void SyncedUpTo(size_t n) {
    std::lock_guard<std::mutex> lock(mu);
    synced_prefix = std::max(synced_prefix, n);
  }
  // The CIDs the store promised to keep through a crash in `mode` with `durability`.
  std::set<Cid> Promised(CrashMode mode, Durability durability) {
    std::lock_guard<std::mutex> lock(mu);
    std::set<Cid> out = durable;
    const bool all = mode == CrashMode::kKeepAll || durability == Durability::kSyncEveryGroup;
    const size_t n = all ? acked.size() : synced_prefix;
    out.insert(acked.begin(), acked.begin() + static_cast<std::ptrdiff_t>(n));
    return out;
  }
};

struct Totals {
  uint64_t crashes = 0;
  uint64_t acked = 0;
  uint64_t promised_checked = 0;
  uint64_t records_walked = 0;
  uint64_t torn_tails = 0;
  uint64_t snapshots_interrupted = 0;
};

// Reopens after a crash and checks everything the header comment promises. Returns the store
// (open) and its records, or null after adding failures.
std::unique_ptr<Store> ReopenAndVerify(const Options& options, Ledger* ledger, CrashMode mode,
                                       std::vector<WalkedRecord>* walked, Totals* totals) {
  auto opened = Store::Open(options);
  EXPECT_TRUE(opened.ok()) << "reopen after a crash failed: " << opened.status().ToString();
  if (!opened.ok()) return nullptr;
  std::unique_ptr<Store> store = std::move(opened).value();
  const std::set<Cid> promised = ledger->Promised(mode, options.durability);
  for (const Cid& cid : promised) {
    auto got = store->Get(cid);
    EXPECT_TRUE(got.ok()) << "a put durable by promise is gone: " << cid.ToString() << ": "
                          << got.status().ToString();
    if (!got.ok()) return nullptr;
    EXPECT_EQ(*got, ledger->attempted.at(cid)) << cid.ToString();
    ++totals->promised_checked;
  }
  *walked = test::WalkStore(store.get());
  for (const WalkedRecord& r : *walked) {
    EXPECT_EQ(ledger->attempted.count(r.cid), 1u)
        << "a record nobody put appeared: " << r.cid.ToString();
    auto got = store->Get(r.cid);  // The index agrees with the log.
    EXPECT_TRUE(got.ok() && *got == r.value) << r.cid.ToString() << ": " << got.status().ToString();
  }
  EXPECT_EQ(store->Stats().records, walked->size());
  totals->records_walked += walked->size();
  if (store->Stats().recovery.find("torn tail") != std::string::npos) ++totals->torn_tails;
  return store;
}

// A power failure right after the recovering open: the next open must see the same log, and
// have nothing left to repair.
std::unique_ptr<Store> CrashAgainAndCompare(io::FaultFileSystem* fs, std::unique_ptr<Store> store,
                                            const Options& options,
                                            const std::vector<WalkedRecord>& walked,
                                            uint64_t seed) {
  test::CrashStore(fs, &store, CrashMode::kDropUnsynced, seed);
  auto again = Store::Open(options);
  EXPECT_TRUE(again.ok()) << "second reopen failed: " << again.status().ToString();
  if (!again.ok()) return nullptr;
  const std::string recovery = (*again)->Stats().recovery;
  EXPECT_EQ(recovery.find("torn tail"), std::string::npos) << recovery;
  EXPECT_EQ(recovery.find("removed"), std::string::npos) << recovery;
  EXPECT_TRUE(test::WalkStore(again->get()) == walked)
      << "the second reopen after a crash sees a different log";
  return std::move(again).value();
}

// ------------------------------------------------------------------------------------------
// Part 1: concurrent writers, crash at a random moment.

class ConcurrentCrashTest : public ::testing::TestWithParam<std::tuple<CrashMode, Durability>> {};

TEST_P(ConcurrentCrashTest, PromisedWritesSurviveAndRecoveryIsClean) {
  const CrashMode mode = std::get<0>(GetParam());
  const Durability durability = std::get<1>(GetParam());
  const uint64_t base = test::TestSeed();
  const int seeds = SeedsPerCombination();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(base));
  std::printf("[ crash    ] %s/%s: DDC_TEST_SEED=%llu, %d seeds\n", test::CrashModeName(mode),
              test::DurabilityName(durability), static_cast<unsigned long long>(base), seeds);
  Totals totals;
  constexpr int kThreads = 4;
  constexpr int kOpsPerThread = 30;
  constexpr int kRounds = 2;
  for (int s = 0; s < seeds && !HasFailure(); ++s) {
    const uint64_t seed =
        Mix(base, static_cast<uint64_t>(s) * 16 + static_cast<uint64_t>(mode) * 4 +
                      static_cast<uint64_t>(durability));
    SCOPED_TRACE("seed index " + std::to_string(s) + " (seed " + std::to_string(seed) + ")");
    io::FaultFileSystem fs;
    test::LogSink sink;
    Options options = test::FaultOptions(&fs, &sink);
    options.durability = durability;
    options.sync_interval_ms = 1;
    options.segment_bytes = kMinSegmentBytes;
    options.max_record_bytes = 16 << 10;
    options.snapshot_interval_bytes = 96 << 10;
    Ledger ledger;
    std::mt19937_64 common_rng(seed);
    std::vector<std::string> common;  // Put by every thread: cross-thread duplicates.
    for (int i = 0; i < 6; ++i) common.push_back(test::RandomBlob(common_rng, 4096));

    std::unique_ptr<Store> store;
    DDC_ASSERT_OPEN(store, options);
    for (int round = 0; round < kRounds && !HasFailure(); ++round) {
      SCOPED_TRACE("round " + std::to_string(round));
      ledger.acked.clear();
      ledger.synced_prefix = 0;
      std::mutex mu;
      std::condition_variable cv;
      int done = 0;  // Guarded by mu.
      std::vector<std::thread> workers;
      Store* raw = store.get();
      for (int t = 0; t < kThreads; ++t) {
        workers.emplace_back([&, t] {
          std::mt19937_64 rng(Mix(seed, static_cast<uint64_t>(round * kThreads + t)));
          std::vector<std::string> mine;
          auto put = [&](const std::string& b) {
            ledger.Attempt(b);
            auto r = raw->PutBlob(std::string_view(b));
            if (!r.ok()) return false;
            ledger.Ack(*r);
            return true;
          };
          bool ok = true;
          for (int i = 0; i < kOpsPerThread && ok; ++i) {
            const uint64_t dice = rng() % 100;
            if (dice < 6) {
              const size_t before = ledger.AckedSoFar();
              ok = raw->Sync().ok();
              if (ok) ledger.SyncedUpTo(before);
            } else if (dice < 16) {
              std::vector<std::string> batch;
              for (uint64_t k = 0, n = 2 + rng() % 4; k < n; ++k) {
                batch.push_back(k == 2 && !mine.empty() ? mine[rng() % mine.size()]
                                                        : test::RandomBlob(rng, 16 << 10));
              }
              batch.push_back(batch[0]);  // A duplicate inside the batch.
              for (const std::string& b : batch) ledger.Attempt(b);
              auto spans = test::Spans(batch);
              auto results = raw->PutBlobs(spans);
              for (const auto& r : results) {
                if (r.ok()) {
                  ledger.Ack(*r);
                } else {
                  ok = false;
                }
              }
              mine.insert(mine.end(), batch.begin(), batch.end());
            } else if (dice < 30 && !mine.empty()) {
              ok = put(mine[rng() % mine.size()]);
            } else if (dice < 38) {
              ok = put(common[rng() % common.size()]);
            } else {
              mine.push_back(test::RandomBlob(rng, 16 << 10));
              ok = put(mine.back());
            }
            cv.notify_all();
          }
          std::lock_guard<std::mutex> lock(mu);
          ++done;
          cv.notify_all();
        });
      }
      // Die after a random number of acknowledgements (possibly all of them).
      std::mt19937_64 rng(Mix(seed, 1000 + static_cast<uint64_t>(round)));
      const size_t target = rng() % (kThreads * kOpsPerThread);
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return done == kThreads || ledger.AckedSoFar() >= target; });
      }
      // The process dies at one of the next few file operations, in the middle of whatever
      // the threads are doing (a write dies having written a random prefix), or now if they
      // are already done. Polling here is a wait, not a timing assertion.
      fs.FailNthOperation(1 + rng() % 8, Status::Code::kIOError, /*persistent=*/true);
      for (;;) {
        {
          std::lock_guard<std::mutex> lock(mu);
          if (done == kThreads) break;
        }
        if (fs.injected_failures() > 0) break;
        std::this_thread::yield();
      }
      test::CrashStore(&fs, &store, mode, Mix(seed, 2000 + static_cast<uint64_t>(round)), [&] {
        for (auto& w : workers) w.join();
      });
      ++totals.crashes;
      totals.acked += ledger.acked.size();
      totals.snapshots_interrupted += sink.CountContaining("index snapshot not written");
      sink.Clear();

      std::vector<WalkedRecord> walked;
      store = ReopenAndVerify(options, &ledger, mode, &walked, &totals);
      ASSERT_NE(store, nullptr);
      store = CrashAgainAndCompare(&fs, std::move(store), options, walked,
                                   Mix(seed, 3000 + static_cast<uint64_t>(round)));
      ASSERT_NE(store, nullptr);
      // Whatever recovery kept is now on disk and must outlive every later crash.
      for (const WalkedRecord& r : walked) ledger.durable.insert(r.cid);
    }
    if (store != nullptr) EXPECT_OK(store->Close());
  }
  std::printf(
      "[ crash    ] %s/%s: %llu crashes, %llu acknowledged puts, %llu promised puts verified, "
      "%llu records walked, %llu torn tails repaired, %llu snapshot writes interrupted\n",
      test::CrashModeName(mode), test::DurabilityName(durability),
      static_cast<unsigned long long>(totals.crashes),
      static_cast<unsigned long long>(totals.acked),
      static_cast<unsigned long long>(totals.promised_checked),
      static_cast<unsigned long long>(totals.records_walked),
      static_cast<unsigned long long>(totals.torn_tails),
      static_cast<unsigned long long>(totals.snapshots_interrupted));
}

INSTANTIATE_TEST_SUITE_P(AllModes, ConcurrentCrashTest,
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

// Where in the workload each file operation falls, for reporting what was crashed into.
enum class Phase { kOpen, kPut, kRolloverPut, kSync, kClose };

struct StepLog {
  std::vector<std::pair<uint64_t, Phase>> ends;  // Operation count at the end of each step.
  Phase PhaseOf(uint64_t op) const {
    for (const auto& [end, phase] : ends) {
      if (op <= end) return phase;
    }
    return Phase::kClose;
  }
};

// Runs the deterministic workload until a call fails. Records acks and attempts in `ledger`;
// with `steps`, the operation count after each step.
void RunWorkload(io::FaultFileSystem* fs, const Options& options, uint64_t seed, Ledger* ledger,
                 StepLog* steps) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> put_so_far;
  auto mark = [&](Phase p) {
    if (steps != nullptr) steps->ends.emplace_back(fs->operation_count(), p);
  };
  for (int session = 0; session < 2; ++session) {
    auto opened = Store::Open(options);
    mark(Phase::kOpen);
    if (!opened.ok()) return;
    std::unique_ptr<Store> store = std::move(opened).value();
    const int puts = session == 0 ? 24 : 12;
    for (int i = 0; i < puts; ++i) {
      const uint32_t segments_before = store->Stats().segments;
      bool ok = true;
      if (i % 6 == 5) {
        std::vector<std::string> batch = {test::RandomBlob(rng, 6000),
                                          put_so_far[rng() % put_so_far.size()],
                                          test::RandomString(rng, 1 + rng() % 6000)};
        for (const std::string& b : batch) ledger->Attempt(b);
        auto spans = test::Spans(batch);
        for (const auto& r : store->PutBlobs(spans)) {
          if (r.ok()) {
            ledger->Ack(*r);
          } else {
            ok = false;
          }
        }
        put_so_far.insert(put_so_far.end(), batch.begin(), batch.end());
      } else {
        const std::string b = i % 5 == 4 ? put_so_far[rng() % put_so_far.size()]
                                         : test::RandomString(rng, 500 + rng() % 6000);
        ledger->Attempt(b);
        auto r = store->PutBlob(std::string_view(b));
        ok = r.ok();
        if (ok) ledger->Ack(*r);
        put_so_far.push_back(b);
      }
      mark(store->Stats().segments != segments_before ? Phase::kRolloverPut : Phase::kPut);
      if (!ok) return;
      if (i % 8 == 7) {
        const size_t before = ledger->AckedSoFar();
        const bool synced = store->Sync().ok();
        mark(Phase::kSync);
        if (!synced) return;
        ledger->SyncedUpTo(before);
      }
    }
    const size_t before = ledger->AckedSoFar();
    const bool closed = store->Close().ok();
    mark(Phase::kClose);
    if (!closed) return;
    ledger->SyncedUpTo(before);
  }
}

class EveryOperationCrashTest : public ::testing::TestWithParam<Durability> {};

TEST_P(EveryOperationCrashTest, DyingAtAnyFileOperationLosesNothingPromised) {
  const Durability durability = GetParam();
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  test::LogSink sink;
  auto make_options = [&](io::FaultFileSystem* fs) {
    Options o = test::FaultOptions(fs, &sink);
    o.durability = durability;
    o.segment_bytes = kMinSegmentBytes;
    o.max_record_bytes = 16 << 10;
    o.snapshot_interval_bytes = 0;  // Snapshots only at Close: the op sequence is fixed.
    return o;
  };
  // The dry run: how many operations, and which step each belongs to.
  uint64_t total = 0;
  StepLog steps;
  {
    io::FaultFileSystem fs;
    Ledger ledger;
    RunWorkload(&fs, make_options(&fs), seed, &ledger, &steps);
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
      const Options options = make_options(&fs);
      Ledger ledger;
      fs.FailNthOperation(k, Status::Code::kIOError, /*persistent=*/true);
      RunWorkload(&fs, options, seed, &ledger, nullptr);
      fs.Crash(mode, Mix(seed, k));
      fs.ClearFaults();
      ++crashed_in[steps.PhaseOf(k)];
      ++totals.crashes;
      totals.acked += ledger.acked.size();
      std::vector<WalkedRecord> walked;
      std::unique_ptr<Store> store = ReopenAndVerify(options, &ledger, mode, &walked, &totals);
      ASSERT_NE(store, nullptr);
      store = CrashAgainAndCompare(&fs, std::move(store), options, walked, Mix(seed, k + total));
      ASSERT_NE(store, nullptr);
    }
  }
  std::printf(
      "[ crash    ] every operation, %s: DDC_TEST_SEED=%llu, %llu operations x 4 modes = %llu "
      "crashes (in open %llu, put %llu, rollover put %llu, sync %llu, close+snapshot %llu), "
      "%llu acknowledged puts, %llu promised puts verified, %llu torn tails repaired\n",
      test::DurabilityName(durability), static_cast<unsigned long long>(seed),
      static_cast<unsigned long long>(total), static_cast<unsigned long long>(totals.crashes),
      static_cast<unsigned long long>(crashed_in[Phase::kOpen]),
      static_cast<unsigned long long>(crashed_in[Phase::kPut]),
      static_cast<unsigned long long>(crashed_in[Phase::kRolloverPut]),
      static_cast<unsigned long long>(crashed_in[Phase::kSync]),
      static_cast<unsigned long long>(crashed_in[Phase::kClose]),
      static_cast<unsigned long long>(totals.acked),
      static_cast<unsigned long long>(totals.promised_checked),
      static_cast<unsigned long long>(totals.torn_tails));
  // The workload is built to pass through rollovers and snapshot writes; if it stopped doing
  // so, this test would quietly stop testing them.
  EXPECT_GT(crashed_in[Phase::kRolloverPut], 0u);
  EXPECT_GT(crashed_in[Phase::kClose], 0u);
}

INSTANTIATE_TEST_SUITE_P(Durabilities, EveryOperationCrashTest,
                         ::testing::Values(Durability::kSyncEveryGroup, Durability::kNone),
                         [](const ::testing::TestParamInfo<Durability>& p) {
                           return std::string(test::DurabilityName(p.param));
                         });

}  // namespace
}  // namespace ddc
