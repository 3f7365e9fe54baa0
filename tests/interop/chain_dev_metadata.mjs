// Interop test: the dev runtime's metadata (engine/chain/dev_metadata.h, what the dev chain's
// state_getMetadata returns) read by @polkadot/types as a client of a real chain reads it:
//
// 1. @polkadot loads it (`new Metadata`, `registry.setMetadata`) without a warning, and sees the
//    pallets, calls and indices of docs/chain.md ("Calls of the dev runtime") with each
//    argument's name and type, the signed extensions in the dev runtime's order, and the
//    MultiAddress / AccountId32 / MultiSignature types of the extrinsic.
// 2. An extrinsic of every call kind built by engine/chain (`ddc-chain-tool dev-extrinsics`,
//    signed and unsigned, immortal and mortal, compacts in every mode) is decoded by @polkadot
//    from the metadata alone to the call, arguments, signer, nonce, tip and era the tool says
//    it encoded; @polkadot re-encodes it byte for byte, its signature verifies against the
//    payload @polkadot builds with the metadata's extensions, and @polkadot builds the same
//    call bytes from the same arguments.
// 3. Calls and a signed System.remark_with_event built by @polkadot from the metadata are
//    accepted by ddc (`dev-decode`, `decode-call`: DecodeExtrinsic, VerifyExtrinsic,
//    DecodeCall) with the same arguments.
// 4. The storage the dev chain's state_getStorage serves: the System.Account and Timestamp.Now
//    entries have the modifier, hashers, key and value types (paths, generic parameters, field
//    names and type names, recursively) of Polkadot's own metadata (@polkadot/types-support);
//    the keys @polkadot's decorated queries (`query.system.account(who)`,
//    `query.timestamp.now()`, what @polkadot/api's api.query builds) are ddc's SystemAccountKey
//    and StorageKey("Timestamp", "Now"); the values ddc writes (EncodeAccountStorage, a u64)
//    decode through the entries' value types to the same nonce, balances and time and
//    re-encode byte for byte; and the entries' defaults decode to zero (the chain answers null
//    for an unused account).
//
//   node chain_dev_metadata.mjs /path/to/ddc-chain-tool
//
// Exits non-zero naming every mismatch.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))

function die (message) {
  console.error(`chain_dev_metadata: ${message}`)
  process.exit(1)
}

for (const pkg of ['@polkadot/types', '@polkadot/types-codec', '@polkadot/types-support',
  '@polkadot/keyring', '@polkadot/util', '@polkadot/util-crypto']) {
  if (!fs.existsSync(path.join(here, 'node_modules', pkg))) {
    die(`${path.join(here, 'node_modules', pkg)} is missing: run scripts/install-deps ` +
        '(npm install in tests/interop)')
  }
}
const { TypeRegistry, Metadata, GenericCall, decorateExtrinsics, expandMetadata, unwrapStorageType } =
  await import('@polkadot/types')
const { AbstractInt, bool } = await import('@polkadot/types-codec')
const { default: polkadotMetadata } = await import('@polkadot/types-support/metadata/static-polkadot')
const { Keyring } = await import('@polkadot/keyring')
const { u8aToHex, hexToU8a, stringToU8a, compactStripLength } = await import('@polkadot/util')
const { cryptoWaitReady, ed25519Verify, blake2AsU8a, encodeAddress } = await import('@polkadot/util-crypto')
await cryptoWaitReady()

const tool = process.argv[2]
if (!tool) die('usage: node chain_dev_metadata.mjs /path/to/ddc-chain-tool')

function runTool (lines) {
  const r = spawnSync(tool, [], { input: lines.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 26 })
  if (r.status !== 0) die(`tool exited with ${r.status}: ${r.stderr}`)
  return r.stdout.trim().split('\n')
}

