#!/usr/bin/env python3
"""The Python side of the language-binding benchmark (run.sh runs it beside C++ and Node.js).

It does what `ddc-bench bindings_baseline` does in C++ (bench/bindings_workload.h), through
the Python binding, on the same file of pre-signed events (written by `ddc-bench
export_events`), and prints the same rows as JSON lines on stdout:

  bindings_append_batch         every event, append_batch of --batch events per call,
                                durability "group" (the C++ default, kSyncEveryGroup);
  bindings_get_event            get_event of every event of that store by the CID its append
                                returned, in append order;
  bindings_get                  get (the raw bytes) of every event of that store, likewise;
  bindings_append_batch_nosync  every event, append_batch as above, durability "none";
  bindings_append               the first --single events, one append call each, "none".

One thread, a fresh store per phase, default options but the durability. Each row's "ddc" is
the best of --repeat runs (other processes only ever slow a run down), "ddc_median" the
median. Usage (the module from a build tree):

  PYTHONPATH=BUILD/bindings/python /usr/bin/python3 bench/bindings/bench.py --events FILE
      [--dir DIR] [--repeat R] [--batch N] [--single N]
"""

import argparse
import json
import os
import shutil
import statistics
import struct
import sys
import tempfile
import time

import ddc


def read_events(path):
    """The events of an export_events file: 4-byte little-endian length, then the bytes."""
    with open(path, "rb") as f:
        data = f.read()
    events = []
    at = 0
    while at < len(data):
        if len(data) - at < 4:
            sys.exit(f"{path}: truncated length at byte {at}")
        (n,) = struct.unpack_from("<I", data, at)
        at += 4
        if len(data) - at < n:
            sys.exit(f"{path}: truncated event at byte {at}")
        events.append(data[at:at + n])
        at += n
    if not events:
        sys.exit(f"{path}: no events")
    return events


def open_fresh(path, durability):
    shutil.rmtree(path, ignore_errors=True)
    return ddc.Store(path, durability=durability)


def check_appended(result, phase):
    if isinstance(result, ddc.Error):
        raise result
    if result["existed"]:
        sys.exit(f"{phase}: a fresh event was reported as already stored")


def timed_append_batch(store, events, batch, phase):
    """Events/s appending every event in append_batch calls of `batch`, and their CIDs."""
    cids = []
    start = time.perf_counter()
    for b in range(0, len(events), batch):
        for result in store.append_batch(events[b:b + batch]):
            check_appended(result, phase)
            cids.append(result["cid"])
    return len(events) / (time.perf_counter() - start), cids


def timed_append_single(store, events, count, phase):
    start = time.perf_counter()
    for i in range(count):
        check_appended(store.append(events[i]), phase)
    return count / (time.perf_counter() - start)


def timed_get_event(store, cids, phase):
    ids = 0
    start = time.perf_counter()
    for cid in cids:
        ids += 1 if store.get_event(cid)["id"] else 0
    rate = len(cids) / (time.perf_counter() - start)
    if ids != len(cids):
        sys.exit(f"{phase}: an event came back without its id")
    return rate


def timed_get(store, cids, expected_bytes, phase):
    size = 0
    start = time.perf_counter()
    for cid in cids:
        size += len(store.get(cid))
    rate = len(cids) / (time.perf_counter() - start)
    if size != expected_bytes:
        sys.exit(f"{phase}: the events came back with other sizes")
    return rate


def row(workload, unit, runs, note):
    return {"workload": workload, "unit": unit, "lang": "python", "ddc": max(runs),
            "ddc_median": statistics.median(runs), "runs": runs, "note": note}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", required=True, help="a file written by export_events")
    parser.add_argument("--dir", default=tempfile.gettempdir(), help="parent of the stores")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", type=int, default=1000, help="events per append_batch")
    parser.add_argument("--single", type=int, default=20000, help="events appended one by one")
    args = parser.parse_args()
    events = read_events(args.events)
    total_bytes = sum(len(e) for e in events)
    single = min(args.single, len(events))
    scratch = tempfile.mkdtemp(prefix="ddc-bench-py-", dir=args.dir)
    path = os.path.join(scratch, "store")
    runs = {k: [] for k in ("append_batch", "append_batch_nosync", "append", "get_event", "get")}
    try:
        for rep in range(args.repeat):
            print(f"[bench.py #{rep + 1}/{args.repeat}] {len(events)} events", file=sys.stderr)
            with open_fresh(path, "group") as store:
                rate, cids = timed_append_batch(store, events, args.batch,
                                                "bindings_append_batch")
                runs["append_batch"].append(rate)
                runs["get_event"].append(timed_get_event(store, cids, "bindings_get_event"))
                runs["get"].append(timed_get(store, cids, total_bytes, "bindings_get"))
            with open_fresh(path, "none") as store:
                rate, _ = timed_append_batch(store, events, args.batch,
                                             "bindings_append_batch_nosync")
                runs["append_batch_nosync"].append(rate)
            with open_fresh(path, "none") as store:
                runs["append"].append(timed_append_single(store, events, single,
                                                          "bindings_append"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    of = (f"{len(events)} pre-signed events of {total_bytes / len(events):.0f} B on average, "
          f"one thread, fresh store")
    batch = f"append_batch x{args.batch}"
    rows = [
        row("bindings_append_batch", "events/s", runs["append_batch"],
            f"{of}; {batch}; durability group"),
        row("bindings_append_batch_nosync", "events/s", runs["append_batch_nosync"],
            f"{of}; {batch}; durability none"),
        row("bindings_append", "events/s", runs["append"],
            f"the first {single} of the {of}; append one at a time; durability none"),
        row("bindings_get_event", "gets/s", runs["get_event"],
            "get_event of every event of the bindings_append_batch store, in append order"),
        row("bindings_get", "gets/s", runs["get"],
            "get (raw bytes) of every event of the bindings_append_batch store, in append order"),
    ]
    for r in rows:
        print(json.dumps(r), flush=True)


if __name__ == "__main__":
    main()
