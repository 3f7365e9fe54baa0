// The FileSystem contract, checked identically on every backend: PosixFileSystem and
// UringFileSystem in a fresh temporary directory, FaultFileSystem in memory. Each case runs
// three times (suffix /posix, /io_uring, /fault); a backend that behaves differently from the
// others on any of these fails here rather than in a store test far away. The io_uring
// instance is skipped, with the kernel's reason, where io_uring is unavailable.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/io/fault_file_system.h"
#include "engine/io/file_system.h"
#include "engine/io/posix_file_system.h"
#include "engine/io/uring_file_system.h"
#include "tests/test_util.h"

namespace ddc::io {
namespace {

class FileSystemConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string& backend = GetParam();
    if (backend == "posix") {
      fs_ = PosixFileSystemInstance();
      root_ = temp_.path();
    } else if (backend == "io_uring") {
      Result<std::unique_ptr<UringFileSystem>> uring = UringFileSystem::Create();
      // The io_uring backend must pass the same suite: a machine without io_uring fails here
      // rather than passing a suite that never ran (the fallback is tested via
      // DDC_FORCE_POSIX in uring_file_system_test.cc).
      ASSERT_TRUE(uring.ok()) << "io_uring unavailable: " << uring.status().ToString();
      uring_ = std::move(uring).value();
      fs_ = uring_.get();
      root_ = temp_.path();
    } else {
      fault_ = std::make_unique<FaultFileSystem>();
      fs_ = fault_.get();
      root_ = "/conformance";
      ASSERT_OK(fs_->CreateDir(root_));
    }
  }

  void TearDown() override {
    // Single-threaded cases must have run on a ring, not on the fallback.
    if (uring_ != nullptr && !allow_fallback_) {
      EXPECT_EQ(uring_->posix_fallback_count(), 0u);
    }
  }

  std::string PathOf(const std::string& name) const { return root_ + "/" + name; }

  std::unique_ptr<File> OpenOrDie(const std::string& path, OpenMode mode) {
    Result<std::unique_ptr<File>> file = fs_->Open(path, mode);
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    return file.ok() ? std::move(file).value() : nullptr;
  }

  // Creates `name` holding `bytes` (synced).
  std::unique_ptr<File> MakeFile(const std::string& name, const std::vector<uint8_t>& bytes) {
    std::unique_ptr<File> file = OpenOrDie(PathOf(name), OpenMode::kCreateReadWrite);
    if (file != nullptr) EXPECT_OK(file->WriteAndSync(0, bytes));
    return file;
  }

  std::vector<uint8_t> ReadWhole(File& file) {
    Result<uint64_t> size = file.Size();
    EXPECT_TRUE(size.ok()) << size.status().ToString();
    std::vector<uint8_t> bytes(size.ok() ? *size : 0);
    Result<size_t> n = file.Read(0, bytes);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    if (n.ok()) {
      EXPECT_EQ(*n, bytes.size());
    }
    return bytes;
  }

  std::vector<std::string> SortedList(const std::string& dir) {
    Result<std::vector<std::string>> names = fs_->ListDir(dir);
    EXPECT_TRUE(names.ok()) << names.status().ToString();
    std::vector<std::string> sorted = names.ok() ? *names : std::vector<std::string>{};
    std::sort(sorted.begin(), sorted.end());
    return sorted;
  }

  test::TempDir temp_;
  std::unique_ptr<UringFileSystem> uring_;
  std::unique_ptr<FaultFileSystem> fault_;
  FileSystem* fs_ = nullptr;
  std::string root_;
  bool allow_fallback_ = false;
  std::mt19937_64 rng_{20240611};
};

TEST_P(FileSystemConformanceTest, NameIsTheBackend) { EXPECT_EQ(fs_->Name(), GetParam()); }

