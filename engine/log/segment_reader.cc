#include "engine/log/segment_reader.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "engine/base/coding.h"

namespace ddc::log {
namespace {

// Read-ahead unit for sequential scans; records larger than this are read whole.
constexpr size_t kReadAheadBytes = 1u << 20;

std::string At(const std::string& name, uint64_t offset) {
  return name + " offset " + std::to_string(offset);
}

}  // namespace

SegmentReader::SegmentReader(io::File* file, std::string name, uint64_t start_offset,
                             uint64_t end_offset, uint64_t expected_sequence)
    : file_(file),
      name_(std::move(name)),
      end_offset_(end_offset),
      pos_(start_offset),
      good_end_(start_offset),
      next_sequence_(expected_sequence) {}

bool SegmentReader::StopWith(Stop stop, Status status) {
  stop_ = stop;
  status_ = std::move(status);
  return false;
}

bool SegmentReader::Fill(uint64_t n) {
  if (pos_ >= buf_offset_ && pos_ + n <= buf_offset_ + buf_len_) return true;
  if (pos_ + n > end_offset_) return false;
  // Keep the unread part and read the rest behind it.
  const uint64_t want = std::max<uint64_t>(n, kReadAheadBytes);
  const uint64_t to_read = std::min<uint64_t>(want, end_offset_ - pos_);
  if (buf_.size() < to_read) buf_.resize(to_read);
  size_t kept = 0;
  if (pos_ >= buf_offset_ && pos_ < buf_offset_ + buf_len_) {
    kept = static_cast<size_t>(buf_offset_ + buf_len_ - pos_);
    std::memmove(buf_.data(), buf_.data() + (pos_ - buf_offset_), kept);
  }
  auto got = file_->Read(pos_ + kept, std::span(buf_.data() + kept, to_read - kept));
  if (!got.ok()) {
    StopWith(Stop::kIoError, got.status().WithContext(At(name_, pos_)));
    return false;
  }
  buf_offset_ = pos_;
  buf_len_ = kept + *got;
  return pos_ + n <= buf_offset_ + buf_len_;
}

bool SegmentReader::Next(ScannedRecord* record) {
  if (stop_ != Stop::kNone) return false;
  if (pos_ == end_offset_) return StopWith(Stop::kCleanEnd, Status::OK());
  if (!Fill(kRecordHeaderBytes)) {
    if (stop_ != Stop::kNone) return false;
    return StopWith(Stop::kDamaged,
                    Status::Corruption(At(name_, pos_) + ": partial record header (" +
                                       std::to_string(end_offset_ - pos_) + " bytes left)"));
  }
  std::span<const uint8_t> head(buf_.data() + (pos_ - buf_offset_), kRecordHeaderBytes);
  if (!RecordHeaderChecksumOk(head)) {
    return StopWith(Stop::kDamaged,
                    Status::Corruption(At(name_, pos_) + ": record header checksum mismatch"));
  }
  auto decoded = DecodeRecordHeader(head);
  if (!decoded.ok()) {
    return StopWith(Stop::kCorruption, decoded.status().WithContext(At(name_, pos_)));
  }
  const RecordHeader h = *decoded;
  const uint64_t size = h.on_disk_bytes();
  if (!Fill(size)) {
    if (stop_ != Stop::kNone) return false;
    return StopWith(Stop::kDamaged,
                    Status::Corruption(At(name_, pos_) + ": record of " + std::to_string(size) +
                                       " bytes runs past the end of the segment"));
  }
  const uint8_t* body = buf_.data() + (pos_ - buf_offset_) + kRecordHeaderBytes;
  std::span<const uint8_t> key(body, h.key_length);
  std::span<const uint8_t> value(body + h.key_length, h.value_length);
  if (BodyChecksum(key, value) != h.body_checksum) {
    return StopWith(Stop::kDamaged,
                    Status::Corruption(At(name_, pos_) + ": record body checksum mismatch"));
  }
  if (h.sequence != next_sequence_) {
    return StopWith(
        Stop::kCorruption,
        Status::Corruption(At(name_, pos_) + ": record sequence " + std::to_string(h.sequence) +
                           ", expected " + std::to_string(next_sequence_)));
  }
  record->header = h;
  record->offset = pos_;
  record->key = key;
  record->value = value;
  pos_ += size;
  good_end_ = pos_;
  ++next_sequence_;
  return true;
}

Status ExamineDamage(io::File* file, const std::string& name, uint64_t bad_offset,
                     uint64_t file_size, uint64_t last_good_sequence) {
  // Scan every byte offset after the damage for a record whose header and body both verify.
  // Chunks overlap by a header so that no candidate offset is missed at a chunk boundary.
  constexpr size_t kChunk = 4u << 20;
  std::vector<uint8_t> chunk(
      std::min<uint64_t>(kChunk, file_size > bad_offset ? file_size - bad_offset : 0));
  std::vector<uint8_t> body;
  // When the damaged record's own header verifies, its length is trustworthy and the search
  // starts after it: its value is user bytes and may hold record-shaped data (a stored segment
  // file, say) that must not count as evidence. With a damaged header the search starts one
  // byte on; docs/FORMAT.md notes the limit this leaves.
  uint64_t q = bad_offset + 1;
  {
    std::array<uint8_t, kRecordHeaderBytes> own{};
    auto got = file->Read(bad_offset, own);
    if (!got.ok()) return got.status().WithContext(name + " examining damage");
    auto h = DecodeRecordHeader(std::span(own.data(), *got));
    if (h.ok()) q = bad_offset + h->on_disk_bytes();
  }
  while (q + kRecordHeaderBytes <= file_size) {
    const uint64_t n = std::min<uint64_t>(kChunk, file_size - q);
    auto got = file->Read(q, std::span(chunk.data(), n));
    if (!got.ok()) return got.status().WithContext(name + " examining damage");
    const size_t len = *got;
    if (len < kRecordHeaderBytes) break;
    size_t i = 0;
    for (; i + kRecordHeaderBytes <= len; ++i) {
      // A cheap filter before the checksum: the type byte must name a known type (a record of
      // any type written after the damage is evidence, not only a blob).
      if (chunk[i + 4] == 0 || chunk[i + 4] > kMaxRecordType) continue;
      std::span<const uint8_t> head(chunk.data() + i, kRecordHeaderBytes);
      if (!RecordHeaderChecksumOk(head)) continue;
      auto h = DecodeRecordHeader(head);
      if (!h.ok() || h->sequence <= last_good_sequence) continue;
      const uint64_t at = q + i;
      // A real record never claims the segment was synced past its own start.
      if (at + h->on_disk_bytes() > file_size || h->durable_offset > at) continue;
      body.resize(h->key_length + static_cast<size_t>(h->value_length));
      auto b = file->Read(at + kRecordHeaderBytes, std::span(body.data(), body.size()));
      if (!b.ok()) return b.status().WithContext(name + " examining damage");
      if (*b != body.size()) continue;
      std::span<const uint8_t> all(body);
      if (BodyChecksum(all.first(h->key_length), all.subspan(h->key_length)) != h->body_checksum) {
        continue;
      }
      if (h->durable_offset > bad_offset) {
        return Status::Corruption(
            At(name, bad_offset) + ": damaged record, but the valid record (sequence " +
            std::to_string(h->sequence) + ") at offset " + std::to_string(at) +
            " was written after the segment had been synced up to offset " +
            std::to_string(h->durable_offset));
      }
    }
    // Advance, re-examining the last header-sized window in the next chunk.
    q += i;
    if (len < n) break;
  }
  return Status::OK();
}

}  // namespace ddc::log
