// On-disk layout of segment files and records, version 1. docs/FORMAT.md is the specification;
// this header is its code. Every integer is little-endian and explicitly sized.
//
// Segment file "seg-NNNNNN.log" (NNNNNN = decimal segment id, 6 digits):
//   [segment header, 64 bytes][record][record]...
// Record: [record header, 40 bytes][key: key_length bytes][value: value_length bytes]
//   The header carries its own checksum so it can be trusted before the body is read; the body
//   checksum covers key || value as stored.
#ifndef DDC_ENGINE_LOG_FORMAT_H_
#define DDC_ENGINE_LOG_FORMAT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "ddc/options.h"
#include "ddc/status.h"

namespace ddc::log {

inline constexpr uint32_t kFormatVersion = 1;

inline constexpr size_t kSegmentHeaderBytes = 64;
inline constexpr std::array<uint8_t, 8> kSegmentMagic = {'D', 'D', 'C', 'S', 'E', 'G', 0x0d, 0x0a};
inline constexpr size_t kStoreIdBytes = 16;
using StoreId = std::array<uint8_t, kStoreIdBytes>;

inline constexpr size_t kRecordHeaderBytes = 40;
inline constexpr uint32_t kMaxKeyBytes = 64;
// Largest whole record (header + key + value) on disk.
inline constexpr uint64_t kMaxRecordOnDiskBytes =
    kRecordHeaderBytes + kMaxKeyBytes + static_cast<uint64_t>(kMaxRecordBytes);
static_assert(kMaxRecordOnDiskBytes < (1ull << 32), "record lengths are 32-bit");
static_assert(kMinSegmentBytes > kSegmentHeaderBytes + kRecordHeaderBytes + kMaxKeyBytes,
              "the smallest segment must hold a header and a small record");

enum class RecordType : uint8_t {
  kBlob = 1,        // key = raw CID (binary), value = blob bytes.
  kEvent = 2,       // key = dag-cbor CID (binary), value = the event's encoded bytes.
  kCheckpoint = 3,  // key = raw CID (binary) of the note, value = a signed checkpoint note.
  kGrant = 4,       // key = dag-cbor CID (binary), value = an encoded, signed grant.
  kTombstone = 5,   // key = dag-cbor CID (binary), value = an encoded, signed tombstone.
  kName = 6,        // key = dag-cbor CID (binary), value = an encoded, signed name record.
};
inline constexpr uint8_t kMaxRecordType = 6;
inline constexpr uint8_t kFlagZstd = 0x01;  // The value is one zstd frame of raw_length bytes.
inline constexpr uint8_t kKnownFlags = kFlagZstd;

struct SegmentHeader {
  uint32_t segment_id = 0;
  StoreId store_id{};
  uint64_t first_sequence = 0;  // Sequence number of the segment's first record.
};

struct RecordHeader {
  RecordType type = RecordType::kBlob;
  uint8_t flags = 0;
  uint16_t key_length = 0;
  uint32_t value_length = 0;    // Stored (possibly compressed) value bytes.
  uint32_t raw_length = 0;      // Value bytes after decompression.
  uint64_t sequence = 0;        // 1, 2, 3, ... across the whole log, no gaps.
  uint32_t durable_offset = 0;  // This segment was synced up to here when the record was
                                // written; recovery uses it to tell crash damage from
                                // corruption.
  uint64_t body_checksum = 0;   // XXH3-64 of key || stored value.

  uint64_t on_disk_bytes() const {
    return kRecordHeaderBytes + key_length + static_cast<uint64_t>(value_length);
  }
};

std::string SegmentFileName(uint32_t segment_id);
// Parses "seg-NNNNNN.log"; false for any other name.
bool ParseSegmentFileName(const std::string& name, uint32_t* segment_id);

void EncodeSegmentHeader(const SegmentHeader& header, uint8_t* dst);
// Checks magic, version and checksum. `where` prefixes error messages.
Result<SegmentHeader> DecodeSegmentHeader(std::span<const uint8_t> src, const std::string& where);

// Writes the 40-byte header, computing its checksum. REQUIRES: the fields are within limits.
void EncodeRecordHeader(const RecordHeader& header, uint8_t* dst);
// Verifies the header checksum and every field's bounds.
Result<RecordHeader> DecodeRecordHeader(std::span<const uint8_t> src);
// True when the header checksum matches (fields may still be out of bounds).
bool RecordHeaderChecksumOk(std::span<const uint8_t> src);

uint64_t BodyChecksum(std::span<const uint8_t> key, std::span<const uint8_t> value);

// Encodes a complete record at dst (room for header.on_disk_bytes()); fills in body_checksum.
void EncodeRecord(RecordHeader header, std::span<const uint8_t> key, std::span<const uint8_t> value,
                  uint8_t* dst);

// The same with header.body_checksum already computed (= BodyChecksum(key, value)), so that
// callers can checksum on other threads before the single writer copies the bytes in.
void EncodeRecordWithChecksum(const RecordHeader& header, std::span<const uint8_t> key,
                              std::span<const uint8_t> value, uint8_t* dst);

}  // namespace ddc::log

#endif  // DDC_ENGINE_LOG_FORMAT_H_
