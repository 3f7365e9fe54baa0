"""ddc: signed, encrypted user events in a content-addressed, log-structured store.

The compiled module ``ddc._ddc`` binds the C++ API (include/ddc/); this package re-exports it
and adds what is easier to say in Python (``Timeline.to_pandas``). Every store call and every
cryptographic operation releases the GIL, so threads append and read in parallel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional

from ._ddc import (
    AuthError,
    BoxKeyPair,
    BusyError,
    ConflictError,
    CorruptionError,
    ErasedError,
    Error,
    EventBuilder,
    InvalidArgumentError,
    InvalidEventError,
    KeyPair,
    KeyRing,
    NotFoundError,
    NotSupportedError,
    StorageIOError,
    Store,
    Timeline,
    Users,
    decode_event,
    decode_grant,
    decode_name,
    encode_event,
    event_cid,
    generate_master_key,
    make_grant,
    make_name,
    make_tombstone,
    open_event,
    verify_checkpoint,
    verify_consistency_proof,
    verify_erasure_proof,
    verify_event,
    verify_event_proof,
    verify_store,
)

if TYPE_CHECKING:
    import pandas

__all__ = [
    "AuthError",
    "BoxKeyPair",
    "BusyError",
    "ConflictError",
    "CorruptionError",
    "ErasedError",
    "Error",
    "EventBuilder",
    "InvalidArgumentError",
    "InvalidEventError",
    "KeyPair",
    "KeyRing",
    "NotFoundError",
    "NotSupportedError",
    "StorageIOError",
    "Store",
    "Timeline",
    "Users",
    "decode_event",
    "decode_grant",
    "decode_name",
    "encode_event",
    "event_cid",
    "generate_master_key",
    "make_grant",
    "make_name",
    "make_tombstone",
    "open_event",
    "verify_checkpoint",
    "verify_consistency_proof",
    "verify_erasure_proof",
    "verify_event",
    "verify_event_proof",
    "verify_store",
]

__version__ = "0.1.0"

_HEADER_COLUMNS = ["position", "cid", "time", "type"]


def _timeline_to_pandas(self: Timeline, keys: Optional[KeyRing] = None) -> "pandas.DataFrame":
    """The rest of the timeline as a DataFrame.

    Columns: position, cid, time (UTC timestamps), type, then, when ``keys`` is given, every
    field of the scopes those keys open, flattened with ``pandas.json_normalize`` ("user.email").
    A field named like a header column gets the prefix "data.". Consumes the iterator.
    """
    try:
        import pandas as pd
    except ImportError as error:
        raise ImportError(
            "ddc.Timeline.to_pandas needs pandas: install python3-pandas (Debian) "
            "or the pandas package"
        ) from error
    if keys is not None:
        self._set_keys(keys)
    rows: List[Dict[str, Any]] = []
    fields: List[Dict[str, Any]] = []
    for event in self:
        rows.append({"position": event["position"], "cid": event["cid"],
                     "time": event["time_ms"], "type": event["type"]})
        fields.append(event.get("data", {}))
    frame = pd.DataFrame(rows, columns=_HEADER_COLUMNS)
    frame["time"] = pd.to_datetime(frame["time"], unit="ms", utc=True)
    if keys is None or not rows:
        return frame
    opened = pd.json_normalize(fields)
    opened = opened.rename(columns={c: "data." + c for c in opened.columns
                                    if c in _HEADER_COLUMNS})
    return pd.concat([frame, opened], axis=1)


Timeline.to_pandas = _timeline_to_pandas  # type: ignore[attr-defined]
