// The write path: preparation on the caller's thread, group commit by a leader, segment
// rollover, syncing and index snapshots.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>

#include "engine/base/hash.h"
#include "engine/base/macros.h"
#include "engine/base/parallel.h"
#include "engine/log/segment.h"
#include "engine/store/compression.h"
#include "engine/store/store_impl.h"

namespace ddc {
namespace {
constexpr uint64_t kCidKeyBytes = Cid::kBinaryBytes;
static_assert(kCidKeyBytes <= log::kMaxKeyBytes);

// Unsynced writes are handed to the device in steps of this size (File::StartWriteback) rather
// than all at the next fdatasync, so that a segment roll (which syncs the whole segment) finds
// little left to write: ddc-bench put_nosync lost about a quarter of its time to those roll
// syncs before. (Writing a large synced group out in such steps before its fdatasync was
// tried too and measured no faster on a virtio disk.)
constexpr uint64_t kWritebackBytes = 256u << 10;

// How far ahead of the record at hand the leader starts loading index slots: enough misses in
// flight to hide memory latency, few enough for the core's line-fill buffers.
constexpr size_t kPrefetchRecords = 16;
}  // namespace

Status StoreImpl::CheckOpen() const {
  if (closed_.load(std::memory_order_acquire)) return Status::Failed("store is closed");
  return Status::OK();
}

void StoreImpl::Prepare(std::span<const uint8_t> bytes, Codec codec, Prepared* out) const {
  PrepareMany(std::span(&bytes, 1), codec, out);
}

void StoreImpl::PrepareMany(std::span<const std::span<const uint8_t>> items, Codec codec,
                            Prepared* out) const {
  // Hashing is most of a put's CPU: it runs in steps of up to kStep items through the
  // multi-message BLAKE2b, which hashes eight at a time where the CPU has vector lanes for it.
  constexpr size_t kStep = 64;
  std::array<std::span<const uint8_t>, kStep> hashed;
  std::array<std::array<uint8_t, 32>, kStep> digests;
  std::array<size_t, kStep> which;
  for (size_t base = 0; base < items.size(); base += kStep) {
    const size_t end = std::min(items.size(), base + kStep);
    size_t m = 0;
    for (size_t i = base; i < end; ++i) {
      if (!out[i].status.ok()) continue;  // Already rejected by the caller.
      if (items[i].size() > options_.max_record_bytes) {
        out[i].status = Status::InvalidArgument("blob of " + std::to_string(items[i].size()) +
                                                " bytes exceeds max_record_bytes (" +
                                                std::to_string(options_.max_record_bytes) + ")");
        continue;
      }
      hashed[m] = items[i];
      which[m++] = i;
    }
    Blake2b256Many(std::span(hashed).first(m), digests);
    for (size_t j = 0; j < m; ++j) {
      const std::span<const uint8_t> bytes = hashed[j];
      Prepared* p = out + which[j];
      p->cid = Cid(codec, digests[j]);
      p->raw_length = static_cast<uint32_t>(bytes.size());
      p->stored = bytes;
      if (options_.compression == Compression::kAuto && MaybeCompress(bytes, &p->compressed)) {
        p->stored =
            std::span(reinterpret_cast<const uint8_t*>(p->compressed.data()), p->compressed.size());
        p->flags = log::kFlagZstd;
      }
      const auto key = p->cid.ToBytes();
      p->body_checksum = log::BodyChecksum(key, p->stored);
    }
  }
}

Result<Cid> StoreImpl::PutBlob(std::span<const uint8_t> bytes) {
  std::span<const uint8_t> one[1] = {bytes};
  std::vector<Result<Cid>> r = PutBlobs(one);
  return std::move(r[0]);
}

std::vector<Result<Cid>> StoreImpl::PutBlobs(std::span<const std::span<const uint8_t>> blobs) {
  std::vector<Result<Cid>> results;
  results.reserve(blobs.size());
  if (Status s = CheckOpen(); !s.ok()) {
    for (size_t i = 0; i < blobs.size(); ++i) results.emplace_back(s);
    return results;
  }
  if (blobs.empty()) return results;
  std::vector<Prepared> prepared(blobs.size());
  // Hashing dominates the cost of a put: a batch is prepared on several cores, and the group
  // commit writes the first records while later ones are still being hashed. Chunks of about
  // 32 KiB keep the hand-off cost small against the hashing.
  uint64_t total = 0;
  for (const auto& b : blobs) total += b.size();
  const size_t min_chunk = std::max<size_t>(1, (32u << 10) / (total / blobs.size() + 1));
  ParallelPipeline preparing(blobs.size(), min_chunk, [&](size_t begin, size_t end) {
    PrepareMany(blobs.subspan(begin, end - begin), Codec::kRaw, &prepared[begin]);
  });
  Submit(prepared, &preparing, blobs);
  preparing.AwaitAll();
  for (Prepared& p : prepared) {
    if (p.status.ok()) {
      results.emplace_back(p.cid);
      stat_puts_.Add(1);
      if (p.dedup) stat_dedup_.Add(1);
    } else {
      results.emplace_back(std::move(p.status));
    }
  }
  return results;
}

void StoreImpl::Submit(std::span<Prepared> prepared, ParallelPipeline* preparing,
                       std::span<const std::span<const uint8_t>> sources) {
  // A call larger than kMaxGroupRecords goes through the queue in slices, so that a group
  // never exceeds the writer's fixed-size bookkeeping.
  for (size_t begin = 0; begin < prepared.size(); begin += kMaxGroupRecords) {
    const size_t n = std::min<size_t>(kMaxGroupRecords, prepared.size() - begin);
    Writer w;
    w.blobs = prepared.subspan(begin, n);
    w.preparing = preparing;
    w.preparing_base = begin;
    for (size_t i = 0; i < n; ++i) {
      // Compression only ever makes a record smaller.
      const size_t body =
          preparing != nullptr ? sources[begin + i].size() : w.blobs[i].stored.size();
      w.bytes += log::kRecordHeaderBytes + kCidKeyBytes + body;
    }
    std::unique_lock<std::mutex> lock(mu_);
    writers_.push_back(&w);
    while (!w.done && &w != writers_.front()) w.cv.wait(lock);
    if (!w.done) CommitGroup(lock, &w);
  }
}

// REQUIRES: lock held, leader == writers_.front().
void StoreImpl::CommitGroup(std::unique_lock<std::mutex>& lock, Writer* leader) {
  // Leader state: only this leader touches group_ until it hands over below, under the lock.
  std::vector<Writer*>& group = group_;
  group.clear();
  uint64_t bytes = 0;
  size_t records = 0;
  for (Writer* w : writers_) {
    if (!group.empty() && (bytes + w->bytes > options_.group_commit_bytes ||
                           records + w->blobs.size() > kMaxGroupRecords)) {
      break;
    }
    group.push_back(w);
    bytes += w->bytes;
    records += w->blobs.size();
  }
  Status error = failed_;
  lock.unlock();
  if (error.ok()) {
    error = WriteGroup(group);
    if (!error.ok()) SetFailed(error);
  }
  lock.lock();
  if (!error.ok()) {
    for (Writer* w : group) {
      // A failed commit stops early: records may still be in preparation.
      if (w->preparing != nullptr) w->preparing->AwaitAll();
      for (Prepared& p : w->blobs) {
        // A duplicate of a blob earlier in this group was never stored either.
        if (p.status.ok() && (!p.dedup || p.dedup_in_group)) p.status = error;
      }
    }
  } else {
    committed_segment_ = active_segment_;
    committed_offset_ = write_offset_;
  }
  for (Writer* w : group) {
    writers_.pop_front();
    w->done = true;
    if (w != leader) w->cv.notify_one();
  }
  if (!writers_.empty()) writers_.front()->cv.notify_one();
}

void StoreImpl::SetFailed(const Status& error) {
  std::lock_guard<std::mutex> lock(mu_);
  if (failed_.ok()) {
    failed_ = Status::Failed("the store stopped accepting writes after an I/O error: " +
                             error.ToString() + " (reopen to recover)");
    Log(dir_ + ": " + failed_.message());
  }
}

Status StoreImpl::WriteGroup(const std::vector<Writer*>& group) {
  pending_.clear();
  StartGroupTable();
  buffer_used_ = 0;
  buffer_offset_ = write_offset_;
  group_wrote_ = false;
  group_names_.clear();
  bool events = false;
  for (Writer* w : group) {
    const size_t n = w->blobs.size();
    size_t ready = w->preparing != nullptr ? 0 : n;  // blobs[0, ready) are prepared.
    size_t prefetched = 0;                           // Index probes started for [0, prefetched).
    for (size_t i = 0; i < n; ++i) {
      if (i >= ready) {
        ready = std::min(n, w->preparing->Await(w->preparing_base + i) - w->preparing_base);
      }
      if (i >= prefetched) {
        prefetched = std::min(ready, i + kPrefetchRecords);
        for (size_t j = i; j < prefetched; ++j) {
          const Prepared& ahead = w->blobs[j];
          if (ahead.type == log::RecordType::kEvent) {
            events_.PrefetchId(ahead.event_id_hash);
          } else {
            index_.Prefetch(index::CidIndex::Tag(ahead.cid));
          }
        }
      }
      Prepared& p = w->blobs[i];
      if (!p.status.ok()) continue;
      if (p.type == log::RecordType::kEvent) {
        // Events are deduplicated by their id in the timeline state, not by CID lookups.
        DDC_RETURN_IF_ERROR(WriteEventRecord(p));
        events = true;
        continue;
      }
      if (p.name != nullptr) {
        // Before the CID lookup: an older record of the name is stored, but must not pass.
        CheckNameSequence(p);
        if (!p.status.ok() || p.dedup) continue;
      }
      const uint64_t tag = index::CidIndex::Tag(p.cid);
      if (GroupContains(p.cid, tag)) {
        p.dedup = true;
        p.dedup_in_group = true;
        continue;
      }
      // A stored copy counts only if it reads back whole; a damaged one is superseded by the
      // record written now (the index then points at the fresh copy).
      auto found = Find(p.cid, ReadMode::kChecksum, /*leader=*/true);
      if (!found.ok()) {
        p.status = found.status();
        continue;
      }
      if (found->good) {
        p.dedup = true;
        continue;
      }
      if (found->damaged) {
        Log(dir_ + ": stored copy of " + p.cid.ToString() + " at " +
            log::SegmentFileName(found->damaged->segment) + " offset " +
            std::to_string(found->damaged->offset) + " is damaged; writing a fresh copy");
      }
      index::Location loc;
      DDC_RETURN_IF_ERROR(BufferRecord(p, found->damaged, &loc));
      if (p.erasure != nullptr) DDC_RETURN_IF_ERROR(PlaceTombstone(p.erasure));
      if (p.name != nullptr) {
        group_names_[std::make_pair(p.name->record.bucket, p.name->record.name)] = p.name;
      }
    }
  }
  const bool sync = options_.durability == Durability::kSyncEveryGroup;
  if (buffer_used_ > 0) {
    DDC_RETURN_IF_ERROR(FlushBuffer(sync));
  } else if (group_wrote_ && sync) {
    DDC_RETURN_IF_ERROR(SyncActive());
  }
  if (!pending_.empty()) {
    std::unique_lock<StripedSharedMutex> lock(index_mu_);
    for (size_t i = 0; i < pending_.size(); ++i) {
      if (i + kPrefetchRecords < pending_.size()) {
        index_.Prefetch(pending_[i + kPrefetchRecords].tag);
      }
      const PendingInsert& p = pending_[i];
      if (!p.replaces || !index_.Replace(p.tag, *p.replaces, p.loc)) index_.Insert(p.tag, p.loc);
    }
  }
  if (events) {
    std::unique_lock<std::shared_mutex> lock(events_mu_);
    events_.Publish();
  }
  for (Writer* w : group) {
    for (const Prepared& p : w->blobs) {
      if (!p.status.ok() || p.dedup) continue;
      if (p.checkpoint != nullptr) {
        std::unique_lock<std::shared_mutex> lock(events_mu_);
        checkpoints_.push_back(*p.checkpoint);
      } else if (p.grant != nullptr) {
        std::unique_lock<std::shared_mutex> lock(events_mu_);
        ListGrant(*p.grant);
      } else if (p.erasure != nullptr) {
        std::unique_lock<std::shared_mutex> lock(events_mu_);
        ApplyErasure(p.erasure);
      } else if (p.name != nullptr) {
        std::unique_lock<std::shared_mutex> lock(events_mu_);
        ApplyName(*p.name);
      }
    }
  }
  stat_groups_.fetch_add(1, std::memory_order_relaxed);
  MaybeStartSnapshot();
  return Status::OK();
}

Status StoreImpl::BufferRecord(const Prepared& p, const std::optional<index::Location>& replaces,
                               index::Location* location) {
  const uint64_t size = log::kRecordHeaderBytes + kCidKeyBytes + p.stored.size();
  if (buffer_offset_ + buffer_used_ + size > options_.segment_bytes) {
    DDC_RETURN_IF_ERROR(FlushBuffer(/*sync=*/false));
    DDC_RETURN_IF_ERROR(RollSegment());
    group_wrote_ = true;
  }
  if (buffer_used_ + size > buffer_capacity_) {
    DDC_RETURN_IF_ERROR(FlushBuffer(/*sync=*/false));
    group_wrote_ = true;
  }
  const uint64_t offset = buffer_offset_ + buffer_used_;
  log::RecordHeader h;
  h.type = p.type;
  h.flags = p.flags;
  h.key_length = static_cast<uint16_t>(kCidKeyBytes);
  h.value_length = static_cast<uint32_t>(p.stored.size());
  h.raw_length = p.raw_length;
  h.sequence = next_sequence_++;
  h.durable_offset = static_cast<uint32_t>(synced_offset_.load(std::memory_order_acquire));
  h.body_checksum = p.body_checksum;
  const auto key = p.cid.ToBytes();
  log::EncodeRecordWithChecksum(h, key, p.stored, buffer_.get() + buffer_used_);
  buffer_used_ += size;
  *location =
      index::Location{active_segment_, static_cast<uint32_t>(offset), static_cast<uint32_t>(size)};
  const uint64_t tag = index::CidIndex::Tag(p.cid);
  pending_.push_back(PendingInsert{tag, *location, replaces});
  GroupAdd(p.cid, tag);
  last_segment_ = active_segment_;
  last_offset_ = static_cast<uint32_t>(offset);
  logical_bytes_.fetch_add(p.raw_length, std::memory_order_relaxed);
  if (p.flags != 0) stat_compressed_.fetch_add(1, std::memory_order_relaxed);
  if (p.type != log::RecordType::kBlob) ++typed_records_;
  return Status::OK();
}

void StoreImpl::StartGroupTable() {
  group_cids_.clear();
  if (++group_generation_ == 0) {
    // Generation numbers wrapped: old slots could look current, so clear them once.
    group_table_.assign(kGroupTableSlots, GroupSlot{});
    group_generation_ = 1;
  }
}

bool StoreImpl::GroupContains(const Cid& cid, uint64_t tag) const {
  constexpr uint32_t kMask = kGroupTableSlots - 1;
  for (uint32_t i = static_cast<uint32_t>(tag) & kMask;; i = (i + 1) & kMask) {
    const GroupSlot& s = group_table_[i];
    if (s.generation != group_generation_) return false;
    if (s.tag == tag && group_cids_[s.index] == cid) return true;
  }
}

void StoreImpl::GroupAdd(const Cid& cid, uint64_t tag) {
  constexpr uint32_t kMask = kGroupTableSlots - 1;
  uint32_t i = static_cast<uint32_t>(tag) & kMask;
  while (group_table_[i].generation == group_generation_) i = (i + 1) & kMask;
  group_table_[i] = GroupSlot{tag, group_generation_, static_cast<uint32_t>(group_cids_.size())};
  group_cids_.push_back(cid);
}

Status StoreImpl::FlushBuffer(bool sync) {
  std::span<const uint8_t> data(buffer_.get(), buffer_used_);
  if (sync) {
    // The sync lock keeps a concurrent Sync() or the interval thread from publishing a
    // synced offset for bytes this call has not written yet.
    std::lock_guard<std::mutex> lock(sync_mu_);
    DDC_RETURN_IF_ERROR(active_file_->WriteAndSync(buffer_offset_, data));
    stat_syncs_.fetch_add(1, std::memory_order_relaxed);
    synced_offset_.store(buffer_offset_ + buffer_used_, std::memory_order_release);
  } else {
    DDC_RETURN_IF_ERROR(active_file_->Write(buffer_offset_, data));
  }
  write_offset_ = buffer_offset_ + buffer_used_;
  if (sync || writeback_from_ > write_offset_) {
    writeback_from_ = write_offset_;
  } else if (write_offset_ - writeback_from_ >= kWritebackBytes) {
    active_file_->StartWriteback(writeback_from_, write_offset_ - writeback_from_);
    writeback_from_ = write_offset_;
  }
  written_offset_.store(write_offset_, std::memory_order_release);
  log_bytes_.fetch_add(buffer_used_, std::memory_order_relaxed);
  bytes_since_snapshot_ += buffer_used_;
  buffer_offset_ = write_offset_;
  buffer_used_ = 0;
  return Status::OK();
}

Status StoreImpl::SyncActive() {
  std::lock_guard<std::mutex> lock(sync_mu_);
  const uint64_t target = written_offset_.load(std::memory_order_acquire);
  DDC_RETURN_IF_ERROR(active_file_->Sync());
  stat_syncs_.fetch_add(1, std::memory_order_relaxed);
  if (target > synced_offset_.load(std::memory_order_acquire)) {
    synced_offset_.store(target, std::memory_order_release);
  }
  return Status::OK();
}

Status StoreImpl::RollSegment() {
  // The old segment is synced whole before the new one exists, whatever the durability mode:
  // recovery treats any damage in a segment that has a successor as corruption.
  DDC_RETURN_IF_ERROR(SyncActive());
  const uint32_t id = active_segment_ + 1;
  if (id >= kMaxSegments) {
    return Status::NoSpace("the store reached its limit of " + std::to_string(kMaxSegments) +
                           " segments");
  }
  std::lock_guard<std::mutex> lock(sync_mu_);
  DDC_ASSIGN_OR_RETURN(
      auto created,
      log::CreateSegment(fs_, dir_, log::SegmentHeader{id, store_id_, next_sequence_}));
  std::shared_ptr<io::File> file = std::move(created);
  {
    std::unique_lock<std::shared_mutex> seg_lock(segments_mu_);
    if (segments_.size() <= id) segments_.resize(id + 1);
    segments_[id] = file;
    PublishSegment(id, file.get());
  }
  active_segment_ = id;
  active_file_ = std::move(file);
  write_offset_ = log::kSegmentHeaderBytes;
  writeback_from_ = write_offset_;
  buffer_offset_ = write_offset_;
  synced_offset_.store(write_offset_, std::memory_order_release);
  written_offset_.store(write_offset_, std::memory_order_release);
  log_bytes_.fetch_add(log::kSegmentHeaderBytes, std::memory_order_relaxed);
  return Status::OK();
}

Status StoreImpl::Sync() {
  DDC_RETURN_IF_ERROR(CheckOpen());
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!failed_.ok()) return failed_;
  }
  Status s = SyncActive();
  if (!s.ok()) SetFailed(s);
  return s;
}

