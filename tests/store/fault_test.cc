// Proves that I/O errors (EIO and ENOSPC) never crash the store, never produce a wrong answer
// and never lose a put the store acknowledged: every call either does its job or returns a
// clean error (IOError, NoSpace, or Failed once the store has stopped accepting writes); reads
// of stored blobs return the right bytes or an error, never NotFound or other bytes; and after
// the faults stop and the machine crashes, the store reopens with every acknowledged put.
//
// How: a store on a FaultFileSystem that fails one in N operations of one kind (write, sync,
// read, open, metadata) with IOError or NoSpace while a deterministic mix of puts, batches,
// gets, MultiGets, Contains and Syncs runs; then reopen attempts with the faults still on;
// then ClearFaults, Crash and a verifying reopen. Then the I/O-error sweep (SQLite's
// do_ioerr_test): for n = 1, 2, 3, ... fail the n-th file operation of the cycle "open, put,
// batch, sync, close, reopen, get all, close" (once, or from then on), check every call, crash,
// reopen and verify, until a cycle runs without reaching operation n. Two targeted tests pin
// the acknowledgement of duplicates in a failed group and Close() of a failed store.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
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
using io::OpKind;
using test::RawCid;

const char* KindName(OpKind kind) {
  switch (kind) {
    case OpKind::kOpen:
      return "Open";
    case OpKind::kRead:
      return "Read";
    case OpKind::kWrite:
      return "Write";
    case OpKind::kSync:
      return "Sync";
    case OpKind::kTruncate:
      return "Truncate";
    case OpKind::kMetadata:
      return "Metadata";
    case OpKind::kCount:
      break;
  }
  return "?";
}

// A clean failure: the injected error, or Failed from a store that stopped writing after it.
bool IsCleanFailure(const Status& s, Status::Code injected) {
  return s.code() == injected || s.IsFailed();
}

// Reopens `options` (no faults) and checks that every blob of `acked` is there byte for byte
// and that every record is a blob of `attempted` with a matching CID.
void ExpectAllThere(const Options& options, const std::map<Cid, std::string>& acked,
                    const std::map<Cid, std::string>& attempted) {
  auto opened = Store::Open(options);
  ASSERT_TRUE(opened.ok()) << "reopen after faults and a crash: " << opened.status().ToString();
  std::unique_ptr<Store> store = std::move(opened).value();
  for (const auto& [cid, bytes] : acked) {
    auto got = store->Get(cid);
    ASSERT_TRUE(got.ok()) << "acknowledged put lost: " << cid.ToString() << ": "
                          << got.status().ToString();
    ASSERT_EQ(*got, bytes) << cid.ToString();
  }
  for (const auto& r : test::WalkStore(store.get())) {
    EXPECT_EQ(attempted.count(r.cid), 1u) << "unknown record " << r.cid.ToString();
  }
  EXPECT_OK(store->Close());
}

// ------------------------------------------------------------------------------------------
// One in N operations of a kind fails.

class OneInNFaultTest : public ::testing::TestWithParam<std::tuple<OpKind, Status::Code>> {};

