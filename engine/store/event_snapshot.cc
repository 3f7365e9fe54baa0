#include "engine/store/event_snapshot.h"

#include <cstring>

#include "engine/base/coding.h"
#include "engine/base/hash.h"
#include "engine/base/macros.h"

namespace ddc {
namespace {

constexpr std::array<uint8_t, 8> kMagic = {'D', 'D', 'C', 'E', 'V', 'S', '\r', '\n'};
constexpr size_t kHeaderBytes = 128;
constexpr size_t kTimelineBytes = 8 + 32 + 8 + Cid::kBinaryBytes;
constexpr size_t kEntryBytes = 12 + 4 + 32 + 32;
constexpr size_t kIdBytes = 16 + 8;

void Put32(std::string* out, uint32_t v) {
  uint8_t b[4];
  EncodeFixed32(b, v);
  out->append(reinterpret_cast<const char*>(b), 4);
}
void Put64(std::string* out, uint64_t v) {
  uint8_t b[8];
  EncodeFixed64(b, v);
  out->append(reinterpret_cast<const char*>(b), 8);
}
void PutBytes(std::string* out, std::span<const uint8_t> bytes) {
  out->append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// A bounds-checked cursor over the body.
class Cursor {
 public:
  explicit Cursor(std::span<const uint8_t> data) : data_(data) {}
  bool Has(size_t n) const { return data_.size() - at_ >= n; }
  uint32_t U32() {
    const uint32_t v = DecodeFixed32(data_.data() + at_);
    at_ += 4;
    return v;
  }
  uint64_t U64() {
    const uint64_t v = DecodeFixed64(data_.data() + at_);
    at_ += 8;
    return v;
  }
  std::span<const uint8_t> Bytes(size_t n) {
    auto s = data_.subspan(at_, n);
    at_ += n;
    return s;
  }
  bool Done() const { return at_ == data_.size(); }

 private:
  std::span<const uint8_t> data_;
  size_t at_ = 0;
};

Status Bad(const std::string& what) { return Status::Corruption("events.snap: " + what); }

}  // namespace

Status WriteEventSnapshot(io::FileSystem* fs, const std::string& dir,
                          const index::SnapshotMeta& meta, const EventSnapshotData& data) {
  std::string body;
  body.reserve(data.timelines.size() * kTimelineBytes + data.journal.size() * kEntryBytes +
               data.ids.size() * kIdBytes);
  for (const auto& t : data.timelines) {
    Put64(&body, t.bucket);
    PutBytes(&body, t.user);
    Put64(&body, t.last_time_ms);
    PutBytes(&body, t.head.ToBytes());
  }
  for (const auto& e : data.journal) {
    Put32(&body, e.location.segment);
    Put32(&body, e.location.offset);
    Put32(&body, e.location.length);
    Put32(&body, e.timeline);
    PutBytes(&body, e.timeline_leaf);
    PutBytes(&body, e.journal_leaf);
  }
  for (const auto& id : data.ids) {
    Put64(&body, id.hash[0]);
    Put64(&body, id.hash[1]);
    Put64(&body, id.journal_index);
  }
  for (const auto& c : data.checkpoints) {
    PutBytes(&body, c.cid.ToBytes());
    Put32(&body, static_cast<uint32_t>(c.note.size()));
    body += c.note;
  }
  for (const auto& r : data.records) {
    body.push_back(static_cast<char>(r.type));
    Put64(&body, r.limit);
    PutBytes(&body, r.cid.ToBytes());
    Put32(&body, static_cast<uint32_t>(r.bytes.size()));
    body += r.bytes;
  }
  std::array<uint8_t, kHeaderBytes> h{};
  std::memcpy(h.data(), kMagic.data(), kMagic.size());
  EncodeFixed32(h.data() + 8, kEventSnapshotVersion);
  std::memcpy(h.data() + 16, meta.store_id.data(), meta.store_id.size());
  EncodeFixed32(h.data() + 32, meta.segment);
  EncodeFixed32(h.data() + 36, meta.offset);
  EncodeFixed64(h.data() + 40, meta.next_sequence);
  EncodeFixed64(h.data() + 48, data.timelines.size());
  EncodeFixed64(h.data() + 56, data.journal.size());
  EncodeFixed64(h.data() + 64, data.ids.size());
  EncodeFixed64(h.data() + 72, data.checkpoints.size());
  EncodeFixed64(h.data() + 80, body.size());
  EncodeFixed64(h.data() + 88, Xxh3(body.data(), body.size()));
  EncodeFixed64(h.data() + 96, data.records.size());
  EncodeFixed64(h.data() + 104, data.name_records);
  EncodeFixed64(h.data() + 120, Xxh3(h.data(), 120));
  const std::string tmp = dir + "/" + kEventSnapshotTempFileName;
  {
    DDC_ASSIGN_OR_RETURN(auto file, fs->Open(tmp, io::OpenMode::kCreateReadWrite));
    DDC_RETURN_IF_ERROR(file->Truncate(0));
    DDC_RETURN_IF_ERROR(file->Write(0, h));
    DDC_RETURN_IF_ERROR(file->WriteAndSync(
        kHeaderBytes, std::span(reinterpret_cast<const uint8_t*>(body.data()), body.size())));
  }
  DDC_RETURN_IF_ERROR(fs->Rename(tmp, dir + "/" + kEventSnapshotFileName));
  return fs->SyncDir(dir);
}

Result<LoadedEventSnapshot> ReadEventSnapshot(io::FileSystem* fs, const std::string& dir) {
  DDC_ASSIGN_OR_RETURN(auto file,
                       fs->Open(dir + "/" + kEventSnapshotFileName, io::OpenMode::kRead));
  DDC_ASSIGN_OR_RETURN(uint64_t size, file->Size());
  std::array<uint8_t, kHeaderBytes> h{};
  DDC_ASSIGN_OR_RETURN(size_t got, file->Read(0, h));
  if (got != h.size()) return Bad("header truncated");
  if (std::memcmp(h.data(), kMagic.data(), kMagic.size()) != 0) return Bad("bad magic");
  if (DecodeFixed64(h.data() + 120) != Xxh3(h.data(), 120)) return Bad("header checksum mismatch");
  const uint32_t version = DecodeFixed32(h.data() + 8);
  if (version < 1 || version > kEventSnapshotVersion) {
    return Bad("unsupported version " + std::to_string(version));
  }
  LoadedEventSnapshot out;
  std::memcpy(out.meta.store_id.data(), h.data() + 16, out.meta.store_id.size());
  out.meta.segment = DecodeFixed32(h.data() + 32);
  out.meta.offset = DecodeFixed32(h.data() + 36);
  out.meta.next_sequence = DecodeFixed64(h.data() + 40);
  const uint64_t n_timelines = DecodeFixed64(h.data() + 48);
  const uint64_t n_journal = DecodeFixed64(h.data() + 56);
  const uint64_t n_ids = DecodeFixed64(h.data() + 64);
  const uint64_t n_checkpoints = DecodeFixed64(h.data() + 72);
  const uint64_t body_bytes = DecodeFixed64(h.data() + 80);
  const uint64_t n_records = version >= 2 ? DecodeFixed64(h.data() + 96) : 0;
  out.data.name_records = version >= 3 ? DecodeFixed64(h.data() + 104) : 0;
  constexpr size_t kRecordHeadBytes = 1 + 8 + Cid::kBinaryBytes + 4;
  if (size != kHeaderBytes + body_bytes) return Bad("file size does not match its header");
  // Every count is bounded by the body it claims to fill before anything is allocated.
  if (n_timelines > body_bytes / kTimelineBytes || n_journal > body_bytes / kEntryBytes ||
      n_ids > body_bytes / kIdBytes || n_checkpoints > body_bytes / (Cid::kBinaryBytes + 4) ||
      n_records > body_bytes / kRecordHeadBytes) {
    return Bad("counts exceed the body");
  }
  std::string body(body_bytes, '\0');
  DDC_ASSIGN_OR_RETURN(
      got,
      file->Read(kHeaderBytes, std::span(reinterpret_cast<uint8_t*>(body.data()), body.size())));
  if (got != body.size()) return Bad("body truncated");
  if (Xxh3(body.data(), body.size()) != DecodeFixed64(h.data() + 88)) {
    return Bad("body checksum mismatch");
  }
  Cursor c(std::span(reinterpret_cast<const uint8_t*>(body.data()), body.size()));
  EventSnapshotData& d = out.data;
  d.timelines.resize(n_timelines);
  for (auto& t : d.timelines) {
    if (!c.Has(kTimelineBytes)) return Bad("timelines truncated");
    t.bucket = c.U64();
    auto user = c.Bytes(32);
    std::copy(user.begin(), user.end(), t.user.begin());
    t.last_time_ms = c.U64();
    auto head = Cid::FromBytes(c.Bytes(Cid::kBinaryBytes));
    if (!head.ok()) return Bad("timeline head: " + head.status().message());
    t.head = *head;
  }
  d.journal.resize(n_journal);
  for (auto& e : d.journal) {
    if (!c.Has(kEntryBytes)) return Bad("journal truncated");
    e.location.segment = c.U32();
    e.location.offset = c.U32();
    e.location.length = c.U32();
    e.timeline = c.U32();
    if (e.timeline >= n_timelines) return Bad("journal entry names a missing timeline");
    auto tl = c.Bytes(32);
    std::copy(tl.begin(), tl.end(), e.timeline_leaf.begin());
    auto jl = c.Bytes(32);
    std::copy(jl.begin(), jl.end(), e.journal_leaf.begin());
  }
  d.ids.resize(n_ids);
  for (auto& id : d.ids) {
    if (!c.Has(kIdBytes)) return Bad("ids truncated");
    id.hash[0] = c.U64();
    id.hash[1] = c.U64();
    id.journal_index = c.U64();
    if (id.journal_index >= n_journal) return Bad("an event id names a missing journal entry");
  }
  d.checkpoints.resize(n_checkpoints);
  for (auto& cp : d.checkpoints) {
    if (!c.Has(Cid::kBinaryBytes + 4)) return Bad("checkpoints truncated");
    auto cid = Cid::FromBytes(c.Bytes(Cid::kBinaryBytes));
    if (!cid.ok()) return Bad("checkpoint cid: " + cid.status().message());
    cp.cid = *cid;
    const uint32_t n = c.U32();
    if (!c.Has(n)) return Bad("checkpoint note truncated");
    auto note = c.Bytes(n);
    cp.note.assign(reinterpret_cast<const char*>(note.data()), note.size());
  }
  d.records.resize(n_records);
  // Grants and tombstones since version 2, names since version 3.
  const uint8_t max_type = version >= 3 ? 6 : 5;
  uint64_t names = 0;
  for (auto& r : d.records) {
    if (!c.Has(kRecordHeadBytes)) return Bad("records truncated");
    r.type = c.Bytes(1)[0];
    if (r.type < 4 || r.type > max_type) {
      return Bad("record of type " + std::to_string(r.type) + " in a version " +
                 std::to_string(version) + " file");
    }
    if (r.type == 6) ++names;
    r.limit = c.U64();
    auto cid = Cid::FromBytes(c.Bytes(Cid::kBinaryBytes));
    if (!cid.ok()) return Bad("record cid: " + cid.status().message());
    r.cid = *cid;
    const uint32_t n = c.U32();
    if (!c.Has(n)) return Bad("record bytes truncated");
    auto bytes = c.Bytes(n);
    r.bytes.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  if (!c.Done()) return Bad("bytes after the last record");
  if (names > d.name_records) {
    return Bad("it holds " + std::to_string(names) + " current names but counts " +
               std::to_string(d.name_records) + " name records");
  }
  return out;
}

}  // namespace ddc
