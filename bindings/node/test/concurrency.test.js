'use strict';
// Work off the event loop, many calls at once: hundreds of appends, puts, gets, builds and
// proofs in flight together must all succeed and agree with each other (positions, journal
// indexes, CIDs read back); appends share group commits, which only happens when several are
// inside the engine at once; close() with work in flight waits for it and then refuses new
// calls.

// More pool threads than the default 4, so that more calls are inside the engine together. Set
// before anything uses libuv's pool.
process.env.UV_THREADPOOL_SIZE = '16';

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const { ddc, BUCKET, POLICY, tempDir, openStore } = require('./helpers');

const USERS = 16;
const PER_USER = 16; // 256 appends in flight at once.

test('256 concurrent appends and 256 concurrent puts and gets are all consistent', async (t) => {
  const store = await openStore(t, { durability: 'group' });
  const builder = new ddc.EventBuilder(POLICY);
  const keys = new ddc.KeyRing();
  keys.addMasterKey(BUCKET, null, ddc.generateMasterKey()); // One key for the whole app.
  const users = Array.from({ length: USERS }, () => ddc.KeyPair.generate());
  // Built concurrently too. One timestamp per user: appends of a user may land in any order.
  const built = await Promise.all(users.flatMap((user, u) =>
    Array.from({ length: PER_USER }, (_, n) => builder.build({
      bucket: BUCKET, id: `u${u}-${n}`, type: 'tick', data: { n, user: { u }, meta: { ok: true } },
      keys, userKey: user, timestampMs: 1000 + u,
    }))));
  assert.equal(built.length, USERS * PER_USER);

  const blobs = Array.from({ length: 256 }, (_, i) => Buffer.from(`blob ${i} `.repeat(i + 1)));
  const [appended, putCids] = await Promise.all([
    Promise.all(built.map((event) => store.append(event))),
    Promise.all(blobs.map((blob) => store.putBlob(blob))),
  ]);

  assert.equal(new Set(appended.map((r) => r.cid)).size, USERS * PER_USER);
  assert.deepEqual(appended.map((r) => r.journal_index).sort((a, b) => a - b), [...Array(USERS * PER_USER).keys()]);
  assert.ok(appended.every((r, i) => r.cid === ddc.eventCid(built[i]) && !r.existed));
  for (let u = 0; u < USERS; u++) {
    const mine = appended.slice(u * PER_USER, (u + 1) * PER_USER);
    assert.deepEqual(mine.map((r) => r.position).sort((a, b) => a - b), [...Array(PER_USER).keys()]);
  }
  // Every blob and every event reads back, again all at once.
  const [gotBlobs, gotEvents, timelines] = await Promise.all([
    Promise.all(putCids.map((cid) => store.get(cid))),
    Promise.all(appended.map((r) => store.getEvent(r.cid))),
    Promise.all(users.map((user) => store.timeline(BUCKET, user.user, { pageSize: 5 }).toArray())),
  ]);
  assert.deepEqual(gotBlobs, blobs);
  assert.ok(gotEvents.every((event, i) => event.cid === appended[i].cid && event.id === `u${Math.floor(i / PER_USER)}-${i % PER_USER}`));
  for (let u = 0; u < USERS; u++) {
    const byPosition = new Map(appended.slice(u * PER_USER, (u + 1) * PER_USER).map((r) => [r.position, r.cid]));
    assert.deepEqual(timelines[u].map((e) => e.cid), [...Array(PER_USER).keys()].map((p) => byPosition.get(p)));
  }
  const stats = await store.stats();
  assert.equal(stats.events, USERS * PER_USER);
  assert.ok(stats.group_commits < USERS * PER_USER + blobs.length, JSON.stringify(stats));
});

test('concurrent building, verifying, opening and proving', async (t) => {
  const store = await openStore(t);
  const builder = new ddc.EventBuilder(POLICY);
  const user = ddc.KeyPair.generate();
  const keys = new ddc.KeyRing();
  keys.addMasterKey(BUCKET, user.publicKey, ddc.generateMasterKey());
  const events = await Promise.all(Array.from({ length: 200 }, (_, n) => builder.build({
    bucket: BUCKET, id: `e${n}`, type: 't', data: { n, user: { name: `n${n}` } }, keys, userKey: user, timestampMs: 5,
  })));
  const [verified, opened] = await Promise.all([
    Promise.all(events.map((event) => ddc.verifyEvent(event))),
    Promise.all(events.map((event) => ddc.openEvent(event, keys))),
  ]);
  assert.deepEqual(verified.map((e) => e.id), events.map((_, n) => `e${n}`));
  assert.deepEqual(opened.map((o) => o.data.user.name), events.map((_, n) => `n${n}`));
  const results = await store.appendBatch(events);
  await store.checkpoint();
  const key = await store.nodeVerifierKey();
  const proofs = await Promise.all(results.map((r) => store.proveEvent(r.cid)));
  const checked = await Promise.all(proofs.map((proof) => ddc.verifyEventProof(proof, key)));
  assert.deepEqual(checked.map((c) => c.cid), results.map((r) => r.cid));
  assert.deepEqual(checked.map((c) => c.position), results.map((r) => r.position));
});