TEST_P(OneInNFaultTest, CallsFailCleanlyAndAcknowledgedPutsSurvive) {
  const OpKind kind = std::get<0>(GetParam());
  const Status::Code code = std::get<1>(GetParam());
  const uint64_t base = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(base));
  uint64_t injected = 0, put_errors = 0, read_errors = 0, reads_ok = 0, acked_total = 0;
  for (uint64_t s = 0; s < 4 && !HasFailure(); ++s) {
    const uint64_t seed = base * 7 + s;
    SCOPED_TRACE("seed " + std::to_string(seed));
    io::FaultFileSystem fs;
    test::LogSink sink;
    Options options = test::FaultOptions(&fs, &sink);
    options.segment_bytes = kMinSegmentBytes;
    options.max_record_bytes = 16 << 10;
    options.snapshot_interval_bytes = 64 << 10;  // Snapshots (open, write, rename) under fault.
    std::mt19937_64 rng(seed);
    std::map<Cid, std::string> acked, attempted;
    std::vector<Cid> acked_list;
    auto note_ack = [&](const Cid& cid, const std::string& bytes) {
      if (acked.emplace(cid, bytes).second) acked_list.push_back(cid);
    };

    std::unique_ptr<Store> store;
    DDC_ASSERT_OPEN(store, options);
    for (int i = 0; i < 30; ++i) {
      const std::string b = test::RandomBlob(rng, 12 << 10);
      attempted.emplace(RawCid(b), b);
      auto r = store->PutBlob(std::string_view(b));
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      note_ack(*r, b);
    }

    fs.FailOneIn(kind, 4, code, seed);
    const bool reads_fault = kind == OpKind::kRead;
    bool writes_stopped = false;  // A put failed for a reason that stops the store.
    for (int step = 0; step < 150; ++step) {
      const uint64_t dice = rng() % 100;
      if (dice < 30) {
        const std::string b = test::RandomBlob(rng, 12 << 10);
        attempted.emplace(RawCid(b), b);
        const bool is_new = acked.count(RawCid(b)) == 0;
        auto r = store->PutBlob(std::string_view(b));
        if (r.ok()) {
          EXPECT_FALSE(writes_stopped && is_new)
              << "a new blob was acknowledged after the store failed";
          EXPECT_EQ(*r, RawCid(b));
          note_ack(*r, b);
        } else {
          ++put_errors;
          EXPECT_TRUE(IsCleanFailure(r.status(), code)) << r.status().ToString();
          if (!reads_fault) writes_stopped = true;
          if (r.status().IsFailed()) writes_stopped = true;
        }
      } else if (dice < 40) {
        std::vector<std::string> batch = {test::RandomBlob(rng, 8192), test::RandomBlob(rng, 8192),
                                          acked.at(acked_list[rng() % acked_list.size()])};
        for (const auto& b : batch) attempted.emplace(RawCid(b), b);
        auto spans = test::Spans(batch);
        auto results = store->PutBlobs(spans);
        ASSERT_EQ(results.size(), batch.size());
        for (size_t k = 0; k < batch.size(); ++k) {
          if (results[k].ok()) {
            EXPECT_EQ(*results[k], RawCid(batch[k]));
            note_ack(*results[k], batch[k]);
          } else {
            ++put_errors;
            EXPECT_TRUE(IsCleanFailure(results[k].status(), code))
                << results[k].status().ToString();
          }
        }
        if (!results[0].ok() && (!reads_fault || results[0].status().IsFailed())) {
          writes_stopped = true;
        }
      } else if (dice < 65) {
        const Cid& cid = acked_list[rng() % acked_list.size()];
        auto got = store->Get(cid);
        if (got.ok()) {
          ++reads_ok;
          EXPECT_EQ(*got, acked.at(cid)) << "wrong bytes for " << cid.ToString();
        } else {
          ++read_errors;
          EXPECT_TRUE(reads_fault)
              << "a read failed with no read fault: " << got.status().ToString();
          EXPECT_EQ(got.status().code(), code) << got.status().ToString();
        }
      } else if (dice < 75) {
        std::vector<Cid> cids = {acked_list[rng() % acked_list.size()], RawCid("absent"),
                                 acked_list[rng() % acked_list.size()]};
        auto results = store->MultiGet(cids);
        ASSERT_EQ(results.size(), cids.size());
        for (size_t k = 0; k < cids.size(); ++k) {
          if (results[k].ok()) {
            ++reads_ok;
            ASSERT_NE(k, 1u) << "an absent CID was found";
            EXPECT_EQ(*results[k], acked.at(cids[k]));
          } else if (k == 1 && results[k].status().IsNotFound()) {
            // Right answer.
          } else {
            ++read_errors;
            EXPECT_TRUE(reads_fault) << results[k].status().ToString();
            EXPECT_EQ(results[k].status().code(), code) << results[k].status().ToString();
          }
        }
      } else if (dice < 88) {
        auto has = store->Contains(acked_list[rng() % acked_list.size()]);
        if (has.ok()) {
          EXPECT_TRUE(*has) << "Contains said no to a stored blob";
        } else {
          ++read_errors;
          EXPECT_TRUE(reads_fault) << has.status().ToString();
          EXPECT_EQ(has.status().code(), code) << has.status().ToString();
        }
      } else {
        Status st = store->Sync();
        if (!st.ok()) {
          EXPECT_TRUE(IsCleanFailure(st, code)) << st.ToString();
          writes_stopped = true;
        }
      }
    }
    // Close and reopen with the faults still on: each attempt works or fails cleanly.
    Status closed = store->Close();
    EXPECT_TRUE(closed.ok() || IsCleanFailure(closed, code)) << closed.ToString();
    store.reset();
    for (int attempt = 0; attempt < 6; ++attempt) {
      auto r = Store::Open(options);
      if (!r.ok()) {
        EXPECT_EQ(r.status().code(), code) << "open under faults: " << r.status().ToString();
        continue;
      }
      const Cid& cid = acked_list[rng() % acked_list.size()];
      auto got = (*r)->Get(cid);
      if (got.ok()) {
        EXPECT_EQ(*got, acked.at(cid));
      } else {
        EXPECT_TRUE(reads_fault) << got.status().ToString();
      }
      Status c = (*r)->Close();
      EXPECT_TRUE(c.ok() || IsCleanFailure(c, code)) << c.ToString();
    }
    injected += fs.injected_failures();
    acked_total += acked.size();
    fs.ClearFaults();
    fs.Crash(CrashMode::kDropUnsynced, seed);
    ExpectAllThere(options, acked, attempted);
  }
  EXPECT_GT(injected, 0u) << "no fault was ever injected: this test tested nothing";
  std::printf(
      "[ fault    ] one in 4 %s fails with %s: %llu injected, %llu put errors, %llu "
      "read errors, %llu reads right, %llu acknowledged blobs verified after crash\n",
      KindName(kind), Status::CodeName(code), static_cast<unsigned long long>(injected),
      static_cast<unsigned long long>(put_errors), static_cast<unsigned long long>(read_errors),
      static_cast<unsigned long long>(reads_ok), static_cast<unsigned long long>(acked_total));
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, OneInNFaultTest,
    ::testing::Combine(::testing::Values(OpKind::kWrite, OpKind::kSync, OpKind::kRead,
                                         OpKind::kOpen, OpKind::kMetadata),
                       ::testing::Values(Status::Code::kIOError, Status::Code::kNoSpace)),
    [](const ::testing::TestParamInfo<std::tuple<OpKind, Status::Code>>& p) {
      return std::string(KindName(std::get<0>(p.param))) + "_" +
             Status::CodeName(std::get<1>(p.param));
    });

