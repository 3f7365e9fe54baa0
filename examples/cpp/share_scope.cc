// share_scope: share one scope of a user's events with a partner, and nothing else.
//
// A grant wraps one scope key (scope, key version) for the partner's X25519 public key and is
// signed by the user (or the bucket's owner). The store keeps grants and serves them to the
// grantee; only the partner's secret key unwraps them.
//
//   share_scope DATA_DIR     (uses DATA_DIR/share_scope.store, emptied first)
#include <cstdio>
#include <string>
#include <vector>

#include "ddc/crypto.h"
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
  ddc::KeyRing alice_keys;
  alice_keys.AddMasterKey(kBucket, alice.public_key, master, 1);

  ddc::Options options;
  options.dir = example::FreshStoreDir(argc, argv, "share_scope");
  auto store = Ok(ddc::Store::Open(options), "open");
  const std::vector<ddc::Cid> cids =
      example::CapturePageViews(*store, alice_keys, alice, kBucket, 2);

  // The partner publishes an X25519 public key; its secret half never leaves the partner.
  const ddc::BoxKeyPair partner = ddc::BoxKeyPair::Generate();

  // Alice grants the partner her "profile" scope (key version 1) and the store keeps the grant.
  const ddc::Grant grant =
      Ok(ddc::MakeGrant(master, kBucket, alice.public_key, "profile", /*key_version=*/1,
                        partner.public_key, alice, /*created_ms=*/1763800100000),
         "make grant");
  const ddc::Cid grant_cid = Ok(store->PutGrant(Ok(ddc::EncodeGrant(grant), "encode")), "put");
  std::printf("grant %s\n", grant_cid.ToString().c_str());

  // The partner fetches its grants, unwraps each scope key with its secret key and holds it.
  ddc::KeyRing partner_keys;
  const std::vector<ddc::GrantRecord> grants = store->GrantsForGrantee(partner.public_key);
  Expect(grants.size() == 1 && grants[0].cid == grant_cid, "one grant for the partner");
  for (const ddc::GrantRecord& record : grants) {
    ddc::ScopeKey key = Ok(ddc::OpenGrant(record.grant, partner), "open grant");
    Ok(partner_keys.AddScopeKey(record.grant.bucket, record.grant.user, record.grant.scope,
                                record.grant.key_version, key),
       "add key");
    ddc::Wipe(key);
  }

  // The partner opens Alice's events: the profile (her email) and the public meta, but not the
  // page ("core") nor the location ("geo").
  for (const ddc::Cid& cid : cids) {
    const ddc::Event event = Ok(store->GetEvent(cid), "get event");
    const ddc::OpenedEvent opened = Ok(ddc::EventReader().Open(event, partner_keys), "open");
    std::printf("%s: %s\n", cid.ToString().c_str(), opened.json.c_str());
    Expect(opened.signature == ddc::OpenedEvent::Signature::kVerified, "Alice's signature");
    Expect(opened.json.find("alice@example.com") != std::string::npos, "the shared email");
    Expect(opened.json.find("Berlin") == std::string::npos, "no location");
    Expect(opened.json.find("/p/") == std::string::npos, "no page");
  }

  // A grant signed by someone who is neither the user nor the bucket's owner is refused.
  const ddc::KeyPair mallory = ddc::KeyPair::Generate();
  const ddc::Grant forged = Ok(ddc::MakeGrant(master, kBucket, alice.public_key, "geo", 1,
                                              partner.public_key, mallory, 1763800100000),
                               "forge");
  const auto refused = store->PutGrant(Ok(ddc::EncodeGrant(forged), "encode"));
  Expect(refused.status().IsPermissionDenied(), "a forged grant refused");
  Ok(store->Close(), "close");
  std::printf("share_scope: ok\n");
  return 0;
}
