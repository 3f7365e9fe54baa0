// FaultFileSystem's crash and error model, case by case. Each crash mode is checked for its
// exact effect on a file with a synced part and an unsynced part (drop: exactly the synced
// bytes; tear: the synced bytes plus some prefix of the rest; random blocks: the full length,
// each 4 KiB block all new or all hole; the same seed always giving the same bytes); the
// namespace model (an unsynced create, remove or rename is undone by a crash, SyncDir makes it
// stick); and error injection (the N-th operation exactly, persistent mode, one in N at about
// the right rate, NoSpace propagated, partial writes). The randomized checks loop over fixed
// seeds so that a failure names the seed that replays it.
#include "engine/io/fault_file_system.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "engine/io/file_system.h"
#include "tests/test_util.h"

namespace ddc::io {
namespace {

constexpr uint64_t kBlock = 4096;

// /db/log in `fs`: `synced` bytes written and synced (the name synced too), then `unsynced`
// more bytes appended without a sync. Returns everything written.
std::vector<uint8_t> WriteSyncedThenUnsynced(FaultFileSystem& fs, size_t synced, size_t unsynced,
                                             uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> all = test::RandomBytes(rng, synced + unsynced);
  EXPECT_OK(fs.CreateDir("/db"));
  Result<std::unique_ptr<File>> file = fs.Open("/db/log", OpenMode::kCreateReadWrite);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  if (!file.ok()) return all;
  EXPECT_OK((*file)->WriteAndSync(0, std::span<const uint8_t>(all).first(synced)));
  EXPECT_OK(fs.SyncDir("/db"));
  EXPECT_OK((*file)->Write(synced, std::span<const uint8_t>(all).subspan(synced)));
  return all;
}

class FaultFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(fs_.CreateDir("/db")); }

  std::unique_ptr<File> Open(const std::string& path, OpenMode mode = OpenMode::kCreateReadWrite) {
    Result<std::unique_ptr<File>> file = fs_.Open(path, mode);
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    return file.ok() ? std::move(file).value() : nullptr;
  }

  std::vector<uint8_t> Contents(const std::string& path) {
    Result<std::vector<uint8_t>> bytes = fs_.ReadAll(path);
    EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
    return bytes.ok() ? *bytes : std::vector<uint8_t>{};
  }

  bool Exists(const std::string& path) {
    Result<bool> exists = fs_.Exists(path);
    EXPECT_TRUE(exists.ok());
    return exists.ok() && *exists;
  }

  std::vector<uint8_t> SyncedThenUnsynced(size_t synced, size_t unsynced, uint64_t seed) {
    return WriteSyncedThenUnsynced(fs_, synced, unsynced, seed);
  }

  FaultFileSystem fs_;
};

TEST_F(FaultFileSystemTest, DropKeepsExactlyTheSyncedBytes) {
  const std::vector<uint8_t> all = SyncedThenUnsynced(10000, 5000, 1);
  EXPECT_EQ(Contents("/db/log"), all);  // Before the crash, reads see everything.
  fs_.Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_EQ(Contents("/db/log"), std::vector<uint8_t>(all.begin(), all.begin() + 10000));
}

TEST_F(FaultFileSystemTest, KeepAllKeepsEverythingAndMakesItDurable) {
  const std::vector<uint8_t> all = SyncedThenUnsynced(10000, 5000, 2);
  fs_.Crash(CrashMode::kKeepAll, 2);
  EXPECT_EQ(Contents("/db/log"), all);
  fs_.Crash(CrashMode::kDropUnsynced, 3);  // Nothing is unsynced any more.
  EXPECT_EQ(Contents("/db/log"), all);
}