void StoreImpl::SyncLoop() {
  std::unique_lock<std::mutex> lock(sync_thread_mu_);
  while (!stop_sync_thread_) {
    sync_thread_cv_.wait_for(lock, std::chrono::milliseconds(options_.sync_interval_ms));
    if (stop_sync_thread_) break;
    if (written_offset_.load() == synced_offset_.load()) continue;
    lock.unlock();
    {
      std::lock_guard<std::mutex> mu_lock(mu_);
      if (!failed_.ok()) return;
    }
    Status s = SyncActive();
    if (!s.ok()) SetFailed(s);
    lock.lock();
  }
}

// REQUIRES: leader state (the caller is the group leader, or Open/Close alone).
index::SnapshotMeta StoreImpl::SnapshotMetaNow() const {
  index::SnapshotMeta meta;
  meta.store_id = store_id_;
  meta.segment = active_segment_;
  meta.offset = static_cast<uint32_t>(write_offset_);
  meta.next_sequence = next_sequence_;
  meta.last_segment = last_segment_;
  meta.last_offset = last_offset_;
  meta.logical_bytes = logical_bytes_.load();
  meta.typed_records = typed_records_;
  return meta;
}

void StoreImpl::MaybeStartSnapshot() {
  if (options_.snapshot_interval_bytes == 0 ||
      bytes_since_snapshot_ < options_.snapshot_interval_bytes) {
    return;
  }
  if (snapshot_running_.load(std::memory_order_acquire)) return;  // Try again next group.
  // A snapshot may only cover synced records: sync first unless the group just did.
  if (options_.durability != Durability::kSyncEveryGroup) {
    if (Status s = SyncActive(); !s.ok()) {
      SetFailed(s);
      return;
    }
  }
  const index::SnapshotMeta meta = SnapshotMetaNow();
  std::vector<index::Slot> slots;
  uint64_t count = 0;
  {
    StripedSharedMutex::ReadLock lock(index_mu_);
    slots.assign(index_.slots().begin(), index_.slots().end());
    count = index_.size();
  }
  auto events = ExportEvents();
  bytes_since_snapshot_ = 0;
  if (snapshot_thread_.joinable()) snapshot_thread_.join();
  snapshot_running_.store(true, std::memory_order_release);
  snapshot_thread_ = std::thread([this, meta, slots = std::move(slots), count,
                                  events = std::move(events)] {
    // The event snapshot first: an open uses it only beside an index snapshot of the same
    // position, so a crash between the two files costs a scan, never a wrong state.
    if (events != nullptr) {
      Status e = WriteEventSnapshot(fs_, dir_, meta, *events);
      if (!e.ok()) {
        Log(dir_ +
            ": event snapshot not written (the next open rebuilds timelines from the "
            "log): " +
            e.ToString());
      }
    }
    Status s = index::WriteSnapshot(fs_, dir_, meta, slots, count);
    if (s.ok()) {
      stat_snapshots_.fetch_add(1, std::memory_order_relaxed);
    } else {
      Log(dir_ + ": index snapshot not written (the next open replays more log): " + s.ToString());
    }
    snapshot_running_.store(false, std::memory_order_release);
  });
}

