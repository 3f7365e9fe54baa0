#!/usr/bin/env bash
# ddc against the npm `hypercore` package on the same event bytes, in one script: ddc-bench
# exports the batch-signed events and measures its event and proof workloads, then
# hypercore/hypercore_bench.mjs appends those bytes and measures Hypercore's proofs, and
# hypercore/compare.mjs prints the ratios (a benchmark, not a test: it never fails on a slow
# result).
#
# Usage: bench/compare_hypercore.sh --bench PATH_TO_DDC_BENCH [--repeat R] [--events N]
#            [--proof-events N] [--proof-ops N] [--hypercore-proof-ops N] [--dir DIR] [--json]
# Needs Node.js (>= 18) and npm; installs bench/hypercore/node_modules from package-lock.json
# (npm ci) when missing. Scratch files go under DIR (default: the system temp directory) and
# are removed at the end.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bench=""
repeat=3
events=200000
proof_events=1000000
proof_ops=200000
hypercore_proof_ops=20000
parent=${TMPDIR:-/tmp}
json=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bench) bench=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --events) events=$2; shift 2 ;;
    --proof-events) proof_events=$2; shift 2 ;;
    --proof-ops) proof_ops=$2; shift 2 ;;
    --hypercore-proof-ops) hypercore_proof_ops=$2; shift 2 ;;
    --dir) parent=$2; shift 2 ;;
    --json) json=--json; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "compare_hypercore.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [[ -z "$bench" || ! -x "$bench" ]]; then
  echo "compare_hypercore.sh: --bench must name the ddc-bench binary (build with -DDDC_BUILD_BENCH=ON)" >&2
  exit 2
fi
if [[ ! -d "$here/hypercore/node_modules" ]]; then
  (cd "$here/hypercore" && npm ci --no-audit --no-fund)
fi

scratch=$(mktemp -d "$parent/compare-hypercore-XXXXXX")
trap 'rm -rf "$scratch"' EXIT

echo "== ddc-bench" >&2
"$bench" --json --dir "$scratch" --repeat "$repeat" --events "$events" \
  --proof-events "$proof_events" --proof-ops "$proof_ops" --out "$scratch/events.bin" \
  --workloads ed25519_ceiling,append_signed,append_batch_signed,proof_gen,proof_verify,export_events \
  > "$scratch/ddc.jsonl"
echo "== hypercore" >&2
node "$here/hypercore/hypercore_bench.mjs" --events "$scratch/events.bin" --dir "$scratch" \
  --repeat "$repeat" --proof-entries "$proof_events" --proof-ops "$hypercore_proof_ops" \
  > "$scratch/hypercore.jsonl"
echo "== ddc / hypercore" >&2
node "$here/hypercore/compare.mjs" "$scratch/ddc.jsonl" "$scratch/hypercore.jsonl" $json