TEST_F(FaultFileSystemTest, TearKeepsSyncedBytesPlusAPrefix) {
  constexpr size_t kSynced = 10000;
  constexpr size_t kUnsynced = 20000;
  size_t strictly_between = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    FaultFileSystem fs;
    const std::vector<uint8_t> all = WriteSyncedThenUnsynced(fs, kSynced, kUnsynced, seed);
    fs.Crash(CrashMode::kTearUnsynced, seed);
    Result<std::vector<uint8_t>> read = fs.ReadAll("/db/log");
    ASSERT_TRUE(read.ok());
    const std::vector<uint8_t>& after = *read;
    ASSERT_GE(after.size(), kSynced);
    ASSERT_LE(after.size(), kSynced + kUnsynced);
    EXPECT_TRUE(std::equal(after.begin(), after.end(), all.begin()));
    strictly_between += after.size() > kSynced && after.size() < kSynced + kUnsynced ? 1 : 0;
  }
  EXPECT_GT(strictly_between, 30u);  // Tearing at an end every time would be no tear.
}

TEST_F(FaultFileSystemTest, RandomBlocksKeepLengthWithWholeBlocksNewOrZero) {
  // The unsynced part starts mid-block, so the first unsynced block is partly synced.
  constexpr size_t kSynced = 2 * kBlock + 100;
  constexpr size_t kUnsynced = 10 * kBlock;
  size_t kept_blocks = 0;
  size_t lost_blocks = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    FaultFileSystem fs;
    const std::vector<uint8_t> all = WriteSyncedThenUnsynced(fs, kSynced, kUnsynced, seed);
    fs.Crash(CrashMode::kRandomBlocks, seed);
    Result<std::vector<uint8_t>> after = fs.ReadAll("/db/log");
    ASSERT_TRUE(after.ok());
    ASSERT_EQ(after->size(), all.size());
    EXPECT_TRUE(std::equal(all.begin(), all.begin() + kSynced, after->begin()));
    for (size_t begin = kSynced; begin < all.size();) {
      const size_t end = std::min<size_t>((begin / kBlock + 1) * kBlock, all.size());
      const bool is_new = std::equal(all.begin() + static_cast<ptrdiff_t>(begin),
                                     all.begin() + static_cast<ptrdiff_t>(end),
                                     after->begin() + static_cast<ptrdiff_t>(begin));
      const bool is_zero = std::all_of(after->begin() + static_cast<ptrdiff_t>(begin),
                                       after->begin() + static_cast<ptrdiff_t>(end),
                                       [](uint8_t b) { return b == 0; });
      EXPECT_TRUE(is_new || is_zero) << "block at " << begin;
      kept_blocks += is_new ? 1 : 0;
      lost_blocks += is_zero ? 1 : 0;
      begin = end;
    }
  }
  EXPECT_GT(kept_blocks, 50u);
  EXPECT_GT(lost_blocks, 50u);
}

TEST_F(FaultFileSystemTest, RandomBlocksNeverLoseSyncedBytesUnderAnOverwrite) {
  // Overwrites at both ends of a synced file leave a dirty range covering synced bytes that
  // were never rewritten; those must survive, and the rewritten bytes are old or new.
  std::mt19937_64 rng(5);
  const std::vector<uint8_t> old_bytes = test::RandomBytes(rng, 5 * kBlock);
  const std::vector<uint8_t> patch(10, 0xEE);
  for (uint64_t seed = 1; seed <= 16; ++seed) {
    FaultFileSystem fs;
    ASSERT_OK(fs.WriteAll("/db/file", old_bytes));
    auto f = fs.Open("/db/file", OpenMode::kReadWrite);
    ASSERT_TRUE(f.ok());
    ASSERT_OK((*f)->Write(0, patch));
    ASSERT_OK((*f)->Write(4 * kBlock + 7, patch));
    fs.Crash(CrashMode::kRandomBlocks, seed);
    Result<std::vector<uint8_t>> after = fs.ReadAll("/db/file");
    ASSERT_TRUE(after.ok());
    ASSERT_EQ(after->size(), old_bytes.size());
    for (size_t i = 0; i < old_bytes.size(); ++i) {
      const bool patched = i < 10 || (i >= 4 * kBlock + 7 && i < 4 * kBlock + 17);
      if (!patched) {
        ASSERT_EQ((*after)[i], old_bytes[i]) << "seed " << seed << " byte " << i;
      } else {
        ASSERT_TRUE((*after)[i] == old_bytes[i] || (*after)[i] == 0xEE) << "byte " << i;
      }
    }
  }
}

