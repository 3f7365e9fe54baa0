// Interop test: ddc's events against @ipld/dag-cbor, multiformats + @multiformats/blake2 and
// @noble/ed25519, libraries that no one here wrote. Signing bytes, batch roots and the RFC 9162
// inclusion fold are rebuilt here from the spec (docs/FORMAT.md "Event, version 1"), not taken
// from the tool.
//
//   node event_interop.mjs /path/to/ddc-event-tool
//
// 1. Events the tool generates (single- and batch-signed, sealed and public scopes, with and
//    without prev) decode with @ipld/dag-cbor and re-encode byte-identical; multiformats gives
//    the same CID; @noble/ed25519 verifies the signature over the signing bytes rebuilt here
//    (drop sig and batch, dag-cbor encode, prefix the domain) and, for batch events, over the
//    root recomputed here from the event's unsigned CID and its path.
// 2. Events built and signed here (single and batch) are accepted by the tool with the same CID.
// 3. Events with a random byte flipped are rejected by the tool with a message.
// 4. The pinned vectors in tests/vectors/event_v1.json are what these libraries compute.
//
// The seed is printed; DDC_TEST_SEED=<n> replays a run. Exits non-zero on any mismatch.
import { spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const kGenerated = 300
const kBuiltRounds = 60
const kFlips = 300
const kEventDomain = new TextEncoder().encode('ddc-event-v1\n')
const kBatchDomain = new TextEncoder().encode('ddc-batch-v1\n')
const kDagCbor = 0x71

function die (message) {
  console.error(`event_interop: ${message}`)
  process.exit(1)
}

for (const pkg of ['@ipld/dag-cbor', 'multiformats', '@multiformats/blake2', '@noble/ed25519',
  '@noble/hashes']) {
  if (!fs.existsSync(path.join(here, 'node_modules', pkg))) {
    die(`${path.join(here, 'node_modules', pkg)} is missing: run scripts/install-deps ` +
        '(npm install in tests/interop)')
  }
}
// Imported after the check above so that a missing install fails with the hint, not a stack.
const dagCbor = await import('@ipld/dag-cbor')
const { CID } = await import('multiformats/cid')
const { blake2b256 } = await import('@multiformats/blake2/blake2b')
const ed = await import('@noble/ed25519')
const { sha512 } = await import('@noble/hashes/sha2.js')
ed.hashes.sha512 = sha512

const tool = process.argv[2]
if (!tool) die('usage: node event_interop.mjs /path/to/ddc-event-tool')
if (!fs.existsSync(tool)) die(`${tool} does not exist (build the ddc-event-tool target first)`)

// A small seeded generator (mulberry32) so that a failing run can be replayed exactly.
const seed = process.env.DDC_TEST_SEED !== undefined
  ? Number(process.env.DDC_TEST_SEED) >>> 0
  : (Date.now() ^ process.pid) >>> 0
console.log(`event_interop: DDC_TEST_SEED=${seed}`)
let state = seed
function random32 () {
  state = (state + 0x6d2b79f5) >>> 0
  let t = state
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return (t ^ (t >>> 14)) >>> 0
}
const pick = (n) => random32() % n
function randomBytes (n) {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; ++i) out[i] = random32() & 0xff
  return out
}

const toHex = (bytes) => Buffer.from(bytes).toString('hex')
const fromHex = (hex) => Uint8Array.from(Buffer.from(hex, 'hex'))
const concat = (...parts) => Uint8Array.from(Buffer.concat(parts.map((p) => Buffer.from(p))))
const equal = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0

let passed = 0
const failures = []
function check (ok, what) {
  if (ok) {
    ++passed
  } else {
    failures.push(what)
    console.error(`MISMATCH: ${what}`)
  }
}

