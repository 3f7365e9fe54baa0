// Interop test: `ddc export car` read by @ipld/car, @ipld/dag-cbor, multiformats and
// @multiformats/blake2, libraries that no one here wrote. The store is built with the ddc CLI
// only (key gen, event make, event put), as a user would build it.
//
//   node car_interop.mjs /path/to/ddc
//
// 1. A user's timeline (linked events with public and sealed scopes, next to another bucket of
//    the same user and another user of the same bucket) is exported as a CAR file.
// 2. CarReader reads it: one root, the root is the first block, and every block's CID is the
//    BLAKE2b-256 multihash of its bytes under its codec (recomputed here), every block decodes
//    with @ipld/dag-cbor and re-encodes to the same bytes (canonical DAG-CBOR).
// 3. The root timeline object (docs/FORMAT.md "CAR export") has its keys in the specified
//    order, names the bucket, the user and the size, lists every event block in position order
//    (each link resolves in the CAR), and its root is the RFC 9162 root recomputed here from
//    the listed CIDs. Every event's `prev` links the previous event; the first has none.
// 4. The CIDs `event put` printed are the exported ones, in order.
// 5. @ipld/car's own CarWriter, given the same root and blocks, writes byte-identical output.
//
// The seed is printed; DDC_TEST_SEED=<n> replays a run. Exits non-zero on any mismatch.
import { spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const kBucket = 3
const kOtherBucket = 8
const kEvents = 25
const kDagCbor = 0x71
const kTimelineKeys = ['v', 'root', 'size', 'user', 'bucket', 'events']

let work = null  // The temporary directory, removed on every way out.
function die (message) {
  console.error(`car_interop: ${message}`)
  if (work !== null) fs.rmSync(work, { recursive: true, force: true })
  process.exit(1)
}

for (const pkg of ['@ipld/car', '@ipld/dag-cbor', 'multiformats', '@multiformats/blake2']) {
  if (!fs.existsSync(path.join(here, 'node_modules', pkg))) {
    die(`${path.join(here, 'node_modules', pkg)} is missing: run scripts/install-deps ` +
        '(npm install in tests/interop)')
  }
}
// Imported after the check above so that a missing install fails with the hint, not a stack.
const { CarReader, CarWriter } = await import('@ipld/car')
const dagCbor = await import('@ipld/dag-cbor')
const { CID } = await import('multiformats/cid')
const { blake2b256 } = await import('@multiformats/blake2/blake2b')

const ddc = process.argv[2]
if (!ddc) die('usage: node car_interop.mjs /path/to/ddc')
if (!fs.existsSync(ddc)) die(`${ddc} does not exist (build the ddc-cli target first)`)

// A small seeded generator (mulberry32) so that a failing run can be replayed exactly.
const seed = process.env.DDC_TEST_SEED !== undefined
  ? Number(process.env.DDC_TEST_SEED) >>> 0
  : (Date.now() ^ process.pid) >>> 0
console.log(`car_interop: DDC_TEST_SEED=${seed}`)
let state = seed
function random32 () {
  state = (state + 0x6d2b79f5) >>> 0
  let t = state
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return (t ^ (t >>> 14)) >>> 0
}
function randomBytes (n) {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; ++i) out[i] = random32() & 0xff
  return out
}

const toHex = (bytes) => Buffer.from(bytes).toString('hex')
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

