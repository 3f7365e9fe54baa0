// FaultFileSystem: the in-memory model described in fault_file_system.h.
//
// Files. Each file node keeps two byte arrays: `current` (what reads see) and `durable` (what a
// crash is guaranteed to leave), plus the range [dirty_begin, dirty_end) outside of which the
// two are known to be equal, lengths included. A sync copies only that range, so syncing a
// large file after a small append costs the append. The range is coarse (one range, not a set
// of extents), which is why a crash that discards unsynced bytes restores the *durable* bytes
// where the file had some, and zeros only beyond the durable length: a coarse range may cover
// synced bytes that were never rewritten, and those must survive every crash mode.
//
// Truncation is modelled as a write of the length: Truncate() changes `current` and marks the
// affected range dirty, so a truncation is durable only after a sync, like a write. A crash in
// kDropUnsynced or kTearUnsynced mode therefore restores the durable length (a torn append may
// lengthen it); kRandomBlocks keeps the current length, as on a file system that persisted the
// size (metadata) but not every data block, so there an unsynced truncation survives.
//
// Namespace. `files` is the current namespace and `durable_files` the one a crash returns to;
// both map normalised paths to shared file nodes, so a rename moves a node and an unsynced
// rename reverts by the durable map still naming the node under its old path. SyncDir(d) copies
// the entries whose parent is d from `files` to `durable_files`. Directories are durable as
// soon as they are created (the engine creates its directory once, and a test of a vanishing
// directory would exercise no code of ours); only files and their names are at risk.
//
// Operations counted (and subject to injected errors): Open (kOpen); Read, Size, and each op
// of a ReadBatch (kRead); Write (kWrite); Sync (kSync); Truncate (kTruncate); CreateDir,
// ListDir, Exists, Remove, Rename, SyncDir, Lock (kMetadata). WriteAndSync is two operations,
// its write (kWrite) and then its sync (kSync): a failure of the first writes a random prefix
// and does not sync; a failure of the second leaves all the data written but unsynced. The test
// accessors (ReadAll, WriteAll, FlipBit), Crash and path() are not counted and never fail.
#include "engine/io/fault_file_system.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <set>
#include <span>
#include <string_view>
#include <utility>

#include "engine/base/macros.h"
#include "engine/io/posix_file_system.h"

namespace ddc::io {
namespace {

// The unit kRandomBlocks keeps or loses, like a page of the page cache.
constexpr uint64_t kCrashBlockBytes = 4096;
// Largest file the model holds; beyond it writes fail with EFBIG instead of exhausting memory.
constexpr uint64_t kMaxFileBytes = uint64_t{4} << 30;
// Seed of the random prefix a failed write leaves, until FailOneIn supplies one.
constexpr uint64_t kDefaultPartialWriteSeed = 0x6464632d6661756cULL;  // "ddc-faul"

struct Node {
  std::vector<uint8_t> current;
  std::vector<uint8_t> durable;
  // Outside [dirty_begin, dirty_end) current and durable hold the same bytes and neither
  // extends past the other. Empty (begin >= end) right after a sync.
  uint64_t dirty_begin = UINT64_MAX;
  uint64_t dirty_end = 0;

  bool dirty() const { return dirty_begin < dirty_end; }

  void MarkDirty(uint64_t begin, uint64_t end) {
    dirty_begin = std::min(dirty_begin, begin);
    dirty_end = std::max(dirty_end, end);
  }

  void MarkClean() {
    dirty_begin = UINT64_MAX;
    dirty_end = 0;
  }

  // The dirty range clipped to the current length: the bytes a sync would copy.
  uint64_t DirtyEndInCurrent() const { return std::min<uint64_t>(dirty_end, current.size()); }

  void Sync() {
    if (!dirty()) return;
    durable.resize(current.size());
    const uint64_t end = DirtyEndInCurrent();
    if (dirty_begin < end) {
      std::memcpy(durable.data() + dirty_begin, current.data() + dirty_begin, end - dirty_begin);
    }
    MarkClean();
  }