TEST_P(FileSystemConformanceTest, WritesAtOffsetsReadBack) {
  auto file = OpenOrDie(PathOf("data"), OpenMode::kCreateReadWrite);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->path(), PathOf("data"));
  std::vector<uint8_t> model;
  for (uint64_t offset : {0u, 100u, 4096u, 4000u, 70000u, 3u}) {
    const std::vector<uint8_t> data = test::RandomBytes(rng_, 1 + offset % 5000);
    ASSERT_OK(file->Write(offset, data));
    if (model.size() < offset + data.size()) model.resize(offset + data.size());
    std::copy(data.begin(), data.end(), model.begin() + static_cast<ptrdiff_t>(offset));
  }
  EXPECT_EQ(ReadWhole(*file), model);
  // A sub-range read returns exactly that range.
  std::vector<uint8_t> middle(5000);
  Result<size_t> n = file->Read(4000, middle);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  ASSERT_EQ(*n, middle.size());
  EXPECT_TRUE(std::equal(middle.begin(), middle.end(), model.begin() + 4000));
}

TEST_P(FileSystemConformanceTest, WritePastEndLeavesZeroGap) {
  auto file = MakeFile("gap", {1, 2, 3});
  ASSERT_NE(file, nullptr);
  const std::vector<uint8_t> tail = {9, 9};
  ASSERT_OK(file->Write(10, tail));
  EXPECT_EQ(ReadWhole(*file), (std::vector<uint8_t>{1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 9, 9}));
}

TEST_P(FileSystemConformanceTest, ReadsPastEndAreShort) {
  auto file = MakeFile("short", test::RandomBytes(rng_, 1000));
  ASSERT_NE(file, nullptr);
  std::vector<uint8_t> buffer(300);
  Result<size_t> straddling = file->Read(900, buffer);
  ASSERT_TRUE(straddling.ok()) << straddling.status().ToString();
  EXPECT_EQ(*straddling, 100u);
  Result<size_t> at_end = file->Read(1000, buffer);
  ASSERT_TRUE(at_end.ok());
  EXPECT_EQ(*at_end, 0u);
  Result<size_t> beyond = file->Read(1u << 30, buffer);
  ASSERT_TRUE(beyond.ok());
  EXPECT_EQ(*beyond, 0u);
  Result<size_t> empty = file->Read(0, std::span<uint8_t>());
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, 0u);
}

TEST_P(FileSystemConformanceTest, ReadBatchOverTwoFilesAndPastEnd) {
  const std::vector<uint8_t> a_bytes = test::RandomBytes(rng_, size_t{256} << 10);
  const std::vector<uint8_t> b_bytes = test::RandomBytes(rng_, 10000);
  auto a = MakeFile("a", a_bytes);
  auto b = MakeFile("b", b_bytes);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);

  struct Expected {
    File* file;
    const std::vector<uint8_t>* bytes;
  };
  constexpr size_t kOps = 300;
  std::vector<std::vector<uint8_t>> buffers(kOps);
  std::vector<ReadOp> a_ops;
  std::vector<ReadOp> b_ops;
  for (size_t i = 0; i < kOps; ++i) {
    const bool on_b = i % 3 == 0;
    const std::vector<uint8_t>& bytes = on_b ? b_bytes : a_bytes;
    // Every tenth op starts near or past the end, so some are short and some empty.
    const uint64_t offset = i % 10 == 0 ? bytes.size() - 50 + (i % 7) * 40 : rng_() % bytes.size();
    buffers[i].resize(1 + rng_() % 9000);
    ReadOp op;
    op.offset = offset;
    op.buffer = buffers[i];
    op.bytes_read = 12345;                 // Must be overwritten.
    op.status = Status::IOError("stale");  // Must be overwritten.
    (on_b ? b_ops : a_ops).push_back(op);
  }
  ASSERT_OK(a->ReadBatch(a_ops));
  ASSERT_OK(b->ReadBatch(b_ops));
  size_t short_reads = 0;
  for (const auto& [ops, bytes] : {std::pair(&a_ops, &a_bytes), std::pair(&b_ops, &b_bytes)}) {
    for (const ReadOp& op : *ops) {
      ASSERT_OK(op.status);
      const size_t expect = op.offset >= bytes->size()
                                ? 0
                                : std::min<size_t>(op.buffer.size(), bytes->size() - op.offset);
      ASSERT_EQ(op.bytes_read, expect) << "offset " << op.offset;
      short_reads += expect < op.buffer.size() ? 1 : 0;
      EXPECT_TRUE(std::equal(op.buffer.begin(), op.buffer.begin() + static_cast<ptrdiff_t>(expect),
                             bytes->begin() + static_cast<ptrdiff_t>(op.offset)))
          << "offset " << op.offset;
    }
  }
  EXPECT_GT(short_reads, 0u);
}

