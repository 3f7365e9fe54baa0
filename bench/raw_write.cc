#include "bench/raw_write.h"

#include <fcntl.h>
#include <liburing.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "bench/bench_util.h"

namespace ddc::bench {
namespace {

constexpr uint32_t kMaxQueueDepth = 256;
constexpr uint64_t kDirectAlign = 4096;

Status Errno(const std::string& what, int err) {
  const std::string msg = what + ": " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) return Status::NoSpace(msg);
  return Status::IOError(msg);
}

// One write in flight: which part of the data it covers and how much of that is done. Owned
// by the loop (no allocation per write); its index is the completion's user_data.
struct Slot {
  uint64_t offset = 0;
  uint32_t length = 0;
  uint32_t done = 0;
};

class Ring {
 public:
  ~Ring() {
    if (ok_) io_uring_queue_exit(&ring_);
  }
  int Init(uint32_t depth) {
    const int rc = io_uring_queue_init(depth, &ring_, 0);
    ok_ = rc == 0;
    return rc;
  }
  io_uring* get() { return &ring_; }

 private:
  io_uring ring_{};
  bool ok_ = false;
};

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// Queues the rest of slot `i` (it may be a resubmission after a short write).
void QueueSlot(io_uring* ring, int fd, const uint8_t* base, std::vector<Slot>& slots, size_t i) {
  io_uring_sqe* sqe = io_uring_get_sqe(ring);
  if (sqe == nullptr) {
    // The ring has as many entries as slots, so it is never full here; but stay correct if a
    // kernel ever hands out fewer: flush and retry.
    (void)io_uring_submit(ring);
    sqe = io_uring_get_sqe(ring);
    if (sqe == nullptr) Die("io_uring: no submission queue entry after submit");
  }
  const Slot& s = slots[i];
  io_uring_prep_write(sqe, fd, base + s.offset + s.done, s.length - s.done, s.offset + s.done);
  io_uring_sqe_set_data64(sqe, i);
}

}  // namespace

Result<double> RawSequentialWrite(const RawWriteSpec& spec) {
  const uint32_t depth = std::clamp<uint32_t>(spec.queue_depth, 1, kMaxQueueDepth);
  if (spec.block_bytes == 0) return Status::InvalidArgument("raw write: block_bytes is 0");
  if (spec.direct) {
    const auto addr = reinterpret_cast<uintptr_t>(spec.data.data());
    if (addr % kDirectAlign != 0 || spec.data.size() % kDirectAlign != 0 ||
        spec.block_bytes % kDirectAlign != 0) {
      return Status::InvalidArgument("raw write: O_DIRECT needs 4096-aligned buffers and sizes");
    }
  }
  Ring ring;
  if (int rc = ring.Init(depth); rc < 0) {
    return Status::NotSupported(std::string("io_uring_queue_init: ") + std::strerror(-rc));
  }
  Stopwatch clock;
  const int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | (spec.direct ? O_DIRECT : 0);
  Fd fd(open(spec.path.c_str(), flags, 0644));
  if (fd.get() < 0) {
    const int err = errno;
    if (spec.direct && err == EINVAL) {
      return Status::NotSupported("O_DIRECT refused by the file system of " + spec.path);
    }
    return Errno("open " + spec.path, err);
  }

  std::vector<Slot> slots(depth);
  const uint64_t total = spec.data.size();
  uint64_t next = 0;  // Next byte of data not yet assigned to a slot.
  uint64_t in_flight = 0;
  auto start_next = [&](size_t i) {
    Slot& s = slots[i];
    s.offset = next;
    s.length = static_cast<uint32_t>(std::min<uint64_t>(spec.block_bytes, total - next));
    s.done = 0;
    next += s.length;
    ++in_flight;
    QueueSlot(ring.get(), fd.get(), spec.data.data(), slots, i);
  };
  for (size_t i = 0; i < slots.size() && next < total; ++i) start_next(i);

  while (in_flight > 0) {
    const int submitted = io_uring_submit_and_wait(ring.get(), 1);
    if (submitted < 0 && submitted != -EINTR && submitted != -EAGAIN) {
      return Errno("io_uring_submit_and_wait", -submitted);
    }
    io_uring_cqe* cqe = nullptr;
    // Reap everything complete, then act on it (requeueing happens after the CQE is seen).
    while (io_uring_peek_cqe(ring.get(), &cqe) == 0) {
      const auto i = static_cast<size_t>(io_uring_cqe_get_data64(cqe));
      const int res = cqe->res;
      io_uring_cqe_seen(ring.get(), cqe);
      Slot& s = slots[i];
      if (res == -EINTR || res == -EAGAIN) {
        QueueSlot(ring.get(), fd.get(), spec.data.data(), slots, i);
        continue;
      }
      if (res < 0) return Errno("write " + spec.path, -res);
      if (res == 0) return Status::IOError("write " + spec.path + ": wrote 0 bytes");
      s.done += static_cast<uint32_t>(res);
      if (s.done < s.length) {  // Short write: resume the rest.
        QueueSlot(ring.get(), fd.get(), spec.data.data(), slots, i);
        continue;
      }
      --in_flight;
      if (next < total) start_next(i);
    }
  }
  if (fdatasync(fd.get()) != 0) return Errno("fdatasync " + spec.path, errno);
  const double seconds = clock.Seconds();
  return static_cast<double>(total) / seconds;
}

}  // namespace ddc::bench
