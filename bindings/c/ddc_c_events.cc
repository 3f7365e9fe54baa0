// The C interface (include/ddc/ddc.h): key rings, building and reading events, appending them,
// timelines and iterators.
#include <cstring>
#include <string>
#include <vector>

#include "bindings/c/ddc_c_internal.h"
#include "ddc/event.h"
#include "ddc/grants.h"

namespace ddc::c_api {
namespace {

static_assert(sizeof(ddc_event_header::id) == kMaxEventIdBytes + 1);
static_assert(sizeof(ddc_event_header::type) == kMaxEventTypeBytes + 1);

void CopyAppend(const AppendResult& result, ddc_append_result* out) {
  CopyCid(result.cid, out->cid);
  out->position = result.position;
  out->journal_index = result.journal_index;
  out->existed = result.existed ? 1 : 0;
}

Status OpenInto(const Event& event, const ddc_keyring* keys, bool verified, ddc_opened** opened) {
  ReadOptions options;
  options.signature_already_verified = verified;
  DDC_ASSIGN_OR_RETURN(OpenedEvent result, EventReader().Open(event, keys->ring, options));
  *opened = new ddc_opened{std::move(result)};
  return Status::OK();
}

Result<EventInput> ToEventInput(const ddc_event_input& input) {
  EventInput in;
  in.bucket = input.bucket;
  in.id = Text(input.id, input.id_len);
  in.type = Text(input.type, input.type_len);
  in.timestamp_ms = input.timestamp_ms;
  if (input.prev != nullptr) {
    DDC_ASSIGN_OR_RETURN(in.prev, ParseNamedCid(input.prev, "prev"));
  }
  in.json = Text(input.json, input.json_len);
  return in;
}

int ScopeOutcome(ScopeState::Outcome outcome) {
  switch (outcome) {
    case ScopeState::Outcome::kOpened:
      return DDC_SCOPE_OPENED;
    case ScopeState::Outcome::kNoKey:
      return DDC_SCOPE_NO_KEY;
    case ScopeState::Outcome::kWrongKey:
      return DDC_SCOPE_WRONG_KEY;
    case ScopeState::Outcome::kTampered:
      return DDC_SCOPE_TAMPERED;
    case ScopeState::Outcome::kMalformed:
      return DDC_SCOPE_MALFORMED;
  }
  return DDC_SCOPE_MALFORMED;
}

Status RequireValid(const ddc_iter& iter, bool want_events) {
  if (want_events && !iter.events) return Status::InvalidArgument("iter walks users, not events");
  if (!want_events && !iter.users) return Status::InvalidArgument("iter walks events, not users");
  const bool valid = want_events ? iter.events->Valid() : iter.users->Valid();
  return valid ? Status::OK() : Status::InvalidArgument("iter is not valid");
}

}  // namespace
}  // namespace ddc::c_api

// The exported functions below live at global scope, as C sees them.
using namespace ddc::c_api;

extern "C" {

// ---- Key rings ----

int ddc_keyring_new(ddc_keyring** ring, ddc_error** err) {
  Reset(ring);
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"ring", ring}}));
    *ring = new ddc_keyring{};
    return ddc::Status::OK();
  });
}

void ddc_keyring_free(ddc_keyring* ring) { delete ring; }

int ddc_keyring_add_master_key(ddc_keyring* ring, uint64_t bucket, const uint8_t user[DDC_KEY_SIZE],
                               const uint8_t master[DDC_KEY_SIZE], uint32_t newest_version,
                               ddc_error** err) {
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"ring", ring}, {"master", master}}));
    ddc::MasterKey key;
    std::memcpy(key.data(), master, key.size());
    ring->ring.AddMasterKey(bucket, OptionalKey(user), key, newest_version);
    ddc::Wipe(key);
    return ddc::Status::OK();
  });
}

int ddc_keyring_add_scope_key(ddc_keyring* ring, uint64_t bucket, const uint8_t user[DDC_KEY_SIZE],
                              const char* scope, size_t scope_len, uint32_t key_version,
                              const uint8_t key[DDC_KEY_SIZE], ddc_error** err) {
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"ring", ring}, {"key", key}}));
    ddc::ScopeKey scope_key;
    std::memcpy(scope_key.data(), key, scope_key.size());
    ddc::Status status = ring->ring.AddScopeKey(bucket, OptionalKey(user), Text(scope, scope_len),
                                                key_version, scope_key);
    ddc::Wipe(scope_key);
    return status;
  });
}

