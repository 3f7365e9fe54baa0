// StoreImpl: the Store of include/ddc/store.h.
//
// Write path (LevelDB-style group commit): each PutBlobs call starts hashing and compressing its
// blobs on the calling thread and the process's worker pool (ParallelPipeline), then queues a
// Writer. The writer at the front of the queue becomes the leader: it takes the queued writers
// (up to group_commit_bytes), drops the mutex, and encodes their records into the buffer
// allocated at open, each as soon as it is prepared. It writes them with one write (plus one
// fdatasync in Durability::kSyncEveryGroup), inserts them into the index and wakes the group.
// Only the leader touches the "leader state" below, and it alone changes the index, so no lock
// guards that state during I/O and its own index lookups take no lock.
//
// After a failed write or sync the store stops accepting writes (Status::Failed naming the
// first error): what reached the file is unknown, and reopening recovers a consistent log.
// Reads keep working.
//
// Events (store_event.cc) ride the same path as records of type kEvent: callers decode and
// verify them, and the leader places each one in its timeline and the journal (EventState) as
// it encodes it, then publishes the group's events once the group is durable.
//
// Lock order: mu_ -> sync_mu_ -> segments_mu_ / index_mu_ (the last two are never nested);
// checkpoint_mu_ -> events_mu_. events_mu_ is otherwise taken alone.
// Reads take only one stripe of index_mu_ and find segment files without a lock.
#ifndef DDC_ENGINE_STORE_STORE_IMPL_H_
#define DDC_ENGINE_STORE_STORE_IMPL_H_

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ddc/store.h"
#include "engine/base/parallel.h"
#include "engine/base/striped_mutex.h"
#include "engine/event/unsigned_cid.h"
#include "engine/index/cid_index.h"
#include "engine/index/snapshot.h"
#include "engine/io/file_system.h"
#include "engine/log/format.h"
#include "engine/log/segment_reader.h"
#include "engine/store/event_state.h"
#include "engine/timeline/checkpoint.h"

