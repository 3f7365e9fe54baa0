// Interop test: ddc's scope keys, sealed scopes and wrapped keys against npm libsodium-wrappers,
// a build of libsodium that no one here wrote (WebAssembly, its own copy of the code). The scope
// key derivation input and the associated data are rebuilt here from the spec (docs/FORMAT.md
// "Scope keys and sealing"), not taken from the tool.
//
//   node crypto_interop.mjs /path/to/ddc-crypto-tool
//
// 1. Every value of the pinned vectors (tests/vectors/crypto_v1.json) is recomputed here: scope
//    keys with keyed crypto_generichash, associated data from the documented layout, sealed
//    bytes with crypto_aead_xchacha20poly1305_ietf_encrypt, box key pairs with
//    crypto_box_seed_keypair, the ed25519 -> X25519 map with crypto_sign_ed25519_{pk,sk}_to_
//    curve25519, the wrapped key with crypto_box_easy and crypto_box_seal_open. The tool must
//    print the same values.
// 2. Random scopes: sealed here under a random nonce, opened by the tool (OpenScope); sealed by
//    the tool (SealScope), opened here. A bit flipped in the ciphertext, tag or nonce, or any
//    header field changed, makes the tool answer PermissionDenied naming the scope.
// 3. Random wrapped keys: crypto_box_seal here, UnwrapKey there (also for the X25519 form of an
//    ed25519 key); WrapKey there, crypto_box_seal_open here; a key wrapped for someone else is
//    refused with PermissionDenied.
//
// The seed is printed; DDC_TEST_SEED=<n> replays a run. Exits non-zero on any mismatch.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const kVectorFile = path.join(here, '..', 'vectors', 'crypto_v1.json')
const kScopeRounds = 150
const kRawRounds = 40
const kWrapRounds = 40
const kKeyDomain = new TextEncoder().encode('ddc-scope-key-v1\n')
const kAdDomain = new TextEncoder().encode('ddc-scope-ad-v1\n')
const kTagBytes = 16
const kNonceBytes = 24
const kMaxEventIdBytes = 128
const kMaxScopeNameBytes = 64

function die (message) {
  console.error(`crypto_interop: ${message}`)
  process.exit(1)
}

if (!fs.existsSync(path.join(here, 'node_modules', 'libsodium-wrappers'))) {
  die(`${path.join(here, 'node_modules', 'libsodium-wrappers')} is missing: run ` +
      'scripts/install-deps (npm install in tests/interop)')
}
// Imported after the check above so that a missing install fails with the hint, not a stack.
const { default: sodium } = await import('libsodium-wrappers')
await sodium.ready

const tool = process.argv[2]
if (!tool) die('usage: node crypto_interop.mjs /path/to/ddc-crypto-tool')
if (!fs.existsSync(tool)) die(`${tool} does not exist (build the ddc-crypto-tool target first)`)

// A small seeded generator (mulberry32) so that a failing run can be replayed exactly. Keys and
// nonces come from it too: this is a test, and a replay must see the same bytes.
const seed = process.env.DDC_TEST_SEED !== undefined
  ? Number(process.env.DDC_TEST_SEED) >>> 0
  : (Date.now() ^ process.pid) >>> 0
console.log(`crypto_interop: DDC_TEST_SEED=${seed} (libsodium-wrappers, libsodium ` +
            `${sodium.sodium_version_string()})`)
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

const utf8 = new TextEncoder()
const toHex = (bytes) => Buffer.from(bytes).toString('hex')
const fromHex = (hex) => Uint8Array.from(Buffer.from(hex, 'hex'))
const concat = (...parts) => Uint8Array.from(Buffer.concat(parts.map((p) => Buffer.from(p))))
const equal = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0
function u32le (v) {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(v)
  return b
}
function u64le (v) {
  const b = Buffer.alloc(8)
  b.writeBigUInt64LE(BigInt(v))
  return b
}

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