let failures = 0
function check (ok, what) {
  if (!ok) {
    failures++
    console.error(`chain_dev_metadata: MISMATCH ${what}`)
  }
}
// JSON with sorted keys, so that equal values compare equal whatever the key order.
function canonical (value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`
  }
  return JSON.stringify(value)
}
const strip = (hex) => hex.replace(/^0x/, '')

// The dev runtime as docs/chain.md specifies it: pallets, calls and their arguments as
// @polkadot names their types. Written here, not read from the metadata under test.
const kPallets = [
  ['System', 0, [['remark', 0, 'remark:Bytes'], ['remark_with_event', 7, 'remark:Bytes']]],
  ['Timestamp', 1, [['set', 0, 'now:Compact<u64>']]],
  ['Balances', 2, [['transfer_allow_death', 0, 'dest:MultiAddress value:Compact<u128>'],
    ['force_set_balance', 8, 'who:MultiAddress new_free:Compact<u128>']]],
  ['Sudo', 3, [['sudo_as', 3, 'who:MultiAddress call:Call']]],
  ['DdcClusters', 100, [
    ['create_cluster', 0, 'cluster_id:u64 params:DdcPrimitivesClusterParams'],
    ['add_node', 1, 'cluster_id:u64 node:AccountId32 address:Bytes mode:u8'],
    ['remove_node', 2, 'cluster_id:u64 node:AccountId32'],
    ['set_cluster_params', 3, 'cluster_id:u64 params:DdcPrimitivesClusterParams']]],
  ['DdcCustomers', 101, [
    ['create_bucket', 0, 'bucket_id:u64 cluster_id:u64 is_public:bool'],
    ['remove_bucket', 1, 'bucket_id:u64'],
    ['set_bucket_params', 2, 'bucket_id:u64 is_public:bool'],
    ['deposit', 3, 'value:Compact<u128>'],
    ['withdraw', 4, 'value:Compact<u128>']]],
  ['DdcPayouts', 102, [
    ['report_usage', 0, 'era:u32 root:H256 aggregates:Vec<DdcPrimitivesUsageAggregate>'],
    ['payout', 1, 'cluster_id:u64 era:u32']]]
]
const kStructs = {
  DdcPrimitivesClusterParams: 'replication_factor:u8 price_per_gb_stored:u64 ' +
    'price_per_gb_delivered:u64 price_per_put:u64 price_per_get:u64',
  DdcPrimitivesUsageAggregate: 'bucket:u64 stored_bytes:u64 delivered_bytes:u64 puts:u64 gets:u64'
}
// The signed extensions in order, each with what it adds to the extrinsic and to the signed
// payload as @polkadot resolves the metadata's types (extrinsic.cc's StandardExtensions()).
const kExtensionTypes = [
  ['CheckSpecVersion', 'Null', 'u32'], ['CheckTxVersion', 'Null', 'u32'],
  ['CheckGenesis', 'Null', 'H256'], ['CheckMortality', 'Era', 'H256'],
  ['CheckNonce', 'Compact<u32>', 'Null'], ['CheckWeight', 'Null', 'Null'],
  ['ChargeTransactionPayment', 'Compact<u128>', 'Null']
]
const kExtensions = kExtensionTypes.map(([id]) => id)

const [metadataHex, extrinsicsLine] = runTool(['dev-metadata', 'dev-extrinsics'])
const sample = JSON.parse(extrinsicsLine)
const { genesis, spec, tx: txVersion } = sample.context

// 1: load the metadata, counting anything @polkadot warns about (an unknown signed extension,
// an UncheckedExtrinsic or EventRecord it cannot find, ...) as a mismatch.
const registry = new TypeRegistry()
const warnings = []
const saved = { warn: console.warn, error: console.error, log: console.log }
console.warn = console.error = console.log = (...args) => warnings.push(args.join(' '))
let metadata
try {
  metadata = new Metadata(registry, '0x' + metadataHex)
  registry.setMetadata(metadata)
} finally {
  Object.assign(console, saved)
}
check(warnings.length === 0, `@polkadot warned while loading the metadata:\n  ${warnings.join('\n  ')}`)
check(metadata.version === 14, `metadata version ${metadata.version}`)
const v14 = metadata.asV14
const lookup = registry.lookup
check(v14.extrinsic.version.toNumber() === 4, `extrinsic version ${v14.extrinsic.version}`)
check(canonical(v14.extrinsic.signedExtensions.map((e) => e.identifier.toString())) === canonical(kExtensions),
  `signed extensions in the metadata: ${v14.extrinsic.signedExtensions.map((e) => e.identifier).join(',')}`)
check(canonical(registry.signedExtensions) === canonical(kExtensions),
  `signed extensions @polkadot signs with: ${registry.signedExtensions.join(',')}`)
for (const [alias, want] of [['Address', 'MultiAddress'], ['AccountId', 'AccountId32'], ['ExtrinsicSignature', 'MultiSignature']]) {
  check(registry.getDefinition(alias) === want, `${alias} is ${registry.getDefinition(alias)}, want ${want}`)
}
const gotTypes = v14.extrinsic.signedExtensions.map((e) =>
  [e.identifier.toString(), lookup.getTypeDef(e.type).type, lookup.getTypeDef(e.additionalSigned).type])
check(canonical(gotTypes) === canonical(kExtensionTypes),
  `signed extension types\n  got  ${canonical(gotTypes)}\n  want ${canonical(kExtensionTypes)}`)
const era = lookup.getSiType(v14.extrinsic.signedExtensions[3].type).def.asComposite.fields[0]
check(lookup.getSiType(era.type).path.join('::') === 'sp_runtime::generic::era::Era', 'CheckMortality does not carry an Era')

const gotPallets = v14.pallets.map((p) => [p.name.toString(), p.index.toNumber()])
check(canonical(gotPallets) === canonical(kPallets.map(([n, i]) => [n, i])), `pallets ${canonical(gotPallets)}`)
for (const [pallet, index, calls] of kPallets) {
  const p = v14.pallets.find((x) => x.name.eq(pallet))
  if (!p || p.calls.isNone) { check(false, `pallet ${pallet} has no calls`); continue }
  const variants = lookup.getSiType(p.calls.unwrap().type).def.asVariant.variants
  check(variants.length === calls.length, `${pallet}: ${variants.length} calls, want ${calls.length}`)
  for (const [call, callIndex, args] of calls) {
    let meta
    try {
      meta = registry.findMetaCall(new Uint8Array([index, callIndex])).meta
    } catch (e) {
      check(false, `${pallet}.${call}: @polkadot finds no call at (${index}, ${callIndex}): ${e.message}`)
      continue
    }
    check(meta.name.toString() === call, `(${index}, ${callIndex}) is ${meta.name}, want ${pallet}.${call}`)
    const got = meta.fields.map((f, i) => `${f.name.unwrap()}:${meta.args[i].type}`).join(' ')
    check(got === args, `${pallet}.${call} arguments\n  got  ${got}\n  want ${args}`)
  }
}
// remark_with_event's event, by which a client sees an anchor land: decoded through the Event
// type @polkadot finds by frame_system::EventRecord.
try {
  const sender = '0x' + '12'.repeat(32)
  const hash = '0x' + 'ab'.repeat(32)
  const event = registry.createType('Event', hexToU8a('0x0005' + strip(sender) + strip(hash)))
  const got = `${palletName(event.index[0])}.${event.method}(${event.data.meta.fields.map((f) => f.name.unwrap()).join(',')}) ` +
    `${event.data.map((d) => d.toHex()).join(' ')}`
  check(got === `System.Remarked(sender,hash) ${sender} ${hash}`, `System event 5 is ${got}`)
} catch (e) {
  check(false, `System event 5 (Remarked): ${e.message}`)
}
for (const [name, fields] of Object.entries(kStructs)) {
  const instance = registry.createType(name)
  const got = [...instance.entries()].map(([k, v]) => `${k}:${v.toRawType()}`).join(' ')
  const want = fields.split(' ').map((f) => { const [k, t] = f.split(':'); return `${k.replace(/_([a-z])/g, (_, c) => c.toUpperCase())}:${t}` }).join(' ')
  check(got === want, `${name}\n  got  ${got}\n  want ${want}`)
}

// The plain form ddc-chain-tool prints: arguments by their metadata names, integers as
// decimal strings, bytes and keys as 0x-hex, MultiAddress as {Id: key}, a nested call as
// {name, args}. Walks the metadata's type beside the decoded value, so that the names are the
// metadata's own.
function palletName (index) {
  const p = v14.pallets.find((x) => x.index.toNumber() === index)
  return p ? p.name.toString() : `pallet${index}`
}
function plain (codec, typeId) {
  const def = lookup.getSiType(typeId).def
  if (codec instanceof GenericCall) return callJson(codec)
  if (codec instanceof Uint8Array) return u8aToHex(codec.toU8a(true))
  if (def.isCompact) return plain(codec.unwrap(), def.asCompact.type)
  if (codec instanceof AbstractInt) return codec.toString()
  if (codec instanceof bool) return codec.isTrue
  if (def.isSequence) return codec.map((c) => plain(c, def.asSequence.type))
  if (def.isComposite) {
    const values = [...codec.values()]
    return Object.fromEntries(def.asComposite.fields.map((f, i) => [f.name.unwrap().toString(), plain(values[i], f.type)]))
  }
  if (def.isVariant) {
    const v = def.asVariant.variants.find((x) => x.name.eq(codec.type))
    return { [codec.type]: plain(codec.value, v.fields[0].type) }
  }
  throw new Error(`no plain form for ${codec.toRawType()}`)
}
function callJson (call) {
  const { meta } = registry.findMetaCall(call.callIndex)
  const args = {}
  meta.fields.forEach((f, i) => { args[f.name.unwrap().toString()] = plain(call.args[i], f.type) })
  return { name: `${palletName(call.callIndex[0])}.${meta.name}`, args }
}
// The same call built by @polkadot from the metadata and the plain arguments.
function buildCall ({ name, args }) {
  const [pallet, call] = name.split('.')
  const p = v14.pallets.find((x) => x.name.eq(pallet))
  const v = lookup.getSiType(p.calls.unwrap().type).def.asVariant.variants.find((x) => x.name.eq(call))
  const fn = registry.findMetaCall(new Uint8Array([p.index.toNumber(), v.index.toNumber()]))
  return fn(...fn.meta.fields.map((f) => {
    const value = args[f.name.unwrap().toString()]
    return value && typeof value === 'object' && 'name' in value && 'args' in value ? buildCall(value) : value
  }))
}

// 2: ddc's extrinsics through @polkadot.
const kinds = new Set()
for (const item of sample.extrinsics) {
  const what = `${item.name} (${item.signed ? 'signed' : 'unsigned'})`
  let ext
  try {
    ext = registry.createType('Extrinsic', item.extrinsic)
  } catch (e) {
    check(false, `${what}: @polkadot does not decode ${item.extrinsic}: ${e.message}`)
    continue
  }
  kinds.add(item.name)
  check(ext.toHex() === item.extrinsic, `${what}: re-encoded\n  ddc      ${item.extrinsic}\n  polkadot ${ext.toHex()}`)
  const got = callJson(ext.method)
  check(canonical(got) === canonical({ name: item.name, args: item.args }),
    `${what}: decoded call\n  polkadot ${canonical(got)}\n  ddc      ${canonical({ name: item.name, args: item.args })}`)
  check(ext.isSigned === item.signed, `${what}: isSigned ${ext.isSigned}`)
  const rebuilt = buildCall(item)
  check(rebuilt.toHex() === ext.method.toHex(), `${what}: @polkadot builds\n  ${rebuilt.toHex()}\n  ddc's call is\n  ${ext.method.toHex()}`)
  if (!item.signed) continue
  check(ext.signer.type === 'Id' && ext.signer.value.toHex() === item.signer, `${what}: signer ${ext.signer.toHex()}`)
  check(ext.nonce.unwrap().toString() === item.nonce, `${what}: nonce ${ext.nonce}, want ${item.nonce}`)
  check(ext.tip.unwrap().toString() === item.tip, `${what}: tip ${ext.tip}, want ${item.tip}`)
  check(ext.era.toHex() === item.era, `${what}: era ${ext.era.toHex()}, want ${item.era}`)
  const payload = registry.createType('ExtrinsicPayload', {
    method: ext.method.toHex(),
    era: ext.era,
    nonce: ext.nonce,
    tip: ext.tip,
    specVersion: spec,
    transactionVersion: txVersion,
    genesisHash: genesis,
    blockHash: item.era_hash
  }, { version: 4 })
  const full = payload.toU8a({ method: true })
  const signed = full.length > 256 ? blake2AsU8a(full, 256) : full
  check(ed25519Verify(signed, ext.signature.toU8a(), ext.signer.value.toU8a()),
    `${what}: ddc's signature does not verify against @polkadot's payload`)
}
const allKinds = kPallets.flatMap(([p, , calls]) => calls.map(([c]) => `${p}.${c}`))
for (const k of allKinds) check(kinds.has(k), `the tool built no extrinsic of ${k}`)

