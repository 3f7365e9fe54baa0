// The data viewer's in-browser checks (node/web/app/verify.js, scopes.js) under Node.js, against
// what the C++ code computes:
//   - the pinned vectors of tests/vectors/: scope keys, associated data and sealed scopes
//     (crypto_v1), event CIDs and signatures (event_v1), checkpoint notes and Go's signed-note
//     known answers (checkpoint_v1), a whole event proof bundle (event_proof_v1) and the RFC
//     6962 inclusion proofs (merkle_rfc6962);
//   - scopes ddc-crypto-tool seals under random keys, names, versions and events, which the
//     viewer must open, and must refuse with any other key or any changed label;
//   - zstd scope containers (stored-block frames built here) and what the reader refuses;
//   - every altered byte of a proof makes it fail;
//   - access tokens `ddc token issue` makes decode and check in auth.js, and an altered or
//     widened one is refused; request signatures cover the bytes FORMAT.md defines;
//   - an anchor proof a live ddc-node serves (GET /v1/checkpoints/{size}/anchor) verifies with
//     verifyAnchor against the chain authority and node key of GET /v1/chain, and fails for
//     another note, key, or any altered byte, path hash, index or claim, without throwing.
// The random cases print their seed; DDC_TEST_SEED=<n> replays them.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'

import { anchorNow, checkpoint, getJson, makeUser, putEvent, startNode, tempDir } from './harness.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const app = path.resolve(here, '../../node/web/app')
if (!fs.existsSync(path.resolve(app, '../node_modules/@ipld/dag-cbor'))) {
  throw new Error('node/web/node_modules is missing: run scripts/install-deps (npm ci in node/web)')
}
const { fromHex, toHex, toBase64 } = await import(path.join(app, 'bytes.js'))
const verify = await import(path.join(app, 'verify.js'))
const scopes = await import(path.join(app, 'scopes.js'))
const auth = await import(path.join(app, 'auth.js'))
const { ScaleReader } = await import(path.join(app, 'scale.js'))
const { blake2b } = await import(path.resolve(app, '../node_modules/@noble/hashes/blake2.js'))
const dagCbor = await import(path.resolve(app, '../node_modules/@ipld/dag-cbor/src/index.js'))

const vector = (name) => JSON.parse(fs.readFileSync(path.resolve(here, '../vectors', name), 'utf8'))
const hex = (bytes) => toHex(bytes)

test('scope keys, associated data and sealed scopes match crypto_v1.json', () => {
  const v = vector('crypto_v1.json')
  for (const d of v.derive) {
    assert.equal(hex(scopes.deriveScopeKey(fromHex(d.master_hex), d.scope_name, d.key_version)), d.scope_key_hex)
  }
  for (const a of v.associated_data) {
    assert.equal(hex(scopes.scopeAssociatedData(a.bucket, fromHex(a.user_hex), a.event_id, a.scope_name,
      a.key_version, a.compression)), a.ad_hex)
  }
  assert.ok(v.scopes.length >= 3)
  for (const s of v.scopes) {
    const key = scopes.deriveScopeKey(fromHex(s.master_hex), s.scope_name, s.key_version)
    assert.equal(hex(key), s.scope_key_hex)
    const event = { bucket: s.bucket, user: fromHex(s.user_hex), id: s.event_id }
    const scope = { name: s.scope_name, kv: s.key_version, comp: s.compression, nonce: fromHex(s.nonce_hex), ct: fromHex(s.sealed_hex) }
    assert.equal(hex(scopes.openScope(key, event, scope)), s.plaintext_hex)
    assert.equal(scopes.openScope(new Uint8Array(32), event, scope), null, 'another key does not open it')
    assert.equal(scopes.openScope(key, { ...event, id: event.id.slice(0, -1) + (event.id.endsWith('y') ? 'z' : 'y') }, scope), null, 'another event id')
    assert.equal(scopes.openScope(key, event, { ...scope, comp: 1 - scope.comp }), null, 'another compression')
  }
})

