// erase_user: erase a user on request, and show what remains provable.
//
// A tombstone, signed by the user (or the bucket's owner), erases one event or the user's whole
// timeline in a bucket. Erased events are no longer served, the user's grants stop being
// served, and their payloads go at compaction; their CIDs stay in the Merkle trees, so proofs
// and exports keep checking. An erasure proof shows an auditor the signed request and the
// event's place in the timeline.
//
//   erase_user DATA_DIR     (uses DATA_DIR/erase_user.store, emptied first)
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "ddc/car.h"
#include "ddc/crypto.h"
#include "ddc/erasure.h"
#include "ddc/grants.h"
#include "ddc/scopes.h"
#include "ddc/store.h"
#include "example.h"

using example::Expect;
using example::Ok;

int main(int argc, char** argv) {
  constexpr uint64_t kBucket = 42;
  const ddc::KeyPair alice = ddc::KeyPair::Generate();
  const ddc::MasterKey master = ddc::GenerateMasterKey();
  ddc::KeyRing keys;
  keys.AddMasterKey(kBucket, alice.public_key, master, 1);

  ddc::Options options;
  options.dir = example::FreshStoreDir(argc, argv, "erase_user");
  auto store = Ok(ddc::Store::Open(options), "open");
  const std::vector<ddc::Cid> cids = example::CapturePageViews(*store, keys, alice, kBucket, 3);
  // A partner holds a grant of her profile scope (see share_scope.cc).
  const ddc::BoxKeyPair partner = ddc::BoxKeyPair::Generate();
  const ddc::Grant grant = Ok(
      ddc::MakeGrant(master, kBucket, alice.public_key, "profile", 1, partner.public_key, alice, 1),
      "grant");
  Ok(store->PutGrant(Ok(ddc::EncodeGrant(grant), "encode")), "put grant");

  // Alice asks to be forgotten: a tombstone for her whole timeline in the bucket (no event
  // named), signed with her key.
  ddc::Tombstone request;
  request.bucket = kBucket;
  request.user = alice.public_key;
  request.timestamp_ms = 1763800200000;
  request.reason = "user request";
  Ok(ddc::SignTombstone(&request, alice), "sign");
  const ddc::EraseResult erased =
      Ok(store->Erase(Ok(ddc::EncodeTombstone(request), "encode")), "erase");
  std::printf("erased %llu events, %llu grants destroyed\n",
              static_cast<unsigned long long>(erased.events_erased),
              static_cast<unsigned long long>(erased.grants_destroyed));
  Expect(erased.events_erased == 3 && erased.grants_destroyed == 1, "3 events and the grant");

  // Nothing of hers is served any more.
  Expect(store->GetEvent(cids[0]).status().IsErased(), "the event answers Erased");
  Expect(store->Get(cids[2]).status().IsErased(), "its bytes answer Erased");
  Expect(store->GrantsForGrantee(partner.public_key).empty(), "no grant served");

  // An auditor checks that the event was erased on a signed request, without the store.
  const ddc::ErasureProof proof = Ok(store->ProveErasure(cids[1]), "prove erasure");
  Ok(ddc::VerifyErasureProof(proof), "verify erasure");
  std::printf("erasure of %s at position %llu verified\n", proof.event.ToString().c_str(),
              static_cast<unsigned long long>(proof.position));
  Expect(proof.position == 1, "the second event");

  // The timeline keeps its shape: a CAR export still lists every CID (its root checks), but
  // carries no erased event's block.
  std::string car;
  const ddc::CarExportStats exported = Ok(ddc::ExportTimelineCar(*store, kBucket, alice.public_key,
                                                                 [&](std::string_view bytes) {
                                                                   car.append(bytes);
                                                                   return ddc::Status::OK();
                                                                 }),
                                          "export");
  std::printf("CAR export: %llu events listed, %llu erased, %zu bytes\n",
              static_cast<unsigned long long>(exported.events),
              static_cast<unsigned long long>(exported.erased), car.size());
  Expect(exported.events == 3 && exported.erased == 3 && exported.blocks == 1,
         "3 CIDs listed, no event block");
  Ok(store->Close(), "close");
  std::printf("erase_user: ok\n");
  return 0;
}
