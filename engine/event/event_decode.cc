// DecodeEvent: the strict reader of version-1 events. It accepts exactly the bytes EncodeEvent
// writes for some valid event (fuzz/fuzz_event_decode.cc checks the round trip) and names the
// first thing that is wrong otherwise, with its byte offset where it has one.
//
// The cbor::Reader checks the canonical form (shortest heads, definite lengths, key order, no
// duplicate keys, UTF-8, no trailing bytes); this file checks the schema: which keys, which
// types, which sizes and limits.
#include <algorithm>
#include <cstring>
#include <optional>
#include <string>

#include "ddc/event.h"
#include "engine/base/macros.h"
#include "engine/event/cbor.h"
#include "engine/event/event_internal.h"
#include "engine/event/unsigned_cid.h"

namespace ddc {
namespace {

using cbor::Item;
using cbor::Kind;

Status Fail(size_t at, std::string_view what) {
  return Status::InvalidArgument("event: " + std::string(what) + " at byte " + std::to_string(at));
}

// A key or name from the input, quoted for a message: at most 40 bytes, control and non-ASCII
// bytes escaped, so that hostile input cannot make a message huge or unprintable.
std::string Quote(std::string_view s) {
  static constexpr size_t kMaxShown = 40;
  std::string out = "\"";
  for (size_t i = 0; i < s.size() && i < kMaxShown; ++i) {
    const auto c = static_cast<uint8_t>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x" + event_internal::Hex(std::span(&c, 1));
    }
  }
  if (s.size() > kMaxShown) out += "...";
  out += "\"";
  return out;
}

// A field's name for messages ("sig", "scope 2", "scope 2 nonce", "batch path hash 5"), put
// together only when a message needs it: reads almost always succeed, and building the numbered
// names up front cost a string per field of every event decoded.
class Field {
 public:
  static constexpr size_t kNoIndex = SIZE_MAX;

  // `index` is appended as " <index>" unless kNoIndex, then `key` as " <key>" unless empty.
  explicit Field(std::string_view name, size_t index = kNoIndex, std::string_view key = {})
      : name_(name), index_(index), key_(key) {}

  std::string str() const {
    std::string out(name_);
    if (index_ != kNoIndex) out += " " + std::to_string(index_);
    if (!key_.empty()) out += " " + std::string(key_);
    return out;
  }

 private:
  std::string_view name_;
  size_t index_;
  std::string_view key_;
};

// A scope as read and checked, pointing into the input.
struct ScopeFields {
  std::string_view name;
  bool sealed = false;
  uint32_t key_version = 0;
  std::span<const uint8_t> nonce;  // Sealed only.
  ScopeCompression compression = ScopeCompression::kNone;
  std::string_view data;
};

std::string WithArticle(Kind kind) {
  const std::string name = cbor::KindName(kind);
  return (kind == Kind::kUint || kind == Kind::kArray ? "an " : "a ") + name;
}

class Decoder {
 public:
  Decoder(std::span<const uint8_t> bytes, event_internal::EventLayout* layout, bool copy_scopes)
      : reader_(bytes), layout_(layout), copy_scopes_(copy_scopes) {}

  Result<Event> Run();

 private:
  // The next item, as a Status and an out-parameter rather than a Result<Item>: these run for
  // every item of every event appended, and moving Results around cost more than the parsing.
  Status Next(Item* item);
  Status NextOf(Kind want, const Field& field, Item* item);
  Status NextOf(Kind want, std::string_view field, Item* item) {
    return NextOf(want, Field(field), item);
  }
  Status ReadFixed(const Field& field, std::span<uint8_t> out);
  Status ReadFixed(std::string_view field, std::span<uint8_t> out) {
    return ReadFixed(Field(field), out);
  }
  Status ReadText(std::string_view field, size_t max, std::string* out);
  Status ReadPrev(Event* event);
  Status ReadScopes(std::vector<Scope>* out);
  Status ReadScope(size_t index, ScopeFields* out);
  Status ReadBatch(BatchProof* out);

  // Notes the pair whose key starts at `begin` and whose value the reader just passed.
  void Cut(size_t begin) {
    if (layout_ == nullptr) return;
    layout_->cut[layout_->cuts++] = {static_cast<uint32_t>(begin),
                                     static_cast<uint32_t>(reader_.offset())};
  }

