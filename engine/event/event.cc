// Event validation and canonical encoding (DecodeEvent is in event_decode.cc, signatures in
// signature.cc). docs/FORMAT.md, "Event, version 1", is the specification.
#include "ddc/event.h"

#include <algorithm>
#include <string>
#include <vector>

#include "engine/base/macros.h"
#include "engine/crypto/scope_name.h"
#include "engine/event/cbor.h"
#include "engine/event/event_internal.h"
#include "engine/timeline/merkle.h"

namespace ddc {
namespace event_internal {
namespace {

Status Invalid(std::string_view what) {
  return Status::InvalidArgument("event: " + std::string(what));
}

Status ValidateText(std::string_view field, const std::string& value, size_t max) {
  if (value.empty()) return Invalid(std::string(field) + " is empty");
  if (value.size() > max) {
    return Invalid(std::string(field) + " is " + std::to_string(value.size()) +
                   " bytes, more than " + std::to_string(max));
  }
  if (!cbor::IsValidUtf8(value)) return Invalid(std::string(field) + " is not valid UTF-8");
  return Status::OK();
}

Status ValidateScope(const Scope& scope, size_t index) {
  DDC_RETURN_IF_ERROR(ValidateScopeName(scope.name, index));
  // Built only for a message: every decoded event passes through here.
  auto label = [&scope] { return "scope \"" + scope.name + "\""; };
  if (scope.compression != ScopeCompression::kNone &&
      scope.compression != ScopeCompression::kZstd) {
    return Invalid(label() + " compression " +
                   std::to_string(static_cast<unsigned>(scope.compression)) +
                   " is unknown (0 none, 1 zstd)");
  }
  if (scope.sealed && scope.data.size() < kScopeTagBytes) {
    return Invalid(label() + " ciphertext is " + std::to_string(scope.data.size()) +
                   " bytes, less than the " + std::to_string(kScopeTagBytes) + "-byte AEAD tag");
  }
  return Status::OK();
}

// Scope order in the encoding: by name, bytewise.
std::vector<const Scope*> SortedScopes(const std::vector<Scope>& scopes) {
  std::vector<const Scope*> sorted;
  sorted.reserve(scopes.size());
  for (const Scope& s : scopes) sorted.push_back(&s);
  std::sort(sorted.begin(), sorted.end(),
            [](const Scope* a, const Scope* b) { return a->name < b->name; });
  return sorted;
}

void WriteScope(const Scope& scope, cbor::Writer* w) {
  // Keys in canonical order: sealed ct, kv, comp, name, nonce; public pt, comp, name.
  if (scope.sealed) {
    w->MapHeader(5);
    w->Text("ct");
    w->Bytes(scope.data);
    w->Text("kv");
    w->Uint(scope.key_version);
  } else {
    w->MapHeader(3);
    w->Text("pt");
    w->Bytes(scope.data);
  }
  w->Text("comp");
  w->Uint(static_cast<uint64_t>(scope.compression));
  w->Text("name");
  w->Text(scope.name);
  if (scope.sealed) {
    w->Text("nonce");
    w->Bytes(scope.nonce);
  }
}

void WriteBatch(const BatchProof& batch, cbor::Writer* w) {
  w->MapHeader(4);  // path, root, size, index.
  w->Text("path");
  w->ArrayHeader(batch.path.size());
  for (const Hash32& h : batch.path) w->Bytes(h);
  w->Text("root");
  w->Bytes(batch.root);
  w->Text("size");
  w->Uint(batch.size);
  w->Text("index");
  w->Uint(batch.index);
}

// Writes the event map; without `sig` and `batch` when `signed_form` is false. REQUIRES: the
// event passed ValidateEvent.
void WriteEvent(const Event& event, bool signed_form, cbor::Writer* w) {
  const bool with_batch = signed_form && event.batch.has_value();
  w->MapHeader(7 + (signed_form ? 1 : 0) + (event.prev ? 1 : 0) + (with_batch ? 1 : 0));
  // Canonical key order: v, id, ts, sig, prev, type, user, batch, bucket, scopes.
  w->Text("v");
  w->Uint(kEventVersion);
  w->Text("id");
  w->Text(event.id);
  w->Text("ts");
  w->Uint(event.timestamp_ms);
  if (signed_form) {
    w->Text("sig");
    w->Bytes(event.signature);
  }
  if (event.prev) {
    w->Text("prev");
    w->CidLink(*event.prev);
  }
  w->Text("type");
  w->Text(event.type);
  w->Text("user");
  w->Bytes(event.user);
  if (with_batch) {
    w->Text("batch");
    WriteBatch(*event.batch, w);
  }
  w->Text("bucket");
  w->Uint(event.bucket);
  w->Text("scopes");
  w->ArrayHeader(event.scopes.size());
  for (const Scope* s : SortedScopes(event.scopes)) WriteScope(*s, w);
}

size_t EstimateSize(const Event& event) {
  size_t n = 256 + event.id.size() + event.type.size();
  for (const Scope& s : event.scopes) n += 64 + s.name.size() + s.data.size();
  if (event.batch) n += 40 * event.batch->path.size();
  return n;
}

}  // namespace

Status ValidateScopeName(std::string_view name, size_t index) {
  if (name.empty()) return Invalid("scope " + std::to_string(index) + " has an empty name");
  if (name.size() > kMaxScopeNameBytes) {
    return Invalid("scope " + std::to_string(index) + " name is " + std::to_string(name.size()) +
                   " bytes, more than " + std::to_string(kMaxScopeNameBytes));
  }
  for (size_t i = 0; i < name.size(); ++i) {
    if (!IsScopeNameByte(name[i])) {
      return Invalid("scope " + std::to_string(index) + " name has byte " +
                     Hex(std::span(reinterpret_cast<const uint8_t*>(name.data()) + i, 1)) + " at " +
                     std::to_string(i) + ", outside [a-z0-9_.-]");
    }
  }
  return Status::OK();
}

Status BadSignature(const PublicKey& user, std::string_view what) {
  return Invalid(std::string(what) + " does not verify for user " + Hex(user));
}

Status ValidateBatchShape(uint64_t size, uint64_t index, size_t path_hashes) {
  if (size < 1 || size > kMaxBatchEvents) {
    return Invalid("batch size " + std::to_string(size) + " is outside 1.." +
                   std::to_string(kMaxBatchEvents));
  }
  if (index >= size) {
    return Invalid("batch index " + std::to_string(index) + " is not below batch size " +
                   std::to_string(size));
  }
  const uint64_t want = timeline::InclusionProofLength(index, size);
  if (path_hashes != want) {
    return Invalid("batch path has " + std::to_string(path_hashes) + " hashes want " +
                   std::to_string(want) + " (index " + std::to_string(index) + " of " +
                   std::to_string(size) + ")");
  }
  return Status::OK();
}

Status ValidateEvent(const Event& event) {
  DDC_RETURN_IF_ERROR(ValidateText("id", event.id, kMaxEventIdBytes));
  DDC_RETURN_IF_ERROR(ValidateText("type", event.type, kMaxEventTypeBytes));
  if (event.scopes.size() > kMaxScopes) {
    return Invalid(std::to_string(event.scopes.size()) + " scopes, more than " +
                   std::to_string(kMaxScopes));
  }
  for (size_t i = 0; i < event.scopes.size(); ++i) {
    DDC_RETURN_IF_ERROR(ValidateScope(event.scopes[i], i));
  }
  const std::vector<const Scope*> sorted = SortedScopes(event.scopes);
  for (size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i - 1]->name == sorted[i]->name) {
      return Invalid("duplicate scope name \"" + sorted[i]->name + "\"");
    }
  }
  if (event.prev && event.prev->codec() != Codec::kDagCbor) {
    return Invalid("prev is not a dag-cbor CID (" + event.prev->ToString() + ")");
  }
  if (event.batch) {
    DDC_RETURN_IF_ERROR(
        ValidateBatchShape(event.batch->size, event.batch->index, event.batch->path.size()));
  }
  return Status::OK();
}

Result<std::string> EncodeUnsignedEvent(const Event& event, std::string_view prefix) {
  DDC_RETURN_IF_ERROR(ValidateEvent(event));
  cbor::Writer w;
  w.Reserve(prefix.size() + EstimateSize(event));
  w.Raw(prefix);
  WriteEvent(event, /*signed_form=*/false, &w);
  return w.Take();
}

}  // namespace event_internal

Result<std::string> EncodeEvent(const Event& event) {
  DDC_RETURN_IF_ERROR(event_internal::ValidateEvent(event));
  cbor::Writer w;
  w.Reserve(event_internal::EstimateSize(event));
  event_internal::WriteEvent(event, /*signed_form=*/true, &w);
  if (w.bytes().size() > kMaxEventBytes) {
    return Status::InvalidArgument("event: encoded event is " + std::to_string(w.bytes().size()) +
                                   " bytes, more than " + std::to_string(kMaxEventBytes));
  }
  return w.Take();
}

Cid EventCid(std::span<const uint8_t> encoded) { return Cid::Of(Codec::kDagCbor, encoded); }

}  // namespace ddc
