// CAR v1 (Content Addressable aRchive) writing, and the timeline object that roots a timeline
// export. docs/FORMAT.md, "CAR export", is the specification.
//
// A CAR v1 file is a header, then blocks:
//   header: varint(n) || n bytes of DAG-CBOR {"roots": [CID links], "version": 1}
//   block:  varint(len(cid) + len(data)) || binary CID || data
// Varints are unsigned LEB128, minimal. A timeline export has one root: the CID of a DAG-CBOR
// timeline object listing the timeline's event CIDs in position order; the timeline object is
// the first block and every event block follows it in position order.
//
// Nothing here does I/O: Writer hands each piece of the file to a sink callback as soon as it
// is framed, so an export streams with memory bounded by one block, and the Append* functions
// build the same bytes in a std::string. Pure and thread-safe except Writer, a plain value used
// by one thread at a time.
#ifndef DDC_ENGINE_EVENT_CAR_H_
#define DDC_ENGINE_EVENT_CAR_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "ddc/cid.h"
#include "ddc/event.h"
#include "ddc/status.h"

namespace ddc::car {

inline constexpr uint64_t kCarVersion = 1;
// The "v" field of a timeline object.
inline constexpr uint64_t kTimelineObjectVersion = 1;
// Most roots a header may list. A timeline export uses one; the limit keeps a header small.
inline constexpr size_t kMaxRoots = 1024;

// Appends `value` as a minimal unsigned LEB128 varint (at most 10 bytes).
void AppendVarint(uint64_t value, std::string* out);

// Appends the varint-prefixed header naming `roots` (1..kMaxRoots of them; InvalidArgument
// otherwise, with nothing appended).
Status AppendHeader(std::span<const Cid> roots, std::string* out);

// Appends one block: varint(len(cid bytes) + len(data)) || cid bytes || data. The caller
// vouches that `cid` is the CID of `data`; Writer and AppendBlock do not hash.
void AppendBlock(const Cid& cid, std::string_view data, std::string* out);

// The root of a timeline export: one (bucket, user) timeline at `events.size()` events.
struct TimelineObject {
  uint64_t bucket = 0;
  PublicKey user{};
  Hash32 root{};  // RFC 9162 root over the event CIDs (timeline.h), at events.size().
  // Event CIDs in position order; its size is the object's "size" field.
  std::span<const Cid> events;
};

// Canonical DAG-CBOR of `object`:
//   {"v": 1, "root": bytes(32), "size": n, "user": bytes(32), "bucket": N,
//    "events": [CID link, ...]}
// (keys in DAG-CBOR canonical order: shorter first, then bytewise).
std::string EncodeTimelineObject(const TimelineObject& object);

// The CID of an encoded timeline object: CIDv1 dag-cbor BLAKE2b-256.
Cid TimelineObjectCid(std::string_view encoded);

// Streams a CAR file to a sink: WriteHeader once, then WriteBlock for each block. A sink error
// is returned unchanged and every later call fails with it, so a caller may check only the last
// call; the header must come first (InvalidArgument otherwise).
class Writer {
 public:
  using Sink = std::function<Status(std::string_view bytes)>;

  explicit Writer(Sink sink) : sink_(std::move(sink)) {}

  Status WriteHeader(std::span<const Cid> roots);
  Status WriteBlock(const Cid& cid, std::string_view data);

  uint64_t bytes_written() const { return bytes_written_; }
  uint64_t blocks_written() const { return blocks_written_; }

 private:
  Status Emit(std::string_view bytes);

  Sink sink_;
  Status status_;
  bool header_written_ = false;
  uint64_t bytes_written_ = 0;
  uint64_t blocks_written_ = 0;
  std::string frame_;  // The varint and CID of the block being written, reused.
};

}  // namespace ddc::car

#endif  // DDC_ENGINE_EVENT_CAR_H_
