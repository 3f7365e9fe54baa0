// The C interface (include/ddc/ddc.h) over the C++ API.
//
// Every exported function converts its arguments, calls the C++ function of the same purpose and
// converts the result; nothing here decides anything the C++ API does not. Each body runs inside
// Boundary(), which turns a ddc::Status into the returned code and the optional error object,
// and catches every exception so that none crosses into C: std::bad_alloc becomes DDC_FAILED
// "out of memory", anything else DDC_FAILED with its what().
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <exception>
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
#include "ddc/erasure.h"
#include "ddc/event.h"
#include "ddc/grants.h"
#include "ddc/options.h"
#include "ddc/scopes.h"
#include "ddc/status.h"
#include "ddc/store.h"
#include "ddc/timeline.h"
#include "ddc/verify.h"

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

struct ddc_list {
  struct Item {
    ddc::Cid cid;
    std::string bytes;
  };
  std::vector<Item> items;
};

namespace {

using ddc::Status;

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
static_assert(ddc::Cid::kBinaryBytes == DDC_CID_BINARY_SIZE);
static_assert(DDC_KEY_SIZE == sizeof(ddc::PublicKey) && DDC_KEY_SIZE == sizeof(ddc::MasterKey));
static_assert(DDC_HASH_SIZE == sizeof(ddc::Hash32));
static_assert(sizeof(ddc_event_header::id) == ddc::kMaxEventIdBytes + 1);
static_assert(sizeof(ddc_event_header::type) == ddc::kMaxEventTypeBytes + 1);

// Handed out when even an error object cannot be allocated; never freed.
ddc_error out_of_memory_error{DDC_FAILED, ""};
constexpr char kOutOfMemory[] = "out of memory";

int Fail(ddc_error** err, int code, std::string_view message) {
  if (err == nullptr) return code;
  try {
    *err = new ddc_error{code, std::string(message.empty() ? "unknown error" : message)};
  } catch (...) {
    *err = &out_of_memory_error;
  }
  return code;
}

int Report(const Status& status, ddc_error** err) {
  if (status.ok()) return DDC_OK;
  return Fail(err, static_cast<int>(status.code()), status.message());
}

// Runs `body` (returning a ddc::Status), catching every exception.
template <typename Body>
int Boundary(ddc_error** err, Body&& body) noexcept {
  try {
    return Report(std::forward<Body>(body)(), err);
  } catch (const std::bad_alloc&) {
    return Fail(err, DDC_FAILED, kOutOfMemory);
  } catch (const std::exception& e) {
    return Fail(err, DDC_FAILED, std::string("unexpected exception: ") + e.what());
  } catch (...) {
    return Fail(err, DDC_FAILED, "unexpected exception");
  }
}

Status NullArgument(const char* what) {
  return Status::InvalidArgument(std::string(what) + " is NULL");
}

// Inputs: (pointer, length); a NULL pointer reads as empty, which every decoder rejects with
// its own message and the functions storing bytes as they are reject up front.
std::span<const uint8_t> Bytes(const uint8_t* data, size_t len) {
  return data == nullptr ? std::span<const uint8_t>() : std::span<const uint8_t>(data, len);
}

std::string_view Text(const char* data, size_t len) {
  return data == nullptr ? std::string_view() : std::string_view(data, len);
}

ddc::PublicKey Key(const uint8_t* key) {
  ddc::PublicKey out;
  std::memcpy(out.data(), key, out.size());
  return out;
}

std::optional<ddc::PublicKey> OptionalKey(const uint8_t* key) {
  if (key == nullptr) return std::nullopt;
  return Key(key);
}

ddc::KeyPair SigningKey(const uint8_t* seed) {
  return ddc::KeyPair::FromSeed(std::span<const uint8_t, 32>(seed, 32));
}

// Copies `bytes` into a new NUL-terminated buffer of the caller's.
Status Fill(std::string_view bytes, ddc_buf* out) {
  auto* data = static_cast<uint8_t*>(std::malloc(bytes.size() + 1));
  if (data == nullptr) throw std::bad_alloc();
  if (!bytes.empty()) std::memcpy(data, bytes.data(), bytes.size());
  data[bytes.size()] = 0;
  out->data = data;
  out->len = bytes.size();
  return Status::OK();
}

void CopyCid(const ddc::Cid& cid, char* out) {
  const std::string text = cid.ToString();
  static_assert(DDC_CID_SIZE > 62);
  const size_t n = std::min(text.size(), static_cast<size_t>(DDC_CID_SIZE - 1));
  std::memcpy(out, text.data(), n);
  out[n] = '\0';
}

ddc::Result<ddc::Cid> ParseCid(const char* cid) {
  if (cid == nullptr) return NullArgument("cid");
  return ddc::Cid::Parse(std::string_view(cid));
}

void CopyTimeline(const ddc::TimelineInfo& info, ddc_timeline_info* out) {
  out->bucket = info.bucket;
  std::memcpy(out->user, info.user.data(), DDC_KEY_SIZE);
  out->size = info.size;
  std::memcpy(out->root, info.root.data(), DDC_HASH_SIZE);
  CopyCid(info.head, out->head);
}

void CopyAppend(const ddc::AppendResult& result, ddc_append_result* out) {
  CopyCid(result.cid, out->cid);
  out->position = result.position;
  out->journal_index = result.journal_index;
  out->existed = result.existed ? 1 : 0;
}

void ClearBuf(ddc_buf* buf) {
  if (buf != nullptr) *buf = ddc_buf{nullptr, 0};
}

Status OpenInto(const ddc::Event& event, const ddc_keyring* keys, bool verified,
                ddc_opened** opened) {
  ddc::ReadOptions options;
  options.signature_already_verified = verified;
  auto result = ddc::EventReader().Open(event, keys->ring, options);
  if (!result.ok()) return result.status();
  *opened = new ddc_opened{std::move(*result)};
  return Status::OK();
}

}  // namespace

