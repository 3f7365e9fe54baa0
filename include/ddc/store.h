// Store: a content-addressed, log-structured store of blobs and signed user events.
//
// Blobs and events are appended to segment files through a single group-commit writer and found
// again by their CID through an in-memory index. Putting the same bytes twice stores them once.
// Events (event.h) are verified, then placed in their user's timeline and in the journal
// (timeline.h); signed checkpoints of the journal seal every timeline, and the proofs here let
// anyone check an event against a checkpoint with verify.h alone.
//
// Thread safety: every method may be called concurrently from any number of threads. Puts from
// many threads are batched into shared group commits; reads never wait for the writer's I/O.
// Close() must not race with other calls; the destructor closes if Close() was not called.
#ifndef DDC_STORE_H_
#define DDC_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/cid.h"
#include "ddc/erasure.h"
#include "ddc/event.h"
#include "ddc/grants.h"
#include "ddc/iterator.h"
#include "ddc/names.h"
#include "ddc/options.h"
#include "ddc/status.h"
#include "ddc/timeline.h"
#include "ddc/verify.h"

namespace ddc {

struct StoreStats {
  uint64_t records = 0;        // Distinct records (blobs, events, checkpoints) stored.
  uint64_t logical_bytes = 0;  // Sum of blob sizes as put.
  uint64_t log_bytes = 0;      // Bytes in segment files (framing and compression included).
  uint32_t segments = 0;       // Segment files.
  uint64_t index_bytes = 0;    // RAM held by the CID index.
  double index_bytes_per_record = 0;
  uint64_t puts = 0;                  // PutBlob calls that succeeded since open.
  uint64_t dedup_hits = 0;            // ... of which found the blob already stored.
  uint64_t gets = 0;                  // Blobs read (Get and each MultiGet entry) since open.
  uint64_t group_commits = 0;         // Group commits since open.
  uint64_t syncs = 0;                 // fdatasync calls since open.
  uint64_t compressed_records = 0;    // Records written zstd-compressed since open.
  uint64_t snapshots_written = 0;     // Index snapshots written since open.
  uint64_t replayed_records = 0;      // Records replayed from the log at open.
  bool opened_from_snapshot = false;  // The index came from a snapshot at open.
  bool events_from_snapshot = false;  // ... and the timelines from events.snap.
  uint64_t events = 0;                // Events in all timelines (= journal size).
  uint64_t timelines = 0;             // (bucket, user) timelines.
  uint64_t checkpoints = 0;           // Checkpoints stored.
  uint64_t appends = 0;               // Events accepted since open (re-sends included).
  uint64_t event_state_bytes = 0;     // RAM held by timelines, trees and the event-id index.
  std::string io_backend;             // "io_uring", "posix" or the test backend's name.
  std::string recovery;               // What open did to recover, or "clean".
};

// What Store::Verify checked. Besides the log itself (segments, record checksums, sequences,
// CIDs, the index snapshot), Verify decodes every event record and verifies its user's
// signature, rebuilds every timeline and the journal in log order with the rules Append
// enforces (positions, unique ids, prev = the timeline's last event, timestamps that never go
// back), and checks every checkpoint record: its size is within the journal written before
// it, its root is the rebuilt journal root at that size, and its signature verifies under the
// node key when one is known. Name records are decoded, their signatures verified (and their
// signer checked against Options::bucket_owner when given), and each name's sequence numbers
// must rise in log order.
struct VerifyReport {
  uint32_t segments = 0;
  uint64_t records = 0;
  uint64_t log_bytes = 0;
  bool snapshot_checked = false;  // index.snap existed and every entry matched the log.
  uint64_t events = 0;            // Event records, each decoded and its signature verified.
  uint64_t timelines = 0;         // (bucket, user) timelines rebuilt from them.
  uint64_t batch_signatures = 0;  // Distinct batch signatures verified (each once).
  uint64_t checkpoints = 0;       // Checkpoint records checked against the rebuilt journal.
  uint64_t grants = 0;            // Grant records, each decoded and its signature verified.
  uint64_t tombstones = 0;        // Tombstone records, likewise.
  uint64_t names = 0;             // Name records, likewise, and their sequence order checked.
  // A node key was known (Options::node_key_seed, else the store's node.key) and every
  // checkpoint's signature was checked under it. False: signatures could not be checked.
  bool checkpoint_signatures_checked = false;
  // Checkpoints signed by a key other than the node's current one (it changed since, through
  // Options::node_key_seed): their roots are checked, their signatures cannot be.
  uint64_t other_key_checkpoints = 0;
  std::string notes;  // Things that are not errors, e.g. a torn tail that the next open will
                      // truncate; empty when none.
};

struct VerifyProgress {
  uint64_t bytes_done = 0;
  uint64_t bytes_total = 0;
  uint64_t records = 0;
  uint64_t events = 0;  // Event records verified so far.
};

class Store {
 public:
  // Opens (or creates, see Options) the store in options.dir. Fails with Busy when another
  // process holds it, Corruption when the log is damaged other than at its tail (a torn tail is
  // truncated and reported in Stats().recovery), InvalidArgument for bad options.
  static Result<std::unique_ptr<Store>> Open(const Options& options);

