// Store::Verify: a read-only check of a closed store, for `ddc verify` and operators.
#include <algorithm>
#include <cstring>

#include "engine/base/macros.h"
#include "engine/index/snapshot.h"
#include "engine/log/segment.h"
#include "engine/log/segment_reader.h"
#include "engine/store/compression.h"
#include "engine/store/store_impl.h"

namespace ddc {
namespace {

// Progress is reported about this often.
constexpr uint64_t kProgressEveryBytes = 8u << 20;

struct Position {
  uint64_t key;  // segment << 32 | offset
  uint32_t length;
  uint64_t tag;
  bool operator<(const Position& o) const { return key < o.key; }
};

std::string Where(uint32_t segment, uint64_t offset) {
  return log::SegmentFileName(segment) + " offset " + std::to_string(offset);
}

}  // namespace

Result<VerifyReport> Store::Verify(const Options& options,
                                   const std::function<void(const VerifyProgress&)>& progress) {
  if (options.dir.empty()) return Status::InvalidArgument("verify: dir is empty");
  DDC_ASSIGN_OR_RETURN(io::FileSystem * fs, ChooseFileSystem(options, [&](const std::string& line) {
                         LogLine(options, line);
                       }));
  const std::string& dir = options.dir;
  DDC_ASSIGN_OR_RETURN(bool exists, fs->Exists(dir));
  if (!exists) return Status::NotFound(dir + ": no such directory");
  DDC_ASSIGN_OR_RETURN(auto lock, fs->Lock(dir + "/" + kLockFileName));
  DDC_ASSIGN_OR_RETURN(std::vector<std::string> names, fs->ListDir(dir));
  std::vector<uint32_t> ids;
  for (const std::string& name : names) {
    uint32_t id = 0;
    if (log::ParseSegmentFileName(name, &id)) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  if (ids.empty()) return Status::NotFound(dir + ": no ddc store (no segment files)");

  VerifyReport report;
  VerifyProgress prog;
  std::vector<log::OpenedSegment> segs;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0 && ids[i] != ids[i - 1] + 1) {
      return Status::Corruption(log::SegmentFileName(ids[i - 1] + 1) + " is missing");
    }
    auto seg = log::OpenSegment(fs, dir, ids[i], /*writable=*/false);
    if (!seg.ok()) return seg.status();
    if (i > 0 && seg->header.store_id != segs.front().header.store_id) {
      return Status::Corruption(log::SegmentFileName(ids[i]) + " belongs to another store");
    }
    prog.bytes_total += seg->size;
    segs.push_back(std::move(seg).value());
  }

  std::vector<Position> positions;
  uint64_t next_sequence = segs.front().header.first_sequence;
  uint64_t last_report = 0;
  std::string value;
  for (size_t i = 0; i < segs.size(); ++i) {
    const uint32_t id = ids[i];
    const std::string name = log::SegmentFileName(id);
    if (segs[i].header.first_sequence != next_sequence) {
      return Status::Corruption(name + ": first sequence " +
                                std::to_string(segs[i].header.first_sequence) + ", expected " +
                                std::to_string(next_sequence));
    }
    log::SegmentReader reader(segs[i].file.get(), name, log::kSegmentHeaderBytes, segs[i].size,
                              next_sequence);
    log::ScannedRecord rec;
    while (reader.Next(&rec)) {
      auto cid = Cid::FromBytes(rec.key);
      if (!cid.ok()) {
        return Status::Corruption(Where(id, rec.offset) +
                                  ": key is not a CID: " + cid.status().message());
      }
      std::span<const uint8_t> raw = rec.value;
      if ((rec.header.flags & log::kFlagZstd) != 0) {
        DDC_RETURN_IF_ERROR(Decompress(rec.value, rec.header.raw_length, &value)
                                .WithContext(Where(id, rec.offset)));
        raw = std::span(reinterpret_cast<const uint8_t*>(value.data()), value.size());
      }
      if (Cid::Of(cid->codec(), raw) != *cid) {
        return Status::Corruption(Where(id, rec.offset) + ": bytes do not hash to their CID " +
                                  cid->ToString());
      }
      positions.push_back(Position{static_cast<uint64_t>(id) << 32 | rec.offset,
                                   static_cast<uint32_t>(rec.header.on_disk_bytes()),
                                   index::CidIndex::Tag(*cid)});
      ++report.records;
      prog.records = report.records;
      const uint64_t done = report.log_bytes + rec.offset + rec.header.on_disk_bytes();
      if (progress && done - last_report >= kProgressEveryBytes) {
        prog.bytes_done = done;
        progress(prog);
        last_report = done;
      }
    }
    next_sequence = reader.next_sequence();
    if (reader.stop() == log::SegmentReader::Stop::kDamaged && i + 1 == segs.size()) {
      DDC_RETURN_IF_ERROR(log::ExamineDamage(segs[i].file.get(), name, reader.good_end(),
                                             segs[i].size, next_sequence - 1));
      report.notes = "torn tail of " + std::to_string(segs[i].size - reader.good_end()) +
                     " bytes at " + Where(id, reader.good_end()) +
                     " (unacknowledged; the next open truncates it)";
    } else if (reader.stop() != log::SegmentReader::Stop::kCleanEnd) {
      return reader.status();
    }
    report.log_bytes += segs[i].size;
  }
  report.segments = static_cast<uint32_t>(segs.size());
  prog.bytes_done = report.log_bytes;
  if (progress) progress(prog);

  // The snapshot must point exactly at records of the log, with the right lengths and tags,
  // and cover a prefix of it.
  auto snap = index::ReadSnapshot(fs, dir);
  if (snap.ok()) {
    std::sort(positions.begin(), positions.end());
    uint64_t covered = 0;
    const uint64_t limit = static_cast<uint64_t>(snap->meta.segment) << 32 | snap->meta.offset;
    for (const index::Slot& slot : snap->index.slots()) {
      if (slot.length == 0) continue;
      const uint64_t key = (slot.tag_segment & 0xffff) << 32 | slot.offset;
      auto it = std::lower_bound(positions.begin(), positions.end(), Position{key, 0, 0});
      if (it == positions.end() || it->key != key || it->length != slot.length ||
          it->tag != slot.tag_segment >> 16 || key >= limit) {
        return Status::Corruption("index.snap: an entry points at " +
                                  Where(static_cast<uint32_t>(key >> 32), slot.offset) +
                                  " where the log has no such record");
      }
      ++covered;
    }
    report.snapshot_checked = true;
    for (const Position& p : positions) {
      if (p.key < limit) --covered;
    }
    if (covered != 0) {
      return Status::Corruption("index.snap: entry count does not match the records it covers");
    }
  } else if (!snap.status().IsNotFound()) {
    const std::string note =
        "index snapshot unusable (" + snap.status().message() + "); the next open rebuilds it";
    report.notes = report.notes.empty() ? note : report.notes + "; " + note;
  }
  return report;
}

}  // namespace ddc
