// Interop test: the Substrate encodings of engine/chain against @polkadot/types and
// @polkadot/util-crypto, the libraries Substrate's own tooling is built on. For random cases
// (keys, calls short and long enough to be signed as a hash, nonces and tips in every compact
// mode, immortal and mortal eras, genesis and era block hashes, runtime versions):
//
// 1. The signing payload ddc builds equals @polkadot's ExtrinsicPayload (version 4, with the
//    standard signed extensions: spec/tx version, genesis, mortality, nonce, weight, tip), or
//    its BLAKE2b-256 when longer than 256 bytes.
// 2. ddc's ed25519 signature equals @polkadot's (ed25519 is deterministic) and verifies with
//    @polkadot/util-crypto.
// 3. ddc's signed extrinsic equals the one assembled from @polkadot's ExtrinsicSignatureV4 and
//    the call, and ddc decodes it back to the same signer, nonce, tip, era and call.
// 4. Block headers with a seal digest encode and hash as @polkadot's Header.
// 5. Extrinsics with a random byte flipped never decode to the original fields.
//
//   node chain_interop.mjs /path/to/ddc-chain-tool
//
// The seed is printed; DDC_TEST_SEED=<n> replays a run. Exits non-zero on any mismatch.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const kCases = 200
const kHeaders = 100
const kFlips = 200

function die (message) {
  console.error(`chain_interop: ${message}`)
  process.exit(1)
}

for (const pkg of ['@polkadot/types', '@polkadot/keyring', '@polkadot/util', '@polkadot/util-crypto']) {
  if (!fs.existsSync(path.join(here, 'node_modules', pkg))) {
    die(`${path.join(here, 'node_modules', pkg)} is missing: run scripts/install-deps ` +
        '(npm install in tests/interop)')
  }
}
const { TypeRegistry } = await import('@polkadot/types')
const { Keyring } = await import('@polkadot/keyring')
const { cryptoWaitReady, ed25519Verify, blake2AsU8a } = await import('@polkadot/util-crypto')
const { u8aToHex, hexToU8a, compactAddLength, u8aConcat } = await import('@polkadot/util')
await cryptoWaitReady()

const tool = process.argv[2]
if (!tool) die('usage: node chain_interop.mjs /path/to/ddc-chain-tool')

const seed = process.env.DDC_TEST_SEED ? Number(process.env.DDC_TEST_SEED) : Date.now() % 1e9
console.log(`chain_interop: seed ${seed}`)
let state = BigInt(seed) || 1n
function rand () { // xorshift64*: reproducible from the seed.
  state ^= state >> 12n; state ^= (state << 25n) & 0xffffffffffffffffn; state ^= state >> 27n
  return Number(((state * 0x2545F4914F6CDD1Dn) & 0xffffffffffffffffn) >> 11n) / 2 ** 53
}
const randInt = (n) => Math.floor(rand() * n)
const randBytes = (n) => Uint8Array.from({ length: n }, () => randInt(256))
const hex = (u8) => u8aToHex(u8).slice(2)
// Integers spread over every compact mode (1, 2, 4 bytes and big-integer).
function spread (max) {
  const bits = [6, 14, 30, 40, 53][randInt(5)]
  return Math.min(max, Math.floor(rand() * 2 ** bits))
}

const registry = new TypeRegistry()
registry.setSignedExtensions(['CheckSpecVersion', 'CheckTxVersion', 'CheckGenesis',
  'CheckMortality', 'CheckNonce', 'CheckWeight', 'ChargeTransactionPayment'])
const keyring = new Keyring({ type: 'ed25519' })

function runTool (lines) {
  const r = spawnSync(tool, [], { input: lines.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 26 })
  if (r.status !== 0) die(`tool exited with ${r.status}: ${r.stderr}`)
  return r.stdout.trim().split('\n')
}

let failures = 0
function check (ok, what) {
  if (!ok) {
    failures++
    console.error(`chain_interop: MISMATCH ${what}`)
  }
}