std::unique_ptr<EventSnapshotData> StoreImpl::ExportEvents() const {
  if (typed_records_ == 0) return nullptr;
  auto data = std::make_unique<EventSnapshotData>();
  std::shared_lock<std::shared_mutex> lock(events_mu_);
  events_.Export(data.get());
  for (const CheckpointRecord& c : checkpoints_) data->checkpoints.push_back({c.cid, c.note});
  for (const GrantRecord& g : grants_) {
    data->records.push_back({static_cast<uint8_t>(log::RecordType::kGrant), 0, g.cid, g.bytes});
  }
  for (size_t i = 0; i < tombstones_.size(); ++i) {
    data->records.push_back({static_cast<uint8_t>(log::RecordType::kTombstone),
                             tombstone_limits_[i], tombstones_[i].cid, tombstones_[i].bytes});
  }
  for (const auto& [key, name] : names_) {
    data->records.push_back(
        {static_cast<uint8_t>(log::RecordType::kName), 0, name.cid, name.bytes});
  }
  data->name_records = name_records_;
  return data;
}

Status StoreImpl::WriteSnapshotNow() {
  const index::SnapshotMeta meta = SnapshotMetaNow();
  if (auto events = ExportEvents(); events != nullptr) {
    DDC_RETURN_IF_ERROR(WriteEventSnapshot(fs_, dir_, meta, *events));
  }
  StripedSharedMutex::ReadLock lock(index_mu_);
  DDC_RETURN_IF_ERROR(index::WriteSnapshot(fs_, dir_, meta, index_.slots(), index_.size()));
  stat_snapshots_.fetch_add(1, std::memory_order_relaxed);
  return Status::OK();
}