function runTool (args, input) {
  const r = spawnSync(tool, args, { input, encoding: 'utf8', maxBuffer: 256 << 20 })
  if (r.error) die(`cannot run ${tool}: ${r.error.message}`)
  if (r.status !== 0) die(`${tool} ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  const lines = r.stdout.split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines
}

// `check` prints one line per input line, in order.
function toolCheck (hexes) {
  const lines = runTool(['check'], hexes.join('\n') + '\n')
  if (lines.length !== hexes.length) die(`check printed ${lines.length} lines for ${hexes.length}`)
  return lines
}

// ---- RFC 9162 Merkle tree, SHA-256 ----
const sha256 = (...parts) => {
  const h = crypto.createHash('sha256')
  for (const p of parts) h.update(p)
  return new Uint8Array(h.digest())
}
const leafHash = (data) => sha256(Uint8Array.of(0), data)
const nodeHash = (left, right) => sha256(Uint8Array.of(1), left, right)
const splitPoint = (n) => { let k = 1; while (k * 2 < n) k *= 2; return k }
function mth (leaves) {
  if (leaves.length === 1) return leaves[0]
  const k = splitPoint(leaves.length)
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)))
}
function inclusionPath (index, leaves) {
  if (leaves.length <= 1) return []
  const k = splitPoint(leaves.length)
  return index < k
    ? [...inclusionPath(index, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...inclusionPath(index - k, leaves.slice(k)), mth(leaves.slice(0, k))]
}
// RFC 9162 section 2.1.3.2: the root an inclusion proof leads to, or null.
function rootFromPath (index, size, leaf, proof) {
  if (index >= size) return null
  let fn = index
  let sn = size - 1
  let r = leaf
  for (const p of proof) {
    if (sn === 0) return null
    if ((fn & 1) === 1 || fn === sn) {
      r = nodeHash(p, r)
      while ((fn & 1) === 0 && fn !== 0) { fn >>= 1; sn >>= 1 }
    } else {
      r = nodeHash(r, p)
    }
    fn >>= 1
    sn >>= 1
  }
  return sn === 0 ? r : null
}

// ---- The event rules, rebuilt from the spec ----
async function cidOf (bytes) {
  return CID.create(1, kDagCbor, await blake2b256.digest(bytes))
}
function unsignedBytes (event) {
  const copy = { ...event }
  delete copy.sig
  delete copy.batch
  return dagCbor.encode(copy)
}
function batchMessage (size, root) {
  const le = Buffer.alloc(8)
  le.writeBigUInt64LE(BigInt(size))
  return concat(kBatchDomain, le, root)
}

// Checks one encoded event the tool made; returns a short description of its kind.
async function checkToolEvent (hex, cidString, what) {
  const bytes = fromHex(hex)
  let event
  try {
    event = dagCbor.decode(bytes)
  } catch (e) {
    check(false, `${what}: @ipld/dag-cbor cannot decode: ${e.message}`)
    return null
  }
  check(equal(dagCbor.encode(event), bytes), `${what}: dag-cbor re-encoding differs`)
  const cid = await cidOf(bytes)
  check(cid.toString() === cidString, `${what}: ddc CID ${cidString} != multiformats ${cid}`)
  check(event.v === 1, `${what}: v is ${event.v}`)
  const unsigned = unsignedBytes(event)
  if (event.batch === undefined) {
    const ok = ed.verify(event.sig, concat(kEventDomain, unsigned), event.user)
    check(ok, `${what}: @noble/ed25519 rejects the single signature`)
  } else {
    const { path: proof, root, size, index } = event.batch
    const leaf = leafHash((await cidOf(unsigned)).bytes)
    const computed = rootFromPath(index, size, leaf, proof)
    check(computed !== null && equal(computed, root),
      `${what}: batch path does not lead to the root (index ${index} of ${size})`)
    const ok = ed.verify(event.sig, batchMessage(size, root), event.user)
    check(ok, `${what}: @noble/ed25519 rejects the batch signature`)
  }
  const kinds = []
  kinds.push(event.batch === undefined ? 'single' : 'batch')
  if (event.prev !== undefined) kinds.push('prev')
  for (const s of event.scopes) kinds.push(s.ct !== undefined ? 'sealed' : 'public')
  return kinds
}

// An event built here from the spec, signed with @noble/ed25519.
const kNameBytes = 'abcdefghijklmnopqrstuvwxyz0123456789_.-'
function randomName () {
  let s = ''
  const n = 1 + pick(12)
  for (let i = 0; i < n; ++i) s += kNameBytes[pick(kNameBytes.length)]
  return s
}
async function buildEvent (user, i) {
  const names = new Set()
  const n = pick(5)
  while (names.size < n) names.add(randomName())
  const scopes = [...names].sort().map((name) => pick(2) === 0
    ? { ct: randomBytes(16 + pick(200)), kv: pick(1000), comp: pick(2), name, nonce: randomBytes(24) }
    : { pt: randomBytes(pick(200)), comp: pick(2), name })
  const event = {
    v: 1,
    id: `js-${i}-${random32()}`,
    ts: 1700000000000 + pick(1000000),
    type: ['click', 'page_view', 'purchase'][pick(3)],
    user,
    bucket: pick(2) === 0 ? pick(100) : 2 ** 40 + pick(1000),
    scopes
  }
  if (pick(2) === 0) event.prev = await cidOf(randomBytes(8))
  return event
}

const generated = []  // [hex, cid]
try {
  // 1. The tool's events, checked here.
  const lines = runTool(['gen', String(seed), String(kGenerated)])
  check(lines.length === kGenerated, `gen printed ${lines.length} lines, want ${kGenerated}`)
  const seen = new Map()
  for (const [i, line] of lines.entries()) {
    const [hex, cidString] = line.split(' ')
    generated.push([hex, cidString])
    const kinds = await checkToolEvent(hex, cidString, `generated event ${i}`)
    for (const k of kinds ?? []) seen.set(k, (seen.get(k) ?? 0) + 1)
  }
  for (const k of ['single', 'batch', 'prev', 'sealed', 'public']) {
    check((seen.get(k) ?? 0) > 0, `the tool generated no ${k} events`)
  }

  // 2. Events built and signed here; the tool must accept them with the same CID.
  const built = []  // [hex, cid]
  for (let round = 0; round < kBuiltRounds; ++round) {
    const secret = randomBytes(32)
    const user = ed.getPublicKey(secret)
    const n = pick(2) === 0 ? 1 : 1 + pick(7)
    const events = []
    for (let i = 0; i < n; ++i) events.push(await buildEvent(user, round * 100 + i))
    if (n === 1 && pick(2) === 0) {
      events[0].sig = ed.sign(concat(kEventDomain, unsignedBytes(events[0])), secret)
    } else {
      const leaves = []
      for (const e of events) leaves.push(leafHash((await cidOf(unsignedBytes(e))).bytes))
      const root = mth(leaves)
      const sig = ed.sign(batchMessage(n, root), secret)
      events.forEach((e, index) => {
        e.sig = sig
        e.batch = { path: inclusionPath(index, leaves), root, size: n, index }
      })
    }
    for (const e of events) {
      const bytes = dagCbor.encode(e)
      built.push([toHex(bytes), (await cidOf(bytes)).toString()])
    }
  }
  const builtLines = toolCheck(built.map(([hex]) => hex))
  built.forEach(([hex, cid], i) => {
    check(builtLines[i] === `ok ${cid}`, `JS event ${i}: tool says "${builtLines[i]}", want ok ${cid}`)
  })
  // A JS event signed over the wrong bytes (no domain prefix) must be rejected.
  {
    const secret = randomBytes(32)
    const e = await buildEvent(ed.getPublicKey(secret), 0)
    e.sig = ed.sign(unsignedBytes(e), secret)
    const [line] = toolCheck([toHex(dagCbor.encode(e))])
    check(line.startsWith('error event: signature does not verify for user '),
      `event signed without the domain prefix: tool says "${line}"`)
  }

  // 3. Flipped bytes: the tool must reject every one with a message.
  const all = [...generated, ...built]
  const flipped = []
  for (let i = 0; i < kFlips; ++i) {
    const [hex] = all[pick(all.length)]
    const bytes = fromHex(hex)
    const at = pick(bytes.length)
    bytes[at] ^= 1 + pick(255)
    flipped.push([toHex(bytes), at])
  }
  const flippedLines = toolCheck(flipped.map(([hex]) => hex))
  flipped.forEach(([hex, at], i) => {
    const line = flippedLines[i]
    check(line.startsWith('error event: ') && line.length > 'error event: '.length,
      `flipped byte ${at}: tool says "${line}" for ${hex.slice(0, 80)}...`)
  })

  // 4. The pinned vectors.
  const vectorFile = path.join(here, '..', 'vectors', 'event_v1.json')
  const { vectors } = JSON.parse(fs.readFileSync(vectorFile, 'utf8'))
  if (!Array.isArray(vectors) || vectors.length === 0) die(`${vectorFile} has no vectors`)
  for (const v of vectors) {
    const what = `vector ${v.name}`
    await checkToolEvent(v.event_hex, v.cid, what)
    const event = dagCbor.decode(fromHex(v.event_hex))
    const secret = fromHex(v.seed_hex)
    check(toHex(ed.getPublicKey(secret)) === v.public_key_hex, `${what}: public key differs`)
    check(toHex(event.user) === v.public_key_hex, `${what}: user is not the pinned key`)
    const unsigned = unsignedBytes(event)
    const signing = concat(kEventDomain, unsigned)
    check(toHex(signing) === v.signing_bytes_hex, `${what}: signing bytes differ`)
    check((await cidOf(unsigned)).toString() === v.unsigned_cid, `${what}: unsigned CID differs`)
    // ed25519 is deterministic: signing here gives the pinned signature.
    const message = event.batch === undefined ? signing : batchMessage(event.batch.size, event.batch.root)
    check(toHex(ed.sign(message, secret)) === v.signature_hex, `${what}: signature differs`)
    if (event.batch !== undefined) {
      check(toHex(event.batch.root) === v.batch_root_hex, `${what}: batch root differs`)
    }
  }
  const [ok] = toolCheck([vectors[0].event_hex])
  check(ok === `ok ${vectors[0].cid}`, `tool rejects vector 0: ${ok}`)
} catch (e) {
  die(`unexpected exception (seed ${seed}): ${e.stack}`)
}

console.log(`event_interop: ${passed} passed, ${failures.length} failed`)
if (failures.length > 0) {
  die(`${failures.length} mismatches between ddc and the npm libraries (seed ${seed}); first: ` +
      failures[0])
}
