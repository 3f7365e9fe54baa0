#include "convert.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "binding.h"
#include "engine/base/hex.h"

namespace ddc::node {

namespace {

constexpr uint64_t kMaxSafeInteger = (1ull << 53) - 1;  // Number.MAX_SAFE_INTEGER.

// The `.code` token of a status: stable, upper case, like Node's own error codes.
const char* CodeToken(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return "OK";
    case Status::Code::kNotFound:
      return "NOT_FOUND";
    case Status::Code::kCorruption:
      return "CORRUPTION";
    case Status::Code::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case Status::Code::kIOError:
      return "IO_ERROR";
    case Status::Code::kNoSpace:
      return "NO_SPACE";
    case Status::Code::kBusy:
      return "BUSY";
    case Status::Code::kNotSupported:
      return "NOT_SUPPORTED";
    case Status::Code::kFailed:
      return "FAILED";
    case Status::Code::kConflict:
      return "CONFLICT";
    case Status::Code::kErased:
      return "ERASED";
    case Status::Code::kPermissionDenied:
      return "PERMISSION_DENIED";
  }
  return "UNKNOWN";
}

// The class name index.js registers for a status (the Python binding's hierarchy).
const char* ClassName(Status::Code code, ErrorKind kind) {
  switch (code) {
    case Status::Code::kNotFound:
      return "NotFoundError";
    case Status::Code::kCorruption:
      return "CorruptionError";
    case Status::Code::kInvalidArgument:
      return kind == ErrorKind::kEvent ? "InvalidEventError" : "InvalidArgumentError";
    case Status::Code::kIOError:
    case Status::Code::kNoSpace:
    case Status::Code::kFailed:
      return "StorageIOError";
    case Status::Code::kBusy:
      return "BusyError";
    case Status::Code::kNotSupported:
      return "NotSupportedError";
    case Status::Code::kConflict:
      return "ConflictError";
    case Status::Code::kErased:
      return "ErasedError";
    case Status::Code::kPermissionDenied:
      return "AuthError";
    case Status::Code::kOk:
      break;
  }
  return "DdcError";
}

// An instance of the registered class `name` made with (message, code, status), or a plain
// Error with those properties when no classes are registered.
Napi::Error MakeError(Napi::Env env, const char* name, const std::string& message, const char* code,
                      const Napi::Value& status) {
  AddonData& data = Data(env);
  if (!data.error_classes.IsEmpty()) {
    Napi::Value cls = data.error_classes.Value().Get(name);
    if (cls.IsFunction()) {
      Napi::Object error = cls.As<Napi::Function>().New(
          {Napi::String::New(env, message), Napi::String::New(env, code), status});
      return {env, error};
    }
  }
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  error.Set("status", status);
  return error;
}

std::string Describe(const Napi::Value& value) {
  switch (value.Type()) {
    case napi_undefined:
      return "undefined";
    case napi_null:
      return "null";
    case napi_boolean:
      return "a boolean";
    case napi_number:
      return "a number";
    case napi_string:
      return "a string";
    case napi_symbol:
      return "a symbol";
    case napi_object:
      if (value.IsArray()) return "an array";
      if (value.IsBuffer()) return "a Buffer";
      if (value.IsTypedArray()) return "a typed array";
      return "an object";
    case napi_function:
      return "a function";
    case napi_external:
      return "an external";
    case napi_bigint:
      return "a bigint";
  }
  return "a value";
}

[[noreturn]] void ThrowWant(const Napi::Value& value, const std::string& what, const char* want) {
  ThrowType(value.Env(), what + ": want " + want + ", got " + Describe(value));
}

// Strict standard base64 (with padding), as the node's JSON carries scope data.
bool Base64Decode(std::string_view text, std::string* out) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (text.size() % 4 != 0) return false;
  out->clear();
  out->reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const int pad = last ? (text[i + 3] == '=') + (text[i + 2] == '=' && text[i + 3] == '=') : 0;
    int v[4];
    for (int j = 0; j < 4 - pad; ++j) {
      v[j] = value(text[i + static_cast<size_t>(j)]);
      if (v[j] < 0) return false;
    }
    for (int j = 4 - pad; j < 4; ++j) v[j] = 0;
    const uint32_t bits = static_cast<uint32_t>(v[0] << 18 | v[1] << 12 | v[2] << 6 | v[3]);
    out->push_back(static_cast<char>(bits >> 16));
    if (pad < 2) out->push_back(static_cast<char>(bits >> 8 & 0xff));
    if (pad < 1) out->push_back(static_cast<char>(bits & 0xff));
  }
  return true;
}

