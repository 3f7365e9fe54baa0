// The read path: index lookups, verified positional reads, batched MultiGet, iteration, stats.
#include <algorithm>
#include <cstring>
#include <functional>

#include "engine/base/macros.h"
#include "engine/log/segment_reader.h"
#include "engine/store/compression.h"
#include "engine/store/store_impl.h"

namespace ddc {

void StoreImpl::PublishSegment(uint32_t id, io::File* file) {
  const uint32_t chunk = id / kSegmentChunk;
  std::atomic<io::File*>* entries = segment_table_[chunk].load(std::memory_order_acquire);
  if (entries == nullptr) {
    segment_chunks_.emplace_back(new std::atomic<io::File*>[kSegmentChunk]());
    entries = segment_chunks_.back().get();
    segment_table_[chunk].store(entries, std::memory_order_release);
  }
  entries[id % kSegmentChunk].store(file, std::memory_order_release);
}

io::File* StoreImpl::SegmentFilePointer(uint32_t id) const {
  if (id >= kMaxSegments) return nullptr;
  const std::atomic<io::File*>* entries =
      segment_table_[id / kSegmentChunk].load(std::memory_order_acquire);
  return entries == nullptr ? nullptr : entries[id % kSegmentChunk].load(std::memory_order_acquire);
}

StoreImpl::LocationList StoreImpl::Candidates(const Cid& cid, bool leader) const {
  LocationList out;
  const uint64_t tag = index::CidIndex::Tag(cid);
  auto collect = [&] {
    index_.ForEachCandidate(tag, [&](const index::Location& loc) {
      out.Add(loc);
      return false;
    });
  };
  if (leader) {
    collect();
  } else {
    StripedSharedMutex::ReadLock lock(index_mu_);
    collect();
  }
  return out;
}

namespace {
// Messages are built only on the error paths: a successful read formats nothing.
std::string Where(const index::Location& loc) {
  return log::SegmentFileName(loc.segment) + " offset " + std::to_string(loc.offset);
}
}  // namespace

Result<std::string> StoreImpl::VerifyRecordBytes(const Cid& cid, const index::Location& loc,
                                                 std::string&& bytes, ReadMode mode) const {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  auto header = log::DecodeRecordHeader(std::span(p, bytes.size()));
  if (!header.ok()) return header.status().WithContext(Where(loc));
  const auto key = cid.ToBytes();
  if (header->key_length != key.size() ||
      std::memcmp(p + log::kRecordHeaderBytes, key.data(), key.size()) != 0) {
    // Another CID with the same 48-bit tag: the caller tries the next candidate.
    return Status::NotFound(cid.ToString());
  }
  if (mode == ReadMode::kKey) return std::string();
  if (header->on_disk_bytes() != loc.length) {
    return Status::Corruption(Where(loc) + ": record length " +
                              std::to_string(header->on_disk_bytes()) + ", index says " +
                              std::to_string(loc.length));
  }
  std::span<const uint8_t> all(p + log::kRecordHeaderBytes, bytes.size() - log::kRecordHeaderBytes);
  std::span<const uint8_t> k = all.first(header->key_length);
  std::span<const uint8_t> v = all.subspan(header->key_length);
  if (log::BodyChecksum(k, v) != header->body_checksum) {
    return Status::Corruption(Where(loc) + ": record body checksum mismatch for " + cid.ToString());
  }
  if (mode == ReadMode::kChecksum) return std::string();
  if ((header->flags & log::kFlagZstd) != 0) {
    std::string out;
    Status s = Decompress(v, header->raw_length, &out);
    if (!s.ok()) return s.WithContext(Where(loc));
    return out;
  }
  bytes.erase(0, log::kRecordHeaderBytes + header->key_length);
  return std::move(bytes);
}

Result<std::string> StoreImpl::ReadRecordBytes(const index::Location& loc, ReadMode mode) const {
  io::File* file = SegmentFilePointer(loc.segment);
  if (file == nullptr) {
    return Status::Corruption("record in missing " + log::SegmentFileName(loc.segment));
  }
  const size_t n =
      mode == ReadMode::kKey ? log::kRecordHeaderBytes + Cid::kBinaryBytes : loc.length;
  std::string bytes(std::min<size_t>(n, loc.length), '\0');
  DDC_ASSIGN_OR_RETURN(
      size_t got,
      file->Read(loc.offset, std::span(reinterpret_cast<uint8_t*>(bytes.data()), bytes.size())));
  if (got != bytes.size()) {
    return Status::Corruption(Where(loc) + ": record cut short (" + std::to_string(got) + " of " +
                              std::to_string(bytes.size()) + " bytes)");
  }
  return bytes;
}

Result<std::string> StoreImpl::ReadRecord(const Cid& cid, const index::Location& loc,
                                          ReadMode mode) const {
  DDC_ASSIGN_OR_RETURN(std::string bytes, ReadRecordBytes(loc, mode));
  return VerifyRecordBytes(cid, loc, std::move(bytes), mode);
}

Result<StoreImpl::KeyedRecord> StoreImpl::ReadRecordAt(const index::Location& loc,
                                                       ReadMode mode) const {
  DDC_ASSIGN_OR_RETURN(std::string bytes, ReadRecordBytes(loc, mode));
  if (bytes.size() < log::kRecordHeaderBytes + Cid::kBinaryBytes) {
    return Status::Corruption(Where(loc) + ": record too short for a CID key");
  }
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  auto key = Cid::FromBytes(std::span(p + log::kRecordHeaderBytes, Cid::kBinaryBytes));
  if (!key.ok()) return key.status().WithContext(Where(loc) + ": record key");
  KeyedRecord out;
  out.cid = *key;
  DDC_ASSIGN_OR_RETURN(out.value, VerifyRecordBytes(out.cid, loc, std::move(bytes), mode));
  return out;
}

Result<StoreImpl::Found> StoreImpl::Find(const Cid& cid, ReadMode mode, bool leader) const {
  Found found;
  const LocationList candidates = Candidates(cid, leader);
  for (size_t i = 0; i < candidates.size(); ++i) {
    auto r = ReadRecord(cid, candidates[i], mode);
    if (r.ok()) {
      found.good = candidates[i];
      return found;
    }
    if (r.status().IsCorruption() && mode == ReadMode::kChecksum) {
      if (!found.damaged) found.damaged = candidates[i];
      continue;
    }
    if (!r.status().IsNotFound()) return r.status();
  }
  return found;
}

Result<std::string> StoreImpl::Get(const Cid& cid) {
  DDC_RETURN_IF_ERROR(CheckOpen());
  DDC_RETURN_IF_ERROR(CheckNotErased(cid));
  stat_gets_.Add(1);
  // A damaged copy may have been superseded by a fresh one (see WriteGroup); the first error
  // is reported only when no candidate reads back whole.
  Status first_error;
  const LocationList candidates = Candidates(cid);
  for (size_t i = 0; i < candidates.size(); ++i) {
    auto r = ReadRecord(cid, candidates[i], ReadMode::kValue);
    if (r.ok()) return r;
    if (!r.status().IsNotFound() && first_error.ok()) first_error = r.status();
  }
  if (!first_error.ok()) return first_error;
  return Status::NotFound(cid.ToString());
}

Result<bool> StoreImpl::Contains(const Cid& cid) {
  DDC_RETURN_IF_ERROR(CheckOpen());
  DDC_ASSIGN_OR_RETURN(Found found, Find(cid, ReadMode::kKey));
  return found.good.has_value();
}

std::vector<Result<std::string>> StoreImpl::MultiGet(std::span<const Cid> cids) {
  std::vector<Result<std::string>> results;
  results.reserve(cids.size());
  Status precondition = CheckOpen();
  if (precondition.ok() && cids.size() > kMaxMultiGet) {
    precondition = Status::InvalidArgument("MultiGet of " + std::to_string(cids.size()) +
                                           " CIDs exceeds kMaxMultiGet (" +
                                           std::to_string(kMaxMultiGet) + ")");
  }
  if (!precondition.ok()) {
    for (size_t i = 0; i < cids.size(); ++i) results.emplace_back(precondition);
    return results;
  }
  stat_gets_.Add(cids.size());
  // First candidate of each CID; the rare CID with none is NotFound straight away.
  struct Pending {
    size_t index;
    index::Location loc;
    std::string bytes;
  };
  std::vector<Pending> pending;
  pending.reserve(cids.size());
  std::vector<bool> resolved(cids.size(), false);
  for (size_t i = 0; i < cids.size(); ++i) {
    if (Status erased = CheckNotErased(cids[i]); !erased.ok()) {
      results.emplace_back(std::move(erased));
      continue;
    }
    const LocationList c = Candidates(cids[i]);
    if (c.size() == 0) {
      results.emplace_back(Status::NotFound(cids[i].ToString()));
    } else {
      // Overwritten below; a cheap placeholder (no CID formatting on the hot path).
      results.emplace_back(std::string());
      pending.push_back(Pending{i, c[0], std::string()});
    }
  }
  // One batch per segment file, issued together (io_uring submits them in one call).
  std::sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) {
    return a.loc.segment != b.loc.segment ? a.loc.segment < b.loc.segment
                                          : a.loc.offset < b.loc.offset;
  });
  std::vector<io::ReadOp> ops;
  ops.reserve(pending.size());
  for (size_t begin = 0; begin < pending.size();) {
    size_t end = begin;
    while (end < pending.size() && pending[end].loc.segment == pending[begin].loc.segment) ++end;
    io::File* file = SegmentFilePointer(pending[begin].loc.segment);
    ops.clear();
    for (size_t j = begin; j < end; ++j) {
      pending[j].bytes.assign(pending[j].loc.length, '\0');
      io::ReadOp op;
      op.offset = pending[j].loc.offset;
      op.buffer =
          std::span(reinterpret_cast<uint8_t*>(pending[j].bytes.data()), pending[j].bytes.size());
      ops.push_back(std::move(op));
    }
    Status batch = file == nullptr
                       ? Status::Corruption("index points at missing " +
                                            log::SegmentFileName(pending[begin].loc.segment))
                       : file->ReadBatch(ops);
    for (size_t j = begin; j < end; ++j) {
      Pending& p = pending[j];
      const io::ReadOp& op = ops[j - begin];
      const Cid& cid = cids[p.index];
      if (!batch.ok()) {
        results[p.index] = batch;
      } else if (!op.status.ok()) {
        results[p.index] = op.status;
      } else if (op.bytes_read != p.bytes.size()) {
        results[p.index] = Status::Corruption(log::SegmentFileName(p.loc.segment) + " offset " +
                                              std::to_string(p.loc.offset) + ": record cut short");
      } else {
        auto r = VerifyRecordBytes(cid, p.loc, std::move(p.bytes), ReadMode::kValue);
        // A tag collision or a damaged copy on the first candidate: the full lookup tries the
        // others.
        results[p.index] = r.ok() ? std::move(r) : Get(cid);
      }
    }
    begin = end;
  }
  return results;
}

