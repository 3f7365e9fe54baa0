// The C interface (include/ddc/ddc.h): the signed records a store keeps beside events. Grants
// (sharing a scope key), tombstones and erasure proofs (erasure on request), and names.
#include <cstring>
#include <string>
#include <vector>

#include "bindings/c/ddc_c_internal.h"
#include "ddc/erasure.h"
#include "ddc/grants.h"
#include "ddc/names.h"

namespace ddc::c_api {
namespace {

static_assert(DDC_MAX_NAME_SIZE == kMaxNameBytes + 1);

void CopyName(const Cid& cid, const NameRecord& record, ddc_name_record* out) {
  *out = ddc_name_record{};
  CopyCid(cid, out->cid);
  out->bucket = record.bucket;
  std::memcpy(out->name, record.name.data(), record.name.size());  // Length checked on decode.
  CopyCid(record.target, out->target);
  out->sequence = record.sequence;
  out->ttl_seconds = record.ttl_seconds;
  out->created_ms = record.created_ms;
  std::memcpy(out->signer, record.signer.data(), DDC_KEY_SIZE);
}

// Fills *out from a proof; the two buffers are new and the caller's.
Status CopyErasureProof(const ErasureProof& proof, ddc_erasure_proof* out) {
  CopyCid(proof.event, out->event);
  out->bucket = proof.bucket;
  std::memcpy(out->user, proof.user.data(), DDC_KEY_SIZE);
  out->position = proof.position;
  out->timeline_size = proof.timeline_size;
  std::memcpy(out->timeline_root, proof.timeline_root.data(), DDC_HASH_SIZE);
  DDC_RETURN_IF_ERROR(Fill(proof.tombstone, &out->tombstone));
  try {
    return FillHashes(proof.timeline_path, &out->timeline_path);
  } catch (...) {
    ddc_buf_free(&out->tombstone);
    throw;
  }
}

Result<ErasureProof> ToErasureProof(const ddc_erasure_proof& in) {
  ErasureProof proof;
  DDC_ASSIGN_OR_RETURN(proof.event, ParseNamedCid(in.event, "proof->event"));
  proof.bucket = in.bucket;
  proof.user = Key(in.user);
  proof.position = in.position;
  proof.tombstone = std::string(Text(reinterpret_cast<const char*>(in.tombstone.data),
                                     in.tombstone.data == nullptr ? 0 : in.tombstone.len));
  proof.timeline_size = in.timeline_size;
  proof.timeline_root = ToHash(in.timeline_root);
  const size_t path_len = in.timeline_path.data == nullptr ? 0 : in.timeline_path.len;
  if (path_len % DDC_HASH_SIZE != 0 || path_len / DDC_HASH_SIZE > kMaxProofHashes) {
    return Status::InvalidArgument("proof->timeline_path of " + std::to_string(path_len) +
                                   " bytes is not 0.." + std::to_string(kMaxProofHashes) +
                                   " 32-byte hashes");
  }
  for (size_t i = 0; i < path_len; i += DDC_HASH_SIZE) {
    proof.timeline_path.push_back(ToHash(in.timeline_path.data + i));
  }
  return proof;
}

}  // namespace
}  // namespace ddc::c_api

// The exported functions below live at global scope, as C sees them.
using namespace ddc::c_api;

extern "C" {

// ---- Grants ----

int ddc_grant_make(const uint8_t master[DDC_KEY_SIZE], uint64_t bucket,
                   const uint8_t user[DDC_KEY_SIZE], const char* scope, size_t scope_len,
                   uint32_t key_version, const uint8_t grantee[DDC_KEY_SIZE],
                   const uint8_t granter_seed[DDC_KEY_SIZE], uint64_t created_ms,
                   ddc_buf* grant_out, ddc_error** err) {
  Reset(grant_out);
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"master", master},
                                     {"grantee", grantee},
                                     {"granter_seed", granter_seed},
                                     {"grant_out", grant_out}}));
    ddc::MasterKey key;
    std::memcpy(key.data(), master, key.size());
    ddc::KeyPair granter = SigningKey(granter_seed);
    auto grant = ddc::MakeGrant(key, bucket, OptionalKey(user), Text(scope, scope_len), key_version,
                                Key(grantee), granter, created_ms);
    ddc::Wipe(key);
    ddc::Wipe(granter.secret_key);
    if (!grant.ok()) return grant.status();
    return FillResult(ddc::EncodeGrant(*grant), grant_out);
  });
}

int ddc_put_grant(ddc_store* store, const uint8_t* grant, size_t len, char cid_out[DDC_CID_SIZE],
                  ddc_error** err) {
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_ASSIGN_OR_RETURN(const ddc::Cid cid, s.PutGrant(Bytes(grant, len)));
    if (cid_out != nullptr) CopyCid(cid, cid_out);
    return ddc::Status::OK();
  });
}

int ddc_grants_for_grantee(ddc_store* store, const uint8_t grantee[DDC_KEY_SIZE], ddc_list** list,
                           ddc_error** err) {
  Reset(list);
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"grantee", grantee}, {"list", list}}));
    return FillList(s.GrantsForGrantee(Key(grantee)), list);
  });
}

// ---- Erasure ----