TEST_F(FaultFileSystemTest, SameSeedSameCrash) {
  auto run = [](CrashMode mode, uint64_t seed) {
    FaultFileSystem fs;
    EXPECT_OK(fs.CreateDir("/db"));
    std::mt19937_64 rng(99);
    for (const char* name : {"/db/a", "/db/b", "/db/c"}) {
      auto file = fs.Open(name, OpenMode::kCreateReadWrite);
      EXPECT_OK((*file)->WriteAndSync(0, test::RandomBytes(rng, 3000)));
      EXPECT_OK((*file)->Write(3000, test::RandomBytes(rng, 40000)));
    }
    EXPECT_OK(fs.SyncDir("/db"));
    fs.Crash(mode, seed);
    std::vector<std::vector<uint8_t>> out;
    for (const char* name : {"/db/a", "/db/b", "/db/c"}) out.push_back(*fs.ReadAll(name));
    return out;
  };
  for (CrashMode mode : {CrashMode::kTearUnsynced, CrashMode::kRandomBlocks}) {
    EXPECT_EQ(run(mode, 42), run(mode, 42));
    bool any_differs = false;
    for (uint64_t seed = 43; seed < 48; ++seed) any_differs |= run(mode, seed) != run(mode, 42);
    EXPECT_TRUE(any_differs);
  }
}

TEST_F(FaultFileSystemTest, UnsyncedCreateVanishesAndSyncDirKeepsIt) {
  auto file = Open("/db/new");
  ASSERT_OK(file->WriteAndSync(0, std::vector<uint8_t>{1, 2, 3}));  // Data synced, name not.
  fs_.Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_FALSE(Exists("/db/new"));

  file = Open("/db/new");
  ASSERT_OK(file->WriteAndSync(0, std::vector<uint8_t>{1, 2, 3}));
  ASSERT_OK(fs_.SyncDir("/db"));
  fs_.Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_EQ(Contents("/db/new"), (std::vector<uint8_t>{1, 2, 3}));

  // A name synced before its data: the file survives, empty.
  file = Open("/db/empty");
  ASSERT_OK(fs_.SyncDir("/db"));
  ASSERT_OK(file->Write(0, std::vector<uint8_t>{9}));
  fs_.Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_TRUE(Exists("/db/empty"));
  EXPECT_TRUE(Contents("/db/empty").empty());
}

TEST_F(FaultFileSystemTest, UnsyncedRenameRevertsAndSyncDirKeepsIt) {
  ASSERT_OK(fs_.WriteAll("/db/CURRENT", {1}));
  ASSERT_OK(fs_.WriteAll("/db/CURRENT.tmp", {2}));
  ASSERT_OK(fs_.Rename("/db/CURRENT.tmp", "/db/CURRENT"));
  EXPECT_EQ(Contents("/db/CURRENT"), (std::vector<uint8_t>{2}));
  fs_.Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_EQ(Contents("/db/CURRENT"), (std::vector<uint8_t>{1}));
  EXPECT_EQ(Contents("/db/CURRENT.tmp"), (std::vector<uint8_t>{2}));

  ASSERT_OK(fs_.Rename("/db/CURRENT.tmp", "/db/CURRENT"));
  ASSERT_OK(fs_.SyncDir("/db"));
  fs_.Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_EQ(Contents("/db/CURRENT"), (std::vector<uint8_t>{2}));
  EXPECT_FALSE(Exists("/db/CURRENT.tmp"));
}

TEST_F(FaultFileSystemTest, ProcessCrashKeepsUnsyncedNamesAndData) {
  // kKeepAll models a process crash: the kernel keeps its page cache and its dentries, so
  // neither unsynced data nor unsynced creates, renames or removes are lost.
  ASSERT_OK(fs_.WriteAll("/db/a", {1}));
  ASSERT_OK(fs_.WriteAll("/db/gone", {5}));
  auto file = Open("/db/b");
  ASSERT_OK(file->Write(0, std::vector<uint8_t>{2, 2}));
  ASSERT_OK(fs_.Rename("/db/a", "/db/c"));
  ASSERT_OK(fs_.Remove("/db/gone"));
  fs_.Crash(CrashMode::kKeepAll, 1);
  EXPECT_EQ(Contents("/db/b"), (std::vector<uint8_t>{2, 2}));
  EXPECT_EQ(Contents("/db/c"), (std::vector<uint8_t>{1}));
  EXPECT_FALSE(Exists("/db/a"));
  EXPECT_FALSE(Exists("/db/gone"));
}

