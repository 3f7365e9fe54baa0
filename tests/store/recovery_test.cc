// Proves that opening a store walks the recovery case table of engine/log/segment_reader.h and
// engine/store/store_open.cc: damage that a crash can cause (a torn tail, a segment whose
// header never reached the disk, an unusable index snapshot) is repaired, reported in
// Stats().recovery and loses nothing older; damage a crash cannot cause (a bad record before
// records written after a sync, anything in a sealed segment, a missing segment) fails the
// open with Corruption naming the file and offset, and leaves the files as they were.
//
// How: build a store on a FaultFileSystem, stop it like a killed process (no Close, so no
// snapshot unless the case wants one), damage exact bytes with ReadAll/WriteAll/FlipBit at
// offsets taken from the iterator, reopen and compare with what was put.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ddc/store.h"
#include "engine/index/snapshot.h"
#include "engine/io/fault_file_system.h"
#include "engine/log/format.h"
#include "tests/store/store_test_util.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

using test::RawCid;
using test::WalkedRecord;

constexpr uint64_t kRecordOverhead = log::kRecordHeaderBytes + Cid::kBinaryBytes;

std::string SegPath(uint32_t id) { return "/db/" + log::SegmentFileName(id); }
const std::string kSnapPath = std::string("/db/") + index::kSnapshotFileName;

class RecoveryTest : public ::testing::Test {
 protected:
  RecoveryTest() : options_(test::FaultOptions(&fs_, &sink_)) {}

  // Puts `n` distinct random (incompressible) blobs of `size` bytes with kSyncEveryGroup, one
  // group each. With `close`, closes the store (which writes a snapshot); otherwise stops it
  // like a killed process whose page cache survived (kKeepAll), so that no snapshot exists and
  // every record is replayed at the next open. Returns the records in log order.
  std::vector<WalkedRecord> Populate(int n, size_t size, bool close) {
    std::unique_ptr<Store> store;
    auto opened = Store::Open(options_);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (!opened.ok()) return {};
    store = std::move(opened).value();
    std::mt19937_64 rng(static_cast<uint64_t>(n) * 31 + size);
    for (int i = 0; i < n; ++i) {
      const std::string b = test::RandomString(rng, size);
      auto cid = store->PutBlob(std::string_view(b));
      EXPECT_TRUE(cid.ok()) << cid.status().ToString();
    }
    std::vector<WalkedRecord> walked = test::WalkStore(store.get());
    EXPECT_EQ(walked.size(), static_cast<size_t>(n));
    if (close) {
      EXPECT_OK(store->Close());
    } else {
      test::CrashStore(&fs_, &store, io::CrashMode::kKeepAll, 1);
    }
    return walked;
  }

  std::vector<uint8_t> Bytes(const std::string& path) {
    auto r = fs_.ReadAll(path);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<uint8_t>();
  }

  void CutTo(const std::string& path, uint64_t size) {
    std::vector<uint8_t> b = Bytes(path);
    ASSERT_LE(size, b.size());
    b.resize(size);
    ASSERT_OK(fs_.WriteAll(path, b));
  }

  // Every file of the store with its bytes, to show a failed open changed nothing.
  std::map<std::string, std::vector<uint8_t>> AllFiles() {
    std::map<std::string, std::vector<uint8_t>> out;
    auto names = fs_.ListDir("/db");
    EXPECT_TRUE(names.ok());
    if (!names.ok()) return out;
    for (const std::string& n : *names) {
      if (n != "LOCK") out[n] = Bytes("/db/" + n);
    }
    return out;
  }

  // Opens, expecting Corruption whose message names every string in `needles`, and that the
  // failed open left every file as it was.
  void ExpectCorruption(const std::vector<std::string>& needles, const Options& o) {
    const auto before = AllFiles();
    auto r = Store::Open(o);
    ASSERT_FALSE(r.ok()) << "open succeeded on a damaged store; recovery: "
                         << (*r)->Stats().recovery;
    EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
    for (const std::string& n : needles) {
      EXPECT_NE(r.status().message().find(n), std::string::npos)
          << "the error does not name '" << n << "': " << r.status().ToString();
    }
    EXPECT_EQ(AllFiles(), before) << "a failed open modified the store's files";
  }
  void ExpectCorruption(const std::vector<std::string>& needles) {
    ExpectCorruption(needles, options_);
  }