TEST_P(FileSystemConformanceTest, ReadBatchRejectsMoreThanTheLimit) {
  auto file = MakeFile("limit", {1});
  ASSERT_NE(file, nullptr);
  std::vector<ReadOp> ops(kMaxReadBatch + 1);
  EXPECT_TRUE(file->ReadBatch(ops).IsInvalidArgument());
  std::vector<ReadOp> none;
  EXPECT_OK(file->ReadBatch(none));
}

TEST_P(FileSystemConformanceTest, WriteAndSyncAndSync) {
  auto file = OpenOrDie(PathOf("synced"), OpenMode::kCreateReadWrite);
  ASSERT_NE(file, nullptr);
  const std::vector<uint8_t> first = test::RandomBytes(rng_, 70000);
  const std::vector<uint8_t> second = test::RandomBytes(rng_, 333);
  ASSERT_OK(file->WriteAndSync(0, first));
  ASSERT_OK(file->WriteAndSync(first.size(), second));
  ASSERT_OK(file->WriteAndSync(5, std::span<const uint8_t>()));  // Empty: just a sync.
  ASSERT_OK(file->Sync());
  std::vector<uint8_t> expect = first;
  expect.insert(expect.end(), second.begin(), second.end());
  EXPECT_EQ(ReadWhole(*file), expect);
}

TEST_P(FileSystemConformanceTest, TruncateShrinksAndGrowsWithZeros) {
  auto file = MakeFile("trunc", test::RandomBytes(rng_, 5000));
  ASSERT_NE(file, nullptr);
  const std::vector<uint8_t> before = ReadWhole(*file);
  ASSERT_OK(file->Truncate(1000));
  Result<uint64_t> size = file->Size();
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 1000u);
  ASSERT_OK(file->Truncate(3000));
  std::vector<uint8_t> expect(before.begin(), before.begin() + 1000);
  expect.resize(3000, 0);
  EXPECT_EQ(ReadWhole(*file), expect);
  ASSERT_OK(file->Truncate(0));
  EXPECT_TRUE(ReadWhole(*file).empty());
}

TEST_P(FileSystemConformanceTest, SizeFollowsWrites) {
  auto file = OpenOrDie(PathOf("size"), OpenMode::kCreateReadWrite);
  ASSERT_NE(file, nullptr);
  Result<uint64_t> size = file->Size();
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 0u);
  ASSERT_OK(file->Write(4096, std::vector<uint8_t>(10, 7)));
  size = file->Size();
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 4106u);
  ASSERT_OK(file->Write(0, std::vector<uint8_t>(10, 7)));  // Inside: size unchanged.
  size = file->Size();
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 4106u);
}

TEST_P(FileSystemConformanceTest, CreateNeverTruncatesAndHandlesShareData) {
  const std::vector<uint8_t> bytes = test::RandomBytes(rng_, 100);
  auto writer = MakeFile("shared", bytes);
  ASSERT_NE(writer, nullptr);
  auto again = OpenOrDie(PathOf("shared"), OpenMode::kCreateReadWrite);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(ReadWhole(*again), bytes);
  auto reader = OpenOrDie(PathOf("shared"), OpenMode::kRead);
  ASSERT_NE(reader, nullptr);
  ASSERT_OK(writer->Write(100, std::vector<uint8_t>{42}));
  std::vector<uint8_t> one(1);
  Result<size_t> n = reader->Read(100, one);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ(one[0], 42);
  auto read_write = OpenOrDie(PathOf("shared"), OpenMode::kReadWrite);
  ASSERT_NE(read_write, nullptr);
  EXPECT_EQ(ReadWhole(*read_write).size(), 101u);
}

