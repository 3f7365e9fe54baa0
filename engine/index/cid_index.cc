#include "engine/index/cid_index.h"

#include <cassert>
#include <utility>

namespace ddc::index {

uint64_t CidIndex::Tag(const Cid& cid) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | cid.digest()[static_cast<size_t>(i)];
  // Digests are uniformly random; mixing in the codec keeps raw and dag-cbor CIDs of the same
  // bytes apart.
  v ^= static_cast<uint64_t>(cid.codec()) * 0x9e3779b97f4a7c15ull;
  return v >> 16;
}

void CidIndex::Insert(uint64_t tag, const Location& loc) {
  assert(loc.length > 0 && loc.segment < kMaxSegments);
  if ((size_ + 1) * kMaxLoadDen > slots_.size() * kMaxLoadNum) Grow();
  InsertSlot(Slot{tag << 16 | loc.segment, loc.offset, loc.length});
  ++size_;
}

bool CidIndex::Replace(uint64_t tag, const Location& from, const Location& to) {
  assert(to.length > 0 && to.segment < kMaxSegments);
  const uint64_t cap = slots_.size();
  uint64_t i = Home(tag, cap);
  for (uint64_t dist = 0;; ++dist) {
    Slot& s = slots_[i];
    if (s.length == 0 || Distance(s, i, cap) < dist) return false;
    if ((s.tag_segment >> 16) == tag && (s.tag_segment & 0xffff) == from.segment &&
        s.offset == from.offset && s.length == from.length) {
      // The tag, and so the slot's place in the probe order, is unchanged.
      s = Slot{tag << 16 | to.segment, to.offset, to.length};
      return true;
    }
    if (++i == cap) i = 0;
  }
}

void CidIndex::InsertSlot(Slot slot) {
  const uint64_t cap = slots_.size();
  uint64_t i = Home(slot.tag_segment >> 16, cap);
  for (uint64_t dist = 0;; ++dist) {
    Slot& s = slots_[i];
    if (s.length == 0) {
      s = slot;
      return;
    }
    // Robin Hood: the entry further from home keeps the slot; the richer one moves on.
    const uint64_t resident = Distance(s, i, cap);
    if (resident < dist) {
      std::swap(s, slot);
      dist = resident;
    }
    if (++i == cap) i = 0;
  }
}

void CidIndex::Grow() {
  const uint64_t cap = slots_.size() + slots_.size() / 2;
  std::vector<Slot> old(cap);
  old.swap(slots_);
  for (const Slot& s : old) {
    if (s.length != 0) InsertSlot(s);
  }
}

Result<CidIndex> CidIndex::FromSlots(std::vector<Slot> slots, uint64_t count) {
  if (slots.size() < kMinCapacity || slots.size() > kMaxCapacity) {
    return Status::Corruption("index capacity " + std::to_string(slots.size()) + " out of range");
  }
  uint64_t used = 0;
  for (const Slot& s : slots) used += s.length != 0 ? 1 : 0;
  if (used != count) {
    return Status::Corruption("index holds " + std::to_string(used) + " entries, header says " +
                              std::to_string(count));
  }
  if (count * kMaxLoadDen > slots.size() * kMaxLoadNum) {
    return Status::Corruption("index over its maximum load");
  }
  CidIndex index;
  index.slots_ = std::move(slots);
  index.size_ = count;
  return index;
}

}  // namespace ddc::index
