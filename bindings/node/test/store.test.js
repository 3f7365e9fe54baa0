'use strict';
// The Store binding method by method against a fresh store in a temporary directory: blobs,
// events in and out as objects, timelines iterated forward and backward, proofs (and tampered
// proofs failing), grants, erasure, names, CAR export, closing, and the error classes each
// failure rejects with.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { ddc, BUCKET, tempDir, openStore, alice, pageView } = require('./helpers');

test('blobs round-trip and dedupe', async (t) => {
  const store = await openStore(t);
  const cid = await store.putBlob(Buffer.from('hello'));
  assert.match(cid, /^bafk2bzace/);
  assert.equal(await store.putBlob(new Uint8Array(Buffer.from('hello'))), cid);
  assert.deepEqual(await store.get(cid), Buffer.from('hello'));
  assert.equal(await store.contains(cid), true);
  const other = await store.putBlob(Buffer.alloc(1000, 7));
  assert.notEqual(other, cid);
  const got = await store.multiGet([cid, other]);
  assert.deepEqual(got, [Buffer.from('hello'), Buffer.alloc(1000, 7)]);
  const stats = await store.stats();
  assert.equal(stats.puts, 3);
  assert.equal(stats.dedup_hits, 1);
  assert.equal(stats.records, 2);
  await store.sync();
});

test('multiGet answers null for a CID that is not stored', async (t) => {
  const store = await openStore(t);
  const dir = tempDir(t);
  const elsewhere = await ddc.Store.open(path.join(dir, 'other'), { durability: 'none' });
  const missing = await elsewhere.putBlob(Buffer.from('only in the other store'));
  await elsewhere.close();
  const cid = await store.putBlob(Buffer.from('x'));
  assert.deepEqual(await store.multiGet([missing, cid]), [null, Buffer.from('x')]);
  assert.equal(await store.contains(missing), false);
  await assert.rejects(store.get(missing), (error) => {
    assert.ok(error instanceof ddc.NotFoundError);
    assert.equal(error.code, 'NOT_FOUND');
    assert.equal(error.status, 1);
    return true;
  });
});

test('errors carry a class, a code and a message; bad arguments reject precisely', async (t) => {
  const store = await openStore(t);
  await assert.rejects(store.get('bafk-not-a-cid'), (error) => {
    assert.ok(error instanceof ddc.InvalidArgumentError && error instanceof ddc.DdcError);
    assert.ok(error instanceof Error);
    assert.equal(error.code, 'INVALID_ARGUMENT');
    assert.equal(error.name, 'InvalidArgumentError');
    assert.match(error.message, /^get: cid: /);
    return true;
  });
  await assert.rejects(store.get(42), { name: 'TypeError', message: 'get: cid: want a string, got a number' });
  await assert.rejects(store.putBlob('text'), { name: 'TypeError', message: /putBlob: blob: want a Buffer/ });
  await assert.rejects(store.append(Buffer.from([0xa0])), ddc.InvalidEventError);
  await assert.rejects(store.append(42), TypeError);
  await assert.rejects(store.timelineInfo(BUCKET, 'abcd'), {
    name: 'InvalidArgumentError',
    message: 'timelineInfo: user: want 32 bytes or 64 hex digits',
  });
  await assert.rejects(store.timelineInfo(-1, 'ab'.repeat(32)), RangeError);
  await assert.rejects(store.timelineInfo(1.5, 'ab'.repeat(32)), RangeError);
  await assert.rejects(store.multiGet('x'), TypeError);
  const dir = tempDir(t);
  await assert.rejects(ddc.Store.open(path.join(dir, 'absent'), { createIfMissing: false }),
    (error) => error instanceof ddc.NotFoundError && error.code === 'NOT_FOUND');
  await assert.rejects(ddc.Store.open(store.path), (error) => error instanceof ddc.BusyError && error.code === 'BUSY');
  await assert.rejects(ddc.Store.open(path.join(dir, 'x'), { durability: 'sometimes' }),
    /durability 'sometimes': want 'group', 'interval' or 'none'/);
  await assert.rejects(ddc.Store.open(path.join(dir, 'x'), { create_if_missing: true }),
    { name: 'TypeError', message: /unknown option 'create_if_missing'/ });
  await assert.rejects(ddc.Store.open(42), TypeError);
  assert.throws(() => new ddc.Store(), /Store\.open/);
  assert.throws(() => new ddc.KeyPair(), /KeyPair\.generate/);
});

