// The Hypercore peer of ddc-bench's event workloads.
//
// Reads the events ddc-bench exported (`ddc-bench --workloads export_events --out FILE`: each
// event as a 4-byte little-endian length and its bytes), then, with the npm `hypercore` package:
//
//   append_batch   appends those exact bytes to a fresh Hypercore on disk, --batch blocks per
//                  core.append([...]) call (one signature per call), timed from the first
//                  append to the last; best and median of --repeat runs.
//   proof_gen      on a core of --proof-entries blocks (the exported events appended again and
//                  again until it is that long; setup time printed apart): core.proof() of one
//                  block at a uniform random index with an upgrade to the full length, which is
//                  how Hypercore proves a block to a reader that holds nothing (its "fully
//                  remote" proofs) — the block, its Merkle path and the signed tree roots.
//   proof_verify   those proofs encoded as Hypercore's wire `data` message, decoded again and
//                  checked with core.verifyFullyRemote(): the block's path up to the roots and
//                  the ed25519 signature over the tree hash.
//   proof_bytes    the mean size of the encoded proofs (and without the block's bytes).
//
// Durability: Hypercore 11 stores through hypercore-storage on RocksDB (rocksdb-native) with
// unsynced write batches, so ddc's append_batch_signed_nosync is the like-for-like row; the
// synced ddc row is reported next to it.
//
// Every result is one JSON line on stdout; progress goes to stderr. Usage:
//   node hypercore_bench.mjs --events FILE [--dir DIR] [--batch 1000] [--repeat 3]
//                            [--proof-entries 1000000] [--proof-ops 20000]
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'

import Hypercore from 'hypercore'
import c from 'compact-encoding'

const require = createRequire(import.meta.url)
// The wire encoding of a proof: not part of Hypercore's documented API, so it is loaded by path.
const messages = require('hypercore/lib/messages.js')

function parseArgs(argv) {
  const args = {
    events: null,
    dir: os.tmpdir(),
    batch: 1000,
    repeat: 3,
    proofEntries: 1_000_000,
    proofOps: 20_000
  }
  const names = {
    '--events': 'events',
    '--dir': 'dir',
    '--batch': 'batch',
    '--repeat': 'repeat',
    '--proof-entries': 'proofEntries',
    '--proof-ops': 'proofOps'
  }
  for (let i = 2; i < argv.length; i++) {
    let [flag, value] = argv[i].split('=', 2)
    const key = names[flag]
    if (!key) throw new Error('unknown argument ' + argv[i])
    if (value === undefined) value = argv[++i]
    if (value === undefined) throw new Error(flag + ' needs a value')
    args[key] = key === 'events' || key === 'dir' ? value : Number(value)
    if (typeof args[key] === 'number' && !(Number.isInteger(args[key]) && args[key] > 0)) {
      throw new Error(flag + ': expected a positive integer, got ' + value)
    }
  }
  if (!args.events) throw new Error('--events FILE is required (ddc-bench export_events)')
  return args
}

function readEvents(file) {
  const buf = fs.readFileSync(file)
  const events = []
  let at = 0
  while (at < buf.length) {
    if (at + 4 > buf.length) throw new Error(file + ': truncated length at byte ' + at)
    const n = buf.readUInt32LE(at)
    at += 4
    if (at + n > buf.length) throw new Error(file + ': truncated event at byte ' + at)
    events.push(buf.subarray(at, at + n))
    at += n
  }
  if (events.length === 0) throw new Error(file + ': no events')
  return events
}

// xorshift64*: the same picks on every run, without pulling in a dependency.
function picker(seed) {
  let x = BigInt(seed) | 1n
  const mask = (1n << 64n) - 1n
  return (n) => {
    x ^= x >> 12n
    x ^= (x << 25n) & mask
    x ^= x >> 27n
    const r = (x * 0x2545f4914f6cdd1dn) & mask
    return Number(r % BigInt(n))
  }
}

function best(values) {
  return Math.max(...values)
}

function median(values) {
  const s = [...values].sort((a, b) => a - b)
  const n = s.length
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
}

function emit(row) {
  process.stdout.write(JSON.stringify({ peer: 'hypercore', ...row }) + '\n')
}

function note(line) {
  process.stderr.write('[hypercore] ' + line + '\n')
}

async function appendAll(core, events, batch, count = events.length) {
  for (let i = 0; i < count; i += batch) {
    const blocks = []
    for (let j = i; j < Math.min(count, i + batch); j++) blocks.push(events[j % events.length])
    await core.append(blocks)
  }
}

