// The C interface (include/ddc/ddc.h): checkpoints, roots, inclusion and consistency proofs,
// and their store-free verification.
#include <cstring>
#include <string>
#include <vector>

#include "bindings/c/ddc_c_internal.h"
#include "ddc/verify.h"

namespace ddc::c_api {
namespace {

static_assert(DDC_MAX_PROOF_HASHES == kMaxProofHashes);

void CopyHash(const Hash32& hash, uint8_t* out) { std::memcpy(out, hash.data(), hash.size()); }

// A proof given as proof_len bytes of concatenated 32-byte hashes.
Result<std::vector<Hash32>> ParseHashes(const uint8_t* proof, size_t proof_len) {
  if (proof == nullptr && proof_len != 0) return Status::InvalidArgument("proof is NULL");
  if (proof_len % DDC_HASH_SIZE != 0) {
    return Status::InvalidArgument("proof of " + std::to_string(proof_len) +
                                   " bytes is not a whole number of 32-byte hashes");
  }
  if (proof_len / DDC_HASH_SIZE > kMaxProofHashes) {
    return Status::InvalidArgument("proof of " + std::to_string(proof_len / DDC_HASH_SIZE) +
                                   " hashes exceeds DDC_MAX_PROOF_HASHES (" +
                                   std::to_string(kMaxProofHashes) + ")");
  }
  std::vector<Hash32> hashes(proof_len / DDC_HASH_SIZE);
  for (size_t i = 0; i < hashes.size(); ++i) hashes[i] = ToHash(proof + i * DDC_HASH_SIZE);
  return hashes;
}

}  // namespace
}  // namespace ddc::c_api

// The exported functions below live at global scope, as C sees them.
using namespace ddc::c_api;

extern "C" {

// ---- Checkpoints and event proofs ----

int ddc_checkpoint(ddc_store* store, ddc_buf* note_out, ddc_error** err) {
  Reset(note_out);
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_ASSIGN_OR_RETURN(const ddc::CheckpointRecord checkpoint, s.Checkpoint());
    return note_out == nullptr ? ddc::Status::OK() : Fill(checkpoint.note, note_out);
  });
}

int ddc_node_verifier_key(ddc_store* store, ddc_buf* out, ddc_error** err) {
  Reset(out);
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"out", out}}));
    return Fill(s.NodeVerifierKey(), out);
  });
}

int ddc_prove_event(ddc_store* store, const char* cid, ddc_buf* proof_out, ddc_error** err) {
  Reset(proof_out);
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"proof_out", proof_out}}));
    DDC_ASSIGN_OR_RETURN(const ddc::Cid parsed, ParseCid(cid));
    DDC_ASSIGN_OR_RETURN(const ddc::EventProof proof, s.ProveEvent(parsed));
    return FillResult(ddc::EncodeEventProof(proof), proof_out);
  });
}

int ddc_verify_event_proof(const uint8_t* proof, size_t proof_len, const char* verifier_key,
                           size_t verifier_key_len, ddc_verified_event* out, ddc_error** err) {
  return Boundary(err, [&]() -> ddc::Status {
    DDC_ASSIGN_OR_RETURN(const ddc::EventProof decoded,
                         ddc::DecodeEventProof(Bytes(proof, proof_len)));
    DDC_ASSIGN_OR_RETURN(const ddc::VerifiedEvent verified,
                         ddc::VerifyEventProof(decoded, Text(verifier_key, verifier_key_len)));
    if (out == nullptr) return ddc::Status::OK();
    CopyCid(verified.cid, out->cid);
    out->bucket = verified.event.bucket;
    std::memcpy(out->user, verified.event.user.data(), DDC_KEY_SIZE);
    out->position = verified.position;
    CopyHash(verified.timeline_root, out->timeline_root);
    out->journal_index = verified.journal_index;
    out->checkpoint_size = verified.checkpoint_size;
    CopyHash(verified.checkpoint_root, out->checkpoint_root);
    out->checkpoint_time_ms = verified.checkpoint_time_ms;
    return ddc::Status::OK();
  });
}

