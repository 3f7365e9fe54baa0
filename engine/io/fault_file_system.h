// FaultFileSystem: an in-memory FileSystem for crash and error tests.
//
// Model (what a real Linux file system promises, no more):
//   - File data written since the file's last Sync/WriteAndSync is "unsynced". Crash() decides
//     its fate per CrashMode; synced data always survives.
//   - Directory entries (create, remove, rename) are "unsynced" until SyncDir of the directory.
//     Crash() reverts the namespace to its last synced state: a created-but-unsynced file
//     vanishes, a renamed-but-unsynced file is back under its old name.
//   - Injected errors: the N-th operation overall (an I/O-error sweep), or one in N operations
//     of a kind, fail with EIO-like IOError or ENOSPC-like NoSpace. A failed write may have
//     written a prefix of its data (as a real one may).
// After Crash() the old File objects are dead (every call fails); reopen through the FS.
//
// Thread safety: all methods may be called concurrently (one internal mutex).
#ifndef DDC_ENGINE_IO_FAULT_FILE_SYSTEM_H_
#define DDC_ENGINE_IO_FAULT_FILE_SYSTEM_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "engine/io/file_system.h"

namespace ddc::io {

enum class CrashMode : uint8_t {
  kDropUnsynced,  // Every unsynced byte is lost.
  kTearUnsynced,  // A random-length prefix of each file's unsynced bytes survives.
  kRandomBlocks,  // Each unsynced 4 KiB block independently survives or becomes zeros; the
                  // file keeps its unsynced length (holes read as zero).
  kKeepAll,       // Nothing is lost, file data or directory entries (a process crash: the
                  // kernel still has the page cache and the dentries).
};

enum class OpKind : uint8_t {
  kOpen,
  kRead,
  kWrite,
  kSync,
  kTruncate,
  kMetadata,  // kMetadata: dir ops, rename, remove, lock.
  kCount
};

class FaultFileSystem final : public FileSystem {
 public:
  FaultFileSystem();
  ~FaultFileSystem() override;

  const char* Name() const override { return "fault"; }
  Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) override;
  Status CreateDir(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& path) override;
  Result<bool> Exists(const std::string& path) override;
  Status Remove(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status SyncDir(const std::string& path) override;
  Result<std::unique_ptr<FileLock>> Lock(const std::string& path) override;

  // Simulates a crash per `mode`, using `seed` for every random choice (so a seed replays).
  // Releases all locks and invalidates all open File objects.
  void Crash(CrashMode mode, uint64_t seed);

  // The `n`-th operation from now (1-based, counting every operation of every kind) fails with
  // `code` (kIOError or kNoSpace). With `persistent`, every later operation fails too, until
  // ClearFaults(). n == 0 disables.
  void FailNthOperation(uint64_t n, Status::Code code, bool persistent = false);
  // Each operation of `kind` fails with probability 1/n (n == 0 disables), drawn from `seed`.
  void FailOneIn(OpKind kind, uint32_t n, Status::Code code, uint64_t seed);
  void ClearFaults();
  // Called at the start of every file sync (Sync, and WriteAndSync before its write), outside
  // the file system's lock, on the syncing thread: a test may hold a sync there to let other
  // threads queue behind it. Empty (the default) calls nothing.
  void SetSyncHook(std::function<void()> hook);
  // Operations counted so far (the counter FailNthOperation counts against).
  uint64_t operation_count() const;
  // Injected failures so far.
  uint64_t injected_failures() const;
  // File::StartWriteback calls so far, and the bytes they named. A hint changes no file state
  // here: only fdatasync makes data survive a simulated crash.
  uint64_t writeback_hints() const;
  uint64_t writeback_hint_bytes() const;

  // Test access to file bytes (current, i.e. including unsynced data).
  Result<std::vector<uint8_t>> ReadAll(const std::string& path) const;
  Status WriteAll(const std::string& path, const std::vector<uint8_t>& bytes);  // Synced.
  Status FlipBit(const std::string& path, uint64_t offset, uint8_t bit);        // Synced.

  struct Impl;  // Public so the File implementation can reach it; not part of the API.

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace ddc::io

#endif  // DDC_ENGINE_IO_FAULT_FILE_SYSTEM_H_
