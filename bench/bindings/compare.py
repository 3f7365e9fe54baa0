#!/usr/bin/env python3
"""Prints the bindings against C++ from the JSON lines of `ddc-bench bindings_baseline`,
bench.py and bench.js (see run.sh): events/s of each language and each binding's ratio to C++,
and whether batched appends reach the issue's target (at least 70% of C++).

Each file may hold several lines per workload (run.sh runs each language once per round); a
language's figure is the best of its runs (other processes only ever slow a run down), the
median in parentheses. Ratios are best / best, then median / median.

Usage: compare.py CPP.jsonl PYTHON.jsonl NODE.jsonl [--json]
"""

import json
import statistics
import sys

TARGET = 0.70  # Batched appends from a binding, as a share of C++.

# (workload, what) in the order printed.
ROWS = [
    ("bindings_append_batch", "batched appends (x{batch}), durability group"),
    ("bindings_append_batch_nosync", "batched appends (x{batch}), durability none"),
    ("bindings_append", "single appends, durability none"),
    ("bindings_get_event", "get_event / GetEvent by CID"),
    ("bindings_get", "get by CID (raw bytes)"),
]
TARGET_ROWS = ("bindings_append_batch", "bindings_append_batch_nosync")
LANGS = ("C++", "Python", "Node")


def load(path):
    """{workload: [figures of every run]} and {workload: note} of one file."""
    runs, notes = {}, {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            if not r["workload"].startswith("bindings_"):
                continue
            runs.setdefault(r["workload"], []).extend(r.get("runs") or [r["ddc"]])
            notes[r["workload"]] = r.get("note", "")
    if not runs:
        sys.exit(f"compare.py: {path}: no bindings_* rows")
    return runs, notes


def human(v):
    if v is None:
        return "-"
    if v >= 1e6:
        return f"{v / 1e6:.2f}M"
    if v >= 1e4:
        return f"{v / 1e3:.1f}k"
    return f"{v:.0f}"


def percent(v):
    return "-" if v is None else f"{100 * v:.0f}%"


def batch_size(note):
    for part in note.split("; "):
        if " x" in part:
            return part.rsplit(" x", 1)[1]
    return "N"


def main():
    args = [a for a in sys.argv[1:] if a != "--json"]
    as_json = "--json" in sys.argv[1:]
    if len(args) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    loaded = [load(p) for p in args]
    batch = batch_size(loaded[0][1].get("bindings_append_batch", ""))
    out = []
    for workload, what in ROWS:
        figures = []
        for runs, _ in loaded:
            values = runs.get(workload)
            figures.append((max(values), statistics.median(values), len(values))
                           if values else None)
        cpp = figures[0]
        entry = {"workload": workload, "what": what.format(batch=batch)}
        for lang, fig in zip(LANGS, figures):
            key = lang.lower().replace("+", "p")
            entry[key] = fig[0] if fig else None
            entry[key + "_median"] = fig[1] if fig else None
            entry[key + "_runs"] = fig[2] if fig else 0
        for lang, fig in zip(LANGS[1:], figures[1:]):
            key = lang.lower()
            ok = fig and cpp and cpp[0] > 0 and cpp[1] > 0
            entry[key + "_ratio"] = fig[0] / cpp[0] if ok else None
            entry[key + "_ratio_median"] = fig[1] / cpp[1] if ok else None
        if workload in TARGET_ROWS:
            entry["target"] = f">= {TARGET:.0%} of C++"
            for lang in ("python", "node"):
                ratio = entry[lang + "_ratio"]
                entry[lang + "_met"] = None if ratio is None else ratio >= TARGET
        out.append(entry)
    if as_json:
        for entry in out:
            print(json.dumps(entry))
        return
    header = ["operation (one caller)", "C++", "Python", "Node", "Python / C++", "Node / C++"]
    lines = [header]
    for e in out:
        cells = [e["what"]]
        for key in ("cpp", "python", "node"):
            cells.append(f"{human(e[key])} ({human(e[key + '_median'])})")
        for key in ("python", "node"):
            cells.append(f"{percent(e[key + '_ratio'])} ({percent(e[key + '_ratio_median'])})")
        lines.append(cells)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for n, line in enumerate(lines):
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(line, widths))))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    runs = {e["workload"]: (e["cpp_runs"], e["python_runs"], e["node_runs"]) for e in out}
    print(f"events/s or gets/s: best of {runs['bindings_append_batch'][0]} runs per language "
          "(median in parentheses); ratios best/best (median/median)")
    for workload in TARGET_ROWS:
        e = next(x for x in out if x["workload"] == workload)
        verdicts = []
        for lang in ("python", "node"):
            met = e[lang + "_met"]
            word = "-" if met is None else ("met" if met else "NOT met")
            verdicts.append(f"{lang.capitalize()} {percent(e[lang + '_ratio'])} {word}")
        print(f"target {e['what']} >= {TARGET:.0%} of C++: " + ", ".join(verdicts))


if __name__ == "__main__":
    main()
