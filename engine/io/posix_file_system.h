// PosixFileSystem: the FileSystem of plain system calls (open/pread/pwrite/fdatasync/flock).
//
// It is the fallback when io_uring is unavailable, the metadata half of UringFileSystem (which
// derives from it), and the reference the other backends are tested against. Every call maps
// errno exactly as file_system.h says, through ErrnoStatus() below.
//
// Thread safety: PosixFileSystem holds no state; a PosixFile holds only its descriptor, and
// pread/pwrite are safe to issue concurrently on one descriptor.
#ifndef DDC_ENGINE_IO_POSIX_FILE_SYSTEM_H_
#define DDC_ENGINE_IO_POSIX_FILE_SYSTEM_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/status.h"
#include "engine/io/file_system.h"

namespace ddc::io {

// Most bytes one read or write system call (or io_uring request) is asked to move. Linux
// moves at most 0x7ffff000 bytes per call anyway; asking for 1 GiB keeps every length within
// the 32-bit length field of an io_uring request, and the loops resume for the rest.
inline constexpr size_t kMaxIoChunkBytes = size_t{1} << 30;
static_assert(kMaxIoChunkBytes <= 0x7ffff000, "one chunk must fit one Linux read/write call");

// How often a call failing with EAGAIN (or a ring submission failing with EAGAIN/EBUSY) is
// retried, yielding the CPU in between, before the error is reported. Regular files return
// EAGAIN only under memory pressure; an unbounded retry would turn that into a silent hang.
// EINTR is always retried: it says nothing about the file.
inline constexpr int kMaxTransientRetries = 1000;

// The Status for a failed system call: "<op> <path>: <strerror>" and, when `offset` is given,
// "<op> <path> offset <offset>: <strerror>". ENOSPC and EDQUOT give NoSpace, ENOENT NotFound,
// everything else IOError (EWOULDBLOCK on a lock is mapped to Busy by the lock code itself,
// because only there does it mean "held elsewhere").
Status ErrnoStatus(std::string_view op, std::string_view path, int err);
Status ErrnoStatus(std::string_view op, std::string_view path, uint64_t offset, int err);

// A file opened with open(2). Owns its descriptor and closes it on destruction. Data calls
// resume short transfers and retry EINTR/EAGAIN. Not final: UringFile reuses everything but
// the data path and falls back to these methods when it has no ring.
class PosixFile : public File {
 public:
  // Takes ownership of `fd`.
  PosixFile(int fd, std::string path);
  ~PosixFile() override;
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;

  Status Write(uint64_t offset, std::span<const uint8_t> data) override;
  Status WriteAndSync(uint64_t offset, std::span<const uint8_t> data) override;
  Status Sync() override;
  void StartWriteback(uint64_t offset, uint64_t length) override;
  Result<size_t> Read(uint64_t offset, std::span<uint8_t> buffer) override;
  // A loop of preads: one system call (or more, for short reads) per op.
  Status ReadBatch(std::span<ReadOp> ops) override;
  Result<uint64_t> Size() override;
  Status Truncate(uint64_t size) override;
  const std::string& path() const override { return path_; }

 protected:
  int fd() const { return fd_; }

 private:
  // Constant after construction.
  const int fd_;
  const std::string path_;
};

// The plain-syscall file system. Not final: UringFileSystem inherits the metadata operations.
class PosixFileSystem : public FileSystem {
 public:
  PosixFileSystem() = default;
  ~PosixFileSystem() override = default;

  const char* Name() const override { return "posix"; }
  Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) override;
  // mkdir -p: creates each missing component with mode 0755; fails if `path` exists and is
  // not a directory.
  Status CreateDir(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& path) override;
  Result<bool> Exists(const std::string& path) override;
  // unlink(2): removes a file (not a directory).
  Status Remove(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status SyncDir(const std::string& path) override;
  // flock(LOCK_EX | LOCK_NB) on `path` (created if missing). flock locks belong to the open
  // file description, so a second Lock of the same path is Busy even inside one process.
  Result<std::unique_ptr<FileLock>> Lock(const std::string& path) override;

 protected:
  // open(2) with O_CLOEXEC and the flags of `mode`; returns the descriptor.
  static Result<int> OpenDescriptor(const std::string& path, OpenMode mode);
};

}  // namespace ddc::io

#endif  // DDC_ENGINE_IO_POSIX_FILE_SYSTEM_H_