int ddc_keyring_add_grant(ddc_keyring* ring, const uint8_t* grant, size_t grant_len,
                          const uint8_t grantee_seed[DDC_KEY_SIZE], ddc_error** err) {
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"ring", ring}, {"grantee_seed", grantee_seed}}));
    DDC_ASSIGN_OR_RETURN(const ddc::Grant decoded, ddc::DecodeGrant(Bytes(grant, grant_len)));
    ddc::BoxKeyPair grantee =
        ddc::BoxKeyPair::FromSeed(std::span<const uint8_t, 32>(grantee_seed, 32));
    auto key = ddc::OpenGrant(decoded, grantee);
    ddc::Wipe(grantee.secret_key);
    if (!key.ok()) return key.status();
    ddc::Status status = ring->ring.AddScopeKey(decoded.bucket, decoded.user, decoded.scope,
                                                decoded.key_version, *key);
    ddc::Wipe(*key);
    return status;
  });
}

// ---- Building and reading events ----

int ddc_builder_new(const char* policy_json, size_t policy_len, ddc_builder** builder,
                    ddc_error** err) {
  Reset(builder);
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"builder", builder}}));
    DDC_ASSIGN_OR_RETURN(const ddc::ScopePolicy policy,
                         ddc::ScopePolicy::FromJson(Text(policy_json, policy_len)));
    DDC_ASSIGN_OR_RETURN(ddc::EventBuilder made, ddc::EventBuilder::Create(policy));
    *builder = new ddc_builder{std::move(made)};
    return ddc::Status::OK();
  });
}

void ddc_builder_free(ddc_builder* builder) { delete builder; }

int ddc_builder_build(const ddc_builder* builder, const ddc_event_input* input,
                      const ddc_keyring* keys, const uint8_t user_seed[DDC_KEY_SIZE],
                      ddc_buf* event_out, ddc_error** err) {
  Reset(event_out);
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"builder", builder},
                                     {"input", input},
                                     {"keys", keys},
                                     {"user_seed", user_seed},
                                     {"event_out", event_out}}));
    DDC_ASSIGN_OR_RETURN(const ddc::EventInput in, ToEventInput(*input));
    ddc::KeyPair user = SigningKey(user_seed);
    auto event = builder->builder.Build(in, keys->ring, user);
    ddc::Wipe(user.secret_key);
    if (!event.ok()) return event.status();
    return FillResult(ddc::EncodeEvent(*event), event_out);
  });
}

int ddc_event_decode(const uint8_t* event, size_t len, ddc_event_header* out, ddc_error** err) {
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"out", out}}));
    const auto bytes = Bytes(event, len);
    DDC_ASSIGN_OR_RETURN(const ddc::Event decoded, ddc::DecodeEvent(bytes));
    *out = ddc_event_header{};
    CopyCid(ddc::EventCid(bytes), out->cid);
    out->bucket = decoded.bucket;
    std::memcpy(out->user, decoded.user.data(), DDC_KEY_SIZE);
    std::memcpy(out->id, decoded.id.data(), decoded.id.size());  // Limits checked on decode.
    out->id_len = decoded.id.size();
    std::memcpy(out->type, decoded.type.data(), decoded.type.size());
    out->type_len = decoded.type.size();
    out->timestamp_ms = decoded.timestamp_ms;
    if (decoded.prev) CopyCid(*decoded.prev, out->prev);
    out->scope_count = decoded.scopes.size();
    out->batch_signed = decoded.batch.has_value() ? 1 : 0;
    return ddc::Status::OK();
  });
}

int ddc_event_open(const uint8_t* event, size_t len, const ddc_keyring* keys,
                   int signature_already_verified, ddc_opened** opened, ddc_error** err) {
  Reset(opened);
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"keys", keys}, {"opened", opened}}));
    DDC_ASSIGN_OR_RETURN(const ddc::Event decoded, ddc::DecodeEvent(Bytes(event, len)));
    return OpenInto(decoded, keys, signature_already_verified != 0, opened);
  });
}

int ddc_store_open_event(ddc_store* store, const char* cid, const ddc_keyring* keys,
                         ddc_opened** opened, ddc_error** err) {
  Reset(opened);
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"keys", keys}, {"opened", opened}}));
    DDC_ASSIGN_OR_RETURN(const ddc::Cid parsed, ParseCid(cid));
    DDC_ASSIGN_OR_RETURN(const ddc::Event event, s.GetEvent(parsed));
    return OpenInto(event, keys, /*verified=*/true, opened);
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
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"opened", opened}, {"out", out}}));
    if (index >= opened->opened.scopes.size()) {
      return ddc::Status::InvalidArgument(
          "scope index " + std::to_string(index) + " out of range (" +
          std::to_string(opened->opened.scopes.size()) + " scopes)");
    }
    const ddc::ScopeState& scope = opened->opened.scopes[index];
    out->name = scope.name.c_str();
    out->is_public = scope.is_public ? 1 : 0;
    out->key_version = scope.key_version;
    out->outcome = ScopeOutcome(scope.outcome);
    out->message = scope.message.c_str();
    return ddc::Status::OK();
  });
}

