// The file I/O boundary. Every system call ddc makes on files lives behind this interface,
// in engine/io/. Three implementations:
//   - PosixFileSystem:  pread/pwrite/fdatasync.
//   - UringFileSystem:  io_uring (liburing) where it pays: linked write+fdatasync, batched
//                       reads; single reads and unsynced writes as in Posix.
//   - FaultFileSystem:  in memory, for tests: keeps unsynced writes apart, simulates crashes
//                       (drop / tear / random 4 KiB blocks with zero holes) and injects errors.
//
// Errors: every failure is a Status naming the operation, the path and the errno text, e.g.
// "pwrite seg-000003.log offset 4096: No space left on device". ENOSPC and EDQUOT map to
// Status::NoSpace, ENOENT to NotFound, EWOULDBLOCK on a lock to Busy, everything else to IOError.
// EINTR and EAGAIN are retried; short reads and writes are resumed.
//
// Thread safety: a FileSystem may be used from any number of threads. A File may be used from
// many threads for reads; writes to one File must come from one thread at a time.
#ifndef DDC_ENGINE_IO_FILE_SYSTEM_H_
#define DDC_ENGINE_IO_FILE_SYSTEM_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/status.h"

namespace ddc::io {

// Most reads one ReadBatch call takes; larger batches are the caller's to split.
inline constexpr uint32_t kMaxReadBatch = 1024;

// One read of a batch. The caller owns it and the buffer; the backend fills `bytes_read` and
// `status`. A read that hits end of file is OK with bytes_read < buffer.size().
struct ReadOp {
  uint64_t offset = 0;
  std::span<uint8_t> buffer;
  size_t bytes_read = 0;
  Status status;
};

class File {
 public:
  virtual ~File() = default;

  // Writes all of `data` at `offset` (resuming short writes).
  [[nodiscard]] virtual Status Write(uint64_t offset, std::span<const uint8_t> data) = 0;
  // Writes all of `data` at `offset`, then fdatasync. On io_uring: one linked write+fdatasync
  // submission. OK means the data is on stable storage.
  [[nodiscard]] virtual Status WriteAndSync(uint64_t offset, std::span<const uint8_t> data) = 0;
  // fdatasync.
  [[nodiscard]] virtual Status Sync() = 0;
  // A hint: start writing [offset, offset + length) back to the device now, without waiting
  // for it (sync_file_range SYNC_FILE_RANGE_WRITE), so that a later Sync has less left to do.
  // Promises nothing about durability; a write-back error surfaces in the next Sync.
  virtual void StartWriteback(uint64_t offset, uint64_t length) {
    (void)offset;
    (void)length;
  }
  // Reads up to buffer.size() bytes at offset; fewer only at end of file.
  [[nodiscard]] virtual Result<size_t> Read(uint64_t offset, std::span<uint8_t> buffer) = 0;
  // Reads every op (each op gets its own status). Returns non-OK only when the batch as a
  // whole could not be issued. REQUIRES: ops.size() <= kMaxReadBatch.
  [[nodiscard]] virtual Status ReadBatch(std::span<ReadOp> ops) = 0;
  [[nodiscard]] virtual Result<uint64_t> Size() = 0;
  [[nodiscard]] virtual Status Truncate(uint64_t size) = 0;
  // The path it was opened with (for messages).
  virtual const std::string& path() const = 0;
};

// Releases the lock when destroyed.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

enum class OpenMode : uint8_t {
  kRead,             // Existing file, read only.
  kReadWrite,        // Existing file, read and write.
  kCreateReadWrite,  // Create if missing (mode 0644), read and write; never truncates.
  kCreatePrivate,    // The same with mode 0600 (key files).
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // "posix", "io_uring" or "fault".
  virtual const char* Name() const = 0;

  [[nodiscard]] virtual Result<std::unique_ptr<File>> Open(const std::string& path,
                                                           OpenMode mode) = 0;
  // Creates the directory (and missing parents). OK when it already exists.
  [[nodiscard]] virtual Status CreateDir(const std::string& path) = 0;
  // Names of the entries of a directory, without "." and "..", in no particular order.
  [[nodiscard]] virtual Result<std::vector<std::string>> ListDir(const std::string& path) = 0;
  [[nodiscard]] virtual Result<bool> Exists(const std::string& path) = 0;
  [[nodiscard]] virtual Status Remove(const std::string& path) = 0;
  // Atomically replaces `to` with `from` (rename(2)). Durable after SyncDir of the parent.
  [[nodiscard]] virtual Status Rename(const std::string& from, const std::string& to) = 0;
  // fsync of a directory: makes creations, removals and renames in it durable.
  [[nodiscard]] virtual Status SyncDir(const std::string& path) = 0;
  // An exclusive advisory lock on `path` (created if missing). Busy when held elsewhere.
  [[nodiscard]] virtual Result<std::unique_ptr<FileLock>> Lock(const std::string& path) = 0;
};

// The real file system for `want`: io_uring when it works (or NotSupported if `require_uring`
// and it does not), else POSIX. `fallback_reason` receives why io_uring was not used, if it
// was wanted and not available. The returned object is shared by every store of the process.
struct BackendChoice {
  FileSystem* fs = nullptr;
  std::string fallback_reason;  // Empty when the preferred backend was used.
};
[[nodiscard]] Result<BackendChoice> DefaultFileSystem(bool want_uring, bool require_uring);

FileSystem* PosixFileSystemInstance();

}  // namespace ddc::io

#endif  // DDC_ENGINE_IO_FILE_SYSTEM_H_