test('event CIDs and signatures match event_v1.json', () => {
  const v = vector('event_v1.json')
  for (const e of v.vectors) {
    const bytes = fromHex(e.event_hex)
    assert.equal(verify.cidOf(bytes).toString(), e.cid, e.name)
    const event = verify.decodeEvent(bytes)
    assert.deepEqual(verify.verifyEventSignature(event).ok, true, e.name)
    if (!event.batch) assert.equal(hex(verify.signingBytes(event)), e.signing_bytes_hex, e.name)
    // Another signature, or a changed field, does not verify.
    const sig = Uint8Array.from(event.sig)
    sig[0] ^= 1
    assert.equal(verify.verifyEventSignature({ ...event, sig }).ok, false, e.name)
    assert.equal(verify.verifyEventSignature({ ...event, type: event.type + 'x' }).ok, false, e.name)
  }
  // A non-canonical encoding of the same map is refused.
  const bytes = fromHex(v.vectors[0].event_hex)
  const longer = Uint8Array.from([0xb9, 0x00, bytes[0] & 0x1f, ...bytes.subarray(1)])
  assert.throws(() => verify.decodeEvent(longer))
})

test('checkpoint notes and signed-note known answers of checkpoint_v1.json', () => {
  const v = vector('checkpoint_v1.json')
  const c = v.ddc_checkpoint
  const got = verify.verifyCheckpoint(c.note, c.verifier_key)
  assert.equal(got.ok, true, got.detail)
  assert.equal(got.checkpoint.origin, c.origin)
  assert.equal(got.checkpoint.size, BigInt(c.size))
  assert.equal(hex(got.checkpoint.root), c.root_hex)
  assert.equal(got.checkpoint.timeMs, c.time_ms)
  assert.equal(hex(verify.parseVerifierKey(c.verifier_key).keyId), c.key_id_hex)
  // Go's note package: its note verifies, a line by another key is ignored, a changed body fails.
  const g = v.sumdb_note
  assert.equal(verify.verifyNote(g.note, g.verifier_key), g.text)
  assert.equal(verify.verifyNote(g.note + g.other_signature_line, g.verifier_key), g.text)
  assert.throws(() => verify.verifyNote(g.note, g.other_verifier_key), /no signature by key/)
  assert.throws(() => verify.verifyNote(g.note.replace('cryptography', 'Cryptography'), g.verifier_key), /bad signature/)
  assert.equal(verify.verifyCheckpoint(c.note.replace('\n8\n', '\n9\n'), c.verifier_key).ok, false)
  assert.equal(verify.verifyCheckpoint(c.note, g.verifier_key).ok, false)
})

test('inclusion paths of merkle_rfc6962.json', () => {
  const v = vector('merkle_rfc6962.json')
  for (const p of v.inclusion) {
    const leaf = verify.leafHash(fromHex(v.leaves[p.index]))
    const root = verify.rootFromInclusionPath(p.index, p.size, leaf, p.proof.map(fromHex))
    assert.equal(hex(root), v.roots[p.size - 1], `leaf ${p.index} of ${p.size}`)
    if (p.proof.length > 0) {
      assert.throws(() => verify.rootFromInclusionPath(p.index, p.size, leaf, p.proof.slice(1).map(fromHex)))
    }
    assert.throws(() => verify.rootFromInclusionPath(p.index, p.size, leaf, [...p.proof, v.empty_root].map(fromHex)))
  }
  assert.throws(() => verify.rootFromInclusionPath(8, 8, new Uint8Array(32), []))
})

// The bundle of event_proof_v1.json in the JSON shape of GET /v1/events/{cid}/proof.
function proofJson (bundle) {
  return {
    event: toBase64(bundle.event),
    position: bundle.position,
    timeline_path: bundle.tpath.map(hex),
    journal_index: bundle.jidx,
    journal_path: bundle.jpath.map(hex),
    checkpoint: bundle.checkpoint
  }
}

