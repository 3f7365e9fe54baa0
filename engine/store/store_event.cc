// Events in the store: verified appends, timelines, proofs and checkpoints.
//
// Append decodes and verifies on the calling threads (several cores for a batch, one signature
// check per distinct batch signature), then queues the records for the group-commit writer.
// The leader places each event (event_state.h) as it encodes it, so positions follow log order
// exactly, and publishes the group's events only after the group is durable.
#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <tuple>

#include "engine/base/hash.h"
#include "engine/base/macros.h"
#include "engine/base/parallel.h"
#include "engine/event/batch_tree.h"
#include "engine/event/unsigned_cid.h"
#include "engine/log/segment_reader.h"
#include "engine/store/compression.h"
#include "engine/store/store_impl.h"
#include "engine/timeline/merkle.h"
#include "engine/timeline/merkle_tree.h"

namespace ddc {
namespace {

// Events verified per step of AppendBatch's verify/commit pipeline: big enough that a group
// commit carries many, small enough that verification overlaps the previous step's sync.
constexpr size_t kAppendChunkEvents = 128;

// Events decoded between two multi-message hashing steps of AppendBatch: enough to fill the
// hash lanes many times over, few enough that the unsigned encodings stay in cache.
constexpr size_t kHashStep = 64;

std::span<const uint8_t> AsBytes(std::string_view s) {
  return std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

Status SizeCheck(const char* what, uint64_t size, uint64_t limit) {
  if (size > limit) {
    return Status::InvalidArgument(std::string(what) + " " + std::to_string(size) +
                                   " is beyond the current size " + std::to_string(limit));
  }
  return Status::OK();
}

}  // namespace

// ---- Appends ----

Result<AppendResult> StoreImpl::Append(std::span<const uint8_t> event) {
  std::span<const uint8_t> one[1] = {event};
  std::vector<Result<AppendResult>> r = AppendBatch(one);
  return std::move(r[0]);
}

std::vector<Result<AppendResult>> StoreImpl::AppendBatch(
    std::span<const std::span<const uint8_t>> events) {
  std::vector<Result<AppendResult>> results;
  results.reserve(events.size());
  if (Status s = CheckOpen(); !s.ok()) {
    for (size_t i = 0; i < events.size(); ++i) results.emplace_back(s);
    return results;
  }
  const size_t n = events.size();
  std::vector<Event> decoded(n);
  std::vector<Prepared> prepared(n);
  std::vector<AppendResult> placed(n);
  std::vector<timeline::Hash> batch_leaves(n);  // Leaf hash of each batch-signed event.
  std::vector<event_internal::EventLayout> layouts(n);
  // 1. Decode and prepare everything (several cores); no signature work yet. The content
  //    addresses and batch-tree leaves are hashed kHashStep events at a time (Blake2b256Many).
  ParallelFor(n, 16, [&](size_t begin, size_t end) {
    std::string unsigned_bytes;        // Unsigned encodings of the step's batch-signed events,
    std::vector<size_t> leaf_events;   // which events they are,
    std::vector<size_t> leaf_offsets;  // and where each starts in unsigned_bytes.
    std::vector<std::span<const uint8_t>> leaf_inputs;
    std::vector<std::array<uint8_t, 32>> leaf_digests(kHashStep);
    for (size_t step = begin; step < end; step += kHashStep) {
      const size_t stop = std::min(end, step + kHashStep);
      unsigned_bytes.clear();
      leaf_events.clear();
      leaf_offsets.clear();
      for (size_t i = step; i < stop; ++i) {
        Prepared& p = prepared[i];
        if (events[i].size() > kMaxEventBytes) {
          p.status = Status::InvalidArgument("event of " + std::to_string(events[i].size()) +
                                             " bytes exceeds kMaxEventBytes (" +
                                             std::to_string(kMaxEventBytes) + ")");
          continue;
        }
        // The record stores the caller's bytes, and the write path reads only the envelope.
        auto e = event_internal::DecodeEventEnvelope(events[i], &layouts[i]);
        if (!e.ok()) {
          p.status = e.status();
          continue;
        }
        decoded[i] = std::move(*e);
        p.event_id_hash = EventState::HashId(decoded[i].bucket, decoded[i].user, decoded[i].id);
        if (decoded[i].batch) {
          leaf_events.push_back(i);
          leaf_offsets.push_back(unsigned_bytes.size());
          event_internal::AppendUnsignedEncoding(events[i], layouts[i], &unsigned_bytes);
        }
        p.type = log::RecordType::kEvent;
        p.event = &decoded[i];
        p.append = &placed[i];
      }
      PrepareMany(events.subspan(step, stop - step), Codec::kDagCbor, &prepared[step]);
      leaf_inputs.clear();
      for (size_t k = 0; k < leaf_events.size(); ++k) {
        const size_t to = k + 1 < leaf_events.size() ? leaf_offsets[k + 1] : unsigned_bytes.size();
        leaf_inputs.push_back(
            AsBytes(unsigned_bytes).subspan(leaf_offsets[k], to - leaf_offsets[k]));
      }
      Blake2b256Many(leaf_inputs, leaf_digests);
      for (size_t k = 0; k < leaf_events.size(); ++k) {
        const Cid leaf(Codec::kDagCbor, leaf_digests[k]);
        batch_leaves[leaf_events[k]] = timeline::LeafHash(leaf.ToBytes());
      }
    }
  });
  // 2. Verify signatures chunk by chunk, and commit each chunk while the next is verified, so
  //    that the cores keep verifying while a group commit waits for fdatasync. Chunks never
  //    split a run of events of one signed batch (its signature is checked once per chunk and
  //    its tree built once). Chunks are committed in order, so positions follow input order.
  auto same_batch = [&](size_t a, size_t b) {
    const Event& x = decoded[a];
    const Event& y = decoded[b];
    return prepared[a].status.ok() && prepared[b].status.ok() && x.batch && y.batch &&
           x.user == y.user && x.batch->root == y.batch->root && x.signature == y.signature;
  };
  std::future<void> committing;
  for (size_t begin = 0; begin < n;) {
    size_t end = std::min(n, begin + kAppendChunkEvents);
    while (end < n && same_batch(end - 1, end)) ++end;
    VerifyChunk(begin, end, events, decoded, layouts, batch_leaves, prepared);
    if (committing.valid()) committing.get();
    std::span<Prepared> chunk = std::span(prepared).subspan(begin, end - begin);
    if (end == n) {
      Submit(chunk);
    } else {
      committing = std::async(std::launch::async, [this, chunk] { Submit(chunk); });
    }
    begin = end;
  }
  for (size_t i = 0; i < n; ++i) {
    if (prepared[i].status.ok()) {
      results.emplace_back(placed[i]);
      stat_appends_.fetch_add(1, std::memory_order_relaxed);
    } else {
      results.emplace_back(std::move(prepared[i].status));
    }
  }
  return results;
}

void StoreImpl::VerifyChunk(size_t begin, size_t end,
                            std::span<const std::span<const uint8_t>> events,
                            const std::vector<Event>& decoded,
                            const std::vector<event_internal::EventLayout>& layouts,
                            const std::vector<timeline::Hash>& leaves,
                            std::vector<Prepared>& prepared) {
  ParallelFor(end - begin, 1, [&](size_t b, size_t e) {
    for (size_t i = begin + b; i < begin + e; ++i) {
      if (prepared[i].status.ok() && !decoded[i].batch) {
        prepared[i].status =
            event_internal::VerifySingleSignatureOfEncoding(events[i], decoded[i], layouts[i]);
      }
    }
  });
  using BatchKey = std::tuple<PublicKey, Hash32, uint64_t, Signature>;
  std::map<BatchKey, std::vector<size_t>> batches;
  for (size_t i = begin; i < end; ++i) {
    if (prepared[i].status.ok() && decoded[i].batch) {
      const Event& e = decoded[i];
      batches[BatchKey{e.user, e.batch->root, e.batch->size, e.signature}].push_back(i);
    }
  }
  if (batches.empty()) return;
  std::vector<std::pair<const BatchKey*, const std::vector<size_t>*>> list;
  list.reserve(batches.size());
  for (const auto& [key, members] : batches) list.emplace_back(&key, &members);
  ParallelFor(list.size(), 1, [&](size_t b, size_t e) {
    for (size_t k = b; k < e; ++k) {
      const auto& [user, root, size, signature] = *list[k].first;
      CheckBatch(user, root, size, signature, *list[k].second, decoded, leaves, prepared);
    }
  });
}

void StoreImpl::CheckBatch(const PublicKey& user, const Hash32& root, uint64_t size,
                           const Signature& signature, const std::vector<size_t>& members,
                           const std::vector<Event>& decoded,
                           const std::vector<timeline::Hash>& leaves,
                           std::vector<Prepared>& prepared) {
  // The whole batch in this call (each index once): build its tree once and compare every
  // event's path with it — two hashes per event instead of one per path level.
  bool whole = members.size() == size;
  std::vector<size_t> by_index;
  if (whole) {
    by_index.assign(size, SIZE_MAX);
    for (size_t i : members) {
      const uint64_t index = decoded[i].batch->index;
      if (by_index[index] != SIZE_MAX) whole = false;
      by_index[index] = i;
    }
  }
  if (whole) {
    std::vector<timeline::Hash> leaf_hashes(size);
    for (uint64_t k = 0; k < size; ++k) leaf_hashes[k] = leaves[by_index[k]];
    const event_internal::BatchTree tree(std::move(leaf_hashes));
    if (tree.root() != root) whole = false;  // Some path is wrong: find which below.
    for (uint64_t k = 0; whole && k < size; ++k) {
      if (!tree.PathEquals(k, decoded[by_index[k]].batch->path)) whole = false;
    }
  }
  if (!whole) {
    for (size_t i : members) {
      auto got = timeline::RootFromInclusionProof(decoded[i].batch->index, size, leaves[i],
                                                  decoded[i].batch->path);
      if (!got.ok()) {
        prepared[i].status = got.status().WithContext("event: batch");
      } else if (*got != root) {
        prepared[i].status = Status::InvalidArgument(
            "event: batch path does not lead to the batch root (index " +
            std::to_string(decoded[i].batch->index) + " of " + std::to_string(size) + ")");
      }
    }
  }
  Status s = VerifyBatchSignature(user, root, size, signature);
  if (s.ok()) return;
  for (size_t i : members) prepared[i].status = s;
}

Result<Cid> StoreImpl::JournalEventCid(uint64_t journal_index) const {
  if (auto c = events_.PendingCid(journal_index)) return *c;
  DDC_ASSIGN_OR_RETURN(KeyedRecord r,
                       ReadRecordAt(events_.location(journal_index), ReadMode::kKey));
  return r.cid;
}

// REQUIRES: leader state.
Status StoreImpl::WriteEventRecord(Prepared& p) {
  // The leader is the only writer of events_, so it reads without the lock.
  auto check = events_.CheckEvent(*p.event, p.cid, p.event_id_hash,
                                  [this](uint64_t j) { return JournalEventCid(j); });
  if (!check.ok()) {
    p.status = check.status();
    return Status::OK();
  }
  if (check->existed) {
    *p.append = AppendResult{p.cid, check->position, check->journal_index, true};
    p.dedup = true;
    // Placed earlier in this very group: it shares that record's fate.
    p.dedup_in_group = check->journal_index >= events_.journal_committed();
    return Status::OK();
  }
  index::Location loc;
  DDC_RETURN_IF_ERROR(BufferRecord(p, std::nullopt, &loc));
  std::unique_lock<std::shared_mutex> lock(events_mu_);
  const uint64_t j = events_.Assign(*p.event, p.cid, p.event_id_hash, loc);
  *p.append = AppendResult{p.cid, check->position, j, false};
  return Status::OK();
}

// ---- Replay (called by Open alone) ----

Status StoreImpl::ReplayEventRecord(const Cid& cid, std::span<const uint8_t> value,
                                    const index::Location& loc, const std::string& where) {
  auto event = DecodeEvent(value);
  if (!event.ok()) return Status::Corruption(where + ": stored event: " + event.status().message());
  // The record's checksums were verified by the reader; that the bytes hash to the key is
  // checked by Store::Verify (`ddc verify`), not at every open.
  auto check = events_.CheckEvent(*event, cid, [this](uint64_t j) { return JournalEventCid(j); });
  if (!check.ok()) {
    return Status::Corruption(where + ": stored event " + cid.ToString() +
                              " contradicts its timeline: " + check.status().message());
  }
  if (check->existed) {
    return Status::Corruption(where + ": event " + cid.ToString() + " is stored twice");
  }
  events_.Assign(*event, cid, loc);
  events_.Publish();
  return Status::OK();
}

// ---- Reads ----

Result<Event> StoreImpl::GetEvent(const Cid& cid) {
  if (cid.codec() != Codec::kDagCbor) {
    return Status::NotFound(cid.ToString() + " is a raw CID, not an event");
  }
  DDC_ASSIGN_OR_RETURN(std::string bytes, Get(cid));
  auto e = DecodeEvent(AsBytes(bytes));
  if (!e.ok()) return Status::NotFound(cid.ToString() + " is not an event");
  return e;
}

Result<TimelineInfo> StoreImpl::Timeline(uint64_t bucket, const PublicKey& user) {
  DDC_RETURN_IF_ERROR(CheckOpen());
  std::shared_lock<std::shared_mutex> lock(events_mu_);
  const TimelineState* t = events_.Find(bucket, user);
  if (t == nullptr) return Status::NotFound("no timeline for that user in that bucket");
  TimelineInfo info;
  info.bucket = bucket;
  info.user = user;
  info.size = t->committed;
  info.root = timeline::RootAt(t->tree, t->committed);
  info.head = t->committed_head;
  return info;
}

Result<StoreImpl::StoredEvent> StoreImpl::ReadTimelineEvent(const TimelineKey& key,
                                                            uint64_t position,
                                                            uint64_t* committed_size,
                                                            bool include_erased) {
  index::Location loc;
  {
    std::shared_lock<std::shared_mutex> lock(events_mu_);
    const TimelineState* t = events_.Find(key.bucket, key.user);
    if (t == nullptr) return Status::NotFound("no timeline for that user in that bucket");
    if (committed_size != nullptr) *committed_size = t->committed;
    if (position >= t->committed) return Status::NotFound("position beyond the timeline");
    loc = events_.location(t->journal_indexes[position]);
  }
  DDC_ASSIGN_OR_RETURN(KeyedRecord r, ReadRecordAt(loc, ReadMode::kValue));
  if (!include_erased) DDC_RETURN_IF_ERROR(CheckNotErased(r.cid));
  StoredEvent out;
  out.cid = r.cid;
  out.bytes = std::move(r.value);
  auto e = DecodeEvent(AsBytes(out.bytes));
  if (!e.ok()) {
    return Status::Corruption("event at position " + std::to_string(position) +
                              " does not decode: " + e.status().message());
  }
  out.event = std::move(*e);
  return out;
}

Result<Cid> StoreImpl::TimelineEventCid(uint64_t bucket, const PublicKey& user, uint64_t position) {
  DDC_RETURN_IF_ERROR(CheckOpen());
  index::Location loc;
  {
    std::shared_lock<std::shared_mutex> lock(events_mu_);
    const TimelineState* t = events_.Find(bucket, user);
    if (t == nullptr) return Status::NotFound("no timeline for that user in that bucket");
    if (position >= t->committed) return Status::NotFound("position beyond the timeline");
    loc = events_.location(t->journal_indexes[position]);
  }
  DDC_ASSIGN_OR_RETURN(KeyedRecord r, ReadRecordAt(loc, ReadMode::kKey));
  return r.cid;
}

namespace {

class TimelineIteratorImpl final : public EventIterator {
 public:
  TimelineIteratorImpl(StoreImpl* store, TimelineKey key, uint64_t size, uint64_t start,
                       bool backward)
      : store_(store), key_(key), size_(size), pos_(start), backward_(backward) {
    Load();
  }
  bool Valid() const override { return valid_; }
  void Next() override {
    if (!valid_) return;
    if (backward_) {
      if (pos_ == 0) {
        valid_ = false;
        return;
      }
      --pos_;
    } else {
      ++pos_;
    }
    Load();
  }
  uint64_t position() const override { return pos_; }
  const Cid& cid() const override { return current_.cid; }
  const Event& event() const override { return current_.event; }
  std::string_view bytes() const override { return current_.bytes; }
  Status status() const override { return status_; }

