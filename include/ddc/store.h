// Store: a content-addressed, log-structured blob store.
//
// Blobs are appended to segment files through a single group-commit writer and found again by
// their CID through an in-memory index. Putting the same bytes twice stores them once.
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
#include "ddc/iterator.h"
#include "ddc/options.h"
#include "ddc/status.h"

namespace ddc {

struct StoreStats {
  uint64_t records = 0;        // Distinct blobs stored.
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
  std::string io_backend;             // "io_uring", "posix" or the test backend's name.
  std::string recovery;               // What open did to recover, or "clean".
};

// What Store::Verify checked.
struct VerifyReport {
  uint32_t segments = 0;
  uint64_t records = 0;
  uint64_t log_bytes = 0;
  bool snapshot_checked = false;  // index.snap existed and every entry matched the log.
  std::string notes;              // Things that are not errors, e.g. a torn tail that the next
                                  // open will truncate; empty when none.
};

struct VerifyProgress {
  uint64_t bytes_done = 0;
  uint64_t bytes_total = 0;
  uint64_t records = 0;
};

class Store {
 public:
  // Opens (or creates, see Options) the store in options.dir. Fails with Busy when another
  // process holds it, Corruption when the log is damaged other than at its tail (a torn tail is
  // truncated and reported in Stats().recovery), InvalidArgument for bad options.
  static Result<std::unique_ptr<Store>> Open(const Options& options);

  // Checks a closed store without changing it: every segment header, every record's header and
  // body checksums, sequence continuity, that every record's bytes hash to its CID, and that
  // the index snapshot (if any) points exactly at the records of the log. Returns Corruption
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
  // promised across blobs: each result says what happened to its blob.
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
};

}  // namespace ddc

#endif  // DDC_STORE_H_
