// Tombstones: encoding, signatures and erasure proofs. docs/FORMAT.md, "Tombstone, version 1",
// is the specification.
#include <string>

#include "ddc/erasure.h"
#include "engine/base/hex.h"
#include "engine/base/macros.h"
#include "engine/event/cbor.h"
#include "engine/event/signed_map.h"
#include "engine/timeline/merkle.h"
#include "engine/timeline/merkle_tree.h"

namespace ddc {
namespace {

constexpr std::string_view kTombstoneDomain = "ddc-erase-v1\n";
constexpr size_t kMaxTombstoneBytes = 1024;

Status Invalid(const std::string& what) { return Status::InvalidArgument("tombstone: " + what); }

Status Validate(const Tombstone& t) {
  if (t.reason.size() > kMaxTombstoneReasonBytes) {
    return Invalid("reason is " + std::to_string(t.reason.size()) + " bytes, more than " +
                   std::to_string(kMaxTombstoneReasonBytes));
  }
  if (!cbor::IsValidUtf8(t.reason)) return Invalid("reason is not valid UTF-8");
  if (t.event && t.event->codec() != Codec::kDagCbor) {
    return Invalid("event " + t.event->ToString() + " is not a dag-cbor CID");
  }
  return Status::OK();
}

// Keys in canonical order: v, by, ts, sig, user, event, bucket, reason.
std::string Encode(const Tombstone& t, bool with_signature) {
  cbor::Writer w;
  w.MapHeader((with_signature ? 6 : 5) + (t.event ? 1 : 0) + (t.reason.empty() ? 0 : 1));
  w.Text("v");
  w.Uint(kTombstoneVersion);
  w.Text("by");
  w.Bytes(t.signer);
  w.Text("ts");
  w.Uint(t.timestamp_ms);
  if (with_signature) {
    w.Text("sig");
    w.Bytes(t.signature);
  }
  w.Text("user");
  w.Bytes(t.user);
  if (t.event) {
    w.Text("event");
    w.CidLink(*t.event);
  }
  w.Text("bucket");
  w.Uint(t.bucket);
  if (!t.reason.empty()) {
    w.Text("reason");
    w.Text(t.reason);
  }
  return w.Take();
}

}  // namespace

Result<std::string> EncodeTombstone(const Tombstone& tombstone) {
  DDC_RETURN_IF_ERROR(Validate(tombstone));
  return Encode(tombstone, true);
}

Result<Tombstone> DecodeTombstone(std::span<const uint8_t> bytes) {
  Tombstone t;
  bool seen_v = false, seen_by = false, seen_ts = false, seen_sig = false, seen_user = false,
       seen_bucket = false;
  auto field = [&](std::string_view key, const cbor::Item& item) -> Status {
    if (key == "v") {
      DDC_ASSIGN_OR_RETURN(uint64_t v, signed_map::Uint(key, item));
      if (v != kTombstoneVersion) {
        return Status::InvalidArgument("version " + std::to_string(v) + " is not 1");
      }
      seen_v = true;
    } else if (key == "by") {
      DDC_RETURN_IF_ERROR(signed_map::FixedBytes(key, item, &t.signer));
      seen_by = true;
    } else if (key == "ts") {
      DDC_ASSIGN_OR_RETURN(t.timestamp_ms, signed_map::Uint(key, item));
      seen_ts = true;
    } else if (key == "sig") {
      DDC_RETURN_IF_ERROR(signed_map::FixedBytes(key, item, &t.signature));
      seen_sig = true;
    } else if (key == "user") {
      DDC_RETURN_IF_ERROR(signed_map::FixedBytes(key, item, &t.user));
      seen_user = true;
    } else if (key == "event") {
      if (item.kind != cbor::Kind::kLink) {
        return Status::InvalidArgument(std::string("event is a ") + cbor::KindName(item.kind) +
                                       ", want a CID link");
      }
      DDC_ASSIGN_OR_RETURN(Cid cid, Cid::FromBytes(item.data));
      t.event = cid;
    } else if (key == "bucket") {
      DDC_ASSIGN_OR_RETURN(t.bucket, signed_map::Uint(key, item));
      seen_bucket = true;
    } else if (key == "reason") {
      DDC_ASSIGN_OR_RETURN(std::string_view reason, signed_map::Text(key, item));
      if (reason.empty()) return Status::InvalidArgument("reason is empty (leave it out)");
      t.reason = std::string(reason);
    } else {
      return Status::InvalidArgument("unknown key \"" + std::string(key) + "\"");
    }
    return Status::OK();
  };
  DDC_RETURN_IF_ERROR(signed_map::Read(bytes, "tombstone", kMaxTombstoneBytes, field));
  const std::pair<bool, const char*> required[] = {{seen_v, "v"},       {seen_by, "by"},
                                                   {seen_ts, "ts"},     {seen_sig, "sig"},
                                                   {seen_user, "user"}, {seen_bucket, "bucket"}};
  for (const auto& [seen, name] : required) {
    if (!seen) return Invalid(std::string("missing key \"") + name + "\"");
  }
  DDC_RETURN_IF_ERROR(Validate(t));
  return t;
}

Cid TombstoneCid(std::span<const uint8_t> encoded) { return Cid::Of(Codec::kDagCbor, encoded); }

Status SignTombstone(Tombstone* tombstone, const KeyPair& signer) {
  DDC_RETURN_IF_ERROR(Validate(*tombstone));
  tombstone->signer = signer.public_key;
  tombstone->signature = signed_map::Sign(kTombstoneDomain, Encode(*tombstone, false), signer);
  return Status::OK();
}

Status VerifyTombstoneSignature(const Tombstone& tombstone) {
  DDC_RETURN_IF_ERROR(Validate(tombstone));
  if (!signed_map::Verify(kTombstoneDomain, Encode(tombstone, false), tombstone.signer,
                          tombstone.signature)) {
    return Invalid("signature does not verify for signer " + Hex(tombstone.signer));
  }
  return Status::OK();
}

Status VerifyErasureProof(const ErasureProof& proof, const std::optional<PublicKey>& bucket_owner) {
  const auto* data = reinterpret_cast<const uint8_t*>(proof.tombstone.data());
  DDC_ASSIGN_OR_RETURN(Tombstone t, DecodeTombstone(std::span(data, proof.tombstone.size())));
  DDC_RETURN_IF_ERROR(VerifyTombstoneSignature(t));
  if (t.signer != t.user && (!bucket_owner || t.signer != *bucket_owner)) {
    return Status::PermissionDenied("erasure proof: the tombstone is signed by " + Hex(t.signer) +
                                    ", neither the user nor the bucket's owner");
  }
  if (t.bucket != proof.bucket || t.user != proof.user) {
    return Status::InvalidArgument("erasure proof: the tombstone is for another timeline");
  }
  if (t.event && *t.event != proof.event) {
    return Status::InvalidArgument("erasure proof: the tombstone erases " + t.event->ToString() +
                                   ", not " + proof.event.ToString());
  }
  const auto cid = proof.event.ToBytes();
  const timeline::Hash leaf = timeline::LeafHash(cid);
  Status included = timeline::VerifyInclusion(proof.position, proof.timeline_size, leaf,
                                              proof.timeline_path, proof.timeline_root);
  if (!included.ok()) return included.WithContext("erasure proof");
  return Status::OK();
}

}  // namespace ddc