extern "C" {

// ---- Version, errors, buffers ----

const char* ddc_version(void) { return DDC_VERSION_STRING; }

const char* ddc_code_name(int code) {
  if (code < DDC_OK || code > DDC_PERMISSION_DENIED) return "Unknown";
  return Status::CodeName(static_cast<Status::Code>(code));
}

int ddc_error_code(const ddc_error* err) { return err == nullptr ? DDC_OK : err->code; }

const char* ddc_error_message(const ddc_error* err) {
  if (err == nullptr) return "";
  return err == &out_of_memory_error ? kOutOfMemory : err->message.c_str();
}

void ddc_error_free(ddc_error* err) {
  if (err != &out_of_memory_error) delete err;
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
  return Boundary(err, [&]() -> Status {
    if (out == nullptr) return NullArgument("out");
    auto parsed = ParseCid(cid);
    if (!parsed.ok()) return parsed.status();
    const auto bytes = parsed->ToBytes();
    std::memcpy(out, bytes.data(), bytes.size());
    return Status::OK();
  });
}

int ddc_cid_from_binary(const uint8_t* bytes, size_t len, char out[DDC_CID_SIZE], ddc_error** err) {
  return Boundary(err, [&]() -> Status {
    if (out == nullptr) return NullArgument("out");
    auto cid = ddc::Cid::FromBytes(Bytes(bytes, len));
    if (!cid.ok()) return cid.status();
    CopyCid(*cid, out);
    return Status::OK();
  });
}

// ---- Store ----

void ddc_options_init(ddc_options* options) {
  if (options == nullptr) return;
  const ddc::Options defaults;
  *options = ddc_options{};
  options->version = DDC_OPTIONS_VERSION;
  options->create_if_missing = defaults.create_if_missing ? 1 : 0;
  options->error_if_exists = defaults.error_if_exists ? 1 : 0;
  options->durability = static_cast<int>(defaults.durability);
  options->sync_interval_ms = defaults.sync_interval_ms;
  options->io_backend = static_cast<int>(defaults.io_backend);
}

int ddc_store_open(const ddc_options* options, ddc_store** store, ddc_error** err) {
  if (store != nullptr) *store = nullptr;
  return Boundary(err, [&]() -> Status {
    if (options == nullptr) return NullArgument("options");
    if (store == nullptr) return NullArgument("store");
    if (options->version < 1 || options->version > DDC_OPTIONS_VERSION) {
      return Status::InvalidArgument("options: unknown version " +
                                     std::to_string(options->version) + " (call ddc_options_init)");
    }
    if (options->dir == nullptr) return NullArgument("options->dir");
    if (options->durability < DDC_SYNC_EVERY_GROUP || options->durability > DDC_SYNC_NONE) {
      return Status::InvalidArgument("options: unknown durability " +
                                     std::to_string(options->durability));
    }
    if (options->io_backend < DDC_IO_AUTO || options->io_backend > DDC_IO_POSIX) {
      return Status::InvalidArgument("options: unknown io_backend " +
                                     std::to_string(options->io_backend));
    }
    ddc::Options o;
    o.dir = options->dir;
    o.create_if_missing = options->create_if_missing != 0;
    o.error_if_exists = options->error_if_exists != 0;
    o.durability = static_cast<ddc::Durability>(options->durability);
    o.sync_interval_ms = options->sync_interval_ms;
    o.io_backend = static_cast<ddc::IoBackend>(options->io_backend);
    if (options->node_key_seed != nullptr) {
      o.node_key_seed.assign(reinterpret_cast<const char*>(options->node_key_seed), DDC_KEY_SIZE);
    }
    if (options->checkpoint_origin != nullptr) o.checkpoint_origin = options->checkpoint_origin;
    if (options->bucket_owner != nullptr) {
      o.bucket_owner = [fn = options->bucket_owner, context = options->bucket_owner_context](
                           uint64_t bucket) -> std::optional<ddc::PublicKey> {
        ddc::PublicKey owner{};
        if (fn(context, bucket, owner.data()) == 0) return std::nullopt;
        return owner;
      };
    }
    auto opened = ddc::Store::Open(o);
    if (!opened.ok()) return opened.status();
    *store = new ddc_store{std::move(*opened)};
    return Status::OK();
  });
}

int ddc_store_close(ddc_store* store, ddc_error** err) {
  if (store == nullptr) return DDC_OK;
  const int code = Boundary(err, [&]() -> Status { return store->store->Close(); });
  delete store;
  return code;
}

int ddc_store_sync(ddc_store* store, ddc_error** err) {
  return Boundary(err, [&]() -> Status {
    if (store == nullptr) return NullArgument("store");
    return store->store->Sync();
  });
}

// ---- Blobs ----

int ddc_put_blob(ddc_store* store, const uint8_t* data, size_t len, char cid_out[DDC_CID_SIZE],
                 ddc_error** err) {
  return Boundary(err, [&]() -> Status {
    if (store == nullptr) return NullArgument("store");
    if (data == nullptr && len != 0) return NullArgument("data");
    auto cid = store->store->PutBlob(Bytes(data, len));
    if (!cid.ok()) return cid.status();
    if (cid_out != nullptr) CopyCid(*cid, cid_out);
    return Status::OK();
  });
}

int ddc_get(ddc_store* store, const char* cid, ddc_buf* out, ddc_error** err) {
  ClearBuf(out);
  return Boundary(err, [&]() -> Status {
    if (store == nullptr) return NullArgument("store");
    if (out == nullptr) return NullArgument("out");
    auto parsed = ParseCid(cid);
    if (!parsed.ok()) return parsed.status();
    auto bytes = store->store->Get(*parsed);
    if (!bytes.ok()) return bytes.status();
    return Fill(*bytes, out);
  });
}

int ddc_contains(ddc_store* store, const char* cid, int* found, ddc_error** err) {
  return Boundary(err, [&]() -> Status {
    if (store == nullptr) return NullArgument("store");
    if (found == nullptr) return NullArgument("found");
    auto parsed = ParseCid(cid);
    if (!parsed.ok()) return parsed.status();
    auto contains = store->store->Contains(*parsed);
    if (!contains.ok()) return contains.status();
    *found = *contains ? 1 : 0;
    return Status::OK();
  });
}

// ---- Key rings ----

int ddc_keyring_new(ddc_keyring** ring, ddc_error** err) {
  if (ring != nullptr) *ring = nullptr;
  return Boundary(err, [&]() -> Status {
    if (ring == nullptr) return NullArgument("ring");
    *ring = new ddc_keyring{};
    return Status::OK();
  });
}

void ddc_keyring_free(ddc_keyring* ring) { delete ring; }

int ddc_keyring_add_master_key(ddc_keyring* ring, uint64_t bucket, const uint8_t user[DDC_KEY_SIZE],
                               const uint8_t master[DDC_KEY_SIZE], uint32_t newest_version,
                               ddc_error** err) {
  return Boundary(err, [&]() -> Status {
    if (ring == nullptr) return NullArgument("ring");
    if (master == nullptr) return NullArgument("master");
    ddc::MasterKey key;
    std::memcpy(key.data(), master, key.size());
    ring->ring.AddMasterKey(bucket, OptionalKey(user), key, newest_version);
    ddc::Wipe(key);
    return Status::OK();
  });
}

int ddc_keyring_add_scope_key(ddc_keyring* ring, uint64_t bucket, const uint8_t user[DDC_KEY_SIZE],
                              const char* scope, size_t scope_len, uint32_t key_version,
                              const uint8_t key[DDC_KEY_SIZE], ddc_error** err) {
  return Boundary(err, [&]() -> Status {
    if (ring == nullptr) return NullArgument("ring");
    if (key == nullptr) return NullArgument("key");
    ddc::ScopeKey scope_key;
    std::memcpy(scope_key.data(), key, scope_key.size());
    Status status = ring->ring.AddScopeKey(bucket, OptionalKey(user), Text(scope, scope_len),
                                           key_version, scope_key);
    ddc::Wipe(scope_key);
    return status;
  });
}

int ddc_keyring_add_grant(ddc_keyring* ring, const uint8_t* grant, size_t grant_len,
                          const uint8_t grantee_seed[DDC_KEY_SIZE], ddc_error** err) {
  return Boundary(err, [&]() -> Status {
    if (ring == nullptr) return NullArgument("ring");
    if (grantee_seed == nullptr) return NullArgument("grantee_seed");
    auto decoded = ddc::DecodeGrant(Bytes(grant, grant_len));
    if (!decoded.ok()) return decoded.status();
    ddc::BoxKeyPair grantee =
        ddc::BoxKeyPair::FromSeed(std::span<const uint8_t, 32>(grantee_seed, 32));
    auto key = ddc::OpenGrant(*decoded, grantee);
    ddc::Wipe(grantee.secret_key);
    if (!key.ok()) return key.status();
    Status status = ring->ring.AddScopeKey(decoded->bucket, decoded->user, decoded->scope,
                                           decoded->key_version, *key);
    ddc::Wipe(*key);
    return status;
  });
}

// ---- Building and reading events ----

int ddc_builder_new(const char* policy_json, size_t policy_len, ddc_builder** builder,
                    ddc_error** err) {
  if (builder != nullptr) *builder = nullptr;
  return Boundary(err, [&]() -> Status {
    if (builder == nullptr) return NullArgument("builder");
    auto policy = ddc::ScopePolicy::FromJson(Text(policy_json, policy_len));
    if (!policy.ok()) return policy.status();
    auto made = ddc::EventBuilder::Create(*policy);
    if (!made.ok()) return made.status();
    *builder = new ddc_builder{std::move(*made)};
    return Status::OK();
  });
}

void ddc_builder_free(ddc_builder* builder) { delete builder; }

int ddc_builder_build(const ddc_builder* builder, const ddc_event_input* input,
                      const ddc_keyring* keys, const uint8_t user_seed[DDC_KEY_SIZE],
                      ddc_buf* event_out, ddc_error** err) {
  ClearBuf(event_out);
  return Boundary(err, [&]() -> Status {
    if (builder == nullptr) return NullArgument("builder");
    if (input == nullptr) return NullArgument("input");
    if (keys == nullptr) return NullArgument("keys");
    if (user_seed == nullptr) return NullArgument("user_seed");
    if (event_out == nullptr) return NullArgument("event_out");
    ddc::EventInput in;
    in.bucket = input->bucket;
    in.id = Text(input->id, input->id_len);
    in.type = Text(input->type, input->type_len);
    in.timestamp_ms = input->timestamp_ms;
    if (input->prev != nullptr) {
      auto prev = ddc::Cid::Parse(input->prev);
      if (!prev.ok()) return prev.status().WithContext("prev");
      in.prev = *prev;
    }
    in.json = Text(input->json, input->json_len);
    ddc::KeyPair user = SigningKey(user_seed);
    auto event = builder->builder.Build(in, keys->ring, user);
    ddc::Wipe(user.secret_key);
    if (!event.ok()) return event.status();
    auto bytes = ddc::EncodeEvent(*event);
    if (!bytes.ok()) return bytes.status();
    return Fill(*bytes, event_out);
  });
}

int ddc_event_decode(const uint8_t* event, size_t len, ddc_event_header* out, ddc_error** err) {
  return Boundary(err, [&]() -> Status {
    if (out == nullptr) return NullArgument("out");
    const auto bytes = Bytes(event, len);
    auto decoded = ddc::DecodeEvent(bytes);
    if (!decoded.ok()) return decoded.status();
    *out = ddc_event_header{};
    CopyCid(ddc::EventCid(bytes), out->cid);
    out->bucket = decoded->bucket;
    std::memcpy(out->user, decoded->user.data(), DDC_KEY_SIZE);
    std::memcpy(out->id, decoded->id.data(), decoded->id.size());  // Limits checked on decode.
    out->id_len = decoded->id.size();
    std::memcpy(out->type, decoded->type.data(), decoded->type.size());
    out->type_len = decoded->type.size();
    out->timestamp_ms = decoded->timestamp_ms;
    if (decoded->prev) CopyCid(*decoded->prev, out->prev);
    out->scope_count = decoded->scopes.size();
    out->batch_signed = decoded->batch.has_value() ? 1 : 0;
    return Status::OK();
  });
}

int ddc_event_open(const uint8_t* event, size_t len, const ddc_keyring* keys,
                   int signature_already_verified, ddc_opened** opened, ddc_error** err) {
  if (opened != nullptr) *opened = nullptr;
  return Boundary(err, [&]() -> Status {
    if (keys == nullptr) return NullArgument("keys");
    if (opened == nullptr) return NullArgument("opened");
    auto decoded = ddc::DecodeEvent(Bytes(event, len));
    if (!decoded.ok()) return decoded.status();
    return OpenInto(*decoded, keys, signature_already_verified != 0, opened);
  });
}

int ddc_store_open_event(ddc_store* store, const char* cid, const ddc_keyring* keys,
                         ddc_opened** opened, ddc_error** err) {
  if (opened != nullptr) *opened = nullptr;
  return Boundary(err, [&]() -> Status {
    if (store == nullptr) return NullArgument("store");
    if (keys == nullptr) return NullArgument("keys");
    if (opened == nullptr) return NullArgument("opened");
    auto parsed = ParseCid(cid);
    if (!parsed.ok()) return parsed.status();
    auto event = store->store->GetEvent(*parsed);
    if (!event.ok()) return event.status();
    return OpenInto(*event, keys, /*verified=*/true, opened);
  });
}

void ddc_opened_free(ddc_opened* opened) { delete opened; }

const char* ddc_opened_json(const ddc_opened* opened, size_t* len) {
  if (opened == nullptr) {
    if (len != nullptr) *len = 0;
    return "";
  }
  if (len != nullptr) *len = opened->opened.json.size();
  return opened->opened.json.c_str();
}

int ddc_opened_signature(const ddc_opened* opened) {
  if (opened == nullptr) return DDC_SIGNATURE_FAILED;
  switch (opened->opened.signature) {
    case ddc::OpenedEvent::Signature::kVerified:
      return DDC_SIGNATURE_VERIFIED;
    case ddc::OpenedEvent::Signature::kTrusted:
      return DDC_SIGNATURE_TRUSTED;
    case ddc::OpenedEvent::Signature::kFailed:
      return DDC_SIGNATURE_FAILED;
  }
  return DDC_SIGNATURE_FAILED;
}

size_t ddc_opened_scope_count(const ddc_opened* opened) {
  return opened == nullptr ? 0 : opened->opened.scopes.size();
}

int ddc_opened_scope(const ddc_opened* opened, size_t index, ddc_scope_state* out,
                     ddc_error** err) {
  return Boundary(err, [&]() -> Status {
    if (opened == nullptr) return NullArgument("opened");
    if (out == nullptr) return NullArgument("out");
    if (index >= opened->opened.scopes.size()) {
      return Status::InvalidArgument("scope index " + std::to_string(index) + " out of range (" +
                                     std::to_string(opened->opened.scopes.size()) + " scopes)");
    }
    const ddc::ScopeState& scope = opened->opened.scopes[index];
    out->name = scope.name.c_str();
    out->is_public = scope.is_public ? 1 : 0;
    out->key_version = scope.key_version;
    switch (scope.outcome) {
      case ddc::ScopeState::Outcome::kOpened:
        out->outcome = DDC_SCOPE_OPENED;
        break;
      case ddc::ScopeState::Outcome::kNoKey:
        out->outcome = DDC_SCOPE_NO_KEY;
        break;
      case ddc::ScopeState::Outcome::kWrongKey:
        out->outcome = DDC_SCOPE_WRONG_KEY;
        break;
      case ddc::ScopeState::Outcome::kTampered:
        out->outcome = DDC_SCOPE_TAMPERED;
        break;
      case ddc::ScopeState::Outcome::kMalformed:
        out->outcome = DDC_SCOPE_MALFORMED;
        break;
    }
    out->message = scope.message.c_str();
    return Status::OK();
  });
}

// ---- Events in a store ----

int ddc_append(ddc_store* store, const uint8_t* event, size_t len, ddc_append_result* out,
               ddc_error** err) {
  return Boundary(err, [&]() -> Status {
    if (store == nullptr) return NullArgument("store");
    if (event == nullptr && len != 0) return NullArgument("event");
    auto result = store->store->Append(Bytes(event, len));
    if (!result.ok()) return result.status();
    if (out != nullptr) CopyAppend(*result, out);
    return Status::OK();
  });
}

int ddc_append_batch(ddc_store* store, const uint8_t* const* events, const size_t* lens,
                     size_t count, ddc_append_result* results, int* codes, ddc_error** errors,
                     ddc_error** err) {
  return Boundary(err, [&]() -> Status {
    if (store == nullptr) return NullArgument("store");
    if (codes == nullptr) return NullArgument("codes");
    if (count != 0 && (events == nullptr || lens == nullptr)) return NullArgument("events");
    std::vector<std::span<const uint8_t>> spans;
    spans.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      if (events[i] == nullptr && lens[i] != 0) {
        return Status::InvalidArgument("event " + std::to_string(i) + " is NULL");
      }
      spans.push_back(Bytes(events[i], lens[i]));
    }
    auto outcomes = store->store->AppendBatch(spans);
    Status first = Status::OK();
    for (size_t i = 0; i < count; ++i) {
      const auto& outcome = outcomes[i];
      codes[i] = static_cast<int>(outcome.status().code());
      if (errors != nullptr) errors[i] = nullptr;
      if (outcome.ok()) {
        if (results != nullptr) CopyAppend(*outcome, &results[i]);
        continue;
      }
      if (errors != nullptr) Report(outcome.status(), &errors[i]);
      if (first.ok()) {
        first = outcome.status().WithContext("event " + std::to_string(i) + " of " +
                                             std::to_string(count));
      }
    }
    return first;
  });
}