async function appendRuns(args, events, root) {
  const bytes = events.reduce((sum, e) => sum + e.length, 0)
  const rates = []
  const mbps = []
  for (let rep = 0; rep < args.repeat; rep++) {
    const dir = path.join(root, 'append' + rep)
    const core = new Hypercore(dir)
    await core.ready()
    const start = process.hrtime.bigint()
    await appendAll(core, events, args.batch)
    const seconds = Number(process.hrtime.bigint() - start) / 1e9
    if (core.length !== events.length) throw new Error('append: core has the wrong length')
    await core.close()
    fs.rmSync(dir, { recursive: true, force: true })
    rates.push(events.length / seconds)
    mbps.push(bytes / seconds / 1e6)
    note(`append run ${rep + 1}/${args.repeat}: ${Math.round(events.length / seconds)} events/s`)
  }
  const how = `${events.length} exported events (${bytes} B) appended to a fresh on-disk core, core.append() of ${args.batch} blocks per call`
  emit({ workload: 'append_batch', unit: 'events/s', best: best(rates), median: median(rates), runs: rates, note: how })
  emit({ workload: 'append_batch_MBps', unit: 'MB/s', best: best(mbps), median: median(mbps), runs: mbps, note: how })
}

function encodeProof(proof) {
  return c.encode(messages.wire.data, { request: 0, ...proof })
}

async function proofRuns(args, events, root) {
  const dir = path.join(root, 'proofs')
  const core = new Hypercore(dir)
  await core.ready()
  const setupStart = process.hrtime.bigint()
  await appendAll(core, events, args.batch, args.proofEntries)
  const setupSeconds = Number(process.hrtime.bigint() - setupStart) / 1e9
  note(`proof setup: ${core.length} blocks in ${setupSeconds.toFixed(1)} s`)
  const length = core.length
  const pick = picker(21)
  const indexes = Array.from({ length: args.proofOps }, () => pick(length))
  const gen = []
  const verify = []
  let encoded = []
  for (let rep = 0; rep < args.repeat; rep++) {
    encoded = []
    let start = process.hrtime.bigint()
    for (const index of indexes) {
      const proof = await core.proof({ block: { index, nodes: 0 }, upgrade: { start: 0, length } })
      encoded.push(encodeProof(proof))
    }
    let seconds = Number(process.hrtime.bigint() - start) / 1e9
    gen.push(indexes.length / seconds)
    start = process.hrtime.bigint()
    for (let i = 0; i < encoded.length; i++) {
      const proof = c.decode(messages.wire.data, encoded[i])
      const batch = await core.verifyFullyRemote(proof)
      if (batch.length !== length || proof.block.index !== indexes[i]) {
        throw new Error('verifyFullyRemote: unexpected result')
      }
    }
    seconds = Number(process.hrtime.bigint() - start) / 1e9
    verify.push(indexes.length / seconds)
    note(`proof run ${rep + 1}/${args.repeat}: gen ${Math.round(gen[rep])}/s, verify ${Math.round(verify[rep])}/s`)
  }
  await core.close()
  fs.rmSync(dir, { recursive: true, force: true })
  const sizes = encoded.map((e) => e.length)
  // The same proofs without the block's bytes: the path, upgrade nodes and signature alone.
  const pathSizes = encoded.map((e) => e.length - c.decode(messages.wire.data, e).block.value.length)
  const at = `${args.proofOps} uniform random blocks of a ${length}-block core (setup ${setupSeconds.toFixed(1)} s untimed), one at a time`
  emit({ workload: 'proof_gen', unit: 'proofs/s', best: best(gen), median: median(gen), runs: gen, note: at + '; core.proof({block, upgrade: {start: 0, length}}) + wire encoding' })
  emit({ workload: 'proof_verify', unit: 'proofs/s', best: best(verify), median: median(verify), runs: verify, note: 'wire decoding + core.verifyFullyRemote (Merkle path to the roots, ed25519 signature)' })
  emit({ workload: 'proof_bytes', unit: 'B', best: sizes.reduce((a, b) => a + b, 0) / sizes.length, median: median(sizes), note: 'encoded wire data message: the block, its path, the upgrade nodes and the signature' })
  emit({ workload: 'proof_bytes_without_block', unit: 'B', best: pathSizes.reduce((a, b) => a + b, 0) / pathSizes.length, median: median(pathSizes), note: 'proof_bytes minus the block value: path, upgrade nodes, signature, framing' })
  emit({ workload: 'proof_core_length', unit: 'blocks', best: length, median: length, note: 'blocks in the proof core' })
}

async function main() {
  const args = parseArgs(process.argv)
  const events = readEvents(args.events)
  const root = fs.mkdtempSync(path.join(args.dir, 'hypercore-bench-'))
  const pkg = require('hypercore/package.json')
  note(`hypercore ${pkg.version}, node ${process.version}, ${events.length} events, scratch ${root}`)
  emit({ workload: 'version', unit: '', best: null, median: null, note: `hypercore ${pkg.version}, node ${process.version}` })
  try {
    await appendRuns(args, events, root)
    await proofRuns(args, events, root)
  } finally {
    fs.rmSync(root, { recursive: true, force: true })
  }
}

main().catch((err) => {
  process.stderr.write('hypercore_bench: ' + (err && err.stack ? err.stack : err) + '\n')
  process.exit(1)
})
