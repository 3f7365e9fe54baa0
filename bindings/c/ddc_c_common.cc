// The C interface (include/ddc/ddc.h) over the C++ API: what every other file uses (the
// boundary, conversions; see ddc_c_internal.h), and the functions that need no store: version,
// errors, buffers, keys, CIDs and lists.
//
// Every exported function converts its arguments, calls the C++ function of the same purpose and
// converts the result; nothing in bindings/c decides anything the C++ API does not. Each body
// runs inside Boundary(), which turns a ddc::Status into the returned code and the optional
// error object, and catches every exception so that none crosses into C: std::bad_alloc becomes
// DDC_FAILED "out of memory", anything else DDC_FAILED with its what().
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "bindings/c/ddc_c_internal.h"
#include "ddc/event.h"

namespace ddc::c_api {
namespace {

// The codes are ddc::Status's, number for number.
static_assert(DDC_OK == static_cast<int>(Status::Code::kOk));
static_assert(DDC_NOT_FOUND == static_cast<int>(Status::Code::kNotFound));
static_assert(DDC_CORRUPTION == static_cast<int>(Status::Code::kCorruption));
static_assert(DDC_INVALID_ARGUMENT == static_cast<int>(Status::Code::kInvalidArgument));
static_assert(DDC_IO_ERROR == static_cast<int>(Status::Code::kIOError));
static_assert(DDC_NO_SPACE == static_cast<int>(Status::Code::kNoSpace));
static_assert(DDC_BUSY == static_cast<int>(Status::Code::kBusy));
static_assert(DDC_NOT_SUPPORTED == static_cast<int>(Status::Code::kNotSupported));
static_assert(DDC_FAILED == static_cast<int>(Status::Code::kFailed));
static_assert(DDC_CONFLICT == static_cast<int>(Status::Code::kConflict));
static_assert(DDC_ERASED == static_cast<int>(Status::Code::kErased));
static_assert(DDC_PERMISSION_DENIED == static_cast<int>(Status::Code::kPermissionDenied));
static_assert(Cid::kBinaryBytes == DDC_CID_BINARY_SIZE);
static_assert(DDC_KEY_SIZE == sizeof(PublicKey) && DDC_KEY_SIZE == sizeof(MasterKey));
static_assert(DDC_HASH_SIZE == sizeof(Hash32));
static_assert(DDC_CID_SIZE > 62);

// Handed out when even an error object cannot be allocated; never freed.
ddc_error out_of_memory_error{DDC_FAILED, ""};

}  // namespace

const char kOutOfMemory[] = "out of memory";

int Fail(ddc_error** err, int code, std::string_view message) noexcept {
  if (err == nullptr) return code;
  try {
    *err = new ddc_error{code, std::string(message.empty() ? "unknown error" : message)};
  } catch (...) {
    *err = &out_of_memory_error;
  }
  return code;
}

int Report(const Status& status, ddc_error** err) noexcept {
  if (status.ok()) return DDC_OK;
  return Fail(err, static_cast<int>(status.code()), status.message());
}

int FailWithException(ddc_error** err, std::exception_ptr exception) noexcept {
  try {
    std::rethrow_exception(std::move(exception));
  } catch (const std::bad_alloc&) {
    return Fail(err, DDC_FAILED, kOutOfMemory);
  } catch (const std::exception& e) {
    try {
      return Fail(err, DDC_FAILED, std::string("unexpected exception: ") + e.what());
    } catch (...) {
      return Fail(err, DDC_FAILED, kOutOfMemory);
    }
  } catch (...) {
    return Fail(err, DDC_FAILED, "unexpected exception");
  }
}

bool IsStaticError(const ddc_error* err) { return err == &out_of_memory_error; }

Status RequireArgs(std::initializer_list<Arg> args) {
  for (const Arg& arg : args) {
    if (arg.pointer == nullptr) return Status::InvalidArgument(std::string(arg.name) + " is NULL");
  }
  return Status::OK();
}

std::span<const uint8_t> Bytes(const uint8_t* data, size_t len) {
  return data == nullptr ? std::span<const uint8_t>() : std::span<const uint8_t>(data, len);
}

std::string_view Text(const char* data, size_t len) {
  return data == nullptr ? std::string_view() : std::string_view(data, len);
}

PublicKey Key(const uint8_t* key) {
  PublicKey out;
  std::memcpy(out.data(), key, out.size());
  return out;
}

std::optional<PublicKey> OptionalKey(const uint8_t* key) {
  if (key == nullptr) return std::nullopt;
  return Key(key);
}

KeyPair SigningKey(const uint8_t* seed) {
  return KeyPair::FromSeed(std::span<const uint8_t, 32>(seed, 32));
}

Hash32 ToHash(const uint8_t* hash) {
  Hash32 out;
  std::memcpy(out.data(), hash, out.size());
  return out;
}

Result<Cid> ParseCid(const char* cid) {
  if (cid == nullptr) return Status::InvalidArgument("cid is NULL");
  return Cid::Parse(std::string_view(cid));
}

Result<Cid> ParseNamedCid(const char* cid, const char* what) {
  if (cid == nullptr) return Status::InvalidArgument(std::string(what) + " is NULL");
  Result<Cid> parsed = Cid::Parse(std::string_view(cid));
  if (!parsed.ok()) return parsed.status().WithContext(what);
  return parsed;
}

Status Fill(std::string_view bytes, ddc_buf* out) {
  auto* data = static_cast<uint8_t*>(std::malloc(bytes.size() + 1));
  if (data == nullptr) throw std::bad_alloc();
  if (!bytes.empty()) std::memcpy(data, bytes.data(), bytes.size());
  data[bytes.size()] = 0;
  out->data = data;
  out->len = bytes.size();
  return Status::OK();
}

Status FillResult(const Result<std::string>& bytes, ddc_buf* out) {
  if (!bytes.ok()) return bytes.status();
  return Fill(*bytes, out);
}

Status FillHashes(std::span<const Hash32> hashes, ddc_buf* out) {
  std::string joined;
  joined.reserve(hashes.size() * DDC_HASH_SIZE);
  for (const Hash32& h : hashes) joined.append(reinterpret_cast<const char*>(h.data()), h.size());
  return Fill(joined, out);
}

void CopyCid(const Cid& cid, char* out) {
  const std::string text = cid.ToString();
  const size_t n = std::min(text.size(), static_cast<size_t>(DDC_CID_SIZE - 1));
  std::memcpy(out, text.data(), n);
  out[n] = '\0';
}

void CopyTimeline(const TimelineInfo& info, ddc_timeline_info* out) {
  out->bucket = info.bucket;
  std::memcpy(out->user, info.user.data(), DDC_KEY_SIZE);
  out->size = info.size;
  std::memcpy(out->root, info.root.data(), DDC_HASH_SIZE);
  CopyCid(info.head, out->head);
}

}  // namespace ddc::c_api

