// UringFileSystem beyond the shared contract: batches larger than one ring's depth, transfers
// larger than one request moves, many threads sharing the ring pool, the error of a write
// linked to an fdatasync, and DefaultFileSystem's choice and fallback (forced with
// DDC_FORCE_POSIX, which DefaultFileSystem reads on every call precisely so that this test can
// flip it in a process whose io_uring probe already succeeded). Every test that needs a ring
// is skipped, with the kernel's reason, where io_uring is unavailable.
#include "engine/io/uring_file_system.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/io/file_system.h"
#include "engine/io/posix_file_system.h"
#include "tests/test_util.h"

namespace ddc::io {
namespace {

class UringFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<UringFileSystem>> fs = UringFileSystem::Create();
    ASSERT_TRUE(fs.ok()) << "io_uring unavailable: " << fs.status().ToString();
    fs_ = std::move(fs).value();
  }

  std::unique_ptr<File> Create(const std::string& name) {
    Result<std::unique_ptr<File>> file = fs_->Open(dir_.Sub(name), OpenMode::kCreateReadWrite);
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    return file.ok() ? std::move(file).value() : nullptr;
  }

  test::TempDir dir_;
  std::unique_ptr<UringFileSystem> fs_;
  std::mt19937_64 rng_{7};
};

TEST_F(UringFileSystemTest, FullBatchSpansSeveralRingFlushes) {
  static_assert(kMaxReadBatch > kMaxRingInFlight, "the batch must not fit one ring's worth");
  const std::vector<uint8_t> bytes = test::RandomBytes(rng_, size_t{4} << 20);
  auto file = Create("big");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->WriteAndSync(0, bytes));

  std::vector<std::vector<uint8_t>> buffers(kMaxReadBatch);
  std::vector<ReadOp> ops(kMaxReadBatch);
  for (size_t i = 0; i < ops.size(); ++i) {
    buffers[i].resize(1 + rng_() % 8192);
    // The last few start past the end: a batch mixes full, short and empty reads.
    ops[i].offset = i + 4 < ops.size() ? rng_() % bytes.size() : bytes.size() + i;
    ops[i].buffer = buffers[i];
  }
  ASSERT_OK(file->ReadBatch(ops));
  for (const ReadOp& op : ops) {
    ASSERT_OK(op.status);
    const size_t expect = op.offset >= bytes.size()
                              ? 0
                              : std::min<size_t>(op.buffer.size(), bytes.size() - op.offset);
    ASSERT_EQ(op.bytes_read, expect) << "offset " << op.offset;
    if (expect == 0) continue;
    ASSERT_TRUE(std::equal(op.buffer.begin(), op.buffer.begin() + static_cast<ptrdiff_t>(expect),
                           bytes.begin() + static_cast<ptrdiff_t>(op.offset)))
        << "offset " << op.offset;
  }
  EXPECT_EQ(fs_->posix_fallback_count(), 0u);
}

TEST_F(UringFileSystemTest, LargeWritesRoundTrip) {
  constexpr size_t kBytes = size_t{8} << 20;
  const std::vector<uint8_t> first = test::RandomBytes(rng_, kBytes);
  const std::vector<uint8_t> second = test::RandomBytes(rng_, kBytes);
  auto file = Create("large");
  ASSERT_NE(file, nullptr);
  ASSERT_OK(file->Write(4096, first));
  ASSERT_OK(file->WriteAndSync(4096 + kBytes, second));
  std::vector<uint8_t> back(2 * kBytes + 100);
  Result<size_t> n = file->Read(4096, back);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  ASSERT_EQ(*n, 2 * kBytes);
  EXPECT_TRUE(std::equal(first.begin(), first.end(), back.begin()));
  EXPECT_TRUE(std::equal(second.begin(), second.end(), back.begin() + kBytes));
  EXPECT_EQ(fs_->posix_fallback_count(), 0u);
}