  // Opens and checks that exactly `want` is stored: Get for each, and a full walk.
  std::unique_ptr<Store> OpenAndExpect(const std::vector<WalkedRecord>& want) {
    auto r = Store::Open(options_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return nullptr;
    std::unique_ptr<Store> store = std::move(r).value();
    EXPECT_EQ(store->Stats().records, want.size());
    for (const WalkedRecord& w : want) {
      auto got = store->Get(w.cid);
      EXPECT_TRUE(got.ok()) << got.status().ToString();
      if (got.ok()) {
        EXPECT_EQ(*got, w.value);
      }
    }
    const auto walked = test::WalkStore(store.get());
    EXPECT_EQ(walked.size(), want.size());
    for (size_t i = 0; i < std::min(walked.size(), want.size()); ++i) {
      EXPECT_EQ(walked[i].cid, want[i].cid) << "record " << i;
    }
    return store;
  }

  io::FaultFileSystem fs_;
  test::LogSink sink_;
  Options options_;
};

// ------------------------------------------------------------------------------------------
// Torn tails of the last segment.

enum class TailDamage {
  kPartialHeader,      // The last record cut inside its header.
  kPartialBody,        // ... inside its key and value.
  kBadBodyChecksum,    // Whole, but a bit of its value flipped.
  kBadHeaderChecksum,  // Whole, but a bit of its header flipped.
  kZeroBlockAppended,  // A 4 KiB hole of zeros after the last record (kRandomBlocks).
  kGarbageAppended,    // Random bytes after the last record.
};

class TornTailTest : public RecoveryTest, public ::testing::WithParamInterface<TailDamage> {};

TEST_P(TornTailTest, IsTruncatedAndReportedAndEarlierRecordsSurvive) {
  const auto records = Populate(20, 700, /*close=*/false);
  ASSERT_EQ(records.size(), 20u);
  const WalkedRecord& last = records.back();
  const uint64_t last_end = last.offset + kRecordOverhead + last.value.size();
  ASSERT_EQ(Bytes(SegPath(1)).size(), last_end);
  std::vector<WalkedRecord> survivors = records;
  uint64_t want_size = last_end;
  switch (GetParam()) {
    case TailDamage::kPartialHeader:
      CutTo(SegPath(1), last.offset + 20);
      break;
    case TailDamage::kPartialBody:
      CutTo(SegPath(1), last.offset + kRecordOverhead + 10);
      break;
    case TailDamage::kBadBodyChecksum:
      ASSERT_OK(fs_.FlipBit(SegPath(1), last.offset + kRecordOverhead + 300, 3));
      break;
    case TailDamage::kBadHeaderChecksum:
      ASSERT_OK(fs_.FlipBit(SegPath(1), last.offset + 9, 0));
      break;
    case TailDamage::kZeroBlockAppended: {
      std::vector<uint8_t> b = Bytes(SegPath(1));
      b.resize(b.size() + 4096, 0);
      ASSERT_OK(fs_.WriteAll(SegPath(1), b));
      break;
    }
    case TailDamage::kGarbageAppended: {
      std::vector<uint8_t> b = Bytes(SegPath(1));
      std::mt19937_64 rng(5);
      const auto junk = test::RandomBytes(rng, 1000);
      b.insert(b.end(), junk.begin(), junk.end());
      ASSERT_OK(fs_.WriteAll(SegPath(1), b));
      break;
    }
  }
  const bool loses_last =
      GetParam() == TailDamage::kPartialHeader || GetParam() == TailDamage::kPartialBody ||
      GetParam() == TailDamage::kBadBodyChecksum || GetParam() == TailDamage::kBadHeaderChecksum;
  if (loses_last) {
    survivors.pop_back();
    want_size = last.offset;
  }

  std::unique_ptr<Store> store = OpenAndExpect(survivors);
  ASSERT_NE(store, nullptr);
  const StoreStats s = store->Stats();
  EXPECT_NE(s.recovery.find("torn tail"), std::string::npos) << s.recovery;
  EXPECT_NE(s.recovery.find(log::SegmentFileName(1)), std::string::npos) << s.recovery;
  EXPECT_NE(s.recovery.find("offset " + std::to_string(want_size)), std::string::npos)
      << s.recovery;
  EXPECT_EQ(Bytes(SegPath(1)).size(), want_size) << "the tail was not truncated";
  if (loses_last) {
    EXPECT_TRUE(store->Get(last.cid).status().IsNotFound());
  }

  // Writing continues at the truncation point; the lost blob can be put again.
  ASSERT_TRUE(store->PutBlob(std::string_view(last.value)).ok());
  ASSERT_TRUE(store->PutBlob(std::string_view("after recovery")).ok());
  ASSERT_OK(store->Close());
  store.reset();
  auto again = Store::Open(options_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->Stats().recovery, "clean");
  EXPECT_EQ((*again)->Stats().records, records.size() + 1);
  auto got = (*again)->Get(last.cid);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, last.value);
}