// ---- The format, rebuilt from the spec ----
function scopeKey (master, name, version) {
  return sodium.crypto_generichash(32, concat(kKeyDomain, u32le(version), utf8.encode(name)),
    master)
}
// header: { bucket (BigInt or decimal string), user, id (bytes), name, version, comp }
function associatedData (h) {
  const name = utf8.encode(h.name)
  return concat(kAdDomain, u64le(h.bucket), h.user, Uint8Array.of(h.id.length), h.id,
    Uint8Array.of(name.length), name, u32le(h.version), Uint8Array.of(h.comp))
}
const seal = (key, nonce, ad, plaintext) =>
  sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key)
function open (key, nonce, ad, sealed) {
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealed, ad, nonce, key)
  } catch {
    return null
  }
}

// ---- The tool, in one `batch` run per phase: one answer line per command line ----
function runBatch (commands) {
  if (commands.length === 0) return []
  const input = commands.map((c) => c.join(' ')).join('\n') + '\n'
  const r = spawnSync(tool, ['batch'], { input, encoding: 'utf8', maxBuffer: 256 << 20 })
  if (r.error) die(`cannot run ${tool}: ${r.error.message}`)
  if (r.status !== 0) die(`${tool} batch exited ${r.status}: ${r.stderr}`)
  const lines = r.stdout.split('\n')
  if (lines.at(-1) === '') lines.pop()
  if (lines.length !== commands.length) {
    die(`batch answered ${lines.length} lines for ${commands.length} commands`)
  }
  return lines
}
const headerArgs = (h) =>
  [String(h.bucket), toHex(h.user), toHex(h.id), h.name, String(h.version), String(h.comp)]

// Queued commands with what to check of each answer.
const queue = []
function ask (command, onAnswer) {
  queue.push({ command, onAnswer })
}
function runQueue () {
  const answers = runBatch(queue.map((q) => q.command))
  queue.forEach((q, i) => q.onAnswer(answers[i]))
  queue.length = 0
}

// The tool's refusal of a scope: "error PermissionDenied: scope "<name>" (key version <v>): ..."
function expectScopeRefused (answer, h, what) {
  check(answer.startsWith(`error PermissionDenied: scope "${h.name}" (key version ${h.version})`),
    `${what}: want PermissionDenied naming scope "${h.name}", got: ${answer}`)
}

