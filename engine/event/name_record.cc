// Name records: the name rules, encoding and signatures. docs/FORMAT.md, "Name record, version
// 1", is the specification.
#include <cstdio>
#include <string>

#include "ddc/names.h"
#include "engine/base/hex.h"
#include "engine/base/macros.h"
#include "engine/event/cbor.h"
#include "engine/event/signed_map.h"

namespace ddc {
namespace {

constexpr std::string_view kNameDomain = "ddc-name-v1\n";
constexpr std::string_view kPrefix = "name record";

Status Invalid(const std::string& what) {
  return Status::InvalidArgument(std::string(kPrefix) + ": " + what);
}

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsSeparator(char c) { return c == '.' || c == '/'; }
bool IsNameByte(char c) { return IsAlnum(c) || c == '-' || c == '_' || IsSeparator(c); }

// "'x' (0x78)" for a printable byte, "0x0a" for any other.
std::string DescribeByte(char c) {
  const auto b = static_cast<unsigned char>(c);
  char buf[16];
  if (b >= 0x20 && b < 0x7f) {
    std::snprintf(buf, sizeof(buf), "'%c' (0x%02x)", c, b);
  } else {
    std::snprintf(buf, sizeof(buf), "0x%02x", b);
  }
  return buf;
}

// The name as it may be quoted in a message: only when every byte is printable ASCII.
std::string Quoted(std::string_view name) {
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      return "of " + std::to_string(name.size()) + " bytes";
    }
  }
  return "\"" + std::string(name) + "\"";
}

// Keys in canonical order: v, by, ts, cid, seq, sig, ttl, name, bucket.
std::string Encode(const NameRecord& r, bool with_signature) {
  cbor::Writer w;
  w.MapHeader(with_signature ? 9 : 8);
  w.Text("v");
  w.Uint(kNameRecordVersion);
  w.Text("by");
  w.Bytes(r.signer);
  w.Text("ts");
  w.Uint(r.created_ms);
  w.Text("cid");
  w.CidLink(r.target);
  w.Text("seq");
  w.Uint(r.sequence);
  if (with_signature) {
    w.Text("sig");
    w.Bytes(r.signature);
  }
  w.Text("ttl");
  w.Uint(r.ttl_seconds);
  w.Text("name");
  w.Text(r.name);
  w.Text("bucket");
  w.Uint(r.bucket);
  return w.Take();
}

// The name rules of names.h; errors without the record prefix.
Status CheckName(std::string_view name) {
  if (name.empty()) {
    return Status::InvalidArgument("name is empty (want 1.." + std::to_string(kMaxNameBytes) +
                                   " bytes)");
  }
  if (name.size() > kMaxNameBytes) {
    return Status::InvalidArgument("name is " + std::to_string(name.size()) + " bytes, more than " +
                                   std::to_string(kMaxNameBytes));
  }
  const std::string quoted = Quoted(name);
  for (size_t i = 0; i < name.size(); ++i) {
    if (!IsNameByte(name[i])) {
      return Status::InvalidArgument("name " + quoted + ": byte " + std::to_string(i) + " is " +
                                     DescribeByte(name[i]) + ", not one of a-z 0-9 - _ . /");
    }
    if (i > 0 && IsSeparator(name[i]) && IsSeparator(name[i - 1])) {
      return Status::InvalidArgument("name " + quoted + ": empty label at byte " +
                                     std::to_string(i) + " ('" + name[i] + "' right after '" +
                                     name[i - 1] + "')");
    }
  }
  if (!IsAlnum(name.front())) {
    return Status::InvalidArgument("name " + quoted + " starts with " + DescribeByte(name.front()) +
                                   ", not a letter or digit");
  }
  if (!IsAlnum(name.back())) {
    return Status::InvalidArgument("name " + quoted + " ends with " + DescribeByte(name.back()) +
                                   ", not a letter or digit");
  }
  return Status::OK();
}

Status Validate(const NameRecord& r) {
  DDC_RETURN_IF_ERROR(CheckName(r.name).WithContext(kPrefix));
  if (r.ttl_seconds < kMinNameTtlSeconds || r.ttl_seconds > kMaxNameTtlSeconds) {
    return Invalid("ttl " + std::to_string(r.ttl_seconds) + " s is outside " +
                   std::to_string(kMinNameTtlSeconds) + ".." + std::to_string(kMaxNameTtlSeconds) +
                   " s");
  }
  return Status::OK();
}

}  // namespace

Status ValidateName(std::string_view name) { return CheckName(name).WithContext(kPrefix); }

Result<std::string> EncodeName(const NameRecord& record) {
  DDC_RETURN_IF_ERROR(Validate(record));
  return Encode(record, true);
}

