#include "engine/log/format.h"

#include <cstdio>
#include <cstring>

#include "engine/base/coding.h"
#include "engine/base/hash.h"

namespace ddc::log {

std::string SegmentFileName(uint32_t segment_id) {
  char name[32];
  std::snprintf(name, sizeof(name), "seg-%06u.log", segment_id);
  return name;
}

bool ParseSegmentFileName(const std::string& name, uint32_t* segment_id) {
  // Exactly "seg-" + 6 digits + ".log".
  if (name.size() != 14 || name.compare(0, 4, "seg-") != 0 || name.compare(10, 4, ".log") != 0) {
    return false;
  }
  uint32_t id = 0;
  for (size_t i = 4; i < 10; ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
    id = id * 10 + static_cast<uint32_t>(name[i] - '0');
  }
  *segment_id = id;
  return true;
}

void EncodeSegmentHeader(const SegmentHeader& header, uint8_t* dst) {
  std::memset(dst, 0, kSegmentHeaderBytes);
  std::memcpy(dst, kSegmentMagic.data(), kSegmentMagic.size());
  EncodeFixed32(dst + 8, kFormatVersion);
  EncodeFixed32(dst + 12, header.segment_id);
  std::memcpy(dst + 16, header.store_id.data(), kStoreIdBytes);
  EncodeFixed64(dst + 32, header.first_sequence);
  // Bytes 40..55 are reserved and zero.
  EncodeFixed64(dst + 56, Xxh3(dst, 56));
}

Result<SegmentHeader> DecodeSegmentHeader(std::span<const uint8_t> src, const std::string& where) {
  if (src.size() < kSegmentHeaderBytes) {
    return Status::Corruption(where + ": segment header truncated (" + std::to_string(src.size()) +
                              " of 64 bytes)");
  }
  const uint8_t* p = src.data();
  if (std::memcmp(p, kSegmentMagic.data(), kSegmentMagic.size()) != 0) {
    return Status::Corruption(where + ": not a ddc segment (bad magic)");
  }
  if (DecodeFixed64(p + 56) != Xxh3(p, 56)) {
    return Status::Corruption(where + ": segment header checksum mismatch");
  }
  uint32_t version = DecodeFixed32(p + 8);
  if (version != kFormatVersion) {
    return Status::NotSupported(where + ": segment format version " + std::to_string(version) +
                                " (this build reads version " + std::to_string(kFormatVersion) +
                                ")");
  }
  for (size_t i = 40; i < 56; ++i) {
    if (p[i] != 0) return Status::Corruption(where + ": segment header reserved bytes not zero");
  }
  SegmentHeader header;
  header.segment_id = DecodeFixed32(p + 12);
  std::memcpy(header.store_id.data(), p + 16, kStoreIdBytes);
  header.first_sequence = DecodeFixed64(p + 32);
  return header;
}

namespace {
uint32_t HeaderChecksum(const uint8_t* header) {
  return static_cast<uint32_t>(Xxh3(header + 4, kRecordHeaderBytes - 4));
}
}  // namespace

void EncodeRecordHeader(const RecordHeader& header, uint8_t* dst) {
  dst[4] = static_cast<uint8_t>(header.type);
  dst[5] = header.flags;
  EncodeFixed16(dst + 6, header.key_length);
  EncodeFixed32(dst + 8, header.value_length);
  EncodeFixed32(dst + 12, header.raw_length);
  EncodeFixed64(dst + 16, header.sequence);
  EncodeFixed32(dst + 24, header.durable_offset);
  EncodeFixed32(dst + 28, 0);  // Reserved.
  EncodeFixed64(dst + 32, header.body_checksum);
  EncodeFixed32(dst, HeaderChecksum(dst));
}

bool RecordHeaderChecksumOk(std::span<const uint8_t> src) {
  return src.size() >= kRecordHeaderBytes &&
         DecodeFixed32(src.data()) == HeaderChecksum(src.data());
}

Result<RecordHeader> DecodeRecordHeader(std::span<const uint8_t> src) {
  if (src.size() < kRecordHeaderBytes) return Status::Corruption("record header truncated");
  const uint8_t* p = src.data();
  if (!RecordHeaderChecksumOk(src)) return Status::Corruption("record header checksum mismatch");
  RecordHeader h;
  uint8_t type = p[4];
  if (type == 0 || type > kMaxRecordType) {
    return Status::Corruption("unknown record type " + std::to_string(type));
  }
  h.type = static_cast<RecordType>(type);
  h.flags = p[5];
  if ((h.flags & ~kKnownFlags) != 0) {
    char hex[8];
    std::snprintf(hex, sizeof(hex), "0x%x", h.flags);
    return Status::Corruption(std::string("unknown record flags ") + hex);
  }
  h.key_length = DecodeFixed16(p + 6);
  h.value_length = DecodeFixed32(p + 8);
  h.raw_length = DecodeFixed32(p + 12);
  h.sequence = DecodeFixed64(p + 16);
  h.durable_offset = DecodeFixed32(p + 24);
  if (DecodeFixed32(p + 28) != 0) return Status::Corruption("record reserved bytes not zero");
  h.body_checksum = DecodeFixed64(p + 32);
  if (h.key_length == 0 || h.key_length > kMaxKeyBytes) {
    return Status::Corruption("record key length " + std::to_string(h.key_length) +
                              " out of range 1.." + std::to_string(kMaxKeyBytes));
  }
  if (h.value_length > kMaxRecordBytes || h.raw_length > kMaxRecordBytes) {
    return Status::Corruption("record value length " + std::to_string(h.value_length) + "/" +
                              std::to_string(h.raw_length) + " exceeds the maximum " +
                              std::to_string(kMaxRecordBytes));
  }
  if ((h.flags & kFlagZstd) == 0 && h.raw_length != h.value_length) {
    return Status::Corruption("uncompressed record with raw length != stored length");
  }
  if (h.sequence == 0) return Status::Corruption("record sequence 0");
  return h;
}

uint64_t BodyChecksum(std::span<const uint8_t> key, std::span<const uint8_t> value) {
  return Xxh3Concat(key, value);
}

void EncodeRecord(RecordHeader header, std::span<const uint8_t> key, std::span<const uint8_t> value,
                  uint8_t* dst) {
  std::memcpy(dst + kRecordHeaderBytes, key.data(), key.size());
  if (!value.empty())
    std::memcpy(dst + kRecordHeaderBytes + key.size(), value.data(), value.size());
  // One pass over the contiguous body is faster than the streaming form.
  header.body_checksum = Xxh3(dst + kRecordHeaderBytes, key.size() + value.size());
  EncodeRecordHeader(header, dst);
}

void EncodeRecordWithChecksum(const RecordHeader& header, std::span<const uint8_t> key,
                              std::span<const uint8_t> value, uint8_t* dst) {
  std::memcpy(dst + kRecordHeaderBytes, key.data(), key.size());
  if (!value.empty()) {
    std::memcpy(dst + kRecordHeaderBytes + key.size(), value.data(), value.size());
  }
  EncodeRecordHeader(header, dst);
}

}  // namespace ddc::log