INSTANTIATE_TEST_SUITE_P(Damage, TornTailTest,
                         ::testing::Values(TailDamage::kPartialHeader, TailDamage::kPartialBody,
                                           TailDamage::kBadBodyChecksum,
                                           TailDamage::kBadHeaderChecksum,
                                           TailDamage::kZeroBlockAppended,
                                           TailDamage::kGarbageAppended),
                         [](const ::testing::TestParamInfo<TailDamage>& p) {
                           switch (p.param) {
                             case TailDamage::kPartialHeader:
                               return "PartialHeader";
                             case TailDamage::kPartialBody:
                               return "PartialBody";
                             case TailDamage::kBadBodyChecksum:
                               return "BadBodyChecksum";
                             case TailDamage::kBadHeaderChecksum:
                               return "BadHeaderChecksum";
                             case TailDamage::kZeroBlockAppended:
                               return "ZeroBlockAppended";
                             case TailDamage::kGarbageAppended:
                               return "GarbageAppended";
                           }
                           return "Unknown";
                         });

// The truncation made by recovery is itself durable: a power failure right after the open
// does not bring the torn bytes back, and the next open has nothing left to repair.
TEST_F(RecoveryTest, TruncationSurvivesAPowerFailureRightAfterOpen) {
  auto records = Populate(10, 500, /*close=*/false);
  ASSERT_EQ(records.size(), 10u);
  CutTo(SegPath(1), records.back().offset + 50);
  records.pop_back();
  std::unique_ptr<Store> store = OpenAndExpect(records);
  ASSERT_NE(store, nullptr);
  EXPECT_NE(store->Stats().recovery.find("torn tail"), std::string::npos);
  test::CrashStore(&fs_, &store, io::CrashMode::kDropUnsynced, 7);
  store = OpenAndExpect(records);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Stats().recovery, "clean");
}

// ------------------------------------------------------------------------------------------
// Damage a crash cannot explain.

TEST_F(RecoveryTest, BadRecordBeforeRecordsWrittenAfterASyncIsCorruption) {
  const auto records = Populate(20, 600, /*close=*/false);
  ASSERT_EQ(records.size(), 20u);
  // Record 10 was synced by its own group commit before record 11 was written, and record 11
  // says so in its durable_offset: damage at record 10 is not a torn write.
  ASSERT_OK(fs_.FlipBit(SegPath(1), records[10].offset + kRecordOverhead + 17, 5));
  ExpectCorruption({log::SegmentFileName(1), "offset " + std::to_string(records[10].offset)});
}

TEST_F(RecoveryTest, BadHeaderBeforeRecordsWrittenAfterASyncIsCorruption) {
  const auto records = Populate(20, 600, /*close=*/false);
  ASSERT_EQ(records.size(), 20u);
  ASSERT_OK(fs_.FlipBit(SegPath(1), records[7].offset + 2, 1));
  ExpectCorruption({log::SegmentFileName(1), "offset " + std::to_string(records[7].offset)});
}

