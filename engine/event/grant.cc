// Grants: encoding, signatures, and the granter and grantee sides. docs/FORMAT.md, "Grant,
// version 1", is the specification.
#include <algorithm>
#include <string>

#include "ddc/grants.h"
#include "engine/base/hex.h"
#include "engine/base/macros.h"
#include "engine/crypto/scope_name.h"
#include "engine/event/cbor.h"
#include "engine/event/signed_map.h"

namespace ddc {
namespace {

constexpr std::string_view kGrantDomain = "ddc-grant-v1\n";
constexpr size_t kMaxGrantBytes = 1024;

Status Invalid(const std::string& what) { return Status::InvalidArgument("grant: " + what); }

Status Validate(const Grant& g) {
  if (!IsValidScopeName(g.scope)) {
    return Invalid("scope \"" + g.scope + "\" is not 1..64 bytes of [a-z0-9_.-]");
  }
  return Status::OK();
}

// Keys in canonical order: v, by, kv, ts, key, sig, user, scope, bucket, grantee.
std::string Encode(const Grant& g, bool with_signature) {
  cbor::Writer w;
  w.MapHeader((with_signature ? 9 : 8) + (g.user ? 1 : 0));
  w.Text("v");
  w.Uint(kGrantVersion);
  w.Text("by");
  w.Bytes(g.granter);
  w.Text("kv");
  w.Uint(g.key_version);
  w.Text("ts");
  w.Uint(g.created_ms);
  w.Text("key");
  w.Bytes(g.wrapped_key);
  if (with_signature) {
    w.Text("sig");
    w.Bytes(g.signature);
  }
  if (g.user) {
    w.Text("user");
    w.Bytes(*g.user);
  }
  w.Text("scope");
  w.Text(g.scope);
  w.Text("bucket");
  w.Uint(g.bucket);
  w.Text("grantee");
  w.Bytes(g.grantee);
  return w.Take();
}

}  // namespace

Result<std::string> EncodeGrant(const Grant& grant) {
  DDC_RETURN_IF_ERROR(Validate(grant));
  return Encode(grant, true);
}

Result<Grant> DecodeGrant(std::span<const uint8_t> bytes) {
  Grant g;
  bool seen_v = false, seen_by = false, seen_kv = false, seen_ts = false, seen_key = false,
       seen_sig = false, seen_scope = false, seen_bucket = false, seen_grantee = false;
  auto field = [&](std::string_view key, const cbor::Item& item) -> Status {
    if (key == "v") {
      DDC_ASSIGN_OR_RETURN(uint64_t v, signed_map::Uint(key, item));
      if (v != kGrantVersion)
        return Status::InvalidArgument("version " + std::to_string(v) + " is not 1");
      seen_v = true;
    } else if (key == "by") {
      DDC_RETURN_IF_ERROR(signed_map::FixedBytes(key, item, &g.granter));
      seen_by = true;
    } else if (key == "kv") {
      DDC_ASSIGN_OR_RETURN(uint64_t kv, signed_map::Uint(key, item));
      if (kv > UINT32_MAX) return Status::InvalidArgument("kv is above 2^32-1");
      g.key_version = static_cast<uint32_t>(kv);
      seen_kv = true;
    } else if (key == "ts") {
      DDC_ASSIGN_OR_RETURN(g.created_ms, signed_map::Uint(key, item));
      seen_ts = true;
    } else if (key == "key") {
      DDC_RETURN_IF_ERROR(signed_map::FixedBytes(key, item, &g.wrapped_key));
      seen_key = true;
    } else if (key == "sig") {
      DDC_RETURN_IF_ERROR(signed_map::FixedBytes(key, item, &g.signature));
      seen_sig = true;
    } else if (key == "user") {
      PublicKey user;
      DDC_RETURN_IF_ERROR(signed_map::FixedBytes(key, item, &user));
      g.user = user;
    } else if (key == "scope") {
      DDC_ASSIGN_OR_RETURN(std::string_view scope, signed_map::Text(key, item));
      g.scope = std::string(scope);
      seen_scope = true;
    } else if (key == "bucket") {
      DDC_ASSIGN_OR_RETURN(g.bucket, signed_map::Uint(key, item));
      seen_bucket = true;
    } else if (key == "grantee") {
      DDC_RETURN_IF_ERROR(signed_map::FixedBytes(key, item, &g.grantee));
      seen_grantee = true;
    } else {
      return Status::InvalidArgument("unknown key \"" + std::string(key) + "\"");
    }
    return Status::OK();
  };
  DDC_RETURN_IF_ERROR(signed_map::Read(bytes, "grant", kMaxGrantBytes, field));
  const std::pair<bool, const char*> required[] = {
      {seen_v, "v"},         {seen_by, "by"},         {seen_kv, "kv"},
      {seen_ts, "ts"},       {seen_key, "key"},       {seen_sig, "sig"},
      {seen_scope, "scope"}, {seen_bucket, "bucket"}, {seen_grantee, "grantee"}};
  for (const auto& [seen, name] : required) {
    if (!seen) return Invalid(std::string("missing key \"") + name + "\"");
  }
  DDC_RETURN_IF_ERROR(Validate(g));
  return g;
}

Cid GrantCid(std::span<const uint8_t> encoded) { return Cid::Of(Codec::kDagCbor, encoded); }

Status SignGrant(Grant* grant, const KeyPair& granter) {
  DDC_RETURN_IF_ERROR(Validate(*grant));
  grant->granter = granter.public_key;
  grant->signature = signed_map::Sign(kGrantDomain, Encode(*grant, false), granter);
  return Status::OK();
}

Status VerifyGrantSignature(const Grant& grant) {
  DDC_RETURN_IF_ERROR(Validate(grant));
  if (!signed_map::Verify(kGrantDomain, Encode(grant, false), grant.granter, grant.signature)) {
    return Status::InvalidArgument("grant: signature does not verify for granter " +
                                   Hex(grant.granter));
  }
  return Status::OK();
}

Result<Grant> MakeGrant(const MasterKey& master, uint64_t bucket,
                        const std::optional<PublicKey>& user, std::string_view scope,
                        uint32_t key_version, const BoxPublicKey& grantee, const KeyPair& granter,
                        uint64_t created_ms) {
  DDC_ASSIGN_OR_RETURN(ScopeKey key, DeriveScopeKey(master, scope, key_version));
  Grant g;
  g.bucket = bucket;
  g.user = user;
  g.scope = std::string(scope);
  g.key_version = key_version;
  g.grantee = grantee;
  g.wrapped_key = WrapKey(key, grantee);
  Wipe(key);
  g.created_ms = created_ms;
  DDC_RETURN_IF_ERROR(SignGrant(&g, granter));
  return g;
}

Result<ScopeKey> OpenGrant(const Grant& grant, const BoxKeyPair& grantee) {
  if (grant.grantee != grantee.public_key) {
    return Status::PermissionDenied("grant: made for X25519 key " + Hex(grant.grantee) + ", not " +
                                    Hex(grantee.public_key));
  }
  Result<ScopeKey> key = UnwrapKey(grant.wrapped_key, grantee);
  if (!key.ok()) return key.status().WithContext("grant");
  return key;
}

}  // namespace ddc
