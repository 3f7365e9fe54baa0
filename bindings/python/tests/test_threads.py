"""The GIL is released during store calls and crypto: 8 threads each build and append 200
events of their own user concurrently; every result is distinct and reads back, and the
appends shared group commits, which only happens when threads are inside Append at once."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Dict, List

import ddc
from conftest import BUCKET, POLICY

THREADS = 8
APPENDS = 200


def test_concurrent_appends(tmp_path: Path) -> None:
    builder = ddc.EventBuilder(POLICY)
    users = [ddc.KeyPair.generate() for _ in range(THREADS)]
    keys = ddc.KeyRing()
    keys.add_master_key(BUCKET, None, ddc.generate_master_key())  # One key for the app.
    results: List[List[Dict[str, object]]] = [[] for _ in range(THREADS)]
    errors: List[BaseException] = []
    start = threading.Barrier(THREADS)

    with ddc.Store(tmp_path / "store", durability="group") as store:
        def work(t: int) -> None:
            try:
                start.wait()
                for n in range(APPENDS):
                    data = {"n": n, "user": {"thread": t}, "meta": {"ok": True}}
                    event = builder.build(bucket=BUCKET, id=f"t{t}-{n}", type="tick", data=data,
                                          keys=keys, user_key=users[t], timestamp_ms=n)
                    results[t].append(store.append(event))
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors

        cids = {r["cid"] for rs in results for r in rs}
        journal = {r["journal_index"] for rs in results for r in rs}
        assert len(cids) == THREADS * APPENDS
        assert journal == set(range(THREADS * APPENDS))
        for t, rs in enumerate(results):
            assert [r["position"] for r in rs] == list(range(APPENDS))
            stored = list(store.timeline(BUCKET, users[t].user, keys=keys))
            assert [e["cid"] for e in stored] == [r["cid"] for r in rs]
            assert stored[-1]["data"] == {"n": APPENDS - 1, "user": {"thread": t},
                                          "meta": {"ok": True}}
        stats = store.stats()
        assert stats["events"] == THREADS * APPENDS
        assert stats["group_commits"] < THREADS * APPENDS, stats
