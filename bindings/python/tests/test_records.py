"""CAR export, signed names, consistency proofs and erasure proofs through ddc.Store, each
against a fresh store: the values come back as the C++ API made them (the CAR bytes are parsed
here, the proofs are checked by the store-free verifiers), and each error path raises the
exception of its status code."""

from __future__ import annotations

import io
from pathlib import Path
from typing import List

import pytest

import ddc
from conftest import BUCKET
from test_store import event


def append_chain(store: ddc.Store, builder: ddc.EventBuilder, keys: ddc.KeyRing,
                 user: ddc.KeyPair, count: int) -> List[str]:
    cids: List[str] = []
    for n in range(count):
        prev = {"prev": cids[-1]} if cids else {}
        cids.append(store.append(event(builder, keys, user, n, **prev))["cid"])
    return cids


def read_varint(data: bytes, at: int) -> "tuple[int, int]":
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def car_blocks(data: bytes) -> "tuple[bytes, List[tuple[bytes, bytes]]]":
    """The header and the (binary CID, block data) pairs of a CAR v1 file."""
    length, at = read_varint(data, 0)
    header = data[at:at + length]
    at += length
    blocks = []
    while at < len(data):
        length, at = read_varint(data, at)
        block = data[at:at + length]
        at += length
        blocks.append((block[:38], block[38:]))  # ddc's CIDs are 38 bytes.
    return header, blocks


def test_export_car_to_a_path_and_to_a_file_object(
        store: ddc.Store, builder: ddc.EventBuilder, keys: ddc.KeyRing, alice: ddc.KeyPair,
        tmp_path: Path) -> None:
    cids = append_chain(store, builder, keys, alice, 5)
    out = io.BytesIO()
    stats = store.export_car(BUCKET, alice.public_key, out)
    data = out.getvalue()
    assert stats == {"root": stats["root"], "bucket": BUCKET, "events": 5, "events_written": 5,
                     "erased": 0, "blocks": 6, "bytes": len(data)}
    assert stats["root"].startswith("bafy2bzace")
    header, blocks = car_blocks(data)
    assert b"roots" in header and b"version" in header
    assert len(blocks) == 6
    # After the timeline object, each event's exact stored bytes, in position order.
    assert [block for _, block in blocks[1:]] == [store.get(cid) for cid in cids]
    assert [ddc.event_cid(block) for _, block in blocks[1:]] == cids

    path = tmp_path / "alice.car"
    assert store.export_car(BUCKET, alice.user, path) == stats  # PathLike, hex user.
    assert path.read_bytes() == data
    assert store.export_car(BUCKET, alice.user, str(path))["bytes"] == len(data)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alice.car", "store"]


def test_export_car_errors(store: ddc.Store, builder: ddc.EventBuilder, keys: ddc.KeyRing,
                           alice: ddc.KeyPair, tmp_path: Path) -> None:
    append_chain(store, builder, keys, alice, 3)
    with pytest.raises(ddc.NotFoundError):
        store.export_car(BUCKET + 1, alice.public_key, io.BytesIO())
    with pytest.raises(ddc.NotFoundError):
        store.export_car(BUCKET, ddc.KeyPair.generate().public_key, tmp_path / "x.car")
    assert not (tmp_path / "x.car").exists()
    with pytest.raises(ddc.InvalidArgumentError):
        store.export_car(BUCKET, alice.public_key, 42)

    class Full(io.RawIOBase):
        """A file that fails on its second write."""

        def __init__(self) -> None:
            super().__init__()
            self.calls = 0

        def write(self, b: object) -> int:
            self.calls += 1
            if self.calls == 2:
                raise OSError(28, "No space left on device")
            return len(b)  # type: ignore[arg-type]

    full = Full()
    with pytest.raises(OSError) as raised:  # The file's own exception, unchanged.
        store.export_car(BUCKET, alice.public_key, full)
    assert raised.value.errno == 28 and full.calls == 2


def test_erased_events_stay_listed_and_have_verifiable_erasure_proofs(
        store: ddc.Store, builder: ddc.EventBuilder, keys: ddc.KeyRing,
        alice: ddc.KeyPair) -> None:
    cids = append_chain(store, builder, keys, alice, 4)
    with pytest.raises(ddc.NotFoundError):
        store.prove_erasure(cids[1])  # Not erased yet.
    store.erase(ddc.make_tombstone(alice, bucket=BUCKET, event=cids[1], reason="request"))

    proof = store.prove_erasure(cids[1])
    assert proof["event"] == cids[1] and proof["position"] == 1 and proof["bucket"] == BUCKET
    assert proof["user"] == alice.user and proof["timeline_size"] == 4
    assert proof["timeline_root"] == store.timeline_info(BUCKET, alice.user)["root"]
    ddc.verify_erasure_proof(proof)  # Public keys only: no store.
    tampered = dict(proof, timeline_root="00" * 32)
    with pytest.raises(ddc.InvalidArgumentError):
        ddc.verify_erasure_proof(tampered)
    with pytest.raises(ddc.InvalidArgumentError):
        ddc.verify_erasure_proof(dict(proof, position=2))
    with pytest.raises(ddc.InvalidArgumentError):
        ddc.verify_erasure_proof({k: v for k, v in proof.items() if k != "tombstone"})

    stats = store.export_car(BUCKET, alice.public_key, io.BytesIO())
    assert (stats["events"], stats["events_written"], stats["erased"]) == (4, 3, 1)


