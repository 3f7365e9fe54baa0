#include "engine/index/snapshot.h"

#include <array>
#include <bit>
#include <cstring>

#include "engine/base/coding.h"
#include "engine/base/hash.h"
#include "engine/base/macros.h"

namespace ddc::index {
namespace {

constexpr std::array<uint8_t, 8> kMagic = {'D', 'D', 'C', 'I', 'D', 'X', 0x0d, 0x0a};

// Slots are written as the host lays them out, which must equal the documented little-endian
// layout: tag_segment (8), offset (4), length (4), no padding.
static_assert(std::endian::native == std::endian::little, "snapshots assume a little-endian host");
static_assert(offsetof(Slot, offset) == 8 && offsetof(Slot, length) == 12);

void EncodeHeader(const SnapshotMeta& m, uint64_t capacity, uint64_t count, uint64_t slots_checksum,
                  uint8_t* dst) {
  std::memset(dst, 0, kSnapshotHeaderBytes);
  std::memcpy(dst, kMagic.data(), kMagic.size());
  EncodeFixed32(dst + 8, kSnapshotVersion);
  EncodeFixed32(dst + 12, sizeof(Slot));
  std::memcpy(dst + 16, m.store_id.data(), m.store_id.size());
  EncodeFixed32(dst + 32, m.segment);
  EncodeFixed32(dst + 36, m.offset);
  EncodeFixed64(dst + 40, m.next_sequence);
  EncodeFixed32(dst + 48, m.last_segment);
  EncodeFixed32(dst + 52, m.last_offset);
  EncodeFixed64(dst + 56, capacity);
  EncodeFixed64(dst + 64, count);
  EncodeFixed64(dst + 72, m.logical_bytes);
  EncodeFixed64(dst + 88, m.typed_records);
  EncodeFixed64(dst + 80, slots_checksum);
  EncodeFixed64(dst + 120, Xxh3(dst, 120));
}

}  // namespace

Status WriteSnapshot(io::FileSystem* fs, const std::string& dir, const SnapshotMeta& meta,
                     std::span<const Slot> slots, uint64_t count) {
  const std::string tmp = dir + "/" + kSnapshotTempFileName;
  const std::string final_path = dir + "/" + kSnapshotFileName;
  std::span<const uint8_t> slot_bytes(reinterpret_cast<const uint8_t*>(slots.data()),
                                      slots.size_bytes());
  std::array<uint8_t, kSnapshotHeaderBytes> header;
  EncodeHeader(meta, slots.size(), count, Xxh3(slot_bytes), header.data());
  {
    // A stale temporary from an interrupted snapshot is simply overwritten and cut to size.
    DDC_ASSIGN_OR_RETURN(auto file, fs->Open(tmp, io::OpenMode::kCreateReadWrite));
    DDC_RETURN_IF_ERROR(file->Truncate(0));
    DDC_RETURN_IF_ERROR(file->Write(0, header));
    DDC_RETURN_IF_ERROR(file->WriteAndSync(kSnapshotHeaderBytes, slot_bytes));
  }
  DDC_RETURN_IF_ERROR(fs->Rename(tmp, final_path));
  return fs->SyncDir(dir);
}

Result<LoadedSnapshot> ReadSnapshot(io::FileSystem* fs, const std::string& dir) {
  const std::string path = dir + "/" + kSnapshotFileName;
  DDC_ASSIGN_OR_RETURN(auto file, fs->Open(path, io::OpenMode::kRead));
  DDC_ASSIGN_OR_RETURN(uint64_t size, file->Size());
  std::array<uint8_t, kSnapshotHeaderBytes> h{};
  DDC_ASSIGN_OR_RETURN(size_t got, file->Read(0, h));
  if (got != h.size()) return Status::Corruption("index.snap: header truncated");
  if (std::memcmp(h.data(), kMagic.data(), kMagic.size()) != 0) {
    return Status::Corruption("index.snap: bad magic");
  }
  if (DecodeFixed64(h.data() + 120) != Xxh3(h.data(), 120)) {
    return Status::Corruption("index.snap: header checksum mismatch");
  }
  if (DecodeFixed32(h.data() + 8) != kSnapshotVersion || DecodeFixed32(h.data() + 12) != 16) {
    return Status::Corruption("index.snap: unsupported version or slot size");
  }
  LoadedSnapshot out{SnapshotMeta{}, CidIndex()};
  SnapshotMeta& m = out.meta;
  std::memcpy(m.store_id.data(), h.data() + 16, m.store_id.size());
  m.segment = DecodeFixed32(h.data() + 32);
  m.offset = DecodeFixed32(h.data() + 36);
  m.next_sequence = DecodeFixed64(h.data() + 40);
  m.last_segment = DecodeFixed32(h.data() + 48);
  m.last_offset = DecodeFixed32(h.data() + 52);
  const uint64_t capacity = DecodeFixed64(h.data() + 56);
  const uint64_t count = DecodeFixed64(h.data() + 64);
  m.logical_bytes = DecodeFixed64(h.data() + 72);
  m.typed_records = DecodeFixed64(h.data() + 88);
  const uint64_t slots_checksum = DecodeFixed64(h.data() + 80);
  for (size_t i = 96; i < 120; ++i) {
    if (h[i] != 0) return Status::Corruption("index.snap: reserved header bytes not zero");
  }
  if (capacity < CidIndex::kMinCapacity || capacity > CidIndex::kMaxCapacity) {
    return Status::Corruption("index.snap: capacity " + std::to_string(capacity) + " outside [" +
                              std::to_string(CidIndex::kMinCapacity) + ", " +
                              std::to_string(CidIndex::kMaxCapacity) + "]");
  }
  if (size != kSnapshotHeaderBytes + capacity * sizeof(Slot)) {
    return Status::Corruption("index.snap: size " + std::to_string(size) +
                              " does not match capacity " + std::to_string(capacity));
  }
  std::vector<Slot> slots(capacity);
  std::span<uint8_t> bytes(reinterpret_cast<uint8_t*>(slots.data()), capacity * sizeof(Slot));
  DDC_ASSIGN_OR_RETURN(size_t n, file->Read(kSnapshotHeaderBytes, bytes));
  if (n != bytes.size()) return Status::Corruption("index.snap: slots truncated");
  if (Xxh3(bytes) != slots_checksum)
    return Status::Corruption("index.snap: slots checksum mismatch");
  auto index = CidIndex::FromSlots(std::move(slots), count);
  if (!index.ok()) return index.status().WithContext("index.snap");
  out.index = std::move(index).value();
  return out;
}

}  // namespace ddc::index