TEST_F(RecoveryTest, DamageInASealedSegmentIsCorruption) {
  options_.segment_bytes = kMinSegmentBytes;
  options_.max_record_bytes = 16 << 10;
  const auto records = Populate(60, 4000, /*close=*/false);
  ASSERT_EQ(records.size(), 60u);
  ASSERT_GE(records.back().segment, 3u);
  // A record in the middle of segment 1, and separately the last record of segment 2: both
  // segments have successors, so neither can hold a torn tail.
  const WalkedRecord* mid = nullptr;
  const WalkedRecord* last_of_2 = nullptr;
  for (const auto& r : records) {
    if (r.segment == 1 && mid == nullptr && r.offset > 5000) mid = &r;
    if (r.segment == 2) last_of_2 = &r;
  }
  ASSERT_NE(mid, nullptr);
  ASSERT_NE(last_of_2, nullptr);
  {
    SCOPED_TRACE("bit flip in segment 1");
    ASSERT_OK(fs_.FlipBit(SegPath(1), mid->offset + kRecordOverhead + 100, 0));
    ExpectCorruption({log::SegmentFileName(1), "offset " + std::to_string(mid->offset)});
    ASSERT_OK(fs_.FlipBit(SegPath(1), mid->offset + kRecordOverhead + 100, 0));  // Undo.
  }
  {
    SCOPED_TRACE("segment 2 cut inside its last record");
    const std::vector<uint8_t> whole = Bytes(SegPath(2));
    CutTo(SegPath(2), last_of_2->offset + 30);
    ExpectCorruption({log::SegmentFileName(2), "offset " + std::to_string(last_of_2->offset)});
    ASSERT_OK(fs_.WriteAll(SegPath(2), whole));
  }
  {
    SCOPED_TRACE("garbage after the last record of segment 2");
    std::vector<uint8_t> b = Bytes(SegPath(2));
    b.resize(b.size() + 100, 0xa5);
    ASSERT_OK(fs_.WriteAll(SegPath(2), b));
    ExpectCorruption({log::SegmentFileName(2)});
    b.resize(b.size() - 100);
    ASSERT_OK(fs_.WriteAll(SegPath(2), b));
  }
  // Undone, the store opens and holds everything.
  OpenAndExpect(records);
}

TEST_F(RecoveryTest, MissingMiddleSegmentIsCorruption) {
  options_.segment_bytes = kMinSegmentBytes;
  options_.max_record_bytes = 16 << 10;
  for (bool with_snapshot : {false, true}) {
    SCOPED_TRACE(with_snapshot ? "with snapshot" : "without snapshot");
    if (auto names = fs_.ListDir("/db"); names.ok()) {  // Start from an empty directory.
      for (const std::string& n : *names) ASSERT_OK(fs_.Remove("/db/" + n));
    }
    const auto records = Populate(50, 4000, /*close=*/with_snapshot);
    ASSERT_GE(records.back().segment, 3u);
    ASSERT_OK(fs_.Remove(SegPath(2)));
    ExpectCorruption({log::SegmentFileName(2), "missing"});
  }
}

// ------------------------------------------------------------------------------------------
// A last segment whose header never reached the disk (a crash during rollover).

TEST_F(RecoveryTest, LastSegmentWithTornHeaderIsRemoved) {
  options_.segment_bytes = kMinSegmentBytes;
  options_.max_record_bytes = 16 << 10;
  const auto records = Populate(40, 4000, /*close=*/false);
  const uint32_t last = records.back().segment;
  ASSERT_GE(last, 2u);
  std::vector<uint8_t> good_header = Bytes(SegPath(last));
  good_header.resize(log::kSegmentHeaderBytes);
  std::vector<std::vector<uint8_t>> torn = {
      {},  // Created, nothing written.
      std::vector<uint8_t>(good_header.begin(), good_header.begin() + 30),  // Half a header.
      std::vector<uint8_t>(log::kSegmentHeaderBytes, 0),                    // A zeroed block.
  };
  torn.push_back(good_header);
  torn.back()[20] ^= 0x40;  // Whole length, bad checksum.
  for (size_t k = 0; k < torn.size(); ++k) {
    SCOPED_TRACE("torn header variant " + std::to_string(k));
    ASSERT_OK(fs_.WriteAll(SegPath(last + 1), torn[k]));
    std::unique_ptr<Store> store = OpenAndExpect(records);
    ASSERT_NE(store, nullptr);
    const StoreStats s = store->Stats();
    EXPECT_NE(s.recovery.find("removed " + log::SegmentFileName(last + 1)), std::string::npos)
        << s.recovery;
    EXPECT_EQ(s.segments, last);
    auto exists = fs_.Exists(SegPath(last + 1));
    ASSERT_TRUE(exists.ok());
    EXPECT_FALSE(*exists);
    test::CrashStore(&fs_, &store, io::CrashMode::kDropUnsynced, k);
    EXPECT_FALSE(*fs_.Exists(SegPath(last + 1))) << "the removal was not made durable";
  }
  // The store keeps working: new records roll into a fresh segment last + 1.
  std::unique_ptr<Store> store;
  DDC_ASSERT_OPEN(store, options_);
  std::mt19937_64 rng(9);
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(store->PutBlob(std::string_view(test::RandomString(rng, 4000))).ok());
  }
  EXPECT_GT(store->Stats().segments, last);
  EXPECT_EQ(test::WalkStore(store.get()).size(), records.size() + 40);
}