StoreStats StoreImpl::Stats() {
  StoreStats s;
  {
    StripedSharedMutex::ReadLock lock(index_mu_);
    s.records = index_.size();
    s.index_bytes = index_.memory_bytes();
  }
  {
    std::shared_lock<std::shared_mutex> lock(segments_mu_);
    for (const auto& f : segments_) s.segments += f != nullptr ? 1 : 0;
  }
  s.index_bytes_per_record =
      s.records == 0 ? 0.0 : static_cast<double>(s.index_bytes) / static_cast<double>(s.records);
  s.logical_bytes = logical_bytes_.load();
  s.log_bytes = log_bytes_.load();
  s.puts = stat_puts_.Load();
  s.dedup_hits = stat_dedup_.Load();
  s.gets = stat_gets_.Load();
  s.group_commits = stat_groups_.load();
  s.syncs = stat_syncs_.load();
  s.compressed_records = stat_compressed_.load();
  s.snapshots_written = stat_snapshots_.load();
  s.replayed_records = stat_replayed_;
  s.opened_from_snapshot = stat_from_snapshot_;
  s.events_from_snapshot = stat_events_from_snapshot_;
  s.io_backend = fs_->Name();
  s.recovery = recovery_;
  {
    std::shared_lock<std::shared_mutex> lock(events_mu_);
    s.events = events_.journal_committed();
    s.timelines = events_.timelines();
    s.checkpoints = checkpoints_.size();
    s.event_state_bytes = events_.MemoryBytes();
  }
  s.appends = stat_appends_.load(std::memory_order_relaxed);
  return s;
}

