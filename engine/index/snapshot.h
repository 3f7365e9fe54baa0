// Index snapshots: the CID index written to "index.snap" so that opening a store replays only
// the log written after it. Layout in docs/FORMAT.md ("Index snapshot"): a 128-byte header with
// its own checksum, then the table's slots verbatim, covered by a second checksum.
//
// A snapshot records the log position it covers (segment, offset, next sequence) and where the
// last covered record lives; the store checks both against the log before trusting it, and
// rebuilds the index from the segments when anything disagrees.
#ifndef DDC_ENGINE_INDEX_SNAPSHOT_H_
#define DDC_ENGINE_INDEX_SNAPSHOT_H_

#include <cstdint>
#include <span>
#include <string>

#include "ddc/status.h"
#include "engine/index/cid_index.h"
#include "engine/io/file_system.h"
#include "engine/log/format.h"

namespace ddc::index {

inline constexpr char kSnapshotFileName[] = "index.snap";
inline constexpr char kSnapshotTempFileName[] = "index.snap.tmp";
inline constexpr size_t kSnapshotHeaderBytes = 128;
inline constexpr uint32_t kSnapshotVersion = 1;

struct SnapshotMeta {
  log::StoreId store_id{};
  uint32_t segment = 0;  // Covered log position: the next record starts here.
  uint32_t offset = 0;
  uint64_t next_sequence = 1;
  uint32_t last_segment = 0;   // Location of the last covered record (sequence
  uint32_t last_offset = 0;    // next_sequence - 1); 0/0 when it covers no record.
  uint64_t logical_bytes = 0;  // Sum of covered records' raw value lengths.
  uint64_t typed_records = 0;  // Covered records that are not blobs (events, checkpoints):
                               // zero lets an open skip the scan that rebuilds timelines.
};

// Writes the snapshot to a temporary file, syncs it, renames it over index.snap and syncs the
// directory: a crash leaves either the old snapshot or the new one.
Status WriteSnapshot(io::FileSystem* fs, const std::string& dir, const SnapshotMeta& meta,
                     std::span<const Slot> slots, uint64_t count);

struct LoadedSnapshot {
  SnapshotMeta meta;
  CidIndex index;
};
// NotFound when there is no snapshot; Corruption (saying what) when it fails a check.
Result<LoadedSnapshot> ReadSnapshot(io::FileSystem* fs, const std::string& dir);

}  // namespace ddc::index

#endif  // DDC_ENGINE_INDEX_SNAPSHOT_H_
