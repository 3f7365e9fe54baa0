// Timelines: the ordered events of one user in one bucket, and the journal of every append.
//
// Store::Append gives each accepted event the next position in its (bucket, user) timeline and
// the next index in the store's journal. Each timeline is an RFC 9162 Merkle tree over its
// event CIDs; the journal is one over every append, each leaf committing to (bucket, user,
// position, event CID, the timeline's root after it), so one signed journal root — a
// checkpoint — seals every timeline at once. docs/FORMAT.md gives the leaf bytes.
//
// Iterators here see the events committed when they were created (later appends are not
// visited). Not thread-safe: one iterator per thread; it must not outlive its Store.
#ifndef DDC_TIMELINE_H_
#define DDC_TIMELINE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ddc/cid.h"
#include "ddc/event.h"
#include "ddc/status.h"

namespace ddc {

struct AppendResult {
  Cid cid;
  uint64_t position = 0;       // In the (bucket, user) timeline, from 0.
  uint64_t journal_index = 0;  // In the store's journal, from 0.
  bool existed = false;        // The same event was already stored; nothing was written.
};

struct TimelineInfo {
  uint64_t bucket = 0;
  PublicKey user{};
  uint64_t size = 0;  // Events in the timeline.
  Hash32 root{};      // RFC 9162 root over the event CIDs at `size`.
  Cid head;           // The last event (meaningful when size > 0).
};

struct JournalInfo {
  uint64_t size = 0;
  Hash32 root{};
};

// Where a timeline iterator starts.
struct TimelineSeek {
  enum class By : uint8_t {
    kPosition,  // The event at `position` (clamped to the last one when iterating backward).
    kTime,      // Forward: the first event with timestamp >= time_ms; backward: the last <= it.
  };
  By by = By::kPosition;
  uint64_t position = 0;
  uint64_t time_ms = 0;
  bool backward = false;  // Visit positions in decreasing order.
};

class EventIterator {
 public:
  virtual ~EventIterator() = default;
  virtual bool Valid() const = 0;
  // REQUIRES: Valid().
  virtual void Next() = 0;
  // REQUIRES: Valid(). The current event; `bytes()` is its encoding, valid until Next().
  virtual uint64_t position() const = 0;
  virtual const Cid& cid() const = 0;
  virtual const Event& event() const = 0;
  virtual std::string_view bytes() const = 0;
  // OK at the end of a clean walk; otherwise the error that stopped it.
  virtual Status status() const = 0;
};

// Users of one bucket in the order of their first event.
class UserIterator {
 public:
  virtual ~UserIterator() = default;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  // REQUIRES: Valid(). The user's timeline as of the iterator's creation.
  virtual const TimelineInfo& timeline() const = 0;
};

}  // namespace ddc

#endif  // DDC_TIMELINE_H_
