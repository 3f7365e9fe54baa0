#include "engine/io/posix_file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <system_error>
#include <utility>

namespace ddc::io {
namespace {

constexpr mode_t kFileMode = 0644;
constexpr mode_t kDirMode = 0755;

// Whether a call that failed with `err` should simply be issued again. `attempt` counts the
// retries so far; EAGAIN gets kMaxTransientRetries, yielding in between.
bool ShouldRetry(int err, int* attempt) {
  if (err == EINTR) return true;
  if (err == EAGAIN && *attempt < kMaxTransientRetries) {
    ++*attempt;
    sched_yield();
    return true;
  }
  return false;
}

Status MakeErrnoStatus(int err, const std::string& message) {
  switch (err) {
    case ENOSPC:
    case EDQUOT:
      return Status::NoSpace(message);
    case ENOENT:
      return Status::NotFound(message);
    default:
      return Status::IOError(message);
  }
}

// Closes `fd`, retrying nothing: after EINTR the descriptor is already closed on Linux, and a
// close error on a file is not a durability signal (fdatasync is).
void CloseDescriptor(int fd) { static_cast<void>(::close(fd)); }

class PosixFileLock final : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}
  // Closing the only descriptor of the open file description releases the flock.
  ~PosixFileLock() override { CloseDescriptor(fd_); }
  PosixFileLock(const PosixFileLock&) = delete;
  PosixFileLock& operator=(const PosixFileLock&) = delete;

 private:
  const int fd_;
};

}  // namespace

Status ErrnoStatus(std::string_view op, std::string_view path, int err) {
  std::string message(op);
  message += ' ';
  message += path;
  message += ": ";
  // std::system_category().message() is the thread-safe strerror_r text.
  message += std::system_category().message(err);
  return MakeErrnoStatus(err, message);
}

Status ErrnoStatus(std::string_view op, std::string_view path, uint64_t offset, int err) {
  std::string message(op);
  message += ' ';
  message += path;
  message += " offset ";
  message += std::to_string(offset);
  message += ": ";
  message += std::system_category().message(err);
  return MakeErrnoStatus(err, message);
}

// ---------------------------------------------------------------------------------------------
// PosixFile

PosixFile::PosixFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

PosixFile::~PosixFile() { CloseDescriptor(fd_); }

Status PosixFile::Write(uint64_t offset, std::span<const uint8_t> data) {
  size_t done = 0;
  int attempt = 0;
  while (done < data.size()) {
    const size_t chunk = std::min(data.size() - done, kMaxIoChunkBytes);
    const ssize_t n = ::pwrite(fd_, data.data() + done, chunk, static_cast<off_t>(offset + done));
    if (n < 0) {
      const int err = errno;
      if (ShouldRetry(err, &attempt)) continue;
      return ErrnoStatus("pwrite", path_, offset + done, err);
    }
    if (n == 0) {
      // pwrite of a non-empty buffer never returns 0 on Linux; looping would spin forever.
      return Status::IOError("pwrite " + path_ + " offset " + std::to_string(offset + done) +
                             ": wrote no bytes");
    }
    done += static_cast<size_t>(n);
  }
  return Status::OK();
}

Status PosixFile::WriteAndSync(uint64_t offset, std::span<const uint8_t> data) {
  // Qualified calls: UringFile falls back to this method and overrides Write and Sync with
  // ring versions that fall back here again; virtual calls would recurse.
  Status s = PosixFile::Write(offset, data);
  if (!s.ok()) return s;
  return PosixFile::Sync();
}

Status PosixFile::Sync() {
  while (::fdatasync(fd_) != 0) {
    const int err = errno;
    // EINTR only: a failed fdatasync must never be retried into an OK, because the kernel may
    // already have dropped the dirty pages it could not write (the "fsyncgate" lesson).
    if (err != EINTR) return ErrnoStatus("fdatasync", path_, err);
  }
  return Status::OK();
}

void PosixFile::StartWriteback(uint64_t offset, uint64_t length) {
  // Errors are deliberately dropped: the data stays dirty and the next fdatasync reports them.
  (void)::sync_file_range(fd_, static_cast<off64_t>(offset), static_cast<off64_t>(length),
                          SYNC_FILE_RANGE_WRITE);
}

Result<size_t> PosixFile::Read(uint64_t offset, std::span<uint8_t> buffer) {
  size_t done = 0;
  int attempt = 0;
  while (done < buffer.size()) {
    const size_t chunk = std::min(buffer.size() - done, kMaxIoChunkBytes);
    const ssize_t n = ::pread(fd_, buffer.data() + done, chunk, static_cast<off_t>(offset + done));
    if (n < 0) {
      const int err = errno;
      if (ShouldRetry(err, &attempt)) continue;
      return ErrnoStatus("pread", path_, offset + done, err);
    }
    if (n == 0) break;  // End of file.
    done += static_cast<size_t>(n);
  }
  return done;
}