// ---- 1. The pinned vectors ----
function checkVectors () {
  const v = JSON.parse(fs.readFileSync(kVectorFile, 'utf8'))
  const headerOf = (x) => ({
    bucket: BigInt(x.bucket),
    user: fromHex(x.user_hex),
    id: utf8.encode(x.event_id),
    name: x.scope_name,
    version: x.key_version,
    comp: x.compression
  })
  const counts = {}
  for (const key of ['derive', 'associated_data', 'seal', 'scopes', 'box_keypairs',
    'ed25519_to_x25519', 'wrap']) {
    if (!Array.isArray(v[key]) || v[key].length === 0) die(`${kVectorFile}: no "${key}" vectors`)
    counts[key] = v[key].length
  }

  v.derive.forEach((d, i) => {
    const what = `derive vector ${i} (${d.scope_name} v${d.key_version})`
    const key = scopeKey(fromHex(d.master_hex), d.scope_name, d.key_version)
    check(toHex(key) === d.scope_key_hex, `${what}: libsodium-wrappers gives ${toHex(key)}`)
    ask(['derive', d.master_hex, d.scope_name, String(d.key_version)],
      (a) => check(a === d.scope_key_hex, `${what}: the tool gives ${a}`))
  })

  v.associated_data.forEach((x, i) => {
    const what = `associated data vector ${i}`
    const h = headerOf(x)
    check(toHex(associatedData(h)) === x.ad_hex, `${what}: the layout rebuilt here differs`)
    ask(['ad', ...headerArgs(h)], (a) => check(a === x.ad_hex, `${what}: the tool gives ${a}`))
  })

  v.seal.forEach((x, i) => {
    const what = `seal vector ${i}`
    const [key, nonce, ad, pt] = [x.key_hex, x.nonce_hex, x.ad_hex, x.plaintext_hex].map(fromHex)
    const sealed = seal(key, nonce, ad, pt)
    check(toHex(sealed) === x.sealed_hex, `${what}: libsodium-wrappers seals ${toHex(sealed)}`)
    check(sealed.length === pt.length + kTagBytes, `${what}: sealed length`)
    const opened = open(key, nonce, ad, fromHex(x.sealed_hex))
    check(opened !== null && equal(opened, pt), `${what}: libsodium-wrappers does not open it`)
    ask(['seal', x.key_hex, x.nonce_hex, x.ad_hex, x.plaintext_hex],
      (a) => check(a === x.sealed_hex, `${what}: the tool seals ${a}`))
    ask(['open', x.key_hex, x.nonce_hex, x.ad_hex, x.sealed_hex],
      (a) => check(a === x.plaintext_hex, `${what}: the tool opens to ${a}`))
  })

  v.scopes.forEach((x, i) => {
    const what = `scope vector ${i} (${x.scope_name})`
    const h = headerOf(x)
    const key = scopeKey(fromHex(x.master_hex), h.name, h.version)
    check(toHex(key) === x.scope_key_hex, `${what}: scope key differs`)
    const ad = associatedData(h)
    check(toHex(ad) === x.ad_hex, `${what}: associated data differs`)
    const sealed = seal(key, fromHex(x.nonce_hex), ad, fromHex(x.plaintext_hex))
    check(toHex(sealed) === x.sealed_hex, `${what}: sealed bytes differ`)
    ask(['open-scope', x.scope_key_hex, ...headerArgs(h), x.nonce_hex, x.sealed_hex],
      (a) => check(a === x.plaintext_hex, `${what}: the tool's OpenScope gives ${a}`))
  })

  v.box_keypairs.forEach((x, i) => {
    const what = `box key pair vector ${i}`
    const pair = sodium.crypto_box_seed_keypair(fromHex(x.seed_hex))
    check(toHex(pair.publicKey) === x.public_key_hex, `${what}: public key differs`)
    check(toHex(pair.privateKey) === x.secret_key_hex, `${what}: secret key differs`)
    check(equal(sodium.crypto_scalarmult_base(pair.privateKey), pair.publicKey),
      `${what}: public key is not the base point times the secret key`)
    ask(['box-keypair', x.seed_hex], (a) => check(a === `${x.public_key_hex} ${x.secret_key_hex}`,
      `${what}: the tool gives ${a}`))
  })

  v.ed25519_to_x25519.forEach((x, i) => {
    const what = `ed25519 -> X25519 vector ${i}`
    const signing = sodium.crypto_sign_seed_keypair(fromHex(x.ed25519_seed_hex))
    check(toHex(signing.publicKey) === x.ed25519_public_key_hex, `${what}: ed25519 key differs`)
    const pk = sodium.crypto_sign_ed25519_pk_to_curve25519(signing.publicKey)
    const sk = sodium.crypto_sign_ed25519_sk_to_curve25519(signing.privateKey)
    check(toHex(pk) === x.x25519_public_key_hex, `${what}: X25519 public key differs`)
    check(toHex(sk) === x.x25519_secret_key_hex, `${what}: X25519 secret key differs`)
    ask(['box-of-signing', x.ed25519_seed_hex], (a) => check(
      a === `${x.ed25519_public_key_hex} ${x.x25519_public_key_hex} ${x.x25519_secret_key_hex}`,
      `${what}: the tool gives ${a}`))
  })

  v.wrap.forEach((x, i) => {
    const what = `wrap vector ${i}`
    const recipient = sodium.crypto_box_seed_keypair(fromHex(x.recipient_seed_hex))
    check(toHex(recipient.publicKey) === x.recipient_public_key_hex, `${what}: recipient differs`)
    const ephemeral = sodium.crypto_box_seed_keypair(fromHex(x.ephemeral_seed_hex))
    check(toHex(ephemeral.publicKey) === x.ephemeral_public_key_hex, `${what}: ephemeral differs`)
    const nonce = sodium.crypto_generichash(sodium.crypto_box_NONCEBYTES,
      concat(ephemeral.publicKey, recipient.publicKey))
    check(toHex(nonce) === x.nonce_hex, `${what}: nonce differs`)
    const wrapped = concat(ephemeral.publicKey, sodium.crypto_box_easy(fromHex(x.key_hex), nonce,
      recipient.publicKey, ephemeral.privateKey))
    check(toHex(wrapped) === x.wrapped_hex, `${what}: wrapped bytes differ`)
    check(wrapped.length === 80, `${what}: wrapped key is ${wrapped.length} bytes, want 80`)
    let opened = null
    try {
      opened = sodium.crypto_box_seal_open(fromHex(x.wrapped_hex), recipient.publicKey,
        recipient.privateKey)
    } catch {}
    check(opened !== null && toHex(opened) === x.key_hex, `${what}: crypto_box_seal_open fails`)
    ask(['unwrap', x.wrapped_hex, toHex(recipient.publicKey), toHex(recipient.privateKey)],
      (a) => check(a === x.key_hex, `${what}: the tool's UnwrapKey gives ${a}`))
  })
  runQueue()
  return counts
}