  void WriteBytes(uint64_t offset, std::span<const uint8_t> data) {
    if (data.empty()) return;  // pwrite of nothing does not extend the file.
    const uint64_t old_size = current.size();
    const uint64_t end = offset + data.size();
    if (end > old_size) current.resize(end);  // A gap past the old end reads as zeros.
    std::memcpy(current.data() + offset, data.data(), data.size());
    MarkDirty(std::min(offset, old_size), end);
  }

  void Resize(uint64_t size) {
    const uint64_t old_size = current.size();
    current.resize(size);
    MarkDirty(std::min(old_size, size), std::max(old_size, size));
  }

  // What the crash leaves of this file, per `mode`; afterwards everything is durable.
  void Crash(CrashMode mode, std::mt19937_64& rng) {
    if (!dirty()) return;
    const uint64_t begin = dirty_begin;
    const uint64_t end = DirtyEndInCurrent();
    const uint64_t unsynced = end > begin ? end - begin : 0;
    switch (mode) {
      case CrashMode::kKeepAll:
        Sync();
        return;
      case CrashMode::kDropUnsynced:
        current = durable;
        break;
      case CrashMode::kTearUnsynced: {
        // durable + a prefix of the unsynced bytes. Bytes past the durable end are dirty, so
        // begin <= durable.size() whenever the prefix extends the file: no gap opens.
        const uint64_t kept = rng() % (unsynced + 1);
        std::vector<uint8_t> result = durable;
        if (begin + kept > result.size()) result.resize(begin + kept);
        if (kept > 0) std::memcpy(result.data() + begin, current.data() + begin, kept);
        current = std::move(result);
        break;
      }
      case CrashMode::kRandomBlocks:
        // Keeps the current length; each block touching the unsynced range keeps its new bytes
        // or loses them (durable bytes where there were some, zeros beyond).
        for (uint64_t block = begin / kCrashBlockBytes;
             unsynced > 0 && block * kCrashBlockBytes < end; ++block) {
          if ((rng() & 1) != 0) continue;
          const uint64_t from = std::max(begin, block * kCrashBlockBytes);
          const uint64_t to = std::min(end, (block + 1) * kCrashBlockBytes);
          for (uint64_t p = from; p < to; ++p) current[p] = p < durable.size() ? durable[p] : 0;
        }
        break;
    }
    durable = current;
    MarkClean();
  }
};

// Collapses repeated '/' and drops a trailing one, so that "a//b/" and "a/b" name one entry.
std::string Normalize(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out += c;
  }
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

// The directory holding `path` (normalised): "/" for "/x", "." for a bare name.
std::string Parent(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string At(std::string_view op, std::string_view path, uint64_t offset) {
  std::string where(op);
  where += ' ';
  where += path;
  where += " offset ";
  where += std::to_string(offset);
  return where;
}

std::string At(std::string_view op, std::string_view path) {
  std::string where(op);
  where += ' ';
  where += path;
  return where;
}

Status Closed(std::string_view op, const std::string& path) {
  return Status::IOError(At(op, path) + ": file closed by simulated crash");
}

}  // namespace

struct FaultFileSystem::Impl {
  // REQUIRES: mu not held.
  void RunSyncHook() {
    std::function<void()> hook;
    {
      std::lock_guard<std::mutex> lock(mu);
      hook = sync_hook;
    }
    if (hook) hook();
  }

  // Returns the injected failure for one more operation of `kind` at `where`, or OK.
  // REQUIRES: mu held.
  Status Tick(OpKind kind, const std::string& where) {
    ++operations;
    bool fail = false;
    Status::Code code = Status::Code::kIOError;
    if (fail_at != 0 && (operations == fail_at || (fail_persistent && operations > fail_at))) {
      fail = true;
      code = fail_code;
    }
    OneIn& one_in = one_in_by_kind[static_cast<size_t>(kind)];
    // Drawn even when the N-th failure fires, so that the sequence depends only on the seed.
    if (one_in.n != 0 && one_in.rng() % one_in.n == 0 && !fail) {
      fail = true;
      code = one_in.code;
    }
    if (!fail) return Status::OK();
    ++failures;
    if (code == Status::Code::kNoSpace) {
      return Status::NoSpace(where + ": No space left on device (injected)");
    }
    return Status::IOError(where + ": Input/output error (injected)");
  }

  // How much of `size` bytes a failed write leaves behind: anything from none to all but one.
  size_t PartialLength(size_t size) {
    return size == 0 ? 0 : static_cast<size_t>(partial_rng() % size);
  }

