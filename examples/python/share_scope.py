#!/usr/bin/env python3
"""Shares one scope of a user's events with a partner, and nothing else.

A grant wraps one scope key for the partner's X25519 public key and is signed by the user (or
the bucket's owner). The store keeps grants and serves them to the grantee; only the partner's
secret key unwraps them.

Usage: share_scope.py DATA_DIR   (a fresh store directory is made inside it on each run)
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
    directory = Path(tempfile.mkdtemp(prefix="share_scope-", dir=parent))
    alice = ddc.KeyPair.generate()
    master = ddc.generate_master_key()
    alice_keys = ddc.KeyRing()
    alice_keys.add_master_key(BUCKET, alice.public_key, master)
    builder = ddc.EventBuilder(POLICY)

    with ddc.Store(directory) as store:
        data = {"page": "/checkout", "user": {"email": "alice@example.com"},
                "location": {"city": "Berlin"}, "meta": {"app": "shop"}}
        cid = store.append(builder.build(bucket=BUCKET, id="order-1", type="order", data=data,
                                         keys=alice_keys, user_key=alice))["cid"]

        # The partner publishes an X25519 public key and keeps the secret half.
        partner = ddc.BoxKeyPair.generate()

        # Alice grants her "profile" scope (key version 1); the store checks her signature.
        grant = ddc.make_grant(master, bucket=BUCKET, user=alice.user, scope="profile",
                               key_version=1, grantee=partner, granter=alice)
        print("grant", store.put_grant(grant))

        # The partner fetches its grants and unwraps each key into its own ring.
        partner_keys = ddc.KeyRing()
        grants = store.grants(grantee=partner)
        assert [(g["scope"], g["user"]) for g in grants] == [("profile", alice.user)]
        for stored in grants:
            partner_keys.add_grant(stored["bytes"], partner)

        # It reads the profile and the public meta; the page and the location stay sealed.
        opened = store.open_event(cid, partner_keys)
        print("partner reads:", opened["data"])
        assert opened["data"] == {"user": {"email": "alice@example.com"},
                                  "meta": {"app": "shop"}}
        assert {s["name"]: s["outcome"] for s in opened["scopes"]} == {
            "core": "no_key", "geo": "no_key", "meta": "opened", "profile": "opened"}

        # Someone else's box key cannot unwrap the grant.
        stranger = ddc.BoxKeyPair.generate()
        try:
            ddc.KeyRing().add_grant(grants[0]["bytes"], stranger)
            raise AssertionError("a grant opened for the wrong key")
        except ddc.AuthError as error:
            print("stranger:", error.code)

        # A grant signed by neither the user nor the bucket's owner is refused by the store.
        mallory = ddc.KeyPair.generate()
        forged = ddc.make_grant(master, bucket=BUCKET, user=alice.user, scope="geo",
                                key_version=1, grantee=partner, granter=mallory)
        try:
            store.put_grant(forged)
            raise AssertionError("a forged grant was stored")
        except ddc.AuthError as error:
            print("forged grant:", error.code)
    print("share_scope: ok")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1])))
