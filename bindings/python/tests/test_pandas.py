"""Timeline.to_pandas: header columns plus the opened fields, flattened; a clear ImportError
when pandas is missing. Needs python3-pandas (skipped without it, except the ImportError test)."""

from __future__ import annotations

import builtins
from typing import Any

import pytest

import ddc
from conftest import BUCKET


def fill(store: ddc.Store, builder: ddc.EventBuilder, keys: ddc.KeyRing,
         alice: ddc.KeyPair) -> None:
    for n in range(3):
        data = {"page": f"/p/{n}", "user": {"email": f"u{n}@example.com"}, "meta": {"n": n}}
        store.append(builder.build(bucket=BUCKET, id=f"e{n}", type="view", data=data,
                                   keys=keys, user_key=alice, timestamp_ms=1_700_000_000_000 + n))


def test_to_pandas_with_keys(store: ddc.Store, builder: ddc.EventBuilder, keys: ddc.KeyRing,
                             alice: ddc.KeyPair) -> None:
    pd = pytest.importorskip("pandas")
    fill(store, builder, keys, alice)
    frame = store.timeline(BUCKET, alice.user).to_pandas(keys=keys)
    assert list(frame.columns[:4]) == ["position", "cid", "time", "type"]
    assert set(frame.columns[4:]) == {"page", "user.email", "meta.n"}
    assert frame["position"].tolist() == [0, 1, 2]
    assert frame["user.email"].tolist() == ["u0@example.com", "u1@example.com", "u2@example.com"]
    assert frame["time"].iloc[0] == pd.Timestamp(1_700_000_000_000, unit="ms", tz="UTC")


def test_to_pandas_without_keys_has_header_only(store: ddc.Store, builder: ddc.EventBuilder,
                                                keys: ddc.KeyRing, alice: ddc.KeyPair) -> None:
    pytest.importorskip("pandas")
    fill(store, builder, keys, alice)
    frame = store.timeline(BUCKET, alice.user, reverse=True).to_pandas()
    assert list(frame.columns) == ["position", "cid", "time", "type"]
    assert frame["position"].tolist() == [2, 1, 0]


def test_to_pandas_without_pandas(store: ddc.Store, builder: ddc.EventBuilder,
                                  keys: ddc.KeyRing, alice: ddc.KeyPair,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    fill(store, builder, keys, alice)
    real_import = builtins.__import__

    def no_pandas(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("No module named 'pandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ImportError, match="python3-pandas"):
        store.timeline(BUCKET, alice.user).to_pandas()
