#!/usr/bin/env node
'use strict';
// Erases a user on request.
//
// Carol asks to be forgotten. A tombstone signed with her key erases her whole timeline in the
// app's bucket: her events are no longer served (reads answer ErasedError), the grants she made
// are destroyed, and every proof over the timeline still verifies, because the trees keep the
// erased events' hashes. The erasure itself is provable: the tombstone and the event's place in
// the timeline.
//
// Usage: node erase_user.js DATA_DIR   (a fresh store is made inside DATA_DIR on each run)

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const ddc = require('ddc');

const BUCKET = 42;

async function main(dataDir) {
  fs.mkdirSync(dataDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(dataDir, 'erase-user-'));
  const store = await ddc.Store.open(path.join(dir, 'store'));

  const carol = ddc.KeyPair.generate();
  const master = ddc.generateMasterKey();
  const keys = new ddc.KeyRing();
  keys.addMasterKey(BUCKET, carol.publicKey, master);
  const builder = new ddc.EventBuilder({ scopes: { profile: ['$.user'] } });
  const cids = [];
  for (let n = 0; n < 4; n++) {
    const placed = await store.append(await builder.build({
      bucket: BUCKET, id: `post-${n}`, type: 'post', data: { text: `hello ${n}`, user: { name: 'Carol' } },
      keys, userKey: carol, timestampMs: 1763800000000 + n,
    }));
    cids.push(placed.cid);
  }
  const partner = ddc.BoxKeyPair.generate();
  await store.putGrant(await ddc.makeGrant(master, {
    bucket: BUCKET, user: carol.user, scope: 'profile', grantee: partner, granter: carol,
  }));
  await store.checkpoint();
  const proofBefore = await store.proveEvent(cids[2]);
  const verifierKey = await store.nodeVerifierKey();

  // Carol signs the tombstone of her whole timeline (no `event`: every event stored now).
  const tombstone = await ddc.makeTombstone(carol, { bucket: BUCKET, reason: 'user request' });
  const erased = await store.erase(tombstone);
  console.log(`erased ${erased.events_erased} events, ${erased.grants_destroyed} grants destroyed ` +
    `(tombstone ${erased.tombstone})`);
  assert.equal(erased.events_erased, 4);
  assert.equal(erased.grants_destroyed, 1);

  // Nothing of hers is served any more.
  await assert.rejects(store.getEvent(cids[0]), (error) => {
    console.log(`reading an erased event: ${error.name}: ${error.message}`);
    return error instanceof ddc.ErasedError && error.code === 'ERASED';
  });
  await assert.rejects(store.get(cids[1]), ddc.ErasedError);
  assert.deepEqual(await store.timeline(BUCKET, carol.user).toArray(), []);
  assert.deepEqual(await store.grants({ grantee: partner }), []);
  const [listed] = await store.tombstones(BUCKET, carol.user);
  assert.equal(listed.reason, 'user request');
  assert.equal(listed.signer, carol.user);

  // Proofs made before still verify, and the erasure of each event is provable.
  const still = await ddc.verifyEventProof(proofBefore, verifierKey);
  assert.equal(still.cid, cids[2]);
  const erasure = await store.proveErasure(cids[2]);
  await ddc.verifyErasureProof(erasure); // Rejects if any check fails.
  console.log(`event ${erasure.event} at position ${erasure.position}: erasure proof verified`);

  await store.close();
  console.log('erase_user: ok');
}

if (process.argv.length !== 3) {
  console.error('usage: node erase_user.js DATA_DIR');
  process.exit(2);
}
main(process.argv[2]).catch((error) => {
  console.error('erase_user: failed:', error);
  process.exit(1);
});