// 1-3: signed extrinsics.
const cases = []
// With an immortal era, nonce 0 and tip 0 the payload is 79 bytes plus the remark: remarks of
// 176, 177 and 178 bytes put it at 255, 256 and 257, either side of the signed-as-hash rule.
const kBoundary = [176, 177, 178]
for (let i = 0; i < kCases; i++) {
  const boundary = i < kBoundary.length
  const seedBytes = randBytes(32)
  const remark = randBytes(boundary ? kBoundary[i]
    : 1 + (rand() < 0.3 ? 250 + randInt(400) : randInt(60)))
  const call = u8aConcat([0, 7], compactAddLength(remark)) // System.remark_with_event.
  const nonce = boundary ? 0 : spread(2 ** 32 - 1)
  const tip = boundary || rand() < 0.5 ? 0 : spread(Number.MAX_SAFE_INTEGER)
  const mortal = !boundary && rand() < 0.5
  const period = mortal ? 4 << randInt(15) : 0
  const current = mortal ? randInt(1 << 20) : 0
  const genesis = randBytes(32)
  const eraHash = mortal ? randBytes(32) : genesis
  const spec = randInt(2 ** 31)
  const tx = randInt(100)
  cases.push({ seedBytes, call, nonce, tip, period, current, genesis, eraHash, spec, tx })
}
const out = runTool(cases.map(c => ['extrinsic', hex(c.seedBytes), hex(c.call), c.nonce, c.tip,
  c.period, c.current, hex(c.genesis), hex(c.eraHash), c.spec, c.tx].join(' ')))
const built = []
cases.forEach((c, i) => {
  const [payloadHex, sigHex, extrinsicHex] = out[i].split(' ')
  const pair = keyring.addFromSeed(c.seedBytes)
  const era = c.period === 0
    ? registry.createType('ExtrinsicEra', new Uint8Array([0]))
    : registry.createType('ExtrinsicEra', { current: c.current, period: c.period })
  const fields = {
    method: u8aToHex(c.call),
    era,
    nonce: c.nonce,
    tip: c.tip,
    specVersion: c.spec,
    transactionVersion: c.tx,
    genesisHash: u8aToHex(c.genesis),
    blockHash: u8aToHex(c.eraHash)
  }
  const payload = registry.createType('ExtrinsicPayload', fields, { version: 4 })
  const full = payload.toU8a({ method: true })
  if (i < kBoundary.length) check(full.length === 255 + i, `case ${i}: boundary payload is ${full.length} bytes`)
  const signed = full.length > 256 ? blake2AsU8a(full, 256) : full
  check(hex(signed) === payloadHex, `case ${i}: payload\n  ddc      ${payloadHex}\n  polkadot ${hex(signed)}`)
  const theirs = hexToU8a(payload.sign(pair).signature).subarray(1) // Drop the 0x00 Ed25519 tag.
  check(hex(theirs) === sigHex, `case ${i}: signature`)
  check(ed25519Verify(signed, hexToU8a('0x' + sigHex), pair.publicKey), `case ${i}: @polkadot does not verify ddc's signature`)
  const sig = registry.createType('ExtrinsicSignatureV4')
  sig.addSignature(pair.address, u8aConcat([0], theirs), fields)
  const extrinsic = compactAddLength(u8aConcat([0x84], sig.toU8a(), c.call))
  check(hex(extrinsic) === extrinsicHex, `case ${i}: extrinsic\n  ddc      ${extrinsicHex}\n  polkadot ${hex(extrinsic)}`)
  built.push({ extrinsic, pair, c, era: hex(era.toU8a()) })
})

// 3 (decode): @polkadot-assembled extrinsics through ddc's decoder.
const decoded = runTool(built.map(b => `decode ${hex(b.extrinsic)}`))
built.forEach((b, i) => {
  const want = `ok ${hex(b.pair.publicKey)} ${b.c.nonce} ${b.c.tip} ${b.era} ${hex(b.c.call)}`
  check(decoded[i] === want, `case ${i}: decode\n  got  ${decoded[i]}\n  want ${want}`)
})

// 1-3 again with the signed extensions of a newer runtime (the substrate node's, as its
// metadata lists them): a fee asset (none) and a metadata-hash mode (disabled) in the extra,
// the metadata hash (none) in the payload, and extensions that add nothing.
const kNewer = ['CheckNonZeroSender', 'CheckSpecVersion', 'CheckTxVersion', 'CheckGenesis',
  'CheckMortality', 'CheckNonce', 'CheckWeight', 'ChargeAssetTxPayment', 'CheckMetadataHash']