Napi::Value Field(const Napi::Object& object, const char* key, const std::string& what) {
  Napi::Value value = object.Get(key);
  if (value.IsUndefined()) {
    Throw(object.Env(), Status::InvalidArgument(what + ": missing '" + key + "'"),
          ErrorKind::kEvent);
  }
  return value;
}

Scope ScopeFromObject(const Napi::Value& value, const std::string& what) {
  if (!value.IsObject()) ThrowWant(value, what, "an object");
  Napi::Object object = value.As<Napi::Object>();
  Scope scope;
  scope.name = String(Field(object, "name", what), what + ".name");
  Napi::Value sealed = object.Get("sealed");
  scope.sealed = !IsMissing(sealed) && Bool(sealed, what + ".sealed");
  if (scope.sealed) {
    scope.key_version = U32(Field(object, "key_version", what), what + ".key_version");
    FixedBytes(Field(object, "nonce", what), scope.nonce, what + ".nonce");
  }
  Napi::Value compression = object.Get("compression");
  if (!IsMissing(compression)) {
    std::string name = String(compression, what + ".compression");
    if (name == "zstd") {
      scope.compression = ScopeCompression::kZstd;
    } else if (name != "none") {
      Throw(object.Env(),
            Status::InvalidArgument(what + ".compression '" + name + "': want 'none' or 'zstd'"),
            ErrorKind::kEvent);
    }
  }
  Napi::Value data = Field(object, "data", what);
  if (data.IsString()) {
    if (!Base64Decode(data.As<Napi::String>().Utf8Value(), &scope.data)) {
      Throw(object.Env(), Status::InvalidArgument(what + ".data: not base64"), ErrorKind::kEvent);
    }
  } else {
    scope.data = Bytes(data, what + ".data");
  }
  return scope;
}

}  // namespace

Napi::Error ErrorFor(Napi::Env env, const Status& status, ErrorKind kind) {
  return MakeError(env, ClassName(status.code(), kind), status.message(), CodeToken(status.code()),
                   Napi::Number::New(env, static_cast<double>(status.code())));
}

Napi::Error StoreClosedError(Napi::Env env) {
  return MakeError(env, "StoreClosedError", "the store is closed", "STORE_CLOSED", env.Null());
}

void Throw(Napi::Env env, const Status& status, ErrorKind kind) {
  throw ErrorFor(env, status, kind);
}

void ThrowType(Napi::Env env, const std::string& message) {
  throw Napi::TypeError::New(env, message);
}

void ThrowRange(Napi::Env env, const std::string& message) {
  throw Napi::RangeError::New(env, message);
}

Napi::Promise Rejected(Napi::Env env, const Napi::Error& error) {
  Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
  deferred.Reject(error.Value());
  return deferred.Promise();
}

std::string ToHex(std::span<const uint8_t> bytes) { return Hex(bytes); }

bool IsMissing(const Napi::Value& value) { return value.IsUndefined() || value.IsNull(); }

std::string String(const Napi::Value& value, const std::string& what) {
  if (!value.IsString()) ThrowWant(value, what, "a string");
  return value.As<Napi::String>().Utf8Value();
}

bool Bool(const Napi::Value& value, const std::string& what) {
  if (!value.IsBoolean()) ThrowWant(value, what, "a boolean");
  return value.As<Napi::Boolean>().Value();
}