  bool IsDir(const std::string& path) const { return dirs.count(path) != 0; }

  mutable std::mutex mu;
  std::function<void()> sync_hook;  // Guarded by mu.

  // Guarded by mu.
  std::map<std::string, std::shared_ptr<Node>> files;          // The namespace now.
  std::map<std::string, std::shared_ptr<Node>> durable_files;  // The namespace after a crash.
  std::set<std::string> dirs{"/", "."};
  std::set<std::string> locks;
  uint64_t epoch = 0;  // Crashes so far; File and FileLock objects of older epochs are dead.

  uint64_t operations = 0;
  uint64_t failures = 0;
  uint64_t writeback_hints = 0;
  uint64_t writeback_hint_bytes = 0;
  uint64_t fail_at = 0;  // The operation number that fails; 0 for none.
  bool fail_persistent = false;
  Status::Code fail_code = Status::Code::kIOError;
  struct OneIn {
    uint32_t n = 0;
    Status::Code code = Status::Code::kIOError;
    std::mt19937_64 rng;
  };
  std::array<OneIn, static_cast<size_t>(OpKind::kCount)> one_in_by_kind;
  std::mt19937_64 partial_rng{kDefaultPartialWriteSeed};
};

namespace {

using Impl = FaultFileSystem::Impl;

class FaultFile final : public File {
 public:
  FaultFile(std::shared_ptr<Impl> impl, std::shared_ptr<Node> node, std::string path, OpenMode mode,
            uint64_t epoch)
      : impl_(std::move(impl)),
        node_(std::move(node)),
        path_(std::move(path)),
        writable_(mode != OpenMode::kRead),
        epoch_(epoch) {}

  Status Write(uint64_t offset, std::span<const uint8_t> data) override {
    std::lock_guard<std::mutex> lock(impl_->mu);
    return WriteLocked("write", offset, data);
  }

  Status WriteAndSync(uint64_t offset, std::span<const uint8_t> data) override {
    impl_->RunSyncHook();
    std::lock_guard<std::mutex> lock(impl_->mu);
    Status s = WriteLocked("write", offset, data);
    if (!s.ok()) return s;
    return SyncLocked();
  }

  Status Sync() override {
    impl_->RunSyncHook();
    std::lock_guard<std::mutex> lock(impl_->mu);
    return SyncLocked();
  }

  void StartWriteback(uint64_t offset, uint64_t length) override {
    (void)offset;
    std::lock_guard<std::mutex> lock(impl_->mu);
    ++impl_->writeback_hints;
    impl_->writeback_hint_bytes += length;
  }

  Result<size_t> Read(uint64_t offset, std::span<uint8_t> buffer) override {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->epoch != epoch_) return Closed("read", path_);
    Status injected = impl_->Tick(OpKind::kRead, At("read", path_, offset));
    if (!injected.ok()) return injected;
    return Copy(offset, buffer);
  }

  Status ReadBatch(std::span<ReadOp> ops) override {
    if (ops.size() > kMaxReadBatch) {
      return Status::InvalidArgument("read batch " + path_ + ": " + std::to_string(ops.size()) +
                                     " ops exceed kMaxReadBatch " + std::to_string(kMaxReadBatch));
    }
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->epoch != epoch_) return Closed("read batch", path_);
    for (ReadOp& op : ops) {
      op.bytes_read = 0;
      op.status = impl_->Tick(OpKind::kRead, At("read", path_, op.offset));
      if (op.status.ok()) op.bytes_read = Copy(op.offset, op.buffer);
    }
    return Status::OK();
  }

  Result<uint64_t> Size() override {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->epoch != epoch_) return Closed("fstat", path_);
    Status injected = impl_->Tick(OpKind::kRead, At("fstat", path_));
    if (!injected.ok()) return injected;
    return static_cast<uint64_t>(node_->current.size());
  }