// 3: @polkadot's calls and a signed extrinsic through ddc.
const tx = decorateExtrinsics(registry, v14, metadata.version)
const keyring = new Keyring({ type: 'ed25519' })
const pair = keyring.addFromSeed(new Uint8Array(32).fill(0x77))
const other = u8aToHex(keyring.addFromSeed(new Uint8Array(32).fill(0x78)).publicKey)
const remark = u8aToHex(stringToU8a('anchored by @polkadot/types from the dev metadata'))
const ours = [
  tx.system.remarkWithEvent(remark),
  tx.timestamp.set(1700000000999),
  tx.balances.transferAllowDeath({ Id: other }, 123456789012345n),
  tx.sudo.sudoAs({ Id: other }, tx.ddcCustomers.createBucket(5, 6, true)),
  tx.ddcClusters.createCluster(11, { replication_factor: 2, price_per_gb_stored: 10, price_per_gb_delivered: 20, price_per_put: 1, price_per_get: 2 }),
  tx.ddcClusters.addNode(11, other, u8aToHex(stringToU8a('10.0.0.1:9000')), 3),
  tx.ddcCustomers.createBucket(12, 11, false),
  tx.ddcCustomers.deposit(2n ** 64n - 1n),
  tx.ddcPayouts.payout(11, 4)
]
const callOut = runTool(ours.map((c) => `decode-call ${strip(c.toHex())}`))
ours.forEach((c, i) => {
  const want = callJson(c)
  if (!callOut[i].startsWith('ok ')) {
    check(false, `${want.name} built by @polkadot refused by ddc: ${callOut[i]}`)
    return
  }
  const got = JSON.parse(callOut[i].slice(3))
  check(canonical(got) === canonical(want), `${want.name} built by @polkadot\n  ddc      ${canonical(got)}\n  polkadot ${canonical(want)}`)
})