// ------------------------------------------------------------------------------------------
// Targeted: what a failed group commit acknowledges.

// A blob put twice in one group is written once. When that write fails, the second copy must
// fail too: it was never stored anywhere.
TEST(FaultTest, DuplicateInsideAFailedGroupIsNotAcknowledged) {
  for (Status::Code code : {Status::Code::kIOError, Status::Code::kNoSpace}) {
    SCOPED_TRACE(Status::CodeName(code));
    io::FaultFileSystem fs;
    const Options options = test::FaultOptions(&fs);
    std::unique_ptr<Store> store;
    DDC_ASSERT_OPEN(store, options);
    const std::vector<std::string> batch = {"twice", "once", "twice"};
    auto spans = test::Spans(batch);
    fs.FailOneIn(OpKind::kWrite, 1, code, 1);  // The group's one write fails.
    auto results = store->PutBlobs(spans);
    fs.ClearFaults();
    ASSERT_EQ(results.size(), 3u);
    EXPECT_FALSE(results[0].ok());
    EXPECT_FALSE(results[1].ok());
    EXPECT_FALSE(results[2].ok()) << "the duplicate of a blob whose write failed was "
                                     "acknowledged";
    // What an acknowledgement is worth: after a crash, every OK blob must be there.
    test::CrashStore(&fs, &store, CrashMode::kKeepAll, 2);
    DDC_ASSERT_OPEN(store, options);
    for (size_t i = 0; i < batch.size(); ++i) {
      if (!results[i].ok()) continue;
      auto got = store->Get(*results[i]);
      EXPECT_TRUE(got.ok()) << "blob " << i
                            << " was acknowledged but is not stored: " << got.status().ToString();
    }
  }
}

