// Interop test: ddc's CIDs against npm `multiformats` + `@multiformats/blake2`, libraries that no
// one here wrote.
//
//   node cid_interop.mjs /path/to/ddc-cid-tool
//
// 1. For random byte strings (lengths 0..4096, both codecs) the tool's `of` output must equal
//    the CID that multiformats computes, and multiformats must parse it back to the same
//    version, codec, multihash and digest.
// 2. CIDs made by multiformats, fed to the tool's `parse`, must give the same digest and codec.
// 3. Strings that are valid CIDs elsewhere but not ddc CIDs (CIDv0, base58btc, sha2-256,
//    other codecs) and broken strings (truncated, extended) must be errors in the tool.
// 4. The pinned vectors in tests/vectors/cid.json must be what multiformats computes.
//
// The seed is printed; DDC_TEST_SEED=<n> replays a run. Exits non-zero on any mismatch.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const kCases = 200
const kMaxLength = 4096
const kCodecs = { raw: 0x55, 'dag-cbor': 0x71 }
const kBlake2b256 = 0xb220

function die (message) {
  console.error(`cid_interop: ${message}`)
  process.exit(1)
}

if (!fs.existsSync(path.join(here, 'node_modules', 'multiformats')) ||
    !fs.existsSync(path.join(here, 'node_modules', '@multiformats', 'blake2'))) {
  die(`${path.join(here, 'node_modules')} is missing: run scripts/install-deps ` +
      '(npm install in tests/interop)')
}
// Imported after the check above so that a missing install fails with the hint, not a stack.
const { CID } = await import('multiformats/cid')
const { base58btc } = await import('multiformats/bases/base58')
const { base32upper } = await import('multiformats/bases/base32')
const { sha256 } = await import('multiformats/hashes/sha2')
const { identity } = await import('multiformats/hashes/identity')
const { blake2b256, blake2b512 } = await import('@multiformats/blake2/blake2b')

const tool = process.argv[2]
if (!tool) die('usage: node cid_interop.mjs /path/to/ddc-cid-tool')
if (!fs.existsSync(tool)) die(`${tool} does not exist (build the ddc-cid-tool target first)`)

// A small seeded generator (mulberry32) so that a failing run can be replayed exactly.
const seed = process.env.DDC_TEST_SEED !== undefined
  ? Number(process.env.DDC_TEST_SEED) >>> 0
  : (Date.now() ^ process.pid) >>> 0
console.log(`cid_interop: DDC_TEST_SEED=${seed}`)
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

function runTool (args) {
  const r = spawnSync(tool, args, { encoding: 'utf8', maxBuffer: 64 << 20 })
  if (r.error) die(`cannot run ${tool}: ${r.error.message}`)
  if (r.status !== 0) die(`${tool} ${args.slice(0, 3).join(' ')} exited ${r.status}: ${r.stderr}`)
  return r.stdout
}