uint64_t U64(const Napi::Value& value, const std::string& what) {
  if (value.IsBigInt()) {
    bool lossless = false;
    uint64_t v = value.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) ThrowRange(value.Env(), what + ": out of range for an unsigned 64-bit integer");
    return v;
  }
  if (!value.IsNumber()) ThrowWant(value, what, "a non-negative integer");
  double d = value.As<Napi::Number>().DoubleValue();
  if (!(d >= 0) || d != std::floor(d) || d > static_cast<double>(kMaxSafeInteger)) {
    ThrowRange(value.Env(), what + ": want a non-negative safe integer (or a bigint), got " +
                                value.ToString().Utf8Value());
  }
  return static_cast<uint64_t>(d);
}

uint32_t U32(const Napi::Value& value, const std::string& what) {
  uint64_t v = U64(value, what);
  if (v > UINT32_MAX) ThrowRange(value.Env(), what + ": above 4294967295");
  return static_cast<uint32_t>(v);
}

std::string Bytes(const Napi::Value& value, const std::string& what) {
  if (value.IsTypedArray()) {
    Napi::TypedArray array = value.As<Napi::TypedArray>();
    if (array.TypedArrayType() == napi_uint8_array) {
      Napi::Uint8Array bytes = array.As<Napi::Uint8Array>();
      return {reinterpret_cast<const char*>(bytes.Data()), bytes.ByteLength()};
    }
  }
  ThrowWant(value, what, "a Buffer or Uint8Array");
}

void FixedBytes(const Napi::Value& value, std::span<uint8_t> out, const std::string& what) {
  if (value.IsString()) {
    if (!ParseHex(value.As<Napi::String>().Utf8Value(), out)) {
      Throw(value.Env(),
            Status::InvalidArgument(what + ": want " + std::to_string(out.size()) + " bytes or " +
                                    std::to_string(out.size() * 2) + " hex digits"));
    }
    return;
  }
  if (!value.IsTypedArray()) ThrowWant(value, what, "a Buffer, Uint8Array or hex string");
  std::string bytes = Bytes(value, what);
  if (bytes.size() != out.size()) {
    Throw(value.Env(), Status::InvalidArgument(what + ": " + std::to_string(bytes.size()) +
                                               " bytes, want " + std::to_string(out.size())));
  }
  std::copy(bytes.begin(), bytes.end(), out.begin());
}

std::optional<PublicKey> OptionalKey(const Napi::Value& value, const std::string& what) {
  if (IsMissing(value)) return std::nullopt;
  return Fixed<32>(value, what);
}

Cid ParseCid(const Napi::Value& value, const std::string& what) {
  Result<Cid> cid = Cid::Parse(String(value, what));
  if (!cid.ok()) {
    // The engine's messages start with "cid: "; `what` names the argument instead.
    std::string_view message = cid.status().message();
    if (message.starts_with("cid: ")) message.remove_prefix(5);
    Throw(value.Env(), Status::InvalidArgument(what + ": " + std::string(message)));
  }
  return *cid;
}

Napi::Object Options(const Napi::Value& value, const std::string& what,
                     std::initializer_list<const char*> known) {
  Napi::Env env = value.Env();
  if (IsMissing(value)) return Napi::Object::New(env);
  if (!value.IsObject() || value.IsArray()) ThrowWant(value, what, "an options object");
  Napi::Object object = value.As<Napi::Object>();
  Napi::Array names = object.GetPropertyNames();
  for (uint32_t i = 0; i < names.Length(); ++i) {
    std::string name = names.Get(i).ToString().Utf8Value();
    if (std::none_of(known.begin(), known.end(), [&](const char* k) { return name == k; })) {
      std::string message = what + ": unknown option '";
      message += name;
      message += "' (known:";
      for (const char* k : known) (message += ' ') += k;
      message += ")";
      ThrowType(env, message);
    }
  }
  return object;
}

std::string JsonText(const Napi::Value& value, const std::string& what) {
  if (value.IsString()) return value.As<Napi::String>().Utf8Value();
  Napi::Env env = value.Env();
  Napi::Object json = env.Global().Get("JSON").As<Napi::Object>();
  Napi::Value text = json.Get("stringify").As<Napi::Function>().Call(json, {value});
  if (!text.IsString()) ThrowWant(value, what, "JSON text or a value JSON.stringify accepts");
  return text.As<Napi::String>().Utf8Value();
}