int ddc_tombstone_make(uint64_t bucket, const uint8_t user[DDC_KEY_SIZE], const char* event_cid,
                       const uint8_t signer_seed[DDC_KEY_SIZE], uint64_t timestamp_ms,
                       const char* reason, size_t reason_len, ddc_buf* tombstone_out,
                       ddc_error** err) {
  Reset(tombstone_out);
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs(
        {{"user", user}, {"signer_seed", signer_seed}, {"tombstone_out", tombstone_out}}));
    ddc::Tombstone tombstone;
    tombstone.bucket = bucket;
    tombstone.user = Key(user);
    if (event_cid != nullptr) {
      DDC_ASSIGN_OR_RETURN(tombstone.event, ParseNamedCid(event_cid, "event_cid"));
    }
    tombstone.timestamp_ms = timestamp_ms;
    tombstone.reason = std::string(Text(reason, reason_len));
    ddc::KeyPair signer = SigningKey(signer_seed);
    ddc::Status signed_status = ddc::SignTombstone(&tombstone, signer);
    ddc::Wipe(signer.secret_key);
    DDC_RETURN_IF_ERROR(signed_status);
    return FillResult(ddc::EncodeTombstone(tombstone), tombstone_out);
  });
}

int ddc_erase(ddc_store* store, const uint8_t* tombstone, size_t len, ddc_erase_result* out,
              ddc_error** err) {
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_ASSIGN_OR_RETURN(const ddc::EraseResult result, s.Erase(Bytes(tombstone, len)));
    if (out == nullptr) return ddc::Status::OK();
    CopyCid(result.tombstone, out->tombstone);
    out->events_erased = result.events_erased;
    out->grants_destroyed = result.grants_destroyed;
    out->keys_shredded = result.keys_shredded;
    out->existed = result.existed ? 1 : 0;
    return ddc::Status::OK();
  });
}

int ddc_tombstones(ddc_store* store, uint64_t bucket, const uint8_t user[DDC_KEY_SIZE],
                   ddc_list** list, ddc_error** err) {
  Reset(list);
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"user", user}, {"list", list}}));
    return FillList(s.Tombstones(bucket, Key(user)), list);
  });
}

int ddc_prove_erasure(ddc_store* store, const char* event_cid, ddc_erasure_proof* out,
                      ddc_error** err) {
  if (out != nullptr) *out = ddc_erasure_proof{};
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"out", out}}));
    DDC_ASSIGN_OR_RETURN(const ddc::Cid parsed, ParseNamedCid(event_cid, "event_cid"));
    DDC_ASSIGN_OR_RETURN(const ddc::ErasureProof proof, s.ProveErasure(parsed));
    return CopyErasureProof(proof, out);
  });
}

void ddc_erasure_proof_free(ddc_erasure_proof* proof) {
  if (proof == nullptr) return;
  ddc_buf_free(&proof->tombstone);
  ddc_buf_free(&proof->timeline_path);
}

int ddc_verify_erasure_proof(const ddc_erasure_proof* proof,
                             const uint8_t bucket_owner[DDC_KEY_SIZE], ddc_error** err) {
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"proof", proof}}));
    DDC_ASSIGN_OR_RETURN(const ddc::ErasureProof converted, ToErasureProof(*proof));
    return ddc::VerifyErasureProof(converted, OptionalKey(bucket_owner));
  });
}

// ---- Names ----

int ddc_name_make(uint64_t bucket, const char* name, size_t name_len, const char* target_cid,
                  uint64_t sequence, uint32_t ttl_seconds, uint64_t created_ms,
                  const uint8_t owner_seed[DDC_KEY_SIZE], ddc_buf* record_out, ddc_error** err) {
  Reset(record_out);
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"owner_seed", owner_seed}, {"record_out", record_out}}));
    DDC_ASSIGN_OR_RETURN(const ddc::Cid target, ParseNamedCid(target_cid, "target_cid"));
    ddc::KeyPair owner = SigningKey(owner_seed);
    auto record = ddc::MakeName(bucket, Text(name, name_len), target, sequence, ttl_seconds,
                                created_ms, owner);
    ddc::Wipe(owner.secret_key);
    if (!record.ok()) return record.status();
    return FillResult(ddc::EncodeName(*record), record_out);
  });
}

int ddc_name_decode(const uint8_t* record, size_t len, ddc_name_record* out, ddc_error** err) {
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"out", out}}));
    const auto bytes = Bytes(record, len);
    DDC_ASSIGN_OR_RETURN(const ddc::NameRecord decoded, ddc::DecodeName(bytes));
    CopyName(ddc::NameRecordCid(bytes), decoded, out);
    return ddc::Status::OK();
  });
}

int ddc_put_name(ddc_store* store, const uint8_t* record, size_t len, char cid_out[DDC_CID_SIZE],
                 int* existed, ddc_error** err) {
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_ASSIGN_OR_RETURN(const ddc::PutNameResult result, s.PutName(Bytes(record, len)));
    if (cid_out != nullptr) CopyCid(result.cid, cid_out);
    if (existed != nullptr) *existed = result.existed ? 1 : 0;
    return ddc::Status::OK();
  });
}

int ddc_get_name(ddc_store* store, uint64_t bucket, const char* name, size_t name_len,
                 ddc_name_record* out, ddc_buf* record_out, ddc_error** err) {
  Reset(record_out);
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_ASSIGN_OR_RETURN(const ddc::StoredName stored, s.GetName(bucket, Text(name, name_len)));
    if (out != nullptr) CopyName(stored.cid, stored.record, out);
    return record_out == nullptr ? ddc::Status::OK() : Fill(stored.bytes, record_out);
  });
}

int ddc_names(ddc_store* store, uint64_t bucket, ddc_list** list, ddc_error** err) {
  Reset(list);
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"list", list}}));
    return FillList(s.Names(bucket), list);
  });
}

}  // extern "C"