TEST_F(UringFileSystemTest, ManyThreadsShareTheRingPool) {
  constexpr int kThreads = 2 * static_cast<int>(kMaxRings);
  constexpr size_t kRegion = size_t{64} << 10;
  ASSERT_NE(Create("pool"), nullptr);
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Writes to one File must come from one thread at a time: each thread has its own.
      Result<std::unique_ptr<File>> file = fs_->Open(dir_.Sub("pool"), OpenMode::kReadWrite);
      if (!file.ok()) {
        ++failures[static_cast<size_t>(t)];
        return;
      }
      std::mt19937_64 rng(static_cast<uint64_t>(t) + 100);
      const uint64_t base = static_cast<uint64_t>(t) * kRegion;
      for (int round = 0; round < 20; ++round) {
        const std::vector<uint8_t> data = test::RandomBytes(rng, kRegion);
        const Status written =
            round % 2 == 0 ? (*file)->Write(base, data) : (*file)->WriteAndSync(base, data);
        std::vector<uint8_t> back(kRegion);
        ReadOp ops[2];
        ops[0].offset = base;
        ops[0].buffer = std::span<uint8_t>(back).first(kRegion / 2);
        ops[1].offset = base + kRegion / 2;
        ops[1].buffer = std::span<uint8_t>(back).subspan(kRegion / 2);
        if (!written.ok() || !(*file)->ReadBatch(ops).ok() || !ops[0].status.ok() ||
            !ops[1].status.ok() || back != data) {
          ++failures[static_cast<size_t>(t)];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures, std::vector<int>(kThreads, 0));
  EXPECT_GE(fs_->ring_count(), 1u);
  EXPECT_LE(fs_->ring_count(), kMaxRings);
}

TEST_F(UringFileSystemTest, FilesOutliveTheFileSystemObject) {
  auto file = Create("outlive");
  ASSERT_NE(file, nullptr);
  fs_.reset();  // The ring pool is shared with the file.
  ASSERT_OK(file->WriteAndSync(0, std::vector<uint8_t>{1, 2, 3}));
  std::vector<uint8_t> back(3);
  Result<size_t> n = file->Read(0, back);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(back, (std::vector<uint8_t>{1, 2, 3}));
}

TEST_F(UringFileSystemTest, RingErrorsMapLikeErrno) {
  auto file = Create("ro");
  ASSERT_NE(file, nullptr);
  file.reset();
  Result<std::unique_ptr<File>> ro = fs_->Open(dir_.Sub("ro"), OpenMode::kRead);
  ASSERT_TRUE(ro.ok());
  const std::vector<uint8_t> data(10, 1);
  // A plain write is a pwrite (see UringFile::Write); the linked write+fdatasync goes through
  // the ring, and its cancelled fdatasync must not hide the write's error.
  Status write = (*ro)->Write(4096, data);
  EXPECT_TRUE(write.IsIOError());
  EXPECT_EQ(write.message(), "pwrite " + dir_.Sub("ro") + " offset 4096: Bad file descriptor");
  Status write_sync = (*ro)->WriteAndSync(4096, data);
  EXPECT_TRUE(write_sync.IsIOError());
  EXPECT_EQ(write_sync.message(),
            "io_uring write " + dir_.Sub("ro") + " offset 4096: Bad file descriptor");
  EXPECT_EQ(fs_->posix_fallback_count(), 0u);
}

// Makes the kernel cut writes short: with RLIMIT_FSIZE at `limit`, a write crossing it moves
// the bytes below the limit and the next one fails with EFBIG (SIGXFSZ is ignored meanwhile).
// Checks that `write` resumed the short write at the right offset and then reported the
// error of the resumed part, naming its offset, with the file holding exactly the bytes below
// the limit.
void CheckShortWriteResumed(FileSystem* fs, const std::string& path, bool with_sync) {
  constexpr uint64_t kLimit = uint64_t{1} << 20;
  std::mt19937_64 rng(11);
  const std::vector<uint8_t> data = test::RandomBytes(rng, 2 * kLimit);
  Result<std::unique_ptr<File>> file = fs->Open(path, OpenMode::kCreateReadWrite);
  ASSERT_TRUE(file.ok()) << file.status().ToString();

  rlimit old_limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  rlimit limit = old_limit;
  limit.rlim_cur = kLimit;
  void (*old_handler)(int) = std::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limit), 0);
  const Status written = with_sync ? (*file)->WriteAndSync(0, data) : (*file)->Write(0, data);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &old_limit), 0);
  std::signal(SIGXFSZ, old_handler);

  EXPECT_TRUE(written.IsIOError()) << written.ToString();
  EXPECT_NE(written.message().find(path + " offset " + std::to_string(kLimit) + ": File too large"),
            std::string::npos)
      << written.ToString();
  Result<uint64_t> size = (*file)->Size();
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, kLimit);
  std::vector<uint8_t> back(kLimit);
  Result<size_t> n = (*file)->Read(0, back);
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE(std::equal(back.begin(), back.end(), data.begin()));
}