const blockHash = u8aToHex(new Uint8Array(32).fill(0x5b))
const signedExt = registry.createType('Extrinsic', ours[0])
signedExt.sign(pair, {
  blockHash,
  era: registry.createType('ExtrinsicEra', { current: 5000, period: 128 }),
  genesisHash: genesis,
  nonce: 3,
  runtimeVersion: { specVersion: spec, transactionVersion: txVersion },
  tip: 0,
  signedExtensions: registry.signedExtensions
})
const [decoded] = runTool([`dev-decode ${strip(signedExt.toHex())} ${strip(genesis)} ${strip(blockHash)} ${spec} ${txVersion}`])
if (!decoded.startsWith('ok ')) {
  check(false, `System.remark_with_event signed by @polkadot refused by ddc: ${decoded}`)
} else {
  const got = JSON.parse(decoded.slice(3))
  const want = {
    ...callJson(signedExt.method),
    extrinsic: signedExt.toHex(),
    signed: true,
    signer: u8aToHex(pair.publicKey),
    nonce: '3',
    tip: '0',
    era: signedExt.era.toHex()
  }
  check(canonical(got) === canonical(want), `signed System.remark_with_event built by @polkadot\n  ddc      ${canonical(got)}\n  polkadot ${canonical(want)}`)
}
// The same extrinsic signed for another genesis must not verify: ddc really checked it.
const [wrong] = runTool([`dev-decode ${strip(signedExt.toHex())} ${'11'.repeat(32)} ${strip(blockHash)} ${spec} ${txVersion}`])
check(wrong.startsWith('error '), `an extrinsic checked against the wrong genesis was accepted: ${wrong}`)

