// EventReader: opens what a KeyRing allows of an event, decodes each scope's container (bounded
// zstd, then a JSON object) and deep-merges the scopes back into the app's JSON.
//
// Telling a wrong key from tampering: XChaCha20-Poly1305 fails the same way for both, but the
// user's signature covers every byte of every scope. When it verifies (or the caller vouches for
// it), a scope that no held key opens was sealed under a key the caller lacks; when it does not,
// the event was altered and a scope that does not open is reported as tampered.
#include <zstd.h>

#include <string>
#include <utility>

#include "ddc/crypto.h"
#include "ddc/scopes.h"
#include "engine/base/macros.h"
#include "engine/event/scope_json.h"

namespace ddc {

// A scope stored without compression is within the cap, so only frames can hit it.
static_assert(kMaxScopePlaintextBytes >= kMaxEventBytes);

namespace scope_json {
namespace {

// One decompression context per thread (see ThreadCompressor in event_builder.cc).
ZSTD_DCtx* ThreadDecompressor() {
  struct Holder {
    ZSTD_DCtx* ctx = ZSTD_createDCtx();
    ~Holder() { ZSTD_freeDCtx(ctx); }
    Holder() = default;
    Holder(const Holder&) = delete;
    Holder& operator=(const Holder&) = delete;
  };
  thread_local Holder holder;
  return holder.ctx;
}

// Whether the members of `from` merge into those of `into` without a conflict; *path names the
// conflict when not. (The object maps are used directly: nlohmann's iterators hide from the
// compiler that they are never null here.)
bool Mergeable(const Json::object_t& into, const Json::object_t& from, std::string* path) {
  for (const auto& [key, value] : from) {
    auto it = into.find(key);
    if (it == into.end()) continue;
    const size_t before = path->size();
    path->append(FormatPath({key}).substr(1));
    const Json::object_t* inner_into = it->second.get_ptr<const Json::object_t*>();
    const Json::object_t* inner_from = value.get_ptr<const Json::object_t*>();
    if (inner_into == nullptr || inner_from == nullptr ||
        !Mergeable(*inner_into, *inner_from, path)) {
      return false;
    }
    path->resize(before);
  }
  return true;
}

// REQUIRES: Mergeable(*into, from).
void MergeChecked(Json::object_t* into, Json::object_t&& from) {
  for (auto& [key, value] : from) {
    auto it = into->find(key);
    if (it == into->end()) {
      into->emplace(key, std::move(value));
    } else {
      MergeChecked(it->second.get_ptr<Json::object_t*>(),
                   std::move(*value.get_ptr<Json::object_t*>()));
    }
  }
}

}  // namespace

Status Merge(Json* into, Json&& from) {
  Json::object_t* into_members = into->get_ptr<Json::object_t*>();
  Json::object_t* from_members = from.get_ptr<Json::object_t*>();
  if (into_members == nullptr || from_members == nullptr) {
    return Status::InvalidArgument("merge: both sides must be JSON objects");
  }
  std::string path = "$";
  if (!Mergeable(*into_members, *from_members, &path)) {
    return Status::InvalidArgument("member " + path + " is in more than one scope");
  }
  MergeChecked(into_members, std::move(*from_members));
  return Status::OK();
}

Result<std::string> Decompress(std::string_view frame) {
  const unsigned long long claimed = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (claimed == ZSTD_CONTENTSIZE_ERROR) {
    return Status::InvalidArgument("zstd: not a zstd frame (bad magic number or header)");
  }
  if (claimed == ZSTD_CONTENTSIZE_UNKNOWN) {
    return Status::InvalidArgument(
        "zstd: the frame does not record its content size (refused: it could expand without "
        "bound)");
  }
  if (claimed > kMaxScopePlaintextBytes) {
    return Status::InvalidArgument(
        "zstd: the frame claims " + std::to_string(claimed) + " bytes, more than the cap of " +
        std::to_string(kMaxScopePlaintextBytes) + " (kMaxScopePlaintextBytes)");
  }
  const size_t frame_bytes = ZSTD_findFrameCompressedSize(frame.data(), frame.size());
  if (ZSTD_isError(frame_bytes) != 0) {
    return Status::InvalidArgument(std::string("zstd: bad frame: ") +
                                   ZSTD_getErrorName(frame_bytes));
  }
  if (frame_bytes != frame.size()) {
    return Status::InvalidArgument("zstd: " + std::to_string(frame.size() - frame_bytes) +
                                   " bytes after the frame");
  }
  ZSTD_DCtx* ctx = ThreadDecompressor();
  if (ctx == nullptr)
    return Status::InvalidArgument("zstd: no decompression context (out of memory)");
  std::string out(static_cast<size_t>(claimed), '\0');
  const size_t n = ZSTD_decompressDCtx(ctx, out.data(), out.size(), frame.data(), frame.size());
  if (ZSTD_isError(n) != 0) {
    return Status::InvalidArgument(std::string("zstd: frame does not decompress: ") +
                                   ZSTD_getErrorName(n));
  }
  if (n != out.size()) {
    return Status::InvalidArgument("zstd: the frame decompressed to " + std::to_string(n) +
                                   " bytes, not the " + std::to_string(claimed) + " it claims");
  }
  return out;
}

}  // namespace scope_json

namespace {

using scope_json::Json;
using Outcome = ScopeState::Outcome;

// The scope's JSON object from its stored (public) or opened (sealed) container bytes.
Result<Json> DecodeContainer(const Scope& scope, std::string_view bytes) {
  std::string inflated;
  switch (scope.compression) {
    case ScopeCompression::kNone:
      break;
    case ScopeCompression::kZstd: {
      DDC_ASSIGN_OR_RETURN(inflated, scope_json::Decompress(bytes));
      bytes = inflated;
      break;
    }
    default:
      return Status::InvalidArgument("unknown compression " +
                                     std::to_string(static_cast<int>(scope.compression)));
  }
  return scope_json::ParseObject(bytes, "plaintext", kMaxScopePlaintextBytes);
}

ScopeState Closed(ScopeState state, Outcome outcome, std::string message) {
  state.outcome = outcome;
  state.message = std::move(message);
  return state;
}

// Opens a sealed scope with the first of `keys` that opens it, into *plaintext. When none does,
// returns false with *state saying why: no key, or (the signature deciding) a wrong key or
// tampering; or malformed, when the scope cannot even be tried.
bool OpenSealed(const Event& event, const Scope& scope, const std::vector<ScopeKey>& keys,
                OpenedEvent::Signature signature, std::string* plaintext, ScopeState* state) {
  const std::string label =
      "scope \"" + scope.name + "\" version " + std::to_string(scope.key_version);
  if (keys.empty()) {
    *state = Closed(std::move(*state), Outcome::kNoKey,
                    label + ": no scope key for it and no master key for this user or all users " +
                        "of bucket " + std::to_string(event.bucket));
    return false;
  }
  for (const ScopeKey& key : keys) {
    Status opened = OpenScopeInto(key, event.bucket, event.user, event.id, scope, plaintext);
    if (opened.ok()) return true;
    if (opened.IsInvalidArgument()) {
      *state = Closed(std::move(*state), Outcome::kMalformed, opened.message());
      return false;
    }
  }
  const std::string tried = label + " does not open with any of the " +
                            std::to_string(keys.size()) + " key(s) held for it";
  const std::string wrong =
      ": it was sealed under another key, or for another event, user, bucket or label";
  switch (signature) {
    case OpenedEvent::Signature::kFailed:
      *state = Closed(std::move(*state), Outcome::kTampered,
                      tried + ", and the event's signature does not verify: the event was altered");
      break;
    case OpenedEvent::Signature::kVerified:
      *state = Closed(std::move(*state), Outcome::kWrongKey,
                      tried + ", and the event's signature verifies" + wrong);
      break;
    case OpenedEvent::Signature::kTrusted:
      *state = Closed(std::move(*state), Outcome::kWrongKey,
                      tried + " (the event's signature is trusted as verified)" + wrong);
      break;
  }
  return false;
}

// Opens one scope into `merged`; what became of it.
ScopeState OpenOne(const Event& event, const Scope& scope, const std::vector<ScopeKey>& keys,
                   OpenedEvent::Signature signature, Json* merged) {
  ScopeState state;
  state.name = scope.name;
  state.is_public = !scope.sealed;
  state.key_version = scope.sealed ? scope.key_version : 0;
  std::string opened;
  if (scope.sealed && !OpenSealed(event, scope, keys, signature, &opened, &state)) return state;
  const std::string label = "scope \"" + scope.name + "\"";
  Result<Json> object =
      DecodeContainer(scope, scope.sealed ? std::string_view(opened) : scope.data);
  if (!object.ok()) {
    return Closed(std::move(state), Outcome::kMalformed, label + ": " + object.status().message());
  }
  const Status merged_in = scope_json::Merge(merged, std::move(object).value());
  if (!merged_in.ok()) {
    return Closed(std::move(state), Outcome::kMalformed, label + ": " + merged_in.message());
  }
  return state;
}

}  // namespace

const char* OutcomeName(ScopeState::Outcome outcome) {
  switch (outcome) {
    case Outcome::kOpened:
      return "opened";
    case Outcome::kNoKey:
      return "no_key";
    case Outcome::kWrongKey:
      return "wrong_key";
    case Outcome::kTampered:
      return "tampered";
    case Outcome::kMalformed:
      return "malformed";
  }
  return "unknown";
}

bool OpenedEvent::complete() const {
  for (const ScopeState& s : scopes) {
    if (s.outcome != ScopeState::Outcome::kOpened) return false;
  }
  return true;
}

Result<OpenedEvent> EventReader::Open(const Event& event, const KeyRing& keys,
                                      const ReadOptions& options) const {
  if (event.scopes.size() > kMaxScopes) {
    return Status::InvalidArgument("event reader: event has " +
                                   std::to_string(event.scopes.size()) + " scopes, more than " +
                                   std::to_string(kMaxScopes));
  }
  if (event.id.empty() || event.id.size() > kMaxEventIdBytes) {
    return Status::InvalidArgument("event reader: event id is " + std::to_string(event.id.size()) +
                                   " bytes, want 1.." + std::to_string(kMaxEventIdBytes));
  }
  OpenedEvent out;
  if (options.signature_already_verified) {
    out.signature = OpenedEvent::Signature::kTrusted;
  } else {
    const Status verified = VerifyEventSignature(event);
    if (!verified.ok()) {
      out.signature = OpenedEvent::Signature::kFailed;
      out.signature_error = verified.message();
    }
  }
  Json merged = Json::object();
  for (const Scope& scope : event.scopes) {
    std::vector<ScopeKey> candidates;
    if (scope.sealed) {
      candidates = keys.CandidateKeys(event.bucket, event.user, scope.name, scope.key_version);
    }
    out.scopes.push_back(OpenOne(event, scope, candidates, out.signature, &merged));
    for (ScopeKey& key : candidates) Wipe(key);
  }
  out.json = scope_json::Dump(merged);
  return out;
}

}  // namespace ddc