StoreImpl::LogView StoreImpl::SnapshotLogView() {
  LogView view;
  {
    std::lock_guard<std::mutex> lock(mu_);
    view.end_segment = committed_segment_;
    view.end_offset = committed_offset_;
  }
  std::shared_lock<std::shared_mutex> lock(segments_mu_);
  for (uint32_t id = first_segment_; id <= view.end_segment && id < segments_.size(); ++id) {
    view.segments.emplace_back(id, segments_[id]);
  }
  view.first_sequence = first_sequence_;
  return view;
}

namespace {

class StoreIterator final : public RecordIterator {
 public:
  // `failure` non-OK: the iterator yields nothing and reports it (e.g. the store was closed).
  // `skip` says which records not to show (erased events, destroyed grants).
  StoreIterator(StoreImpl::LogView view, Status failure, std::function<bool(const Cid&)> skip)
      : view_(std::move(view)), failure_(std::move(failure)), skip_(std::move(skip)) {
    status_ = failure_;
  }

  void SeekToFirst() override {
    status_ = failure_;
    valid_ = false;
    if (!failure_.ok()) return;
    pos_ = 0;
    valid_ = false;
    reader_.reset();
    next_sequence_ = view_.first_sequence;
    Advance();
  }
  bool Valid() const override { return valid_; }
  void Next() override { Advance(); }
  const Cid& cid() const override { return cid_; }
  std::string_view value() const override { return value_; }
  uint32_t segment() const override { return segment_; }
  uint64_t offset() const override { return offset_; }
  Status status() const override { return status_; }