int ddc_get_event(ddc_store* store, const char* cid, ddc_buf* out, ddc_error** err) {
  ClearBuf(out);
  return Boundary(err, [&]() -> Status {
    if (store == nullptr) return NullArgument("store");
    if (out == nullptr) return NullArgument("out");
    auto parsed = ParseCid(cid);
    if (!parsed.ok()) return parsed.status();
    auto event = store->store->GetEvent(*parsed);
    if (!event.ok()) return event.status();
    // The strict decoder accepts only canonical encodings, so this is the stored bytes.
    auto bytes = ddc::EncodeEvent(*event);
    if (!bytes.ok()) return bytes.status();
    return Fill(*bytes, out);
  });
}

int ddc_timeline(ddc_store* store, uint64_t bucket, const uint8_t user[DDC_KEY_SIZE],
                 ddc_timeline_info* out, ddc_error** err) {
  return Boundary(err, [&]() -> Status {
    if (store == nullptr) return NullArgument("store");
    if (user == nullptr) return NullArgument("user");
    if (out == nullptr) return NullArgument("out");
    auto info = store->store->Timeline(bucket, Key(user));
    if (!info.ok()) return info.status();
    CopyTimeline(*info, out);
    return Status::OK();
  });
}

// ---- Iterators ----

int ddc_timeline_iter(ddc_store* store, uint64_t bucket, const uint8_t user[DDC_KEY_SIZE], int by,
                      uint64_t at, int backward, ddc_iter** iter, ddc_error** err) {
  if (iter != nullptr) *iter = nullptr;
  return Boundary(err, [&]() -> Status {
    if (store == nullptr) return NullArgument("store");
    if (user == nullptr) return NullArgument("user");
    if (iter == nullptr) return NullArgument("iter");
    ddc::TimelineSeek seek;
    if (by == DDC_SEEK_POSITION) {
      seek.by = ddc::TimelineSeek::By::kPosition;
      seek.position = at;
    } else if (by == DDC_SEEK_TIME) {
      seek.by = ddc::TimelineSeek::By::kTime;
      seek.time_ms = at;
    } else {
      return Status::InvalidArgument("unknown seek kind " + std::to_string(by));
    }
    seek.backward = backward != 0;
    auto it = store->store->NewTimelineIterator(bucket, Key(user), seek);
    if (!it.ok()) return it.status();
    *iter = new ddc_iter{std::move(*it), nullptr};
    return Status::OK();
  });
}