TEST_P(FileSystemConformanceTest, ReadOnlyFileRefusesWrites) {
  MakeFile("ro", {1, 2, 3});
  auto file = OpenOrDie(PathOf("ro"), OpenMode::kRead);
  ASSERT_NE(file, nullptr);
  const std::vector<uint8_t> data = {4, 5};
  Status write = file->Write(0, data);
  EXPECT_TRUE(write.IsIOError()) << write.ToString();
  EXPECT_NE(write.message().find(PathOf("ro")), std::string::npos) << write.ToString();
  Status write_sync = file->WriteAndSync(0, data);
  EXPECT_TRUE(write_sync.IsIOError()) << write_sync.ToString();
  // The write's error, not the cancelled fdatasync's.
  EXPECT_EQ(write_sync.message().find("cancel"), std::string::npos) << write_sync.ToString();
  EXPECT_TRUE(file->Truncate(0).IsIOError());
  EXPECT_EQ(ReadWhole(*file), (std::vector<uint8_t>{1, 2, 3}));
}

TEST_P(FileSystemConformanceTest, OpenErrorsNameThePath) {
  Result<std::unique_ptr<File>> missing = fs_->Open(PathOf("missing"), OpenMode::kRead);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound()) << missing.status().ToString();
  EXPECT_NE(missing.status().message().find(PathOf("missing")), std::string::npos);
  EXPECT_NE(missing.status().message().find("No such file or directory"), std::string::npos);

  EXPECT_TRUE(fs_->Open(PathOf("missing"), OpenMode::kReadWrite).status().IsNotFound());
  Result<std::unique_ptr<File>> no_dir =
      fs_->Open(PathOf("no-such-dir/file"), OpenMode::kCreateReadWrite);
  EXPECT_TRUE(no_dir.status().IsNotFound()) << no_dir.status().ToString();
  Result<bool> exists = fs_->Exists(PathOf("missing"));
  ASSERT_TRUE(exists.ok());
  EXPECT_FALSE(*exists);
}

TEST_P(FileSystemConformanceTest, CreateDirMakesParentsAndIsIdempotent) {
  const std::string deep = PathOf("x/y/z");
  ASSERT_OK(fs_->CreateDir(deep));
  ASSERT_OK(fs_->CreateDir(deep));
  ASSERT_OK(fs_->CreateDir(deep + "/"));
  for (const std::string& dir : {PathOf("x"), PathOf("x/y"), deep}) {
    Result<bool> exists = fs_->Exists(dir);
    ASSERT_TRUE(exists.ok());
    EXPECT_TRUE(*exists) << dir;
  }
  MakeFile("plain", {1});
  EXPECT_FALSE(fs_->CreateDir(PathOf("plain")).ok());
  EXPECT_FALSE(fs_->CreateDir(PathOf("plain/sub")).ok());
}

TEST_P(FileSystemConformanceTest, ListDirNamesFilesAndDirectories) {
  ASSERT_OK(fs_->CreateDir(PathOf("d/sub")));
  auto f1 = OpenOrDie(PathOf("d/one"), OpenMode::kCreateReadWrite);
  auto f2 = OpenOrDie(PathOf("d/two"), OpenMode::kCreateReadWrite);
  auto nested = OpenOrDie(PathOf("d/sub/three"), OpenMode::kCreateReadWrite);
  EXPECT_EQ(SortedList(PathOf("d")), (std::vector<std::string>{"one", "sub", "two"}));
  EXPECT_EQ(SortedList(PathOf("d/sub")), (std::vector<std::string>{"three"}));
  ASSERT_OK(fs_->CreateDir(PathOf("empty")));
  EXPECT_TRUE(SortedList(PathOf("empty")).empty());
  Result<std::vector<std::string>> missing = fs_->ListDir(PathOf("nope"));
  EXPECT_TRUE(missing.status().IsNotFound()) << missing.status().ToString();
}

TEST_P(FileSystemConformanceTest, RenameReplacesTarget) {
  MakeFile("old", {1, 1, 1});
  MakeFile("new", {2, 2, 2, 2});
  ASSERT_OK(fs_->Rename(PathOf("new"), PathOf("old")));
  Result<bool> gone = fs_->Exists(PathOf("new"));
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(*gone);
  auto file = OpenOrDie(PathOf("old"), OpenMode::kRead);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(ReadWhole(*file), (std::vector<uint8_t>{2, 2, 2, 2}));
  ASSERT_OK(fs_->SyncDir(root_));
  EXPECT_EQ(SortedList(root_), (std::vector<std::string>{"old"}));
  EXPECT_TRUE(fs_->Rename(PathOf("new"), PathOf("other")).IsNotFound());
}

