// IdTable: event id hash -> journal index, the table every append looks its event id up in.
//
// An open-addressing table with linear probing over one flat array: a lookup is usually one
// cache miss, where std::unordered_map took two (bucket, then node) and a heap node per entry.
// The keys are 128 bits of BLAKE2b (EventState::HashId), uniformly random, so their first word
// is the slot. The table doubles at half full, which keeps probes short for hits and misses.
//
// Thread safety: none inside (EventState's callers guard it).
#ifndef DDC_ENGINE_STORE_ID_TABLE_H_
#define DDC_ENGINE_STORE_ID_TABLE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace ddc {

class IdTable {
 public:
  using Key = std::array<uint64_t, 2>;

  IdTable() = default;

  // The value stored under `key`, if any.
  std::optional<uint64_t> Find(const Key& key) const {
    if (slots_.empty()) return std::nullopt;
    for (size_t i = Home(key);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.value == kEmpty) return std::nullopt;
      if (s.key == key) return s.value;
    }
  }

  // Stores `value` under `key` unless the key is present already (then the old value stays,
  // as std::unordered_map::emplace does). REQUIRES: value != UINT64_MAX.
  void Insert(const Key& key, uint64_t value) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    for (size_t i = Home(key);; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.value == kEmpty) {
        s = Slot{key, value};
        ++size_;
        return;
      }
      if (s.key == key) return;
    }
  }

  // Starts loading the slot `key` would be found in (before a Find or Insert soon after).
  void Prefetch(const Key& key) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[Home(key)]);
  }

  // Makes room for `n` entries without growing again.
  void Reserve(size_t n) {
    while (n * 2 > slots_.size()) Grow();
  }

  size_t size() const { return size_; }
  size_t MemoryBytes() const { return slots_.capacity() * sizeof(Slot); }

  // Calls f(key, value) for every entry, in no particular order.
  template <typename F>
  void ForEach(F&& f) const {
    for (const Slot& s : slots_) {
      if (s.value != kEmpty) f(s.key, s.value);
    }
  }

 private:
  static constexpr uint64_t kEmpty = UINT64_MAX;
  static constexpr size_t kMinSlots = 1024;

  struct Slot {
    Key key{};
    uint64_t value = kEmpty;
  };

  size_t Home(const Key& key) const { return static_cast<size_t>(key[0]) & mask_; }

  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? kMinSlots : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.value == kEmpty) continue;
      size_t i = Home(s.key);
      while (slots_[i].value != kEmpty) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;  // Size zero or a power of two.
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace ddc

#endif  // DDC_ENGINE_STORE_ID_TABLE_H_
