// The raw sequential write bandwidth of the file system under the benchmark directory,
// measured with io_uring: the ceiling that ddc's 64 KiB sequential puts are compared with.
#ifndef DDC_BENCH_RAW_WRITE_H_
#define DDC_BENCH_RAW_WRITE_H_

#include <cstdint>
#include <span>
#include <string>

#include "ddc/status.h"

namespace ddc::bench {

struct RawWriteSpec {
  std::string path;               // Created (truncated) and left in place for the caller.
  std::span<const uint8_t> data;  // Written in order, `block_bytes` per write.
  uint32_t block_bytes = 64 << 10;
  uint32_t queue_depth = 8;  // Writes in flight.
  // O_DIRECT (bypass the page cache). REQUIRES then: data, its size and block_bytes aligned to
  // 4096.
  bool direct = false;
};

// Writes spec.data to a fresh file with `queue_depth` writes in flight, then fdatasync; returns
// bytes per second over the whole (open to fdatasync). Short writes are resubmitted and
// EINTR/EAGAIN retried. NotSupported when the file system refuses O_DIRECT or no ring can be
// created.
Result<double> RawSequentialWrite(const RawWriteSpec& spec);

}  // namespace ddc::bench

#endif  // DDC_BENCH_RAW_WRITE_H_
