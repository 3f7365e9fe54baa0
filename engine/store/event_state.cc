#include "engine/store/event_state.h"

#include <algorithm>
#include <cstring>

#include "ddc/verify.h"
#include "engine/base/coding.h"
#include "engine/base/hash.h"
#include "engine/base/hex.h"
#include "engine/base/macros.h"

namespace ddc {
namespace {

std::string Describe(uint64_t bucket, const PublicKey& user) {
  return "bucket " + std::to_string(bucket) + " user " + Hex(user);
}

}  // namespace

size_t TimelineKeyHash::operator()(const TimelineKey& k) const noexcept {
  // The user key is uniformly random already.
  uint64_t h = 0;
  std::memcpy(&h, k.user.data(), sizeof(h));
  return h ^ (k.bucket * 0x9e3779b97f4a7c15ull);
}

IdTable::Key EventState::HashId(uint64_t bucket, const PublicKey& user, const std::string& id) {
  // BLAKE2b over (bucket, user, id length, id): 128 bits of it name the id.
  std::array<uint8_t, 8 + sizeof(PublicKey) + 4 + kMaxEventIdBytes> buf{};
  const size_t n = std::min(id.size(), kMaxEventIdBytes);  // Decoded events are within it.
  uint8_t* p = buf.data();
  EncodeFixed64(p, bucket);
  std::copy(user.begin(), user.end(), p + 8);
  EncodeFixed32(p + 8 + user.size(), static_cast<uint32_t>(n));
  std::copy_n(id.data(), n, p + 12 + user.size());
  const auto digest = Blake2b256(std::span(p, 12 + user.size() + n));
  IdTable::Key h{};
  std::memcpy(h.data(), digest.data(), sizeof(h));
  return h;
}

Result<EventState::Check> EventState::CheckEvent(const Event& event, const Cid& cid,
                                                 const IdTable::Key& id_hash,
                                                 const CidOf& cid_of) const {
  const TimelineKey key{event.bucket, event.user};
  auto it = timelines_.find(key);
  const TimelineState* t = it == timelines_.end() ? nullptr : it->second.get();
  if (const std::optional<uint64_t> id = ids_.Find(id_hash)) {
    DDC_ASSIGN_OR_RETURN(Cid stored, cid_of(*id));
    if (stored != cid) {
      return Status::Conflict("event id \"" + event.id + "\" of " +
                              Describe(event.bucket, event.user) + " is taken by event " +
                              stored.ToString());
    }
    Check c;
    c.existed = true;
    c.journal_index = *id;
    if (t != nullptr) {
      auto pos = PositionOf(*t, *id);
      if (pos) c.position = *pos;
    }
    return c;
  }
  if (event.prev) {
    if (t == nullptr || t->assigned() == 0) {
      return Status::Conflict("event links to a previous event " + event.prev->ToString() +
                              " but the timeline of " + Describe(event.bucket, event.user) +
                              " is empty");
    }
    if (*event.prev != t->head) {
      return Status::Conflict("event links to " + event.prev->ToString() +
                              " but the last event of the timeline of " +
                              Describe(event.bucket, event.user) + " is " + t->head.ToString());
    }
  }
  if (t != nullptr && t->assigned() > 0 && event.timestamp_ms < t->last_time_ms) {
    return Status::InvalidArgument("event timestamp " + std::to_string(event.timestamp_ms) +
                                   " ms is before the last event of the timeline (" +
                                   std::to_string(t->last_time_ms) + " ms)");
  }
  Check c;
  c.position = t == nullptr ? 0 : t->assigned();
  c.journal_index = journal_locations_.size();
  return c;
}

uint64_t EventState::Assign(const Event& event, const Cid& cid, const IdTable::Key& id_hash,
                            const index::Location& location) {
  const TimelineKey key{event.bucket, event.user};
  auto& slot = timelines_[key];
  if (slot == nullptr) {
    slot = std::make_unique<TimelineState>();
    slot->key = key;
    bucket_users_[event.bucket].push_back(slot.get());
  }
  TimelineState* t = slot.get();
  const uint64_t journal_index = journal_locations_.size();
  const uint64_t position = t->assigned();
  const auto cid_bytes = cid.ToBytes();
  t->tree.AppendLeafHash(timeline::LeafHash(cid_bytes));
  t->journal_indexes.push_back(journal_index);
  t->last_time_ms = event.timestamp_ms;
  t->head = cid;
  const std::string leaf = JournalLeafData(event.bucket, event.user, position, cid, t->tree.Root());
  journal_tree_.AppendLeafHash(
      timeline::LeafHash(std::span(reinterpret_cast<const uint8_t*>(leaf.data()), leaf.size())));
  journal_locations_.push_back(location);
  ids_.Insert(id_hash, journal_index);
  if (touched_.empty() || touched_.back() != t) touched_.push_back(t);
  pending_cids_.push_back(cid);
  return journal_index;
}

void EventState::Publish() {
  for (TimelineState* t : touched_) {
    t->committed = t->assigned();
    t->committed_head = t->head;
  }
  touched_.clear();
  pending_cids_.clear();
  journal_committed_ = journal_locations_.size();
}

std::optional<Cid> EventState::PendingCid(uint64_t journal_index) const {
  if (journal_index < journal_committed_) return std::nullopt;
  const uint64_t i = journal_index - journal_committed_;
  if (i >= pending_cids_.size()) return std::nullopt;
  return pending_cids_[i];
}

const TimelineState* EventState::Find(uint64_t bucket, const PublicKey& user) const {
  auto it = timelines_.find(TimelineKey{bucket, user});
  if (it == timelines_.end() || it->second->committed == 0) return nullptr;
  return it->second.get();
}

const TimelineState* EventState::FindAssigned(uint64_t bucket, const PublicKey& user) const {
  auto it = timelines_.find(TimelineKey{bucket, user});
  return it == timelines_.end() ? nullptr : it->second.get();
}

std::optional<uint64_t> EventState::FindId(uint64_t bucket, const PublicKey& user,
                                           const std::string& id) const {
  const std::optional<uint64_t> j = ids_.Find(HashId(bucket, user, id));
  if (!j || *j >= journal_committed_) return std::nullopt;
  return j;
}

std::optional<uint64_t> EventState::PositionOf(const TimelineState& t,
                                               uint64_t journal_index) const {
  auto it = std::lower_bound(t.journal_indexes.begin(), t.journal_indexes.end(), journal_index);
  if (it == t.journal_indexes.end() || *it != journal_index) return std::nullopt;
  return static_cast<uint64_t>(it - t.journal_indexes.begin());
}

std::vector<const TimelineState*> EventState::Users(uint64_t bucket) const {
  std::vector<const TimelineState*> out;
  auto it = bucket_users_.find(bucket);
  if (it == bucket_users_.end()) return out;
  for (const TimelineState* t : it->second) {
    if (t->committed > 0) out.push_back(t);
  }
  return out;
}

std::vector<uint64_t> EventState::Buckets() const {
  std::vector<uint64_t> out;
  for (const auto& [bucket, users] : bucket_users_) {
    if (std::any_of(users.begin(), users.end(),
                    [](const TimelineState* t) { return t->committed > 0; })) {
      out.push_back(bucket);
    }
  }
  return out;
}

void EventState::Export(EventSnapshotData* out) const {
  // Timelines in order of their first event, numbered as they appear in the journal.
  std::unordered_map<const TimelineState*, uint32_t> number;
  std::vector<const TimelineState*> of_entry(journal_committed_, nullptr);
  for (const auto& [key, t] : timelines_) {
    for (uint64_t p = 0; p < t->committed; ++p) of_entry[t->journal_indexes[p]] = t.get();
  }
  out->journal.resize(journal_committed_);
  for (uint64_t j = 0; j < journal_committed_; ++j) {
    const TimelineState* t = of_entry[j];
    auto [it, added] = number.emplace(t, static_cast<uint32_t>(out->timelines.size()));
    if (added) {
      out->timelines.push_back(EventSnapshotData::Timeline{t->key.bucket, t->key.user,
                                                           t->last_time_ms, t->committed_head});
    }
    EventSnapshotData::Entry& e = out->journal[j];
    e.location = journal_locations_[j];
    e.timeline = it->second;
    e.timeline_leaf = t->tree.PerfectNode(0, *PositionOf(*t, j));
    e.journal_leaf = journal_tree_.PerfectNode(0, j);
  }
  out->ids.reserve(ids_.size());
  ids_.ForEach([&](const IdTable::Key& hash, uint64_t j) {
    if (j < journal_committed_) out->ids.push_back(EventSnapshotData::Id{hash, j});
  });
}

Status EventState::Restore(const EventSnapshotData& data) {
  if (!timelines_.empty() || !journal_locations_.empty()) {
    return Status::Corruption("event state restored twice");
  }
  std::vector<TimelineState*> by_number;
  by_number.reserve(data.timelines.size());
  for (const auto& t : data.timelines) {
    auto& slot = timelines_[TimelineKey{t.bucket, t.user}];
    if (slot != nullptr) return Status::Corruption("events.snap: a timeline appears twice");
    slot = std::make_unique<TimelineState>();
    slot->key = TimelineKey{t.bucket, t.user};
    slot->last_time_ms = t.last_time_ms;
    slot->head = t.head;
    slot->committed_head = t.head;
    by_number.push_back(slot.get());
  }
  journal_locations_.reserve(data.journal.size());
  for (uint64_t j = 0; j < data.journal.size(); ++j) {
    const auto& e = data.journal[j];
    TimelineState* t = by_number[e.timeline];
    if (t->journal_indexes.empty()) bucket_users_[t->key.bucket].push_back(t);
    t->tree.AppendLeafHash(e.timeline_leaf);
    t->journal_indexes.push_back(j);
    journal_tree_.AppendLeafHash(e.journal_leaf);
    journal_locations_.push_back(e.location);
  }
  for (TimelineState* t : by_number) {
    if (t->journal_indexes.empty()) return Status::Corruption("events.snap: an empty timeline");
    t->committed = t->assigned();
  }
  ids_.Reserve(data.ids.size());
  for (const auto& id : data.ids) ids_.Insert(id.hash, id.journal_index);
  journal_committed_ = journal_locations_.size();
  return Status::OK();
}

size_t EventState::MemoryBytes() const {
  size_t bytes = journal_locations_.capacity() * sizeof(index::Location) +
                 journal_tree_.MemoryBytes() + ids_.MemoryBytes();
  for (const auto& [key, t] : timelines_) {
    bytes += sizeof(TimelineState) + 2 * sizeof(void*) + t->tree.MemoryBytes() +
             t->journal_indexes.capacity() * sizeof(uint64_t);
  }
  return bytes;
}

}  // namespace ddc
