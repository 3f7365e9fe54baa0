// Proves that index snapshots round-trip (meta fields and every entry), that ReadSnapshot
// refuses every damaged or impossible file with a message saying why (missing, bad magic,
// header checksum, slots checksum, truncated or extended, capacity out of range, wrong count,
// over-load, other version) without trusting a size it has not checked, and that a crash at
// any point of WriteSnapshot leaves the old snapshot or the new one, never a mix: an I/O-error
// sweep fails each operation of WriteSnapshot in turn, then crashes the FaultFileSystem in
// every mode. A stale index.snap.tmp is overwritten and cut to size and is never read.
// tests/vectors/snapshot_v1.json pins the version 1 layout of a tiny index; every header field
// and slot is checked at the offset docs/FORMAT.md gives.
#include "engine/index/snapshot.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "ddc/cid.h"
#include "engine/index/cid_index.h"
#include "engine/io/fault_file_system.h"
#include "tests/log/vector_file.h"
#include "tests/test_util.h"

namespace ddc::index {
namespace {

constexpr char kDir[] = "/db";
constexpr char kSnap[] = "/db/index.snap";
constexpr char kTmp[] = "/db/index.snap.tmp";

::testing::AssertionResult IsCorruption(const Status& status, const std::string& fragment) {
  if (!status.IsCorruption()) {
    return ::testing::AssertionFailure() << "expected Corruption, got " << status.ToString();
  }
  if (status.message().find(fragment) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "\"" << status.message() << "\" lacks \"" << fragment << "\"";
  }
  return ::testing::AssertionSuccess();
}

uint64_t GetLe(std::span<const uint8_t> in, size_t at, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = bytes; i-- > 0;) v = (v << 8) | in[at + i];
  return v;
}

void PutLe(std::vector<uint8_t>& out, size_t at, uint64_t v, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) out[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

// Rewrites the header checksum (bytes 120..127 = XXH3-64 of bytes 0..119) after an edit.
void SealHeader(std::vector<uint8_t>& file) { PutLe(file, 120, XXH3_64bits(file.data(), 120), 8); }

// An index of `n` random entries together with what it must hold.
struct Model {
  CidIndex index;
  std::vector<std::pair<uint64_t, Location>> entries;
  SnapshotMeta meta;
};

Model MakeModel(uint64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Model m;
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t tag = CidIndex::Tag(Cid::Of(Codec::kRaw, test::RandomBytes(rng, 16)));
    const Location loc{static_cast<uint32_t>(1 + rng() % 100), static_cast<uint32_t>(rng()),
                       static_cast<uint32_t>(79 + rng() % 100000)};
    m.index.Insert(tag, loc);
    m.entries.emplace_back(tag, loc);
  }
  for (uint8_t& b : m.meta.store_id) b = static_cast<uint8_t>(rng());
  m.meta.segment = static_cast<uint32_t>(1 + rng() % 1000);
  m.meta.offset = static_cast<uint32_t>(rng());
  m.meta.next_sequence = n + 1;
  m.meta.last_segment = n == 0 ? 0 : m.meta.segment;
  m.meta.last_offset = n == 0 ? 0 : static_cast<uint32_t>(rng());
  m.meta.logical_bytes = rng();
  return m;
}

::testing::AssertionResult SameMeta(const SnapshotMeta& a, const SnapshotMeta& b) {
  if (a.store_id != b.store_id || a.segment != b.segment || a.offset != b.offset ||
      a.next_sequence != b.next_sequence || a.last_segment != b.last_segment ||
      a.last_offset != b.last_offset || a.logical_bytes != b.logical_bytes) {
    return ::testing::AssertionFailure()
           << "meta differs: next_sequence " << a.next_sequence << " vs " << b.next_sequence
           << ", segment " << a.segment << " vs " << b.segment;
  }
  return ::testing::AssertionSuccess();
}

// The loaded snapshot is exactly `m`: meta, size, slots verbatim, and every entry found.
::testing::AssertionResult Holds(const LoadedSnapshot& got, const Model& m) {
  if (auto same = SameMeta(got.meta, m.meta); !static_cast<bool>(same)) return same;
  if (got.index.size() != m.index.size() || got.index.capacity() != m.index.capacity()) {
    return ::testing::AssertionFailure()
           << "size " << got.index.size() << "/" << got.index.capacity() << " vs " << m.index.size()
           << "/" << m.index.capacity();
  }
  const auto a = got.index.slots();
  const auto b = m.index.slots();
  if (!std::equal(a.begin(), a.end(), b.begin(), [](const Slot& x, const Slot& y) {
        return x.tag_segment == y.tag_segment && x.offset == y.offset && x.length == y.length;
      })) {
    return ::testing::AssertionFailure() << "slots differ";
  }
  for (const auto& [tag, loc] : m.entries) {
    int found = 0;
    got.index.ForEachCandidate(tag, [&](const Location& l) {
      found += l == loc ? 1 : 0;
      return false;
    });
    if (found != 1) return ::testing::AssertionFailure() << "entry with tag " << tag << " lost";
  }
  return ::testing::AssertionSuccess();
}

Status Write(io::FileSystem* fs, const Model& m) {
  return WriteSnapshot(fs, kDir, m.meta, m.index.slots(), m.index.size());
}

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(fs_.CreateDir(kDir)); }

  std::vector<uint8_t> Contents(const std::string& path) {
    auto bytes = fs_.ReadAll(path);
    EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
    return bytes.ok() ? *bytes : std::vector<uint8_t>{};
  }

  bool Exists(const std::string& path) {
    auto e = fs_.Exists(path);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() && *e;
  }

  io::FaultFileSystem fs_;
};