int ddc_users_iter(ddc_store* store, uint64_t bucket, ddc_iter** iter, ddc_error** err) {
  if (iter != nullptr) *iter = nullptr;
  return Boundary(err, [&]() -> Status {
    if (store == nullptr) return NullArgument("store");
    if (iter == nullptr) return NullArgument("iter");
    *iter = new ddc_iter{nullptr, store->store->NewUserIterator(bucket)};
    return Status::OK();
  });
}

void ddc_iter_free(ddc_iter* iter) { delete iter; }

int ddc_iter_valid(const ddc_iter* iter) {
  if (iter == nullptr) return 0;
  if (iter->events) return iter->events->Valid() ? 1 : 0;
  return iter->users && iter->users->Valid() ? 1 : 0;
}

void ddc_iter_next(ddc_iter* iter) {
  if (ddc_iter_valid(iter) == 0) return;
  try {
    if (iter->events) {
      iter->events->Next();
    } else {
      iter->users->Next();
    }
  } catch (...) {
    // Nothing can be reported from here, and no exception may leave. An event iterator records
    // its own errors for status(); an exception (out of memory) is dropped.
  }
}

int ddc_iter_status(const ddc_iter* iter, ddc_error** err) {
  return Boundary(err, [&]() -> Status {
    if (iter == nullptr) return NullArgument("iter");
    return iter->events ? iter->events->status() : Status::OK();
  });
}