test('the event proof of event_proof_v1.json verifies, and fails for any altered part', () => {
  const v = vector('event_proof_v1.json')
  const proof = proofJson(dagCbor.decode(fromHex(v.bundle_hex)))
  const good = verify.verifyEventProof(proof, v.event_cid, v.node_verifier_key)
  assert.equal(good.ok, true, JSON.stringify(good.checks, (k, x) => (typeof x === 'bigint' ? String(x) : x)))
  const expectFail = (altered, why) => {
    const r = verify.verifyEventProof(altered, v.event_cid, v.node_verifier_key)
    assert.equal(r.ok, false, why)
  }
  for (const [field, list] of [['timeline_path', proof.timeline_path], ['journal_path', proof.journal_path]]) {
    assert.ok(list.length > 0, field)
    for (let i = 0; i < list.length; ++i) {
      const changed = [...list]
      changed[i] = (changed[i][0] === '0' ? '1' : '0') + changed[i].slice(1)
      expectFail({ ...proof, [field]: changed }, `${field}[${i}] changed`)
    }
    expectFail({ ...proof, [field]: list.slice(1) }, `${field} shortened`)
  }
  expectFail({ ...proof, position: proof.position + 1 }, 'another position')
  expectFail({ ...proof, journal_index: proof.journal_index + 1 }, 'another journal index')
  const event = Buffer.from(proof.event, 'base64')
  for (let i = 0; i < event.length; i += 7) {
    const changed = Buffer.from(event)
    changed[i] ^= 0x20
    expectFail({ ...proof, event: changed.toString('base64') }, `event byte ${i} changed`)
  }
  expectFail({ ...proof, checkpoint: proof.checkpoint.replace(/\n(\d+)\n/, (m, n) => `\n${Number(n) + 1}\n`) }, 'checkpoint size')
  assert.equal(verify.verifyEventProof(proof, v.event_cid, vector('checkpoint_v1.json').ddc_checkpoint.verifier_key).ok, false)
  // A proof of another event does not prove this one.
  assert.equal(verify.verifyEventProof(proof, verify.cidOf(new Uint8Array([0xa0])).toString(), v.node_verifier_key).ok, false)
})

