// Status and Result<T>: how every fallible ddc call reports what went wrong.
//
// A Status is either OK or an error code plus a message that says where and what
// ("segment 12 offset 4096: body checksum mismatch"). OK costs nothing: no allocation, and the
// empty message fits the string's inline storage. Result<T> carries either a value or a non-OK
// Status. Both are [[nodiscard]]: ignoring an error is a compile error under -Werror.
//
// Thread safety: plain values; distinct objects may be used from distinct threads.
#ifndef DDC_STATUS_H_
#define DDC_STATUS_H_

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace ddc {

class [[nodiscard]] Status {
 public:
  enum class Code : uint8_t {
    kOk = 0,
    kNotFound = 1,           // The thing asked for does not exist.
    kCorruption = 2,         // Stored bytes fail a checksum or a structural check.
    kInvalidArgument = 3,    // The caller passed something malformed or out of bounds.
    kIOError = 4,            // The operating system reported an I/O failure.
    kNoSpace = 5,            // The device is full (ENOSPC / EDQUOT).
    kBusy = 6,               // A resource is held elsewhere (e.g. the store's lock file).
    kNotSupported = 7,       // The request needs something this build or kernel lacks.
    kFailed = 8,             // The store stopped accepting writes after an earlier I/O error.
    kConflict = 9,           // The request contradicts what is stored (e.g. a reused event id).
    kErased = 10,            // The thing existed but was erased on request (a tombstone).
    kPermissionDenied = 11,  // A wrong passphrase or key, or a signer without the right.
  };

  Status() = default;
  static Status OK() { return Status(); }
  static Status NotFound(std::string_view msg) { return Status(Code::kNotFound, msg); }
  static Status Corruption(std::string_view msg) { return Status(Code::kCorruption, msg); }
  static Status InvalidArgument(std::string_view msg) {
    return Status(Code::kInvalidArgument, msg);
  }
  static Status IOError(std::string_view msg) { return Status(Code::kIOError, msg); }
  static Status NoSpace(std::string_view msg) { return Status(Code::kNoSpace, msg); }
  static Status Busy(std::string_view msg) { return Status(Code::kBusy, msg); }
  static Status NotSupported(std::string_view msg) { return Status(Code::kNotSupported, msg); }
  static Status Failed(std::string_view msg) { return Status(Code::kFailed, msg); }
  static Status Conflict(std::string_view msg) { return Status(Code::kConflict, msg); }
  static Status Erased(std::string_view msg) { return Status(Code::kErased, msg); }
  static Status PermissionDenied(std::string_view msg) {
    return Status(Code::kPermissionDenied, msg);
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsIOError() const { return code_ == Code::kIOError; }
  bool IsNoSpace() const { return code_ == Code::kNoSpace; }
  bool IsBusy() const { return code_ == Code::kBusy; }
  bool IsNotSupported() const { return code_ == Code::kNotSupported; }
  bool IsFailed() const { return code_ == Code::kFailed; }
  bool IsConflict() const { return code_ == Code::kConflict; }
  bool IsErased() const { return code_ == Code::kErased; }
  bool IsPermissionDenied() const { return code_ == Code::kPermissionDenied; }

  // Returns a copy whose message is "<prefix>: <message>"; OK stays OK.
  Status WithContext(std::string_view prefix) const {
    if (ok()) return *this;
    std::string m(prefix);
    m += ": ";
    m += message_;
    return Status(code_, m);
  }

  // "OK" or "<code name>: <message>".
  std::string ToString() const;
  static const char* CodeName(Code code);

  bool operator==(const Status& other) const = default;

 private:
  Status(Code code, std::string_view msg) : code_(code), message_(msg) {}

  Code code_ = Code::kOk;
  std::string message_;
};

// Either a T or a non-OK Status. REQUIRES for value(): ok().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!status_.ok() && "Result constructed from an OK status without a value");
    if (status_.ok()) status_ = Status::InvalidArgument("Result built from OK without a value");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const& { return status_; }
  Status status() && { return std::move(status_); }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace ddc

#endif  // DDC_STATUS_H_
