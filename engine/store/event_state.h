// EventState: the in-memory state of every timeline and of the journal.
//
// Rebuilt at open from the event records of the log, in log order, and extended by the group
// leader as it writes event records. Two sizes per tree: the *assigned* size (events the leader
// has placed, possibly not yet written) and the *committed* size (events whose group commit
// succeeded). Readers only ever look at committed sizes, so a write that fails after events
// were assigned (the store then refuses further writes) never shows them.
//
// Thread safety: none inside. The store guards it with a shared mutex: the leader assigns and
// publishes under the exclusive lock, readers use the shared lock. Tree nodes within a
// committed size never change, so a reader's proof is consistent with the roots it reports.
#ifndef DDC_ENGINE_STORE_EVENT_STATE_H_
#define DDC_ENGINE_STORE_EVENT_STATE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "ddc/cid.h"
#include "ddc/event.h"
#include "ddc/status.h"
#include "engine/index/cid_index.h"
#include "engine/store/event_snapshot.h"
#include "engine/store/id_table.h"
#include "engine/timeline/merkle_tree.h"

namespace ddc {

struct TimelineKey {
  uint64_t bucket = 0;
  PublicKey user{};
  bool operator==(const TimelineKey&) const = default;
};

struct TimelineKeyHash {
  size_t operator()(const TimelineKey& k) const noexcept;
};

struct TimelineState {
  TimelineKey key;
  std::vector<uint64_t> journal_indexes;  // Position -> journal index (ascending).
  timeline::MemoryTree tree;              // Over the event CIDs.
  uint64_t committed = 0;                 // Size readers see.
  uint64_t last_time_ms = 0;              // Of the last assigned event.
  Cid head;                               // Last assigned event.
  Cid committed_head;                     // Last committed event.

  uint64_t assigned() const { return journal_indexes.size(); }
};

class EventState {
 public:
  // What an event would do to the state.
  struct Check {
    bool existed = false;  // The same event is already assigned: nothing to write.
    uint64_t position = 0;
    uint64_t journal_index = 0;
  };
  // Resolves a journal index to the CID of its event (committed ones are read from the log,
  // assigned ones come from memory): needed when an event id is already taken.
  using CidOf = std::function<Result<Cid>(uint64_t journal_index)>;

  // Checks `event` (with CID `cid`) against the assigned state: the same event again (existed),
  // its event id taken by another event (Conflict), `prev` not the timeline head (Conflict), a
  // timestamp before the head's (InvalidArgument); else the position it would get.
  // `id_hash` is HashId(event.bucket, event.user, event.id), which the append path computes
  // on the calling threads rather than in the serial group commit.
  Result<Check> CheckEvent(const Event& event, const Cid& cid, const IdTable::Key& id_hash,
                           const CidOf& cid_of) const;
  Result<Check> CheckEvent(const Event& event, const Cid& cid, const CidOf& cid_of) const {
    return CheckEvent(event, cid, HashId(event.bucket, event.user, event.id), cid_of);
  }

  // Assigns the next position and journal index. REQUIRES: CheckEvent said it is new, and
  // id_hash is the event's HashId. Returns the journal index.
  uint64_t Assign(const Event& event, const Cid& cid, const IdTable::Key& id_hash,
                  const index::Location& location);
  uint64_t Assign(const Event& event, const Cid& cid, const index::Location& location) {
    return Assign(event, cid, HashId(event.bucket, event.user, event.id), location);
  }

  // The 128-bit name of an event id within its timeline: BLAKE2b of (bucket, user, id).
  static IdTable::Key HashId(uint64_t bucket, const PublicKey& user, const std::string& id);
  // Starts loading the id table slot of `id_hash` (the leader does this a few events ahead).
  void PrefetchId(const IdTable::Key& id_hash) const { ids_.Prefetch(id_hash); }

  // Makes every assigned event visible to readers.
  void Publish();

  // Read side: committed state only.
  const TimelineState* Find(uint64_t bucket, const PublicKey& user) const;
  // Writer side: the timeline with its assigned events, even before any is committed.
  const TimelineState* FindAssigned(uint64_t bucket, const PublicKey& user) const;
  uint64_t journal_committed() const { return journal_committed_; }
  uint64_t journal_assigned() const { return journal_locations_.size(); }
  const timeline::MemoryTree& journal_tree() const { return journal_tree_; }
  const index::Location& location(uint64_t journal_index) const {
    return journal_locations_[journal_index];
  }
  // The (position) of journal entry `j` within `t`, by binary search.
  std::optional<uint64_t> PositionOf(const TimelineState& t, uint64_t journal_index) const;
  // The journal index of the committed event with this id, if any.
  std::optional<uint64_t> FindId(uint64_t bucket, const PublicKey& user,
                                 const std::string& id) const;
  // The users of `bucket` with committed events, first-event order.
  std::vector<const TimelineState*> Users(uint64_t bucket) const;
  std::vector<uint64_t> Buckets() const;
  uint64_t timelines() const { return timelines_.size(); }
  size_t MemoryBytes() const;

  // The committed state for events.snap (checkpoints are the store's to add), and the state
  // rebuilt from one: trees from their leaf hashes. Restore REQUIRES an empty state; it fails
  // with Corruption when the data is inconsistent.
  void Export(EventSnapshotData* out) const;
  Status Restore(const EventSnapshotData& data);

  // An assigned-but-maybe-uncommitted CID of journal entry `j`, if the state still holds it in
  // memory (entries assigned since the last Publish).
  std::optional<Cid> PendingCid(uint64_t journal_index) const;

 private:
  std::unordered_map<TimelineKey, std::unique_ptr<TimelineState>, TimelineKeyHash> timelines_;
  std::map<uint64_t, std::vector<TimelineState*>> bucket_users_;
  // Event id (128-bit hash of bucket, user and id) -> journal index. 2^-128 collision odds.
  IdTable ids_;
  std::vector<index::Location> journal_locations_;  // Journal index -> event record.
  timeline::MemoryTree journal_tree_;
  uint64_t journal_committed_ = 0;
  // Since the last Publish: timelines touched and CIDs assigned.
  std::vector<TimelineState*> touched_;
  std::vector<Cid> pending_cids_;  // Journal indexes journal_committed_...
};

}  // namespace ddc

#endif  // DDC_ENGINE_STORE_EVENT_STATE_H_
