#!/usr/bin/env python3
"""Reads a user's timeline back, decrypting only the scopes a reader holds keys for.

The user's own key ring (her master key) opens every scope. An analytics job holds the key of
one scope only, "geo": it reads the locations and the public "meta" fields; every other scope
stays closed, and the reader says why.

Usage: read_timeline.py DATA_DIR   (a fresh store directory is made inside it on each run)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import ddc

BUCKET = 42
POLICY = {
    "default": "core",
    "scopes": {"profile": ["$.user"], "geo": ["$.location"], "meta": ["$.meta"]},
    "public": ["meta"],
}


def main(parent: Path) -> int:
    parent.mkdir(parents=True, exist_ok=True)
    directory = Path(tempfile.mkdtemp(prefix="read_timeline-", dir=parent))
    alice = ddc.KeyPair.generate()
    alice_keys = ddc.KeyRing()
    alice_keys.add_master_key(BUCKET, alice.public_key, ddc.generate_master_key())
    builder = ddc.EventBuilder(POLICY)

    with ddc.Store(directory) as store:
        # Four linked page views of Alice's (capture.py explains each step).
        prev = None
        for n in range(4):
            data = {"page": f"/p/{n}", "user": {"email": "alice@example.com"},
                    "location": {"city": "Berlin"}, "meta": {"n": n}}
            event = builder.build(bucket=BUCKET, id=f"view-{n}", type="page_view", data=data,
                                  keys=alice_keys, user_key=alice,
                                  timestamp_ms=1_763_800_000_000 + n * 1000, prev=prev)
            prev = store.append(event)["cid"]

        # The analytics job's ring: the "geo" key of Alice's events (version 1), nothing else.
        # (Handing a key over is what a grant does: see share_scope.py.)
        analytics_keys = ddc.KeyRing()
        geo_key = alice_keys.scope_key(BUCKET, alice.public_key, "geo", 1)
        analytics_keys.add_scope_key(BUCKET, alice.public_key, "geo", 1, geo_key)

        # Walk the timeline with each ring: each event dict gets "data" (the fields its scopes
        # opened) and "opened" (what became of each scope).
        mine = list(store.timeline(BUCKET, alice.user, keys=alice_keys))
        theirs = list(store.timeline(BUCKET, alice.user, keys=analytics_keys))
        assert [e["position"] for e in mine] == [0, 1, 2, 3]
        for own, other in zip(mine, theirs):
            print(f"{own['position']} {own['cid']}\n  alice:     {own['data']}\n"
                  f"  analytics: {other['data']}")
            assert own["data"]["user"]["email"] == "alice@example.com"
            assert other["data"] == {"location": {"city": "Berlin"},
                                     "meta": {"n": own["position"]}}
            closed = {s["name"]: s["outcome"] for s in other["opened"]["scopes"]
                      if s["outcome"] != "opened"}
            assert closed == {"core": "no_key", "profile": "no_key"}, closed

        # Start elsewhere: from a time, walking backward (the newest event at or before it).
        newest_before = next(store.timeline(BUCKET, alice.user, since_ms=1_763_800_002_500,
                                            reverse=True))
        print("at or before 2.5 s in:", newest_before["position"])
        assert newest_before["position"] == 2

        # For a data team: the same walk as a pandas DataFrame, if pandas is installed.
        try:
            frame = store.timeline(BUCKET, alice.user).to_pandas(keys=analytics_keys)
            print(frame[["position", "type", "location.city"]])
            assert list(frame["location.city"]) == ["Berlin"] * 4
        except ImportError:
            print("(pandas not installed: skipping to_pandas)")
    print("read_timeline: ok")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1])))