int ddc_iter_event(const ddc_iter* iter, ddc_iter_event_entry* out, ddc_error** err) {
  return Boundary(err, [&]() -> Status {
    if (iter == nullptr) return NullArgument("iter");
    if (out == nullptr) return NullArgument("out");
    if (!iter->events) return Status::InvalidArgument("iter walks users, not events");
    if (!iter->events->Valid()) return Status::InvalidArgument("iter is not valid");
    out->position = iter->events->position();
    CopyCid(iter->events->cid(), out->cid);
    const std::string_view bytes = iter->events->bytes();
    out->bytes = reinterpret_cast<const uint8_t*>(bytes.data());
    out->len = bytes.size();
    return Status::OK();
  });
}

int ddc_iter_user(const ddc_iter* iter, ddc_timeline_info* out, ddc_error** err) {
  return Boundary(err, [&]() -> Status {
    if (iter == nullptr) return NullArgument("iter");
    if (out == nullptr) return NullArgument("out");
    if (!iter->users) return Status::InvalidArgument("iter walks events, not users");
    if (!iter->users->Valid()) return Status::InvalidArgument("iter is not valid");
    CopyTimeline(iter->users->timeline(), out);
    return Status::OK();
  });
}

// ---- Checkpoints and proofs ----

int ddc_checkpoint(ddc_store* store, ddc_buf* note_out, ddc_error** err) {
  ClearBuf(note_out);
  return Boundary(err, [&]() -> Status {
    if (store == nullptr) return NullArgument("store");
    auto checkpoint = store->store->Checkpoint();
    if (!checkpoint.ok()) return checkpoint.status();
    return note_out == nullptr ? Status::OK() : Fill(checkpoint->note, note_out);
  });
}