 private:
  // Loads the event at pos_, stepping over erased ones in the iterator's direction.
  void Load() {
    valid_ = false;
    while (pos_ < size_) {
      auto r = store_->ReadTimelineEvent(key_, pos_, nullptr, /*include_erased=*/false);
      if (r.ok()) {
        current_ = std::move(*r);
        valid_ = true;
        return;
      }
      if (!r.status().IsErased()) {
        status_ = r.status();
        return;
      }
      if (backward_) {
        if (pos_ == 0) return;
        --pos_;
      } else {
        ++pos_;
      }
    }
  }

  StoreImpl* store_;
  TimelineKey key_;
  uint64_t size_;
  uint64_t pos_;
  bool backward_;
  bool valid_ = false;
  StoreImpl::StoredEvent current_;
  Status status_;
};

class UserIteratorImpl final : public UserIterator {
 public:
  explicit UserIteratorImpl(std::vector<TimelineInfo> users) : users_(std::move(users)) {}
  bool Valid() const override { return i_ < users_.size(); }
  void Next() override { ++i_; }
  const TimelineInfo& timeline() const override { return users_[i_]; }

 private:
  std::vector<TimelineInfo> users_;
  size_t i_ = 0;
};

}  // namespace

Result<std::unique_ptr<EventIterator>> StoreImpl::NewTimelineIterator(uint64_t bucket,
                                                                      const PublicKey& user,
                                                                      const TimelineSeek& seek) {
  DDC_RETURN_IF_ERROR(CheckOpen());
  const TimelineKey key{bucket, user};
  uint64_t size = 0;
  {
    std::shared_lock<std::shared_mutex> lock(events_mu_);
    const TimelineState* t = events_.Find(bucket, user);
    if (t == nullptr) return Status::NotFound("no timeline for that user in that bucket");
    size = t->committed;
  }
  uint64_t start = 0;
  if (seek.by == TimelineSeek::By::kPosition) {
    start = seek.backward ? std::min(seek.position, size - 1) : seek.position;
  } else {
    // Timestamps never decrease along a timeline (Append enforces it): binary search, one
    // event read per probe. lo = the first position with time >= time_ms.
    uint64_t lo = 0;
    uint64_t hi = size;
    while (lo < hi) {
      const uint64_t mid = lo + (hi - lo) / 2;
      DDC_ASSIGN_OR_RETURN(StoredEvent e, ReadTimelineEvent(key, mid, nullptr, true));
      if (e.event.timestamp_ms < seek.time_ms) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (!seek.backward) {
      start = lo;
    } else {
      // The last position with time <= time_ms: past the run of events at exactly time_ms.
      uint64_t hi2 = size;
      uint64_t lo2 = lo;
      while (lo2 < hi2) {
        const uint64_t mid = lo2 + (hi2 - lo2) / 2;
        DDC_ASSIGN_OR_RETURN(StoredEvent e, ReadTimelineEvent(key, mid, nullptr, true));
        if (e.event.timestamp_ms <= seek.time_ms) {
          lo2 = mid + 1;
        } else {
          hi2 = mid;
        }
      }
      if (lo2 == 0) {
        start = size;  // Nothing at or before the time: an empty walk.
      } else {
        start = lo2 - 1;
      }
    }
  }
  return std::unique_ptr<EventIterator>(
      new TimelineIteratorImpl(this, key, size, start, seek.backward));
}

std::unique_ptr<UserIterator> StoreImpl::NewUserIterator(uint64_t bucket) {
  std::vector<TimelineInfo> users;
  std::shared_lock<std::shared_mutex> lock(events_mu_);
  for (const TimelineState* t : events_.Users(bucket)) {
    TimelineInfo info;
    info.bucket = bucket;
    info.user = t->key.user;
    info.size = t->committed;
    info.root = timeline::RootAt(t->tree, t->committed);
    info.head = t->committed_head;
    users.push_back(info);
  }
  return std::make_unique<UserIteratorImpl>(std::move(users));
}

std::vector<uint64_t> StoreImpl::Buckets() {
  std::shared_lock<std::shared_mutex> lock(events_mu_);
  return events_.Buckets();
}

// ---- Proofs ----

Result<Hash32> StoreImpl::TimelineRoot(uint64_t bucket, const PublicKey& user, uint64_t size) {
  DDC_RETURN_IF_ERROR(CheckOpen());
  std::shared_lock<std::shared_mutex> lock(events_mu_);
  const TimelineState* t = events_.Find(bucket, user);
  if (t == nullptr) return Status::NotFound("no timeline for that user in that bucket");
  DDC_RETURN_IF_ERROR(SizeCheck("timeline size", size, t->committed));
  return timeline::RootAt(t->tree, size);
}

Result<std::vector<Hash32>> StoreImpl::TimelineInclusionProof(uint64_t bucket,
                                                              const PublicKey& user,
                                                              uint64_t position, uint64_t size) {
  DDC_RETURN_IF_ERROR(CheckOpen());
  std::shared_lock<std::shared_mutex> lock(events_mu_);
  const TimelineState* t = events_.Find(bucket, user);
  if (t == nullptr) return Status::NotFound("no timeline for that user in that bucket");
  DDC_RETURN_IF_ERROR(SizeCheck("timeline size", size, t->committed));
  if (position >= size) {
    return Status::InvalidArgument("position " + std::to_string(position) +
                                   " is not below the tree size " + std::to_string(size));
  }
  return timeline::InclusionProof(t->tree, position, size);
}

Result<std::vector<Hash32>> StoreImpl::TimelineConsistencyProof(uint64_t bucket,
                                                                const PublicKey& user,
                                                                uint64_t old_size,
                                                                uint64_t new_size) {
  DDC_RETURN_IF_ERROR(CheckOpen());
  std::shared_lock<std::shared_mutex> lock(events_mu_);
  const TimelineState* t = events_.Find(bucket, user);
  if (t == nullptr) return Status::NotFound("no timeline for that user in that bucket");
  DDC_RETURN_IF_ERROR(SizeCheck("timeline size", new_size, t->committed));
  if (old_size > new_size) {
    return Status::InvalidArgument("old size " + std::to_string(old_size) +
                                   " is beyond the new size " + std::to_string(new_size));
  }
  return timeline::ConsistencyProof(t->tree, old_size, new_size);
}

JournalInfo StoreImpl::Journal() {
  std::shared_lock<std::shared_mutex> lock(events_mu_);
  JournalInfo info;
  info.size = events_.journal_committed();
  info.root = timeline::RootAt(events_.journal_tree(), info.size);
  return info;
}

Result<Hash32> StoreImpl::JournalRoot(uint64_t size) {
  DDC_RETURN_IF_ERROR(CheckOpen());
  std::shared_lock<std::shared_mutex> lock(events_mu_);
  DDC_RETURN_IF_ERROR(SizeCheck("journal size", size, events_.journal_committed()));
  return timeline::RootAt(events_.journal_tree(), size);
}

Result<std::vector<Hash32>> StoreImpl::JournalInclusionProof(uint64_t index, uint64_t size) {
  DDC_RETURN_IF_ERROR(CheckOpen());
  std::shared_lock<std::shared_mutex> lock(events_mu_);
  DDC_RETURN_IF_ERROR(SizeCheck("journal size", size, events_.journal_committed()));
  if (index >= size) {
    return Status::InvalidArgument("journal index " + std::to_string(index) +
                                   " is not below the tree size " + std::to_string(size));
  }
  return timeline::InclusionProof(events_.journal_tree(), index, size);
}

Result<std::vector<Hash32>> StoreImpl::JournalConsistencyProof(uint64_t old_size,
                                                               uint64_t new_size) {
  DDC_RETURN_IF_ERROR(CheckOpen());
  std::shared_lock<std::shared_mutex> lock(events_mu_);
  DDC_RETURN_IF_ERROR(SizeCheck("journal size", new_size, events_.journal_committed()));
  if (old_size > new_size) {
    return Status::InvalidArgument("old size " + std::to_string(old_size) +
                                   " is beyond the new size " + std::to_string(new_size));
  }
  return timeline::ConsistencyProof(events_.journal_tree(), old_size, new_size);
}

Result<EventProof> StoreImpl::ProveEvent(const Cid& cid) {
  DDC_RETURN_IF_ERROR(CheckOpen());
  DDC_ASSIGN_OR_RETURN(std::string bytes, Get(cid));
  auto event = DecodeEvent(AsBytes(bytes));
  if (!event.ok()) return Status::NotFound(cid.ToString() + " is not an event");
  EventProof proof;
  proof.event = std::move(bytes);
  std::shared_lock<std::shared_mutex> lock(events_mu_);
  auto j = events_.FindId(event->bucket, event->user, event->id);
  const TimelineState* t = events_.Find(event->bucket, event->user);
  if (!j || t == nullptr) return Status::NotFound(cid.ToString() + " is not in a timeline");
  auto position = events_.PositionOf(*t, *j);
  if (!position) return Status::Corruption(cid.ToString() + ": journal and timeline disagree");
  // The newest checkpoint that covers the append.
  const CheckpointRecord* sealing = nullptr;
  for (auto it = checkpoints_.rbegin(); it != checkpoints_.rend(); ++it) {
    if (it->size > *j) {
      sealing = &*it;
      break;
    }
  }
  if (sealing == nullptr) {
    return Status::NotFound(cid.ToString() + " is not sealed by a checkpoint yet");
  }
  proof.position = *position;
  proof.timeline_path = timeline::InclusionProof(t->tree, *position, *position + 1);
  proof.journal_index = *j;
  proof.journal_path = timeline::InclusionProof(events_.journal_tree(), *j, sealing->size);
  proof.checkpoint = sealing->note;
  return proof;
}

// ---- Checkpoints ----

Result<CheckpointRecord> StoreImpl::Checkpoint() {
  DDC_RETURN_IF_ERROR(CheckOpen());
  std::lock_guard<std::mutex> serial(checkpoint_mu_);
  timeline::Checkpoint c;
  c.origin = origin_;
  {
    std::shared_lock<std::shared_mutex> lock(events_mu_);
    c.size = events_.journal_committed();
    c.root = timeline::RootAt(events_.journal_tree(), c.size);
  }
  c.time_ms = NowMs();
  CheckpointRecord record;
  record.note = signer_->SignCheckpoint(c);
  record.origin = c.origin;
  record.size = c.size;
  record.root = c.root;
  record.time_ms = c.time_ms;
  Prepared p[1];
  Prepare(AsBytes(record.note), Codec::kRaw, &p[0]);
  p[0].type = log::RecordType::kCheckpoint;
  p[0].checkpoint = &record;
  record.cid = p[0].cid;
  // The leader lists the checkpoint once its group is durable (WriteGroup), so that a snapshot
  // taken right after that group includes it.
  Submit(p);
  DDC_RETURN_IF_ERROR(p[0].status);
  return record;
}

std::vector<CheckpointRecord> StoreImpl::Checkpoints() {
  std::shared_lock<std::shared_mutex> lock(events_mu_);
  return checkpoints_;
}

std::string StoreImpl::NodeVerifierKey() { return verifier_key_; }

Result<CheckpointRecord> StoreImpl::CheckpointFromNote(std::string note) const {
  // Normally signed by this node's key; a store whose key changed (Options::node_key_seed)
  // still lists its older checkpoints, parsed without their signature.
  auto parse = [&]() -> Result<timeline::Checkpoint> {
    if (signer_ != nullptr) {
      auto verified = timeline::VerifyCheckpointNote(note, signer_->verifier_key());
      if (verified.ok()) return verified;
    }
    const size_t blank = note.rfind("\n\n");
    if (blank == std::string::npos) {
      return Status::InvalidArgument("checkpoint note without a signature block");
    }
    return timeline::ParseCheckpointBody(std::string_view(note).substr(0, blank + 1));
  };
  DDC_ASSIGN_OR_RETURN(timeline::Checkpoint c, parse());
  CheckpointRecord out;
  out.origin = std::move(c.origin);
  out.size = c.size;
  out.root = c.root;
  out.time_ms = c.time_ms;
  out.cid = Cid::Of(Codec::kRaw, note);
  out.note = std::move(note);
  return out;
}

void StoreImpl::CheckpointLoop() {
  std::unique_lock<std::mutex> lock(sync_thread_mu_);
  uint64_t last_size = 0;
  {
    std::shared_lock<std::shared_mutex> events_lock(events_mu_);
    if (!checkpoints_.empty()) last_size = checkpoints_.back().size;
  }
  while (!stop_sync_thread_) {
    sync_thread_cv_.wait_for(lock, std::chrono::milliseconds(options_.checkpoint_interval_ms));
    if (stop_sync_thread_) break;
    lock.unlock();
    {
      // After a write failed the store refuses writes until reopened: stop trying.
      std::lock_guard<std::mutex> mu_lock(mu_);
      if (!failed_.ok()) return;
    }
    const uint64_t size = Journal().size;
    if (size != last_size) {
      auto made = Checkpoint();
      if (made.ok()) {
        last_size = made->size;
      } else {
        Log(dir_ + ": periodic checkpoint failed: " + made.status().ToString());
      }
    }
    lock.lock();
  }
}

}  // namespace ddc