 private:
  void Advance() {
    valid_ = false;
    while (pos_ < view_.segments.size()) {
      auto& [id, file] = view_.segments[pos_];
      if (reader_ == nullptr) {
        if (file == nullptr) {
          status_ = Status::Corruption(log::SegmentFileName(id) + " is missing");
          return;
        }
        uint64_t end = view_.end_offset;
        if (id != view_.end_segment) {
          auto size = file->Size();
          if (!size.ok()) {
            status_ = size.status();
            return;
          }
          end = *size;
        }
        reader_ = std::make_unique<log::SegmentReader>(
            file.get(), log::SegmentFileName(id), log::kSegmentHeaderBytes, end, next_sequence_);
      }
      log::ScannedRecord rec;
      if (reader_->Next(&rec)) {
        auto cid = Cid::FromBytes(rec.key);
        if (!cid.ok()) {
          status_ = Status::Corruption(log::SegmentFileName(id) + " offset " +
                                       std::to_string(rec.offset) + ": key is not a CID");
          return;
        }
        if (skip_ && skip_(*cid)) continue;
        cid_ = *cid;
        segment_ = id;
        offset_ = rec.offset;
        if ((rec.header.flags & log::kFlagZstd) != 0) {
          Status s = Decompress(rec.value, rec.header.raw_length, &value_);
          if (!s.ok()) {
            status_ =
                s.WithContext(log::SegmentFileName(id) + " offset " + std::to_string(rec.offset));
            return;
          }
        } else {
          value_.assign(reinterpret_cast<const char*>(rec.value.data()), rec.value.size());
        }
        valid_ = true;
        return;
      }
      if (reader_->stop() != log::SegmentReader::Stop::kCleanEnd) {
        status_ = reader_->status();
        return;
      }
      next_sequence_ = reader_->next_sequence();
      reader_.reset();
      ++pos_;
    }
  }

  StoreImpl::LogView view_;
  const Status failure_;
  const std::function<bool(const Cid&)> skip_;
  size_t pos_ = 0;
  std::unique_ptr<log::SegmentReader> reader_;
  uint64_t next_sequence_ = 1;
  bool valid_ = false;
  Cid cid_;
  std::string value_;
  uint32_t segment_ = 0;
  uint64_t offset_ = 0;
  Status status_;
};

}  // namespace

std::unique_ptr<RecordIterator> StoreImpl::NewIterator() {
  Status open = CheckOpen();
  return std::make_unique<StoreIterator>(
      open.ok() ? SnapshotLogView() : LogView(), open,
      [this](const Cid& cid) { return !CheckNotErased(cid).ok(); });
}

}  // namespace ddc
