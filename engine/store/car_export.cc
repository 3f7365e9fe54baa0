// ExportTimelineCar and ExportTimelineCarToFile (include/ddc/car.h): the two passes over a
// timeline that feed engine/event/car.h's Writer, and an atomically replaced output file.
//
// Pass 1 collects the CIDs of positions [0, size), size read once before it; pass 2 streams
// the blocks of the same positions, so the timeline object and the blocks describe one state
// of the timeline however many events are appended meanwhile. Each block is re-hashed in pass
// 2 and compared with pass 1's CID, so bytes that no longer match their CID are never exported.
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ddc/car.h"
#include "ddc/store.h"
#include "engine/base/hash.h"
#include "engine/base/hex.h"
#include "engine/base/macros.h"
#include "engine/event/car.h"
#include "engine/io/file_system.h"

namespace ddc {
namespace {

using Phase = CarExportProgress::Phase;

// Bytes the file sink gathers before one write: CAR pieces are small (a 39-byte frame, then an
// event of a few KiB), and one pwrite each would dominate the export.
constexpr size_t kFileBufferBytes = size_t{1} << 20;

void Report(const CarProgressCallback& progress, Phase phase, uint64_t done, uint64_t total,
            uint64_t bytes) {
  if (!progress) return;
  progress(CarExportProgress{
      .phase = phase, .events_done = done, .events_total = total, .bytes = bytes});
}

// Pass 1: the CIDs of positions [0, info.size). The iterator steps over erased events; their
// CIDs (needed for the root to check) come from TimelineEventCid, their blocks are not exported.
Result<std::vector<Cid>> TimelineCids(Store& store, const TimelineInfo& info,
                                      const CarProgressCallback& progress) {
  std::vector<Cid> cids;
  cids.reserve(info.size);
  DDC_ASSIGN_OR_RETURN(std::unique_ptr<EventIterator> it,
                       store.NewTimelineIterator(info.bucket, info.user, TimelineSeek{}));
  auto fill_to = [&](uint64_t position) -> Status {
    while (cids.size() < position) {
      DDC_ASSIGN_OR_RETURN(Cid erased, store.TimelineEventCid(info.bucket, info.user, cids.size()));
      cids.push_back(erased);
    }
    return Status::OK();
  };
  for (; it->Valid() && it->position() < info.size; it->Next()) {
    DDC_RETURN_IF_ERROR(fill_to(it->position()));
    cids.push_back(it->cid());
    Report(progress, Phase::kListing, cids.size(), info.size, 0);
  }
  DDC_RETURN_IF_ERROR(it->status());
  DDC_RETURN_IF_ERROR(fill_to(info.size));
  if (cids.size() != info.size) {
    return Status::Corruption("timeline has " + std::to_string(info.size) +
                              " events but the iterator visited " + std::to_string(cids.size()));
  }
  return cids;
}

// Pass 2: every event block of positions [0, cids.size()) that is not erased, checked against
// pass 1 and against its own bytes.
Status WriteEvents(Store& store, const TimelineInfo& info, std::span<const Cid> cids,
                   car::Writer* writer, const CarProgressCallback& progress) {
  DDC_ASSIGN_OR_RETURN(std::unique_ptr<EventIterator> it,
                       store.NewTimelineIterator(info.bucket, info.user, TimelineSeek{}));
  for (; it->Valid() && it->position() < cids.size(); it->Next()) {
    const uint64_t position = it->position();  // Erased positions are skipped.
    const std::string_view bytes = it->bytes();
    const Cid cid =
        EventCid(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    if (it->cid() != cids[position] || cid != cids[position]) {
      return Status::Corruption("event at position " + std::to_string(position) + " is " +
                                cid.ToString() + ", listed as " + cids[position].ToString());
    }
    DDC_RETURN_IF_ERROR(writer->WriteBlock(cid, bytes));
    Report(progress, Phase::kWriting, position + 1, cids.size(), writer->bytes_written());
  }
  return it->status();
}

// A file that appears at `path` whole or not at all: written under a temporary name in the same
// directory, synced, renamed over `path`, and the directory synced. Destroyed before Commit()
// succeeded, it removes the temporary file.
class AtomicFile {
 public:
  static Result<std::unique_ptr<AtomicFile>> Create(io::FileSystem* fs, const std::string& path) {
    if (path.empty()) return Status::InvalidArgument("export car: empty output path");
    std::array<uint8_t, 8> nonce{};
    RandomBytes(nonce);
    const std::string temp = path + "." + Hex(nonce) + ".partial";
    DDC_ASSIGN_OR_RETURN(std::unique_ptr<io::File> file,
                         fs->Open(temp, io::OpenMode::kCreateReadWrite));
    auto out = std::unique_ptr<AtomicFile>(new AtomicFile(fs, path, temp, std::move(file)));
    DDC_RETURN_IF_ERROR(out->file_->Truncate(0));
    return out;
  }

  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile() {
    if (committed_) return;
    file_.reset();
    (void)fs_->Remove(temp_);  // Best effort: the export already failed for another reason.
  }

  Status Append(std::string_view bytes) {
    if (buffer_.size() + bytes.size() > kFileBufferBytes) DDC_RETURN_IF_ERROR(Flush());
    if (bytes.size() >= kFileBufferBytes) return WriteAt(bytes);
    buffer_.append(bytes);
    return Status::OK();
  }

  Status Commit() {
    DDC_RETURN_IF_ERROR(Flush());
    DDC_RETURN_IF_ERROR(file_->Sync());
    file_.reset();
    DDC_RETURN_IF_ERROR(fs_->Rename(temp_, path_));
    committed_ = true;  // From here on the file at path_ is whole; only its durability is left.
    return fs_->SyncDir(ParentDir(path_));
  }

 private:
  AtomicFile(io::FileSystem* fs, std::string path, std::string temp, std::unique_ptr<io::File> f)
      : fs_(fs), path_(std::move(path)), temp_(std::move(temp)), file_(std::move(f)) {
    buffer_.reserve(kFileBufferBytes);
  }

  static std::string ParentDir(const std::string& path) {
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
  }

  Status Flush() {
    if (buffer_.empty()) return Status::OK();
    DDC_RETURN_IF_ERROR(WriteAt(buffer_));
    buffer_.clear();
    return Status::OK();
  }

  Status WriteAt(std::string_view bytes) {
    DDC_RETURN_IF_ERROR(file_->Write(
        offset_, std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size())));
    offset_ += bytes.size();
    return Status::OK();
  }

  io::FileSystem* const fs_;
  const std::string path_;
  const std::string temp_;
  std::unique_ptr<io::File> file_;
  std::string buffer_;
  uint64_t offset_ = 0;
  bool committed_ = false;
};

}  // namespace

Result<CarExportStats> ExportTimelineCar(Store& store, uint64_t bucket, const PublicKey& user,
                                         const CarSink& sink, const CarProgressCallback& progress) {
  Result<TimelineInfo> info = store.Timeline(bucket, user);
  if (!info.ok()) {
    return info.status().WithContext("user " + Hex(user) + " in bucket " + std::to_string(bucket));
  }
  DDC_ASSIGN_OR_RETURN(std::vector<Cid> cids, TimelineCids(store, *info, progress));
  const std::string object = car::EncodeTimelineObject(
      {.bucket = info->bucket, .user = info->user, .root = info->root, .events = cids});
  const Cid root = car::TimelineObjectCid(object);

  car::Writer writer(sink);
  DDC_RETURN_IF_ERROR(writer.WriteHeader(std::span(&root, 1)));
  DDC_RETURN_IF_ERROR(writer.WriteBlock(root, object));
  DDC_RETURN_IF_ERROR(WriteEvents(store, *info, cids, &writer, progress));

  CarExportStats stats;
  stats.root = root;
  stats.bucket = info->bucket;
  stats.events = cids.size();
  stats.blocks = writer.blocks_written();
  stats.events_written = stats.blocks - 1;  // Less the timeline object.
  stats.erased = stats.events - stats.events_written;
  stats.bytes = writer.bytes_written();
  return stats;
}

Result<CarExportStats> ExportTimelineCarToFile(Store& store, uint64_t bucket, const PublicKey& user,
                                               const std::string& path,
                                               const CarProgressCallback& progress) {
  // Fail before creating anything when there is nothing to export.
  if (Result<TimelineInfo> info = store.Timeline(bucket, user); !info.ok()) {
    return info.status().WithContext("user " + Hex(user) + " in bucket " + std::to_string(bucket));
  }
  DDC_ASSIGN_OR_RETURN(std::unique_ptr<AtomicFile> file,
                       AtomicFile::Create(io::PosixFileSystemInstance(), path));
  DDC_ASSIGN_OR_RETURN(CarExportStats stats,
                       ExportTimelineCar(
                           store, bucket, user,
                           [&](std::string_view bytes) { return file->Append(bytes); }, progress));
  DDC_RETURN_IF_ERROR(file->Commit());
  return stats;
}

}  // namespace ddc
