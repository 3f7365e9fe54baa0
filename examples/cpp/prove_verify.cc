// prove_verify: prove that an event is in its user's timeline, sealed by the node's signed
// checkpoint, and check the proof with nothing but the node's public verifier key.
//
// A checkpoint signs the journal's size and root (one Merkle tree over every append, whose
// leaves commit to each timeline's root). An event proof bundles the event, its timeline path,
// its journal path and the checkpoint: an auditor checks it without the store and without
// trusting the node. A consistency proof then shows that a later checkpoint extends an earlier
// one, i.e. that nothing sealed was rewritten.
//
//   prove_verify DATA_DIR     (uses DATA_DIR/prove_verify.store, emptied first)
#include <cstdio>
#include <string>
#include <vector>

#include "ddc/crypto.h"
#include "ddc/scopes.h"
#include "ddc/store.h"
#include "ddc/verify.h"
#include "example.h"

using example::Expect;
using example::Ok;

int main(int argc, char** argv) {
  constexpr uint64_t kBucket = 42;
  const ddc::KeyPair alice = ddc::KeyPair::Generate();
  ddc::KeyRing keys;
  keys.AddMasterKey(kBucket, alice.public_key, ddc::GenerateMasterKey(), 1);

  ddc::Options options;
  options.dir = example::FreshStoreDir(argc, argv, "prove_verify");
  auto store = Ok(ddc::Store::Open(options), "open");
  const std::vector<ddc::Cid> cids = example::CapturePageViews(*store, keys, alice, kBucket, 3);

  // --- On the node: seal the journal and prove the second event. ---
  const ddc::CheckpointRecord sealed = Ok(store->Checkpoint(), "checkpoint");
  std::printf("checkpoint:\n%s", sealed.note.c_str());
  const ddc::EventProof proof = Ok(store->ProveEvent(cids[1]), "prove");
  // The bytes to hand to an auditor (DAG-CBOR, docs/FORMAT.md "Event proof"), and the key.
  const std::string bundle = Ok(ddc::EncodeEventProof(proof), "encode proof");
  const std::string verifier_key = store->NodeVerifierKey();

  // --- At the auditor: no store, only the bundle and the verifier key. ---
  const auto bytes = std::span(reinterpret_cast<const uint8_t*>(bundle.data()), bundle.size());
  const ddc::EventProof received = Ok(ddc::DecodeEventProof(bytes), "decode proof");
  const ddc::VerifiedEvent verified = Ok(ddc::VerifyEventProof(received, verifier_key), "verify");
  std::printf(
      "verified %s: position %llu of the user's timeline, journal leaf %llu, sealed at "
      "size %llu\n",
      verified.cid.ToString().c_str(), static_cast<unsigned long long>(verified.position),
      static_cast<unsigned long long>(verified.journal_index),
      static_cast<unsigned long long>(verified.checkpoint_size));
  Expect(verified.cid == cids[1] && verified.position == 1, "the second event, at position 1");
  Expect(verified.event.user == alice.public_key, "signed by Alice");

  // A proof that was altered does not verify: here the event's position.
  ddc::EventProof altered = received;
  altered.position = 2;
  Expect(!ddc::VerifyEventProof(altered, verifier_key).ok(), "an altered proof refused");

  // --- Later: more events, a new checkpoint, and proof that it extends the first. ---
  ddc::KeyPair bob = ddc::KeyPair::Generate();
  keys.AddMasterKey(kBucket, bob.public_key, ddc::GenerateMasterKey(), 1);
  example::CapturePageViews(*store, keys, bob, kBucket, 2);
  const ddc::CheckpointRecord later = Ok(store->Checkpoint(), "checkpoint");
  const std::vector<ddc::Hash32> consistency =
      Ok(store->JournalConsistencyProof(sealed.size, later.size), "consistency proof");
  // The auditor checks both notes' signatures, then the proof between their roots.
  const ddc::CheckpointRecord first = Ok(ddc::VerifyCheckpoint(sealed.note, verifier_key), "note");
  const ddc::CheckpointRecord second = Ok(ddc::VerifyCheckpoint(later.note, verifier_key), "note");
  Ok(ddc::VerifyConsistencyProof(first.size, second.size, first.root, second.root, consistency),
     "the later checkpoint extends the first");
  std::printf("checkpoint %llu extends checkpoint %llu (%zu hashes)\n",
              static_cast<unsigned long long>(second.size),
              static_cast<unsigned long long>(first.size), consistency.size());
  Expect(second.size == first.size + 2, "two more appends");
  Expect(
      !ddc::VerifyConsistencyProof(first.size, second.size, second.root, second.root, consistency)
           .ok(),
      "a wrong old root refused");

  // The first proof still verifies: checkpoints only ever extend the journal.
  Ok(ddc::VerifyEventProof(received, verifier_key).status(), "the old proof still verifies");
  Ok(store->Close(), "close");
  std::printf("prove_verify: ok\n");
  return 0;
}