test('append, getEvent and the event object round trip', async (t) => {
  const store = await openStore(t);
  const a = alice();
  const bytes = await pageView(a, 0);
  assert.ok(Buffer.isBuffer(bytes));
  const placed = await store.append(bytes);
  assert.deepEqual(placed, { cid: placed.cid, position: 0, journal_index: 0, existed: false });
  assert.equal(placed.cid, ddc.eventCid(bytes));
  const got = await store.getEvent(placed.cid);
  assert.equal(got.cid, placed.cid);
  assert.equal(got.user, a.user.user);
  assert.equal(got.id, 'e0');
  assert.equal(got.time_ms, 1000);
  assert.equal(got.bucket, BUCKET);
  assert.equal(got.prev, null);
  assert.equal(got.batch, null);
  assert.deepEqual(Object.fromEntries(got.scopes.map((s) => [s.name, s.sealed])),
    { core: true, meta: false, profile: true });
  assert.ok(Buffer.isBuffer(got.scopes[0].data));
  assert.deepEqual(JSON.parse(got.scopes.find((s) => s.name === 'meta').data), { meta: { n: 0 } });
  // The object appends back to the same CID, already stored.
  const again = await store.append(got);
  assert.equal(again.cid, placed.cid);
  assert.equal(again.existed, true);
  assert.equal(ddc.eventCid(got), placed.cid);
  assert.deepEqual(ddc.encodeEvent(got), bytes);
  assert.deepEqual(ddc.decodeEvent(await store.get(placed.cid)), got);
  // Scope data as base64 text (the node's JSON) encodes to the same bytes.
  const asJson = { ...got, scopes: got.scopes.map((s) => ({ ...s, data: s.data.toString('base64') })) };
  assert.equal(ddc.eventCid(asJson), placed.cid);
  // A changed field changes the CID and breaks the signature.
  await assert.rejects(store.append({ ...got, id: 'other' }), (error) => {
    assert.ok(error instanceof ddc.InvalidEventError);
    assert.equal(error.code, 'INVALID_ARGUMENT');
    return true;
  });
  await assert.rejects(store.append({ ...got, user: 'zz' }), ddc.InvalidArgumentError);
  await assert.rejects(store.append({ ...got, signature: undefined }), /missing 'signature'/);
  await assert.rejects(store.getEvent(await store.putBlob(Buffer.from('blob'))), ddc.NotFoundError);
});

test('appendBatch gives each event its result; conflicts reject', async (t) => {
  const store = await openStore(t);
  const a = alice();
  await store.append(await pageView(a, 0));
  const results = await store.appendBatch([await pageView(a, 1), Buffer.from('junk'), await pageView(a, 2)]);
  assert.equal(results[0].position, 1);
  assert.ok(results[1] instanceof ddc.InvalidEventError);
  assert.equal(results[2].position, 2);
  const reused = await a.builder.build({
    bucket: BUCKET, id: 'e0', type: 'other', data: { x: 1 }, keys: a.keys, userKey: a.user, timestampMs: 5000,
  });
  await assert.rejects(store.append(reused), (error) => error instanceof ddc.ConflictError && error.code === 'CONFLICT');
  await assert.rejects(store.appendBatch('x'), TypeError);
});

test('openEvent by key: all scopes with the master key, only public ones without', async (t) => {
  const store = await openStore(t);
  const a = alice();
  const bytes = await pageView(a, 3);
  const opened = await ddc.openEvent(bytes, a.keys);
  assert.equal(opened.complete, true);
  assert.equal(opened.signature, 'verified');
  assert.equal(opened.signature_error, null);
  assert.deepEqual(opened.data, { page: '/p/3', user: { email: 'a@example.com' }, meta: { n: 3 } });
  const publicOnly = await ddc.openEvent(bytes, new ddc.KeyRing());
  assert.deepEqual(publicOnly.data, { meta: { n: 3 } });
  assert.deepEqual(Object.fromEntries(publicOnly.scopes.map((s) => [s.name, s.outcome])),
    { core: 'no_key', meta: 'opened', profile: 'no_key' });
  const { cid } = await store.append(bytes);
  const fromStore = await store.openEvent(cid, a.keys);
  assert.equal(fromStore.signature, 'trusted');
  assert.equal(fromStore.data.page, '/p/3');
  // Another master key: the sealed scopes do not open.
  const wrong = new ddc.KeyRing();
  wrong.addMasterKey(BUCKET, a.user.user, ddc.generateMasterKey());
  const closed = await store.openEvent(cid, wrong);
  assert.equal(closed.complete, false);
  assert.equal(closed.scopes.find((s) => s.name === 'profile').outcome, 'wrong_key');
  await assert.rejects(store.openEvent(cid, a.user), { name: 'TypeError', message: 'openEvent: keys: want a ddc.KeyRing' });
});

