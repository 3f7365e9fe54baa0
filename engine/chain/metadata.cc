#include "engine/chain/metadata.h"

#include <map>

#include "engine/base/macros.h"
#include "engine/chain/scale.h"

namespace ddc::chain {
namespace {

constexpr uint8_t kSupportedVersion = 14;
constexpr uint64_t kMaxItems = 1u << 20;  // Any Vec in metadata.
constexpr size_t kMaxString = 1u << 16;   // Any name or doc line.
constexpr uint8_t kMaxPrimitive = 15;     // bool, char, str, u8..u256, i8..i256.
constexpr uint8_t kMaxHasher = 6;         // Blake2_128 .. Identity.

struct TypeInfo {
  uint8_t kind = kTypeComposite;
  uint32_t field_count = 0;            // Composite fields, tuple members.
  std::vector<MetadataCall> variants;  // Variant: name and index of each.
  uint32_t array_len = 0;
  std::vector<uint32_t> referenced;  // Every type id this one refers to.
};

std::string ReadString(ScaleReader* r) {
  const auto bytes = r->Bytes(kMaxString);
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void SkipStrings(ScaleReader* r) {
  const uint64_t n = r->Count(kMaxItems);
  for (uint64_t i = 0; i < n && r->ok(); ++i) r->Bytes(kMaxString);
}

uint32_t ReadTypeId(ScaleReader* r, TypeInfo* into) {
  const auto id = static_cast<uint32_t>(r->Compact(UINT32_MAX));
  if (into != nullptr) into->referenced.push_back(id);
  return id;
}

template <typename F>
void ReadOption(ScaleReader* r, F read_some) {
  const uint8_t tag = r->U8();
  if (tag == 1) {
    read_some();
  } else if (tag != 0) {
    r->Fail("option tag " + std::to_string(tag));
  }
}

// Field { name: Option<String>, type, type_name: Option<String>, docs }
void ReadField(ScaleReader* r, TypeInfo* into) {
  ReadOption(r, [&] { r->Bytes(kMaxString); });
  ReadTypeId(r, into);
  ReadOption(r, [&] { r->Bytes(kMaxString); });
  SkipStrings(r);
}

TypeInfo ReadType(ScaleReader* r) {
  TypeInfo t;
  SkipStrings(r);  // path
  const uint64_t params = r->Count(kMaxItems);
  for (uint64_t i = 0; i < params && r->ok(); ++i) {
    r->Bytes(kMaxString);
    ReadOption(r, [&] { ReadTypeId(r, &t); });
  }
  t.kind = r->U8();
  switch (t.kind) {
    case kTypeComposite: {
      const uint64_t n = r->Count(kMaxItems);
      t.field_count = static_cast<uint32_t>(n);
      for (uint64_t i = 0; i < n && r->ok(); ++i) ReadField(r, &t);
      break;
    }
    case kTypeVariant: {
      const uint64_t n = r->Count(256);
      for (uint64_t i = 0; i < n && r->ok(); ++i) {
        MetadataCall v;
        v.name = ReadString(r);
        const uint64_t fields = r->Count(kMaxItems);
        for (uint64_t f = 0; f < fields && r->ok(); ++f) ReadField(r, &t);
        v.index = r->U8();
        SkipStrings(r);
        t.variants.push_back(std::move(v));
      }
      break;
    }
    case kTypeSequence:
    case kTypeCompact:
      ReadTypeId(r, &t);
      break;
    case kTypeArray:
      t.array_len = r->U32();
      ReadTypeId(r, &t);
      break;
    case kTypeTuple: {
      const uint64_t n = r->Count(kMaxItems);
      t.field_count = static_cast<uint32_t>(n);
      for (uint64_t i = 0; i < n && r->ok(); ++i) ReadTypeId(r, &t);
      break;
    }
    case kTypePrimitive: {
      const uint8_t p = r->U8();
      if (r->ok() && p > kMaxPrimitive) r->Fail("primitive type " + std::to_string(p));
      break;
    }
    case kTypeBitSequence:
      ReadTypeId(r, &t);
      ReadTypeId(r, &t);
      break;
    default:
      r->Fail("type definition kind " + std::to_string(t.kind));
  }
  SkipStrings(r);  // docs
  return t;
}

// Whether type `id` encodes to no bytes: a composite or tuple whose members all do, or an
// array of length 0.
bool IsEmpty(const std::map<uint32_t, TypeInfo>& types, uint32_t id, int depth = 0) {
  auto it = types.find(id);
  if (it == types.end() || depth > 32) return false;
  const TypeInfo& t = it->second;
  if (t.kind == kTypeArray)
    return t.array_len == 0 || IsEmpty(types, t.referenced.back(), depth + 1);
  if (t.kind != kTypeComposite && t.kind != kTypeTuple) return false;
  for (uint32_t member : t.referenced) {
    if (!IsEmpty(types, member, depth + 1)) return false;
  }
  return true;
}

}  // namespace

const MetadataPallet* RuntimeMetadata::FindPallet(std::string_view name) const {
  for (const MetadataPallet& p : pallets) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

Result<std::pair<uint8_t, uint8_t>> RuntimeMetadata::CallIndex(std::string_view pallet,
                                                               std::string_view call) const {
  const MetadataPallet* p = FindPallet(pallet);
  if (p == nullptr) {
    return Status::NotFound("runtime metadata: no pallet '" + std::string(pallet) + "'");
  }
  for (const MetadataCall& c : p->calls) {
    if (c.name == call) return std::pair(p->index, c.index);
  }
  return Status::NotFound("runtime metadata: pallet " + std::string(pallet) + " has no call '" +
                          std::string(call) + "'");
}

Result<RuntimeMetadata> DecodeMetadata(std::span<const uint8_t> bytes) {
  if (bytes.size() > kMaxMetadataBytes) {
    return Status::InvalidArgument("metadata: " + std::to_string(bytes.size()) +
                                   " bytes is more than the limit");
  }
  ScaleReader r(bytes);
  RuntimeMetadata m;
  if (r.U32() != 0x6174656d) r.Fail("no \"meta\" magic");
  m.version = r.U8();
  if (r.ok() && m.version != kSupportedVersion) {
    return Status::InvalidArgument("metadata: version " + std::to_string(m.version) +
                                   " is not supported (want 14)");
  }
  // The registry: ids are 0, 1, 2, ... in order.
  std::map<uint32_t, TypeInfo> types;
  const uint64_t n_types = r.Count(kMaxItems);
  for (uint64_t i = 0; i < n_types && r.ok(); ++i) {
    const auto id = static_cast<uint32_t>(r.Compact(UINT32_MAX));
    if (r.ok() && id != i) r.Fail("type " + std::to_string(i) + " has id " + std::to_string(id));
    types[id] = ReadType(&r);
  }
  m.type_count = static_cast<uint32_t>(types.size());
  std::vector<uint32_t> used;  // Type ids the pallets and extrinsic refer to.
  std::vector<std::pair<size_t, uint32_t>> call_types;  // Pallet position -> its call type.
  const uint64_t n_pallets = r.Count(256);
  for (uint64_t i = 0; i < n_pallets && r.ok(); ++i) {
    MetadataPallet p;
    p.name = ReadString(&r);
    ReadOption(&r, [&] {  // storage
      r.Bytes(kMaxString);
      const uint64_t entries = r.Count(kMaxItems);
      for (uint64_t e = 0; e < entries && r.ok(); ++e) {
        r.Bytes(kMaxString);
        if (r.U8() > 1) r.Fail("storage modifier");
        const uint8_t kind = r.U8();
        if (kind == 0) {
          used.push_back(ReadTypeId(&r, nullptr));
        } else if (kind == 1) {
          const uint64_t hashers = r.Count(64);
          for (uint64_t h = 0; h < hashers && r.ok(); ++h) {
            if (r.U8() > kMaxHasher) r.Fail("storage hasher");
          }
          used.push_back(ReadTypeId(&r, nullptr));
          used.push_back(ReadTypeId(&r, nullptr));
        } else {
          r.Fail("storage entry type " + std::to_string(kind));
        }
        r.Bytes(kMaxMetadataBytes);  // default
        SkipStrings(&r);
      }
    });
    ReadOption(&r, [&] {
      const uint32_t ty = ReadTypeId(&r, nullptr);
      used.push_back(ty);
      call_types.emplace_back(m.pallets.size(), ty);
    });
    ReadOption(&r, [&] { used.push_back(ReadTypeId(&r, nullptr)); });  // event
    const uint64_t constants = r.Count(kMaxItems);
    for (uint64_t c = 0; c < constants && r.ok(); ++c) {
      r.Bytes(kMaxString);
      used.push_back(ReadTypeId(&r, nullptr));
      r.Bytes(kMaxMetadataBytes);
      SkipStrings(&r);
    }
    ReadOption(&r, [&] { used.push_back(ReadTypeId(&r, nullptr)); });  // error
    p.index = r.U8();
    m.pallets.push_back(std::move(p));
  }
  used.push_back(ReadTypeId(&r, nullptr));  // extrinsic type
  m.extrinsic_version = r.U8();
  const uint64_t n_ext = r.Count(256);
  for (uint64_t i = 0; i < n_ext && r.ok(); ++i) {
    SignedExtension e;
    e.identifier = ReadString(&r);
    e.type = ReadTypeId(&r, nullptr);
    e.additional_type = ReadTypeId(&r, nullptr);
    used.push_back(e.type);
    used.push_back(e.additional_type);
    m.signed_extensions.push_back(std::move(e));
  }
  used.push_back(ReadTypeId(&r, nullptr));  // runtime type
  DDC_RETURN_IF_ERROR(r.Finish("metadata"));
  // Every reference must name a type of the registry.
  for (const auto& [id, t] : types) {
    for (uint32_t ref : t.referenced) {
      if (ref >= m.type_count) {
        return Status::InvalidArgument("metadata: type " + std::to_string(id) +
                                       " refers to missing type " + std::to_string(ref));
      }
    }
  }
  for (uint32_t ref : used) {
    if (ref >= m.type_count) {
      return Status::InvalidArgument("metadata: a pallet or the extrinsic refers to missing type " +
                                     std::to_string(ref));
    }
  }
  for (const auto& [position, ty] : call_types) {
    const TypeInfo& t = types[ty];
    if (t.kind != kTypeVariant) {
      return Status::InvalidArgument("metadata: pallet " + m.pallets[position].name +
                                     "'s call type " + std::to_string(ty) + " is not a variant");
    }
    m.pallets[position].calls = t.variants;
  }
  for (SignedExtension& e : m.signed_extensions) {
    e.type_is_empty = IsEmpty(types, e.type);
    e.additional_is_empty = IsEmpty(types, e.additional_type);
  }
  return m;
}

}  // namespace ddc::chain
