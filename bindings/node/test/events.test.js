'use strict';
// The store-free part of the binding: key pairs, key rings, the event builder, opening,
// encoding and verifying events (tampered ones fail), grants, and the type checks that keep a
// wrong object from ever reaching C++ as the wrong class.

const test = require('node:test');
const assert = require('node:assert/strict');

const { ddc, BUCKET, POLICY, alice, pageView } = require('./helpers');

test('KeyPair: from a seed, deterministic; generate, fresh', () => {
  // RFC 8032 test 1: the secret key 9d61b1...7f60 has the public key d75a98...511a.
  const seed = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
  const pair = ddc.KeyPair.fromSeed(seed);
  assert.equal(pair.user, 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
  assert.deepEqual(pair.publicKey, Buffer.from(pair.user, 'hex'));
  assert.equal(pair.seed.toString('hex'), seed);
  assert.equal(ddc.KeyPair.fromSeed(Buffer.from(seed, 'hex')).user, pair.user);
  assert.equal(String(pair), `KeyPair ${pair.user}`);
  assert.notEqual(ddc.KeyPair.generate().user, ddc.KeyPair.generate().user);
  assert.throws(() => ddc.KeyPair.fromSeed('00'), { name: 'InvalidArgumentError', message: 'KeyPair.fromSeed: seed: want 32 bytes or 64 hex digits' });
  assert.throws(() => ddc.KeyPair.fromSeed(Buffer.alloc(31)), /31 bytes, want 32/);
  assert.throws(() => ddc.KeyPair.fromSeed(7), TypeError);
});

test('BoxKeyPair: seeds, the X25519 form of a signing key, and grants to it', async () => {
  const box = ddc.BoxKeyPair.fromSeed(Buffer.alloc(32, 3));
  assert.deepEqual(ddc.BoxKeyPair.fromSeed(Buffer.alloc(32, 3)).publicKey, box.publicKey);
  assert.equal(box.publicKey.length, 32);
  const a = alice();
  const fromSigning = ddc.BoxKeyPair.fromSigningKey(a.user);
  const grant = await ddc.makeGrant(a.master, {
    bucket: BUCKET, user: a.user.user, scope: 'profile', grantee: fromSigning.publicKey, granter: a.user,
  });
  const ring = new ddc.KeyRing();
  await ring.addGrant(grant, ddc.BoxKeyPair.fromSigningKey(a.user));
  assert.deepEqual(await ring.scopeKey(BUCKET, a.user.user, 'profile'), await a.keys.scopeKey(BUCKET, a.user.user, 'profile'));
  assert.throws(() => ddc.BoxKeyPair.fromSigningKey(box), { name: 'TypeError', message: 'BoxKeyPair.fromSigningKey: key: want a ddc.KeyPair' });
});

test('KeyRing: derived scope keys by version; explicit scope keys; bad input', async () => {
  const a = alice();
  const other = new ddc.KeyRing();
  other.addMasterKey(BUCKET, a.user.user, a.master, 2);
  const v1 = await a.keys.scopeKey(BUCKET, a.user.user, 'profile', 1);
  assert.equal(v1.length, 32);
  assert.deepEqual(await other.scopeKey(BUCKET, a.user.user, 'profile', 1), v1);
  assert.notDeepEqual(await other.scopeKey(BUCKET, a.user.user, 'profile', 2), v1);
  assert.notDeepEqual(await a.keys.scopeKey(BUCKET, a.user.user, 'geo', 1), v1);
  await assert.rejects(new ddc.KeyRing().scopeKey(BUCKET, a.user.user, 'profile'), ddc.NotFoundError);
  const explicit = new ddc.KeyRing();
  explicit.addScopeKey(BUCKET, null, 'profile', 1, v1); // For every user of the bucket.
  assert.deepEqual(await explicit.scopeKey(BUCKET, ddc.KeyPair.generate().user, 'profile', 1), v1);
  assert.throws(() => explicit.addScopeKey(BUCKET, null, 'Not A Scope', 1, v1), ddc.InvalidArgumentError);
  assert.throws(() => explicit.addMasterKey(BUCKET, null, Buffer.alloc(16)), /16 bytes, want 32/);
  assert.throws(() => explicit.addMasterKey('7', null, a.master), TypeError);
});

test('EventBuilder: policy, options, JSON text input, and what each key opens', async () => {
  const builder = new ddc.EventBuilder(POLICY, { compress: false });
  assert.deepEqual(builder.policy, POLICY);
  assert.deepEqual(new ddc.EventBuilder(JSON.stringify(POLICY)).policy, POLICY);
  assert.deepEqual(new ddc.EventBuilder().policy.default, 'default');
  assert.throws(() => new ddc.EventBuilder({ scopes: { profile: ['user'] } }), ddc.InvalidArgumentError);
  assert.throws(() => new ddc.EventBuilder(POLICY, { zstd: 3 }), { name: 'TypeError', message: /unknown option 'zstd'/ });
  const a = alice();
  const bytes = await builder.build({
    bucket: BUCKET, id: 'j1', type: 'view', data: '{"page":"/x","user":{"name":"Al"}}', keys: a.keys, userKey: a.user,
    timestampMs: 42,
  });
  const event = ddc.decodeEvent(bytes);
  assert.equal(event.time_ms, 42);
  assert.deepEqual(event.scopes.map((s) => [s.name, s.compression]), [['core', 'none'], ['profile', 'none']]);
  const opened = await ddc.openEvent(bytes, a.keys);
  assert.deepEqual(opened.data, { page: '/x', user: { name: 'Al' } });
  // Without a master key for the user or the bucket, sealing fails.
  await assert.rejects(builder.build({
    bucket: BUCKET, id: 'j2', type: 'view', data: { page: 1 }, keys: new ddc.KeyRing(), userKey: a.user,
  }), ddc.NotFoundError);
  await assert.rejects(builder.build({ bucket: BUCKET, id: 'j3', type: 'view', data: [1], keys: a.keys, userKey: a.user }),
    ddc.InvalidArgumentError);
  await assert.rejects(builder.build({ bucket: BUCKET, id: 'j4', type: 'view', data: {}, keys: a.user, userKey: a.user }),
    { name: 'TypeError', message: 'build.keys: want a ddc.KeyRing' });
  await assert.rejects(builder.build({ bucket: BUCKET, id: 'j5', type: 'view', data: {}, keys: a.keys, userKey: a.keys }),
    { name: 'TypeError', message: 'build.userKey: want a ddc.KeyPair' });
  // An object that only looks like a KeyRing (its prototype) is refused, not unwrapped.
  const fake = Object.create(ddc.KeyRing.prototype);
  await assert.rejects(builder.build({ bucket: BUCKET, id: 'j6', type: 'view', data: {}, keys: fake, userKey: a.user }), TypeError);
  await assert.rejects(builder.build(null), TypeError);
});

test('verifyEvent and openEvent catch tampering', async () => {
  const a = alice();
  const bytes = await pageView(a, 1);
  const event = await ddc.verifyEvent(bytes);
  assert.equal(event.cid, ddc.eventCid(bytes));
  const forged = { ...event, signature: (event.signature[0] === '0' ? '1' : '0') + event.signature.slice(1) };
  await assert.rejects(ddc.verifyEvent(forged), (error) => error instanceof ddc.InvalidEventError && /signature/.test(error.message));
  // A sealed scope whose ciphertext changed: the signature fails and the scope reads as tampered.
  const scopes = event.scopes.map((s) => (s.name === 'profile' ? { ...s, data: Buffer.from(s.data).fill(1, 0, 1) } : s));
  const changed = { ...event, scopes };
  const opened = await ddc.openEvent(changed, a.keys);
  assert.equal(opened.signature, 'failed');
  assert.match(opened.signature_error, /signature/);
  assert.equal(opened.scopes.find((s) => s.name === 'profile').outcome, 'tampered');
  assert.equal(opened.complete, false);
  // `trusted` skips the signature check; then a scope that does not open reads as a wrong key.
  const trusted = await ddc.openEvent(changed, a.keys, { trusted: true });
  assert.equal(trusted.signature, 'trusted');
  assert.equal(trusted.scopes.find((s) => s.name === 'profile').outcome, 'wrong_key');
  assert.throws(() => ddc.decodeEvent(Buffer.from('nope')), ddc.InvalidEventError);
  assert.throws(() => ddc.encodeEvent(Buffer.from('x')), TypeError);
  assert.throws(() => ddc.eventCid({ ...event, scopes: [{ name: 'x', data: '!!' }] }), /not base64/);
  await assert.rejects(ddc.openEvent(bytes, a.keys, { trust: true }), /unknown option 'trust'/);
});

test('tombstones and grants decode to what was asked for', async () => {
  const a = alice();
  const tombstone = await ddc.makeTombstone(a.user, { bucket: BUCKET, reason: 'because', timestampMs: 99 });
  assert.ok(Buffer.isBuffer(tombstone) && tombstone.length > 64);
  await assert.rejects(ddc.makeTombstone(a.user, { bucket: BUCKET, event: 'not a cid' }), ddc.InvalidArgumentError);
  await assert.rejects(ddc.makeTombstone(a.keys, { bucket: BUCKET }), TypeError);
  const partner = ddc.BoxKeyPair.generate();
  const grant = ddc.decodeGrant(await ddc.makeGrant(a.master, {
    bucket: BUCKET, user: null, scope: 'geo', keyVersion: 3, grantee: partner, granter: a.user, createdMs: 123,
  }));
  assert.deepEqual({ ...grant, cid: undefined }, {
    cid: undefined, bucket: BUCKET, user: null, scope: 'geo', key_version: 3,
    grantee: partner.publicKey.toString('hex'), granter: a.user.user, created_ms: 123,
  });
  assert.throws(() => ddc.decodeGrant(Buffer.from([1, 2, 3])), ddc.InvalidArgumentError);
});

test('64-bit values: bigint in, Number or bigint out', async () => {
  const a = alice();
  const big = 2n ** 60n;
  const keys = new ddc.KeyRing();
  keys.addMasterKey(big, a.user.user, a.master);
  const bytes = await a.builder.build({ bucket: big, id: 'b', type: 't', data: { x: 1 }, keys, userKey: a.user, timestampMs: 1n });
  const event = ddc.decodeEvent(bytes);
  assert.equal(event.bucket, big);
  assert.equal(event.time_ms, 1);
  assert.equal(ddc.eventCid(event), ddc.eventCid(bytes));
  assert.throws(() => keys.addMasterKey(-1n, null, a.master), RangeError);
  assert.throws(() => keys.addMasterKey(2 ** 53, null, a.master), RangeError);
});

test('index.d.ts declares exactly what the package exports', () => {
  const fs = require('node:fs');
  const path = require('node:path');
  const declarations = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');
  const declared = new Set([...declarations.matchAll(/^export (?:class|function|const) (\w+)/gm)].map((m) => m[1]));
  assert.deepEqual([...declared].sort(), Object.keys(ddc).sort());
  for (const name of declared) assert.notEqual(ddc[name], undefined, name);
});