TEST_F(RecoveryTest, LastSegmentWithBadHeaderAndRecordsIsCorruption) {
  options_.segment_bytes = kMinSegmentBytes;
  options_.max_record_bytes = 16 << 10;
  const auto records = Populate(40, 4000, /*close=*/false);
  const uint32_t last = records.back().segment;
  ASSERT_GE(last, 2u);
  ASSERT_GT(Bytes(SegPath(last)).size(), log::kSegmentHeaderBytes);
  ASSERT_OK(fs_.FlipBit(SegPath(last), 20, 2));
  ExpectCorruption({log::SegmentFileName(last)});
  EXPECT_TRUE(*fs_.Exists(SegPath(last))) << "a segment holding records was removed";
}

TEST_F(RecoveryTest, OnlySegmentWithTornHeaderStartsAFreshStore) {
  ASSERT_OK(fs_.WriteAll(SegPath(1), std::vector<uint8_t>(17, 0)));
  std::unique_ptr<Store> store;
  DDC_ASSERT_OPEN(store, options_);
  EXPECT_NE(store->Stats().recovery.find("removed"), std::string::npos);
  EXPECT_EQ(store->Stats().records, 0u);
  ASSERT_TRUE(store->PutBlob(std::string_view("fresh")).ok());
  ASSERT_OK(store->Close());
  DDC_ASSERT_OPEN(store, options_);
  EXPECT_TRUE(store->Get(RawCid("fresh")).ok());
}

// ------------------------------------------------------------------------------------------
// The index snapshot: anything wrong with it costs a replay, never data.

enum class SnapDamage {
  kSlotBitFlip,      // Corrupt: a bit of the slot table.
  kHeaderBitFlip,    // Corrupt: a bit of the header.
  kTruncatedHeader,  // Truncated inside the header.
  kTruncatedSlots,   // Truncated inside the slot table.
  kEmpty,            // Zero bytes.
  kForeign,          // A valid snapshot of another store.
  kFromTheFuture,    // A valid snapshot of this store covering records the log does not have.
};

class SnapshotDamageTest : public RecoveryTest, public ::testing::WithParamInterface<SnapDamage> {};