Status StoreImpl::Close() {
  if (closed_.exchange(true)) return Status::Failed("store is already closed");
  StopBackgroundThreads();
  Status result;
  bool failed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    failed = !failed_.ok();
  }
  if (failed) {
    // Say so: the last acknowledged writes may not be durable (e.g. a background sync failed).
    std::lock_guard<std::mutex> lock(mu_);
    result = failed_;
  } else {
    result = SyncActive();
    // Skip the snapshot when nothing was written since open and a valid one was loaded.
    if (result.ok() && (bytes_since_snapshot_ > 0 || stat_replayed_ > 0 || !stat_from_snapshot_ ||
                        (typed_records_ > 0 && !stat_events_from_snapshot_))) {
      result = WriteSnapshotNow();
    }
  }
  {
    std::unique_lock<std::shared_mutex> lock(segments_mu_);
    for (auto& entry : segment_table_) entry.store(nullptr, std::memory_order_release);
    segments_.clear();
  }
  active_file_.reset();
  lock_.reset();
  return result;
}

StoreImpl::~StoreImpl() {
  if (open_done_ && !closed_.load()) {
    Status s = Close();
    if (!s.ok()) Log(dir_ + ": close in destructor failed: " + s.ToString());
  } else {
    StopBackgroundThreads();
  }
}

void StoreImpl::StopBackgroundThreads() {
  {
    std::lock_guard<std::mutex> lock(sync_thread_mu_);
    stop_sync_thread_ = true;
  }
  sync_thread_cv_.notify_all();
  if (sync_thread_.joinable()) sync_thread_.join();
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
  if (snapshot_thread_.joinable()) snapshot_thread_.join();
}

}  // namespace ddc
