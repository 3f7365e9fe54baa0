// Opening a store: options, the directory lock, segment discovery, the index snapshot and the
// replay of the log after it, with torn-tail recovery (see engine/log/segment_reader.h for the
// table of cases).
#include <algorithm>
#include <cstdio>
#include <mutex>

#include "engine/base/hash.h"
#include "engine/base/hex.h"
#include "engine/base/macros.h"
#include "engine/log/segment.h"
#include "engine/log/segment_reader.h"
#include "engine/store/compression.h"
#include "engine/store/store_impl.h"

namespace ddc {
namespace {

Status ValidateOptions(const Options& o) {
  if (o.dir.empty()) return Status::InvalidArgument("options: dir is empty");
  if (o.segment_bytes < kMinSegmentBytes || o.segment_bytes > kMaxSegmentBytes) {
    return Status::InvalidArgument("options: segment_bytes " + std::to_string(o.segment_bytes) +
                                   " outside [" + std::to_string(kMinSegmentBytes) + ", " +
                                   std::to_string(kMaxSegmentBytes) + "]");
  }
  if (o.max_record_bytes == 0 || o.max_record_bytes > kMaxRecordBytes) {
    return Status::InvalidArgument("options: max_record_bytes " +
                                   std::to_string(o.max_record_bytes) + " outside [1, " +
                                   std::to_string(kMaxRecordBytes) + "]");
  }
  const uint64_t biggest = log::kRecordHeaderBytes + log::kMaxKeyBytes + o.max_record_bytes;
  if (o.segment_bytes < log::kSegmentHeaderBytes + biggest) {
    return Status::InvalidArgument("options: segment_bytes " + std::to_string(o.segment_bytes) +
                                   " cannot hold a record of max_record_bytes " +
                                   std::to_string(o.max_record_bytes));
  }
  if (o.durability == Durability::kSyncInterval && o.sync_interval_ms == 0) {
    return Status::InvalidArgument("options: sync_interval_ms must be >= 1");
  }
  if (!o.node_key_seed.empty() && o.node_key_seed.size() != 32) {
    return Status::InvalidArgument("options: node_key_seed is " +
                                   std::to_string(o.node_key_seed.size()) +
                                   " bytes, want 32 (or empty for the store's own key)");
  }
  for (char c : o.checkpoint_origin) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Status::InvalidArgument("options: checkpoint_origin holds a control character");
    }
  }
  if (o.group_commit_bytes < (64u << 10) || o.group_commit_bytes > (1u << 30)) {
    return Status::InvalidArgument("options: group_commit_bytes " +
                                   std::to_string(o.group_commit_bytes) +
                                   " outside [65536, 1073741824]");
  }
  return Status::OK();
}

std::once_flag fallback_logged;

// The typed records of the log an events.snap covers: its events, checkpoints, grants and
// tombstones, and every name record (it holds only the current record of each name).
uint64_t TypedRecordsCovered(const EventSnapshotData& d) {
  const auto names = std::count_if(d.records.begin(), d.records.end(), [](const auto& r) {
    return r.type == static_cast<uint8_t>(log::RecordType::kName);
  });
  return d.journal.size() + d.checkpoints.size() + d.records.size() - static_cast<uint64_t>(names) +
         d.name_records;
}

}  // namespace

void LogLine(const Options& options, const std::string& line) {
  if (options.info_log) {
    options.info_log(line);
  } else {
    std::fprintf(stderr, "ddc: %s\n", line.c_str());
  }
}

Result<io::FileSystem*> ChooseFileSystem(const Options& options,
                                         const std::function<void(const std::string&)>& log) {
  if (options.file_system != nullptr) return options.file_system;
  DDC_ASSIGN_OR_RETURN(io::BackendChoice choice,
                       io::DefaultFileSystem(options.io_backend != IoBackend::kPosix,
                                             options.io_backend == IoBackend::kUring));
  if (!choice.fallback_reason.empty()) {
    std::call_once(fallback_logged, [&] {
      log("io_uring unavailable, using POSIX I/O: " + choice.fallback_reason);
    });
  }
  return choice.fs;
}

Result<std::unique_ptr<Store>> Store::Open(const Options& options) {
  return StoreImpl::Open(options);
}

StoreImpl::StoreImpl(const Options& options) : options_(options), dir_(options.dir) {}