// ---------------------------------------------------------------------------------------------
// Round trip.

TEST_F(SnapshotTest, RoundTrip) {
  for (uint64_t n : {0u, 1u, 921u, 5000u}) {
    SCOPED_TRACE("entries " + std::to_string(n));
    const Model m = MakeModel(n, 100 + n);
    ASSERT_OK(Write(&fs_, m));
    EXPECT_FALSE(Exists(kTmp));
    EXPECT_EQ(Contents(kSnap).size(), kSnapshotHeaderBytes + m.index.capacity() * sizeof(Slot));
    auto loaded = ReadSnapshot(&fs_, kDir);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    EXPECT_TRUE(Holds(*loaded, m));
  }
}

TEST_F(SnapshotTest, ANewSnapshotReplacesTheOld) {
  const Model big = MakeModel(5000, 1);
  const Model small = MakeModel(10, 2);
  ASSERT_OK(Write(&fs_, big));
  ASSERT_OK(Write(&fs_, small));
  auto loaded = ReadSnapshot(&fs_, kDir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(Holds(*loaded, small));
}

// ---------------------------------------------------------------------------------------------
// Rejections.

TEST_F(SnapshotTest, MissingIsNotFound) {
  auto loaded = ReadSnapshot(&fs_, kDir);
  EXPECT_TRUE(loaded.status().IsNotFound()) << loaded.status().ToString();
}

TEST_F(SnapshotTest, OnlyATemporaryIsNotASnapshot) {
  // A whole, valid snapshot left under the temporary name (its rename never happened) is not
  // read: it may cover records that were never synced.
  ASSERT_OK(Write(&fs_, MakeModel(10, 3)));
  ASSERT_OK(fs_.Rename(kSnap, kTmp));
  auto loaded = ReadSnapshot(&fs_, kDir);
  EXPECT_TRUE(loaded.status().IsNotFound()) << loaded.status().ToString();
}

TEST_F(SnapshotTest, EveryFlippedHeaderBitIsCaught) {
  ASSERT_OK(Write(&fs_, MakeModel(100, 4)));
  for (uint64_t bit = 0; bit < kSnapshotHeaderBytes * 8; ++bit) {
    ASSERT_OK(fs_.FlipBit(kSnap, bit / 8, static_cast<uint8_t>(bit % 8)));
    const Status s = ReadSnapshot(&fs_, kDir).status();
    EXPECT_TRUE(IsCorruption(
        s, bit < 64 ? "index.snap: bad magic" : "index.snap: header checksum mismatch"))
        << "bit " << bit;
    ASSERT_OK(fs_.FlipBit(kSnap, bit / 8, static_cast<uint8_t>(bit % 8)));
  }
  EXPECT_TRUE(ReadSnapshot(&fs_, kDir).ok());
}

TEST_F(SnapshotTest, FlippedSlotBitsAreCaught) {
  const Model m = MakeModel(3000, 5);
  ASSERT_OK(Write(&fs_, m));
  const uint64_t slot_bits = m.index.capacity() * sizeof(Slot) * 8;
  std::mt19937_64 rng(6);
  std::vector<uint64_t> bits = {0, slot_bits - 1};
  for (int i = 0; i < 300; ++i) bits.push_back(rng() % slot_bits);
  for (uint64_t bit : bits) {
    const uint64_t offset = kSnapshotHeaderBytes + bit / 8;
    ASSERT_OK(fs_.FlipBit(kSnap, offset, static_cast<uint8_t>(bit % 8)));
    EXPECT_TRUE(
        IsCorruption(ReadSnapshot(&fs_, kDir).status(), "index.snap: slots checksum mismatch"))
        << "bit " << bit;
    ASSERT_OK(fs_.FlipBit(kSnap, offset, static_cast<uint8_t>(bit % 8)));
  }
  auto loaded = ReadSnapshot(&fs_, kDir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(Holds(*loaded, m));
}

TEST_F(SnapshotTest, TruncatedOrExtendedFilesAreRejected) {
  ASSERT_OK(Write(&fs_, MakeModel(100, 7)));
  const std::vector<uint8_t> good = Contents(kSnap);
  const uint64_t size = good.size();
  for (uint64_t len : {0u, 1u, 64u, 127u}) {
    ASSERT_OK(fs_.WriteAll(kSnap, std::vector<uint8_t>(good.begin(), good.begin() + len)));
    EXPECT_TRUE(IsCorruption(ReadSnapshot(&fs_, kDir).status(), "index.snap: header truncated"))
        << len;
  }
  for (uint64_t len :
       {uint64_t{128}, uint64_t{129}, uint64_t{144}, size / 2, size - 16, size - 1}) {
    ASSERT_OK(fs_.WriteAll(
        kSnap, std::vector<uint8_t>(good.begin(), good.begin() + static_cast<ptrdiff_t>(len))));
    EXPECT_TRUE(
        IsCorruption(ReadSnapshot(&fs_, kDir).status(),
                     "index.snap: size " + std::to_string(len) + " does not match capacity 1024"))
        << len;
  }
  for (uint64_t extra : {1u, 16u, 4096u}) {
    std::vector<uint8_t> longer = good;
    longer.resize(size + extra);
    ASSERT_OK(fs_.WriteAll(kSnap, longer));
    EXPECT_TRUE(IsCorruption(ReadSnapshot(&fs_, kDir).status(),
                             "size " + std::to_string(size + extra) + " does not match"))
        << extra;
  }
}

TEST_F(SnapshotTest, ImpossibleCapacitiesAreRejectedBeforeAllocating) {
  ASSERT_OK(Write(&fs_, MakeModel(100, 8)));
  const std::vector<uint8_t> good = Contents(kSnap);
  // Checksummed headers claiming capacities the file does not hold, or out of range. Each must
  // fail on the size check, before slots of that capacity are allocated.
  for (uint64_t capacity :
       {uint64_t{0}, uint64_t{512}, uint64_t{1023}, uint64_t{1025}, uint64_t{1} << 34,
        (uint64_t{1} << 34) + 1, uint64_t{1} << 40, ~uint64_t{0}}) {
    std::vector<uint8_t> bytes = good;
    PutLe(bytes, 56, capacity, 8);
    SealHeader(bytes);
    ASSERT_OK(fs_.WriteAll(kSnap, bytes));
    const bool in_range = capacity >= CidIndex::kMinCapacity && capacity <= CidIndex::kMaxCapacity;
    EXPECT_TRUE(IsCorruption(ReadSnapshot(&fs_, kDir).status(),
                             in_range
                                 ? "does not match capacity " + std::to_string(capacity)
                                 : "capacity " + std::to_string(capacity) + " outside [1024, "))
        << capacity;
  }
  // A table below the minimum capacity is refused even when the file holds it.
  std::vector<Slot> small(512);
  ASSERT_OK(WriteSnapshot(&fs_, kDir, SnapshotMeta{}, small, 0));
  EXPECT_TRUE(IsCorruption(ReadSnapshot(&fs_, kDir).status(), "capacity 512"));
}

TEST_F(SnapshotTest, WrongCountIsRejected) {
  const Model m = MakeModel(100, 9);
  ASSERT_OK(WriteSnapshot(&fs_, kDir, m.meta, m.index.slots(), 101));
  EXPECT_TRUE(IsCorruption(ReadSnapshot(&fs_, kDir).status(),
                           "index.snap: index holds 100 entries, header says 101"));
  ASSERT_OK(WriteSnapshot(&fs_, kDir, m.meta, m.index.slots(), 0));
  EXPECT_TRUE(IsCorruption(ReadSnapshot(&fs_, kDir).status(), "header says 0"));
}

TEST_F(SnapshotTest, OverloadedTableIsRejected) {
  std::vector<Slot> slots(1024);
  for (uint64_t i = 0; i < 922; ++i) slots[i] = Slot{(i + 1) << 16 | 1, 64, 79};
  ASSERT_OK(WriteSnapshot(&fs_, kDir, SnapshotMeta{}, slots, 922));
  EXPECT_TRUE(
      IsCorruption(ReadSnapshot(&fs_, kDir).status(), "index.snap: index over its maximum load"));
}

TEST_F(SnapshotTest, OtherVersionOrSlotSizeIsRejected) {
  ASSERT_OK(Write(&fs_, MakeModel(10, 10)));
  const std::vector<uint8_t> good = Contents(kSnap);
  for (auto [at, value] : {std::pair<size_t, uint32_t>{8, 0}, {8, 2}, {12, 8}, {12, 32}}) {
    std::vector<uint8_t> bytes = good;
    PutLe(bytes, at, value, 4);
    SealHeader(bytes);
    ASSERT_OK(fs_.WriteAll(kSnap, bytes));
    EXPECT_TRUE(IsCorruption(ReadSnapshot(&fs_, kDir).status(),
                             "index.snap: unsupported version or slot size"))
        << at << "=" << value;
  }
}

// ---------------------------------------------------------------------------------------------
// Crashes and I/O errors during WriteSnapshot.

// How many FileSystem operations one WriteSnapshot of `m` takes (on a scratch file system).
uint64_t OperationsPerSnapshot(const Model& m) {
  io::FaultFileSystem scratch;
  EXPECT_OK(scratch.CreateDir(kDir));
  const uint64_t before = scratch.operation_count();
  EXPECT_OK(Write(&scratch, m));
  return scratch.operation_count() - before;
}

constexpr io::CrashMode kCrashModes[] = {io::CrashMode::kDropUnsynced, io::CrashMode::kTearUnsynced,
                                         io::CrashMode::kRandomBlocks, io::CrashMode::kKeepAll};

TEST_F(SnapshotTest, ASuccessfulSnapshotSurvivesEveryCrash) {
  const Model m = MakeModel(2000, 11);
  for (io::CrashMode mode : kCrashModes) {
    for (uint64_t seed = 1; seed <= 5; ++seed) {
      SCOPED_TRACE("mode " + std::to_string(static_cast<int>(mode)) + " seed " +
                   std::to_string(seed));
      io::FaultFileSystem fs;
      ASSERT_OK(fs.CreateDir(kDir));
      ASSERT_OK(Write(&fs, m));
      fs.Crash(mode, seed);
      auto loaded = ReadSnapshot(&fs, kDir);
      ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
      EXPECT_TRUE(Holds(*loaded, m));
    }
  }
}

TEST_F(SnapshotTest, CrashBeforeTheDirectorySyncKeepsTheOldSnapshot) {
  const Model old_snap = MakeModel(3000, 12);
  const Model new_snap = MakeModel(500, 13);
  const uint64_t ops = OperationsPerSnapshot(new_snap);
  ASSERT_OK(Write(&fs_, old_snap));
  fs_.FailNthOperation(ops, Status::Code::kIOError);  // The last operation: the SyncDir.
  const Status s = Write(&fs_, new_snap);
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_TRUE(s.message().find("fsync directory") != std::string::npos) << s.ToString();
  fs_.ClearFaults();
  fs_.Crash(io::CrashMode::kDropUnsynced, 1);
  auto loaded = ReadSnapshot(&fs_, kDir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(Holds(*loaded, old_snap));
}

TEST_F(SnapshotTest, CrashBeforeTheDirectorySyncOfTheFirstSnapshotLeavesNone) {
  const Model m = MakeModel(500, 14);
  fs_.FailNthOperation(OperationsPerSnapshot(m), Status::Code::kIOError);
  EXPECT_FALSE(Write(&fs_, m).ok());
  fs_.ClearFaults();
  fs_.Crash(io::CrashMode::kDropUnsynced, 1);
  EXPECT_TRUE(ReadSnapshot(&fs_, kDir).status().IsNotFound());
  EXPECT_FALSE(Exists(kTmp));
}

// SQLite-style sweep: fail the 1st, 2nd, ... operation of WriteSnapshot (with EIO and ENOSPC),
// then read without a crash and after a crash in every mode: always the old snapshot or the
// new one, whole; and a retry after the error succeeds.
TEST_F(SnapshotTest, IoErrorSweepLeavesTheOldOrTheNewSnapshot) {
  const Model old_snap = MakeModel(2500, 15);
  const Model new_snap = MakeModel(700, 16);
  const uint64_t ops = OperationsPerSnapshot(new_snap);
  ASSERT_GE(ops, 5u);  // Open, write(s), sync, rename, directory sync at the least.
  int saw_old = 0;
  int saw_new = 0;
  for (uint64_t n = 1; n <= ops; ++n) {
    for (Status::Code code : {Status::Code::kIOError, Status::Code::kNoSpace}) {
      for (io::CrashMode mode : kCrashModes) {
        SCOPED_TRACE("fail op " + std::to_string(n) + " of " + std::to_string(ops) + ", code " +
                     Status::CodeName(code) + ", crash mode " +
                     std::to_string(static_cast<int>(mode)));
        io::FaultFileSystem fs;
        ASSERT_OK(fs.CreateDir(kDir));
        ASSERT_OK(Write(&fs, old_snap));
        fs.FailNthOperation(n, code);
        const Status s = Write(&fs, new_snap);
        ASSERT_FALSE(s.ok());
        ASSERT_EQ(s.code(), code) << s.ToString();
        fs.ClearFaults();

        // Without a crash.
        auto now = ReadSnapshot(&fs, kDir);
        ASSERT_TRUE(now.ok()) << now.status().ToString();
        ASSERT_TRUE(Holds(*now, old_snap) || Holds(*now, new_snap));

        // After a crash.
        fs.Crash(mode, n);
        auto after = ReadSnapshot(&fs, kDir);
        ASSERT_TRUE(after.ok()) << after.status().ToString();
        const bool is_old = static_cast<bool>(Holds(*after, old_snap));
        const bool is_new = static_cast<bool>(Holds(*after, new_snap));
        ASSERT_TRUE(is_old || is_new) << "a mix of the two snapshots";
        saw_old += is_old ? 1 : 0;
        saw_new += is_new ? 1 : 0;

        // A retry succeeds and sticks.
        ASSERT_OK(Write(&fs, new_snap));
        fs.Crash(mode, n + 1000);
        auto retried = ReadSnapshot(&fs, kDir);
        ASSERT_TRUE(retried.ok()) << retried.status().ToString();
        ASSERT_TRUE(Holds(*retried, new_snap));
      }
    }
  }
  EXPECT_GT(saw_old, 0);
}

// ---------------------------------------------------------------------------------------------
// A leftover index.snap.tmp.

TEST_F(SnapshotTest, StaleTemporaryIsOverwrittenAndCutToSize) {
  std::mt19937_64 rng(17);
  // Larger than the new snapshot, and durable (as after an interrupted snapshot whose name a
  // later directory sync made stick).
  ASSERT_OK(fs_.WriteAll(kTmp, test::RandomBytes(rng, 200000)));
  const Model m = MakeModel(50, 18);
  ASSERT_OK(Write(&fs_, m));
  EXPECT_FALSE(Exists(kTmp));
  EXPECT_EQ(Contents(kSnap).size(), kSnapshotHeaderBytes + 1024 * sizeof(Slot));
  auto loaded = ReadSnapshot(&fs_, kDir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(Holds(*loaded, m));
  // The cut is durable too.
  fs_.Crash(io::CrashMode::kDropUnsynced, 1);
  loaded = ReadSnapshot(&fs_, kDir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(Holds(*loaded, m));
}

TEST_F(SnapshotTest, StaleTemporaryWithAnOldSnapshotAndACrash) {
  std::mt19937_64 rng(19);
  const Model old_snap = MakeModel(100, 20);
  const Model new_snap = MakeModel(200, 21);
  ASSERT_OK(Write(&fs_, old_snap));
  ASSERT_OK(fs_.WriteAll(kTmp, test::RandomBytes(rng, 50000)));
  // Fail the rename (the second-to-last operation): the new snapshot is whole in the
  // temporary, which is not read.
  fs_.FailNthOperation(OperationsPerSnapshot(new_snap) - 1, Status::Code::kIOError);
  const Status s = Write(&fs_, new_snap);
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_TRUE(s.message().find("rename") != std::string::npos) << s.ToString();
  fs_.ClearFaults();
  EXPECT_TRUE(Exists(kTmp));
  for (io::CrashMode mode : kCrashModes) {
    fs_.Crash(mode, 3);
    auto loaded = ReadSnapshot(&fs_, kDir);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    EXPECT_TRUE(Holds(*loaded, old_snap));
  }
}

// ---------------------------------------------------------------------------------------------
// The v1 vector: tests/vectors/snapshot_v1.json.

// FORMAT.md: tag and home slot, computed here from the spec's words.
uint64_t SpecTag(const Cid& cid) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v |= static_cast<uint64_t>(cid.digest()[i]) << (8 * i);
  return (v ^ static_cast<uint64_t>(cid.codec()) * 0x9e3779b97f4a7c15ull) >> 16;
}
uint64_t SpecHome(uint64_t tag, uint64_t capacity) {
  return static_cast<uint64_t>((static_cast<Uint128>(tag << 16) * capacity) >> 64);
}

struct VectorEntry {
  Cid cid;
  Location loc;
};

// The records of tests/vectors/record_v1.json's segment 1 plus one dag-cbor record in segment 2.
std::vector<VectorEntry> VectorEntries() {
  return {
      {Cid::Of(Codec::kRaw, std::string_view("hello")), Location{1, 64, 83}},
      {Cid::Of(Codec::kRaw, std::string(1000, 'a')), Location{1, 147, 89}},
      {Cid::Of(Codec::kDagCbor, std::vector<uint8_t>{0xa0}), Location{2, 64, 79}},
  };
}

SnapshotMeta VectorMeta() {
  SnapshotMeta m;
  for (size_t i = 0; i < m.store_id.size(); ++i) m.store_id[i] = static_cast<uint8_t>(i);
  m.segment = 2;
  m.offset = 143;
  m.next_sequence = 45;
  m.last_segment = 2;
  m.last_offset = 64;
  m.logical_bytes = 5 + 1000 + 1;
  return m;
}

TEST_F(SnapshotTest, WriterProducesTheVector) {
  const std::string json = test::ReadVectorFile("snapshot_v1.json");
  ASSERT_FALSE(json.empty()) << "cannot read tests/vectors/snapshot_v1.json";
  std::map<std::string, std::string> f = test::FlatJsonFields(json);
  CidIndex index;
  for (const VectorEntry& e : VectorEntries()) index.Insert(CidIndex::Tag(e.cid), e.loc);
  ASSERT_OK(WriteSnapshot(&fs_, kDir, VectorMeta(), index.slots(), index.size()));
  const std::vector<uint8_t> file = Contents(kSnap);
  ASSERT_EQ(std::to_string(file.size()), f["file_size"]);
  EXPECT_EQ(test::ToHex(std::span(file).first(kSnapshotHeaderBytes)), f["header_hex"]);
  for (uint64_t i = 0; i < index.capacity(); ++i) {
    const std::string hex = test::ToHex(std::span(file).subspan(kSnapshotHeaderBytes + i * 16, 16));
    auto it = f.find("slot_" + std::to_string(i));
    EXPECT_EQ(hex, it == f.end() ? std::string(32, '0') : it->second) << "slot " << i;
  }
}

// Reads the vector (not the writer's output) and checks it against FORMAT.md field by field.
TEST_F(SnapshotTest, EveryFieldOfTheVectorSitsAtItsDocumentedOffset) {
  std::map<std::string, std::string> f =
      test::FlatJsonFields(test::ReadVectorFile("snapshot_v1.json"));
  std::vector<uint8_t> h;
  ASSERT_TRUE(test::FromHex(f["header_hex"], &h));
  ASSERT_EQ(h.size(), 128u);
  const std::span<const uint8_t> hs(h);
  const uint8_t kMagic[] = {0x44, 0x44, 0x43, 0x49, 0x44, 0x58, 0x0d, 0x0a};
  EXPECT_TRUE(std::equal(std::begin(kMagic), std::end(kMagic), h.begin()));
  EXPECT_EQ(GetLe(hs, 8, 4), 1u);    // Version.
  EXPECT_EQ(GetLe(hs, 12, 4), 16u);  // Slot size.
  for (size_t i = 0; i < 16; ++i) EXPECT_EQ(h[16 + i], i) << "store id byte " << i;
  EXPECT_EQ(GetLe(hs, 32, 4), 2u);     // Covered position: segment.
  EXPECT_EQ(GetLe(hs, 36, 4), 143u);   // Covered position: offset.
  EXPECT_EQ(GetLe(hs, 40, 8), 45u);    // Next sequence.
  EXPECT_EQ(GetLe(hs, 48, 4), 2u);     // Segment of the last covered record.
  EXPECT_EQ(GetLe(hs, 52, 4), 64u);    // Its offset.
  EXPECT_EQ(GetLe(hs, 56, 8), 1024u);  // Capacity.
  EXPECT_EQ(GetLe(hs, 64, 8), 3u);     // Count.
  EXPECT_EQ(GetLe(hs, 72, 8), 1006u);  // Logical bytes.
  for (size_t i = 88; i < 120; ++i) EXPECT_EQ(h[i], 0) << "reserved byte " << i;
  EXPECT_EQ(GetLe(hs, 120, 8), XXH3_64bits(h.data(), 120));
  EXPECT_EQ(f["file_size"], std::to_string(128 + 1024 * 16));

  // The slots: each entry at its home (no two share one here), tag << 16 | segment, offset,
  // length; every other slot zero; the whole array's XXH3 in the header.
  std::vector<uint8_t> slots(1024 * 16, 0);
  std::set<uint64_t> homes;
  for (const VectorEntry& e : VectorEntries()) {
    const uint64_t tag = SpecTag(e.cid);
    const uint64_t home = SpecHome(tag, 1024);
    homes.insert(home);
    std::vector<uint8_t> slot;
    ASSERT_TRUE(test::FromHex(f["slot_" + std::to_string(home)], &slot)) << "slot " << home;
    ASSERT_EQ(slot.size(), 16u);
    EXPECT_EQ(GetLe(slot, 0, 8), tag << 16 | e.loc.segment);
    EXPECT_EQ(GetLe(slot, 8, 4), e.loc.offset);
    EXPECT_EQ(GetLe(slot, 12, 4), e.loc.length);
    std::copy(slot.begin(), slot.end(), slots.begin() + static_cast<ptrdiff_t>(home * 16));
  }
  ASSERT_EQ(homes.size(), 3u);
  size_t listed = 0;
  for (const auto& [key, value] : f) listed += key.rfind("slot_", 0) == 0 ? 1 : 0;
  EXPECT_EQ(listed, 3u);
  EXPECT_EQ(GetLe(hs, 80, 8), XXH3_64bits(slots.data(), slots.size()));

  // And ReadSnapshot loads the vector.
  std::vector<uint8_t> file = h;
  file.insert(file.end(), slots.begin(), slots.end());
  ASSERT_OK(fs_.WriteAll(kSnap, file));
  auto loaded = ReadSnapshot(&fs_, kDir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(SameMeta(loaded->meta, VectorMeta()));
  for (const VectorEntry& e : VectorEntries()) {
    int found = 0;
    loaded->index.ForEachCandidate(CidIndex::Tag(e.cid), [&](const Location& l) {
      found += l == e.loc ? 1 : 0;
      return false;
    });
    EXPECT_EQ(found, 1);
  }
}

}  // namespace
}  // namespace ddc::index