// ---- 2. Random scopes ----
const kNameBytes = 'abcdefghijklmnopqrstuvwxyz0123456789_.-'
function randomName () {
  const n = pick(4) === 0 ? kMaxScopeNameBytes : 1 + pick(16)
  let s = ''
  for (let i = 0; i < n; ++i) s += kNameBytes[pick(kNameBytes.length)]
  return s
}
const kIdWords = ['evt', 'commande', 'été', 'заказ', '注文', '🙂', 'x']
function randomId () {
  if (pick(8) === 0) return Uint8Array.from({ length: kMaxEventIdBytes }, () => 0x61 + pick(26))
  let s = `${kIdWords[pick(kIdWords.length)]}-${random32()}`
  while (pick(3) === 0 && utf8.encode(s).length < 100) s += `-${kIdWords[pick(kIdWords.length)]}`
  return utf8.encode(s)
}
function randomBucket () {
  switch (pick(4)) {
    case 0: return BigInt(pick(1000))
    case 1: return (1n << 64n) - 1n - BigInt(pick(10))
    default: return (BigInt(random32()) << 32n) | BigInt(random32())
  }
}
function randomHeader () {
  return {
    bucket: randomBucket(),
    user: randomBytes(32),
    id: randomId(),
    name: randomName(),
    version: pick(3) === 0 ? 0xffffffff - pick(3) : pick(1000),
    comp: pick(2)
  }
}
function randomPlaintext () {
  const sizes = [0, 1, 15, 16, 17, 63, 64, 65, 256, 1024, 4096]
  return randomBytes(pick(3) === 0 ? sizes[pick(sizes.length)] : pick(2000))
}

// A header like `h` with one field changed: every field of the associated data must matter.
function alterHeader (h) {
  const c = { ...h }
  switch (pick(6)) {
    case 0: c.bucket = h.bucket ^ (1n << BigInt(pick(64))); return ['bucket', c]
    case 1: c.user = Uint8Array.from(h.user); c.user[pick(32)] ^= 1 << pick(8); return ['user', c]
    case 2: {
      c.id = Uint8Array.from(h.id)
      const i = pick(c.id.length)
      c.id[i] = c.id[i] === 0x41 ? 0x42 : 0x41  // Still 1..128 bytes, so still well formed.
      return ['event id', c]
    }
    case 3: {
      const i = pick(h.name.length)
      const old = h.name[i]
      const next = kNameBytes[(kNameBytes.indexOf(old) + 1 + pick(kNameBytes.length - 1)) %
        kNameBytes.length]
      c.name = h.name.slice(0, i) + next + h.name.slice(i + 1)  // Still a valid name.
      return ['scope name', c]
    }
    case 4: c.version = (h.version ^ (1 << pick(32))) >>> 0; return ['key version', c]
    default: c.comp = 1 - h.comp; return ['compression', c]
  }
}
function flipBit (bytes) {
  const out = Uint8Array.from(bytes)
  out[pick(out.length)] ^= 1 << pick(8)
  return out
}