void StoreImpl::Log(const std::string& line) const { LogLine(options_, line); }

void StoreImpl::Note(const std::string& line) {
  Log(dir_ + ": " + line);
  if (recovery_.empty()) {
    recovery_ = line;
  } else {
    recovery_ += "; " + line;
  }
}

Result<std::unique_ptr<Store>> StoreImpl::Open(const Options& options) {
  DDC_RETURN_IF_ERROR(ValidateOptions(options));
  std::unique_ptr<StoreImpl> store(new StoreImpl(options));
  DDC_ASSIGN_OR_RETURN(
      store->fs_, ChooseFileSystem(options, [&](const std::string& line) { store->Log(line); }));
  Status s = store->OpenOrCreate();
  if (!s.ok()) return s.WithContext("open " + options.dir);
  return std::unique_ptr<Store>(std::move(store));
}

Status StoreImpl::OpenOrCreate() {
  if (options_.create_if_missing) {
    DDC_RETURN_IF_ERROR(fs_->CreateDir(dir_));
  } else {
    DDC_ASSIGN_OR_RETURN(bool exists, fs_->Exists(dir_));
    if (!exists) return Status::NotFound("directory does not exist (create_if_missing is off)");
  }
  DDC_ASSIGN_OR_RETURN(lock_, fs_->Lock(dir_ + "/" + kLockFileName));

  DDC_ASSIGN_OR_RETURN(std::vector<std::string> names, fs_->ListDir(dir_));
  std::vector<uint32_t> ids;
  for (const std::string& name : names) {
    uint32_t id = 0;
    if (log::ParseSegmentFileName(name, &id)) ids.push_back(id);
    if (name == index::kSnapshotTempFileName || name == kEventSnapshotTempFileName) {
      // An interrupted snapshot; the previous one (if any) is still whole.
      DDC_RETURN_IF_ERROR(fs_->Remove(dir_ + "/" + name));
    }
  }
  std::sort(ids.begin(), ids.end());
  if (!ids.empty() && options_.error_if_exists) {
    return Status::InvalidArgument("a store already exists (error_if_exists is set)");
  }
  if (ids.empty()) {
    if (!options_.create_if_missing) return Status::NotFound("no ddc store in the directory");
  } else {
    DDC_RETURN_IF_ERROR(LoadSegments(std::move(ids)));
  }
  if (segments_.empty()) {
    DDC_RETURN_IF_ERROR(CreateNew());
  } else {
    uint32_t start_segment = first_segment_;
    uint64_t start_offset = log::kSegmentHeaderBytes;
    next_sequence_ = first_sequence_;
    if (!options_.paranoid_open) {
      DDC_RETURN_IF_ERROR(TryLoadSnapshot(&start_segment, &start_offset));
    }
    // The snapshot holds the CID index only: timelines are rebuilt from every event record
    // (skipped when the covered log holds none).
    if (typed_records_ > 0 && !TryLoadEventSnapshot(start_segment, start_offset)) {
      DDC_RETURN_IF_ERROR(ReplayEvents(start_segment, start_offset));
    }
    DDC_RETURN_IF_ERROR(Replay(start_segment, start_offset));
  }
  DDC_RETURN_IF_ERROR(LoadNodeKey());

  buffer_capacity_ =
      std::max<uint64_t>(options_.group_commit_bytes,
                         log::kRecordHeaderBytes + log::kMaxKeyBytes + options_.max_record_bytes);
  buffer_.reset(new uint8_t[buffer_capacity_]);
  pending_.reserve(kMaxGroupRecords);
  group_.reserve(kMaxGroupRecords);  // Every writer brings at least one record.
  group_table_.assign(kGroupTableSlots, GroupSlot{});
  group_cids_.reserve(kMaxGroupRecords);
  committed_segment_ = active_segment_;
  committed_offset_ = write_offset_;
  written_offset_ = write_offset_;
  if (recovery_.empty()) recovery_ = "clean";
  if (options_.durability == Durability::kSyncInterval) {
    sync_thread_ = std::thread([this] { SyncLoop(); });
  }
  if (options_.checkpoint_interval_ms > 0) {
    checkpoint_thread_ = std::thread([this] { CheckpointLoop(); });
  }
  open_done_ = true;
  return Status::OK();
}