namespace ddc {

inline constexpr char kLockFileName[] = "LOCK";
inline constexpr char kNodeKeyFileName[] = "node.key";

// The file system `options` ask for: options.file_system, or the real one per io_backend.
// A fallback from io_uring to POSIX is reported through `log` once per process.
Result<io::FileSystem*> ChooseFileSystem(const Options& options,
                                         const std::function<void(const std::string&)>& log);
// Writes a diagnostic line to options.info_log, or standard error.
void LogLine(const Options& options, const std::string& line);

// A tombstone on its way through the writer: the leader fills `events` with what it erases.
struct PendingErasure {
  TombstoneRecord record;
  std::vector<std::pair<Cid, uint64_t>> events;  // Erased events and their positions.
  // In: the most timeline positions to consider (a replay from events.snap passes what the
  // first placement saw). Out: the timeline size the placement saw.
  uint64_t limit = UINT64_MAX;
  uint64_t grants_destroyed = 0;  // Set by ApplyErasure.
};

class StoreImpl final : public Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const Options& options);
  ~StoreImpl() override;

  Status Close() override;
  Result<Cid> PutBlob(std::span<const uint8_t> bytes) override;
  std::vector<Result<Cid>> PutBlobs(std::span<const std::span<const uint8_t>> blobs) override;
  Result<std::string> Get(const Cid& cid) override;
  Result<bool> Contains(const Cid& cid) override;
  std::vector<Result<std::string>> MultiGet(std::span<const Cid> cids) override;
  Status Sync() override;
  StoreStats Stats() override;
  std::unique_ptr<RecordIterator> NewIterator() override;

  // Events, timelines, proofs, checkpoints (store_event.cc).
  Result<AppendResult> Append(std::span<const uint8_t> event) override;
  std::vector<Result<AppendResult>> AppendBatch(
      std::span<const std::span<const uint8_t>> events) override;
  Result<Event> GetEvent(const Cid& cid) override;
  Result<TimelineInfo> Timeline(uint64_t bucket, const PublicKey& user) override;
  Result<std::unique_ptr<EventIterator>> NewTimelineIterator(uint64_t bucket, const PublicKey& user,
                                                             const TimelineSeek& seek) override;
  std::unique_ptr<UserIterator> NewUserIterator(uint64_t bucket) override;
  std::vector<uint64_t> Buckets() override;
  Result<Hash32> TimelineRoot(uint64_t bucket, const PublicKey& user, uint64_t size) override;
  Result<std::vector<Hash32>> TimelineInclusionProof(uint64_t bucket, const PublicKey& user,
                                                     uint64_t position, uint64_t size) override;
  Result<std::vector<Hash32>> TimelineConsistencyProof(uint64_t bucket, const PublicKey& user,
                                                       uint64_t old_size,
                                                       uint64_t new_size) override;
  Result<Cid> TimelineEventCid(uint64_t bucket, const PublicKey& user, uint64_t position) override;
  JournalInfo Journal() override;
  Result<Hash32> JournalRoot(uint64_t size) override;
  Result<std::vector<Hash32>> JournalInclusionProof(uint64_t index, uint64_t size) override;
  Result<std::vector<Hash32>> JournalConsistencyProof(uint64_t old_size,
                                                      uint64_t new_size) override;
  Result<EventProof> ProveEvent(const Cid& cid) override;
  Result<CheckpointRecord> Checkpoint() override;
  std::vector<CheckpointRecord> Checkpoints() override;
  std::string NodeVerifierKey() override;

  // Grants and erasure (store_erasure.cc).
  Result<Cid> PutGrant(std::span<const uint8_t> grant) override;
  std::vector<GrantRecord> GrantsForGrantee(const BoxPublicKey& grantee) override;
  std::vector<GrantRecord> GrantsForScope(uint64_t bucket, std::string_view scope) override;
  Result<EraseResult> Erase(std::span<const uint8_t> tombstone) override;
  std::vector<TombstoneRecord> Tombstones(uint64_t bucket, const PublicKey& user) override;
  Result<ErasureProof> ProveErasure(const Cid& event) override;

  // Names (store_names.cc).
  Result<PutNameResult> PutName(std::span<const uint8_t> record) override;
  Result<StoredName> GetName(uint64_t bucket, std::string_view name) override;
  std::vector<StoredName> Names(uint64_t bucket) override;

  // Erased when `cid` names an erased event or a destroyed grant. Takes events_mu_ (shared).
  Status CheckNotErased(const Cid& cid) const;

  // The event at `position` of a committed timeline, for iterators. NotFound past the end;
  // Erased for an erased event unless `include_erased` (internal use: its timestamp).
  struct StoredEvent {
    Cid cid;
    std::string bytes;
    Event event;
  };
  Result<StoredEvent> ReadTimelineEvent(const TimelineKey& key, uint64_t position,
                                        uint64_t* committed_size, bool include_erased);

  // A blob after hashing and compression, ready for the writer.
  struct Prepared {
    log::RecordType type = log::RecordType::kBlob;
    Event* event = nullptr;          // kEvent: the decoded envelope (no scopes),
    IdTable::Key event_id_hash{};    // and EventState::HashId of its id.
    AppendResult* append = nullptr;  // kEvent: where the writer reports its placement.
    const CheckpointRecord* checkpoint = nullptr;  // kCheckpoint: listed once committed.
    const GrantRecord* grant = nullptr;            // kGrant: listed once committed.
    PendingErasure* erasure = nullptr;             // kTombstone: placed by the leader, applied
                                                   // once committed.
    const StoredName* name = nullptr;              // kName: its sequence checked by the leader,
                                                   // made current once committed.
    Cid cid;
    std::span<const uint8_t> stored;  // The caller's bytes or `compressed`.
    std::string compressed;
    uint32_t raw_length = 0;
    uint8_t flags = 0;
    uint64_t body_checksum = 0;   // XXH3 of the binary CID || stored bytes.
    Status status;                // Non-OK: rejected before writing.
    bool dedup = false;           // Already stored, or earlier in the same group commit.
    bool dedup_in_group = false;  // ... earlier in the same group commit: it shares that
                                  // blob's fate if the commit fails.
  };

  // Everything iterators and tools need to walk the log as of now.
  struct LogView {
    std::vector<std::pair<uint32_t, std::shared_ptr<io::File>>> segments;  // In id order.
    uint32_t end_segment = 0;
    uint64_t end_offset = 0;
    uint64_t first_sequence = 1;
  };
  LogView SnapshotLogView();

 private:
  struct Writer {
    std::span<Prepared> blobs;
    // Non-null: blobs[i] is still being prepared until preparing->Await(preparing_base + i)
    // returns; whoever commits the writer waits for each record in turn (see Submit).
    ParallelPipeline* preparing = nullptr;
    size_t preparing_base = 0;
    uint64_t bytes = 0;  // Upper bound of the bytes the records take in the log.
    bool done = false;
    std::condition_variable cv;
  };

  explicit StoreImpl(const Options& options);

  // Open (store_open.cc).
  Status OpenOrCreate();
  Status CreateNew();
  Status LoadSegments(std::vector<uint32_t> ids);
  Status TryLoadSnapshot(uint32_t* start_segment, uint64_t* start_offset);
  Status Replay(uint32_t start_segment, uint64_t start_offset);
  void Note(const std::string& line);
  void Log(const std::string& line) const;

  // Writes (store_write.cc).
  void Prepare(std::span<const uint8_t> bytes, Codec codec, Prepared* out) const;
  // Prepare for each of `items` into out[0, items.size()), hashing them several at a time
  // (Blake2b256Many). An item whose out[i].status already holds an error is skipped.
  void PrepareMany(std::span<const std::span<const uint8_t>> items, Codec codec,
                   Prepared* out) const;
  // Queues prepared records for the group-commit writer and waits until they are committed
  // (or failed); each Prepared's status says which. With `preparing`, the records are still
  // being prepared by it (`sources` are their raw bytes, whose sizes bound the log bytes): the
  // group commit takes each record as soon as it is ready, so that preparing later records
  // overlaps writing earlier ones.
  void Submit(std::span<Prepared> prepared, ParallelPipeline* preparing = nullptr,
              std::span<const std::span<const uint8_t>> sources = {});
  // Verifies the signatures of prepared[begin, end) (store_event.cc).
  static void VerifyChunk(size_t begin, size_t end,
                          std::span<const std::span<const uint8_t>> events,
                          const std::vector<Event>& decoded,
                          const std::vector<event_internal::EventLayout>& layouts,
                          const std::vector<timeline::Hash>& leaves,
                          std::vector<Prepared>& prepared);
  // Checks the batch-signed events `members` (indexes into the vectors) of one batch: paths
  // (leaves = their leaf hashes) and the signature once; sets a failing event's status.
  static void CheckBatch(const PublicKey& user, const Hash32& root, uint64_t size,
                         const Signature& signature, const std::vector<size_t>& members,
                         const std::vector<Event>& decoded,
                         const std::vector<timeline::Hash>& leaves,
                         std::vector<Prepared>& prepared);
  // The CID of journal entry `journal_index`: from memory while its group is being written,
  // else from its record. REQUIRES: leader state (or Open alone).
  Result<Cid> JournalEventCid(uint64_t journal_index) const;
  // Places an event record (store_event.cc); called by the leader in WriteGroup.
  Status WriteEventRecord(Prepared& p);
  // Encodes one record into the write buffer (flushing or rolling over first if needed).
  Status BufferRecord(const Prepared& p, const std::optional<index::Location>& replaces,
                      index::Location* location);
  Status ReplayEventRecord(const Cid& cid, std::span<const uint8_t> value,
                           const index::Location& loc, const std::string& where);
  Status ReplayEvents(uint32_t end_segment, uint64_t end_offset);
  Status ReplayTypedRecord(const log::ScannedRecord& rec, const Cid& cid,
                           const index::Location& loc);
  // Grants and tombstones (store_erasure.cc). PlaceTombstone finds the events a tombstone
  // erases as of its place in the log (REQUIRES: leader state, or Open alone); ApplyErasure and
  // ListGrant make it visible (REQUIRES: events_mu_ held exclusively).
  Status PlaceTombstone(PendingErasure* erasure) const;
  void ApplyErasure(PendingErasure* erasure);
  void ListGrant(const GrantRecord& grant);
  Status ReplayGrantOrTombstone(log::RecordType type, const Cid& cid,
                                std::span<const uint8_t> value, const std::string& where,
                                uint64_t limit = UINT64_MAX);
  // Forgets grants and erasures (an event snapshot that could not be used).
  void ClearGrantsAndErasures();
  // Names (store_names.cc). CheckNameSequence decides, for the group leader, whether a name
  // record may be written: Conflict in p.status, or p.dedup for the current record again; it
  // looks at the committed names and at the names written earlier in the group (REQUIRES:
  // leader state). ApplyName makes a record current and counts it (REQUIRES: events_mu_ held
  // exclusively, or Open alone). ReplayName does both for a record of the log or events.snap
  // (Open alone); a record that does not follow its name's current one is corruption.
  void CheckNameSequence(Prepared& p);
  void ApplyName(const StoredName& name);
  Status ReplayName(const Cid& cid, std::span<const uint8_t> value, const std::string& where);
  // The signer may act for (bucket, user): it is the user, or the bucket's owner.
  Status CheckSigner(const PublicKey& signer, uint64_t bucket, const std::optional<PublicKey>& user,
                     std::string_view what) const;

  // The fields of a stored checkpoint note (its signature is checked by verify tools).
  Result<CheckpointRecord> CheckpointFromNote(std::string note) const;
  Status LoadNodeKey();
  void CheckpointLoop();
  void CommitGroup(std::unique_lock<std::mutex>& lock, Writer* leader);
  Status WriteGroup(const std::vector<Writer*>& group);
  Status FlushBuffer(bool sync);
  Status RollSegment();
  Status SyncActive();
  void MaybeStartSnapshot();
  index::SnapshotMeta SnapshotMetaNow() const;
  void StopBackgroundThreads();
  Status WriteSnapshotNow();
  // A copy of the committed event state for events.snap; null when the log holds no events or
  // checkpoints. REQUIRES: leader state (or Open/Close alone).
  std::unique_ptr<EventSnapshotData> ExportEvents() const;
  // Loads events.snap when it matches the index snapshot just loaded; false (with a note in
  // Stats().recovery) when it is missing or does not match, and the caller scans the log.
  bool TryLoadEventSnapshot(uint32_t segment, uint64_t offset);
  void SyncLoop();
  void SetFailed(const Status& error);

  // Reads (store_read.cc).
  // Index candidates for a CID: almost always 0 or 1, so the first few are held inline and a
  // lookup allocates nothing.
  class LocationList {
   public:
    void Add(const index::Location& loc) {
      if (n_ < inline_.size()) {
        inline_[n_] = loc;
      } else {
        more_.push_back(loc);
      }
      ++n_;
    }
    size_t size() const { return n_; }
    const index::Location& operator[](size_t i) const {
      return i < inline_.size() ? inline_[i] : more_[i - inline_.size()];
    }

   private:
    std::array<index::Location, 4> inline_{};
    std::vector<index::Location> more_;
    size_t n_ = 0;
  };
  // `leader`: the caller is the group leader, the only thread that changes the index, so it
  // reads it without taking index_mu_.
  LocationList Candidates(const Cid& cid, bool leader = false) const;
  // Reads and verifies the record at `loc`; NotFound when its key is not `cid` (a tag
  // collision), else its value.
  enum class ReadMode : uint8_t {
    kKey,       // Header and key only: is this the record of `cid`?
    kChecksum,  // The whole record, both checksums; no value returned.
    kValue,     // The whole record, checked, and its (decompressed) value.
  };
  Result<std::string> ReadRecord(const Cid& cid, const index::Location& loc, ReadMode mode) const;
  // The bytes of the record at `loc` (header and key only in ReadMode::kKey), unchecked.
  Result<std::string> ReadRecordBytes(const index::Location& loc, ReadMode mode) const;
  // Reads the record at `loc` whatever its CID (for locations that came from the journal).
  struct KeyedRecord {
    Cid cid;
    std::string value;  // Empty in ReadMode::kKey.
  };
  Result<KeyedRecord> ReadRecordAt(const index::Location& loc, ReadMode mode) const;
  Result<std::string> VerifyRecordBytes(const Cid& cid, const index::Location& loc,
                                        std::string&& bytes, ReadMode mode) const;
  // Where `cid` is stored. With ReadMode::kChecksum a copy that fails its checksums is
  // reported as `damaged` rather than as an error, so that a put can write a fresh one.
  struct Found {
    std::optional<index::Location> good;
    std::optional<index::Location> damaged;
  };
  Result<Found> Find(const Cid& cid, ReadMode mode, bool leader = false) const;
  Status CheckOpen() const;

  // Constant after Open.
  const Options options_;
  io::FileSystem* fs_ = nullptr;
  std::string dir_;
  log::StoreId store_id_{};
  std::unique_ptr<io::FileLock> lock_;
  uint64_t buffer_capacity_ = 0;
  std::string recovery_;  // What open did; "clean" when nothing.

  // Guarded by mu_.
  std::mutex mu_;
  std::deque<Writer*> writers_;
  Status failed_;                   // Non-OK once a write or sync failed.
  uint32_t committed_segment_ = 0;  // End of the acknowledged log, for iterators.
  uint64_t committed_offset_ = 0;

  // Leader state: touched only by the current group leader (or by Open/Close alone).
  std::unique_ptr<uint8_t[]> buffer_;
  uint64_t buffer_used_ = 0;
  uint64_t buffer_offset_ = 0;  // File offset of buffer_[0].
  uint32_t active_segment_ = 0;
  std::shared_ptr<io::File> active_file_;
  uint64_t write_offset_ = 0;    // End of data written to the active segment.
  uint64_t writeback_from_ = 0;  // Active segment bytes from here on got no write-back hint.
  uint64_t next_sequence_ = 1;
  uint32_t last_segment_ = 0;  // Location of the last record (for snapshots).
  uint32_t last_offset_ = 0;
  std::atomic<uint64_t> logical_bytes_{0};  // Written by the leader, read by Stats().
  std::atomic<uint64_t> log_bytes_{0};
  uint64_t bytes_since_snapshot_ = 0;
  uint64_t typed_records_ = 0;  // Records that are not blobs (see SnapshotMeta).
  struct PendingInsert {
    uint64_t tag;
    index::Location loc;
    std::optional<index::Location> replaces;  // A damaged copy this record supersedes.
  };
  std::vector<Writer*> group_;          // The writers of the group being committed.
  bool group_wrote_ = false;            // The group flushed data before its final write.
  std::vector<PendingInsert> pending_;  // Index updates of the group.
  // CIDs written by the current group, for deduplication within it: an open-addressing table
  // (allocated at open, half full at most) whose slots are current when their generation is.
  struct GroupSlot {
    uint64_t tag = 0;
    uint32_t generation = 0;
    uint32_t index = 0;  // Into group_cids_.
  };
  static constexpr uint32_t kGroupTableSlots = 2 * kMaxGroupRecords;
  static_assert((kGroupTableSlots & (kGroupTableSlots - 1)) == 0, "a power of two");
  std::vector<GroupSlot> group_table_;
  std::vector<Cid> group_cids_;
  uint32_t group_generation_ = 0;
  // The name records the group writes, by (bucket, name): the newest of each.
  std::map<std::pair<uint64_t, std::string>, const StoredName*> group_names_;
  void StartGroupTable();
  bool GroupContains(const Cid& cid, uint64_t tag) const;
  void GroupAdd(const Cid& cid, uint64_t tag);

  // Guarded by sync_mu_ (and the atomics readable without it).
  std::mutex sync_mu_;
  std::atomic<uint64_t> synced_offset_{0};   // Of the active segment.
  std::atomic<uint64_t> written_offset_{0};  // Of the active segment, for the sync thread.

  // Guarded by segments_mu_.
  mutable std::shared_mutex segments_mu_;
  std::vector<std::shared_ptr<io::File>> segments_;  // Indexed by segment id; owns the files.
  std::vector<std::unique_ptr<std::atomic<io::File*>[]>> segment_chunks_;

  // The read path's view of segments_, without a lock or a reference count: segments are only
  // added while the store is open and closed only by Close(), which must not race with reads,
  // so a published pointer stays valid. Two levels so that it costs nothing per unused id.
  static constexpr uint32_t kSegmentChunk = 1024;
  std::array<std::atomic<std::atomic<io::File*>*>, kMaxSegments / kSegmentChunk> segment_table_{};
  // REQUIRES: segments_mu_ held exclusively (or Open running alone).
  void PublishSegment(uint32_t id, io::File* file);
  io::File* SegmentFilePointer(uint32_t id) const;
  uint32_t first_segment_ = 1;
  uint64_t first_sequence_ = 1;

  // Guarded by index_mu_ (striped: lookups from many threads do not contend).
  mutable StripedSharedMutex index_mu_;
  index::CidIndex index_;

  // Guarded by events_mu_ (written by the group leader under the exclusive lock; see
  // event_state.h for what readers may see).
  mutable std::shared_mutex events_mu_;
  EventState events_;
  std::vector<CheckpointRecord> checkpoints_;
  std::vector<GrantRecord> grants_;               // In log order, destroyed ones included.
  std::vector<bool> grant_destroyed_;             // Parallel to grants_.
  std::unordered_map<Cid, size_t> grant_by_cid_;  // Into grants_.
  std::vector<TombstoneRecord> tombstones_;       // In log order.
  std::vector<uint64_t> tombstone_limits_;        // Parallel: PendingErasure::limit.
  struct ErasedEvent {
    size_t tombstone = 0;  // Into tombstones_.
    uint64_t position = 0;
  };
  std::unordered_map<Cid, ErasedEvent> erased_;
  // Timelines erased whole, with the tombstone's index, so that later grants for them can be
  // refused.
  std::unordered_map<TimelineKey, size_t, TimelineKeyHash> erased_timelines_;
  // The current record of every (bucket, name), ordered so that a bucket's names are a range.
  std::map<std::pair<uint64_t, std::string>, StoredName> names_;
  uint64_t name_records_ = 0;  // Name records in the log (superseded ones included).
  std::atomic<uint64_t> stat_appends_{0};

  // Constant after Open: the node key that signs checkpoints.
  std::unique_ptr<timeline::NoteSigner> signer_;
  std::string verifier_key_;
  std::string origin_;
  std::mutex checkpoint_mu_;  // Serializes Checkpoint() so that checkpoints_ is in log order.

  // Background work.
  std::thread checkpoint_thread_;
  std::thread sync_thread_;
  std::mutex sync_thread_mu_;
  std::condition_variable sync_thread_cv_;
  bool stop_sync_thread_ = false;  // Guarded by sync_thread_mu_.
  std::thread snapshot_thread_;
  std::atomic<bool> snapshot_running_{false};
  std::atomic<bool> closed_{false};
  bool open_done_ = false;

  // Statistics.
  // Bumped by every put and get from any thread: striped, so readers do not contend on them.
  mutable StripedCounter stat_puts_, stat_dedup_, stat_gets_;
  std::atomic<uint64_t> stat_groups_{0}, stat_syncs_{0}, stat_compressed_{0}, stat_snapshots_{0};
  uint64_t stat_replayed_ = 0;
  bool stat_from_snapshot_ = false;
  bool stat_events_from_snapshot_ = false;
};

}  // namespace ddc

#endif  // DDC_ENGINE_STORE_STORE_IMPL_H_