function checkRandomScopes () {
  for (let round = 0; round < kScopeRounds; ++round) {
    const h = randomHeader()
    const key = randomBytes(32)
    const keyHex = toHex(key)
    const pt = randomPlaintext()
    const ptHex = toHex(pt)
    const ad = associatedData(h)
    const what = `random scope ${round} ("${h.name}", ${pt.length} B)`
    ask(['ad', ...headerArgs(h)],
      (a) => check(a === toHex(ad), `${what}: the tool's associated data differs`))

    // Sealed here, opened there.
    const nonce = randomBytes(kNonceBytes)
    const sealed = seal(key, nonce, ad, pt)
    const openThere = (hh, n, s) => ['open-scope', keyHex, ...headerArgs(hh), toHex(n), toHex(s)]
    ask(openThere(h, nonce, sealed),
      (a) => check(a === ptHex, `${what}: the tool does not open what libsodium-wrappers sealed`))
    // Altered: a bit of the ciphertext or tag, of the nonce, a header field, or the key.
    if (pt.length > 0) {
      const ctBit = Uint8Array.from(sealed)
      ctBit[pick(pt.length)] ^= 1 << pick(8)
      ask(openThere(h, nonce, ctBit),
        (a) => expectScopeRefused(a, h, `${what}, ciphertext bit flipped`))
    }
    const tagBit = Uint8Array.from(sealed)
    tagBit[sealed.length - kTagBytes + pick(kTagBytes)] ^= 1 << pick(8)
    ask(openThere(h, nonce, tagBit), (a) => expectScopeRefused(a, h, `${what}, tag bit flipped`))
    ask(openThere(h, flipBit(nonce), sealed),
      (a) => expectScopeRefused(a, h, `${what}, nonce bit flipped`))
    const [field, altered] = alterHeader(h)
    ask(openThere(altered, nonce, sealed),
      (a) => expectScopeRefused(a, altered, `${what}, ${field} changed`))
    ask(['open-scope', toHex(flipBit(key)), ...headerArgs(h), toHex(nonce), toHex(sealed)],
      (a) => expectScopeRefused(a, h, `${what}, key bit flipped`))

    // Sealed there, opened here.
    ask(['seal-scope', keyHex, ...headerArgs(h), ptHex], (a) => {
      const [nonceHex, sealedHex, extra] = a.split(' ')
      if (extra !== undefined || sealedHex === undefined) {
        check(false, `${what}: the tool's SealScope answers ${a}`)
        return
      }
      const opened = open(key, fromHex(nonceHex), ad, fromHex(sealedHex))
      check(opened !== null && equal(opened, pt),
        `${what}: libsodium-wrappers does not open what the tool sealed`)
      check(nonceHex !== toHex(nonce), `${what}: the tool reused the nonce drawn here`)
    })
  }
  runQueue()

  // Raw SealBytes / OpenBytes with arbitrary associated data.
  for (let round = 0; round < kRawRounds; ++round) {
    const key = randomBytes(32)
    const nonce = randomBytes(kNonceBytes)
    const ad = randomBytes(pick(3) === 0 ? 0 : pick(300))
    const pt = randomPlaintext()
    const what = `random raw seal ${round} (${pt.length} B, ${ad.length} B of AD)`
    const sealed = seal(key, nonce, ad, pt)
    const args = [toHex(key), toHex(nonce), toHex(ad)]
    ask(['seal', ...args, toHex(pt)],
      (a) => check(a === toHex(sealed), `${what}: the tool seals differently`))
    ask(['open', ...args, toHex(sealed)],
      (a) => check(a === toHex(pt), `${what}: the tool does not open it`))
    ask(['open', toHex(key), toHex(nonce), toHex(flipBit(concat(ad, [0]))), toHex(sealed)],
      (a) => check(a.startsWith('error PermissionDenied: does not open'),
        `${what}: altered AD answers ${a}`))
  }
  runQueue()
}

