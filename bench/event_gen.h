// Signed test events for ddc-bench's event workloads: ~1 KiB events with three sealed scopes
// of random "ciphertext", signed one by one or in batches, encoded ahead of any timed region.
//
// Everything is deterministic: user keys come from fixed seeds, scope bytes from Rng streams and
// ed25519 signatures are deterministic, so two runs (and the export for the Hypercore peer)
// produce the same bytes.
#ifndef DDC_BENCH_EVENT_GEN_H_
#define DDC_BENCH_EVENT_GEN_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ddc/event.h"

namespace ddc::bench {

inline constexpr uint64_t kBenchBucket = 7;
inline constexpr uint32_t kBenchScopeBytes = 300;  // Ciphertext + tag per sealed scope.
inline constexpr uint32_t kUsersPerStream = 8;

// The key of bench user `n` (a fixed seed per n).
KeyPair BenchUserKey(uint32_t n);

// What the events of one stream look like.
struct StreamSpec {
  uint32_t stream = 0;  // Streams use disjoint users, so threads never share a timeline.
  uint64_t first = 0;   // Index of the first event in the stream (ids and timestamps).
  uint64_t count = 0;   // Events to make.
  uint32_t users = kUsersPerStream;
  uint32_t scope_bytes = kBenchScopeBytes;
  // 0: every event signed on its own (SignEvent). k > 0: SignBatch over runs of k consecutive
  // events of one user (the last run may be shorter); runs rotate over the stream's users.
  uint32_t batch_sign = 0;
};

// The encoded, signed events of `spec`, in the order they must be appended (timestamps never
// decrease within a timeline). Dies on an encoding or signing failure.
std::vector<std::string> MakeSignedEvents(const StreamSpec& spec);

// MakeSignedEvents for streams 0..streams-1 (each `per_stream` events), made on `streams`
// threads at once.
std::vector<std::vector<std::string>> MakeSignedStreams(uint32_t streams, uint64_t per_stream,
                                                        uint32_t batch_sign);

// Spans over `events`, for AppendBatch.
std::vector<std::span<const uint8_t>> EventSpans(const std::vector<std::string>& events,
                                                 size_t begin, size_t end);

}  // namespace ddc::bench

#endif  // DDC_BENCH_EVENT_GEN_H_