Result<NameRecord> DecodeName(std::span<const uint8_t> bytes) {
  NameRecord r;
  bool seen_v = false, seen_by = false, seen_ts = false, seen_cid = false, seen_seq = false,
       seen_sig = false, seen_ttl = false, seen_name = false, seen_bucket = false;
  auto field = [&](std::string_view key, const cbor::Item& item) -> Status {
    if (key == "v") {
      DDC_ASSIGN_OR_RETURN(uint64_t v, signed_map::Uint(key, item));
      if (v != kNameRecordVersion) {
        return Status::InvalidArgument("version " + std::to_string(v) + " is not 1");
      }
      seen_v = true;
    } else if (key == "by") {
      DDC_RETURN_IF_ERROR(signed_map::FixedBytes(key, item, &r.signer));
      seen_by = true;
    } else if (key == "ts") {
      DDC_ASSIGN_OR_RETURN(r.created_ms, signed_map::Uint(key, item));
      seen_ts = true;
    } else if (key == "cid") {
      if (item.kind != cbor::Kind::kLink) {
        return Status::InvalidArgument(std::string("cid is a ") + cbor::KindName(item.kind) +
                                       ", want a CID link");
      }
      Result<Cid> cid = Cid::FromBytes(item.data);
      if (!cid.ok()) return Status::InvalidArgument("cid: " + cid.status().message());
      r.target = *cid;
      seen_cid = true;
    } else if (key == "seq") {
      DDC_ASSIGN_OR_RETURN(r.sequence, signed_map::Uint(key, item));
      seen_seq = true;
    } else if (key == "sig") {
      DDC_RETURN_IF_ERROR(signed_map::FixedBytes(key, item, &r.signature));
      seen_sig = true;
    } else if (key == "ttl") {
      DDC_ASSIGN_OR_RETURN(uint64_t ttl, signed_map::Uint(key, item));
      if (ttl < kMinNameTtlSeconds || ttl > kMaxNameTtlSeconds) {
        return Status::InvalidArgument("ttl " + std::to_string(ttl) + " s is outside " +
                                       std::to_string(kMinNameTtlSeconds) + ".." +
                                       std::to_string(kMaxNameTtlSeconds) + " s");
      }
      r.ttl_seconds = static_cast<uint32_t>(ttl);
      seen_ttl = true;
    } else if (key == "name") {
      DDC_ASSIGN_OR_RETURN(std::string_view name, signed_map::Text(key, item));
      DDC_RETURN_IF_ERROR(CheckName(name));
      r.name = std::string(name);
      seen_name = true;
    } else if (key == "bucket") {
      DDC_ASSIGN_OR_RETURN(r.bucket, signed_map::Uint(key, item));
      seen_bucket = true;
    } else {
      return Status::InvalidArgument("unknown key \"" + std::string(key) + "\"");
    }
    return Status::OK();
  };
  DDC_RETURN_IF_ERROR(signed_map::Read(bytes, kPrefix, kMaxNameRecordBytes, field));
  const std::pair<bool, const char*> required[] = {
      {seen_v, "v"},     {seen_by, "by"},     {seen_ts, "ts"},
      {seen_cid, "cid"}, {seen_seq, "seq"},   {seen_sig, "sig"},
      {seen_ttl, "ttl"}, {seen_name, "name"}, {seen_bucket, "bucket"}};
  for (const auto& [seen, key] : required) {
    if (!seen) return Invalid(std::string("missing key \"") + key + "\"");
  }
  DDC_RETURN_IF_ERROR(Validate(r));
  return r;
}

Cid NameRecordCid(std::span<const uint8_t> encoded) { return Cid::Of(Codec::kDagCbor, encoded); }

Status SignName(NameRecord* record, const KeyPair& owner) {
  DDC_RETURN_IF_ERROR(Validate(*record));
  record->signer = owner.public_key;
  record->signature = signed_map::Sign(kNameDomain, Encode(*record, false), owner);
  return Status::OK();
}

Status VerifyName(const NameRecord& record) {
  DDC_RETURN_IF_ERROR(Validate(record));
  if (!signed_map::Verify(kNameDomain, Encode(record, false), record.signer, record.signature)) {
    return Invalid("signature does not verify for signer " + Hex(record.signer));
  }
  return Status::OK();
}

Result<NameRecord> MakeName(uint64_t bucket, std::string_view name, const Cid& target,
                            uint64_t sequence, uint32_t ttl_seconds, uint64_t created_ms,
                            const KeyPair& owner) {
  NameRecord r;
  r.bucket = bucket;
  r.name = std::string(name);
  r.target = target;
  r.sequence = sequence;
  r.ttl_seconds = ttl_seconds;
  r.created_ms = created_ms;
  DDC_RETURN_IF_ERROR(SignName(&r, owner));
  return r;
}

}  // namespace ddc