int ddc_node_verifier_key(ddc_store* store, ddc_buf* out, ddc_error** err) {
  ClearBuf(out);
  return Boundary(err, [&]() -> Status {
    if (store == nullptr) return NullArgument("store");
    if (out == nullptr) return NullArgument("out");
    return Fill(store->store->NodeVerifierKey(), out);
  });
}

int ddc_prove_event(ddc_store* store, const char* cid, ddc_buf* proof_out, ddc_error** err) {
  ClearBuf(proof_out);
  return Boundary(err, [&]() -> Status {
    if (store == nullptr) return NullArgument("store");
    if (proof_out == nullptr) return NullArgument("proof_out");
    auto parsed = ParseCid(cid);
    if (!parsed.ok()) return parsed.status();
    auto proof = store->store->ProveEvent(*parsed);
    if (!proof.ok()) return proof.status();
    auto bytes = ddc::EncodeEventProof(*proof);
    if (!bytes.ok()) return bytes.status();
    return Fill(*bytes, proof_out);
  });
}

int ddc_verify_event_proof(const uint8_t* proof, size_t proof_len, const char* verifier_key,
                           size_t verifier_key_len, ddc_verified_event* out, ddc_error** err) {
  return Boundary(err, [&]() -> Status {
    auto decoded = ddc::DecodeEventProof(Bytes(proof, proof_len));
    if (!decoded.ok()) return decoded.status();
    auto verified = ddc::VerifyEventProof(*decoded, Text(verifier_key, verifier_key_len));
    if (!verified.ok()) return verified.status();
    if (out == nullptr) return Status::OK();
    CopyCid(verified->cid, out->cid);
    out->bucket = verified->event.bucket;
    std::memcpy(out->user, verified->event.user.data(), DDC_KEY_SIZE);
    out->position = verified->position;
    std::memcpy(out->timeline_root, verified->timeline_root.data(), DDC_HASH_SIZE);
    out->journal_index = verified->journal_index;
    out->checkpoint_size = verified->checkpoint_size;
    std::memcpy(out->checkpoint_root, verified->checkpoint_root.data(), DDC_HASH_SIZE);
    out->checkpoint_time_ms = verified->checkpoint_time_ms;
    return Status::OK();
  });
}