TEST_F(FaultFileSystemTest, UnsyncedRemoveReverts) {
  ASSERT_OK(fs_.WriteAll("/db/old", {7}));
  ASSERT_OK(fs_.Remove("/db/old"));
  EXPECT_FALSE(Exists("/db/old"));
  fs_.Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_EQ(Contents("/db/old"), (std::vector<uint8_t>{7}));
  ASSERT_OK(fs_.Remove("/db/old"));
  ASSERT_OK(fs_.SyncDir("/db"));
  fs_.Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_FALSE(Exists("/db/old"));
}

TEST_F(FaultFileSystemTest, SyncDirCoversOnlyItsDirectory) {
  ASSERT_OK(fs_.CreateDir("/db/sub"));
  Open("/db/top");
  Open("/db/sub/inner");
  ASSERT_OK(fs_.SyncDir("/db/sub"));
  fs_.Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_FALSE(Exists("/db/top"));
  EXPECT_TRUE(Exists("/db/sub/inner"));
  EXPECT_TRUE(Exists("/db/sub"));  // Directories are durable once created.
}

TEST_F(FaultFileSystemTest, TruncateIsDurableOnlyAfterSync) {
  ASSERT_OK(fs_.WriteAll("/db/t", std::vector<uint8_t>(1000, 3)));
  auto file = Open("/db/t", OpenMode::kReadWrite);
  ASSERT_OK(file->Truncate(100));
  fs_.Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_EQ(Contents("/db/t"), std::vector<uint8_t>(1000, 3));

  file = Open("/db/t", OpenMode::kReadWrite);
  ASSERT_OK(file->Truncate(100));
  ASSERT_OK(file->Sync());
  fs_.Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_EQ(Contents("/db/t"), std::vector<uint8_t>(100, 3));
}

TEST_F(FaultFileSystemTest, OldFilesDieInACrash) {
  auto file = Open("/db/f");
  ASSERT_OK(file->WriteAndSync(0, std::vector<uint8_t>{1}));
  ASSERT_OK(fs_.SyncDir("/db"));
  fs_.Crash(CrashMode::kKeepAll, 1);
  std::vector<uint8_t> buffer(1);
  std::vector<ReadOp> ops(1);
  ops[0].buffer = buffer;
  const std::vector<Status> results = {file->Write(0, buffer), file->WriteAndSync(0, buffer),
                                       file->Sync(),           file->Read(0, buffer).status(),
                                       file->ReadBatch(ops),   file->Size().status(),
                                       file->Truncate(0)};
  for (const Status& s : results) {
    EXPECT_TRUE(s.IsIOError()) << s.ToString();
    EXPECT_NE(s.message().find("file closed by simulated crash"), std::string::npos)
        << s.ToString();
  }
  auto reopened = Open("/db/f", OpenMode::kReadWrite);
  EXPECT_OK(reopened->Write(1, buffer));
  EXPECT_EQ(Contents("/db/f"), (std::vector<uint8_t>{1, 0}));
}

TEST_F(FaultFileSystemTest, CrashReleasesLocks) {
  Result<std::unique_ptr<FileLock>> before = fs_.Lock("/db/LOCK");
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(fs_.Lock("/db/LOCK").status().IsBusy());
  fs_.Crash(CrashMode::kDropUnsynced, 1);
  Result<std::unique_ptr<FileLock>> after = fs_.Lock("/db/LOCK");
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  before.value().reset();  // The dead lock must not release the live one.
  EXPECT_TRUE(fs_.Lock("/db/LOCK").status().IsBusy());
}