Napi::Value ParseJson(Napi::Env env, std::string_view text) {
  Napi::Object json = env.Global().Get("JSON").As<Napi::Object>();
  return json.Get("parse").As<Napi::Function>().Call(
      json, {Napi::String::New(env, text.data(), text.size())});
}

Event EventFromObject(const Napi::Object& object) {
  Napi::Env env = object.Env();
  const std::string what = "event";
  Event event;
  event.bucket = U64(Field(object, "bucket", what), "event.bucket");
  event.user = Fixed<32>(Field(object, "user", what), "event.user");
  event.id = String(Field(object, "id", what), "event.id");
  event.timestamp_ms = U64(Field(object, "time_ms", what), "event.time_ms");
  event.type = String(Field(object, "type", what), "event.type");
  Napi::Value prev = object.Get("prev");
  if (!IsMissing(prev)) event.prev = ParseCid(prev, "event.prev");
  Napi::Value scopes = object.Get("scopes");
  if (!IsMissing(scopes)) {
    if (!scopes.IsArray()) ThrowWant(scopes, "event.scopes", "an array");
    Napi::Array array = scopes.As<Napi::Array>();
    for (uint32_t i = 0; i < array.Length(); ++i) {
      event.scopes.push_back(
          ScopeFromObject(array.Get(i), "event.scopes[" + std::to_string(i) + "]"));
    }
  }
  event.signature = Fixed<64>(Field(object, "signature", what), "event.signature");
  Napi::Value batch = object.Get("batch");
  if (!IsMissing(batch)) {
    if (!batch.IsObject()) ThrowWant(batch, "event.batch", "an object or null");
    Napi::Object b = batch.As<Napi::Object>();
    BatchProof proof;
    proof.root = Fixed<32>(Field(b, "root", "event.batch"), "event.batch.root");
    proof.size = U64(Field(b, "size", "event.batch"), "event.batch.size");
    proof.index = U64(Field(b, "index", "event.batch"), "event.batch.index");
    Napi::Value path = Field(b, "path", "event.batch");
    if (!path.IsArray()) ThrowWant(path, "event.batch.path", "an array");
    Napi::Array hashes = path.As<Napi::Array>();
    for (uint32_t i = 0; i < hashes.Length(); ++i) {
      proof.path.push_back(Fixed<32>(hashes.Get(i), "event.batch.path"));
    }
    event.batch = std::move(proof);
  }
  (void)env;
  return event;
}

std::string EventBytes(const Napi::Value& value, const std::string& what) {
  if (value.IsTypedArray()) return Bytes(value, what);
  if (value.IsObject() && !value.IsArray()) {
    Result<std::string> encoded = EncodeEvent(EventFromObject(value.As<Napi::Object>()));
    if (!encoded.ok()) Throw(value.Env(), encoded.status(), ErrorKind::kEvent);
    return std::move(encoded).value();
  }
  ThrowWant(value, what, "an event (a Buffer of its encoding, or an event object)");
}

std::vector<Hash32> HashesFromArray(const Napi::Value& value, const std::string& what) {
  if (!value.IsArray()) ThrowWant(value, what, "an array of hex hashes");
  Napi::Array array = value.As<Napi::Array>();
  std::vector<Hash32> hashes;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    hashes.push_back(Fixed<32>(array.Get(i), what + "[" + std::to_string(i) + "]"));
  }
  return hashes;
}

Napi::Array HashesToArray(Napi::Env env, const std::vector<Hash32>& hashes) {
  Napi::Array out = Napi::Array::New(env, hashes.size());
  for (size_t i = 0; i < hashes.size(); ++i) out.Set(static_cast<uint32_t>(i), ToHex(hashes[i]));
  return out;
}

Napi::Value U64Value(Napi::Env env, uint64_t value) {
  if (value <= kMaxSafeInteger) return Napi::Number::New(env, static_cast<double>(value));
  return Napi::BigInt::New(env, value);
}

Napi::Buffer<uint8_t> BufferOf(Napi::Env env, std::string_view bytes) {
  return Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t*>(bytes.data()),
                                     bytes.size());
}

