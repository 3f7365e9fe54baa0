// Helpers shared by the log layer's tests: a spec-level writer of record headers (every field
// placed at the offset docs/FORMAT.md gives, independently of engine/log/format.cc, so that tests
// can build headers the encoder refuses to make: out-of-range fields, non-zero reserved bytes)
// and a SegmentBuilder that lays out a segment file byte by byte the way the writer does.
#ifndef DDC_TESTS_LOG_LOG_TEST_UTIL_H_
#define DDC_TESTS_LOG_LOG_TEST_UTIL_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ddc/cid.h"
#include "engine/base/hash.h"
#include "engine/log/format.h"

namespace ddc::test {

inline void PutLe(std::vector<uint8_t>& out, size_t at, uint64_t v, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) out[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

inline uint64_t GetLe(std::span<const uint8_t> in, size_t at, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = bytes; i-- > 0;) v = (v << 8) | in[at + i];
  return v;
}

// The fields of a record header as raw numbers, so that any value can be written.
struct RawRecordHeader {
  uint8_t type = 1;
  uint8_t flags = 0;
  uint16_t key_length = 0;
  uint32_t value_length = 0;
  uint32_t raw_length = 0;
  uint64_t sequence = 0;
  uint32_t durable_offset = 0;
  uint32_t reserved = 0;
  uint64_t body_checksum = 0;
};

// Recomputes the header checksum of the 40 bytes at `at` per FORMAT.md: the low 32 bits of
// XXH3-64 of header bytes 4..39, stored at bytes 0..3.
inline void SealRecordHeader(std::vector<uint8_t>& out, size_t at) {
  PutLe(out, at, Xxh3(out.data() + at + 4, log::kRecordHeaderBytes - 4) & 0xffffffffu, 4);
}

// The 40 header bytes of `h` laid out per the FORMAT.md table, with a valid header checksum.
inline std::vector<uint8_t> SpecRecordHeader(const RawRecordHeader& h) {
  std::vector<uint8_t> out(log::kRecordHeaderBytes, 0);
  out[4] = h.type;
  out[5] = h.flags;
  PutLe(out, 6, h.key_length, 2);
  PutLe(out, 8, h.value_length, 4);
  PutLe(out, 12, h.raw_length, 4);
  PutLe(out, 16, h.sequence, 8);
  PutLe(out, 24, h.durable_offset, 4);
  PutLe(out, 28, h.reserved, 4);
  PutLe(out, 32, h.body_checksum, 8);
  SealRecordHeader(out, 0);
  return out;
}

inline std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }

inline std::vector<uint8_t> CidKey(std::span<const uint8_t> value) {
  auto b = Cid::Of(Codec::kRaw, value).ToBytes();
  return {b.begin(), b.end()};
}

// What the builder wrote for one record.
struct BuiltRecord {
  uint64_t offset = 0;
  uint64_t size = 0;  // On disk: header + key + value.
  log::RecordHeader header;
  std::vector<uint8_t> key;
  std::vector<uint8_t> value;
  uint64_t end() const { return offset + size; }
};

// Lays out a segment: the 64-byte header, then records back to back, each carrying the
// durable_offset of the last Sync() (the header counts as synced, as CreateSegment syncs it).
class SegmentBuilder {
 public:
  explicit SegmentBuilder(uint32_t segment_id = 1, uint64_t first_sequence = 1)
      : next_sequence_(first_sequence) {
    log::SegmentHeader h;
    h.segment_id = segment_id;
    for (size_t i = 0; i < log::kStoreIdBytes; ++i) h.store_id[i] = static_cast<uint8_t>(0xa0 + i);
    h.first_sequence = first_sequence;
    bytes_.resize(log::kSegmentHeaderBytes);
    log::EncodeSegmentHeader(h, bytes_.data());
    durable_ = log::kSegmentHeaderBytes;
  }

  // Appends a valid record whose key is the raw CID of `value`; returns a copy of what it wrote.
  BuiltRecord Add(std::vector<uint8_t> value) {
    std::vector<uint8_t> key = CidKey(value);
    return AddRecord(std::move(key), std::move(value));
  }

  // Appends a valid record; `flags`/`raw_length` default to an uncompressed value.
  BuiltRecord AddRecord(std::vector<uint8_t> key, std::vector<uint8_t> value, uint8_t flags = 0,
                        int64_t raw_length = -1) {
    BuiltRecord r;
    r.offset = bytes_.size();
    r.header.type = log::RecordType::kBlob;
    r.header.flags = flags;
    r.header.key_length = static_cast<uint16_t>(key.size());
    r.header.value_length = static_cast<uint32_t>(value.size());
    r.header.raw_length =
        raw_length < 0 ? static_cast<uint32_t>(value.size()) : static_cast<uint32_t>(raw_length);
    r.header.sequence = sequence_override_ != 0 ? sequence_override_ : next_sequence_;
    r.header.durable_offset = durable_override_ >= 0 ? static_cast<uint32_t>(durable_override_)
                                                     : static_cast<uint32_t>(durable_);
    r.size = r.header.on_disk_bytes();
    bytes_.resize(r.offset + r.size);
    log::EncodeRecord(r.header, key, value, bytes_.data() + r.offset);
    r.header.body_checksum = GetLe(bytes_, r.offset + 32, 8);
    r.key = std::move(key);
    r.value = std::move(value);
    sequence_override_ = 0;
    durable_override_ = -1;
    ++next_sequence_;
    records_.push_back(std::move(r));
    return records_.back();
  }

  // The writer synced everything written so far: later records carry this offset.
  void Sync() { durable_ = bytes_.size(); }
  // The next record carries `sequence` instead of the next one in line (the count goes on).
  void OverrideNextSequence(uint64_t sequence) { sequence_override_ = sequence; }
  // The next record carries this durable_offset instead of the last Sync().
  void OverrideNextDurable(uint32_t durable) { durable_override_ = durable; }

  void AppendRaw(std::span<const uint8_t> raw) {
    bytes_.insert(bytes_.end(), raw.begin(), raw.end());
  }

  std::vector<uint8_t>& bytes() { return bytes_; }
  const std::vector<BuiltRecord>& records() const { return records_; }
  uint64_t size() const { return bytes_.size(); }
  uint64_t next_sequence() const { return next_sequence_; }

 private:
  std::vector<uint8_t> bytes_;
  std::vector<BuiltRecord> records_;
  uint64_t next_sequence_;
  uint64_t durable_ = 0;
  uint64_t sequence_override_ = 0;
  int64_t durable_override_ = -1;
};

}  // namespace ddc::test

#endif  // DDC_TESTS_LOG_LOG_TEST_UTIL_H_