// The exported functions below live at global scope, as C sees them.
using namespace ddc::c_api;

extern "C" {

// ---- Version, errors, buffers ----

const char* ddc_version(void) { return DDC_VERSION_STRING; }

const char* ddc_code_name(int code) {
  if (code < DDC_OK || code > DDC_PERMISSION_DENIED) return "Unknown";
  return ddc::Status::CodeName(static_cast<ddc::Status::Code>(code));
}

int ddc_error_code(const ddc_error* err) { return err == nullptr ? DDC_OK : err->code; }

const char* ddc_error_message(const ddc_error* err) {
  if (err == nullptr) return "";
  return IsStaticError(err) ? kOutOfMemory : err->message.c_str();
}

void ddc_error_free(ddc_error* err) {
  if (!IsStaticError(err)) delete err;
}

void ddc_buf_free(ddc_buf* buf) {
  if (buf == nullptr) return;
  std::free(buf->data);
  *buf = ddc_buf{nullptr, 0};
}

// ---- Keys and CIDs ----

void ddc_random_key(uint8_t out[DDC_KEY_SIZE]) {
  ddc::MasterKey key = ddc::GenerateMasterKey();
  std::memcpy(out, key.data(), key.size());
  ddc::Wipe(key);
}

void ddc_public_key(const uint8_t seed[DDC_KEY_SIZE], uint8_t public_key[DDC_KEY_SIZE]) {
  ddc::KeyPair pair = SigningKey(seed);
  std::memcpy(public_key, pair.public_key.data(), DDC_KEY_SIZE);
  ddc::Wipe(pair.secret_key);
}

void ddc_box_public_key(const uint8_t seed[DDC_KEY_SIZE], uint8_t public_key[DDC_KEY_SIZE]) {
  ddc::BoxKeyPair pair = ddc::BoxKeyPair::FromSeed(std::span<const uint8_t, 32>(seed, 32));
  std::memcpy(public_key, pair.public_key.data(), DDC_KEY_SIZE);
  ddc::Wipe(pair.secret_key);
}

int ddc_cid_to_binary(const char* cid, uint8_t out[DDC_CID_BINARY_SIZE], ddc_error** err) {
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"out", out}}));
    DDC_ASSIGN_OR_RETURN(const ddc::Cid parsed, ParseCid(cid));
    const auto bytes = parsed.ToBytes();
    std::memcpy(out, bytes.data(), bytes.size());
    return ddc::Status::OK();
  });
}

int ddc_cid_from_binary(const uint8_t* bytes, size_t len, char out[DDC_CID_SIZE], ddc_error** err) {
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"out", out}}));
    DDC_ASSIGN_OR_RETURN(const ddc::Cid cid, ddc::Cid::FromBytes(Bytes(bytes, len)));
    CopyCid(cid, out);
    return ddc::Status::OK();
  });
}

// ---- Lists ----

size_t ddc_list_count(const ddc_list* list) { return list == nullptr ? 0 : list->items.size(); }

int ddc_list_get(const ddc_list* list, size_t index, ddc_list_item* out, ddc_error** err) {
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"list", list}, {"out", out}}));
    if (index >= list->items.size()) {
      return ddc::Status::InvalidArgument("list index " + std::to_string(index) +
                                          " out of range (" + std::to_string(list->items.size()) +
                                          " items)");
    }
    const auto& item = list->items[index];
    CopyCid(item.cid, out->cid);
    out->bytes = reinterpret_cast<const uint8_t*>(item.bytes.data());
    out->len = item.bytes.size();
    return ddc::Status::OK();
  });
}

void ddc_list_free(ddc_list* list) { delete list; }

}  // extern "C"
