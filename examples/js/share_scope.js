#!/usr/bin/env node
'use strict';
// Shares one scope of a user's events with a partner, then revokes it for new events.
//
// Alice grants her "profile" scope to a partner: the scope key is wrapped for the partner's
// X25519 key and the grant is signed by Alice and stored next to her events. The partner
// fetches the grants made for it, unwraps the key and opens the profile (and the public meta) of
// her events, nothing else. Rotating Alice's master key to version 2 is how sharing is revoked:
// events sealed after it do not open with the old grant.
//
// Usage: node share_scope.js DATA_DIR   (a fresh store is made inside DATA_DIR on each run)

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const ddc = require('ddc');

const BUCKET = 42;
const POLICY = { default: 'core', scopes: { profile: ['$.user'], meta: ['$.meta'] }, public: ['meta'] };

async function main(dataDir) {
  fs.mkdirSync(dataDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(dataDir, 'share-scope-'));
  const store = await ddc.Store.open(path.join(dir, 'store'));

  const alice = ddc.KeyPair.generate();
  const master = ddc.generateMasterKey();
  const keys = new ddc.KeyRing();
  keys.addMasterKey(BUCKET, alice.publicKey, master);
  const builder = new ddc.EventBuilder(POLICY);
  const order = (n, email) => builder.build({
    bucket: BUCKET, id: `order-${n}`, type: 'order',
    data: { total: 10 * n, user: { email }, meta: { shop: 'north' } },
    keys, userKey: alice, timestampMs: 1763800000000 + n,
  });
  const first = await store.append(await order(1, 'alice@example.com'));

  // The partner has an X25519 key pair and tells Alice its public half.
  const partner = ddc.BoxKeyPair.generate();
  const grant = await ddc.makeGrant(master, {
    bucket: BUCKET, user: alice.user, scope: 'profile', keyVersion: 1,
    grantee: partner.publicKey, granter: alice,
  });
  console.log('grant', await store.putGrant(grant));

  // The partner's side: fetch the grants made for its key, unwrap them, open events.
  const partnerKeys = new ddc.KeyRing();
  for (const stored of await store.grants({ grantee: partner.publicKey })) {
    console.log(`granted: scope ${stored.scope} v${stored.key_version} of ${stored.user} by ${stored.granter}`);
    await partnerKeys.addGrant(stored.bytes, partner);
  }
  const shared = await store.openEvent(first.cid, partnerKeys);
  console.log('partner reads:', JSON.stringify(shared.data));
  assert.deepEqual(shared.data, { user: { email: 'alice@example.com' }, meta: { shop: 'north' } });
  assert.equal(shared.scopes.find((s) => s.name === 'core').outcome, 'no_key');

  // Revocation by rotation: new events are sealed under version 2 of Alice's key.
  keys.addMasterKey(BUCKET, alice.publicKey, master, 2);
  const second = await store.append(await order(2, 'alice@new.example.com'));
  const after = await store.openEvent(second.cid, partnerKeys);
  console.log('after rotation the partner reads:', JSON.stringify(after.data));
  assert.deepEqual(after.data, { meta: { shop: 'north' } });
  assert.equal(after.scopes.find((s) => s.name === 'profile').key_version, 2);
  // Alice still reads both.
  assert.equal((await store.openEvent(second.cid, keys)).data.user.email, 'alice@new.example.com');
  assert.equal((await store.openEvent(first.cid, keys)).complete, true);

  await store.close();
  console.log('share_scope: ok');
}

if (process.argv.length !== 3) {
  console.error('usage: node share_scope.js DATA_DIR');
  process.exit(2);
}
main(process.argv[2]).catch((error) => {
  console.error('share_scope: failed:', error);
  process.exit(1);
});