Status StoreImpl::CreateNew() {
  RandomBytes(store_id_);
  first_segment_ = 1;
  first_sequence_ = 1;
  log::SegmentHeader header{1, store_id_, 1};
  DDC_ASSIGN_OR_RETURN(auto file, log::CreateSegment(fs_, dir_, header));
  active_file_ = std::move(file);
  segments_.assign(2, nullptr);
  segments_[1] = active_file_;
  PublishSegment(1, active_file_.get());
  active_segment_ = 1;
  write_offset_ = log::kSegmentHeaderBytes;
  synced_offset_ = write_offset_;
  log_bytes_ = write_offset_;
  next_sequence_ = 1;
  return Status::OK();
}

Status StoreImpl::LoadSegments(std::vector<uint32_t> ids) {
  // Case table for segment files:
  //   last segment shorter than its header, or with a bad header: created by a rollover that
  //     crashed before the header was synced -> remove it (nothing in it was acknowledged).
  //   any other bad header, a gap in the ids, a foreign store id -> corruption.
  if (ids.back() >= kMaxSegments) {
    return Status::Corruption("segment id " + std::to_string(ids.back()) + " beyond the limit");
  }
  for (;;) {
    const uint32_t last = ids.back();
    auto opened = log::OpenSegment(fs_, dir_, last, /*writable=*/true);
    if (opened.ok()) break;
    if (!opened.status().IsCorruption()) return opened.status();
    DDC_ASSIGN_OR_RETURN(auto raw,
                         fs_->Open(dir_ + "/" + log::SegmentFileName(last), io::OpenMode::kRead));
    DDC_ASSIGN_OR_RETURN(uint64_t size, raw->Size());
    if (size > log::kSegmentHeaderBytes) return opened.status();
    raw.reset();
    DDC_RETURN_IF_ERROR(fs_->Remove(dir_ + "/" + log::SegmentFileName(last)));
    DDC_RETURN_IF_ERROR(fs_->SyncDir(dir_));
    Note("removed " + log::SegmentFileName(last) + " with an unfinished header (" +
         opened.status().message() + ")");
    ids.pop_back();
    if (ids.empty()) return Status::OK();  // Nothing left: the caller creates a new store.
  }
  first_segment_ = ids.front();
  segments_.assign(ids.back() + 1, nullptr);
  uint64_t prev_first_sequence = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    const uint32_t id = ids[i];
    if (i > 0 && id != ids[i - 1] + 1) {
      return Status::Corruption("segment " + log::SegmentFileName(ids[i - 1] + 1) +
                                " is missing (found " + log::SegmentFileName(id) + ")");
    }
    const bool last = i + 1 == ids.size();
    DDC_ASSIGN_OR_RETURN(log::OpenedSegment seg, log::OpenSegment(fs_, dir_, id, last));
    if (i == 0) {
      store_id_ = seg.header.store_id;
      first_sequence_ = seg.header.first_sequence;
    } else if (seg.header.store_id != store_id_) {
      return Status::Corruption(log::SegmentFileName(id) + " belongs to another store");
    } else if (seg.header.first_sequence <= prev_first_sequence) {
      return Status::Corruption(log::SegmentFileName(id) + ": first sequence " +
                                std::to_string(seg.header.first_sequence) +
                                " does not follow the previous segment's");
    }
    prev_first_sequence = seg.header.first_sequence;
    log_bytes_ += seg.size;
    segments_[id] = std::move(seg.file);
    PublishSegment(id, segments_[id].get());
  }
  active_segment_ = ids.back();
  active_file_ = segments_[active_segment_];
  return Status::OK();
}