  Status Truncate(uint64_t size) override {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->epoch != epoch_) return Closed("ftruncate", path_);
    DDC_RETURN_IF_ERROR(impl_->Tick(OpKind::kTruncate, At("ftruncate", path_, size)));
    if (!writable_) return ErrnoStatus("ftruncate", path_, size, EINVAL);
    if (size > kMaxFileBytes) return ErrnoStatus("ftruncate", path_, size, EFBIG);
    node_->Resize(size);
    return Status::OK();
  }

  const std::string& path() const override { return path_; }

 private:
  // REQUIRES: impl_->mu held.
  Status WriteLocked(std::string_view op, uint64_t offset, std::span<const uint8_t> data) {
    if (impl_->epoch != epoch_) return Closed(op, path_);
    Status injected = impl_->Tick(OpKind::kWrite, At(op, path_, offset));
    const bool fits = offset <= kMaxFileBytes && data.size() <= kMaxFileBytes - offset;
    if (!injected.ok()) {
      // A real write that fails part way may have written some of its data.
      if (writable_ && fits)
        node_->WriteBytes(offset, data.first(impl_->PartialLength(data.size())));
      return injected;
    }
    if (!writable_) return ErrnoStatus("pwrite", path_, offset, EBADF);
    if (!fits) return ErrnoStatus("pwrite", path_, offset, EFBIG);
    node_->WriteBytes(offset, data);
    return Status::OK();
  }

  // REQUIRES: impl_->mu held.
  Status SyncLocked() {
    if (impl_->epoch != epoch_) return Closed("fdatasync", path_);
    Status injected = impl_->Tick(OpKind::kSync, At("fdatasync", path_));
    if (!injected.ok()) return injected;
    node_->Sync();
    return Status::OK();
  }

  // REQUIRES: impl_->mu held.
  size_t Copy(uint64_t offset, std::span<uint8_t> buffer) const {
    const std::vector<uint8_t>& bytes = node_->current;
    if (offset >= bytes.size()) return 0;
    const size_t n = static_cast<size_t>(std::min<uint64_t>(buffer.size(), bytes.size() - offset));
    if (n > 0) std::memcpy(buffer.data(), bytes.data() + offset, n);  // An empty span may be null.
    return n;
  }

  // Constant after construction. The node stays reachable through an open File after the
  // path is removed or renamed, as an open descriptor does.
  const std::shared_ptr<Impl> impl_;
  const std::shared_ptr<Node> node_;
  const std::string path_;
  const bool writable_;
  const uint64_t epoch_;
};

class FaultLock final : public FileLock {
 public:
  FaultLock(std::shared_ptr<Impl> impl, std::string path, uint64_t epoch)
      : impl_(std::move(impl)), path_(std::move(path)), epoch_(epoch) {}
  ~FaultLock() override {
    std::lock_guard<std::mutex> lock(impl_->mu);
    // After a crash the lock is gone already, and may have been taken again since.
    if (impl_->epoch == epoch_) impl_->locks.erase(path_);
  }
  FaultLock(const FaultLock&) = delete;
  FaultLock& operator=(const FaultLock&) = delete;

 private:
  const std::shared_ptr<Impl> impl_;
  const std::string path_;
  const uint64_t epoch_;
};

}  // namespace

FaultFileSystem::FaultFileSystem() : impl_(std::make_shared<Impl>()) {}

FaultFileSystem::~FaultFileSystem() = default;

Result<std::unique_ptr<File>> FaultFileSystem::Open(const std::string& path, OpenMode mode) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  DDC_RETURN_IF_ERROR(impl_->Tick(OpKind::kOpen, At("open", path)));
  const std::string key = Normalize(path);
  if (impl_->IsDir(key)) return ErrnoStatus("open", path, EISDIR);
  auto it = impl_->files.find(key);
  if (it == impl_->files.end()) {
    if ((mode != OpenMode::kCreateReadWrite && mode != OpenMode::kCreatePrivate) ||
        !impl_->IsDir(Parent(key))) {
      return ErrnoStatus("open", path, ENOENT);
    }
    it = impl_->files.emplace(key, std::make_shared<Node>()).first;
  }
  return std::unique_ptr<File>(
      std::make_unique<FaultFile>(impl_, it->second, path, mode, impl_->epoch));
}

