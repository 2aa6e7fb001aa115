"""Replace direct identifiers with keyed hashes before anything is stored.

UPN, ULN and NHS number become HMAC-SHA256 hex digests under one secret key (the same
for every feed, so a child's records link across feeds); the key comes from
configuration (``SEND_PSEUDONYMISATION_KEY``) and is never stored beside the data.
"""
from __future__ import annotations

import hashlib
import hmac

import pandas as pd

_BLOCK = 64  # SHA-256 block size in bytes


def pseudonymise_value(value: str, key: bytes, kind: str) -> str:
    """The keyed hash of one identifier; ``kind`` keeps UPNs and ULNs apart."""
    message = f"{kind}:{value.strip().upper().replace(' ', '')}".encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _hmac_function(key: bytes, kind: str):
    """HMAC-SHA256 (RFC 2104) with the key schedule done once, for millions of values."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    inner, outer = hashlib.sha256(bytes(b ^ 0x36 for b in key)), hashlib.sha256(bytes(b ^ 0x5C for b in key))
    prefix = f"{kind}:".encode("utf-8")

    def digest(value: str) -> str:
        first = inner.copy()
        first.update(prefix + value.encode("utf-8"))
        second = outer.copy()
        second.update(first.digest())
        return second.hexdigest()

    return digest


def pseudonymise_series(values: pd.Series, key: bytes, kind: str) -> pd.Series:
    """Hash every present value (already cleaned: trimmed, upper case, no spaces)."""
    digest = _hmac_function(key, kind)
    present = values.notna().to_numpy()
    out = pd.Series(None, index=values.index, dtype="str")
    out[present] = [digest(v) for v in values[present].to_numpy(dtype=object)]
    return out