TEST_P(FileSystemConformanceTest, RenameOfOpenFileKeepsHandle) {
  auto file = MakeFile("moving", {5});
  ASSERT_NE(file, nullptr);
  ASSERT_OK(fs_->Rename(PathOf("moving"), PathOf("moved")));
  ASSERT_OK(file->Write(1, std::vector<uint8_t>{6}));
  auto reopened = OpenOrDie(PathOf("moved"), OpenMode::kRead);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(ReadWhole(*reopened), (std::vector<uint8_t>{5, 6}));
}

TEST_P(FileSystemConformanceTest, RemoveDeletes) {
  MakeFile("doomed", {1});
  Result<bool> exists = fs_->Exists(PathOf("doomed"));
  ASSERT_TRUE(exists.ok());
  EXPECT_TRUE(*exists);
  ASSERT_OK(fs_->Remove(PathOf("doomed")));
  exists = fs_->Exists(PathOf("doomed"));
  ASSERT_TRUE(exists.ok());
  EXPECT_FALSE(*exists);
  Status again = fs_->Remove(PathOf("doomed"));
  EXPECT_TRUE(again.IsNotFound()) << again.ToString();
  EXPECT_NE(again.message().find(PathOf("doomed")), std::string::npos);
  ASSERT_OK(fs_->SyncDir(root_));
  EXPECT_TRUE(fs_->SyncDir(PathOf("no-dir")).IsNotFound());
}

TEST_P(FileSystemConformanceTest, LockIsExclusiveUntilReleased) {
  const std::string lock_path = PathOf("LOCK");
  Result<std::unique_ptr<FileLock>> first = fs_->Lock(lock_path);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  Result<bool> exists = fs_->Exists(lock_path);
  ASSERT_TRUE(exists.ok());
  EXPECT_TRUE(*exists);  // Created if missing.
  Result<std::unique_ptr<FileLock>> second = fs_->Lock(lock_path);
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.status().IsBusy()) << second.status().ToString();
  EXPECT_EQ(second.status().message(), "lock " + lock_path + ": held by another process");
  // Another path is independent.
  Result<std::unique_ptr<FileLock>> other = fs_->Lock(PathOf("OTHER"));
  EXPECT_TRUE(other.ok()) << other.status().ToString();
  first.value().reset();
  Result<std::unique_ptr<FileLock>> third = fs_->Lock(lock_path);
  EXPECT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_TRUE(fs_->Lock(PathOf("no-dir/LOCK")).status().IsNotFound());
}

TEST_P(FileSystemConformanceTest, ConcurrentReadersSeeTheSameBytes) {
  allow_fallback_ = true;  // Four threads may outnumber free rings only briefly; both paths OK.
  const std::vector<uint8_t> bytes = test::RandomBytes(rng_, size_t{512} << 10);
  auto file = MakeFile("concurrent", bytes);
  ASSERT_NE(file, nullptr);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(static_cast<uint64_t>(t));
      std::vector<uint8_t> buffer(8192);
      for (int i = 0; i < 200; ++i) {
        ReadOp ops[2];
        std::vector<uint8_t> second(100);
        ops[0].offset = rng() % (bytes.size() - buffer.size());
        ops[0].buffer = buffer;
        ops[1].offset = rng() % (bytes.size() - second.size());
        ops[1].buffer = second;
        if (!file->ReadBatch(ops).ok()) ++mismatches[static_cast<size_t>(t)];
        for (const ReadOp& op : ops) {
          if (!op.status.ok() || op.bytes_read != op.buffer.size() ||
              !std::equal(op.buffer.begin(), op.buffer.end(),
                          bytes.begin() + static_cast<ptrdiff_t>(op.offset))) {
            ++mismatches[static_cast<size_t>(t)];
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

INSTANTIATE_TEST_SUITE_P(AllBackends, FileSystemConformanceTest,
                         ::testing::Values("posix", "io_uring", "fault"),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param == "io_uring" ? std::string("uring") : param.param;
                         });

}  // namespace
}  // namespace ddc::io