const newer = new TypeRegistry()
newer.setSignedExtensions(kNewer)
const newerCases = cases.slice(0, 60)
const newerOut = runTool(newerCases.map(c => ['extrinsic', hex(c.seedBytes), hex(c.call), c.nonce, c.tip,
  c.period, c.current, hex(c.genesis), hex(c.eraHash), c.spec, c.tx, kNewer.join(',')].join(' ')))
newerCases.forEach((c, i) => {
  const [payloadHex, sigHex, extrinsicHex] = newerOut[i].split(' ')
  const pair = keyring.addFromSeed(c.seedBytes)
  const era = c.period === 0
    ? newer.createType('ExtrinsicEra', new Uint8Array([0]))
    : newer.createType('ExtrinsicEra', { current: c.current, period: c.period })
  const fields = {
    method: u8aToHex(c.call), era, nonce: c.nonce, tip: c.tip, specVersion: c.spec,
    transactionVersion: c.tx, genesisHash: u8aToHex(c.genesis), blockHash: u8aToHex(c.eraHash), mode: 0
  }
  const payload = newer.createType('ExtrinsicPayload', fields, { version: 4 })
  const full = payload.toU8a({ method: true })
  const signed = full.length > 256 ? blake2AsU8a(full, 256) : full
  check(hex(signed) === payloadHex, `newer case ${i}: payload\n  ddc      ${payloadHex}\n  polkadot ${hex(signed)}`)
  const theirs = hexToU8a(payload.sign(pair).signature).subarray(1)
  check(hex(theirs) === sigHex, `newer case ${i}: signature`)
  const sig = newer.createType('ExtrinsicSignatureV4')
  sig.addSignature(pair.address, u8aConcat([0], theirs), fields)
  const extrinsic = compactAddLength(u8aConcat([0x84], sig.toU8a(), c.call))
  check(hex(extrinsic) === extrinsicHex, `newer case ${i}: extrinsic\n  ddc      ${extrinsicHex}\n  polkadot ${hex(extrinsic)}`)
})

// 4: headers.
const headers = []
for (let i = 0; i < kHeaders; i++) {
  headers.push({ parent: randBytes(32), number: spread(2 ** 32 - 1), state: randBytes(32), extrinsics: randBytes(32), seal: randBytes(64) })
}
const hout = runTool(headers.map(h => ['header', hex(h.parent), h.number, hex(h.state), hex(h.extrinsics), hex(h.seal)].join(' ')))
headers.forEach((h, i) => {
  const header = registry.createType('Header', {
    parentHash: u8aToHex(h.parent),
    number: h.number,
    stateRoot: u8aToHex(h.state),
    extrinsicsRoot: u8aToHex(h.extrinsics),
    digest: { logs: [{ Seal: ['0x64646576', u8aToHex(h.seal)] }] }
  })
  const [encoded, hash] = hout[i].split(' ')
  check(encoded === hex(header.toU8a()), `header ${i}: encoding`)
  check(hash === hex(header.hash.toU8a()), `header ${i}: hash`)
})

// 5: flipped bytes never decode to the original fields.
const flips = []
for (let i = 0; i < kFlips; i++) {
  const b = built[randInt(built.length)]
  const copy = Uint8Array.from(b.extrinsic)
  const at = randInt(copy.length)
  copy[at] ^= 1 << randInt(8)
  flips.push({ copy, b })
}
const fout = runTool(flips.map(f => `decode ${hex(f.copy)}`))
flips.forEach((f, i) => {
  const original = `ok ${hex(f.b.pair.publicKey)} ${f.b.c.nonce} ${f.b.c.tip} ${f.b.era} ${hex(f.b.c.call)}`
  // A flip inside the signature decodes to the same fields; everything else must differ.
  const mode = f.b.extrinsic[0] & 3
  const prefix = mode === 3 ? (f.b.extrinsic[0] >> 2) + 5 : 1 << mode
  const sigStart = prefix + 1 + 33 + 1
  const inSignature = f.copy.findIndex((v, j) => v !== f.b.extrinsic[j])
  if (inSignature >= sigStart && inSignature < sigStart + 64) return
  check(fout[i] !== original, `flip ${i}: still decodes to the original`)
})

if (failures > 0) die(`${failures} mismatches (seed ${seed})`)
console.log(`chain_interop: ${kCases} extrinsics (60 also with a newer runtime's signed extensions), ` +
  `${kHeaders} headers, ${kFlips} flips agree with @polkadot`)