// 4: storage. An entry as a string: prefix, modifier, kind, hashers, key and value types, each
// type written out with its path, generic parameters (by name and path), field names and the
// Rust type names of its fields, down to the primitives. Not the default: Polkadot's
// System.Account default has the IS_NEW_LOGIC bit of ExtraFlags set (pallet_balances'
// ExtraFlags::default()), while ddc writes flags 0 in every value and so has the zero
// AccountInfo as default; the defaults are checked below.
function typeShape (lookup, id) {
  const t = lookup.getSiType(id)
  const params = t.params.map((p) => p.name.toString() + (p.type.isSome ? `=${lookup.getSiType(p.type.unwrap()).path.join('::')}` : ''))
  const head = `${t.path.join('::')}<${params.join(',')}>`
  if (t.def.isPrimitive) return t.def.asPrimitive.toString()
  if (t.def.isComposite) {
    const fields = t.def.asComposite.fields.map((f) =>
      `${f.name.isSome ? f.name.unwrap() : ''}:${f.typeName.isSome ? f.typeName.unwrap() : ''}=${typeShape(lookup, f.type)}`)
    return `${head}{${fields.join(',')}}`
  }
  return `${head}${t.def.type}`
}
function entryShape (meta, pallet, item) {
  const p = meta.asLatest.pallets.find((x) => x.name.eq(pallet))
  const storage = p && p.storage.isSome ? p.storage.unwrap() : undefined
  const e = storage && storage.items.find((x) => x.name.eq(item))
  if (!e) return `no ${pallet}.${item}`
  const { lookup } = meta.registry
  const type = e.type.isMap
    ? `Map ${e.type.asMap.hashers.map(String).join(',')} ${typeShape(lookup, e.type.asMap.key)} -> ${typeShape(lookup, e.type.asMap.value)}`
    : `Plain ${typeShape(lookup, e.type.asPlain)}`
  return `prefix ${storage.prefix} ${e.modifier} ${type}`
}
const polkadotRegistry = new TypeRegistry()
const polkadot = new Metadata(polkadotRegistry, polkadotMetadata)
polkadotRegistry.setMetadata(polkadot)
const kStorage = [['System', 'Account'], ['Timestamp', 'Now']]
for (const [pallet, item] of kStorage) {
  const got = entryShape(metadata, pallet, item)
  const want = entryShape(polkadot, pallet, item)
  check(got === want, `${pallet}.${item} storage entry\n  dev      ${got}\n  polkadot ${want}`)
}