def test_consistency_proofs_verify_with_roots_alone(
        store: ddc.Store, builder: ddc.EventBuilder, keys: ddc.KeyRing,
        alice: ddc.KeyPair) -> None:
    append_chain(store, builder, keys, alice, 3)
    old_root = store.timeline_root(BUCKET, alice.public_key, 3)
    old_journal = store.journal()
    head = store.timeline_info(BUCKET, alice.user)["head"]
    store.append(event(builder, keys, alice, 3, prev=head))
    info = store.timeline_info(BUCKET, alice.user)
    assert info["size"] == 4 and store.timeline_root(BUCKET, alice.user, 4) == info["root"]

    proof = store.timeline_consistency_proof(BUCKET, alice.public_key, 3, 4)
    assert proof and all(len(h) == 64 for h in proof)
    ddc.verify_consistency_proof(3, 4, old_root, info["root"], proof)
    ddc.verify_consistency_proof(3, 4, bytes.fromhex(old_root), info["root"],
                                 [bytes.fromhex(h) for h in proof])
    with pytest.raises(ddc.InvalidArgumentError):
        ddc.verify_consistency_proof(3, 4, info["root"], info["root"], proof)
    with pytest.raises(ddc.InvalidArgumentError):
        ddc.verify_consistency_proof(3, 4, old_root, info["root"], proof[:-1])
    with pytest.raises(ddc.InvalidArgumentError):
        ddc.verify_consistency_proof(3, 4, old_root, info["root"], ["zz"])
    with pytest.raises(ddc.InvalidArgumentError):
        store.timeline_consistency_proof(BUCKET, alice.public_key, 3, 9)

    journal = store.journal()
    assert journal["size"] == 4 and old_journal["size"] == 3
    assert store.journal_root(3) == old_journal["root"]
    journal_proof = store.journal_consistency_proof(3, 4)
    ddc.verify_consistency_proof(3, 4, old_journal["root"], journal["root"], journal_proof)
    with pytest.raises(ddc.InvalidArgumentError):
        store.journal_root(5)


def test_signed_names(tmp_path: Path) -> None:
    owner = ddc.KeyPair.generate()
    stranger = ddc.KeyPair.generate()
    with ddc.Store(tmp_path / "named", durability="none",
                   bucket_owners={BUCKET: owner.public_key}) as store:
        target = store.put_blob(b"home page")
        record = ddc.make_name(owner, bucket=BUCKET, name="www", target=target, sequence=1,
                               ttl_seconds=60, created_ms=1_000)
        decoded = ddc.decode_name(record)
        assert decoded == {"cid": decoded["cid"], "bucket": BUCKET, "name": "www",
                           "target": target, "sequence": 1, "ttl_seconds": 60,
                           "created_ms": 1_000, "signer": owner.user, "bytes": record}
        assert store.put_name(record) == {"cid": decoded["cid"], "existed": False}
        assert store.put_name(record)["existed"]
        assert store.get_name(BUCKET, "www") == decoded

        newer = ddc.make_name(owner, bucket=BUCKET, name="www", target=target, sequence=2)
        store.put_name(newer)
        assert store.get_name(BUCKET, "www")["sequence"] == 2
        with pytest.raises(ddc.ConflictError):
            store.put_name(record)
        store.put_name(ddc.make_name(owner, bucket=BUCKET, name="app.v2", target=target,
                                     sequence=1))
        assert [n["name"] for n in store.names(BUCKET)] == ["app.v2", "www"]
        assert store.names(BUCKET + 1) == []

        with pytest.raises(ddc.NotFoundError):
            store.get_name(BUCKET, "nothing")
        with pytest.raises(ddc.InvalidArgumentError):
            store.get_name(BUCKET, "Bad..Name")
        with pytest.raises(ddc.InvalidArgumentError):
            ddc.make_name(owner, bucket=BUCKET, name="Bad", target=target, sequence=1)
        with pytest.raises(ddc.InvalidArgumentError):
            ddc.decode_name(b"\xa0")
        with pytest.raises(ddc.AuthError):
            store.put_name(ddc.make_name(stranger, bucket=BUCKET, name="www", target=target,
                                         sequence=9))
    with ddc.Store(tmp_path / "ownerless", durability="none") as ownerless:
        with pytest.raises(ddc.AuthError):
            ownerless.put_name(record)
