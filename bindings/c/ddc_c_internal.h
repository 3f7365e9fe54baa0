// What the files of the C interface (include/ddc/ddc.h) share: the handle structs behind the
// opaque C types, the boundary that turns a ddc::Status (or an exception) into a code and an
// error object, and the conversions of arguments and results. Not installed; C callers never
// see it.
//
// Every exported function has the same shape: reset its outputs (Reset), then run its body in
// Boundary (or WithStore, which also checks the store handle), where argument checks
// (RequireArgs), conversions and the C++ call return a Status.
#ifndef DDC_BINDINGS_C_DDC_C_INTERNAL_H_
#define DDC_BINDINGS_C_DDC_C_INTERNAL_H_

#include <cstdint>
#include <exception>
#include <initializer_list>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ddc/cid.h"
#include "ddc/crypto.h"
#include "ddc/ddc.h"
#include "ddc/scopes.h"
#include "ddc/status.h"
#include "ddc/store.h"
#include "ddc/timeline.h"
#include "engine/base/macros.h"

struct ddc_error {
  int code;
  std::string message;
};

struct ddc_store {
  std::unique_ptr<ddc::Store> store;
};

struct ddc_keyring {
  ddc::KeyRing ring;
};

struct ddc_builder {
  ddc::EventBuilder builder;
};

struct ddc_opened {
  ddc::OpenedEvent opened;
};

struct ddc_iter {
  std::unique_ptr<ddc::EventIterator> events;  // Exactly one of the two is set.
  std::unique_ptr<ddc::UserIterator> users;
};

// Stored signed records (grants, tombstones, names): each one's CID and encoded bytes.
struct ddc_list {
  struct Item {
    ddc::Cid cid;
    std::string bytes;
  };
  std::vector<Item> items;
};

namespace ddc::c_api {

// ---- Errors and the boundary ----

// Makes *err (when err is not NULL) an error with `code` and `message`; returns `code`. Never
// throws: when even the error object cannot be allocated, *err is a static "out of memory".
int Fail(ddc_error** err, int code, std::string_view message) noexcept;
// DDC_OK for OK; otherwise Fail with the status's code and message.
int Report(const Status& status, ddc_error** err) noexcept;
// Fail for an exception caught at the boundary: DDC_FAILED, "out of memory" for bad_alloc.
int FailWithException(ddc_error** err, std::exception_ptr exception) noexcept;
// True for the static error object Fail hands out when out of memory (never freed).
bool IsStaticError(const ddc_error* err);
extern const char kOutOfMemory[];

// Runs `body` (returning a Status) and reports its result; no exception leaves.
template <typename Body>
int Boundary(ddc_error** err, Body&& body) noexcept {
  try {
    return Report(std::forward<Body>(body)(), err);
  } catch (...) {
    return FailWithException(err, std::current_exception());
  }
}

// Boundary for a function of a store: InvalidArgument when the handle is NULL, else `body`
// called with the store.
template <typename Body>
int WithStore(ddc_store* store, ddc_error** err, Body&& body) noexcept {
  return Boundary(err, [&]() -> Status {
    if (store == nullptr) return Status::InvalidArgument("store is NULL");
    return std::forward<Body>(body)(*store->store);
  });
}

// ---- Arguments ----

// A named pointer argument that must not be NULL.
struct Arg {
  const char* name;
  const void* pointer;
};
// InvalidArgument "<name> is NULL" for the first NULL argument, else OK.
Status RequireArgs(std::initializer_list<Arg> args);

// Inputs: (pointer, length); a NULL pointer reads as empty, which every decoder rejects with
// its own message and the functions storing bytes as they are reject up front.
std::span<const uint8_t> Bytes(const uint8_t* data, size_t len);
std::string_view Text(const char* data, size_t len);
// REQUIRES: key points at DDC_KEY_SIZE bytes.
PublicKey Key(const uint8_t* key);
std::optional<PublicKey> OptionalKey(const uint8_t* key);
KeyPair SigningKey(const uint8_t* seed);
Hash32 ToHash(const uint8_t* hash);
// A NUL-terminated CID string; InvalidArgument when NULL or malformed.
Result<Cid> ParseCid(const char* cid);
// The same for an argument whose errors should name it ("prev: cid: ...").
Result<Cid> ParseNamedCid(const char* cid, const char* what);

// ---- Outputs ----

// Outputs are overwritten on entry, never freed: a buffer becomes {NULL, 0}, a handle NULL, so
// that a failed call leaves nothing to free. NULL outputs are skipped.
inline void Reset(ddc_buf* buf) {
  if (buf != nullptr) *buf = ddc_buf{nullptr, 0};
}
template <typename Handle>
void Reset(Handle** handle) {
  if (handle != nullptr) *handle = nullptr;
}

// Copies `bytes` into a new NUL-terminated buffer of the caller's. Throws bad_alloc.
Status Fill(std::string_view bytes, ddc_buf* out);
// Fill with the value of `bytes`, or returns its error.
Status FillResult(const Result<std::string>& bytes, ddc_buf* out);
// Hashes as one buffer of hashes.size() * DDC_HASH_SIZE bytes.
Status FillHashes(std::span<const Hash32> hashes, ddc_buf* out);
// The string form of `cid` into a char[DDC_CID_SIZE], NUL-terminated.
void CopyCid(const Cid& cid, char* out);
void CopyTimeline(const TimelineInfo& info, ddc_timeline_info* out);

// A new list of stored records (anything with `cid` and `bytes`) into *list.
template <typename Records>
Status FillList(Records&& records, ddc_list** list) {
  auto made = std::make_unique<ddc_list>();
  made->items.reserve(records.size());
  for (auto& record : records) made->items.push_back({record.cid, std::move(record.bytes)});
  *list = made.release();
  return Status::OK();
}

}  // namespace ddc::c_api

#endif  // DDC_BINDINGS_C_DDC_C_INTERNAL_H_