TEST_P(SnapshotDamageTest, IsDetectedReportedAndTheIndexRebuilt) {
  options_.segment_bytes = kMinSegmentBytes;
  options_.max_record_bytes = 16 << 10;
  auto records = Populate(80, 3000, /*close=*/true);
  ASSERT_GE(records.back().segment, 2u);
  const std::vector<uint8_t> snap = Bytes(kSnapPath);
  ASSERT_GT(snap.size(), index::kSnapshotHeaderBytes);
  switch (GetParam()) {
    case SnapDamage::kSlotBitFlip:
      ASSERT_OK(fs_.FlipBit(kSnapPath, index::kSnapshotHeaderBytes + 16 * 7 + 9, 4));
      break;
    case SnapDamage::kHeaderBitFlip:
      ASSERT_OK(fs_.FlipBit(kSnapPath, 36, 0));  // The covered offset.
      break;
    case SnapDamage::kTruncatedHeader:
      CutTo(kSnapPath, 100);
      break;
    case SnapDamage::kTruncatedSlots:
      CutTo(kSnapPath, snap.size() - 16);
      break;
    case SnapDamage::kEmpty:
      CutTo(kSnapPath, 0);
      break;
    case SnapDamage::kForeign: {
      Options other = options_;
      other.dir = "/other";
      std::unique_ptr<Store> o;
      DDC_ASSERT_OPEN(o, other);
      std::mt19937_64 rng(77);
      for (int i = 0; i < 80; ++i) {
        ASSERT_TRUE(o->PutBlob(std::string_view(test::RandomString(rng, 3000))).ok());
      }
      ASSERT_OK(o->Close());
      ASSERT_OK(fs_.WriteAll(kSnapPath, Bytes("/other/index.snap")));
      break;
    }
    case SnapDamage::kFromTheFuture: {
      // Keep the log as it is now, write more and close (a snapshot covering the more), then
      // put the old log back: the snapshot now describes records the log does not hold.
      std::map<std::string, std::vector<uint8_t>> old_files = AllFiles();
      {
        std::unique_ptr<Store> s;
        DDC_ASSERT_OPEN(s, options_);
        std::mt19937_64 rng(78);
        for (int i = 0; i < 60; ++i) {
          ASSERT_TRUE(s->PutBlob(std::string_view(test::RandomString(rng, 3000))).ok());
        }
        ASSERT_OK(s->Close());
      }
      auto names = fs_.ListDir("/db");
      ASSERT_TRUE(names.ok());
      for (const std::string& n : *names) {
        if (n == index::kSnapshotFileName || n == "LOCK") continue;
        if (old_files.count(n) == 0) {
          ASSERT_OK(fs_.Remove("/db/" + n));
        } else {
          ASSERT_OK(fs_.WriteAll("/db/" + n, old_files[n]));
        }
      }
      break;
    }
  }
  std::unique_ptr<Store> store = OpenAndExpect(records);
  ASSERT_NE(store, nullptr);
  StoreStats s = store->Stats();
  EXPECT_NE(s.recovery.find("index snapshot rejected"), std::string::npos) << s.recovery;
  EXPECT_FALSE(s.opened_from_snapshot);
  EXPECT_EQ(s.replayed_records, records.size());
  // A fresh snapshot replaces the bad one at Close.
  ASSERT_OK(store->Close());
  store = OpenAndExpect(records);
  ASSERT_NE(store, nullptr);
  s = store->Stats();
  EXPECT_TRUE(s.opened_from_snapshot);
  EXPECT_EQ(s.recovery, "clean");
}

INSTANTIATE_TEST_SUITE_P(Damage, SnapshotDamageTest,
                         ::testing::Values(SnapDamage::kSlotBitFlip, SnapDamage::kHeaderBitFlip,
                                           SnapDamage::kTruncatedHeader,
                                           SnapDamage::kTruncatedSlots, SnapDamage::kEmpty,
                                           SnapDamage::kForeign, SnapDamage::kFromTheFuture),
                         [](const ::testing::TestParamInfo<SnapDamage>& p) {
                           switch (p.param) {
                             case SnapDamage::kSlotBitFlip:
                               return "SlotBitFlip";
                             case SnapDamage::kHeaderBitFlip:
                               return "HeaderBitFlip";
                             case SnapDamage::kTruncatedHeader:
                               return "TruncatedHeader";
                             case SnapDamage::kTruncatedSlots:
                               return "TruncatedSlots";
                             case SnapDamage::kEmpty:
                               return "Empty";
                             case SnapDamage::kForeign:
                               return "Foreign";
                             case SnapDamage::kFromTheFuture:
                               return "FromTheFuture";
                           }
                           return "Unknown";
                         });

// An older snapshot of the same store is still true of a prefix of the log: it is used, and
// the records after it are replayed.
TEST_F(RecoveryTest, OlderSnapshotOfTheSameStoreIsUsedAndTheRestReplayed) {
  options_.segment_bytes = kMinSegmentBytes;
  options_.max_record_bytes = 16 << 10;
  auto records = Populate(30, 3000, /*close=*/true);
  const std::vector<uint8_t> old_snap = Bytes(kSnapPath);
  {
    std::unique_ptr<Store> s;
    DDC_ASSERT_OPEN(s, options_);
    std::mt19937_64 rng(79);
    for (int i = 0; i < 45; ++i) {
      ASSERT_TRUE(s->PutBlob(std::string_view(test::RandomString(rng, 3000))).ok());
    }
    records = test::WalkStore(s.get());
    ASSERT_OK(s->Close());
  }
  ASSERT_EQ(records.size(), 75u);
  ASSERT_OK(fs_.WriteAll(kSnapPath, old_snap));
  std::unique_ptr<Store> store = OpenAndExpect(records);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->Stats().opened_from_snapshot);
  EXPECT_EQ(store->Stats().replayed_records, 45u);
}