test('timelines iterate forward, backward, from a position and since a time', async (t) => {
  const store = await openStore(t);
  const a = alice();
  const cids = [];
  for (let n = 0; n < 10; n++) cids.push((await store.append(await pageView(a, n))).cid);
  const positions = async (iterable) => (await iterable.toArray()).map((e) => e.position);
  assert.deepEqual(await positions(store.timeline(BUCKET, a.user.user)), [...Array(10).keys()]);
  // Small pages exercise the cursor's page boundaries.
  const backward = [];
  for await (const event of store.timeline(BUCKET, a.user.publicKey, { reverse: true, pageSize: 3 })) {
    backward.push(event.id);
  }
  assert.deepEqual(backward, [...Array(10).keys()].reverse().map((n) => `e${n}`));
  assert.deepEqual(await positions(store.timeline(BUCKET, a.user.user, { from: 7 })), [7, 8, 9]);
  assert.deepEqual(await positions(store.timeline(BUCKET, a.user.user, { from: 2, reverse: true })), [2, 1, 0]);
  assert.deepEqual(await positions(store.timeline(BUCKET, a.user.user, { since: 1005, pageSize: 1 })), [5, 6, 7, 8, 9]);
  const events = await store.timeline(BUCKET, a.user.user).toArray();
  assert.deepEqual(events.map((e) => e.cid), cids);
  assert.equal(events[4].prev, null);
  assert.equal(events[0].data, undefined);
  // With keys, each event carries its merged data.
  const withKeys = await store.timeline(BUCKET, a.user.user, { keys: a.keys, pageSize: 4 }).toArray();
  assert.deepEqual(withKeys.map((e) => e.data.page), [...Array(10).keys()].map((n) => `/p/${n}`));
  assert.equal(withKeys[9].opened.complete, true);
  // Breaking out early is fine; the iterator is single-pass.
  const iterator = store.timeline(BUCKET, a.user.user, { pageSize: 2 });
  for await (const event of iterator) {
    assert.equal(event.position, 0);
    break;
  }
  assert.deepEqual(await iterator.next(), { done: true, value: undefined });
  // Concurrent next() calls are served in order.
  const concurrent = store.timeline(BUCKET, a.user.user, { pageSize: 3 });
  const steps = await Promise.all([...Array(12).keys()].map(() => concurrent.next()));
  assert.deepEqual(steps.filter((s) => !s.done).map((s) => s.value.position), [...Array(10).keys()]);
  assert.equal(steps[10].done, true);

  const users = await store.users(BUCKET).toArray();
  assert.deepEqual(users.map((u) => [u.user, u.size]), [[a.user.user, 10]]);
  const info = await store.timelineInfo(BUCKET, a.user.user);
  assert.equal(info.size, 10);
  assert.equal(info.head, cids[9]);
  assert.match(info.root, /^[0-9a-f]{64}$/);
  assert.deepEqual(await store.buckets(), [BUCKET]);
  assert.deepEqual(await store.users(99).toArray(), []);
  // A timeline that does not exist rejects the first step; bad arguments throw at once.
  await assert.rejects(store.timeline(BUCKET, ddc.KeyPair.generate().user).toArray(), ddc.NotFoundError);
  assert.throws(() => store.timeline(BUCKET, 'xyz'), ddc.InvalidArgumentError);
  assert.throws(() => store.timeline(BUCKET, a.user.user, { from: 1, since: 2 }), /not both/);
  assert.throws(() => store.timeline(BUCKET, a.user.user, { pagesize: 2 }), /unknown option 'pagesize'/);
  assert.throws(() => store.timeline(BUCKET, a.user.user, { pageSize: 0 }), RangeError);
});