Status FaultFileSystem::CreateDir(const std::string& path) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  DDC_RETURN_IF_ERROR(impl_->Tick(OpKind::kMetadata, At("mkdir", path)));
  const std::string key = Normalize(path);
  if (key.empty()) return Status::InvalidArgument("mkdir: empty path");
  // Every prefix ending before a '/', then the path itself, as mkdir -p does.
  for (size_t slash = key.find('/', 1);; slash = key.find('/', slash + 1)) {
    const std::string prefix = key.substr(0, slash);
    if (impl_->files.count(prefix) != 0) return ErrnoStatus("mkdir", prefix, ENOTDIR);
    impl_->dirs.insert(prefix);
    if (slash == std::string::npos) break;
  }
  return Status::OK();
}

Result<std::vector<std::string>> FaultFileSystem::ListDir(const std::string& path) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  DDC_RETURN_IF_ERROR(impl_->Tick(OpKind::kMetadata, At("opendir", path)));
  const std::string key = Normalize(path);
  if (!impl_->IsDir(key)) {
    return ErrnoStatus("opendir", path, impl_->files.count(key) != 0 ? ENOTDIR : ENOENT);
  }
  // A linear scan: directories hold tens of entries in the tests this serves.
  std::vector<std::string> names;
  const size_t skip = key == "." ? 0 : (key == "/" ? 1 : key.size() + 1);
  for (const auto& [name, node] : impl_->files) {
    if (Parent(name) == key) names.push_back(name.substr(skip));
  }
  for (const std::string& dir : impl_->dirs) {
    if (dir != key && Parent(dir) == key) names.push_back(dir.substr(skip));
  }
  return names;
}

Result<bool> FaultFileSystem::Exists(const std::string& path) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  DDC_RETURN_IF_ERROR(impl_->Tick(OpKind::kMetadata, At("stat", path)));
  const std::string key = Normalize(path);
  return impl_->files.count(key) != 0 || impl_->IsDir(key);
}

Status FaultFileSystem::Remove(const std::string& path) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  DDC_RETURN_IF_ERROR(impl_->Tick(OpKind::kMetadata, At("unlink", path)));
  const std::string key = Normalize(path);
  if (impl_->IsDir(key)) return ErrnoStatus("unlink", path, EISDIR);
  if (impl_->files.erase(key) == 0) return ErrnoStatus("unlink", path, ENOENT);
  return Status::OK();
}

Status FaultFileSystem::Rename(const std::string& from, const std::string& to) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  const std::string where = At("rename", from + " to " + to);
  DDC_RETURN_IF_ERROR(impl_->Tick(OpKind::kMetadata, where));
  const std::string source = Normalize(from);
  const std::string target = Normalize(to);
  if (impl_->IsDir(source)) {
    return Status::NotSupported(where + ": FaultFileSystem does not rename directories");
  }
  auto it = impl_->files.find(source);
  if (it == impl_->files.end() || !impl_->IsDir(Parent(target))) {
    return ErrnoStatus("rename", from + " to " + to, ENOENT);
  }
  if (impl_->IsDir(target)) return ErrnoStatus("rename", from + " to " + to, EISDIR);
  if (source == target) return Status::OK();
  std::shared_ptr<Node> node = std::move(it->second);
  impl_->files.erase(it);
  impl_->files[target] = std::move(node);
  return Status::OK();
}

Status FaultFileSystem::SyncDir(const std::string& path) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  DDC_RETURN_IF_ERROR(impl_->Tick(OpKind::kMetadata, At("fsync directory", path)));
  const std::string key = Normalize(path);
  if (!impl_->IsDir(key)) return ErrnoStatus("open directory", path, ENOENT);
  std::erase_if(impl_->durable_files,
                [&](const auto& entry) { return Parent(entry.first) == key; });
  for (const auto& [name, node] : impl_->files) {
    if (Parent(name) == key) impl_->durable_files[name] = node;
  }
  return Status::OK();
}

Result<std::unique_ptr<FileLock>> FaultFileSystem::Lock(const std::string& path) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  DDC_RETURN_IF_ERROR(impl_->Tick(OpKind::kMetadata, At("lock", path)));
  const std::string key = Normalize(path);
  if (impl_->IsDir(key)) return ErrnoStatus("lock", path, EISDIR);
  if (impl_->files.count(key) == 0) {
    if (!impl_->IsDir(Parent(key))) return ErrnoStatus("lock", path, ENOENT);
    impl_->files.emplace(key, std::make_shared<Node>());
  }
  if (!impl_->locks.insert(key).second) {
    return Status::Busy("lock " + path + ": held by another process");
  }
  return std::unique_ptr<FileLock>(std::make_unique<FaultLock>(impl_, key, impl_->epoch));
}