// `parse` prints one line per argument, in order.
function toolParse (strings) {
  const lines = runTool(['parse', ...strings]).split('\n')
  if (lines.at(-1) === '') lines.pop()
  if (lines.length !== strings.length) {
    die(`parse printed ${lines.length} lines for ${strings.length} arguments`)
  }
  return lines
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ddc-cid-interop-'))
try {
  // 1. Our CIDs for random bytes equal theirs, and theirs parse ours.
  const made = []
  for (let i = 0; i < kCases; ++i) {
    // The edges first, then random lengths.
    const length = i === 0 ? 0 : i === 1 ? 1 : i === 2 ? kMaxLength : random32() % (kMaxLength + 1)
    const codecName = i % 2 === 0 ? 'raw' : 'dag-cbor'
    const bytes = randomBytes(length)
    const file = path.join(tmp, `case-${i}.bin`)
    fs.writeFileSync(file, bytes)

    const digest = await blake2b256.digest(bytes)
    const theirs = CID.create(1, kCodecs[codecName], digest)
    const ours = runTool(['of', codecName, file]).trim()
    const what = `case ${i} (${length} bytes, ${codecName})`
    check(ours === theirs.toString(), `${what}: ddc ${ours} != multiformats ${theirs}`)

    let parsed = null
    try {
      parsed = CID.parse(ours)
    } catch (e) {
      check(false, `${what}: multiformats cannot parse ddc's ${ours}: ${e.message}`)
      continue
    }
    check(parsed.version === 1, `${what}: version ${parsed.version}`)
    check(parsed.code === kCodecs[codecName], `${what}: codec 0x${parsed.code.toString(16)}`)
    check(parsed.multihash.code === kBlake2b256,
      `${what}: multihash 0x${parsed.multihash.code.toString(16)}`)
    check(toHex(parsed.multihash.digest) === toHex(digest.digest),
      `${what}: digest ${toHex(parsed.multihash.digest)} != ${toHex(digest.digest)}`)
    check(toHex(parsed.bytes) === toHex(theirs.bytes), `${what}: binary form differs`)
    made.push({ cid: theirs, codecName, digestHex: toHex(digest.digest) })
  }

  // 2. Their CIDs parse in ddc to the same digest and codec.
  const lines = toolParse(made.map((m) => m.cid.toString()))
  made.forEach((m, i) => {
    const expected = `ok ${m.digestHex} ${m.codecName}`
    check(lines[i] === expected, `parse ${m.cid}: got "${lines[i]}", want "${expected}"`)
  })

  // 3. Valid elsewhere, not in ddc; and broken strings. Each must be an error that names why.
  const sample = randomBytes(100)
  const good = made[0].cid.toString()
  const rejected = [
    [CID.createV0(await sha256.digest(sample)).toString(), 'CIDv0'],
    [made[1].cid.toString(base58btc), 'base58btc'],
    [made[1].cid.toString(base32upper), 'base32upper'],
    [CID.create(1, 0x55, await sha256.digest(sample)).toString(), 'sha2-256'],
    [CID.create(1, 0x71, await blake2b512.digest(sample)).toString(), '0xb240'],
    [CID.create(1, 0x55, identity.digest(sample.subarray(0, 32))).toString(), 'identity'],
    [CID.create(1, 0x70, await blake2b256.digest(sample)).toString(), 'codec 0x70'],
    [CID.create(1, 0x0129, await blake2b256.digest(sample)).toString(), 'codec 0x129'],
    [good.slice(0, -1), 'truncated'],
    [good.slice(0, 40), 'truncated'],
    [good.slice(0, 12), 'truncated'],
    [good + 'a', 'length'],
    [good + 'aaaaaaaa', 'trailing bytes'],
    [good + '=', "'='"],
    ['', null],
  ]
  const rejectedLines = toolParse(rejected.map(([s]) => s))
  rejected.forEach(([s, mention], i) => {
    const line = rejectedLines[i]
    check(line.startsWith('error cid: '), `parse "${s}" should fail, got "${line}"`)
    if (mention !== null) {
      check(line.includes(mention), `parse "${s}": error "${line}" does not mention ${mention}`)
    }
  })

  // 4. The pinned vectors are what multiformats computes.
  const vectorFile = path.join(here, '..', 'vectors', 'cid.json')
  const { vectors } = JSON.parse(fs.readFileSync(vectorFile, 'utf8'))
  if (!Array.isArray(vectors) || vectors.length === 0) die(`${vectorFile} has no vectors`)
  for (const v of vectors) {
    const bytes = Uint8Array.from(Buffer.from(v.bytes_hex, 'hex'))
    const cid = CID.create(1, kCodecs[v.codec], await blake2b256.digest(bytes))
    check(cid.toString() === v.cid, `vector ${v.name}: multiformats ${cid} != pinned ${v.cid}`)
    const file = path.join(tmp, `vector-${v.name}.bin`)
    fs.writeFileSync(file, bytes)
    const ours = runTool(['of', v.codec, file]).trim()
    check(ours === v.cid, `vector ${v.name}: ddc ${ours} != pinned ${v.cid}`)
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true })
}

console.log(`cid_interop: ${passed} passed, ${failures.length} failed`)
if (failures.length > 0) {
  die(`${failures.length} mismatches between ddc and multiformats (seed ${seed}); first: ` +
      failures[0])
}