TEST_F(UringFileSystemTest, ShortWriteIsResumedThenItsErrorReported) {
  CheckShortWriteResumed(fs_.get(), dir_.Sub("short-write"), /*with_sync=*/false);
  // The linked fdatasync is cancelled by the short write, then by the failing one; the error
  // reported is the write's.
  CheckShortWriteResumed(fs_.get(), dir_.Sub("short-write-sync"), /*with_sync=*/true);
  EXPECT_EQ(fs_->posix_fallback_count(), 0u);
}

TEST(PosixShortWriteTest, ShortWriteIsResumedThenItsErrorReported) {
  test::TempDir dir;
  CheckShortWriteResumed(PosixFileSystemInstance(), dir.Sub("short-write"), false);
  CheckShortWriteResumed(PosixFileSystemInstance(), dir.Sub("short-write-sync"), true);
}

// Sets an environment variable for the scope of one test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name); old != nullptr) old_ = old;
    ::setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_.has_value()) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(DefaultFileSystemTest, ForcePosixFallsBackAndSaysWhy) {
  ScopedEnv force("DDC_FORCE_POSIX", "1");
  Result<BackendChoice> choice = DefaultFileSystem(/*want_uring=*/true, /*require_uring=*/false);
  ASSERT_TRUE(choice.ok()) << choice.status().ToString();
  EXPECT_EQ(choice->fs, PosixFileSystemInstance());
  EXPECT_STREQ(choice->fs->Name(), "posix");
  EXPECT_EQ(choice->fallback_reason, "disabled by DDC_FORCE_POSIX");

  Result<BackendChoice> required = DefaultFileSystem(true, /*require_uring=*/true);
  ASSERT_FALSE(required.ok());
  EXPECT_TRUE(required.status().IsNotSupported()) << required.status().ToString();
  EXPECT_NE(required.status().message().find("disabled by DDC_FORCE_POSIX"), std::string::npos)
      << required.status().ToString();
}

TEST(DefaultFileSystemTest, ForcePosixZeroMeansNotForced) {
  ScopedEnv force("DDC_FORCE_POSIX", "0");
  Result<BackendChoice> choice = DefaultFileSystem(true, false);
  ASSERT_TRUE(choice.ok());
  EXPECT_NE(choice->fallback_reason, "disabled by DDC_FORCE_POSIX");
}

TEST(DefaultFileSystemTest, NotWantedMeansPosixWithoutReason) {
  Result<BackendChoice> choice = DefaultFileSystem(/*want_uring=*/false, false);
  ASSERT_TRUE(choice.ok());
  EXPECT_EQ(choice->fs, PosixFileSystemInstance());
  EXPECT_TRUE(choice->fallback_reason.empty());
}

TEST(DefaultFileSystemTest, PrefersUringWhereItWorksAndSharesOneInstance) {
  ::unsetenv("DDC_FORCE_POSIX");
  Result<BackendChoice> first = DefaultFileSystem(true, false);
  ASSERT_TRUE(first.ok());
  EXPECT_STREQ(first->fs->Name(), "io_uring");
  EXPECT_TRUE(first->fallback_reason.empty());
  Result<BackendChoice> second = DefaultFileSystem(true, /*require_uring=*/true);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->fs, first->fs);
}

}  // namespace
}  // namespace ddc::io