Napi::Buffer<uint8_t> BufferOf(Napi::Env env, std::span<const uint8_t> bytes) {
  return Napi::Buffer<uint8_t>::Copy(env, bytes.data(), bytes.size());
}

Napi::Value CidOrNull(Napi::Env env, const std::optional<Cid>& cid) {
  if (!cid) return env.Null();
  return Napi::String::New(env, cid->ToString());
}

Napi::Object EventToObject(Napi::Env env, const Event& event, const Cid& cid) {
  Napi::Array scopes = Napi::Array::New(env, event.scopes.size());
  for (size_t i = 0; i < event.scopes.size(); ++i) {
    const Scope& scope = event.scopes[i];
    Napi::Object s = Napi::Object::New(env);
    s.Set("name", scope.name);
    s.Set("sealed", scope.sealed);
    if (scope.sealed) {
      s.Set("key_version", Napi::Number::New(env, scope.key_version));
      s.Set("nonce", ToHex(scope.nonce));
    }
    s.Set("compression", scope.compression == ScopeCompression::kZstd ? "zstd" : "none");
    s.Set("data", BufferOf(env, scope.data));
    scopes.Set(static_cast<uint32_t>(i), s);
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("cid", cid.ToString());
  o.Set("bucket", U64Value(env, event.bucket));
  o.Set("user", ToHex(event.user));
  o.Set("id", event.id);
  o.Set("time_ms", U64Value(env, event.timestamp_ms));
  o.Set("type", event.type);
  o.Set("prev", CidOrNull(env, event.prev));
  o.Set("scopes", scopes);
  o.Set("signature", ToHex(event.signature));
  if (event.batch) {
    Napi::Array path = Napi::Array::New(env, event.batch->path.size());
    for (size_t i = 0; i < event.batch->path.size(); ++i) {
      path.Set(static_cast<uint32_t>(i), ToHex(event.batch->path[i]));
    }
    Napi::Object batch = Napi::Object::New(env);
    batch.Set("root", ToHex(event.batch->root));
    batch.Set("size", U64Value(env, event.batch->size));
    batch.Set("index", U64Value(env, event.batch->index));
    batch.Set("path", path);
    o.Set("batch", batch);
  } else {
    o.Set("batch", env.Null());
  }
  return o;
}

Napi::Object AppendResultToObject(Napi::Env env, const AppendResult& result) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("cid", result.cid.ToString());
  o.Set("position", U64Value(env, result.position));
  o.Set("journal_index", U64Value(env, result.journal_index));
  o.Set("existed", result.existed);
  return o;
}

Napi::Object TimelineInfoToObject(Napi::Env env, const TimelineInfo& info) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("bucket", U64Value(env, info.bucket));
  o.Set("user", ToHex(info.user));
  o.Set("size", U64Value(env, info.size));
  o.Set("root", ToHex(info.root));
  o.Set("head", info.size > 0 ? CidOrNull(env, info.head) : env.Null());
  return o;
}

Napi::Object CheckpointToObject(Napi::Env env, const CheckpointRecord& checkpoint) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("cid", checkpoint.cid.ToString());
  o.Set("origin", checkpoint.origin);
  o.Set("size", U64Value(env, checkpoint.size));
  o.Set("root", ToHex(checkpoint.root));
  o.Set("time_ms", U64Value(env, checkpoint.time_ms));
  o.Set("note", checkpoint.note);
  return o;
}

Napi::Object VerifiedEventToObject(Napi::Env env, const VerifiedEvent& verified) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("cid", verified.cid.ToString());
  o.Set("event", EventToObject(env, verified.event, verified.cid));
  o.Set("position", U64Value(env, verified.position));
  o.Set("timeline_root", ToHex(verified.timeline_root));
  o.Set("journal_index", U64Value(env, verified.journal_index));
  o.Set("checkpoint_size", U64Value(env, verified.checkpoint_size));
  o.Set("checkpoint_root", ToHex(verified.checkpoint_root));
  o.Set("checkpoint_time_ms", U64Value(env, verified.checkpoint_time_ms));
  o.Set("checkpoint_origin", verified.checkpoint_origin);
  return o;
}

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace ddc::node
