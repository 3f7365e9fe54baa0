#!/usr/bin/env node
'use strict';
// Captures a user's events with scoped encryption.
//
// The app describes once which fields of its event data go to which scope: the user's profile,
// their location, the rest in "core", and "meta" in the clear. Each event is split by that
// policy, every non-public scope is sealed under a key derived from the user's master key, the
// whole is signed with the user's key, and the store appends it to the user's timeline.
//
// Usage: node capture.js DATA_DIR   (a fresh store is made inside DATA_DIR on each run)

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const ddc = require('ddc');

const BUCKET = 42; // The app's bucket.
const POLICY = {
  default: 'core',
  scopes: { profile: ['$.user'], geo: ['$.location'], meta: ['$.meta'] },
  public: ['meta'],
};

async function main(dataDir) {
  fs.mkdirSync(dataDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(dataDir, 'capture-'));
  const store = await ddc.Store.open(path.join(dir, 'store'));

  const alice = ddc.KeyPair.generate(); // The user's signing key (kept on her device).
  const master = ddc.generateMasterKey(); // Her master key: every scope key derives from it.
  const keys = new ddc.KeyRing();
  keys.addMasterKey(BUCKET, alice.publicKey, master);
  const builder = new ddc.EventBuilder(POLICY);

  // Split, seal, sign, append. Every call returns a promise and works off the event loop, so
  // the three builds run in parallel; appends keep the timeline's order.
  const pages = ['/home', '/shoes', '/checkout'];
  const events = await Promise.all(pages.map((page, n) => builder.build({
    bucket: BUCKET,
    id: `view-${n}`,
    type: 'page_view',
    data: {
      page,
      user: { email: 'alice@example.com', name: 'Alice' },
      location: { city: 'Berlin' },
      meta: { app: 'shop', v: 2 },
    },
    keys,
    userKey: alice,
    timestampMs: 1763800000000 + n,
  })));
  const placed = [];
  for (const event of events) {
    const result = await store.append(event);
    console.log(`appended ${result.cid} at position ${result.position}`);
    placed.push(result);
  }

  // What is stored: three sealed scopes and one public one per event.
  const stored = await store.getEvent(placed[0].cid);
  console.log('scopes:', stored.scopes.map((s) => `${s.name}${s.sealed ? ' (sealed)' : ''}`).join(', '));
  assert.deepEqual(stored.scopes.map((s) => [s.name, s.sealed]),
    [['core', true], ['geo', true], ['meta', false], ['profile', true]]);
  assert.ok(!stored.scopes.some((s) => s.sealed && s.data.includes('alice@example.com')));

  // The user's keys open everything; no keys open only the public scope.
  const mine = await store.openEvent(placed[1].cid, keys);
  assert.equal(mine.data.page, '/shoes');
  assert.equal(mine.data.user.email, 'alice@example.com');
  const nobody = await store.openEvent(placed[1].cid, new ddc.KeyRing());
  console.log('without keys:', JSON.stringify(nobody.data));
  assert.deepEqual(nobody.data, { meta: { app: 'shop', v: 2 } });

  assert.deepEqual(placed.map((p) => p.position), [0, 1, 2]);
  assert.equal((await store.timelineInfo(BUCKET, alice.user)).size, 3);
  await store.close();
  console.log('capture: ok');
}

if (process.argv.length !== 3) {
  console.error('usage: node capture.js DATA_DIR');
  process.exit(2);
}
main(process.argv[2]).catch((error) => {
  console.error('capture: failed:', error);
  process.exit(1);
});