// ---- 3. Random wrapped keys ----
function checkRandomWraps () {
  for (let round = 0; round < kWrapRounds; ++round) {
    const what = `random wrap ${round}`
    const scopeKeyBytes = randomBytes(32)
    const keyHex = toHex(scopeKeyBytes)
    // A recipient made here from a seed; the tool must derive the same pair.
    const recipientSeed = randomBytes(32)
    const recipient = sodium.crypto_box_seed_keypair(recipientSeed)
    const [pkHex, skHex] = [toHex(recipient.publicKey), toHex(recipient.privateKey)]
    ask(['box-keypair', toHex(recipientSeed)],
      (a) => check(a === `${pkHex} ${skHex}`, `${what}: the tool's box key pair differs`))
    // Wrapped here (crypto_box_seal draws its own ephemeral key), unwrapped there.
    const wrapped = sodium.crypto_box_seal(scopeKeyBytes, recipient.publicKey)
    check(wrapped.length === 80, `${what}: crypto_box_seal made ${wrapped.length} bytes`)
    ask(['unwrap', toHex(wrapped), pkHex, skHex],
      (a) => check(a === keyHex, `${what}: the tool does not unwrap crypto_box_seal's output`))
    ask(['unwrap', toHex(flipBit(wrapped)), pkHex, skHex],
      (a) => check(a.startsWith('error PermissionDenied:'), `${what}: altered wrap answers ${a}`))
    const other = sodium.crypto_box_seed_keypair(randomBytes(32))
    ask(['unwrap', toHex(wrapped), toHex(other.publicKey), toHex(other.privateKey)],
      (a) => check(a.startsWith('error PermissionDenied:'),
        `${what}: another recipient's unwrap answers ${a}`))
    // Wrapped there, opened here.
    ask(['wrap', keyHex, pkHex], (a) => {
      let opened = null
      try {
        opened = sodium.crypto_box_seal_open(fromHex(a), recipient.publicKey, recipient.privateKey)
      } catch {}
      check(a.length === 160 && opened !== null && toHex(opened) === keyHex,
        `${what}: crypto_box_seal_open cannot open the tool's WrapKey output ${a}`)
    })
    // An ed25519 identity receiving a grant: wrapped here for the X25519 form of its public key,
    // unwrapped there with BoxKeyPair::FromSigningKey.
    const edSeed = randomBytes(32)
    const signing = sodium.crypto_sign_seed_keypair(edSeed)
    const xpk = sodium.crypto_sign_ed25519_pk_to_curve25519(signing.publicKey)
    const xsk = sodium.crypto_sign_ed25519_sk_to_curve25519(signing.privateKey)
    const grant = sodium.crypto_box_seal(scopeKeyBytes, xpk)
    ask(['box-of-signing', toHex(edSeed)], (a) => {
      check(a === `${toHex(signing.publicKey)} ${toHex(xpk)} ${toHex(xsk)}`,
        `${what}: the tool's ed25519 -> X25519 map differs: ${a}`)
    })
    ask(['unwrap', toHex(grant), toHex(xpk), toHex(xsk)],
      (a) => check(a === keyHex, `${what}: the tool does not unwrap a grant to an ed25519 key`))
  }
  runQueue()
}

const counts = checkVectors()
checkRandomScopes()
checkRandomWraps()

if (failures.length > 0) {
  die(`${failures.length} mismatches (of ${passed + failures.length} checks); ` +
      `replay with DDC_TEST_SEED=${seed}`)
}
console.log(`crypto_interop: ${passed} checks passed: vectors ${JSON.stringify(counts)}, ` +
            `${kScopeRounds} random scopes (each also altered 5 ways), ${kRawRounds} raw seals, ` +
            `${kWrapRounds} random wraps`)