int ddc_verify_checkpoint(const char* note, size_t note_len, const char* verifier_key,
                          size_t verifier_key_len, uint64_t* size_out, uint64_t* time_ms_out,
                          ddc_error** err) {
  return Boundary(err, [&]() -> Status {
    auto checkpoint =
        ddc::VerifyCheckpoint(Text(note, note_len), Text(verifier_key, verifier_key_len));
    if (!checkpoint.ok()) return checkpoint.status();
    if (size_out != nullptr) *size_out = checkpoint->size;
    if (time_ms_out != nullptr) *time_ms_out = checkpoint->time_ms;
    return Status::OK();
  });
}

// ---- Lists ----

size_t ddc_list_count(const ddc_list* list) { return list == nullptr ? 0 : list->items.size(); }

int ddc_list_get(const ddc_list* list, size_t index, ddc_list_item* out, ddc_error** err) {
  return Boundary(err, [&]() -> Status {
    if (list == nullptr) return NullArgument("list");
    if (out == nullptr) return NullArgument("out");
    if (index >= list->items.size()) {
      return Status::InvalidArgument("list index " + std::to_string(index) + " out of range (" +
                                     std::to_string(list->items.size()) + " items)");
    }
    const auto& item = list->items[index];
    CopyCid(item.cid, out->cid);
    out->bytes = reinterpret_cast<const uint8_t*>(item.bytes.data());
    out->len = item.bytes.size();
    return Status::OK();
  });
}

void ddc_list_free(ddc_list* list) { delete list; }

// ---- Grants ----

