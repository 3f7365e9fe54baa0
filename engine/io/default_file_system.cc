// DefaultFileSystem: picks io_uring or POSIX for the process.
//
// The kernel is probed once per process (creating the UringFileSystem and its first ring);
// the answer cannot change while the process lives, and the object is shared by every store.
// The DDC_FORCE_POSIX environment variable, in contrast, is read on every call, so that tests
// (and operators chasing an io_uring problem) can force the fallback path in a process whose
// probe already succeeded.
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "engine/io/file_system.h"
#include "engine/io/posix_file_system.h"
#include "engine/io/uring_file_system.h"

namespace ddc::io {
namespace {

constexpr const char* kForcePosixVariable = "DDC_FORCE_POSIX";

struct UringProbe {
  FileSystem* fs = nullptr;  // Null when io_uring is unavailable.
  std::string failure;       // Why, e.g. "io_uring_queue_init: Operation not permitted".
};

const UringProbe& ProcessUring() {
  // Never destroyed: stores may still be closing during static destruction.
  static const UringProbe* const probe = [] {
    auto* p = new UringProbe();
    Result<std::unique_ptr<UringFileSystem>> fs = UringFileSystem::Create();
    if (fs.ok()) {
      p->fs = std::move(fs).value().release();
    } else {
      p->failure = fs.status().message();
    }
    return p;
  }();
  return *probe;
}

// Set and neither empty nor "0".
bool ForcePosixRequested() {
  const char* value = std::getenv(kForcePosixVariable);
  return value != nullptr && *value != '\0' && std::strcmp(value, "0") != 0;
}

}  // namespace

Result<BackendChoice> DefaultFileSystem(bool want_uring, bool require_uring) {
  // Requiring io_uring implies wanting it.
  if (!want_uring && !require_uring) return BackendChoice{PosixFileSystemInstance(), ""};
  std::string reason;
  if (ForcePosixRequested()) {
    reason = std::string("disabled by ") + kForcePosixVariable;
  } else {
    const UringProbe& probe = ProcessUring();
    if (probe.fs != nullptr) return BackendChoice{probe.fs, ""};
    reason = probe.failure;
  }
  if (require_uring) return Status::NotSupported("io_uring required but unavailable: " + reason);
  return BackendChoice{PosixFileSystemInstance(), std::move(reason)};
}

}  // namespace ddc::io