Status PosixFile::ReadBatch(std::span<ReadOp> ops) {
  if (ops.size() > kMaxReadBatch) {
    return Status::InvalidArgument("read batch " + path_ + ": " + std::to_string(ops.size()) +
                                   " ops exceed kMaxReadBatch " + std::to_string(kMaxReadBatch));
  }
  for (ReadOp& op : ops) {
    Result<size_t> n = PosixFile::Read(op.offset, op.buffer);  // Not the override: see above.
    op.bytes_read = n.ok() ? *n : 0;
    op.status = n.ok() ? Status::OK() : n.status();
  }
  return Status::OK();
}

Result<uint64_t> PosixFile::Size() {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return ErrnoStatus("fstat", path_, errno);
  return static_cast<uint64_t>(st.st_size);
}

Status PosixFile::Truncate(uint64_t size) {
  while (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
    const int err = errno;
    if (err != EINTR) return ErrnoStatus("ftruncate", path_, size, err);
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// PosixFileSystem

Result<int> PosixFileSystem::OpenDescriptor(const std::string& path, OpenMode mode) {
  int flags = O_CLOEXEC;
  switch (mode) {
    case OpenMode::kRead:
      flags |= O_RDONLY;
      break;
    case OpenMode::kReadWrite:
      flags |= O_RDWR;
      break;
    case OpenMode::kCreateReadWrite:
    case OpenMode::kCreatePrivate:
      flags |= O_RDWR | O_CREAT;
      break;
  }
  const mode_t file_mode = mode == OpenMode::kCreatePrivate ? 0600 : kFileMode;
  for (;;) {
    const int fd = ::open(path.c_str(), flags, file_mode);
    if (fd >= 0) return fd;
    const int err = errno;
    if (err != EINTR) return ErrnoStatus("open", path, err);
  }
}

Result<std::unique_ptr<File>> PosixFileSystem::Open(const std::string& path, OpenMode mode) {
  Result<int> fd = OpenDescriptor(path, mode);
  if (!fd.ok()) return std::move(fd).status();
  return std::unique_ptr<File>(std::make_unique<PosixFile>(*fd, path));
}

Status PosixFileSystem::CreateDir(const std::string& path) {
  if (path.empty()) return Status::InvalidArgument("mkdir: empty path");
  // Create each prefix ending just before a '/', then the whole path. EEXIST is expected for
  // the components that already exist; whether the last one is a directory is checked below.
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string prefix = path.substr(0, slash);
    if (!prefix.empty() && prefix.back() != '/' && ::mkdir(prefix.c_str(), kDirMode) != 0) {
      const int err = errno;
      if (err != EEXIST) return ErrnoStatus("mkdir", prefix, err);
    }
    if (slash == std::string::npos) break;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("mkdir", path, errno);
  if (!S_ISDIR(st.st_mode)) return ErrnoStatus("mkdir", path, ENOTDIR);
  return Status::OK();
}

Result<std::vector<std::string>> PosixFileSystem::ListDir(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return ErrnoStatus("opendir", path, errno);
  std::vector<std::string> names;
  Status status;
  for (;;) {
    errno = 0;
    const struct dirent* entry = ::readdir(dir);
    if (entry == nullptr) {
      // readdir returns nullptr both at the end and on error; only errno tells them apart.
      if (errno != 0) status = ErrnoStatus("readdir", path, errno);
      break;
    }
    const std::string_view name(entry->d_name);
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  ::closedir(dir);
  if (!status.ok()) return status;
  return names;
}

Result<bool> PosixFileSystem::Exists(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return true;
  const int err = errno;
  if (err == ENOENT || err == ENOTDIR) return false;
  return ErrnoStatus("stat", path, err);
}

Status PosixFileSystem::Remove(const std::string& path) {
  if (::unlink(path.c_str()) != 0) return ErrnoStatus("unlink", path, errno);
  return Status::OK();
}

Status PosixFileSystem::Rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return ErrnoStatus("rename", from + " to " + to, errno);
  }
  return Status::OK();
}

Status PosixFileSystem::SyncDir(const std::string& path) {
  int fd = -1;
  for (;;) {
    fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) break;
    const int err = errno;
    if (err != EINTR) return ErrnoStatus("open directory", path, err);
  }
  Status status;
  while (::fsync(fd) != 0) {
    const int err = errno;
    if (err != EINTR) {
      status = ErrnoStatus("fsync directory", path, err);
      break;
    }
  }
  CloseDescriptor(fd);
  return status;
}

Result<std::unique_ptr<FileLock>> PosixFileSystem::Lock(const std::string& path) {
  Result<int> fd = OpenDescriptor(path, OpenMode::kCreateReadWrite);
  if (!fd.ok()) return std::move(fd).status().WithContext("lock " + path);
  while (::flock(*fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    if (err == EINTR) continue;
    CloseDescriptor(*fd);
    if (err == EWOULDBLOCK) return Status::Busy("lock " + path + ": held by another process");
    return ErrnoStatus("flock", path, err);
  }
  return std::unique_ptr<FileLock>(std::make_unique<PosixFileLock>(*fd));
}

FileSystem* PosixFileSystemInstance() {
  // Never destroyed, so that files and stores torn down during static destruction can still
  // reach it (and because a stateless object has nothing to release).
  static PosixFileSystem* const instance = new PosixFileSystem();
  return instance;
}

}  // namespace ddc::io