// Decorating the storage as @polkadot/api does must not warn either (it types every pallet's
// palletVersion and the well-known keys by primitives it looks up in the registry).
const storageWarnings = []
console.warn = console.error = console.log = (...args) => storageWarnings.push(args.join(' '))
let query
try {
  query = expandMetadata(registry, metadata).query
  for (const section of ['system', 'timestamp', 'substrate']) {
    for (const name of Object.keys(query[section])) check(typeof query[section][name] === 'function', `query.${section}.${name}`)
  }
} finally {
  Object.assign(console, saved)
}
check(storageWarnings.length === 0, `@polkadot warned while decorating the storage:\n  ${storageWarnings.join('\n  ')}`)
const keyOf = (key) => u8aToHex(compactStripLength(key)[1])
// {account, nonce, free, deposit}: edges of u32 and u64 and balances above 2^53.
const kAccounts = [
  ['00'.repeat(32), 0n, 0n, 0n],
  ['ff'.repeat(32), 1n, 1n, 0n],
  [strip(u8aToHex(pair.publicKey)), 2n ** 32n - 1n, 2n ** 64n - 1n, 2n ** 64n - 2n],
  [strip(other), 123456789n, 2n ** 53n + 1n, 2n ** 63n],
  ['0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20', 97n, 10n ** 18n, 1n]
]
const kMoments = [0n, 1700000000123n, 2n ** 64n - 1n]
const storageOut = runTool([
  ...kAccounts.map(([who, nonce, free, deposit]) => `account-storage ${who} ${nonce} ${free} ${deposit}`),
  ...kMoments.map((ms) => `timestamp-storage ${ms}`)
])
const accountType = unwrapStorageType(registry, query.system.account.meta.type)
check(accountType === 'FrameSystemAccountInfo', `System.Account's value is ${accountType}, want FrameSystemAccountInfo`)
kAccounts.forEach(([who, nonce, free, deposit], i) => {
  const [key, value] = storageOut[i].split(' ').map((h) => '0x' + h)
  const what = `System.Account of 0x${who}`
  const polkadotKey = keyOf(query.system.account('0x' + who))
  check(polkadotKey === key, `${what}: key\n  ddc      ${key}\n  polkadot ${polkadotKey}`)
  const ss58Key = keyOf(query.system.account(encodeAddress('0x' + who, 42)))
  check(ss58Key === key, `${what}: key by SS58 address\n  ddc      ${key}\n  polkadot ${ss58Key}`)
  let info
  try {
    info = registry.createType(accountType, hexToU8a(value))
  } catch (e) {
    check(false, `${what}: @polkadot does not decode ${value}: ${e.message}`)
    return
  }
  check(info.toHex() === value, `${what}: re-encoded\n  ddc      ${value}\n  polkadot ${info.toHex()}`)
  const got = [info.nonce, info.data.free, info.data.reserved, info.data.frozen, info.data.flags]
    .map((v) => BigInt(v.toString())).join(' ')
  const want = [nonce, free, deposit, 0n, 0n].join(' ')
  check(got === want, `${what}: nonce free reserved frozen flags\n  polkadot ${got}\n  ddc      ${want}`)
})
const accountDefault = query.system.account.meta.fallback
const fallback = registry.createType(accountType, accountDefault)
check(accountDefault.toHex() === '0x' + '00'.repeat(80) && fallback.toHex() === accountDefault.toHex() &&
  fallback.nonce.isZero() && fallback.data.free.isZero() && fallback.data.reserved.isZero(),
  `System.Account's default is ${accountDefault.toHex()}, want the zero AccountInfo (80 zero bytes)`)