Status StoreImpl::TryLoadSnapshot(uint32_t* start_segment, uint64_t* start_offset) {
  auto loaded = index::ReadSnapshot(fs_, dir_);
  if (!loaded.ok()) {
    if (!loaded.status().IsNotFound()) {
      Note("index snapshot rejected (" + loaded.status().message() + "); rebuilt from the log");
    }
    return Status::OK();
  }
  const index::SnapshotMeta& m = loaded->meta;
  // Is the snapshot this log's, and does the log still hold what it covers?
  std::string why;
  if (m.store_id != store_id_) {
    why = "it belongs to another store";
  } else if (m.segment < first_segment_ || m.segment > active_segment_) {
    why = "it covers segment " + std::to_string(m.segment) + " which is not in the log";
  } else {
    DDC_ASSIGN_OR_RETURN(uint64_t size, segments_[m.segment]->Size());
    if (m.offset < log::kSegmentHeaderBytes || m.offset > size) {
      why = "it covers offset " + std::to_string(m.offset) + " beyond the segment's end";
    } else if (m.next_sequence > first_sequence_) {
      // The last covered record must be where the snapshot says, with the right sequence.
      std::array<uint8_t, log::kRecordHeaderBytes> h{};
      auto file = m.last_segment < segments_.size() ? segments_[m.last_segment] : nullptr;
      if (file == nullptr) {
        why = "its last record's segment is missing";
      } else {
        DDC_ASSIGN_OR_RETURN(size_t got, file->Read(m.last_offset, h));
        auto header = log::DecodeRecordHeader(std::span(h.data(), got));
        if (!header.ok() || header->sequence + 1 != m.next_sequence ||
            (m.last_segment == m.segment && m.last_offset + header->on_disk_bytes() != m.offset)) {
          why = "its last record does not match the log";
        }
      }
    }
  }
  if (!why.empty()) {
    Note("index snapshot rejected (" + why + "); rebuilt from the log");
    return Status::OK();
  }
  index_ = std::move(loaded->index);
  next_sequence_ = m.next_sequence;
  last_segment_ = m.last_segment;
  last_offset_ = m.last_offset;
  logical_bytes_ = m.logical_bytes;
  typed_records_ = m.typed_records;
  *start_segment = m.segment;
  *start_offset = m.offset;
  stat_from_snapshot_ = true;
  return Status::OK();
}

Status StoreImpl::ReplayTypedRecord(const log::ScannedRecord& rec, const Cid& cid,
                                    const index::Location& loc) {
  if (rec.header.type == log::RecordType::kBlob) return Status::OK();
  ++typed_records_;
  const std::string where =
      log::SegmentFileName(loc.segment) + " offset " + std::to_string(loc.offset);
  std::string raw;
  std::span<const uint8_t> value = rec.value;
  if ((rec.header.flags & log::kFlagZstd) != 0) {
    Status s = Decompress(rec.value, rec.header.raw_length, &raw);
    if (!s.ok()) return s.WithContext(where);
    value = std::span(reinterpret_cast<const uint8_t*>(raw.data()), raw.size());
  }
  if (rec.header.type == log::RecordType::kEvent) {
    return ReplayEventRecord(cid, value, loc, where);
  }
  if (rec.header.type == log::RecordType::kGrant ||
      rec.header.type == log::RecordType::kTombstone) {
    return ReplayGrantOrTombstone(rec.header.type, cid, value, where);
  }
  if (rec.header.type == log::RecordType::kName) return ReplayName(cid, value, where);
  auto record =
      CheckpointFromNote(std::string(reinterpret_cast<const char*>(value.data()), value.size()));
  if (!record.ok()) {
    return Status::Corruption(where + ": stored checkpoint: " + record.status().message());
  }
  record->cid = cid;
  checkpoints_.push_back(std::move(*record));
  return Status::OK();
}

bool StoreImpl::TryLoadEventSnapshot(uint32_t segment, uint64_t offset) {
  if (!stat_from_snapshot_) return false;  // No index snapshot: the scan covers everything.
  auto loaded = ReadEventSnapshot(fs_, dir_);
  std::string why;
  if (!loaded.ok()) {
    why = loaded.status().IsNotFound() ? "there is none" : loaded.status().message();
  } else if (loaded->meta.store_id != store_id_ || loaded->meta.segment != segment ||
             loaded->meta.offset != offset || loaded->meta.next_sequence != next_sequence_) {
    why = "it covers another log position than the index snapshot";
  } else if (TypedRecordsCovered(loaded->data) != typed_records_) {
    why = "its counts disagree with the index snapshot's";
  } else if (Status s = events_.Restore(loaded->data); !s.ok()) {
    why = s.message();
  } else {
    for (auto& c : loaded->data.checkpoints) {
      auto record = CheckpointFromNote(std::move(c.note));
      if (!record.ok()) {
        why = "a checkpoint: " + record.status().message();
        break;
      }
      record->cid = c.cid;
      checkpoints_.push_back(std::move(*record));
    }
    for (const auto& r : loaded->data.records) {
      if (!why.empty()) break;
      const auto type = static_cast<log::RecordType>(r.type);
      const auto bytes =
          std::span(reinterpret_cast<const uint8_t*>(r.bytes.data()), r.bytes.size());
      Status replayed = type == log::RecordType::kName
                            ? ReplayName(r.cid, bytes, "events.snap")
                            : ReplayGrantOrTombstone(type, r.cid, bytes, "events.snap", r.limit);
      if (!replayed.ok()) why = replayed.message();
    }
    // The snapshot holds the current record of each name; the log holds this many in all.
    name_records_ = loaded->data.name_records;
  }
  if (why.empty()) {
    stat_events_from_snapshot_ = true;
    return true;
  }
  events_ = EventState();
  checkpoints_.clear();
  ClearGrantsAndErasures();
  names_.clear();
  name_records_ = 0;
  Note("event snapshot not used (" + why + "); timelines rebuilt from the log");
  return false;
}

