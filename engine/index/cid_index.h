// CidIndex: the in-memory map CID -> record location, 16 bytes a slot.
//
// Layout: an open-addressing table with Robin Hood linear probing. A slot keeps a 48-bit tag of
// the CID (not the CID itself, which alone would be 38 bytes), the segment id (16 bits), the
// record's offset (32 bits) and on-disk length (32 bits). The table grows by 1.5x at 90% load,
// so it uses 17.8 to 26.7 bytes per record.
//
// Because only a tag is kept, a lookup yields candidates: every slot whose tag matches. Two CIDs
// share a tag with probability 2^-48; the store reads the record and compares its key, so a
// false candidate costs one read and never a wrong answer.
//
// Thread safety: none. The store guards it with a reader/writer lock.
#ifndef DDC_ENGINE_INDEX_CID_INDEX_H_
#define DDC_ENGINE_INDEX_CID_INDEX_H_

#include <cstdint>
#include <span>
#include <vector>

#include "ddc/cid.h"
#include "ddc/options.h"
#include "ddc/status.h"

namespace ddc::index {

// 128-bit product for the multiply-shift range reduction in Home().
__extension__ using Uint128 = unsigned __int128;

struct Location {
  uint32_t segment = 0;
  uint32_t offset = 0;  // Of the record header.
  uint32_t length = 0;  // Whole record on disk (header + key + value), > 0.
  bool operator==(const Location&) const = default;
};

// One table slot, stored in snapshots as is (little-endian host, see static_asserts).
struct Slot {
  uint64_t tag_segment = 0;  // tag << 16 | segment.
  uint32_t offset = 0;
  uint32_t length = 0;  // 0 = empty slot.
};
static_assert(sizeof(Slot) == 16, "index slots are 16 bytes");
static_assert(kMaxSegments <= (1u << 16), "segment ids must fit the slot's 16 bits");

class CidIndex {
 public:
  static constexpr uint64_t kMinCapacity = 1024;
  // Grow when size would exceed capacity * kMaxLoadNum / kMaxLoadDen.
  static constexpr uint64_t kMaxLoadNum = 9;
  static constexpr uint64_t kMaxLoadDen = 10;
  static constexpr uint64_t kMaxCapacity = 1ull << 34;

  CidIndex() : slots_(kMinCapacity) {}

  // The 48-bit tag of a CID (digest bits mixed with the codec).
  static uint64_t Tag(const Cid& cid);

  // Adds an entry. REQUIRES: the CID is not in the table (callers check candidates first);
  // loc.length > 0 and loc.segment < kMaxSegments.
  void Insert(uint64_t tag, const Location& loc);

  // Points the entry (tag, from) at `to` instead; false when there is no such entry.
  bool Replace(uint64_t tag, const Location& from, const Location& to);

  // Calls fn(const Location&) for each slot carrying `tag`, until fn returns true.
  template <typename Fn>
  void ForEachCandidate(uint64_t tag, Fn&& fn) const {
    const uint64_t cap = slots_.size();
    uint64_t i = Home(tag, cap);
    for (uint64_t dist = 0;; ++dist) {
      const Slot& s = slots_[i];
      if (s.length == 0 || Distance(s, i, cap) < dist) return;
      if ((s.tag_segment >> 16) == tag) {
        if (fn(Location{static_cast<uint32_t>(s.tag_segment & 0xffff), s.offset, s.length})) {
          return;
        }
      }
      if (++i == cap) i = 0;
    }
  }

  // Starts loading the cache line where the probe for `tag` begins, so that a batch of
  // lookups or inserts overlaps its cache misses instead of taking them one by one.
  void Prefetch(uint64_t tag) const { __builtin_prefetch(&slots_[Home(tag, slots_.size())]); }

  uint64_t size() const { return size_; }
  uint64_t capacity() const { return slots_.size(); }
  uint64_t memory_bytes() const { return slots_.size() * sizeof(Slot); }

  // For snapshots: the raw table, and rebuilding from one. FromSlots checks the slot count,
  // capacity bounds and that `count` slots are in use.
  std::span<const Slot> slots() const { return slots_; }
  static Result<CidIndex> FromSlots(std::vector<Slot> slots, uint64_t count);

 private:
  static uint64_t Home(uint64_t tag, uint64_t cap) {
    return static_cast<uint64_t>((static_cast<Uint128>(tag << 16) * cap) >> 64);
  }
  static uint64_t Distance(const Slot& s, uint64_t i, uint64_t cap) {
    const uint64_t home = Home(s.tag_segment >> 16, cap);
    return i >= home ? i - home : i + cap - home;
  }
  void Grow();
  void InsertSlot(Slot slot);

  std::vector<Slot> slots_;
  uint64_t size_ = 0;
};

}  // namespace ddc::index

#endif  // DDC_ENGINE_INDEX_CID_INDEX_H_
