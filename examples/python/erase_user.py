#!/usr/bin/env python3
"""Erases a user on request, and shows what stays provable.

A tombstone signed by the user (or the bucket's owner) erases one event or the user's whole
timeline in a bucket: the events are no longer served, the user's grants stop being served,
and their payloads go at compaction. Their CIDs stay in the Merkle trees, so proofs and
exports keep checking, and an erasure proof shows an auditor the signed request.

Usage: erase_user.py DATA_DIR   (a fresh store directory is made inside it on each run)
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

import ddc

BUCKET = 42


def main(parent: Path) -> int:
    parent.mkdir(parents=True, exist_ok=True)
    directory = Path(tempfile.mkdtemp(prefix="erase_user-", dir=parent))
    alice = ddc.KeyPair.generate()
    master = ddc.generate_master_key()
    keys = ddc.KeyRing()
    keys.add_master_key(BUCKET, alice.public_key, master)
    builder = ddc.EventBuilder({"scopes": {"profile": ["$.user"]}})

    with ddc.Store(directory) as store:
        cids = []
        for n in range(3):
            event = builder.build(bucket=BUCKET, id=f"view-{n}", type="page_view",
                                  data={"page": f"/p/{n}", "user": {"email": "a@example.com"}},
                                  keys=keys, user_key=alice, prev=cids[-1] if cids else None)
            cids.append(store.append(event)["cid"])
        partner = ddc.BoxKeyPair.generate()
        store.put_grant(ddc.make_grant(master, bucket=BUCKET, user=alice.user, scope="profile",
                                       key_version=1, grantee=partner, granter=alice))

        # First one event: a tombstone naming it.
        store.erase(ddc.make_tombstone(alice, bucket=BUCKET, event=cids[0], reason="typo"))
        try:
            store.get_event(cids[0])
            raise AssertionError("an erased event was served")
        except ddc.ErasedError as error:
            print(f"{cids[0]}: {error.code}")
        assert store.get_event(cids[1])["id"] == "view-1"  # The others stay.

        # Then the whole user: a tombstone naming no event.
        erased = store.erase(ddc.make_tombstone(alice, bucket=BUCKET, reason="user request"))
        print(f"erased {erased['events_erased']} more events, "
              f"{erased['grants_destroyed']} grants destroyed")
        assert erased["events_erased"] == 2 and erased["grants_destroyed"] == 1
        assert store.grants(grantee=partner) == []
        assert [t["event"] for t in store.tombstones(BUCKET, alice.user)] == [cids[0], None]

        # An auditor checks an erasure with public keys alone.
        proof = store.prove_erasure(cids[2])
        ddc.verify_erasure_proof(proof)
        print(f"erasure of {proof['event']} at position {proof['position']} verified")
        assert proof["position"] == 2

        # The timeline keeps its shape: a CAR export lists every CID but carries no erased
        # event's block.
        car = io.BytesIO()
        stats = store.export_car(BUCKET, alice.user, car)
        print(f"CAR export: {stats['events']} events listed, {stats['erased']} erased, "
              f"{stats['bytes']} bytes")
        assert (stats["events"], stats["erased"], stats["blocks"]) == (3, 3, 1)
        assert len(car.getvalue()) == stats["bytes"]
    print("erase_user: ok")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1])))
