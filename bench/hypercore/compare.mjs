// Prints ddc against Hypercore from the JSON lines of `ddc-bench --json` and
// hypercore_bench.mjs (see ../compare_hypercore.sh), as a table and as JSON lines with
// --json. Usage: node compare.mjs DDC.jsonl HYPERCORE.jsonl [--json]
import fs from 'node:fs'

function load(file, key) {
  const rows = new Map()
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue
    const row = JSON.parse(line)
    rows.set(row.workload, row)
  }
  if (rows.size === 0) throw new Error(file + ': no JSON lines')
  return rows
}

const [ddcFile, peerFile, flag] = process.argv.slice(2)
if (!ddcFile || !peerFile) {
  process.stderr.write('usage: node compare.mjs DDC.jsonl HYPERCORE.jsonl [--json]\n')
  process.exit(2)
}
const ddc = load(ddcFile)
const peer = load(peerFile)

// [ddc workload, hypercore workload, what, target (ddc/hypercore at least), lower is better]
const pairs = [
  ['append_batch_signed', 'append_batch', 'batch-signed appends, ddc synced every group', 5, false],
  ['append_batch_signed_nosync', 'append_batch', 'batch-signed appends, both unsynced', 5, false],
  ['append_batch_signed_MBps', 'append_batch_MBps', 'append MB/s, ddc synced', 0, false],
  ['append_batch_signed_nosync_MBps', 'append_batch_MBps', 'append MB/s, both unsynced', 0, false],
  ['proof_gen', 'proof_gen', 'inclusion proof generation (ddc: hashes only)', 0, false],
  ['proof_verify', 'proof_verify', 'inclusion proof verification (ddc: hashes only)', 0, false],
  ['event_proof_gen', 'proof_gen', 'self-contained proof generation (both read the block)', 0, false],
  ['event_proof_verify', 'proof_verify', 'self-contained proof verification (both check signatures)', 0, false],
  ['proof_bytes', 'proof_bytes_without_block', 'proof bytes without the data', 0, true],
  ['event_proof_bytes', 'proof_bytes', 'self-contained proof bytes with the data', 0, true]
]

const human = (v) => {
  if (v === null || v === undefined) return '-'
  const a = Math.abs(v)
  if (a >= 1e6) return (v / 1e6).toFixed(2) + 'M'
  if (a >= 1e4) return (v / 1e3).toFixed(1) + 'k'
  return a >= 100 ? v.toFixed(0) : v.toFixed(2)
}

const out = []
for (const [d, p, what, target, lower] of pairs) {
  const dr = ddc.get(d)
  const pr = peer.get(p)
  if (!dr || !pr) continue
  const ratio = lower ? pr.best / dr.ddc : dr.ddc / pr.best
  const medianRatio =
    dr.ddc_median != null && pr.median != null
      ? lower ? pr.median / dr.ddc_median : dr.ddc_median / pr.median
      : null
  out.push({
    ddc_workload: d,
    hypercore_workload: p,
    what,
    unit: dr.unit,
    ddc: dr.ddc,
    ddc_median: dr.ddc_median,
    hypercore: pr.best,
    hypercore_median: pr.median,
    ratio,
    ratio_median: medianRatio,
    lower_is_better: lower,
    target: target ? `>=${target}x hypercore` : null,
    met: target ? ratio >= target : null
  })
}

if (flag === '--json') {
  for (const row of out) process.stdout.write(JSON.stringify(row) + '\n')
} else {
  const head = ['ddc workload', 'hypercore', 'unit', 'ddc best', 'ddc med', 'hc best', 'hc med', 'ratio best', 'ratio med', 'target', 'status', 'what']
  const cells = out.map((r) => [
    r.ddc_workload, r.hypercore_workload, r.unit, human(r.ddc), human(r.ddc_median), human(r.hypercore),
    human(r.hypercore_median), r.ratio.toFixed(2) + 'x', r.ratio_median === null ? '-' : r.ratio_median.toFixed(2) + 'x',
    r.target ?? '-', r.met === null ? '-' : r.met ? 'MET' : 'NOT MET', r.what
  ])
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i].length)))
  const line = (row) => row.map((cell, i) => cell.padEnd(width[i])).join(' | ').trimEnd()
  process.stdout.write(line(head) + '\n' + line(width.map((w) => '-'.repeat(w))) + '\n')
  for (const row of cells) process.stdout.write(line(row) + '\n')
  process.stdout.write('ratio = ddc / hypercore (hypercore / ddc for bytes); ' + (peer.get('version')?.note ?? '') + '\n')
}
