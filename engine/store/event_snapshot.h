// events.snap: the timelines, the journal, the event-id index, the checkpoints and the signed
// records (grants, tombstones, current names) as of the
// log position an index snapshot covers, so that opening a store of events does not decode
// every event record again (docs/FORMAT.md "Event snapshot"). Written beside index.snap, for
// the same position (tmp file, fdatasync, rename, directory sync); an open uses it only when
// its position, store id and record count agree with the loaded index snapshot, and rebuilds
// from the log otherwise.
#ifndef DDC_ENGINE_STORE_EVENT_SNAPSHOT_H_
#define DDC_ENGINE_STORE_EVENT_SNAPSHOT_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "ddc/cid.h"
#include "ddc/event.h"
#include "ddc/status.h"
#include "engine/index/cid_index.h"
#include "engine/index/snapshot.h"
#include "engine/io/file_system.h"
#include "engine/timeline/merkle.h"

namespace ddc {

inline constexpr char kEventSnapshotFileName[] = "events.snap";
inline constexpr char kEventSnapshotTempFileName[] = "events.snap.tmp";
inline constexpr uint32_t kEventSnapshotVersion = 3;  // Reads 1, 2 and 3.

struct EventSnapshotData {
  struct Timeline {
    uint64_t bucket = 0;
    PublicKey user{};
    uint64_t last_time_ms = 0;
    Cid head;
  };
  struct Entry {  // One journal entry, in journal order.
    index::Location location;
    uint32_t timeline = 0;  // Into `timelines`.
    timeline::Hash timeline_leaf{};
    timeline::Hash journal_leaf{};
  };
  struct Id {
    std::array<uint64_t, 2> hash{};
    uint64_t journal_index = 0;
  };
  struct Checkpoint {
    Cid cid;
    std::string note;
  };
  // A grant or tombstone record (version 2), or the current record of a name (version 3),
  // replayed at open: grants first, then tombstones, each in log order, then names.
  struct Record {
    uint8_t type = 0;    // log::RecordType: 4 grant, 5 tombstone, 6 name.
    uint64_t limit = 0;  // Tombstone: the size of its timeline when it was placed.
    Cid cid;
    std::string bytes;
  };
  std::vector<Timeline> timelines;  // In order of their first event.
  std::vector<Entry> journal;
  std::vector<Id> ids;
  std::vector<Checkpoint> checkpoints;
  std::vector<Record> records;
  // Name records in the covered log, superseded ones included (version 3; 0 before): only the
  // current record of each name is in `records`, and this keeps the count of typed records
  // checkable.
  uint64_t name_records = 0;
};

// Writes events.snap for the position `meta` covers.
Status WriteEventSnapshot(io::FileSystem* fs, const std::string& dir,
                          const index::SnapshotMeta& meta, const EventSnapshotData& data);

struct LoadedEventSnapshot {
  index::SnapshotMeta meta;  // store_id, segment, offset and next_sequence are set.
  EventSnapshotData data;
};
// NotFound when there is none; Corruption naming the problem when it is damaged.
Result<LoadedEventSnapshot> ReadEventSnapshot(io::FileSystem* fs, const std::string& dir);

}  // namespace ddc

#endif  // DDC_ENGINE_STORE_EVENT_SNAPSHOT_H_
