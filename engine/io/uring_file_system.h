// UringFileSystem: file data through io_uring (liburing), metadata through PosixFileSystem.
//
// WriteAndSync (and Sync) go to a ring as one submission of a write linked (IOSQE_IO_LINK) to an
// fdatasync, ReadBatch as up to kMaxRingInFlight reads in flight at once. A single Read or an
// unsynced Write is one pread/pwrite: measured (ddc-bench get_random, seq_64k), a lone request
// through a ring costs more than the system call it replaces, and a buffered ring write is
// handed to an io-wq worker thread. Short transfers are resubmitted for the rest,
// -EINTR/-EAGAIN are retried, and a linked fdatasync cancelled (-ECANCELED) by a failed write
// reports the write's error. Open, CreateDir, ListDir, Rename, Remove, SyncDir, Lock, Size and
// Truncate are the POSIX system calls (Linux 6.1's io_uring has no ftruncate or mkdir worth a
// ring round trip).
//
// Rings are not thread-safe, so the file system keeps a pool: a mutex-protected free list of
// rings, created on demand up to kMaxRings. A call that finds every ring busy does not wait: it
// issues the same I/O with pread/pwrite/fdatasync on its own thread (see RingPool in the .cc
// for why), and posix_fallback_count() counts how often that happened. A ring whose submission
// fails (not the I/O: the ring itself) is destroyed and the call is repeated with system calls.
//
// Completion bookkeeping is caller-owned: a request's user_data points at the caller's ReadOp
// or at a completion record on the caller's stack, so the data path allocates nothing per op.
//
// Thread safety: as FileSystem promises. Any number of threads may call a UringFile; each call
// holds its own ring (or none) for its duration.
#ifndef DDC_ENGINE_IO_URING_FILE_SYSTEM_H_
#define DDC_ENGINE_IO_URING_FILE_SYSTEM_H_

#include <cstdint>
#include <memory>
#include <string>

#include "ddc/status.h"
#include "engine/io/file_system.h"
#include "engine/io/posix_file_system.h"

namespace ddc::io {

// Submission queue entries per ring. A ReadBatch larger than this is queued in several
// flushes of the submission queue.
inline constexpr unsigned kRingEntries = 128;
// Completion queue entries per ring: the kernel's default of twice the submission queue, set
// explicitly because the in-flight limit below relies on it.
inline constexpr unsigned kRingCompletionEntries = 2 * kRingEntries;
// Requests one call keeps in flight on its ring. Never more than the completion queue holds,
// so completions cannot overflow (and submission never sees -EBUSY from a full CQ).
inline constexpr unsigned kMaxRingInFlight = kRingCompletionEntries;
// Rings per file system; ring memory is small (about 16 KiB each), but each is a kernel
// object and an fd. Eight covers the writer thread plus a handful of concurrent readers.
inline constexpr uint32_t kMaxRings = 8;

static_assert(kMaxRingInFlight <= kRingCompletionEntries, "completions would overflow");
static_assert(kMaxRingInFlight >= kRingEntries, "a full submission queue must fit in flight");
static_assert(kMaxReadBatch > kRingEntries, "batches are expected to span several flushes");

class RingPool;

class UringFileSystem final : public PosixFileSystem {
 public:
  // Creates the file system with its first ring. NotSupported, with the reason
  // ("io_uring_queue_init: Operation not permitted"), where this kernel or sandbox has no
  // io_uring.
  [[nodiscard]] static Result<std::unique_ptr<UringFileSystem>> Create();

  ~UringFileSystem() override;
  UringFileSystem(const UringFileSystem&) = delete;
  UringFileSystem& operator=(const UringFileSystem&) = delete;

  const char* Name() const override { return "io_uring"; }
  Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) override;

  // Data calls that ran on system calls instead of a ring, because every ring was busy, a new
  // ring could not be created, or a ring failed.
  uint64_t posix_fallback_count() const;
  // Rings currently owned by the pool (free or leased).
  uint32_t ring_count() const;

 private:
  explicit UringFileSystem(std::shared_ptr<RingPool> pool);

  // Constant after construction. Shared with every UringFile, so that files may outlive the
  // file system object.
  const std::shared_ptr<RingPool> pool_;
};

}  // namespace ddc::io

#endif  // DDC_ENGINE_IO_URING_FILE_SYSTEM_H_