// ------------------------------------------------------------------------------------------
// paranoid_open re-reads what the snapshot covers.

TEST_F(RecoveryTest, ParanoidOpenChecksSegmentsTheSnapshotCovers) {
  options_.segment_bytes = kMinSegmentBytes;
  options_.max_record_bytes = 16 << 10;
  const auto records = Populate(50, 4000, /*close=*/true);
  ASSERT_GE(records.back().segment, 3u);

  Options paranoid = options_;
  paranoid.paranoid_open = true;
  {
    std::unique_ptr<Store> store;
    DDC_ASSERT_OPEN(store, paranoid);
    const StoreStats s = store->Stats();
    EXPECT_FALSE(s.opened_from_snapshot);
    EXPECT_EQ(s.replayed_records, records.size());
    EXPECT_EQ(s.records, records.size());
  }

  // Damage a record in sealed segment 1, which the snapshot covers.
  const WalkedRecord* victim = nullptr;
  for (const auto& r : records) {
    if (r.segment == 1) victim = &r;
  }
  ASSERT_NE(victim, nullptr);
  ASSERT_OK(fs_.FlipBit(SegPath(1), victim->offset + kRecordOverhead + 1, 6));

  // A normal open trusts the snapshot, but reads still verify: the damaged record is reported
  // as Corruption, never returned, and the iterator stops on it.
  {
    std::unique_ptr<Store> store;
    DDC_ASSERT_OPEN(store, options_);
    EXPECT_TRUE(store->Stats().opened_from_snapshot);
    auto got = store->Get(victim->cid);
    ASSERT_FALSE(got.ok()) << "damaged bytes were returned";
    EXPECT_TRUE(got.status().IsCorruption()) << got.status().ToString();
    const Cid one[] = {victim->cid};
    auto many = store->MultiGet(one);
    EXPECT_TRUE(many[0].status().IsCorruption()) << many[0].status().ToString();
    for (const auto& r : records) {
      if (&r == victim) continue;
      auto g = store->Get(r.cid);
      ASSERT_TRUE(g.ok()) << g.status().ToString();
      EXPECT_EQ(*g, r.value);
    }
    auto it = store->NewIterator();
    size_t n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
    EXPECT_TRUE(it->status().IsCorruption()) << it->status().ToString();
    EXPECT_LT(n, records.size());
    store.reset();
  }
  // The paranoid open finds it.
  ExpectCorruption({log::SegmentFileName(1), "offset " + std::to_string(victim->offset)}, paranoid);
}

// Putting the bytes of a blob whose stored copy has rotted must not be acknowledged as a
// duplicate of the rotten copy: PutBlob returning OK promises the blob is stored (store.h),
// so either the put stores a good copy or it reports an error.
TEST_F(RecoveryTest, PutOfABlobWhoseStoredCopyIsDamagedIsNotAcknowledgedAsADuplicate) {
  const auto records = Populate(10, 3000, /*close=*/true);
  ASSERT_EQ(records.size(), 10u);
  const WalkedRecord& victim = records[4];
  ASSERT_OK(fs_.FlipBit(SegPath(1), victim.offset + kRecordOverhead + 1000, 2));
  std::unique_ptr<Store> store;
  DDC_ASSERT_OPEN(store, options_);
  ASSERT_TRUE(store->Get(victim.cid).status().IsCorruption());
  auto put = store->PutBlob(std::string_view(victim.value));
  if (put.ok()) {
    auto got = store->Get(victim.cid);
    EXPECT_TRUE(got.ok()) << "PutBlob returned OK, yet the blob cannot be read back: "
                          << got.status().ToString();
  } else {
    EXPECT_TRUE(put.status().IsCorruption()) << put.status().ToString();
  }
}

}  // namespace
}  // namespace ddc
