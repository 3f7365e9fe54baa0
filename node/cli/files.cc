// Output files and user key files of the ddc CLI.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "node/cli/cli.h"

namespace ddc::cli {
namespace {

Status ErrnoStatus(const std::string& what, int err) {
  const std::string message = what + ": " + std::strerror(err);
  if (err == ENOENT) return Status::NotFound(message);
  if (err == ENOSPC || err == EDQUOT) return Status::NoSpace(message);
  return Status::IOError(message);
}

}  // namespace

Result<std::unique_ptr<Output>> Output::Open(const std::string& path, bool binary) {
  if (path.empty() || path == "-") {
    if (binary && isatty(1) != 0) {
      return Status::InvalidArgument(
          "refusing to write binary output to a terminal: use -o FILE or redirect it");
    }
    return std::unique_ptr<Output>(new Output(stdout, ""));
  }
  const std::string partial = path + ".partial";
  std::FILE* f = std::fopen(partial.c_str(), binary ? "wb" : "w");
  if (f == nullptr) return ErrnoStatus(partial, errno);
  return std::unique_ptr<Output>(new Output(f, path));
}

Output::~Output() {
  if (committed_ || path_.empty()) return;
  std::fclose(file_);
  std::remove((path_ + ".partial").c_str());
}

Status Output::Write(std::string_view bytes) {
  if (committed_) return Status::InvalidArgument("output already committed");
  if (bytes.empty()) return Status::OK();
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    return ErrnoStatus(path_.empty() ? "standard output" : path_ + ".partial", errno);
  }
  return Status::OK();
}

Status Output::Commit() {
  if (committed_) return Status::OK();
  if (path_.empty()) {
    if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
      return ErrnoStatus("standard output", errno);
    }
    committed_ = true;
    return Status::OK();
  }
  const std::string partial = path_ + ".partial";
  const bool write_failed = std::fflush(file_) != 0 || std::ferror(file_) != 0;
  const int write_errno = errno;
  const bool close_failed = std::fclose(file_) != 0;
  committed_ = true;  // The file is closed either way; only the rename is left.
  if (write_failed || close_failed) {
    std::remove(partial.c_str());
    return ErrnoStatus(partial, write_failed ? write_errno : errno);
  }
  if (std::rename(partial.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    std::remove(partial.c_str());
    return ErrnoStatus("renaming " + partial + " to " + path_, err);
  }
  return Status::OK();
}

Status WriteOutput(const std::string& path, std::string_view bytes, bool binary) {
  auto out = Output::Open(path, binary);
  if (!out.ok()) return out.status();
  Status s = (*out)->Write(bytes);
  if (!s.ok()) return s;
  return (*out)->Commit();
}

Result<KeyPair> ReadUserKey(const std::string& path) {
  auto text = ReadInput(path);
  if (!text.ok()) return text.status();
  std::string_view hex(*text);
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.remove_suffix(1);
  auto seed = ParseHex32(hex, "key file " + path);
  if (!seed.ok()) return seed.status();
  return KeyPair::FromSeed(*seed);
}

}  // namespace ddc::cli
