"""Shared fixtures: a fresh store per test, a user with a master key, and a scope policy."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

import ddc

BUCKET = 7
POLICY = {
    "default": "core",
    "scopes": {"profile": ["$.user"], "geo": ["$.location"], "meta": ["$.meta"]},
    "public": ["meta"],
}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ddc.Store]:
    with ddc.Store(tmp_path / "store", durability="none") as opened:
        yield opened


@pytest.fixture
def alice() -> ddc.KeyPair:
    return ddc.KeyPair.from_seed(bytes(range(32)))


@pytest.fixture
def master() -> bytes:
    return ddc.generate_master_key()


@pytest.fixture
def keys(alice: ddc.KeyPair, master: bytes) -> ddc.KeyRing:
    ring = ddc.KeyRing()
    ring.add_master_key(BUCKET, alice.public_key, master)
    return ring


@pytest.fixture
def builder() -> ddc.EventBuilder:
    return ddc.EventBuilder(POLICY)