test('close() with work in flight: earlier calls finish, later ones reject, nothing is lost', async (t) => {
  const dir = path.join(tempDir(t), 'store');
  const store = await ddc.Store.open(dir, { durability: 'group' });
  const blobs = Array.from({ length: 300 }, (_, i) => Buffer.from(`pending ${i}`));
  const puts = blobs.map((blob) => store.putBlob(blob));
  const iterator = store.timeline(BUCKET, 'ab'.repeat(32));
  const closing = store.close();
  const closingAgain = store.close();
  assert.equal(store.closed, true);
  // Calls after close() reject at once, before the calls in flight are done.
  const late = [
    assert.rejects(store.putBlob(Buffer.from('too late')), ddc.StoreClosedError),
    assert.rejects(store.get('bafk2bzaceaze3tycpxkkgcutfrcb6ns2exugwfz556slrzmjjasti4nydnzm6'),
      ddc.StoreClosedError),
    assert.rejects(iterator.next(), ddc.StoreClosedError),
  ];
  const cids = await Promise.all(puts);
  await Promise.all([closing, closingAgain, ...late]);
  await store.close();
  const reopened = await ddc.Store.open(dir);
  assert.deepEqual(await reopened.multiGet(cids), blobs);
  await reopened.close();
});

test('a timeline being read while appends continue sees a consistent prefix', async (t) => {
  const store = await openStore(t);
  const builder = new ddc.EventBuilder(POLICY);
  const user = ddc.KeyPair.generate();
  const keys = new ddc.KeyRing();
  keys.addMasterKey(BUCKET, user.publicKey, ddc.generateMasterKey());
  const make = (n) => builder.build({ bucket: BUCKET, id: `e${n}`, type: 't', data: { n }, keys, userKey: user, timestampMs: n });
  for (let n = 0; n < 50; n++) await store.append(await make(n));
  const more = await Promise.all(Array.from({ length: 50 }, (_, i) => make(50 + i)));
  const reading = Promise.all(Array.from({ length: 8 }, () => store.timeline(BUCKET, user.user, { pageSize: 7 }).toArray()));
  const appending = (async () => { for (const event of more) await store.append(event); })();
  const [reads] = await Promise.all([reading, appending]);
  for (const events of reads) {
    assert.ok(events.length >= 50 && events.length <= 100);
    assert.deepEqual(events.map((e) => e.position), [...Array(events.length).keys()]);
    assert.deepEqual(events.map((e) => e.id), events.map((_, n) => `e${n}`));
  }
  assert.equal((await store.timeline(BUCKET, user.user).toArray()).length, 100);
});

test('a store collected without close() is closed by its last owner, after its work', async (t) => {
  const { spawnSync } = require('node:child_process');
  const dir = path.join(tempDir(t), 'store');
  // In a child with --expose-gc: drop the only reference while puts are in flight, collect it,
  // then open the directory again (its lock must have been released by then).
  const script = `
    const ddc = require(${JSON.stringify(path.resolve(__dirname, '..'))});
    (async () => {
      let store = await ddc.Store.open(${JSON.stringify(dir)}, { durability: 'group' });
      const puts = Array.from({ length: 64 }, (_, i) => store.putBlob(Buffer.from('gc ' + i)));
      store = null;
      global.gc();
      const cids = await Promise.all(puts);
      for (let i = 0; i < 20; i++) { global.gc(); await new Promise((r) => setTimeout(r, 5)); }
      const again = await ddc.Store.open(${JSON.stringify(dir)});
      const back = await again.multiGet(cids);
      await again.close();
      console.log(back.map(String).join('|'));
    })().catch((error) => { console.error(error); process.exit(1); });`;
  const child = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim(), Array.from({ length: 64 }, (_, i) => `gc ${i}`).join('|'));
});
