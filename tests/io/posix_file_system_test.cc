// PosixFileSystem details the shared conformance suite does not pin: the exact errno mapping
// and message format of file_system.h, mkdir -p over an existing file, the lock held by a
// second process (flock locks are per open file description, so a forked child that opens
// the file itself must see Busy), and the process-wide instance.
#include "engine/io/posix_file_system.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>

#include "engine/io/file_system.h"
#include "tests/test_util.h"

namespace ddc::io {
namespace {

TEST(ErrnoStatusTest, MapsErrnoToCodes) {
  EXPECT_TRUE(ErrnoStatus("pwrite", "f", ENOSPC).IsNoSpace());
  EXPECT_TRUE(ErrnoStatus("pwrite", "f", EDQUOT).IsNoSpace());
  EXPECT_TRUE(ErrnoStatus("open", "f", ENOENT).IsNotFound());
  EXPECT_TRUE(ErrnoStatus("pread", "f", EIO).IsIOError());
  EXPECT_TRUE(ErrnoStatus("open", "f", EACCES).IsIOError());
  EXPECT_TRUE(ErrnoStatus("flock", "f", EWOULDBLOCK).IsIOError());  // Busy only via Lock().
}

TEST(ErrnoStatusTest, MessageNamesOperationPathOffsetAndErrnoText) {
  EXPECT_EQ(ErrnoStatus("pwrite", "seg-000003.log", 4096, ENOSPC).message(),
            "pwrite seg-000003.log offset 4096: No space left on device");
  EXPECT_EQ(ErrnoStatus("open", "/x/y", ENOENT).message(), "open /x/y: No such file or directory");
}

TEST(PosixFileSystemTest, InstanceIsOneObject) {
  EXPECT_EQ(PosixFileSystemInstance(), PosixFileSystemInstance());
  EXPECT_STREQ(PosixFileSystemInstance()->Name(), "posix");
}

TEST(PosixFileSystemTest, OpenMissingFileMessage) {
  test::TempDir dir;
  Result<std::unique_ptr<File>> file =
      PosixFileSystemInstance()->Open(dir.Sub("absent"), OpenMode::kRead);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().ToString(),
            "NotFound: open " + dir.Sub("absent") + ": No such file or directory");
}

TEST(PosixFileSystemTest, LockHeldByAnotherProcessIsBusy) {
  test::TempDir dir;
  FileSystem* fs = PosixFileSystemInstance();
  const std::string lock_path = dir.Sub("LOCK");
  Result<std::unique_ptr<FileLock>> held = fs->Lock(lock_path);
  ASSERT_TRUE(held.ok()) << held.status().ToString();

  // The child reports through its exit code: 0 Busy with the expected message, 1 anything else.
  auto child_tries = [&] {
    const pid_t pid = ::fork();
    if (pid == 0) {
      Result<std::unique_ptr<FileLock>> lock = fs->Lock(lock_path);
      const bool busy =
          !lock.ok() && lock.status().IsBusy() &&
          lock.status().message() == "lock " + lock_path + ": held by another process";
      ::_exit(busy ? 0 : 1);
    }
    int status = 0;
    EXPECT_EQ(::waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  EXPECT_EQ(child_tries(), 0);
  held.value().reset();
  EXPECT_EQ(child_tries(), 1);  // Released: the child gets the lock.
}

TEST(PosixFileSystemTest, CreateDirOverAFileFails) {
  test::TempDir dir;
  FileSystem* fs = PosixFileSystemInstance();
  ASSERT_TRUE(fs->Open(dir.Sub("file"), OpenMode::kCreateReadWrite).ok());
  Status s = fs->CreateDir(dir.Sub("file"));
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_EQ(s.message(), "mkdir " + dir.Sub("file") + ": Not a directory");
  EXPECT_TRUE(fs->CreateDir("").IsInvalidArgument());
}

}  // namespace
}  // namespace ddc::io
