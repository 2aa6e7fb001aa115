"""Replace direct identifiers with keyed hashes before anything is stored.

UPN, ULN and NHS number become HMAC-SHA256 hex digests under one secret key (the same
for every feed, so a child's records link across feeds); the key comes from
configuration (``SEND_PSEUDONYMISATION_KEY``) and is never stored beside the data.
"""
from __future__ import annotations

import hashlib
import hmac

import pandas as pd


def pseudonymise_value(value: str, key: bytes, kind: str) -> str:
    """The keyed hash of one identifier; ``kind`` keeps UPNs and ULNs apart."""
    message = f"{kind}:{value.strip().upper().replace(' ', '')}".encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def pseudonymise_series(values: pd.Series, key: bytes, kind: str) -> pd.Series:
    """Hash every present value (each distinct value once); blanks stay missing."""
    present = values.dropna()
    digests = {v: pseudonymise_value(v, key, kind) for v in present.unique()}
    return values.map(digests).astype(object).where(values.notna(), None)