Status StoreImpl::ReplayEvents(uint32_t end_segment, uint64_t end_offset) {
  // The part of the log an index snapshot covers was synced before the snapshot was written,
  // so any damage in it is corruption; so is a count of typed records other than the
  // snapshot's.
  const uint64_t expected = typed_records_;
  typed_records_ = 0;
  for (uint32_t id = first_segment_; id <= end_segment; ++id) {
    io::File* file = segments_[id].get();
    const std::string name = log::SegmentFileName(id);
    uint64_t end = end_offset;
    if (id != end_segment) {
      DDC_ASSIGN_OR_RETURN(end, file->Size());
    }
    uint64_t first_seq = 0;
    {
      std::array<uint8_t, log::kSegmentHeaderBytes> hb{};
      DDC_ASSIGN_OR_RETURN(size_t got, file->Read(0, hb));
      DDC_ASSIGN_OR_RETURN(log::SegmentHeader header,
                           log::DecodeSegmentHeader(std::span(hb.data(), got), name));
      first_seq = header.first_sequence;
    }
    log::SegmentReader reader(file, name, log::kSegmentHeaderBytes, end, first_seq);
    log::ScannedRecord rec;
    while (reader.Next(&rec)) {
      if (rec.header.type == log::RecordType::kBlob) continue;
      auto cid = Cid::FromBytes(rec.key);
      if (!cid.ok()) {
        return Status::Corruption(name + " offset " + std::to_string(rec.offset) +
                                  ": record key is not a CID: " + cid.status().message());
      }
      DDC_RETURN_IF_ERROR(
          ReplayTypedRecord(rec, *cid,
                            index::Location{id, static_cast<uint32_t>(rec.offset),
                                            static_cast<uint32_t>(rec.header.on_disk_bytes())}));
    }
    if (reader.stop() != log::SegmentReader::Stop::kCleanEnd) {
      return reader.status().WithContext("a segment the index snapshot covers is damaged");
    }
  }
  if (typed_records_ != expected) {
    return Status::Corruption("the index snapshot covers " + std::to_string(expected) +
                              " typed records (events, checkpoints, grants, tombstones, "
                              "names), the log holds " +
                              std::to_string(typed_records_));
  }
  return Status::OK();
}

Status StoreImpl::LoadNodeKey() {
  std::string seed = options_.node_key_seed;
  if (seed.empty()) {
    // The store's own key: 32 random bytes in node.key, written once (tmp, sync, rename).
    const std::string path = dir_ + "/" + kNodeKeyFileName;
    DDC_ASSIGN_OR_RETURN(bool exists, fs_->Exists(path));
    if (exists) {
      DDC_ASSIGN_OR_RETURN(auto file, fs_->Open(path, io::OpenMode::kRead));
      seed.assign(33, '\0');
      DDC_ASSIGN_OR_RETURN(size_t got,
                           file->Read(0, std::span(reinterpret_cast<uint8_t*>(seed.data()), 33)));
      if (got != 32) {
        return Status::Corruption(std::string(kNodeKeyFileName) + " holds " + std::to_string(got) +
                                  " bytes, want 32");
      }
      seed.resize(32);
    } else {
      seed.assign(32, '\0');
      RandomBytes(std::span(reinterpret_cast<uint8_t*>(seed.data()), 32));
      const std::string tmp = path + ".tmp";
      {
        DDC_ASSIGN_OR_RETURN(auto file, fs_->Open(tmp, io::OpenMode::kCreatePrivate));
        DDC_RETURN_IF_ERROR(file->Truncate(0));
        DDC_RETURN_IF_ERROR(
            file->WriteAndSync(0, std::span(reinterpret_cast<uint8_t*>(seed.data()), 32)));
      }
      DDC_RETURN_IF_ERROR(fs_->Rename(tmp, path));
      DDC_RETURN_IF_ERROR(fs_->SyncDir(dir_));
    }
  }
  origin_ = options_.checkpoint_origin;
  if (origin_.empty()) origin_ = "ddc.local/" + Hex(std::span(store_id_).first(8));
  auto signer = timeline::NoteSigner::FromSeed(
      origin_, std::span(reinterpret_cast<const uint8_t*>(seed.data()), seed.size()));
  if (!signer.ok()) return signer.status().WithContext("checkpoint_origin");
  signer_ = std::make_unique<timeline::NoteSigner>(std::move(*signer));
  verifier_key_ = timeline::FormatVerifierKey(signer_->verifier_key());
  return Status::OK();
}