test('scopes ddc-crypto-tool seals open in the viewer, with the right key only', () => {
  const tool = process.env.DDC_CRYPTO_TOOL
  assert.ok(tool && fs.existsSync(tool), 'DDC_CRYPTO_TOOL (set by ctest) names ddc-crypto-tool')
  const seed = process.env.DDC_TEST_SEED !== undefined ? Number(process.env.DDC_TEST_SEED) : crypto.randomInt(2 ** 31)
  console.log(`verify.test: DDC_TEST_SEED=${seed}`)
  let state = seed >>> 0
  const random = (n) => {
    state = (state * 1103515245 + 12345) >>> 0
    return state % n
  }
  const bytes = (n) => Uint8Array.from({ length: n }, () => random(256))
  const cases = []
  for (let i = 0; i < 40; ++i) {
    const name = 'abcdefghijklmnopqrstuvwxyz0123456789_.-'.split('').filter(() => random(3) === 0).join('') || 'profile'
    const kv = [0, 1, 2, 4294967295][random(4)]
    const comp = random(2)
    const bucket = [0n, 7n, 18446744073709551615n][random(3)]
    const id = random(2) ? `evt-${i}` : 'ünïcode-' + i
    cases.push({ master: bytes(32), name, kv, comp, bucket, user: bytes(32), id, plain: bytes(random(300)) })
  }
  const lines = []
  for (const c of cases) {
    const key = hex(scopes.deriveScopeKey(c.master, c.name, c.kv))
    lines.push(`derive ${hex(c.master)} ${c.name} ${c.kv}`)
    lines.push(`seal-scope ${key} ${c.bucket} ${hex(c.user)} ${hex(Buffer.from(c.id))} ${c.name} ${c.kv} ${c.comp} ${hex(c.plain)}`)
  }
  const r = spawnSync(tool, ['batch'], { input: lines.join('\n') + '\n', encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  const answers = r.stdout.trim().split('\n')
  assert.equal(answers.length, lines.length)
  cases.forEach((c, i) => {
    const key = scopes.deriveScopeKey(c.master, c.name, c.kv)
    assert.equal(answers[2 * i], hex(key), `scope key of case ${i}`)
    const [nonce, sealed] = answers[2 * i + 1].split(' ')
    const event = { bucket: c.bucket, user: c.user, id: c.id }
    const scope = { name: c.name, kv: c.kv, comp: c.comp, nonce: fromHex(nonce), ct: fromHex(sealed ?? '') }
    assert.equal(hex(scopes.openScope(key, event, scope) ?? new Uint8Array([1])), hex(c.plain), `case ${i}`)
    assert.equal(scopes.openScope(scopes.deriveScopeKey(c.master, c.name, c.kv + 1 > 4294967295 ? 0 : c.kv + 1), event, scope), null)
    assert.equal(scopes.openScope(key, { ...event, bucket: BigInt(c.bucket) ^ 1n }, scope), null)
    assert.equal(scopes.openScope(key, event, { ...scope, name: c.name + 'x' }), null)
  })
})

// One zstd frame holding `content` as a single raw (stored) block; `withSize` records the
// content size in the header (single-segment, 4-byte field).
function storedFrame (content, withSize = true) {
  const header = withSize
    ? [0x28, 0xb5, 0x2f, 0xfd, 0xa0, ...new Uint8Array(new Uint32Array([content.length]).buffer)]
    : [0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x50]
  const block = (content.length << 3) | 1 // last block, raw
  return Uint8Array.from([...header, block & 0xff, (block >> 8) & 0xff, (block >> 16) & 0xff, ...content])
}

test('zstd scope containers: opened when sound, refused otherwise', () => {
  const json = Buffer.from(JSON.stringify({ user: { email: 'a@x' }, n: 1 }))
  assert.deepEqual(scopes.scopeJson(storedFrame(json), 1), { user: { email: 'a@x' }, n: 1 })
  assert.deepEqual(scopes.scopeJson(json, 0), { user: { email: 'a@x' }, n: 1 })
  assert.throws(() => scopes.scopeJson(storedFrame(json, false), 1), /does not record its content size/)
  assert.throws(() => scopes.scopeJson(json, 1), /not a zstd frame/)
  const huge = storedFrame(json)
  huge.set(new Uint8Array(new Uint32Array([17 << 20]).buffer), 5)
  assert.throws(() => scopes.scopeJson(huge, 1), /more than the cap/)
  assert.throws(() => scopes.scopeJson(Buffer.from('[1]'), 0), /not a JSON object/)
  assert.throws(() => scopes.scopeJson(Uint8Array.of(0xff), 0))
})

test('access tokens from `ddc token issue` are decoded and checked; altered ones are refused', () => {
  const cli = process.env.DDC_CLI
  assert.ok(cli && fs.existsSync(cli), 'DDC_CLI (ctest sets it)')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddc-web-auth-'))
  try {
    const env = { ...process.env, DDC_PASSPHRASE: 'p', DDC_KEYSTORE_FAST: '1', DDC_KEYSTORE: path.join(dir, 'ks') }
    const call = (args) => {
      const r = spawnSync(cli, args, { env, encoding: 'utf8' })
      assert.equal(r.status, 0, r.stderr)
      return r.stdout.trim()
    }
    const owner = call(['keygen', '--sign', 'owner'])
    const subject = call(['keygen', '--sign', 'reader'])
    const expires = Date.now() + 3_600_000
    const token = call(['token', 'issue', '--as', 'owner', '--bucket', '9007199254740993', '--to', subject,
      '--ops', 'read,open', '--expires', String(expires), '--delegate'])
    const t = auth.parseToken(token)
    assert.equal(t.bucket, 9007199254740993n)
    assert.equal(t.rootIssuer, owner)
    assert.equal(t.subject, subject)
    assert.equal(auth.opsString(t.ops), 'read,open')
    assert.equal(t.expiresMs, BigInt(expires))
    const other = crypto.randomBytes(32).toString('hex')
    const delegated = call(['token', 'delegate', '--token', writeFile(dir, 'token', token), '--as', 'reader',
      '--to', other, '--ops', 'read'])
    const d = auth.parseToken(delegated)
    assert.equal(d.links, 2)
    assert.equal(d.subject, other)
    assert.equal(auth.opsString(d.ops), 'read')
    // Every altered byte of a link is refused.
    const bytes = fromBase64Text(token)
    for (let i = 0; i < bytes.length; ++i) {
      const altered = Uint8Array.from(bytes)
      altered[i] ^= 1
      assert.throws(() => auth.parseToken(toBase64(altered)), undefined, `byte ${i}`)
    }
    // A second link by the root's issuer instead of its subject, and one that widens.
    const [root, second] = delegated.split('.')
    assert.throws(() => auth.parseToken(`${second}.${root}`), /is not issued by the subject|widens|expires later/)
    assert.throws(() => auth.parseToken(`${token}.${token}`), /not issued by the subject/)
    assert.throws(() => auth.parseToken(Array(9).fill(token).join('.')), /at most 8/)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('request signatures cover the bytes of "Signed request, version 1"', () => {
  const empty = new TextDecoder().decode(auth.requestSigningBytes('GET', '/v1/buckets/7/users', 1700000000000, null))
  assert.match(empty, /^ddc-request-v1\nGET\n\/v1\/buckets\/7\/users\n1700000000000\n0e5751c0[0-9a-f]{49}12fe3a8$/)
  const body = new TextDecoder().decode(auth.requestSigningBytes('POST', '/x?a=1', 5, new TextEncoder().encode('abc')))
  assert.equal(body.split('\n').at(-1), toHex(blake2b(new TextEncoder().encode('abc'), { dkLen: 32 })))
  assert.deepEqual(auth.signedHeaders('GET', '/v1/node'), {}, 'no headers without credentials')
})

function writeFile (dir, name, text) {
  const file = path.join(dir, name)
  fs.writeFileSync(file, text)
  return file
}

function fromBase64Text (text) {
  return Uint8Array.from(Buffer.from(text, 'base64'))
}

test('the SCALE reader takes compact integers in their shortest form only', () => {
  const read = (text, max) => {
    const r = new ScaleReader(fromHex(text), 'test')
    const v = r.compact(max)
    r.finish()
    return v
  }
  // Parity's SCALE codec's own examples and each mode's bounds.
  for (const [text, value] of [['00', 0n], ['04', 1n], ['a8', 42n], ['fc', 63n], ['0101', 64n],
    ['1501', 69n], ['fdff', 16383n], ['02000100', 16384n], ['feffffff', (1n << 30n) - 1n],
    ['0300000040', 1n << 30n], ['03ffffffff', (1n << 32n) - 1n], ['070000000001', 1n << 32n],
    ['0b00407a10f35a', 100000000000000n], ['13ffffffffffffffff', (1n << 64n) - 1n]]) {
    assert.equal(read(text), value, text)
  }
  for (const text of ['0100', 'fd00', '02000000', 'feff0000', '03ffffff3f', '070000000000',
    '1700000000000000000001', '01', '02ffff', '03ffffff', '']) {
    assert.throws(() => read(text), /test: /, text)
  }
  assert.throws(() => read('070000000001', 0xffffffffn), /above/)
  assert.equal(read('fc', 63n), 63n)
  assert.throws(() => read('0101', 63n), /compact integer 64 above 63 at byte 0/)
  assert.throws(() => read('0400'), /1 trailing bytes at byte 1/)
  const r = new ScaleReader(fromHex('0c616263ff'), 'vec')
  assert.equal(Buffer.from(r.byteString(3)).toString(), 'abc')
  assert.throws(() => new ScaleReader(fromHex('10616263'), 'vec').byteString(3), /above 3/)
  assert.throws(() => new ScaleReader(fromHex('0c6162'), 'vec').byteString(3), /truncated/)
})

// Flips one bit of byte `i` of a hex string.
function flipHexByte (text, i) {
  const byte = (parseInt(text.slice(2 * i, 2 * i + 2), 16) ^ 1).toString(16).padStart(2, '0')
  return text.slice(0, 2 * i) + byte + text.slice(2 * i + 2)
}

test('anchor proofs of a live ddc-node verify in verifyAnchor, and fail for anything altered', async () => {
  const dir = tempDir('ddc-web-anchor-')
  // Checkpoints and anchors only when this test asks for them.
  const node = await startNode(path.join(dir, 'data'),
    ['--auth', 'off', '--checkpoint-interval-ms', '0', '--anchor-interval-ms', '0'])
  try {
    const user = makeUser(dir, 'anchorer')
    await putEvent(node, dir, user, {
      bucket: 3, id: 'a1', type: 'page_view', time: 1_767_225_600_000, publicScopes: { meta: { n: 1 } }
    })
    const cp = await checkpoint(node)
    const before = await getJson(node, `/v1/checkpoints/${cp.size}/anchor`)
    assert.equal(before.status, 404)
    assert.equal(before.body.error.code, 'not_anchored')
    assert.equal((await getJson(node, `/v1/checkpoints/${cp.size + 1}/anchor`)).body.error.code, 'not_found')
    const made = await anchorNow(node)
    const { status, body: anchor } = await getJson(node, `/v1/checkpoints/${cp.size}/anchor`)
    assert.equal(status, 200)
    assert.equal(anchor.checkpoint.note, cp.note)
    const { status: chainStatus, body: chain } = await getJson(node, '/v1/chain')
    assert.equal(chainStatus, 200)
    const authority = chain.authority
    const submitter = chain.node_account.key

    const good = verify.verifyAnchor(anchor, cp.note, authority, submitter)
    assert.equal(good.ok, true, good.detail)
    assert.deepEqual(good.block, {
      number: made.anchor.block.number, hash: made.anchor.block.hash, timeMs: made.anchor.block.time_ms
    })
    assert.equal(good.block.hash, hex(blake2b(fromHex(anchor.proof.header), { dkLen: 32 })))
    assert.ok(good.block.number >= 1 && good.block.number <= chain.best.number)
    assert.equal(good.index, anchor.proof.index)

    const fails = (altered, why, note = cp.note, auth = authority, sub = submitter) => {
      const r = verify.verifyAnchor(altered, note, auth, sub)
      assert.equal(r.ok, false, `${why}: ${r.detail}`)
      assert.equal(typeof r.detail, 'string', why)
      assert.equal(r.block, null, why)
      return r.detail
    }
    const withProof = (change) => ({ ...anchor, proof: { ...anchor.proof, ...change } })
    const random32 = () => crypto.randomBytes(32).toString('hex')

    // Another note: changed by one character, and another signed checkpoint of the same size.
    assert.match(fails(anchor, 'note changed', cp.note.replace(/\n$/, ' \n')), /not this checkpoint/)
    const again = await checkpoint(node)
    assert.equal(again.size, cp.size)
    fails(anchor, 'another note of the same size', again.note)
    // Other keys.
    assert.match(fails(anchor, 'authority changed', cp.note, random32()), /seal of block/)
    fails(anchor, 'the node key as authority', cp.note, submitter)
    assert.match(fails(anchor, 'submitter changed', cp.note, authority, random32()), /not by the expected key/)
    fails(anchor, 'the authority as submitter', cp.note, authority, authority)
    // Every byte of the header, the anchoring extrinsic and the timestamp inherent.
    for (const field of ['header', 'extrinsic', 'time_extrinsic']) {
      for (let i = 0; i < anchor.proof[field].length / 2; ++i) {
        fails(withProof({ [field]: flipHexByte(anchor.proof[field], i) }), `${field} byte ${i} flipped`)
      }
      fails(withProof({ [field]: anchor.proof[field].slice(0, -2) }), `${field} truncated`)
      fails(withProof({ [field]: anchor.proof[field] + '00' }), `${field} with a trailing byte`)
      fails(withProof({ [field]: anchor.proof[field].toUpperCase() }), `${field} in upper case`)
      fails(withProof({ [field]: anchor.proof[field].slice(1) }), `${field} of odd length`)
      fails(withProof({ [field]: 42 }), `${field} not a string`)
    }
    // Every hash of both paths, and the paths' lengths.
    for (const field of ['path', 'time_path']) {
      const list = anchor.proof[field]
      assert.ok(list.length > 0, `${field} is not empty in a block of ${anchor.proof.count}`)
      for (let i = 0; i < list.length; ++i) {
        for (const at of [0, 31]) {
          const changed = [...list]
          changed[i] = flipHexByte(changed[i], at)
          fails(withProof({ [field]: changed }), `${field}[${i}] byte ${at} flipped`)
        }
      }
      fails(withProof({ [field]: list.slice(1) }), `${field} shortened`)
      fails(withProof({ [field]: [...list, list[0]] }), `${field} lengthened`)
      fails(withProof({ [field]: list.join('') }), `${field} not a list`)
    }
    // Indexes and counts.
    const { index, count } = anchor.proof
    for (const other of [0, index - 1, index + 1, count, -1, 1.5, String(index)]) {
      if (other !== index) fails(withProof({ index: other }), `index ${other}`)
    }
    for (const other of [0, count - 1, count + 1, 4097, String(count)]) {
      if (other !== count) fails(withProof({ count: other }), `count ${other}`)
    }
    // The answer's claims must be what the proof shows.
    const claim = (change) => ({ ...anchor, anchor: { ...anchor.anchor, ...change } })
    fails(claim({ block: { ...anchor.anchor.block, number: anchor.anchor.block.number + 1 } }), 'claimed block number')
    fails(claim({ block: { ...anchor.anchor.block, hash: random32() } }), 'claimed block hash')
    fails(claim({ block: { ...anchor.anchor.block, time_ms: anchor.anchor.block.time_ms + 1 } }), 'claimed block time')
    fails(claim({ index: index + 1 }), 'claimed index')
    fails(claim({ extrinsic_hash: random32() }), 'claimed extrinsic hash')
    fails(claim({ submitter: authority }), 'claimed submitter')
    // Malformed answers and arguments give a result, never an exception.
    for (const [answer, why] of [[null, 'null'], [{}, 'no proof'], [{ ...anchor, anchor: null }, 'no anchor'],
      [withProof({ header: '' }), 'empty header'], [{ ...anchor, proof: 'x' }, 'proof not an object']]) {
      fails(answer, why)
    }
    fails(anchor, 'note not a string', 7)
    fails(anchor, 'short authority', cp.note, authority.slice(2))
    fails(anchor, 'authority not hex', cp.note, 'zz' + authority.slice(2))
    fails(anchor, 'submitter missing', cp.note, authority, null)
    // The proof was not changed by any of the above.
    assert.equal(verify.verifyAnchor(anchor, cp.note, authority, submitter).ok, true)
  } finally {
    assert.equal(await node.stop(), 0, 'ddc-node exits 0 on SIGTERM')
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('a node without a chain answers 501 no_chain for its chain and anchors', async () => {
  const dir = tempDir('ddc-web-nochain-')
  const node = await startNode(path.join(dir, 'data'), ['--auth', 'off', '--checkpoint-interval-ms', '0', '--chain', 'off'])
  try {
    const user = makeUser(dir, 'plain')
    await putEvent(node, dir, user, { bucket: 3, id: 'p1', type: 't', time: 1_767_225_600_000, publicScopes: { meta: { n: 1 } } })
    const cp = await checkpoint(node)
    for (const target of ['/v1/chain', `/v1/checkpoints/${cp.size}/anchor`]) {
      const { status, body } = await getJson(node, target)
      assert.equal(status, 501, target)
      assert.equal(body.error.code, 'no_chain', target)
    }
  } finally {
    assert.equal(await node.stop(), 0, 'ddc-node exits 0 on SIGTERM')
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