void FaultFileSystem::Crash(CrashMode mode, uint64_t seed) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::mt19937_64 rng(seed);
  // Path order fixes the order of random draws, so a seed replays. A node named twice in the
  // durable namespace (a cross-directory rename synced on one side only) crashes once.
  std::set<const Node*> crashed;
  // A process crash (kKeepAll) loses nothing the kernel has: the current namespace survives
  // whole, synced or not. Every other mode reverts it to the last synced state.
  if (mode == CrashMode::kKeepAll) impl_->durable_files = impl_->files;
  for (const auto& [name, node] : impl_->durable_files) {
    if (crashed.insert(node.get()).second) node->Crash(mode, rng);
  }
  impl_->files = impl_->durable_files;
  impl_->locks.clear();
  ++impl_->epoch;
}

void FaultFileSystem::FailNthOperation(uint64_t n, Status::Code code, bool persistent) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->fail_at = n == 0 ? 0 : impl_->operations + n;
  impl_->fail_code = code;
  impl_->fail_persistent = persistent;
}

void FaultFileSystem::FailOneIn(OpKind kind, uint32_t n, Status::Code code, uint64_t seed) {
  if (kind >= OpKind::kCount) return;
  std::lock_guard<std::mutex> lock(impl_->mu);
  Impl::OneIn& one_in = impl_->one_in_by_kind[static_cast<size_t>(kind)];
  one_in.n = n;
  one_in.code = code;
  one_in.rng.seed(seed);
  impl_->partial_rng.seed(seed ^ kDefaultPartialWriteSeed);
}

void FaultFileSystem::ClearFaults() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->fail_at = 0;
  impl_->fail_persistent = false;
  for (Impl::OneIn& one_in : impl_->one_in_by_kind) one_in.n = 0;
}

void FaultFileSystem::SetSyncHook(std::function<void()> hook) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->sync_hook = std::move(hook);
}

uint64_t FaultFileSystem::operation_count() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->operations;
}

uint64_t FaultFileSystem::writeback_hints() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->writeback_hints;
}

uint64_t FaultFileSystem::writeback_hint_bytes() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->writeback_hint_bytes;
}

uint64_t FaultFileSystem::injected_failures() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->failures;
}

Result<std::vector<uint8_t>> FaultFileSystem::ReadAll(const std::string& path) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto it = impl_->files.find(Normalize(path));
  if (it == impl_->files.end()) return ErrnoStatus("read all", path, ENOENT);
  return it->second->current;
}

Status FaultFileSystem::WriteAll(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  const std::string key = Normalize(path);
  if (impl_->IsDir(key)) return ErrnoStatus("write all", path, EISDIR);
  // Test setup: parents appear as needed, and the file, its bytes and its name are durable.
  std::string dir = Parent(key);
  while (impl_->dirs.insert(dir).second) dir = Parent(dir);  // Stops at "/" or ".".
  std::shared_ptr<Node>& node = impl_->files[key];
  if (node == nullptr) node = std::make_shared<Node>();  // Open Files keep seeing a reused node.
  node->current = bytes;
  node->durable = bytes;
  node->MarkClean();
  impl_->durable_files[key] = node;
  return Status::OK();
}

Status FaultFileSystem::FlipBit(const std::string& path, uint64_t offset, uint8_t bit) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto it = impl_->files.find(Normalize(path));
  if (it == impl_->files.end()) return ErrnoStatus("flip bit", path, ENOENT);
  Node& node = *it->second;
  if (bit > 7 || offset >= node.current.size()) {
    return Status::InvalidArgument(At("flip bit", path, offset) + ": bit " + std::to_string(bit) +
                                   " out of range");
  }
  const auto mask = static_cast<uint8_t>(1U << bit);
  node.current[offset] ^= mask;
  // Bit rot on the medium: the durable copy flips too, where the byte is durable.
  if (offset < node.durable.size()) node.durable[offset] ^= mask;
  return Status::OK();
}

}  // namespace ddc::io