Status StoreImpl::Replay(uint32_t start_segment, uint64_t start_offset) {
  for (uint32_t id = start_segment; id <= active_segment_; ++id) {
    io::File* file = segments_[id].get();
    const std::string name = log::SegmentFileName(id);
    DDC_ASSIGN_OR_RETURN(uint64_t size, file->Size());
    if (id != start_segment) {
      // Each later segment must start where the previous one ended.
      std::array<uint8_t, log::kSegmentHeaderBytes> hb{};
      DDC_ASSIGN_OR_RETURN(size_t got, file->Read(0, hb));
      DDC_ASSIGN_OR_RETURN(log::SegmentHeader header,
                           log::DecodeSegmentHeader(std::span(hb.data(), got), name));
      if (header.first_sequence != next_sequence_) {
        return Status::Corruption(name + ": first sequence " +
                                  std::to_string(header.first_sequence) + ", expected " +
                                  std::to_string(next_sequence_) + " (records are missing)");
      }
    }
    const uint64_t from = id == start_segment ? start_offset : log::kSegmentHeaderBytes;
    log::SegmentReader reader(file, name, from, size, next_sequence_);
    log::ScannedRecord rec;
    while (reader.Next(&rec)) {
      auto cid = Cid::FromBytes(rec.key);
      if (!cid.ok()) {
        return Status::Corruption(name + " offset " + std::to_string(rec.offset) +
                                  ": record key is not a CID: " + cid.status().message());
      }
      const index::Location loc{id, static_cast<uint32_t>(rec.offset),
                                static_cast<uint32_t>(rec.header.on_disk_bytes())};
      index_.Insert(index::CidIndex::Tag(*cid), loc);
      DDC_RETURN_IF_ERROR(ReplayTypedRecord(rec, *cid, loc));
      logical_bytes_ += rec.header.raw_length;
      last_segment_ = id;
      last_offset_ = static_cast<uint32_t>(rec.offset);
      ++stat_replayed_;
    }
    next_sequence_ = reader.next_sequence();
    switch (reader.stop()) {
      case log::SegmentReader::Stop::kCleanEnd:
        break;
      case log::SegmentReader::Stop::kDamaged: {
        if (id != active_segment_) {
          return reader.status().WithContext("sealed segment damaged");
        }
        DDC_RETURN_IF_ERROR(
            log::ExamineDamage(file, name, reader.good_end(), size, next_sequence_ - 1));
        DDC_RETURN_IF_ERROR(file->Truncate(reader.good_end()));
        Note("truncated a torn tail of " + std::to_string(size - reader.good_end()) + " bytes at " +
             name + " offset " + std::to_string(reader.good_end()) + " (" +
             reader.status().message() + ")");
        log_bytes_ -= size - reader.good_end();
        size = reader.good_end();
        break;
      }
      case log::SegmentReader::Stop::kCorruption:
      case log::SegmentReader::Stop::kIoError:
      case log::SegmentReader::Stop::kNone:
        return reader.status();
    }
    if (id == active_segment_) write_offset_ = size;
  }
  // Whatever the OS had of the tail is made durable before new records are written after it,
  // so that every new record's durable_offset is true.
  DDC_RETURN_IF_ERROR(active_file_->Sync());
  synced_offset_ = write_offset_;
  return Status::OK();
}

}  // namespace ddc
