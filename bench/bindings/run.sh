#!/usr/bin/env bash
# The Python and Node.js bindings against C++ on one workload, in one script (the issue's
# target: batched appends from either language at least 70% of C++). A benchmark, not a test:
# it never fails on a slow result.
#
#   1. ddc-bench export_events writes --events pre-signed, batch-signed events (about 1.25 KiB,
#      3 sealed scopes) to a file, each as a 4-byte little-endian length and its bytes;
#   2. each round runs, one after the other, ddc-bench bindings_baseline (C++), bench.py
#      (Python) and bench.js (Node.js) once on that file: every event appended in batched
#      calls (durability group, then none), the first --single one call each (none), then
#      GetEvent/get_event/getEvent and Get/get of every event by its CID, from one caller;
#   3. compare.py prints events/s per language (best of the rounds, median in parentheses) and
#      each binding's ratio to C++, and whether the target is met.
#
# Usage: bench/bindings/run.sh BUILD_DIR [--events N] [--rounds R] [--batch N] [--single N]
#            [--dir DIR] [--json]
# BUILD_DIR must be an optimized build with the benchmark and both bindings, e.g.
#   cmake --preset release && cmake --build --preset release -j2 --target ddc-bench _ddc ddc_node
# (the release preset turns DDC_BUILD_BENCH on; the bindings are on when pybind11 and Node's
# headers are found). Needs /usr/bin/python3 and node. Scratch files go under DIR (default:
# the system temp directory) and are removed at the end.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
usage() { sed -n '15,21p' "$0" | sed 's/^# \{0,1\}//'; }
if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then
  usage
  exit 2
fi
build=$(cd "$1" && pwd)
shift
events=100000
rounds=3
batch=1000
single=20000
parent=${TMPDIR:-/tmp}
json=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --events) events=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --single) single=$2; shift 2 ;;
    --dir) parent=$2; shift 2 ;;
    --json) json=--json; shift ;;
    *) echo "run.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done

bench="$build/bench/ddc-bench"
addon="$build/bindings/node/ddc.node"
python=/usr/bin/python3
missing=()
[[ -x "$bench" ]] || missing+=("ddc-bench ($bench)")
compgen -G "$build/bindings/python/ddc/_ddc*.so" >/dev/null || missing+=("_ddc (the Python module)")
[[ -f "$addon" ]] || missing+=("ddc_node ($addon)")
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "run.sh: not built in $build: ${missing[*]}" >&2
  echo "run.sh: cmake --build $build -j2 --target ddc-bench _ddc ddc_node" >&2
  exit 2
fi
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt")
case "$build_type" in
  Release|RelWithDebInfo) ;;
  *) echo "run.sh: warning: $build is a '$build_type' build; the figures mean little" >&2 ;;
esac

scratch=$(mktemp -d "$parent/ddc-bindings-bench-XXXXXX")
trap 'rm -rf "$scratch"' EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "run.sh: $build ($build_type), $(nproc) cpus, load average at start: $(load)" >&2
echo "== export $events events" >&2
"$bench" --json --dir "$scratch" --workloads export_events --out "$scratch/events.bin" \
  --events "$events" > "$scratch/export.jsonl"

for ((round = 1; round <= rounds; ++round)); do
  echo "== round $round/$rounds: C++ (load $(load))" >&2
  "$bench" --json --dir "$scratch" --workloads bindings_baseline --in "$scratch/events.bin" \
    --repeat 1 --bindings-batch "$batch" --bindings-single "$single" >> "$scratch/cpp.jsonl"
  echo "== round $round/$rounds: Python (load $(load))" >&2
  PYTHONPATH="$build/bindings/python" "$python" "$here/bench.py" --events "$scratch/events.bin" \
    --dir "$scratch" --repeat 1 --batch "$batch" --single "$single" >> "$scratch/python.jsonl"
  echo "== round $round/$rounds: Node.js (load $(load))" >&2
  NODE_PATH="$build/bindings/node/lib" DDC_NODE_ADDON="$addon" node "$here/bench.js" \
    --events "$scratch/events.bin" --dir "$scratch" --repeat 1 --batch "$batch" \
    --single "$single" >> "$scratch/node.jsonl"
done

echo "run.sh: load average at end: $(load)" >&2
"$python" "$here/compare.py" "$scratch/cpp.jsonl" "$scratch/python.jsonl" \
  "$scratch/node.jsonl" $json
