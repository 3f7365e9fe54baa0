#include "convert.h"

#include <pybind11/stl.h>

#include <chrono>
#include <string>
#include <vector>

#include "engine/base/hex.h"

namespace ddc::python {

using namespace pybind11::literals;  // NOLINT(google-build-using-namespace)

namespace {

// The exception classes, owned by the module (which lives until the interpreter exits).
struct ErrorClasses {
  py::handle base, not_found, corruption, invalid_argument, invalid_event, io, busy, not_supported,
      conflict, erased, auth;
};
ErrorClasses g_errors;

py::handle NewError(py::module_& module, const char* name, py::handle bases, const char* doc) {
  std::string qualified = std::string("ddc.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), nullptr);
  if (type == nullptr) throw py::error_already_set();
  module.add_object(name, py::reinterpret_steal<py::object>(type));
  return type;
}

const char* CodeToken(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return "ok";
    case Status::Code::kNotFound:
      return "not_found";
    case Status::Code::kCorruption:
      return "corruption";
    case Status::Code::kInvalidArgument:
      return "invalid_argument";
    case Status::Code::kIOError:
      return "io_error";
    case Status::Code::kNoSpace:
      return "no_space";
    case Status::Code::kBusy:
      return "busy";
    case Status::Code::kNotSupported:
      return "not_supported";
    case Status::Code::kFailed:
      return "failed";
    case Status::Code::kConflict:
      return "conflict";
    case Status::Code::kErased:
      return "erased";
    case Status::Code::kPermissionDenied:
      return "permission_denied";
  }
  return "unknown";
}

py::handle ErrorClass(Status::Code code, ErrorKind kind) {
  switch (code) {
    case Status::Code::kNotFound:
      return g_errors.not_found;
    case Status::Code::kCorruption:
      return g_errors.corruption;
    case Status::Code::kInvalidArgument:
      return kind == ErrorKind::kEvent ? g_errors.invalid_event : g_errors.invalid_argument;
    case Status::Code::kIOError:
    case Status::Code::kNoSpace:
    case Status::Code::kFailed:
      return g_errors.io;
    case Status::Code::kBusy:
      return g_errors.busy;
    case Status::Code::kNotSupported:
      return g_errors.not_supported;
    case Status::Code::kConflict:
      return g_errors.conflict;
    case Status::Code::kErased:
      return g_errors.erased;
    case Status::Code::kPermissionDenied:
      return g_errors.auth;
    case Status::Code::kOk:
      break;
  }
  return g_errors.base;
}

std::vector<uint8_t> Base64Decode(const std::string& text) {
  py::object decoded = py::module_::import("base64").attr("b64decode")(text, "validate"_a = true);
  std::string_view view = View(decoded.cast<py::bytes>());
  return {view.begin(), view.end()};
}

std::string Str(const py::dict& dict, const char* key) {
  if (!dict.contains(key))
    Raise(Status::InvalidArgument(std::string("event: missing '") + key + "'"));
  return py::cast<std::string>(dict[key]);
}

uint64_t U64(const py::dict& dict, const char* key) {
  if (!dict.contains(key))
    Raise(Status::InvalidArgument(std::string("event: missing '") + key + "'"));
  return py::cast<uint64_t>(dict[key]);
}

Scope ScopeFromDict(const py::dict& dict) {
  Scope scope;
  scope.name = Str(dict, "name");
  scope.sealed = dict.contains("sealed") && py::cast<bool>(dict["sealed"]);
  if (scope.sealed) {
    scope.key_version = static_cast<uint32_t>(U64(dict, "key_version"));
    FixedBytes(dict["nonce"], scope.nonce, "scope nonce");
  }
  if (dict.contains("compression")) {
    std::string compression = py::cast<std::string>(dict["compression"]);
    if (compression == "zstd") {
      scope.compression = ScopeCompression::kZstd;
    } else if (compression != "none") {
      Raise(Status::InvalidArgument("event: scope compression '" + compression +
                                    "', want 'none' or 'zstd'"));
    }
  }
  if (!dict.contains("data")) Raise(Status::InvalidArgument("event: scope without 'data'"));
  py::handle data = dict["data"];
  if (py::isinstance<py::bytes>(data)) {
    scope.data = std::string(View(py::reinterpret_borrow<py::bytes>(data)));
  } else {
    std::vector<uint8_t> decoded = Base64Decode(py::cast<std::string>(data));
    scope.data.assign(decoded.begin(), decoded.end());
  }
  return scope;
}

}  // namespace

void InitErrors(py::module_& module) {
  py::handle exception = PyExc_Exception;
  g_errors.base = NewError(module, "Error", exception,
                           "Base of every ddc error; .code names the status, .message says what.");
  py::tuple only_base = py::make_tuple(g_errors.base);
  g_errors.not_found = NewError(module, "NotFoundError",
                                py::make_tuple(g_errors.base, py::handle(PyExc_LookupError)),
                                "The thing asked for does not exist.");
  g_errors.corruption =
      NewError(module, "CorruptionError", only_base, "Stored bytes fail a checksum or check.");
  g_errors.invalid_argument = NewError(module, "InvalidArgumentError",
                                       py::make_tuple(g_errors.base, py::handle(PyExc_ValueError)),
                                       "Something malformed or out of bounds was passed.");
  g_errors.invalid_event =
      NewError(module, "InvalidEventError", py::make_tuple(g_errors.invalid_argument),
               "An event failed to decode or verify.");
  g_errors.io = NewError(module, "StorageIOError", only_base,
                         "An I/O error, a full device, or a store stopped by an earlier one.");
  g_errors.busy = NewError(module, "BusyError", only_base, "The store is held elsewhere.");
  g_errors.not_supported =
      NewError(module, "NotSupportedError", only_base, "This build or kernel lacks a feature.");
  g_errors.conflict = NewError(module, "ConflictError", only_base,
                               "The request contradicts what is stored (reused id, stale prev).");
  g_errors.erased = NewError(module, "ErasedError", only_base, "The thing was erased on request.");
  g_errors.auth = NewError(module, "AuthError", only_base,
                           "A wrong key, or a signer without the right (permission denied).");
  // pybind11 wants a plain function pointer taking std::exception_ptr by value.
  py::register_exception_translator([](std::exception_ptr pointer) {  // NOLINT(performance-*)
    try {
      if (pointer) std::rethrow_exception(pointer);
    } catch (const StoreClosed&) {
      py::object error = ErrorFor(Status::InvalidArgument("the store is closed"));
      PyErr_SetObject(error.get_type().ptr(), error.ptr());
    }
  });
}

py::object ErrorFor(const Status& status, ErrorKind kind) {
  py::object error = ErrorClass(status.code(), kind)(status.message());
  error.attr("code") = CodeToken(status.code());
  error.attr("message") = status.message();
  return error;
}

void Raise(const Status& status, ErrorKind kind) {
  py::object error = ErrorFor(status, kind);
  PyErr_SetObject(error.get_type().ptr(), error.ptr());
  throw py::error_already_set();
}

std::string ToHex(std::span<const uint8_t> bytes) { return Hex(bytes); }

std::string_view View(const py::bytes& bytes) {
  char* data = nullptr;
  Py_ssize_t size = 0;
  if (PyBytes_AsStringAndSize(bytes.ptr(), &data, &size) != 0) throw py::error_already_set();
  return {data, static_cast<size_t>(size)};
}

void FixedBytes(py::handle value, std::span<uint8_t> out, const char* what) {
  if (py::isinstance<py::bytes>(value)) {
    std::string_view bytes = View(py::reinterpret_borrow<py::bytes>(value));
    if (bytes.size() != out.size()) {
      Raise(Status::InvalidArgument(std::string(what) + ": " + std::to_string(bytes.size()) +
                                    " bytes, want " + std::to_string(out.size())));
    }
    std::copy(bytes.begin(), bytes.end(), out.begin());
    return;
  }
  if (py::isinstance<py::str>(value)) {
    if (!ParseHex(py::cast<std::string>(value), out)) {
      Raise(Status::InvalidArgument(std::string(what) + ": want " + std::to_string(out.size()) +
                                    " bytes or " + std::to_string(out.size() * 2) + " hex digits"));
    }
    return;
  }
  Raise(Status::InvalidArgument(std::string(what) + ": want bytes or a hex string"));
}

std::optional<PublicKey> OptionalUser(py::handle value) {
  if (value.is_none()) return std::nullopt;
  return Fixed<32>(value, "user");
}

Cid ParseCid(const std::string& text) { return Take(Cid::Parse(text)); }

py::object LoadJson(std::string_view text) {
  return py::module_::import("json").attr("loads")(py::str(text.data(), text.size()));
}

std::string DumpJson(py::handle value) {
  if (py::isinstance<py::str>(value)) return py::cast<std::string>(value);
  return py::cast<std::string>(py::module_::import("json").attr("dumps")(
      value, "ensure_ascii"_a = false, "separators"_a = py::make_tuple(",", ":")));
}

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

py::dict EventToDict(const Event& event, const Cid& cid) {
  py::list scopes;
  for (const Scope& scope : event.scopes) {
    py::dict s;
    s["name"] = scope.name;
    s["sealed"] = scope.sealed;
    if (scope.sealed) {
      s["key_version"] = scope.key_version;
      s["nonce"] = ToHex(scope.nonce);
    }
    s["compression"] = scope.compression == ScopeCompression::kZstd ? "zstd" : "none";
    s["data"] = ToBytes(scope.data);
    scopes.append(std::move(s));
  }
  py::dict d;
  d["cid"] = cid.ToString();
  d["bucket"] = event.bucket;
  d["user"] = ToHex(event.user);
  d["id"] = event.id;
  d["time_ms"] = event.timestamp_ms;
  d["type"] = event.type;
  d["prev"] = event.prev ? py::object(py::str(event.prev->ToString())) : py::object(py::none());
  d["scopes"] = std::move(scopes);
  d["signature"] = ToHex(event.signature);
  if (event.batch) {
    py::list path;
    for (const Hash32& hash : event.batch->path) path.append(ToHex(hash));
    py::dict batch;
    batch["root"] = ToHex(event.batch->root);
    batch["size"] = event.batch->size;
    batch["index"] = event.batch->index;
    batch["path"] = std::move(path);
    d["batch"] = std::move(batch);
  } else {
    d["batch"] = py::none();
  }
  return d;
}

Event EventFromDict(const py::dict& dict) {
  Event event;
  event.bucket = U64(dict, "bucket");
  if (!dict.contains("user")) Raise(Status::InvalidArgument("event: missing 'user'"));
  event.user = Fixed<32>(dict["user"], "event user");
  event.id = Str(dict, "id");
  event.timestamp_ms = U64(dict, "time_ms");
  event.type = Str(dict, "type");
  if (dict.contains("prev") && !dict["prev"].is_none()) {
    event.prev = ParseCid(py::cast<std::string>(dict["prev"]));
  }
  if (dict.contains("scopes")) {
    for (py::handle scope : dict["scopes"]) {
      event.scopes.push_back(ScopeFromDict(py::reinterpret_borrow<py::dict>(scope)));
    }
  }
  if (!dict.contains("signature")) Raise(Status::InvalidArgument("event: missing 'signature'"));
  event.signature = Fixed<64>(dict["signature"], "event signature");
  if (dict.contains("batch") && !dict["batch"].is_none()) {
    py::dict batch = dict["batch"];
    BatchProof proof;
    proof.root = Fixed<32>(batch["root"], "batch root");
    proof.size = py::cast<uint64_t>(batch["size"]);
    proof.index = py::cast<uint64_t>(batch["index"]);
    for (py::handle hash : batch["path"]) proof.path.push_back(Fixed<32>(hash, "batch path"));
    event.batch = std::move(proof);
  }
  return event;
}

std::string EventBytes(py::handle event) {
  if (py::isinstance<py::bytes>(event)) {
    return std::string(View(py::reinterpret_borrow<py::bytes>(event)));
  }
  if (py::isinstance<py::dict>(event)) {
    return Take(EncodeEvent(EventFromDict(py::reinterpret_borrow<py::dict>(event))),
                ErrorKind::kEvent);
  }
  throw py::type_error("an event is bytes (its encoding) or a dict");
}

py::dict AppendResultToDict(const AppendResult& result) {
  py::dict d;
  d["cid"] = result.cid.ToString();
  d["position"] = result.position;
  d["journal_index"] = result.journal_index;
  d["existed"] = result.existed;
  return d;
}

py::dict TimelineInfoToDict(const TimelineInfo& info) {
  py::dict d;
  d["bucket"] = info.bucket;
  d["user"] = ToHex(info.user);
  d["size"] = info.size;
  d["root"] = ToHex(info.root);
  d["head"] = info.size > 0 ? py::object(py::str(info.head.ToString())) : py::object(py::none());
  return d;
}

py::dict CheckpointToDict(const CheckpointRecord& checkpoint) {
  py::dict d;
  d["cid"] = checkpoint.cid.ToString();
  d["origin"] = checkpoint.origin;
  d["size"] = checkpoint.size;
  d["root"] = ToHex(checkpoint.root);
  d["time_ms"] = checkpoint.time_ms;
  d["note"] = checkpoint.note;
  return d;
}

py::dict VerifiedEventToDict(const VerifiedEvent& verified) {
  py::dict d;
  d["cid"] = verified.cid.ToString();
  d["event"] = EventToDict(verified.event, verified.cid);
  d["position"] = verified.position;
  d["timeline_root"] = ToHex(verified.timeline_root);
  d["journal_index"] = verified.journal_index;
  d["checkpoint_size"] = verified.checkpoint_size;
  d["checkpoint_root"] = ToHex(verified.checkpoint_root);
  d["checkpoint_time_ms"] = verified.checkpoint_time_ms;
  d["checkpoint_origin"] = verified.checkpoint_origin;
  return d;
}

}  // namespace ddc::python