test('checkpoint, proveEvent and verifyEventProof; a tampered proof fails', async (t) => {
  const store = await openStore(t);
  const a = alice();
  const { cid } = await store.append(await pageView(a, 0));
  await store.append(await pageView(a, 1));
  await assert.rejects(store.proveEvent(cid), ddc.NotFoundError); // No checkpoint covers it yet.
  const checkpoint = await store.checkpoint();
  assert.equal(checkpoint.size, 2);
  assert.match(checkpoint.note, /\n2\n/);
  const listed = await store.checkpoints();
  assert.equal(listed.at(-1).cid, checkpoint.cid);
  const key = await store.nodeVerifierKey();
  const proof = await store.proveEvent(cid);
  assert.ok(Buffer.isBuffer(proof));
  const verified = await ddc.verifyEventProof(proof, key);
  assert.equal(verified.cid, cid);
  assert.equal(verified.position, 0);
  assert.equal(verified.checkpoint_size, 2);
  assert.equal(verified.event.id, 'e0');
  assert.equal(verified.checkpoint_origin, checkpoint.origin);
  // Any flipped byte of the bundle makes it fail, as does another node's key.
  let failures = 0;
  for (let i = 0; i < proof.length; i += 7) {
    const tampered = Buffer.from(proof);
    tampered[i] ^= 0x01;
    try {
      await ddc.verifyEventProof(tampered, key);
    } catch (error) {
      assert.ok(error instanceof ddc.DdcError, String(error));
      failures++;
      continue;
    }
    assert.fail(`a proof with byte ${i} flipped verified`);
  }
  assert.ok(failures > 10);
  const other = await openStore(t);
  await assert.rejects(ddc.verifyEventProof(proof, await other.nodeVerifierKey()), /no signature by key/);
  await assert.rejects(ddc.verifyEventProof('proof', key), TypeError);
});

test('roots and consistency proofs verify; a wrong root or size does not', async (t) => {
  const store = await openStore(t);
  const a = alice();
  for (let n = 0; n < 3; n++) await store.append(await pageView(a, n));
  const oldTimeline = await store.timelineRoot(BUCKET, a.user.user, 3);
  const oldJournal = await store.journal();
  assert.deepEqual(oldJournal, { size: 3, root: await store.journalRoot(3) });
  for (let n = 3; n < 7; n++) await store.append(await pageView(a, n));
  const newTimeline = await store.timelineRoot(BUCKET, a.user.user, 7);
  assert.equal(newTimeline, (await store.timelineInfo(BUCKET, a.user.user)).root);
  const proof = await store.timelineConsistencyProof(BUCKET, a.user.user, 3, 7);
  assert.ok(proof.length > 0 && proof.every((h) => /^[0-9a-f]{64}$/.test(h)));
  assert.equal(await ddc.verifyConsistencyProof(3, 7, oldTimeline, newTimeline, proof), undefined);
  await assert.rejects(ddc.verifyConsistencyProof(3, 7, newTimeline, newTimeline, proof), ddc.InvalidArgumentError);
  await assert.rejects(ddc.verifyConsistencyProof(2, 7, oldTimeline, newTimeline, proof), ddc.DdcError);
  const journal = await store.journal();
  const journalProof = await store.journalConsistencyProof(3, journal.size);
  await ddc.verifyConsistencyProof(3, journal.size, oldJournal.root, journal.root, journalProof);
  await assert.rejects(store.timelineRoot(BUCKET, a.user.user, 8), ddc.InvalidArgumentError);
  await assert.rejects(store.journalConsistencyProof(3, 99), ddc.InvalidArgumentError);
  await assert.rejects(ddc.verifyConsistencyProof(3, 7, oldTimeline, newTimeline, 'x'), TypeError);
  // A checkpoint note checks under the store's key and no other.
  const checkpoint = await store.checkpoint();
  const key = await store.nodeVerifierKey();
  assert.deepEqual(await ddc.verifyCheckpoint(checkpoint.note, key), checkpoint);
  const forged = checkpoint.note.replace(`\n${checkpoint.size}\n`, `\n${checkpoint.size + 1}\n`);
  assert.notEqual(forged, checkpoint.note);
  await assert.rejects(ddc.verifyCheckpoint(forged, key), ddc.DdcError);
});