// A large batch is hashed by several threads while the group commit already writes its first
// records. With small segments the group rolls segments as it goes, so an I/O failing there
// fails the group while later records are still being hashed: every record of the group must
// fail, those included, nothing unstored may be acknowledged, and the store must reopen whole.
// A large batch put into the store that already failed fails whole too.
TEST(FaultTest, AWriteFailingInsideALargeBatchFailsTheWholeGroup) {
  std::mt19937_64 rng(5);
  std::vector<std::string> batch;
  for (int i = 0; i < 3000; ++i) batch.push_back(test::RandomString(rng, 1024));
  batch.push_back(batch[10]);  // A duplicate inside the failing group.
  for (uint64_t nth : {1u, 2u, 5u, 12u, 30u}) {
    SCOPED_TRACE("failing operation " + std::to_string(nth));
    io::FaultFileSystem fs;
    Options options = test::FaultOptions(&fs);
    options.max_record_bytes = 2048;
    options.segment_bytes = 256u << 10;  // About a dozen rolls inside the 3 MiB group.
    std::unique_ptr<Store> store;
    DDC_ASSERT_OPEN(store, options);
    auto before = store->PutBlob(std::string_view("stored before"));
    ASSERT_TRUE(before.ok());
    fs.FailNthOperation(nth, Status::Code::kIOError);
    auto results = store->PutBlobs(test::Spans(batch));
    fs.ClearFaults();
    ASSERT_EQ(results.size(), batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
      ASSERT_FALSE(results[i].ok()) << "record " << i << " of a failed group was acknowledged";
    }
    EXPECT_GE(fs.injected_failures(), 1u);
    // The store refuses writes until reopened; after a crash and a reopen it is consistent.
    EXPECT_FALSE(store->PutBlob(std::string_view("after the failure")).ok());
    for (const auto& r : store->PutBlobs(test::Spans(batch))) ASSERT_FALSE(r.ok());
    test::CrashStore(&fs, &store, CrashMode::kKeepAll, 3);
    DDC_ASSERT_OPEN(store, options);
    auto got = store->Get(*before);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, "stored before");
    ASSERT_OK(store->Close());
    auto report = Store::Verify(options);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    DDC_ASSERT_OPEN(store, options);
    auto again = store->PutBlobs(test::Spans(batch));
    for (size_t i = 0; i < batch.size(); ++i) ASSERT_TRUE(again[i].ok()) << i;
    EXPECT_EQ(store->Stats().records, 3001u);
    EXPECT_GE(store->Stats().segments, 10u);  // The group did roll segments as it went.
  }
}

// An unsynced store hands written bytes to the device as they accumulate
// (File::StartWriteback, about every 256 KiB), not all at the next fdatasync (a segment roll);
// the hints cover what was written, not more. A synced store needs none: its fdatasync follows.
TEST(FaultTest, UnsyncedWritesAreHandedToTheDeviceAsTheyAccumulate) {
  std::mt19937_64 rng(8);
  std::vector<std::string> batch;
  for (int i = 0; i < 1500; ++i) batch.push_back(test::RandomString(rng, 1024));
  const auto spans = test::Spans(batch);
  for (Durability durability : {Durability::kNone, Durability::kSyncEveryGroup}) {
    SCOPED_TRACE(static_cast<int>(durability));
    io::FaultFileSystem fs;
    Options options = test::FaultOptions(&fs);
    options.durability = durability;
    std::unique_ptr<Store> store;
    DDC_ASSERT_OPEN(store, options);
    for (size_t i = 0; i < spans.size(); i += 100) {  // 15 groups of 100 KiB.
      auto results = store->PutBlobs(std::span(spans).subspan(i, 100));
      for (const auto& r : results) ASSERT_TRUE(r.ok()) << r.status().ToString();
    }
    const StoreStats stats = store->Stats();
    EXPECT_EQ(stats.group_commits, 15u);
    if (durability == Durability::kNone) {
      EXPECT_GE(fs.writeback_hints(), 4u);
      EXPECT_GT(fs.writeback_hint_bytes(), 1024u * 1024u);
      EXPECT_LE(fs.writeback_hint_bytes(), stats.log_bytes);
    } else {
      EXPECT_EQ(fs.writeback_hints(), 0u);
    }
    ASSERT_OK(store->Close());
  }
}