int ddc_grant_make(const uint8_t master[DDC_KEY_SIZE], uint64_t bucket,
                   const uint8_t user[DDC_KEY_SIZE], const char* scope, size_t scope_len,
                   uint32_t key_version, const uint8_t grantee[DDC_KEY_SIZE],
                   const uint8_t granter_seed[DDC_KEY_SIZE], uint64_t created_ms,
                   ddc_buf* grant_out, ddc_error** err) {
  ClearBuf(grant_out);
  return Boundary(err, [&]() -> Status {
    if (master == nullptr) return NullArgument("master");
    if (grantee == nullptr) return NullArgument("grantee");
    if (granter_seed == nullptr) return NullArgument("granter_seed");
    if (grant_out == nullptr) return NullArgument("grant_out");
    ddc::MasterKey key;
    std::memcpy(key.data(), master, key.size());
    ddc::KeyPair granter = SigningKey(granter_seed);
    auto grant = ddc::MakeGrant(key, bucket, OptionalKey(user), Text(scope, scope_len), key_version,
                                Key(grantee), granter, created_ms);
    ddc::Wipe(key);
    ddc::Wipe(granter.secret_key);
    if (!grant.ok()) return grant.status();
    auto bytes = ddc::EncodeGrant(*grant);
    if (!bytes.ok()) return bytes.status();
    return Fill(*bytes, grant_out);
  });
}

int ddc_put_grant(ddc_store* store, const uint8_t* grant, size_t len, char cid_out[DDC_CID_SIZE],
                  ddc_error** err) {
  return Boundary(err, [&]() -> Status {
    if (store == nullptr) return NullArgument("store");
    auto cid = store->store->PutGrant(Bytes(grant, len));
    if (!cid.ok()) return cid.status();
    if (cid_out != nullptr) CopyCid(*cid, cid_out);
    return Status::OK();
  });
}

int ddc_grants_for_grantee(ddc_store* store, const uint8_t grantee[DDC_KEY_SIZE], ddc_list** list,
                           ddc_error** err) {
  if (list != nullptr) *list = nullptr;
  return Boundary(err, [&]() -> Status {
    if (store == nullptr) return NullArgument("store");
    if (grantee == nullptr) return NullArgument("grantee");
    if (list == nullptr) return NullArgument("list");
    auto made = std::make_unique<ddc_list>();
    for (auto& record : store->store->GrantsForGrantee(Key(grantee))) {
      made->items.push_back({record.cid, std::move(record.bytes)});
    }
    *list = made.release();
    return Status::OK();
  });
}

// ---- Erasure ----

int ddc_tombstone_make(uint64_t bucket, const uint8_t user[DDC_KEY_SIZE], const char* event_cid,
                       const uint8_t signer_seed[DDC_KEY_SIZE], uint64_t timestamp_ms,
                       const char* reason, size_t reason_len, ddc_buf* tombstone_out,
                       ddc_error** err) {
  ClearBuf(tombstone_out);
  return Boundary(err, [&]() -> Status {
    if (user == nullptr) return NullArgument("user");
    if (signer_seed == nullptr) return NullArgument("signer_seed");
    if (tombstone_out == nullptr) return NullArgument("tombstone_out");
    ddc::Tombstone tombstone;
    tombstone.bucket = bucket;
    tombstone.user = Key(user);
    if (event_cid != nullptr) {
      auto parsed = ddc::Cid::Parse(event_cid);
      if (!parsed.ok()) return parsed.status().WithContext("event_cid");
      tombstone.event = *parsed;
    }
    tombstone.timestamp_ms = timestamp_ms;
    tombstone.reason = std::string(Text(reason, reason_len));
    ddc::KeyPair signer = SigningKey(signer_seed);
    Status signed_status = ddc::SignTombstone(&tombstone, signer);
    ddc::Wipe(signer.secret_key);
    if (!signed_status.ok()) return signed_status;
    auto bytes = ddc::EncodeTombstone(tombstone);
    if (!bytes.ok()) return bytes.status();
    return Fill(*bytes, tombstone_out);
  });
}

int ddc_erase(ddc_store* store, const uint8_t* tombstone, size_t len, ddc_erase_result* out,
              ddc_error** err) {
  return Boundary(err, [&]() -> Status {
    if (store == nullptr) return NullArgument("store");
    auto result = store->store->Erase(Bytes(tombstone, len));
    if (!result.ok()) return result.status();
    if (out == nullptr) return Status::OK();
    CopyCid(result->tombstone, out->tombstone);
    out->events_erased = result->events_erased;
    out->grants_destroyed = result->grants_destroyed;
    out->keys_shredded = result->keys_shredded;
    out->existed = result->existed ? 1 : 0;
    return Status::OK();
  });
}

int ddc_tombstones(ddc_store* store, uint64_t bucket, const uint8_t user[DDC_KEY_SIZE],
                   ddc_list** list, ddc_error** err) {
  if (list != nullptr) *list = nullptr;
  return Boundary(err, [&]() -> Status {
    if (store == nullptr) return NullArgument("store");
    if (user == nullptr) return NullArgument("user");
    if (list == nullptr) return NullArgument("list");
    auto made = std::make_unique<ddc_list>();
    for (auto& record : store->store->Tombstones(bucket, Key(user))) {
      made->items.push_back({record.cid, std::move(record.bytes)});
    }
    *list = made.release();
    return Status::OK();
  });
}

}  // extern "C"