TEST_F(FaultFileSystemTest, FailNthOperationHitsExactlyThatOperation) {
  auto file = Open("/db/f");
  const std::vector<uint8_t> data = {1, 2, 3};
  const uint64_t start = fs_.operation_count();
  fs_.FailNthOperation(3, Status::Code::kIOError);
  EXPECT_OK(file->Write(0, data));      // 1
  EXPECT_OK(file->Sync());              // 2
  Status third = file->Write(3, data);  // 3
  EXPECT_TRUE(third.IsIOError()) << third.ToString();
  EXPECT_NE(third.message().find("/db/f offset 3"), std::string::npos) << third.ToString();
  EXPECT_NE(third.message().find("injected"), std::string::npos);
  EXPECT_OK(file->Write(6, data));  // 4
  EXPECT_EQ(fs_.operation_count() - start, 4u);
  EXPECT_EQ(fs_.injected_failures(), 1u);
}

TEST_F(FaultFileSystemTest, SweepFailsEachOperationOnce) {
  // The shape of an I/O-error sweep: for n = 1, 2, ... the n-th operation of a fixed sequence
  // fails, until the sequence runs through.
  auto sequence = [](FaultFileSystem& fs) -> Status {
    Result<std::unique_ptr<File>> file = fs.Open("/db/s", OpenMode::kCreateReadWrite);
    if (!file.ok()) return file.status();
    Status s = (*file)->Write(0, std::vector<uint8_t>(10, 1));
    if (s.ok()) s = (*file)->Sync();
    if (s.ok()) s = fs.SyncDir("/db");
    return s;
  };
  uint64_t n = 1;
  for (;; ++n) {
    FaultFileSystem fs;
    ASSERT_OK(fs.CreateDir("/db"));
    fs.FailNthOperation(n, Status::Code::kIOError);
    if (sequence(fs).ok()) {
      EXPECT_EQ(fs.injected_failures(), 0u);
      break;
    }
    EXPECT_EQ(fs.injected_failures(), 1u);
  }
  EXPECT_EQ(n, 5u);  // Open, Write, Sync, SyncDir fail in turn; the fifth run succeeds.
}

TEST_F(FaultFileSystemTest, PersistentFailureLastsUntilCleared) {
  auto file = Open("/db/f");
  fs_.FailNthOperation(2, Status::Code::kIOError, /*persistent=*/true);
  EXPECT_OK(file->Write(0, std::vector<uint8_t>{1}));
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(file->Sync().ok());
  EXPECT_FALSE(fs_.Exists("/db/f").ok());
  EXPECT_EQ(fs_.injected_failures(), 6u);
  fs_.ClearFaults();
  EXPECT_OK(file->Sync());
}

TEST_F(FaultFileSystemTest, FailOneInHitsAboutOneInN) {
  ASSERT_OK(fs_.WriteAll("/db/f", std::vector<uint8_t>(100, 1)));
  auto file = Open("/db/f", OpenMode::kReadWrite);
  fs_.FailOneIn(OpKind::kRead, 10, Status::Code::kIOError, 1234);
  std::vector<uint8_t> buffer(10);
  int failed = 0;
  for (int i = 0; i < 10000; ++i) failed += file->Read(0, buffer).ok() ? 0 : 1;
  EXPECT_GT(failed, 850);
  EXPECT_LT(failed, 1150);
  // Other kinds are untouched.
  for (int i = 0; i < 200; ++i) ASSERT_OK(file->Write(0, buffer));
  // The same seed replays the same failures.
  auto pattern = [&](uint64_t seed) {
    fs_.FailOneIn(OpKind::kRead, 3, Status::Code::kIOError, seed);
    std::string bits;
    for (int i = 0; i < 64; ++i) bits += file->Read(0, buffer).ok() ? '.' : 'x';
    return bits;
  };
  EXPECT_EQ(pattern(77), pattern(77));
  EXPECT_NE(pattern(77), pattern(78));
  fs_.FailOneIn(OpKind::kRead, 0, Status::Code::kIOError, 0);
  EXPECT_OK(file->Read(0, buffer).status());
}

TEST_F(FaultFileSystemTest, NoSpacePropagates) {
  auto file = Open("/db/f");
  fs_.FailNthOperation(1, Status::Code::kNoSpace);
  Status s = file->WriteAndSync(0, std::vector<uint8_t>(100, 1));
  EXPECT_TRUE(s.IsNoSpace()) << s.ToString();
  EXPECT_NE(s.message().find("/db/f"), std::string::npos);
  fs_.FailOneIn(OpKind::kMetadata, 1, Status::Code::kNoSpace, 1);
  EXPECT_TRUE(fs_.SyncDir("/db").IsNoSpace());
}