  // Checks a closed store without changing it: every segment header, every record's header and
  // body checksums, sequence continuity, that every record's bytes hash to its CID, that the
  // index snapshot (if any) points exactly at the records of the log, every event's encoding
  // and user signature, the timeline rules (unique ids, prev links, time order) replayed in log
  // order, and every checkpoint's root and node signature (node.key or node_key_seed) against
  // the rebuilt journal. Returns Corruption
  // naming the first bad thing (file, offset, what), Busy when the store is open elsewhere.
  // `progress` (optional) is called every few MiB.
  static Result<VerifyReport> Verify(
      const Options& options, const std::function<void(const VerifyProgress&)>& progress = {});

  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;

  // Syncs, writes an index snapshot and releases the directory. Further calls fail.
  virtual Status Close() = 0;

  // Stores `bytes` (at most Options::max_record_bytes) and returns its raw-codec CID. When the
  // call returns OK the blob is durable as Options::durability promises.
  virtual Result<Cid> PutBlob(std::span<const uint8_t> bytes) = 0;
  Result<Cid> PutBlob(std::string_view bytes) {
    return PutBlob(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  }

  // Stores several blobs in one group commit; results in input order. All-or-nothing is not
  // promised across blobs: each result says what happened to its blob. A large batch is
  // hashed on several cores while its first records are already being encoded.
  virtual std::vector<Result<Cid>> PutBlobs(std::span<const std::span<const uint8_t>> blobs) = 0;

  // The bytes stored under `cid`, checksum-verified. NotFound when absent.
  virtual Result<std::string> Get(const Cid& cid) = 0;
  virtual Result<bool> Contains(const Cid& cid) = 0;

  // Reads up to kMaxMultiGet blobs with batched I/O; results in input order.
  virtual std::vector<Result<std::string>> MultiGet(std::span<const Cid> cids) = 0;

  // Forces everything put so far to stable storage.
  virtual Status Sync() = 0;

  virtual StoreStats Stats() = 0;

  // An iterator over every record in log order, as of this call. See iterator.h.
  virtual std::unique_ptr<RecordIterator> NewIterator() = 0;

  // ---- Events and timelines (event.h, timeline.h) ----

  // Decodes and verifies `event` (strict encoding, the user's signature), then appends it to its
  // (bucket, user) timeline and to the journal. Nothing is written when a check fails:
  //   InvalidArgument: malformed, bad signature, or a timestamp before the timeline's last event;
  //   Conflict: the user's event id is taken by a different event, or `prev` is not the
  //             timeline's last event.
  // Re-sending an event already stored is idempotent: OK with its position and existed = true.
  // Durable on return as Options::durability promises.
  virtual Result<AppendResult> Append(std::span<const uint8_t> event) = 0;
  Result<AppendResult> Append(std::string_view event) {
    return Append(std::span(reinterpret_cast<const uint8_t*>(event.data()), event.size()));
  }
  // Appends several events in one group commit, in order; each gets its own result (a rejected
  // event does not stop the others). Signatures are verified on several cores, and a batch
  // signature shared by many events is checked once.
  virtual std::vector<Result<AppendResult>> AppendBatch(
      std::span<const std::span<const uint8_t>> events) = 0;

  // The stored event (Get(cid) returns its bytes). NotFound when absent or not an event.
  virtual Result<Event> GetEvent(const Cid& cid) = 0;

  // A timeline's state; NotFound when the user has no event in the bucket.
  virtual Result<TimelineInfo> Timeline(uint64_t bucket, const PublicKey& user) = 0;
  // Walks a timeline from `seek`. NotFound when the timeline does not exist.
  virtual Result<std::unique_ptr<EventIterator>> NewTimelineIterator(uint64_t bucket,
                                                                     const PublicKey& user,
                                                                     const TimelineSeek& seek) = 0;
  // The users of `bucket` (extract per app), in the order of their first event.
  virtual std::unique_ptr<UserIterator> NewUserIterator(uint64_t bucket) = 0;
  // Buckets holding at least one event, ascending.
  virtual std::vector<uint64_t> Buckets() = 0;

  // ---- Proofs (verify.h checks them) ----
  // Sizes must not exceed the current sizes; InvalidArgument otherwise. Each proof is built
  // from stored tree nodes in O(log n).

  virtual Result<Hash32> TimelineRoot(uint64_t bucket, const PublicKey& user, uint64_t size) = 0;
  virtual Result<std::vector<Hash32>> TimelineInclusionProof(uint64_t bucket, const PublicKey& user,
                                                             uint64_t position, uint64_t size) = 0;
  virtual Result<std::vector<Hash32>> TimelineConsistencyProof(uint64_t bucket,
                                                               const PublicKey& user,
                                                               uint64_t old_size,
                                                               uint64_t new_size) = 0;
  // The CID of the event at `position` of a timeline, erased or not: a CID reveals nothing of
  // an erased event's content, and whoever checks a root needs every leaf's CID.
  virtual Result<Cid> TimelineEventCid(uint64_t bucket, const PublicKey& user,
                                       uint64_t position) = 0;
  virtual JournalInfo Journal() = 0;
  virtual Result<Hash32> JournalRoot(uint64_t size) = 0;
  virtual Result<std::vector<Hash32>> JournalInclusionProof(uint64_t index, uint64_t size) = 0;
  virtual Result<std::vector<Hash32>> JournalConsistencyProof(uint64_t old_size,
                                                              uint64_t new_size) = 0;

  // Everything an auditor needs to check the event `cid` without this store: the event, its
  // timeline inclusion at its own position, the journal inclusion of that timeline state, and
  // the newest checkpoint that covers it. NotFound when the event is absent or no checkpoint
  // covers it yet (call Checkpoint() first).
  virtual Result<EventProof> ProveEvent(const Cid& cid) = 0;

  // ---- Checkpoints ("time capsules") ----

  // Signs the current journal size and root with the node key (C2SP tlog-checkpoint), stores
  // the note durably and returns it. Also made every Options::checkpoint_interval_ms.
  virtual Result<CheckpointRecord> Checkpoint() = 0;
  // Every stored checkpoint, oldest first.
  virtual std::vector<CheckpointRecord> Checkpoints() = 0;
  // The verifier key of the node key, in signed-note form: name+keyid+base64(0x01||key).
  virtual std::string NodeVerifierKey() = 0;

  // ---- Grants (grants.h) ----

  // Stores a signed grant after checking its encoding, its signature and the granter's right:
  // the user itself for a grant of the user's scope, or the bucket's owner
  // (Options::bucket_owner) for any grant (an app-level grant needs the owner).
  // PermissionDenied otherwise; Erased when the user's timeline was erased before. Storing the
  // same grant twice stores it once.
  virtual Result<Cid> PutGrant(std::span<const uint8_t> grant) = 0;
  Result<Cid> PutGrant(std::string_view grant) {
    return PutGrant(std::span(reinterpret_cast<const uint8_t*>(grant.data()), grant.size()));
  }
  // The grants served now (destroyed ones are not), in the order they were stored.
  virtual std::vector<GrantRecord> GrantsForGrantee(const BoxPublicKey& grantee) = 0;
  virtual std::vector<GrantRecord> GrantsForScope(uint64_t bucket, std::string_view scope) = 0;

  // ---- Erasure (erasure.h) ----

  // Applies a signed tombstone: checks its encoding, its signature and the signer's right (the
  // user, or the bucket's owner), that its event (if it names one) is an event of that user's
  // timeline in that bucket, then writes it durably and erases. NotFound when the event or
  // timeline does not exist. Applying the same tombstone again changes nothing.
  virtual Result<EraseResult> Erase(std::span<const uint8_t> tombstone) = 0;
  Result<EraseResult> Erase(std::string_view tombstone) {
    return Erase(std::span(reinterpret_cast<const uint8_t*>(tombstone.data()), tombstone.size()));
  }
  // The tombstones stored for (bucket, user), in log order.
  virtual std::vector<TombstoneRecord> Tombstones(uint64_t bucket, const PublicKey& user) = 0;
  // For an erased event: the tombstone and the event's place in its timeline (erasure.h).
  // NotFound when `event` is not an erased event.
  virtual Result<ErasureProof> ProveErasure(const Cid& event) = 0;

  // ---- Names (names.h) ----

  // Stores a signed name record after checking its encoding and signature, and that its signer
  // is the bucket's owner as Options::bucket_owner answers (PermissionDenied when it is not,
  // when the resolver answers no owner for the bucket, or when there is no resolver). Conflict
  // when its sequence number is not above that of the name's current record, unless it is the
  // current record itself, byte for byte: then OK with existed = true and nothing is written.
  // Durable on return as Options::durability promises; GetName answers it from then on.
  virtual Result<PutNameResult> PutName(std::span<const uint8_t> record) = 0;
  Result<PutNameResult> PutName(std::string_view record) {
    return PutName(std::span(reinterpret_cast<const uint8_t*>(record.data()), record.size()));
  }
  // The current (highest-sequence) record of `name` in `bucket`. NotFound when there is none;
  // InvalidArgument when `name` breaks the name rules. The target is not read: a target that
  // was erased answers Erased only when it is read (Get, GetEvent).
  virtual Result<StoredName> GetName(uint64_t bucket, std::string_view name) = 0;
  // The current record of every name of `bucket`, in byte order of the names.
  virtual std::vector<StoredName> Names(uint64_t bucket) = 0;
};

}  // namespace ddc

#endif  // DDC_STORE_H_
