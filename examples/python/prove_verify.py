#!/usr/bin/env python3
"""Proves that an event is in its user's timeline, sealed by a signed checkpoint, and checks
the proof with nothing but the node's verifier key.

A checkpoint signs the journal's size and root (one Merkle tree over every append). An event
proof bundles the event, its timeline and journal paths and the checkpoint, so an auditor
checks it without the store. A consistency proof shows that a later checkpoint extends an
earlier one: nothing that was sealed has been rewritten.

Usage: prove_verify.py DATA_DIR   (a fresh store directory is made inside it on each run)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import List

import ddc

BUCKET = 42


def capture(store: ddc.Store, user: ddc.KeyPair, keys: ddc.KeyRing, count: int) -> List[str]:
    """`count` linked events of `user` (capture.py explains each step); their CIDs."""
    builder = ddc.EventBuilder({"scopes": {"profile": ["$.user"]}})
    cids: List[str] = []
    for n in range(count):
        event = builder.build(bucket=BUCKET, id=f"view-{n}", type="page_view",
                              data={"page": f"/p/{n}", "user": {"email": "a@example.com"}},
                              keys=keys, user_key=user, prev=cids[-1] if cids else None)
        cids.append(store.append(event)["cid"])
    return cids


def main(parent: Path) -> int:
    parent.mkdir(parents=True, exist_ok=True)
    directory = Path(tempfile.mkdtemp(prefix="prove_verify-", dir=parent))
    alice, bob = ddc.KeyPair.generate(), ddc.KeyPair.generate()
    keys = ddc.KeyRing()
    for user in (alice, bob):
        keys.add_master_key(BUCKET, user.public_key, ddc.generate_master_key())

    with ddc.Store(directory) as store:
        cids = capture(store, alice, keys, 3)

        # On the node: seal the journal, prove the second event. The proof is plain bytes.
        first = store.checkpoint()
        proof = store.prove(cids[1])
        verifier_key = store.node_verifier_key  # Published by the node operator.
        print(first["note"])

        # At the auditor: only the proof bytes and the verifier key.
        verified = ddc.verify_event_proof(proof, verifier_key)
        print(f"verified {verified['cid']} at position {verified['position']}, "
              f"sealed at journal size {verified['checkpoint_size']}")
        assert verified["cid"] == cids[1] and verified["position"] == 1
        assert verified["event"]["user"] == alice.user
        tampered = bytearray(proof)
        tampered[len(tampered) // 2] ^= 0x01
        try:
            ddc.verify_event_proof(bytes(tampered), verifier_key)
            raise AssertionError("a tampered proof verified")
        except ddc.InvalidArgumentError as error:
            print("tampered proof:", error.message)

        # Later: Bob's events, a new checkpoint, and proof that it extends the first one.
        capture(store, bob, keys, 2)
        later = store.checkpoint()
        consistency = store.journal_consistency_proof(first["size"], later["size"])
        # The auditor checks both notes' signatures, then the proof between their roots.
        old = ddc.verify_checkpoint(first["note"], verifier_key)
        new = ddc.verify_checkpoint(later["note"], verifier_key)
        ddc.verify_consistency_proof(old["size"], new["size"], old["root"], new["root"],
                                     consistency)
        print(f"checkpoint {new['size']} extends checkpoint {old['size']} "
              f"({len(consistency)} hashes)")
        assert new["size"] == old["size"] + 2
        try:
            ddc.verify_consistency_proof(old["size"], new["size"], new["root"], new["root"],
                                         consistency)
            raise AssertionError("a wrong old root verified")
        except ddc.InvalidArgumentError:
            pass

        # A user's timeline alone: Alice's grew from 2 to 3 events since her root at 2.
        root2 = store.timeline_root(BUCKET, alice.user, 2)
        now = store.timeline_info(BUCKET, alice.user)
        ddc.verify_consistency_proof(2, now["size"], root2, now["root"],
                                     store.timeline_consistency_proof(BUCKET, alice.user, 2,
                                                                      now["size"]))
        # The first proof still verifies: checkpoints only ever extend the journal.
        ddc.verify_event_proof(proof, verifier_key)
    print("prove_verify: ok")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1])))