  cbor::Reader reader_;
  event_internal::EventLayout* layout_;  // Null: not wanted.
  bool copy_scopes_;                     // False: scopes are checked but not kept.
};

Status Decoder::Next(Item* item) {
  Status s = reader_.Next(item);
  if (!s.ok()) return s.WithContext("event");
  return s;
}

Status Decoder::NextOf(Kind want, const Field& field, Item* item) {
  DDC_RETURN_IF_ERROR(Next(item));
  if (item->kind != want) {
    return Fail(item->offset,
                field.str() + " is " + WithArticle(item->kind) + ", want " + WithArticle(want));
  }
  return Status::OK();
}

Status Decoder::ReadFixed(const Field& field, std::span<uint8_t> out) {
  Item item;
  DDC_RETURN_IF_ERROR(NextOf(Kind::kBytes, field, &item));
  if (item.data.size() != out.size()) {
    return Fail(item.offset, field.str() + " is " + std::to_string(item.data.size()) +
                                 " bytes want " + std::to_string(out.size()));
  }
  std::memcpy(out.data(), item.data.data(), out.size());
  return Status::OK();
}

Status Decoder::ReadText(std::string_view field, size_t max, std::string* out) {
  Item item;
  DDC_RETURN_IF_ERROR(NextOf(Kind::kText, field, &item));
  if (item.data.empty()) return Fail(item.offset, std::string(field) + " is empty");
  if (item.data.size() > max) {
    return Fail(item.offset, std::string(field) + " is " + std::to_string(item.data.size()) +
                                 " bytes, more than " + std::to_string(max));
  }
  out->assign(item.text());  // The reader checked UTF-8.
  return Status::OK();
}

Status Decoder::ReadPrev(Event* event) {
  Item item;
  DDC_RETURN_IF_ERROR(NextOf(Kind::kLink, "prev", &item));
  Result<Cid> cid = Cid::FromBytes(item.data);
  if (!cid.ok())
    return Fail(item.offset, "prev is not a valid CID (" + cid.status().message() + ")");
  if (cid->codec() != Codec::kDagCbor) {
    return Fail(item.offset, "prev is not a dag-cbor CID (" + cid->ToString() + ")");
  }
  event->prev = *cid;
  return Status::OK();
}

Status Decoder::ReadScopes(std::vector<Scope>* out) {
  Item list;
  DDC_RETURN_IF_ERROR(NextOf(Kind::kArray, "scopes", &list));
  if (list.value > kMaxScopes) {
    return Fail(list.offset, "scopes has " + std::to_string(list.value) + " entries, more than " +
                                 std::to_string(kMaxScopes));
  }
  const auto count = static_cast<size_t>(list.value);
  if (copy_scopes_) out->resize(count);
  std::string_view previous;
  for (size_t i = 0; i < count; ++i) {
    const size_t at = reader_.offset();
    ScopeFields scope;
    DDC_RETURN_IF_ERROR(ReadScope(i, &scope));
    if (i > 0 && !(previous < scope.name)) {
      const bool duplicate = previous == scope.name;
      return Fail(at, duplicate ? "duplicate scope name " + Quote(scope.name)
                                : "scope " + Quote(scope.name) + " after " + Quote(previous) +
                                      " (scopes must be sorted by name)");
    }
    previous = scope.name;
    if (!copy_scopes_) continue;
    Scope& s = (*out)[i];
    s.name.assign(scope.name);
    s.compression = scope.compression;
    s.sealed = scope.sealed;
    s.key_version = scope.key_version;
    if (scope.sealed) std::memcpy(s.nonce.data(), scope.nonce.data(), kScopeNonceBytes);
    s.data.assign(scope.data);
  }
  return Status::OK();
}

Status Decoder::ReadScope(size_t index, ScopeFields* out) {
  Item map;
  DDC_RETURN_IF_ERROR(NextOf(Kind::kMap, Field("scope", index), &map));
  std::optional<Item> ct, kv, comp, name, nonce, pt;
  for (uint64_t i = 0; i < map.value; ++i) {
    Item key;
    DDC_RETURN_IF_ERROR(Next(&key));
    const std::string_view k = key.text();
    std::optional<Item>* slot = nullptr;
    Kind want = Kind::kBytes;
    if (k == "ct") {
      slot = &ct;
    } else if (k == "pt") {
      slot = &pt;
    } else if (k == "nonce") {
      slot = &nonce;
    } else if (k == "kv") {
      slot = &kv;
      want = Kind::kUint;
    } else if (k == "comp") {
      slot = &comp;
      want = Kind::kUint;
    } else if (k == "name") {
      slot = &name;
      want = Kind::kText;
    } else {
      return Fail(key.offset, Field("scope", index).str() + " has unknown key " + Quote(k));
    }
    DDC_RETURN_IF_ERROR(NextOf(want, Field("scope", index, k), &slot->emplace()));
  }
  if (!name) return Fail(map.offset, Field("scope", index).str() + " has no name");
  DDC_RETURN_IF_ERROR(event_internal::ValidateScopeName(name->text(), index));
  auto label = [&name] { return "scope " + Quote(name->text()); };
  if (ct && pt) return Fail(map.offset, label() + " has both ct (sealed) and pt (public)");
  if (!ct && !pt) return Fail(map.offset, label() + " has neither ct (sealed) nor pt (public)");
  if (!comp) return Fail(map.offset, label() + " has no comp");
  if (ct) {
    if (!kv) return Fail(map.offset, "sealed " + label() + " has no kv");
    if (!nonce) return Fail(map.offset, "sealed " + label() + " has no nonce");
  } else if (kv || nonce) {
    return Fail((kv ? kv : nonce)->offset,
                "public " + label() + " has " + (kv ? "kv" : "nonce") + ", a sealed-scope key");
  }
  if (comp->value > 1) {
    return Fail(comp->offset, label() + " compression " + std::to_string(comp->value) +
                                  " is unknown (0 none, 1 zstd)");
  }
  out->name = name->text();
  out->compression = static_cast<ScopeCompression>(comp->value);
  out->sealed = ct.has_value();
  if (pt) {
    out->data = pt->text();
    return Status::OK();
  }
  if (kv->value > UINT32_MAX) {
    return Fail(kv->offset, label() + " key version " + std::to_string(kv->value) +
                                " is more than " + std::to_string(UINT32_MAX));
  }
  if (nonce->data.size() != kScopeNonceBytes) {
    return Fail(nonce->offset, label() + " nonce is " + std::to_string(nonce->data.size()) +
                                   " bytes want " + std::to_string(kScopeNonceBytes));
  }
  if (ct->data.size() < kScopeTagBytes) {
    return Fail(ct->offset, label() + " ciphertext is " + std::to_string(ct->data.size()) +
                                " bytes, less than the " + std::to_string(kScopeTagBytes) +
                                "-byte AEAD tag");
  }
  out->key_version = static_cast<uint32_t>(kv->value);
  out->nonce = nonce->data;
  out->data = ct->text();
  return Status::OK();
}

Status Decoder::ReadBatch(BatchProof* out) {
  Item map;
  DDC_RETURN_IF_ERROR(NextOf(Kind::kMap, "batch", &map));
  bool has_path = false, has_root = false, has_size = false, has_index = false;
  for (uint64_t i = 0; i < map.value; ++i) {
    Item key;
    DDC_RETURN_IF_ERROR(Next(&key));
    const std::string_view k = key.text();
    if (k == "path") {
      Item list;
      DDC_RETURN_IF_ERROR(NextOf(Kind::kArray, "batch path", &list));
      if (list.value > event_internal::kMaxBatchPathHashes) {
        return Fail(list.offset, "batch path has " + std::to_string(list.value) +
                                     " hashes, more than " +
                                     std::to_string(event_internal::kMaxBatchPathHashes));
      }
      out->path.resize(static_cast<size_t>(list.value));
      for (size_t h = 0; h < out->path.size(); ++h) {
        DDC_RETURN_IF_ERROR(ReadFixed(Field("batch path hash", h), out->path[h]));
      }
      has_path = true;
    } else if (k == "root") {
      DDC_RETURN_IF_ERROR(ReadFixed("batch root", out->root));
      has_root = true;
    } else if (k == "size") {
      Item v;
      DDC_RETURN_IF_ERROR(NextOf(Kind::kUint, "batch size", &v));
      out->size = v.value;
      has_size = true;
    } else if (k == "index") {
      Item v;
      DDC_RETURN_IF_ERROR(NextOf(Kind::kUint, "batch index", &v));
      out->index = v.value;
      has_index = true;
    } else {
      return Fail(key.offset, "batch has unknown key " + Quote(k));
    }
  }
  const char* missing = !has_path    ? "path"
                        : !has_root  ? "root"
                        : !has_size  ? "size"
                        : !has_index ? "index"
                                     : nullptr;
  if (missing != nullptr) return Fail(map.offset, std::string("batch has no ") + missing);
  return event_internal::ValidateBatchShape(out->size, out->index, out->path.size());
}

Result<Event> Decoder::Run() {
  Item top;
  DDC_RETURN_IF_ERROR(Next(&top));
  if (top.kind != Kind::kMap) return Fail(0, "event is " + WithArticle(top.kind) + ", want a map");
  Event event;
  if (layout_ != nullptr) {
    *layout_ = event_internal::EventLayout{};
    // A map of more than 23 pairs would have a longer head; such a map fails below anyway
    // (unknown or repeated keys), before the layout is used.
    layout_->pairs = static_cast<uint8_t>(std::min<uint64_t>(top.value, 23));
  }
  // The reader guarantees canonical order and no duplicates, so each key is seen at most once.
  enum : uint32_t {
    kV = 1,
    kId = 2,
    kTs = 4,
    kSig = 8,
    kType = 16,
    kUser = 32,
    kBucket = 64,
    kScopes = 128,
    kRequired = 255
  };
  uint32_t seen = 0;
  for (uint64_t i = 0; i < top.value; ++i) {
    Item key;
    DDC_RETURN_IF_ERROR(Next(&key));
    const std::string_view k = key.text();
    if (k == "v") {
      Item v;
      DDC_RETURN_IF_ERROR(NextOf(Kind::kUint, "v", &v));
      if (v.value != kEventVersion) {
        return Fail(v.offset, "version " + std::to_string(v.value) + " is not supported (want " +
                                  std::to_string(kEventVersion) + ")");
      }
      seen |= kV;
    } else if (k == "id") {
      DDC_RETURN_IF_ERROR(ReadText("id", kMaxEventIdBytes, &event.id));
      seen |= kId;
    } else if (k == "ts") {
      Item v;
      DDC_RETURN_IF_ERROR(NextOf(Kind::kUint, "ts", &v));
      event.timestamp_ms = v.value;
      seen |= kTs;
    } else if (k == "sig") {
      DDC_RETURN_IF_ERROR(ReadFixed("sig", event.signature));
      Cut(key.offset);
      seen |= kSig;
    } else if (k == "prev") {
      DDC_RETURN_IF_ERROR(ReadPrev(&event));
    } else if (k == "type") {
      DDC_RETURN_IF_ERROR(ReadText("type", kMaxEventTypeBytes, &event.type));
      seen |= kType;
    } else if (k == "user") {
      DDC_RETURN_IF_ERROR(ReadFixed("user", event.user));
      seen |= kUser;
    } else if (k == "batch") {
      DDC_RETURN_IF_ERROR(ReadBatch(&event.batch.emplace()));
      Cut(key.offset);
    } else if (k == "bucket") {
      Item v;
      DDC_RETURN_IF_ERROR(NextOf(Kind::kUint, "bucket", &v));
      event.bucket = v.value;
      seen |= kBucket;
    } else if (k == "scopes") {
      DDC_RETURN_IF_ERROR(ReadScopes(&event.scopes));
      seen |= kScopes;
    } else {
      return Fail(key.offset, "unknown key " + Quote(k));
    }
  }
  if (Status s = reader_.Finish(); !s.ok()) return s.WithContext("event");
  if (seen != kRequired) {
    static constexpr std::pair<uint32_t, const char*> kNames[] = {
        {kV, "v"},       {kId, "id"},     {kTs, "ts"},         {kSig, "sig"},
        {kType, "type"}, {kUser, "user"}, {kBucket, "bucket"}, {kScopes, "scopes"}};
    for (const auto& [bit, name] : kNames) {
      if ((seen & bit) == 0) {
        return Status::InvalidArgument(std::string("event: missing key \"") + name + "\"");
      }
    }
  }
  // Everything ValidateEvent checks was checked above with offsets; this is the paired check
  // that the decoded value is one EncodeEvent accepts.
  DDC_RETURN_IF_ERROR(event_internal::ValidateEvent(event));
  return event;
}

}  // namespace

namespace {

Result<Event> Decode(std::span<const uint8_t> bytes, event_internal::EventLayout* layout,
                     bool copy_scopes) {
  if (bytes.size() > kMaxEventBytes) {
    return Status::InvalidArgument("event: " + std::to_string(bytes.size()) +
                                   " bytes, more than the " + std::to_string(kMaxEventBytes) +
                                   " an event may have");
  }
  Decoder decoder(bytes, layout, copy_scopes);
  return decoder.Run();
}

}  // namespace

Result<Event> DecodeEvent(std::span<const uint8_t> bytes) { return Decode(bytes, nullptr, true); }

namespace event_internal {

Result<Event> DecodeEventWithLayout(std::span<const uint8_t> bytes, EventLayout* layout) {
  return Decode(bytes, layout, true);
}

Result<Event> DecodeEventEnvelope(std::span<const uint8_t> bytes, EventLayout* layout) {
  return Decode(bytes, layout, false);
}

}  // namespace event_internal

}  // namespace ddc
