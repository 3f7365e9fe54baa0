// Interop test: ddc's decoder of Substrate runtime metadata (engine/chain/metadata.h) against
// @polkadot/types on the real V14 metadata of three runtimes that @polkadot/types-support
// ships (substrate, polkadot, kusama): the same registry size, every pallet's name and index,
// every call's name and index (what a client needs to build System.remark_with_event on a
// runtime it did not know at compile time), the signed extensions in order and which of them
// add bytes. Then damaged metadata (truncated, trailing bytes, another version) is refused.
//
//   node chain_metadata.mjs /path/to/ddc-chain-tool
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))

function die (message) {
  console.error(`chain_metadata: ${message}`)
  process.exit(1)
}

for (const pkg of ['@polkadot/types', '@polkadot/types-support']) {
  if (!fs.existsSync(path.join(here, 'node_modules', pkg))) {
    die(`${path.join(here, 'node_modules', pkg)} is missing: run scripts/install-deps ` +
        '(npm install in tests/interop)')
  }
}
const { TypeRegistry, Metadata } = await import('@polkadot/types')
const tool = process.argv[2]
if (!tool) die('usage: node chain_metadata.mjs /path/to/ddc-chain-tool')
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddc-metadata-'))
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }))

function decodeWithDdc (hex) {
  const file = path.join(dir, 'metadata.hex')
  fs.writeFileSync(file, hex)
  const r = spawnSync(tool, [], { input: `metadata ${file}\n`, encoding: 'utf8', maxBuffer: 1 << 26 })
  if (r.status !== 0) die(`tool exited with ${r.status}: ${r.stderr}`)
  return r.stdout.trim()
}

let failures = 0
function check (ok, what) {
  if (!ok) {
    failures++
    console.error(`chain_metadata: MISMATCH ${what}`)
  }
}

for (const runtime of ['substrate', 'polkadot', 'kusama']) {
  const { default: hex } = await import(`@polkadot/types-support/metadata/static-${runtime}`)
  const registry = new TypeRegistry()
  const metadata = new Metadata(registry, hex)
  registry.setMetadata(metadata)
  const v14 = metadata.asV14
  const lookup = registry.lookup
  const isEmpty = (id, depth = 0) => {
    if (depth > 32) return false
    const def = lookup.getSiType(id).def
    if (def.isComposite) return def.asComposite.fields.every((f) => isEmpty(f.type.toNumber(), depth + 1))
    if (def.isTuple) return def.asTuple.every((t) => isEmpty(t.toNumber(), depth + 1))
    if (def.isArray) return def.asArray.len.toNumber() === 0 || isEmpty(def.asArray.type.toNumber(), depth + 1)
    return false
  }
  const want = {
    version: metadata.version,
    types: v14.lookup.types.length,
    extrinsic_version: v14.extrinsic.version.toNumber(),
    signed_extensions: v14.extrinsic.signedExtensions.map((e) => ({
      identifier: e.identifier.toString(),
      empty: isEmpty(e.type.toNumber()),
      additional_empty: isEmpty(e.additionalSigned.toNumber())
    })),
    pallets: v14.pallets.map((p) => ({
      name: p.name.toString(),
      index: p.index.toNumber(),
      calls: p.calls.isSome
        ? lookup.getSiType(p.calls.unwrap().type).def.asVariant.variants.map((v) => [v.name.toString(), v.index.toNumber()])
        : []
    }))
  }
  const line = decodeWithDdc(hex)
  if (line.startsWith('error')) die(`${runtime}: ddc refused the metadata: ${line}`)
  const got = JSON.parse(line)
  for (const key of ['version', 'types', 'extrinsic_version']) {
    check(got[key] === want[key], `${runtime}: ${key} ${got[key]} != ${want[key]}`)
  }
  const flat = (list) => JSON.stringify(list.map((e) => [e.identifier, e.empty, e.additional_empty]))
  check(flat(got.signed_extensions) === flat(want.signed_extensions),
    `${runtime}: signed extensions\n  ddc      ${flat(got.signed_extensions)}\n  polkadot ${flat(want.signed_extensions)}`)
  check(got.pallets.length === want.pallets.length, `${runtime}: ${got.pallets.length} pallets, want ${want.pallets.length}`)
  want.pallets.forEach((p, i) => {
    const g = got.pallets.find((x) => x.name === p.name) || {}
    check(g.index === p.index, `${runtime}: pallet ${p.name} index ${g.index} != ${p.index}`)
    check(JSON.stringify(g.calls) === JSON.stringify(p.calls), `${runtime}: pallet ${p.name} calls differ`)
  })
  const system = want.pallets.find((p) => p.name === 'System')
  check(system && system.calls.some(([n, i]) => n === 'remark_with_event' && i === 7),
    `${runtime}: System.remark_with_event is not call 7`)

  // Damaged copies are refused with a message.
  const bytes = hex.slice(2)
  for (const cut of [10, 12, Math.floor(bytes.length / 4) * 2, bytes.length - 2]) {
    const out = decodeWithDdc(bytes.slice(0, cut))
    check(out.startsWith('error metadata: '), `${runtime}: cut at ${cut / 2} bytes accepted: ${out.slice(0, 80)}`)
  }
  check(decodeWithDdc(bytes + '00').includes('trailing bytes'), `${runtime}: trailing byte accepted`)
  check(decodeWithDdc(bytes.slice(0, 8) + '0d' + bytes.slice(10)).includes('version 13 is not supported'),
    `${runtime}: version 13 accepted`)
  console.log(`chain_metadata: ${runtime}: ${got.types} types, ${got.pallets.length} pallets, ` +
    `${got.signed_extensions.length} signed extensions agree with @polkadot/types`)
}
if (failures > 0) die(`${failures} mismatches`)
