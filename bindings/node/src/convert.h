// Conversions between ddc's C++ values and JavaScript values, and the errors a call rejects with.
//
// Everything here runs on the main (JavaScript) thread: Node-API values must not be touched
// anywhere else. Inputs are checked strictly and copied into C++ values before any work is
// queued; a value of the wrong JavaScript type throws a TypeError naming the argument, and a
// value of the right type that ddc refuses (a bad CID, hex of the wrong length, an unknown
// option) throws the DdcError the engine would give (InvalidArgumentError).
//
// Events cross as plain objects in the JSON shape of the node's `GET /v1/events/{cid}`
// (docs/node.md), as in the Python binding, except that a scope's `data` is a Buffer (base64
// text is accepted on input too). Keys and hashes are lower-case hex on output and hex or bytes
// (Buffer, Uint8Array) on input. 64-bit integers are Numbers, or BigInts above 2^53 - 1.
#ifndef DDC_BINDINGS_NODE_CONVERT_H_
#define DDC_BINDINGS_NODE_CONVERT_H_

#include <napi.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/cid.h"
#include "ddc/event.h"
#include "ddc/status.h"
#include "ddc/timeline.h"
#include "ddc/verify.h"

namespace ddc::node {

// Which error class an InvalidArgument status becomes: event decoding and verification failures
// are InvalidEventError, a subclass of InvalidArgumentError.
enum class ErrorKind : uint8_t { kDefault, kEvent };

// The error object for a non-OK status: an instance of the package's DdcError subclass for the
// code (index.js registers the classes), with .code ('NOT_FOUND', ...) and .status (the
// engine's numeric code).
Napi::Error ErrorFor(Napi::Env env, const Status& status, ErrorKind kind = ErrorKind::kDefault);
// A StoreClosedError: the call came after close().
Napi::Error StoreClosedError(Napi::Env env);

// Throws ErrorFor(status) as a C++ exception (Napi::Error), which becomes a JavaScript throw or
// a rejected promise at the boundary.
[[noreturn]] void Throw(Napi::Env env, const Status& status, ErrorKind kind = ErrorKind::kDefault);
[[noreturn]] void ThrowType(Napi::Env env, const std::string& message);
[[noreturn]] void ThrowRange(Napi::Env env, const std::string& message);

template <typename T>
T Take(Napi::Env env, Result<T>&& result, ErrorKind kind = ErrorKind::kDefault) {
  if (!result.ok()) Throw(env, result.status(), kind);
  return std::move(result).value();
}

// A promise already rejected with `error`.
Napi::Promise Rejected(Napi::Env env, const Napi::Error& error);

inline std::span<const uint8_t> Span(std::string_view bytes) {
  return {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()};
}
std::string ToHex(std::span<const uint8_t> bytes);

// ---- JavaScript -> C++ (main thread; each throws as described above) ----

bool IsMissing(const Napi::Value& value);  // undefined or null.
std::string String(const Napi::Value& value, const std::string& what);
bool Bool(const Napi::Value& value, const std::string& what);
// A non-negative safe-integer Number or a BigInt that fits.
uint64_t U64(const Napi::Value& value, const std::string& what);
uint32_t U32(const Napi::Value& value, const std::string& what);
// A copy of a Buffer's or Uint8Array's bytes.
std::string Bytes(const Napi::Value& value, const std::string& what);
// Exactly out.size() bytes, or a hex string of twice that many digits.
void FixedBytes(const Napi::Value& value, std::span<uint8_t> out, const std::string& what);
template <size_t N>
std::array<uint8_t, N> Fixed(const Napi::Value& value, const std::string& what) {
  std::array<uint8_t, N> out{};
  FixedBytes(value, out, what);
  return out;
}
// undefined/null -> nullopt ("every user of the bucket"), else a 32-byte key.
std::optional<PublicKey> OptionalKey(const Napi::Value& value, const std::string& what);
Cid ParseCid(const Napi::Value& value, const std::string& what);
// An options object (undefined/null: empty). Throws TypeError for a key not in `known`, so that
// a misspelt option is not silently ignored.
Napi::Object Options(const Napi::Value& value, const std::string& what,
                     std::initializer_list<const char*> known);
// JSON text: a string is taken as it is, anything else goes through JSON.stringify.
std::string JsonText(const Napi::Value& value, const std::string& what);
Napi::Value ParseJson(Napi::Env env, std::string_view text);

// An event object (see above) back to an Event; InvalidEventError / TypeError naming the field.
Event EventFromObject(const Napi::Object& object);
// The encoded bytes of an event given as a Buffer (its encoding) or as an object.
std::string EventBytes(const Napi::Value& value, const std::string& what);

// An array of 32-byte hashes (hex or bytes each).
std::vector<Hash32> HashesFromArray(const Napi::Value& value, const std::string& what);

// ---- C++ -> JavaScript (main thread) ----

Napi::Array HashesToArray(Napi::Env env, const std::vector<Hash32>& hashes);
Napi::Value U64Value(Napi::Env env, uint64_t value);
Napi::Buffer<uint8_t> BufferOf(Napi::Env env, std::string_view bytes);
Napi::Buffer<uint8_t> BufferOf(Napi::Env env, std::span<const uint8_t> bytes);
Napi::Value CidOrNull(Napi::Env env, const std::optional<Cid>& cid);

Napi::Object EventToObject(Napi::Env env, const Event& event, const Cid& cid);
Napi::Object AppendResultToObject(Napi::Env env, const AppendResult& result);
Napi::Object TimelineInfoToObject(Napi::Env env, const TimelineInfo& info);
Napi::Object CheckpointToObject(Napi::Env env, const CheckpointRecord& checkpoint);
Napi::Object VerifiedEventToObject(Napi::Env env, const VerifiedEvent& verified);

uint64_t NowMs();

}  // namespace ddc::node

#endif  // DDC_BINDINGS_NODE_CONVERT_H_