// Runs the CLI; dies unless it exits 0. Returns { stdout, stderr } as strings.
function run (args) {
  const r = spawnSync(ddc, args, { encoding: 'utf8', maxBuffer: 256 << 20 })
  if (r.error) die(`cannot run ${ddc}: ${r.error.message}`)
  if (r.status !== 0) die(`ddc ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  return r
}

// ---- RFC 9162 Merkle tree, SHA-256 ----
const sha256 = (...parts) => {
  const h = crypto.createHash('sha256')
  for (const p of parts) h.update(p)
  return new Uint8Array(h.digest())
}
const leafHash = (data) => sha256(Uint8Array.of(0), data)
const nodeHash = (left, right) => sha256(Uint8Array.of(1), left, right)
function mth (leaves) {
  if (leaves.length === 1) return leaves[0]
  let k = 1
  while (k * 2 < leaves.length) k *= 2
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)))
}

// ---- 1. Build a store with the CLI ----
work = fs.mkdtempSync(path.join(os.tmpdir(), 'ddc-car-interop-'))
try {
  const dir = path.join(work, 'store')
  const file = (name) => path.join(work, name)
  const keyGen = (name) => run(['key', 'gen', '-o', file(name)]).stderr.trim()
  const alice = keyGen('alice.key')
  const bob = keyGen('bob.key')

  // Appends one event made with `flags`; returns the CID `event put` printed.
  let made = 0
  function put (key, flags) {
    const out = file(`event-${made++}.bin`)
    run(['event', 'make', '--key', file(key), ...flags, '-o', out])
    const line = run(['event', 'put', '--dir', dir, out]).stdout.trim()
    const m = /^(\S+) position (\d+) journal (\d+)$/.exec(line)
    if (!m) die(`unexpected event put output: ${line}`)
    return m[1]
  }

  const printed = []
  let time = 1700000000000 + (random32() % 100000)
  for (let i = 0; i < kEvents; ++i) {
    time += random32() % 5000
    const flags = ['--bucket', String(kBucket), '--id', `evt-${i}`, '--type',
      ['page_view', 'click', 'purchase'][random32() % 3], '--time', String(time)]
    if (i > 0) flags.push('--prev', printed[i - 1])
    if (random32() % 2 === 0) {
      fs.writeFileSync(file(`public-${i}`), randomBytes(random32() % 200))
      flags.push('--public', `note=${file(`public-${i}`)}`)
    }
    if (random32() % 3 !== 0) {
      fs.writeFileSync(file(`sealed-${i}`), randomBytes(24 + 16 + (random32() % 300)))
      flags.push('--sealed', `profile=${file(`sealed-${i}`)}`)
    }
    printed.push(put('alice.key', flags))
    // Interleave events that must not appear in the export.
    if (i % 7 === 0) {
      put('bob.key', ['--bucket', String(kBucket), '--id', `bob-${i}`, '--type', 'click',
        '--time', String(time)])
    }
  }
  put('alice.key', ['--bucket', String(kOtherBucket), '--id', 'elsewhere', '--type', 'x'])

  // ---- 2. Export and read it back with @ipld/car ----
  const carPath = file('alice.car')
  const exported = run(['export', 'car', '--dir', dir, '--user', alice, '--bucket',
    String(kBucket), '-o', carPath])
  check(exported.stdout === '', 'export car with -o writes nothing to stdout')
  const carBytes = new Uint8Array(fs.readFileSync(carPath))
  const reader = await CarReader.fromBytes(carBytes)
  check(reader.version === 1, `CAR version ${reader.version}, want 1`)
  const roots = await reader.getRoots()
  check(roots.length === 1, `${roots.length} roots, want 1`)
  const blocks = []
  for await (const block of reader.blocks()) blocks.push(block)
  check(blocks.length === kEvents + 1, `${blocks.length} blocks, want ${kEvents + 1}`)
  if (blocks.length === 0 || roots.length === 0) die('nothing to check further')
  check(blocks[0].cid.equals(roots[0]), 'the first block is the root')

  for (const [i, { cid, bytes }] of blocks.entries()) {
    check(cid.version === 1 && cid.code === kDagCbor, `block ${i}: CIDv1 dag-cbor (${cid})`)
    const digest = await blake2b256.digest(bytes)
    check(equal(digest.bytes, cid.multihash.bytes), `block ${i}: CID ${cid} is not the ` +
          'BLAKE2b-256 of its bytes')
    check(CID.create(1, kDagCbor, digest).equals(cid), `block ${i}: rebuilt CID differs`)
    const value = dagCbor.decode(bytes)
    check(equal(dagCbor.encode(value), bytes), `block ${i}: not canonical DAG-CBOR`)
  }

  // ---- 3. The timeline object and the prev chain ----
  const root = dagCbor.decode(blocks[0].bytes)
  check(JSON.stringify(Object.keys(root)) === JSON.stringify(kTimelineKeys),
    `timeline object keys ${Object.keys(root)}, want ${kTimelineKeys}`)
  check(root.v === 1, `timeline object v ${root.v}`)
  check(root.bucket === kBucket, `timeline object bucket ${root.bucket}`)
  check(toHex(root.user) === alice, `timeline object user ${toHex(root.user)}`)
  check(root.size === kEvents, `timeline object size ${root.size}`)
  check(Array.isArray(root.events) && root.events.length === kEvents,
    `timeline object lists ${root.events?.length} events`)
  const links = root.events ?? []
  const leaves = links.map((link) => leafHash(link.bytes))
  check(leaves.length > 0 && equal(mth(leaves), root.root),
    'timeline object root is not the RFC 9162 root of its event CIDs')
  for (const [i, link] of links.entries()) {
    const block = blocks[i + 1]
    check(CID.asCID(link) !== null, `events[${i}] is not a CID link`)
    check(block !== undefined && link.equals(block.cid), `events[${i}] is not block ${i + 1}`)
    check(await reader.has(link), `events[${i}] ${link} is not in the CAR`)
    // ---- 4. The CIDs `event put` printed ----
    check(link.toString() === printed[i], `events[${i}] ${link}, event put printed ${printed[i]}`)
    if (block === undefined) continue
    const event = dagCbor.decode(block.bytes)
    check(event.bucket === kBucket && toHex(event.user) === alice,
      `event ${i} belongs to bucket ${event.bucket} user ${toHex(event.user)}`)
    check(event.id === `evt-${i}`, `event ${i} has id ${event.id}`)
    if (i === 0) {
      check(event.prev === undefined, 'the first event has no prev')
    } else {
      check(CID.asCID(event.prev) !== null && event.prev.equals(links[i - 1]),
        `event ${i} prev ${event.prev} is not event ${i - 1} ${links[i - 1]}`)
    }
  }

  // ---- 5. @ipld/car writes the same bytes ----
  const { writer, out } = CarWriter.create(roots)
  const chunks = []
  const collected = (async () => { for await (const c of out) chunks.push(c) })()
  for (const block of blocks) await writer.put(block)
  await writer.close()
  await collected
  check(equal(Buffer.concat(chunks), carBytes), 'CarWriter output differs from ddc export car')

  // Standard output gives the same file.
  const piped = spawnSync(ddc, ['export', 'car', '--dir', dir, '--user', alice, '--bucket',
    String(kBucket)], { maxBuffer: 256 << 20 })
  check(piped.status === 0 && equal(piped.stdout, carBytes), 'export to stdout differs')
} finally {
  fs.rmSync(work, { recursive: true, force: true })
}

if (failures.length > 0) {
  console.error(`car_interop: ${failures.length} mismatches, ${passed} checks passed`)
  process.exit(1)
}
console.log(`car_interop: ${passed} checks passed`)
