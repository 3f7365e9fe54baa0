"""The Store binding: blobs, events in and out as dicts, timelines, proofs, checkpoints and the
exception hierarchy, each against a fresh store in a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest

import ddc
from conftest import BUCKET


def event(builder: ddc.EventBuilder, keys: ddc.KeyRing, user: ddc.KeyPair, n: int,
          **extra: object) -> bytes:
    data = {"page": f"/p/{n}", "user": {"email": "a@example.com"}, "meta": {"n": n}}
    return builder.build(bucket=BUCKET, id=f"e{n}", type="page_view", data=data, keys=keys,
                         user_key=user, timestamp_ms=1_000 + n, **extra)


def test_blobs_round_trip(store: ddc.Store) -> None:
    cid = store.put_blob(b"hello")
    assert cid.startswith("bafk")
    assert store.put_blob(b"hello") == cid
    assert store.get(cid) == b"hello"
    assert store.contains(cid) and cid in store
    missing = ddc.KeyPair.generate()  # Any other bytes: a CID that is not stored.
    other = store.put_blob(missing.public_key)
    assert store.multi_get([cid, other]) == [b"hello", missing.public_key]
    assert store.stats()["puts"] >= 2


def test_errors_carry_code_and_message(store: ddc.Store, tmp_path: Path) -> None:
    with pytest.raises(ddc.InvalidArgumentError) as bad_cid:
        store.get("bafk-not-a-cid")
    assert bad_cid.value.code == "invalid_argument" and "cid" in bad_cid.value.message
    assert isinstance(bad_cid.value, ValueError) and isinstance(bad_cid.value, ddc.Error)
    with pytest.raises(ddc.InvalidEventError):
        store.append(b"\xa0")
    with pytest.raises(ddc.NotFoundError) as not_found:
        ddc.Store(tmp_path / "absent", create_if_missing=False)
    assert not_found.value.code == "not_found"
    with pytest.raises(ddc.BusyError):
        ddc.Store(store.path)
    with pytest.raises(ddc.InvalidArgumentError):
        ddc.Store(tmp_path / "x", durability="sometimes")


def test_append_get_event_and_dict_round_trip(store: ddc.Store, builder: ddc.EventBuilder,
                                              keys: ddc.KeyRing, alice: ddc.KeyPair) -> None:
    placed = store.append(event(builder, keys, alice, 0))
    assert placed == {"cid": placed["cid"], "position": 0, "journal_index": 0, "existed": False}
    got = store.get_event(placed["cid"])
    assert got["user"] == alice.user and got["id"] == "e0" and got["time_ms"] == 1_000
    assert {s["name"]: s["sealed"] for s in got["scopes"]} == {
        "core": True, "meta": False, "profile": True}
    assert isinstance(got["scopes"][0]["data"], bytes)
    # The dict goes back in: same CID, already stored.
    again = store.append(got)
    assert again["cid"] == placed["cid"] and again["existed"]
    assert ddc.event_cid(got) == placed["cid"]
    assert ddc.decode_event(store.get(placed["cid"])) == got


def test_append_conflict_and_batch(store: ddc.Store, builder: ddc.EventBuilder,
                                   keys: ddc.KeyRing, alice: ddc.KeyPair) -> None:
    store.append(event(builder, keys, alice, 0))
    results = store.append_batch([event(builder, keys, alice, 1), b"junk",
                                  event(builder, keys, alice, 2)])
    assert results[0]["position"] == 1 and results[2]["position"] == 2
    assert isinstance(results[1], ddc.InvalidEventError)
    reused = builder.build(bucket=BUCKET, id="e0", type="other", data={"x": 1}, keys=keys,
                           user_key=alice, timestamp_ms=5_000)
    with pytest.raises(ddc.ConflictError) as conflict:
        store.append(reused)
    assert conflict.value.code == "conflict"


def test_open_event_by_key(store: ddc.Store, builder: ddc.EventBuilder, keys: ddc.KeyRing,
                           alice: ddc.KeyPair) -> None:
    bytes_ = event(builder, keys, alice, 3)
    opened = ddc.open_event(bytes_, keys)
    assert opened["complete"] and opened["signature"] == "verified"
    assert opened["data"] == {"page": "/p/3", "user": {"email": "a@example.com"},
                              "meta": {"n": 3}}
    public_only = ddc.open_event(bytes_, ddc.KeyRing())
    assert public_only["data"] == {"meta": {"n": 3}}
    assert {s["name"]: s["outcome"] for s in public_only["scopes"]} == {
        "core": "no_key", "meta": "opened", "profile": "no_key"}
    cid = store.append(bytes_)["cid"]
    assert store.open_event(cid, keys)["signature"] == "trusted"


def test_timeline_iterates_forward_backward_and_by_time(
        store: ddc.Store, builder: ddc.EventBuilder, keys: ddc.KeyRing,
        alice: ddc.KeyPair) -> None:
    for n in range(5):
        store.append(event(builder, keys, alice, n))
    assert [e["position"] for e in store.timeline(BUCKET, alice.user)] == [0, 1, 2, 3, 4]
    assert [e["id"] for e in store.timeline(BUCKET, alice.public_key, reverse=True)] == [
        "e4", "e3", "e2", "e1", "e0"]
    assert [e["position"] for e in store.timeline(BUCKET, alice.user, start=3)] == [3, 4]
    assert [e["position"] for e in store.timeline(BUCKET, alice.user, since_ms=1_002)] == [
        2, 3, 4]
    with_keys = list(store.timeline(BUCKET, alice.user, keys=keys))
    assert with_keys[1]["data"]["page"] == "/p/1"
    users = list(store.users(BUCKET))
    assert [(u["user"], u["size"]) for u in users] == [(alice.user, 5)]
    assert store.timeline_info(BUCKET, alice.user)["size"] == 5
    assert store.buckets() == [BUCKET]
    with pytest.raises(ddc.NotFoundError):
        store.timeline(BUCKET, ddc.KeyPair.generate().user)


def test_checkpoint_prove_and_verify(store: ddc.Store, builder: ddc.EventBuilder,
                                     keys: ddc.KeyRing, alice: ddc.KeyPair) -> None:
    cid = store.append(event(builder, keys, alice, 0))["cid"]
    with pytest.raises(ddc.NotFoundError):
        store.prove(cid)  # Not sealed by a checkpoint yet.
    checkpoint = store.checkpoint()
    assert checkpoint["size"] == 1 and store.checkpoints()[-1]["cid"] == checkpoint["cid"]
    proof = store.prove(cid)
    verified = ddc.verify_event_proof(proof, store.node_verifier_key)
    assert verified["cid"] == cid and verified["checkpoint_size"] == 1
    other = ddc.Store(Path(store.path).parent / "other", durability="none")
    with pytest.raises(ddc.NotFoundError, match="no signature by key"):
        ddc.verify_event_proof(proof, other.node_verifier_key)
    other.close()


def test_grants_share_one_scope(store: ddc.Store, builder: ddc.EventBuilder, keys: ddc.KeyRing,
                                alice: ddc.KeyPair, master: bytes) -> None:
    cid = store.append(event(builder, keys, alice, 0))["cid"]
    partner = ddc.BoxKeyPair.generate()
    grant = ddc.make_grant(master, bucket=BUCKET, user=alice.user, scope="profile",
                           key_version=1, grantee=partner, granter=alice)
    grant_cid = store.put_grant(grant)
    listed = store.grants(grantee=partner)
    assert [g["cid"] for g in listed] == [grant_cid]
    assert store.grants(bucket=BUCKET, scope="profile")[0]["granter"] == alice.user
    partner_keys = ddc.KeyRing()
    partner_keys.add_grant(listed[0]["bytes"], partner)
    opened = store.open_event(cid, partner_keys)
    assert opened["data"] == {"user": {"email": "a@example.com"}, "meta": {"n": 0}}
    stranger = ddc.KeyPair.generate()
    forged = ddc.make_grant(master, bucket=BUCKET, user=alice.user, scope="profile",
                            key_version=1, grantee=partner, granter=stranger)
    with pytest.raises(ddc.AuthError):
        store.put_grant(forged)
    with pytest.raises(ddc.AuthError):
        ddc.KeyRing().add_grant(grant, ddc.BoxKeyPair.generate())


def test_erase_one_event_and_a_timeline(store: ddc.Store, builder: ddc.EventBuilder,
                                        keys: ddc.KeyRing, alice: ddc.KeyPair) -> None:
    first = store.append(event(builder, keys, alice, 0))["cid"]
    second = store.append(event(builder, keys, alice, 1))["cid"]
    result = store.erase(ddc.make_tombstone(alice, bucket=BUCKET, event=first, reason="asked"))
    assert result["events_erased"] == 1
    with pytest.raises(ddc.ErasedError):
        store.get_event(first)
    assert [e["cid"] for e in store.timeline(BUCKET, alice.user)] == [second]
    store.erase(ddc.make_tombstone(alice, bucket=BUCKET))
    assert list(store.timeline(BUCKET, alice.user)) == []
    assert [t["reason"] for t in store.tombstones(BUCKET, alice.user)] == ["asked", ""]


def test_batch_signed_events(store: ddc.Store, builder: ddc.EventBuilder, keys: ddc.KeyRing,
                             alice: ddc.KeyPair) -> None:
    items = [{"bucket": BUCKET, "id": f"b{n}", "type": "t", "data": {"n": n},
              "timestamp_ms": 10 + n} for n in range(4)]
    events = builder.build_batch(items, keys=keys, user_key=alice)
    results = store.append_batch(events)
    assert [r["position"] for r in results] == [0, 1, 2, 3]
    assert store.get_event(results[2]["cid"])["batch"]["size"] == 4


def test_closed_store_refuses_calls(tmp_path: Path) -> None:
    store = ddc.Store(tmp_path / "s", durability="none")
    cid = store.put_blob(b"x")
    store.close()
    store.close()  # Closing twice is fine.
    assert store.closed
    with pytest.raises(ddc.Error, match="closed"):
        store.get(cid)
    with ddc.Store(tmp_path / "s") as reopened:
        assert reopened.get(cid) == b"x"
    report = ddc.verify_store(tmp_path / "s")
    assert report["records"] >= 1


def test_iterator_keeps_store_alive(tmp_path: Path, builder: ddc.EventBuilder,
                                    keys: ddc.KeyRing, alice: ddc.KeyPair) -> None:
    store = ddc.Store(tmp_path / "s", durability="none")
    store.append(event(builder, keys, alice, 0))
    timeline = store.timeline(BUCKET, alice.user)
    del store
    assert [e["id"] for e in timeline] == ["e0"]
