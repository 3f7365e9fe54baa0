#!/usr/bin/env python3
"""Captures a user's events with scoped encryption and shows what each party can read.

The app seals each event's fields into scopes (profile, geo, the rest in "core"; "meta" in the
clear), appends them to a store, reads them back with the user's keys, shares the "profile"
scope with a partner through a grant, proves an event against a signed checkpoint with nothing
but the node's verifier key, and finally erases the user on request.

Usage: capture.py STORE_DIR   (a fresh directory is made inside it on each run)
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
    directory = Path(tempfile.mkdtemp(prefix="capture-", dir=parent))
    alice = ddc.KeyPair.generate()  # The user's signing key.
    master = ddc.generate_master_key()  # Her master key; every scope key derives from it.
    keys = ddc.KeyRing()
    keys.add_master_key(BUCKET, alice.public_key, master)
    builder = ddc.EventBuilder(POLICY)

    with ddc.Store(directory) as store:
        # 1. Capture: split by the policy, seal, sign, append.
        cids = []
        pages = ["/home", "/shoes", "/checkout"]
        for n, page in enumerate(pages):
            data = {"page": page, "user": {"email": "alice@example.com", "name": "Alice"},
                    "location": {"city": "Berlin"}, "meta": {"app": "shop", "v": 2}}
            event = builder.build(bucket=BUCKET, id=f"view-{n}", type="page_view", data=data,
                                  keys=keys, user_key=alice, timestamp_ms=1_763_800_000_000 + n)
            placed = store.append(event)
            cids.append(placed["cid"])
            print(f"appended {placed['cid']} at position {placed['position']}")

        # 2. Read back: the user's keys open every scope; no keys open only the public one.
        for event in store.timeline(BUCKET, alice.user, keys=keys):
            print(f"{event['position']}: {event['type']} {event['data']}")
        public = store.open_event(cids[0], ddc.KeyRing())
        print("without keys:", public["data"],
              {s["name"]: s["outcome"] for s in public["scopes"]})
        assert public["data"] == {"meta": {"app": "shop", "v": 2}}

        # 3. Share the profile scope with a partner: a grant wraps its key for the partner.
        partner = ddc.BoxKeyPair.generate()
        grant = ddc.make_grant(master, bucket=BUCKET, user=alice.user, scope="profile",
                               key_version=1, grantee=partner, granter=alice)
        print("grant", store.put_grant(grant))
        partner_keys = ddc.KeyRing()
        for stored in store.grants(grantee=partner):
            partner_keys.add_grant(stored["bytes"], partner)
        shared = store.open_event(cids[1], partner_keys)
        print("partner reads:", shared["data"])
        assert shared["data"]["user"]["email"] == "alice@example.com"
        assert "location" not in shared["data"] and "page" not in shared["data"]

        # 4. Prove: a checkpoint seals the journal; the proof verifies without the store.
        checkpoint = store.checkpoint()
        proof = store.prove(cids[2])
        verified = ddc.verify_event_proof(proof, store.node_verifier_key)
        print(f"verified {verified['cid']} at position {verified['position']} "
              f"under checkpoint {checkpoint['size']} of {checkpoint['origin']}")

        # 5. Erase on request: the whole timeline; reads answer ErasedError from then on.
        erased = store.erase(ddc.make_tombstone(alice, bucket=BUCKET, reason="user request"))
        print(f"erased {erased['events_erased']} events, "
              f"{erased['grants_destroyed']} grants destroyed")
        try:
            store.get_event(cids[0])
            raise AssertionError("an erased event was served")
        except ddc.ErasedError as error:
            print("after erasure:", error.code)
        assert store.grants(grantee=partner) == []
        # The proof made before still verifies: trees keep erased events' leaves.
        ddc.verify_event_proof(proof, store.node_verifier_key)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1])))