TEST_F(FaultFileSystemTest, FailedWriteLeavesAPrefixAndFailedWriteAndSyncDoesNotSync) {
  ASSERT_OK(fs_.WriteAll("/db/f", std::vector<uint8_t>(10, 1)));
  auto file = Open("/db/f", OpenMode::kReadWrite);
  const std::vector<uint8_t> data(1000, 0xAB);
  size_t partial = 0;
  for (uint64_t seed = 0; seed < 10; ++seed) {
    fs_.FailOneIn(OpKind::kWrite, 1, Status::Code::kIOError, seed);
    EXPECT_FALSE(file->WriteAndSync(10, data).ok());
    const std::vector<uint8_t> now = Contents("/db/f");
    ASSERT_GE(now.size(), 10u);
    ASSERT_LT(now.size(), 10u + data.size());
    EXPECT_TRUE(std::all_of(now.begin() + 10, now.end(), [](uint8_t b) { return b == 0xAB; }));
    partial += now.size() > 10 ? 1 : 0;
    fs_.ClearFaults();
    fs_.Crash(CrashMode::kDropUnsynced, seed);  // The failed WriteAndSync synced nothing.
    EXPECT_EQ(Contents("/db/f"), std::vector<uint8_t>(10, 1));
    file = Open("/db/f", OpenMode::kReadWrite);
  }
  EXPECT_GT(partial, 0u);

  // WriteAndSync is a write then a sync: failing the sync leaves the data written, unsynced.
  fs_.FailNthOperation(2, Status::Code::kIOError);
  EXPECT_FALSE(file->WriteAndSync(10, data).ok());
  EXPECT_EQ(Contents("/db/f").size(), 1010u);
  fs_.Crash(CrashMode::kDropUnsynced, 1);
  EXPECT_EQ(Contents("/db/f").size(), 10u);
}

TEST_F(FaultFileSystemTest, DirectoriesMustExist) {
  EXPECT_TRUE(fs_.Open("/nowhere/f", OpenMode::kCreateReadWrite).status().IsNotFound());
  EXPECT_TRUE(fs_.ListDir("/nowhere").status().IsNotFound());
  EXPECT_TRUE(fs_.Rename("/db/missing", "/db/x").IsNotFound());
  ASSERT_OK(fs_.WriteAll("/db/f", {1}));
  EXPECT_TRUE(fs_.Rename("/db/f", "/nowhere/f").IsNotFound());
  ASSERT_OK(fs_.CreateDir("/a/b/c"));
  Result<std::vector<std::string>> root = fs_.ListDir("/");
  ASSERT_TRUE(root.ok());
  std::sort(root->begin(), root->end());
  EXPECT_EQ(*root, (std::vector<std::string>{"a", "db"}));
}

TEST_F(FaultFileSystemTest, TestAccessorsWriteAllAndFlipBit) {
  ASSERT_OK(fs_.WriteAll("/fresh/dir/f", {0x0F}));  // Parents appear for test setup.
  ASSERT_OK(fs_.FlipBit("/fresh/dir/f", 0, 7));
  EXPECT_EQ(Contents("/fresh/dir/f"), (std::vector<uint8_t>{0x8F}));
  fs_.Crash(CrashMode::kDropUnsynced, 1);  // Both are durable.
  EXPECT_EQ(Contents("/fresh/dir/f"), (std::vector<uint8_t>{0x8F}));
  EXPECT_TRUE(fs_.FlipBit("/fresh/dir/f", 1, 0).IsInvalidArgument());
  EXPECT_TRUE(fs_.FlipBit("/fresh/dir/f", 0, 8).IsInvalidArgument());
  EXPECT_TRUE(fs_.FlipBit("/fresh/dir/nope", 0, 0).IsNotFound());
  EXPECT_TRUE(fs_.ReadAll("/fresh/dir/nope").status().IsNotFound());
}

}  // namespace
}  // namespace ddc::io