const nowType = unwrapStorageType(registry, query.timestamp.now.meta.type)
check(nowType === 'u64', `Timestamp.Now's value is ${nowType}, want u64`)
kMoments.forEach((ms, i) => {
  const [key, value] = storageOut[kAccounts.length + i].split(' ').map((h) => '0x' + h)
  const polkadotKey = keyOf(query.timestamp.now())
  check(polkadotKey === key, `Timestamp.Now: key\n  ddc      ${key}\n  polkadot ${polkadotKey}`)
  const now = registry.createType(nowType, hexToU8a(value))
  check(BigInt(now.toString()) === ms && now.toHex(true) === value,
    `Timestamp.Now ${ms}: @polkadot decodes ${value} to ${now}`)
})
const nowDefault = registry.createType(nowType, query.timestamp.now.meta.fallback)
check(nowDefault.isZero() && query.timestamp.now.meta.fallback.toHex() === '0x' + '00'.repeat(8),
  `Timestamp.Now's default is ${query.timestamp.now.meta.fallback.toHex()}, want 8 zero bytes`)

if (failures > 0) die(`${failures} mismatches`)
console.log(`chain_dev_metadata: ${v14.lookup.types.length} types, ${v14.pallets.length} pallets, ` +
  `${allKinds.length} calls and ${kExtensions.length} signed extensions as @polkadot reads them; ` +
  `${sample.extrinsics.length} ddc extrinsics and ${ours.length + 1} @polkadot calls agree; ` +
  `${kStorage.length} storage entries as Polkadot's, ${kAccounts.length} System.Account and ` +
  `${kMoments.length} Timestamp.Now keys and values agree`)
