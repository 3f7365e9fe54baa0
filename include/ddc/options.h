// Options for opening a Store. Plain struct, in-class defaults; each field says its trade-off.
#ifndef DDC_OPTIONS_H_
#define DDC_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "ddc/event.h"

namespace ddc {

namespace io {
class FileSystem;
}  // namespace io
class KeyStore;

// Hard limits. Every one is checked at the API boundary with a clear error.
inline constexpr uint32_t kMaxRecordBytes = 16u << 20;          // Largest blob accepted.
inline constexpr uint64_t kMinSegmentBytes = 64u << 10;         // Smallest segment_bytes.
inline constexpr uint64_t kMaxSegmentBytes = (1ull << 32) - 1;  // Offsets are 32-bit.
inline constexpr uint32_t kMaxSegments = 1u << 16;              // Segment ids are 16-bit.
inline constexpr uint32_t kMaxGroupRecords = 4096;              // Records per group commit.
inline constexpr uint32_t kMaxMultiGet = 1024;                  // CIDs per MultiGet call.

// When written data is forced to stable storage. Every mode keeps the store consistent after a
// crash (recovery truncates a torn tail); they differ in what acknowledged writes may be lost.
enum class Durability : uint8_t {
  // Each group commit ends with fdatasync before any of its puts returns. A put that returned
  // OK survives a crash of the process, the OS or the machine. Concurrent puts share one
  // fdatasync, so throughput grows with the number of writing threads. The default.
  kSyncEveryGroup,
  // A background thread calls fdatasync every `sync_interval_ms`. A put that returned OK
  // survives a crash of the process (the data is in the OS page cache); an OS or power failure
  // may lose up to about the last `sync_interval_ms` of acknowledged puts. Sync() still forces.
  kSyncInterval,
  // Never fdatasync except on Sync(), Close() and segment rollover. A process crash loses
  // nothing acknowledged; an OS or power failure may lose any puts since the last Sync().
  kNone,
};

enum class IoBackend : uint8_t {
  // io_uring when a ring can be created, else POSIX pread/pwrite (the reason is logged once).
  kAuto,
  // io_uring or fail Open with NotSupported.
  kUring,
  // POSIX pread/pwrite/fdatasync only.
  kPosix,
};

enum class Compression : uint8_t {
  // zstd-compress a blob when a cheap sample says it is compressible and the result saves at
  // least 1/8; otherwise store it as is. Costs a little CPU per put on incompressible data.
  kAuto,
  // Never compress.
  kNone,
};

struct Options {
  // Directory holding the store. Required.
  std::string dir;

  // Create the directory and an empty store when none exists. When false, opening a directory
  // without a store fails with NotFound.
  bool create_if_missing = true;

  // Fail with InvalidArgument when a store already exists in `dir`.
  bool error_if_exists = false;

  // Segment files roll over at this size. Larger segments mean fewer files and rarer syncs on
  // rollover; smaller ones make compaction (later) finer-grained. Between kMinSegmentBytes and
  // kMaxSegmentBytes; must exceed max_record_bytes plus framing.
  uint64_t segment_bytes = 256ull << 20;

  // Largest blob a put accepts, at most kMaxRecordBytes.
  uint32_t max_record_bytes = kMaxRecordBytes;

  // See Durability. Default: every acknowledged put is on stable storage.
  Durability durability = Durability::kSyncEveryGroup;

  // Period of the background fdatasync in Durability::kSyncInterval, in milliseconds (>= 1).
  uint32_t sync_interval_ms = 100;

  // Most bytes of records one group commit writes. Bigger groups amortize fdatasync over more
  // puts; the writer's buffer of this size (plus one record) is allocated at open.
  uint32_t group_commit_bytes = 4u << 20;

  // See IoBackend.
  IoBackend io_backend = IoBackend::kAuto;

  // See Compression.
  Compression compression = Compression::kAuto;

  // Write an index snapshot after this many bytes of log since the previous one (and always at
  // Close). Smaller values make reopening after a crash faster at the cost of rewriting the
  // index more often. 0 disables periodic snapshots (Close still writes one).
  uint64_t snapshot_interval_bytes = 1ull << 30;

  // Check every record's checksums when replaying the log at open (always done for the tail
  // after the snapshot; this also re-reads segments the snapshot covers). Slow; for tools.
  bool paranoid_open = false;

  // The node's ed25519 key, as its 32-byte seed, which signs checkpoints. Empty: the store's own
  // key, generated when the store is created and kept in `node.key` in the directory (mode
  // 0600). A seed of any other length fails Open with InvalidArgument.
  std::string node_key_seed;

  // The checkpoint origin line and signed-note key name: a unique, stable name for this log
  // (C2SP tlog-checkpoint). Empty: "ddc.local/" + the first 8 bytes of the store id in hex.
  std::string checkpoint_origin;

  // Sign and store a checkpoint of the journal this often, in milliseconds, when it grew since
  // the last one. 0: only when Store::Checkpoint() is called.
  uint32_t checkpoint_interval_ms = 0;

  // Who owns a bucket (an app's ed25519 key): the owner may sign grants for every user of the
  // bucket and tombstones for any of its users, besides the users themselves. Null, or nullopt
  // for a bucket: only users may sign for their own data. (The chain layer will answer this
  // from the bucket registry.)
  std::function<std::optional<PublicKey>(uint64_t bucket)> bucket_owner;

  // A keystore holding the master keys of scope encryption (see keystore.h), named
  // "master/<bucket>/<user hex>" per user and "master/<bucket>" per app. When set, erasing a
  // user's whole timeline shreds that user's master keys from it (crypto-shredding). Not owned;
  // must outlive the store.
  KeyStore* keystore = nullptr;

  // Where diagnostic lines go (backend fallback, recovery actions). Null: standard error.
  std::function<void(std::string_view line)> info_log;

  // File system to use. Null: the real one chosen by io_backend. Tests pass a fault-injecting
  // in-memory file system here. Not owned; must outlive the store.
  io::FileSystem* file_system = nullptr;
};

}  // namespace ddc

#endif  // DDC_OPTIONS_H_