int ddc_verify_checkpoint(const char* note, size_t note_len, const char* verifier_key,
                          size_t verifier_key_len, uint64_t* size_out, uint64_t* time_ms_out,
                          ddc_error** err) {
  return Boundary(err, [&]() -> ddc::Status {
    DDC_ASSIGN_OR_RETURN(
        const ddc::CheckpointRecord checkpoint,
        ddc::VerifyCheckpoint(Text(note, note_len), Text(verifier_key, verifier_key_len)));
    if (size_out != nullptr) *size_out = checkpoint.size;
    if (time_ms_out != nullptr) *time_ms_out = checkpoint.time_ms;
    return ddc::Status::OK();
  });
}

// ---- Roots and consistency proofs ----

int ddc_timeline_root(ddc_store* store, uint64_t bucket, const uint8_t user[DDC_KEY_SIZE],
                      uint64_t size, uint8_t root_out[DDC_HASH_SIZE], ddc_error** err) {
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"user", user}, {"root_out", root_out}}));
    DDC_ASSIGN_OR_RETURN(const ddc::Hash32 root, s.TimelineRoot(bucket, Key(user), size));
    CopyHash(root, root_out);
    return ddc::Status::OK();
  });
}

int ddc_journal(ddc_store* store, uint64_t* size_out, uint8_t root_out[DDC_HASH_SIZE],
                ddc_error** err) {
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    const ddc::JournalInfo journal = s.Journal();
    if (size_out != nullptr) *size_out = journal.size;
    if (root_out != nullptr) CopyHash(journal.root, root_out);
    return ddc::Status::OK();
  });
}

int ddc_journal_root(ddc_store* store, uint64_t size, uint8_t root_out[DDC_HASH_SIZE],
                     ddc_error** err) {
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"root_out", root_out}}));
    DDC_ASSIGN_OR_RETURN(const ddc::Hash32 root, s.JournalRoot(size));
    CopyHash(root, root_out);
    return ddc::Status::OK();
  });
}

int ddc_timeline_consistency_proof(ddc_store* store, uint64_t bucket,
                                   const uint8_t user[DDC_KEY_SIZE], uint64_t old_size,
                                   uint64_t new_size, ddc_buf* proof_out, ddc_error** err) {
  Reset(proof_out);
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"user", user}, {"proof_out", proof_out}}));
    DDC_ASSIGN_OR_RETURN(const std::vector<ddc::Hash32> proof,
                         s.TimelineConsistencyProof(bucket, Key(user), old_size, new_size));
    return FillHashes(proof, proof_out);
  });
}

int ddc_journal_consistency_proof(ddc_store* store, uint64_t old_size, uint64_t new_size,
                                  ddc_buf* proof_out, ddc_error** err) {
  Reset(proof_out);
  return WithStore(store, err, [&](ddc::Store& s) -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"proof_out", proof_out}}));
    DDC_ASSIGN_OR_RETURN(const std::vector<ddc::Hash32> proof,
                         s.JournalConsistencyProof(old_size, new_size));
    return FillHashes(proof, proof_out);
  });
}

int ddc_verify_consistency_proof(uint64_t old_size, uint64_t new_size,
                                 const uint8_t old_root[DDC_HASH_SIZE],
                                 const uint8_t new_root[DDC_HASH_SIZE], const uint8_t* proof,
                                 size_t proof_len, ddc_error** err) {
  return Boundary(err, [&]() -> ddc::Status {
    DDC_RETURN_IF_ERROR(RequireArgs({{"old_root", old_root}, {"new_root", new_root}}));
    DDC_ASSIGN_OR_RETURN(const std::vector<ddc::Hash32> hashes, ParseHashes(proof, proof_len));
    return ddc::VerifyConsistencyProof(old_size, new_size, ToHash(old_root), ToHash(new_root),
                                       hashes);
  });
}

}  // extern "C"