// ---- Events in a store ----

int ddc_append(ddc_store* store, const uint8_t* event, size_t len, ddc_append_result* out,
               ddc_error** err) {
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    if (event == nullptr && len != 0) return ddc::Status::InvalidArgument("event is NULL");
    DDC_ASSIGN_OR_RETURN(const ddc::AppendResult result, s.Append(Bytes(event, len)));
    if (out != nullptr) CopyAppend(result, out);
    return ddc::Status::OK();
  });
}

int ddc_append_batch(ddc_store* store, const uint8_t* const* events, const size_t* lens,
                     size_t count, ddc_append_result* results, int* codes, ddc_error** errors,
                     ddc_error** err) {
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"codes", codes}}));
    if (count != 0 && (events == nullptr || lens == nullptr)) {
      return ddc::Status::InvalidArgument("events is NULL");
    }
    std::vector<std::span<const uint8_t>> spans;
    spans.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      if (events[i] == nullptr && lens[i] != 0) {
        return ddc::Status::InvalidArgument("event " + std::to_string(i) + " is NULL");
      }
      spans.push_back(Bytes(events[i], lens[i]));
    }
    auto outcomes = s.AppendBatch(spans);
    ddc::Status first = ddc::Status::OK();
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
  Reset(out);
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"out", out}}));
    DDC_ASSIGN_OR_RETURN(const ddc::Cid parsed, ParseCid(cid));
    DDC_ASSIGN_OR_RETURN(const ddc::Event event, s.GetEvent(parsed));
    // The strict decoder accepts only canonical encodings, so this is the stored bytes.
    return FillResult(ddc::EncodeEvent(event), out);
  });
}

int ddc_timeline(ddc_store* store, uint64_t bucket, const uint8_t user[DDC_KEY_SIZE],
                 ddc_timeline_info* out, ddc_error** err) {
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"user", user}, {"out", out}}));
    DDC_ASSIGN_OR_RETURN(const ddc::TimelineInfo info, s.Timeline(bucket, Key(user)));
    CopyTimeline(info, out);
    return ddc::Status::OK();
  });
}

// ---- Iterators ----

int ddc_timeline_iter(ddc_store* store, uint64_t bucket, const uint8_t user[DDC_KEY_SIZE], int by,
                      uint64_t at, int backward, ddc_iter** iter, ddc_error** err) {
  Reset(iter);
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"user", user}, {"iter", iter}}));
    ddc::TimelineSeek seek;
    if (by == DDC_SEEK_POSITION) {
      seek.by = ddc::TimelineSeek::By::kPosition;
      seek.position = at;
    } else if (by == DDC_SEEK_TIME) {
      seek.by = ddc::TimelineSeek::By::kTime;
      seek.time_ms = at;
    } else {
      return ddc::Status::InvalidArgument("unknown seek kind " + std::to_string(by));
    }
    seek.backward = backward != 0;
    DDC_ASSIGN_OR_RETURN(std::unique_ptr<ddc::EventIterator> it,
                         s.NewTimelineIterator(bucket, Key(user), seek));
    *iter = new ddc_iter{std::move(it), nullptr};
    return ddc::Status::OK();
  });
}

int ddc_users_iter(ddc_store* store, uint64_t bucket, ddc_iter** iter, ddc_error** err) {
  Reset(iter);
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"iter", iter}}));
    *iter = new ddc_iter{nullptr, s.NewUserIterator(bucket)};
    return ddc::Status::OK();
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
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"iter", iter}}));
    return iter->events ? iter->events->status() : ddc::Status::OK();
  });
}

int ddc_iter_event(const ddc_iter* iter, ddc_iter_event_entry* out, ddc_error** err) {
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"iter", iter}, {"out", out}}));
    DDC_RETURN_IF_ERROR(RequireValid(*iter, /*want_events=*/true));
    out->position = iter->events->position();
    CopyCid(iter->events->cid(), out->cid);
    const std::string_view bytes = iter->events->bytes();
    out->bytes = reinterpret_cast<const uint8_t*>(bytes.data());
    out->len = bytes.size();
    return ddc::Status::OK();
  });
}

int ddc_iter_user(const ddc_iter* iter, ddc_timeline_info* out, ddc_error** err) {
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"iter", iter}, {"out", out}}));
    DDC_RETURN_IF_ERROR(RequireValid(*iter, /*want_events=*/false));
    CopyTimeline(iter->users->timeline(), out);
    return ddc::Status::OK();
  });
}

}  // extern "C"