test('grants share one scope with a partner', async (t) => {
  const store = await openStore(t);
  const a = alice();
  const { cid } = await store.append(await pageView(a, 0));
  const partner = ddc.BoxKeyPair.generate();
  const grant = await ddc.makeGrant(a.master, {
    bucket: BUCKET, user: a.user.user, scope: 'profile', keyVersion: 1, grantee: partner, granter: a.user,
  });
  const decoded = ddc.decodeGrant(grant);
  assert.equal(decoded.scope, 'profile');
  assert.equal(decoded.grantee, partner.publicKey.toString('hex'));
  const grantCid = await store.putGrant(grant);
  assert.equal(decoded.cid, grantCid);
  const listed = await store.grants({ grantee: partner });
  assert.deepEqual(listed.map((g) => g.cid), [grantCid]);
  assert.deepEqual(listed[0].bytes, grant);
  assert.equal((await store.grants({ grantee: partner.publicKey.toString('hex') })).length, 1);
  const byScope = await store.grants({ bucket: BUCKET, scope: 'profile' });
  assert.equal(byScope[0].granter, a.user.user);
  assert.equal(byScope[0].user, a.user.user);
  const partnerKeys = new ddc.KeyRing();
  await partnerKeys.addGrant(listed[0].bytes, partner);
  const opened = await store.openEvent(cid, partnerKeys);
  assert.deepEqual(opened.data, { user: { email: 'a@example.com' }, meta: { n: 0 } });
  assert.deepEqual(await partnerKeys.scopeKey(BUCKET, a.user.user, 'profile', 1),
    await a.keys.scopeKey(BUCKET, a.user.user, 'profile', 1));
  const forged = await ddc.makeGrant(a.master, {
    bucket: BUCKET, user: a.user.user, scope: 'profile', grantee: partner, granter: ddc.KeyPair.generate(),
  });
  await assert.rejects(store.putGrant(forged), (error) => error instanceof ddc.AuthError && error.code === 'PERMISSION_DENIED');
  await assert.rejects(new ddc.KeyRing().addGrant(grant, ddc.BoxKeyPair.generate()), ddc.AuthError);
  await assert.rejects(store.grants({}), /give \{grantee\}, or \{bucket, scope\}/);
});

test('erase one event, then the timeline; the erasure proof verifies, a tampered one does not', async (t) => {
  const store = await openStore(t);
  const a = alice();
  const first = (await store.append(await pageView(a, 0))).cid;
  const second = (await store.append(await pageView(a, 1))).cid;
  const result = await store.erase(await ddc.makeTombstone(a.user, { bucket: BUCKET, event: first, reason: 'asked' }));
  assert.equal(result.events_erased, 1);
  assert.equal(result.existed, false);
  await assert.rejects(store.getEvent(first), (error) => error instanceof ddc.ErasedError && error.code === 'ERASED');
  assert.deepEqual((await store.timeline(BUCKET, a.user.user).toArray()).map((e) => e.cid), [second]);
  const proof = await store.proveErasure(first);
  assert.equal(proof.event, first);
  assert.equal(proof.position, 0);
  assert.equal(await ddc.verifyErasureProof(proof), undefined);
  await assert.rejects(ddc.verifyErasureProof({ ...proof, timeline_root: '00'.repeat(32) }), ddc.DdcError);
  await assert.rejects(ddc.verifyErasureProof({ ...proof, position: 1 }), ddc.DdcError);
  await assert.rejects(store.proveErasure(second), ddc.NotFoundError);
  const whole = await store.erase(await ddc.makeTombstone(a.user, { bucket: BUCKET }));
  assert.equal(whole.events_erased, 1);
  assert.deepEqual(await store.timeline(BUCKET, a.user.user).toArray(), []);
  assert.deepEqual((await store.tombstones(BUCKET, a.user.user)).map((x) => x.reason), ['asked', '']);
  const stranger = ddc.KeyPair.generate();
  await assert.rejects(
    store.erase(await ddc.makeTombstone(stranger, { bucket: BUCKET, user: a.user.user })), ddc.AuthError);
});