// kSyncInterval: the background sync fails, so the store stops accepting writes, yet nothing a
// caller did returned an error so far. Close() promises to sync; it must not return OK for
// data it never synced.
TEST(FaultTest, CloseOfAStoreWhoseBackgroundSyncFailedReportsIt) {
  io::FaultFileSystem fs;
  Options options = test::FaultOptions(&fs);
  options.durability = Durability::kSyncInterval;
  options.sync_interval_ms = 1;
  std::unique_ptr<Store> store;
  DDC_ASSERT_OPEN(store, options);
  fs.FailOneIn(OpKind::kSync, 1, Status::Code::kIOError, 3);  // Every fdatasync fails.
  auto cid = store->PutBlob(std::string_view("acknowledged, never synced"));
  ASSERT_TRUE(cid.ok()) << cid.status().ToString();
  // Wait (not a timing assertion) until the background thread has tried and failed.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (fs.injected_failures() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_GT(fs.injected_failures(), 0u) << "the interval sync never ran";
  fs.ClearFaults();
  const Status closed = store->Close();
  EXPECT_FALSE(closed.ok()) << "Close() returned OK without syncing the acknowledged put";
  store.reset();
  if (closed.ok()) {
    // Then the put must be durable: a power failure must not take it.
    fs.Crash(CrashMode::kDropUnsynced, 4);
    DDC_ASSERT_OPEN(store, options);
    EXPECT_TRUE(store->Get(*cid).ok())
        << "Close() returned OK, then a power failure lost an acknowledged put";
  }
}

// ------------------------------------------------------------------------------------------
// The I/O-error sweep.

struct SweepCounts {
  uint64_t runs = 0;
  uint64_t runs_ok = 0;
  uint64_t acked_verified = 0;
};

// One cycle on `fs`; every call must succeed or fail cleanly. Fills `acked` (every put that
// returned OK) and `attempted`.
void RunCycle(io::FaultFileSystem* fs, const Options& options, Status::Code code, bool persistent,
              std::map<Cid, std::string>* acked, std::map<Cid, std::string>* attempted,
              bool* all_ok) {
  *all_ok = true;
  auto check = [&](const Status& s, const char* what) {
    if (s.ok()) return true;
    *all_ok = false;
    EXPECT_TRUE(IsCleanFailure(s, code)) << what << ": " << s.ToString();
    return false;
  };
  std::mt19937_64 rng(42);
  std::vector<std::string> blobs;
  for (int i = 0; i < 14; ++i) blobs.push_back(test::RandomString(rng, 1000 + rng() % 9000));
  blobs.push_back(test::CompressibleBytes(rng, 12000));
  blobs.push_back(std::string());
  for (const auto& b : blobs) attempted->emplace(RawCid(b), b);

  auto opened = Store::Open(options);
  if (!check(opened.status(), "open")) return;
  std::unique_ptr<Store> store = std::move(opened).value();
  for (size_t i = 0; i < 10; ++i) {
    auto r = store->PutBlob(std::string_view(blobs[i]));
    if (check(r.status(), "put")) acked->emplace(*r, blobs[i]);
  }
  auto r = store->PutBlob(std::string_view(blobs[3]));  // A duplicate of an earlier put.
  if (check(r.status(), "duplicate put")) acked->emplace(*r, blobs[3]);
  std::vector<std::string> batch(blobs.begin() + 10, blobs.end());
  batch.push_back(blobs[0]);   // Already stored.
  batch.push_back(blobs[11]);  // Twice in this batch.
  auto spans = test::Spans(batch);
  auto results = store->PutBlobs(spans);
  for (size_t i = 0; i < batch.size(); ++i) {
    if (check(results[i].status(), "batch put")) acked->emplace(*results[i], batch[i]);
  }
  check(store->Sync(), "sync");
  check(store->Close(), "close");
  store.reset();

  const bool failed_already = fs->injected_failures() > 0;
  opened = Store::Open(options);
  if (!persistent && failed_already) {
    // A transient error earlier in the cycle: the store must recover on its own now.
    ASSERT_TRUE(opened.ok()) << "reopen after a transient error: " << opened.status().ToString();
  }
  if (!check(opened.status(), "reopen")) return;
  store = std::move(opened).value();
  for (const auto& [cid, bytes] : *acked) {
    auto got = store->Get(cid);
    if (got.ok()) {
      EXPECT_EQ(*got, bytes) << "wrong bytes for " << cid.ToString();
    } else {
      EXPECT_FALSE(!persistent && failed_already)
          << "get after recovering from a transient error: " << got.status().ToString();
      EXPECT_FALSE(got.status().IsNotFound()) << "acknowledged put not found: " << cid.ToString();
      check(got.status(), "get");
    }
  }
  check(store->Close(), "final close");
}

