#!/usr/bin/env node
'use strict';
// Reads a user's timeline back, decrypting only the scopes the reader was given.
//
// An analytics job of the app is handed the key of one scope ("geo") and nothing else. It walks
// the user's timeline with an async iterator, which fetches events in pages off the event loop,
// and sees each event's public fields and its location, never the profile or the rest.
//
// Usage: node read_timeline.js DATA_DIR   (a fresh store is made inside DATA_DIR on each run)

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const ddc = require('ddc');

const BUCKET = 42;
const POLICY = {
  default: 'core',
  scopes: { profile: ['$.user'], geo: ['$.location'], meta: ['$.meta'] },
  public: ['meta'],
};
const CITIES = ['Berlin', 'Lisbon', 'Oslo', 'Turin', 'Ghent'];

async function main(dataDir) {
  fs.mkdirSync(dataDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(dataDir, 'read-timeline-'));
  const store = await ddc.Store.open(path.join(dir, 'store'));

  // The app captures five events of Alice's (see capture.js).
  const alice = ddc.KeyPair.generate();
  const appKeys = new ddc.KeyRing();
  appKeys.addMasterKey(BUCKET, alice.publicKey, ddc.generateMasterKey());
  const builder = new ddc.EventBuilder(POLICY);
  for (const [n, city] of CITIES.entries()) {
    await store.append(await builder.build({
      bucket: BUCKET, id: `trip-${n}`, type: 'check_in',
      data: { venue: `v${n}`, user: { email: 'alice@example.com' }, location: { city }, meta: { n } },
      keys: appKeys, userKey: alice, timestampMs: 1763800000000 + n * 1000,
    }));
  }

  // The analytics job holds the "geo" scope key of Alice's events (version 1), and nothing else.
  const geoKey = await appKeys.scopeKey(BUCKET, alice.user, 'geo', 1);
  const analytics = new ddc.KeyRing();
  analytics.addScopeKey(BUCKET, alice.user, 'geo', 1, geoKey);

  // Forward, in pages of two: each event comes with `data`, the scopes those keys opened.
  const seen = [];
  for await (const event of store.timeline(BUCKET, alice.user, { keys: analytics, pageSize: 2 })) {
    const closed = event.opened.scopes.filter((s) => s.outcome !== 'opened').map((s) => s.name);
    console.log(`${event.position} ${event.type} ${JSON.stringify(event.data)} (closed: ${closed})`);
    assert.deepEqual(Object.keys(event.data).sort(), ['location', 'meta']);
    assert.deepEqual(closed, ['core', 'profile']);
    seen.push(event.data.location.city);
  }
  assert.deepEqual(seen, CITIES);

  // Backward from the newest, and forward from a point in time.
  const newestFirst = await store.timeline(BUCKET, alice.user, { reverse: true, keys: analytics }).toArray();
  assert.deepEqual(newestFirst.map((e) => e.data.location.city), [...CITIES].reverse());
  const since = await store.timeline(BUCKET, alice.user, { since: 1763800003000 }).toArray();
  assert.deepEqual(since.map((e) => e.position), [3, 4]);
  console.log('from the third second on:', since.map((e) => e.id).join(', '));

  await store.close();
  console.log('read_timeline: ok');
}

if (process.argv.length !== 3) {
  console.error('usage: node read_timeline.js DATA_DIR');
  process.exit(2);
}
main(process.argv[2]).catch((error) => {
  console.error('read_timeline: failed:', error);
  process.exit(1);
});