test('batch-signed events', async (t) => {
  const store = await openStore(t);
  const a = alice();
  const items = [0, 1, 2, 3].map((n) => ({ bucket: BUCKET, id: `b${n}`, type: 't', data: { n }, timestampMs: 10 + n }));
  const events = await a.builder.buildBatch(items, { keys: a.keys, userKey: a.user });
  assert.equal(events.length, 4);
  const results = await store.appendBatch(events);
  assert.deepEqual(results.map((r) => r.position), [0, 1, 2, 3]);
  const got = await store.getEvent(results[2].cid);
  assert.equal(got.batch.size, 4);
  assert.equal(got.batch.index, 2);
  assert.equal(ddc.eventCid(got), results[2].cid);
  await assert.rejects(a.builder.buildBatch([{ bucket: BUCKET }], { keys: a.keys, userKey: a.user }), TypeError);
});

test('names: put, get, list; a stale sequence conflicts; only the owner signs', async (t) => {
  const owner = ddc.KeyPair.generate();
  const store = await openStore(t, { bucketOwners: { [BUCKET]: owner.publicKey } });
  const target = await store.putBlob(Buffer.from('release 1'));
  const record = await ddc.makeName(owner, { bucket: BUCKET, name: 'releases/latest', target, sequence: 1, ttlSeconds: 60 });
  const decoded = ddc.decodeName(record);
  assert.equal(decoded.target, target);
  assert.equal(decoded.ttl_seconds, 60);
  const put = await store.putName(record);
  assert.deepEqual(put, { cid: decoded.cid, existed: false });
  assert.equal((await store.putName(record)).existed, true);
  const got = await store.getName(BUCKET, 'releases/latest');
  assert.equal(got.target, target);
  assert.equal(got.sequence, 1);
  assert.equal(got.signer, owner.user);
  const next = await store.putBlob(Buffer.from('release 2'));
  await store.putName(await ddc.makeName(owner, { bucket: BUCKET, name: 'releases/latest', target: next, sequence: 2 }));
  assert.equal((await store.getName(BUCKET, 'releases/latest')).target, next);
  await assert.rejects(store.putName(record), ddc.ConflictError);
  assert.deepEqual((await store.names(BUCKET)).map((n) => [n.name, n.sequence]), [['releases/latest', 2]]);
  await assert.rejects(store.getName(BUCKET, 'absent'), ddc.NotFoundError);
  await assert.rejects(store.getName(BUCKET, 'Bad Name'), ddc.InvalidArgumentError);
  const notOwner = await ddc.makeName(ddc.KeyPair.generate(), { bucket: BUCKET, name: 'x', target, sequence: 1 });
  await assert.rejects(store.putName(notOwner), ddc.AuthError);
  await assert.rejects(ddc.makeName(owner, { bucket: BUCKET, name: '..', target, sequence: 1 }), ddc.InvalidArgumentError);
});

test('exportCar writes the timeline as a CAR file', async (t) => {
  const store = await openStore(t);
  const a = alice();
  for (let n = 0; n < 3; n++) await store.append(await pageView(a, n));
  const file = path.join(tempDir(t), 'timeline.car');
  const stats = await store.exportCar(BUCKET, a.user.user, file);
  assert.equal(stats.events, 3);
  assert.equal(stats.events_written, 3);
  assert.equal(stats.blocks, 4);
  assert.equal(fs.statSync(file).size, stats.bytes);
  assert.match(stats.root, /^bafy/);
  await assert.rejects(store.exportCar(BUCKET, ddc.KeyPair.generate().user, file), ddc.NotFoundError);
});

test('a closed store refuses calls; it reopens and verifies', async (t) => {
  const dir = path.join(tempDir(t), 's');
  const store = await ddc.Store.open(dir, { durability: 'none' });
  assert.equal(store.path, dir);
  assert.equal(store.closed, false);
  const cid = await store.putBlob(Buffer.from('x'));
  await store.close();
  await store.close(); // Closing twice is fine.
  assert.equal(store.closed, true);
  await assert.rejects(store.get(cid), (error) => error instanceof ddc.StoreClosedError && error.code === 'STORE_CLOSED');
  await assert.rejects(store.timeline(BUCKET, 'ab'.repeat(32)).next(), ddc.StoreClosedError);
  const reopened = await ddc.Store.open(dir);
  assert.deepEqual(await reopened.get(cid), Buffer.from('x'));
  await reopened.close();
  const report = await ddc.verifyStore(dir);
  assert.equal(report.records, 1);
  assert.equal(report.snapshot_checked, true);
});