class IoErrorSweepTest : public ::testing::TestWithParam<std::tuple<Status::Code, bool>> {};

TEST_P(IoErrorSweepTest, EveryOperationFailsOnceAndTheStoreStaysConsistent) {
  const Status::Code code = std::get<0>(GetParam());
  const bool persistent = std::get<1>(GetParam());
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE("DDC_TEST_SEED=" + std::to_string(seed));
  constexpr uint64_t kMaxN = 2000;
  SweepCounts counts;
  uint64_t n = 1;
  bool completed = false;
  for (; n < kMaxN && !HasFailure(); ++n) {
    for (CrashMode mode : {CrashMode::kDropUnsynced, CrashMode::kKeepAll}) {
      SCOPED_TRACE("operation " + std::to_string(n) + " fails, then " + test::CrashModeName(mode));
      io::FaultFileSystem fs;
      Options options = test::FaultOptions(&fs);
      options.segment_bytes = kMinSegmentBytes;
      options.max_record_bytes = 16 << 10;
      options.snapshot_interval_bytes = 0;  // Snapshots at Close only: a fixed op sequence.
      std::map<Cid, std::string> acked, attempted;
      fs.FailNthOperation(n, code, persistent);
      bool all_ok = false;
      RunCycle(&fs, options, code, persistent, &acked, &attempted, &all_ok);
      const uint64_t injected = fs.injected_failures();
      if (injected > 0) {
        EXPECT_FALSE(all_ok && persistent) << "failures were swallowed";
      }
      fs.ClearFaults();
      fs.Crash(mode, seed + n);
      ExpectAllThere(options, acked, attempted);
      ++counts.runs;
      counts.runs_ok += all_ok ? 1 : 0;
      counts.acked_verified += acked.size();
      if (injected == 0) {
        EXPECT_TRUE(all_ok) << "a cycle without an injected failure failed";
        completed = true;
      }
    }
    if (completed) break;
  }
  EXPECT_TRUE(completed || HasFailure())
      << "the cycle never completed within " << kMaxN << " operations";
  std::printf(
      "[ sweep    ] %s%s: %s %llu; %llu runs (%llu without error), "
      "%llu acknowledged puts verified after crash\n",
      Status::CodeName(code), persistent ? " persistent" : "",
      completed ? "cycle completed untouched at n =" : "stopped by a failure at n =",
      static_cast<unsigned long long>(completed ? n : n - 1),
      static_cast<unsigned long long>(counts.runs), static_cast<unsigned long long>(counts.runs_ok),
      static_cast<unsigned long long>(counts.acked_verified));
}

INSTANTIATE_TEST_SUITE_P(Codes, IoErrorSweepTest,
                         ::testing::Combine(::testing::Values(Status::Code::kIOError,
                                                              Status::Code::kNoSpace),
                                            ::testing::Bool()),
                         [](const ::testing::TestParamInfo<std::tuple<Status::Code, bool>>& p) {
                           return std::string(Status::CodeName(std::get<0>(p.param))) +
                                  (std::get<1>(p.param) ? "_Persistent" : "_Once");
                         });

}  // namespace
}  // namespace ddc
