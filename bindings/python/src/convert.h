// Conversions between ddc's C++ values and Python objects, and the exception hierarchy.
//
// Every function here needs the GIL. Events cross as dicts in the JSON shape of the node's
// `GET /v1/events/{cid}` (docs/node.md), except that a scope's `data` is `bytes` (base64 text is
// accepted on input too); keys and hashes are lower-case hex on output, and hex or raw bytes on
// input.
#ifndef DDC_BINDINGS_PYTHON_CONVERT_H_
#define DDC_BINDINGS_PYTHON_CONVERT_H_

#include <pybind11/pybind11.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "ddc/cid.h"
#include "ddc/event.h"
#include "ddc/status.h"
#include "ddc/timeline.h"
#include "ddc/verify.h"

namespace ddc::python {

namespace py = pybind11;

// Which exception an InvalidArgument status becomes: event decoding and verification failures
// are InvalidEventError, a subclass of InvalidArgumentError.
enum class ErrorKind : uint8_t { kDefault, kEvent };

// Creates ddc.Error and its subclasses in `module`.
void InitErrors(py::module_& module);

// The exception object for a non-OK status (not raised), with .code and .message set.
py::object ErrorFor(const Status& status, ErrorKind kind = ErrorKind::kDefault);

// Raises the exception of a non-OK status (throws py::error_already_set).
[[noreturn]] void Raise(const Status& status, ErrorKind kind = ErrorKind::kDefault);

inline void Check(const Status& status, ErrorKind kind = ErrorKind::kDefault) {
  if (!status.ok()) Raise(status, kind);
}

template <typename T>
T Take(Result<T>&& result, ErrorKind kind = ErrorKind::kDefault) {
  if (!result.ok()) Raise(result.status(), kind);
  return std::move(result).value();
}

// Thrown (without the GIL) by calls on a closed store; translated to ddc.Error.
struct StoreClosed {};

std::string ToHex(std::span<const uint8_t> bytes);

inline py::bytes ToBytes(std::string_view bytes) { return {bytes.data(), bytes.size()}; }
inline py::bytes ToBytes(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// The bytes of a Python `bytes` object, borrowed: valid while the object lives (bytes are
// immutable, so reading them without the GIL is safe).
std::string_view View(const py::bytes& bytes);
inline std::span<const uint8_t> Span(std::string_view bytes) {
  return {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()};
}

// Exactly `out.size()` bytes from `bytes` of that length or a hex string of twice that.
// InvalidArgumentError naming `what` otherwise.
void FixedBytes(py::handle value, std::span<uint8_t> out, const char* what);
template <size_t N>
std::array<uint8_t, N> Fixed(py::handle value, const char* what) {
  std::array<uint8_t, N> out{};
  FixedBytes(value, out, what);
  return out;
}
// None -> nullopt ("every user of the bucket"), else a 32-byte public key.
std::optional<PublicKey> OptionalUser(py::handle value);
Cid ParseCid(const std::string& text);

// JSON text <-> Python values, through the standard json module.
py::object LoadJson(std::string_view text);
// A str is taken as JSON text as is; anything else is serialized with json.dumps.
std::string DumpJson(py::handle value);

uint64_t NowMs();

py::dict EventToDict(const Event& event, const Cid& cid);
Event EventFromDict(const py::dict& dict);
// The encoded bytes of an event given as bytes or as a dict.
std::string EventBytes(py::handle event);

py::dict AppendResultToDict(const AppendResult& result);
py::dict TimelineInfoToDict(const TimelineInfo& info);
py::dict CheckpointToDict(const CheckpointRecord& checkpoint);
py::dict VerifiedEventToDict(const VerifiedEvent& verified);

}  // namespace ddc::python

#endif  // DDC_BINDINGS_PYTHON_CONVERT_H_
