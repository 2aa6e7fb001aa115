"""Check digits of the identifiers the feeds carry: the DfE UPN and the NHS number.

Used by validation (an invalid check digit is a blocking error) and by the synthetic
generator (which must only produce valid ones).
"""
from __future__ import annotations

import numpy as np

UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O, S
_UPN_CHAR_VALUES = {c: i for i, c in enumerate(UPN_ALPHABET)}


def upn_check_letter(body: str) -> str:
    """Return the check letter for the 12 characters after it (DfE algorithm).

    Characters 2..13 are weighted 2..13; a letter in position 13 (a temporary UPN)
    counts as its place in the UPN alphabet; the sum modulo 23 indexes the alphabet.
    """
    if len(body) != 12:
        raise ValueError("a UPN body is 12 characters")
    total = 0
    for weight, char in enumerate(body, start=2):
        if char.isdigit():
            value = int(char)
        elif weight == 13 and char in _UPN_CHAR_VALUES:
            value = _UPN_CHAR_VALUES[char]
        else:
            raise ValueError("a UPN body is 11 digits and a digit or letter")
        total += weight * value
    return UPN_ALPHABET[total % 23]


def is_valid_upn(value: object) -> bool:
    """True when ``value`` is a 13-character UPN whose check letter is right."""
    if not isinstance(value, str) or len(value) != 13:
        return False
    try:
        return upn_check_letter(value[1:]) == value[0]
    except ValueError:
        return False


def nhs_check_digit(first_nine: str) -> int | None:
    """Modulus-11 check digit for nine digits; None when no valid number exists (remainder 10)."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError("nine digits are needed")
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_nhs_number(value: object) -> bool:
    """True when ``value`` is ten digits with a valid modulus-11 check digit."""
    if not isinstance(value, str):
        return False
    digits = value.replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


def _byte_matrix(values, width: int):
    """Fixed-width uint8 matrix of ASCII strings (shorter ones padded with NUL)."""
    text = np.asarray(values, dtype=object)
    fixed = np.array([v if isinstance(v, str) and v.isascii() else "" for v in text], dtype=f"S{width}")
    return fixed.view(np.uint8).reshape(len(fixed), width)


def valid_upns(values, lengths) -> np.ndarray:
    """Vectorised :func:`is_valid_upn` over many values (``lengths``: their string lengths)."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    m = _byte_matrix(values, 13).astype(np.int64)
    digits = m[:, 1:13] - ord("0")
    is_digit = (digits >= 0) & (digits <= 9)
    letter_value = np.full(256, -1, dtype=np.int64)
    for i, c in enumerate(UPN_ALPHABET):
        letter_value[ord(c)] = i
    last = np.where(is_digit[:, 11], digits[:, 11], letter_value[m[:, 12]])
    shape_ok = is_digit[:, :11].all(axis=1) & (last >= 0) & (np.asarray(lengths) == 13)
    weights = np.arange(2, 14, dtype=np.int64)
    total = (np.where(is_digit[:, :11], digits[:, :11], 0) * weights[:11]).sum(axis=1) + last * 13
    alphabet = np.frombuffer(UPN_ALPHABET.encode(), dtype=np.uint8).astype(np.int64)
    return shape_ok & (alphabet[total % 23] == m[:, 0])


def valid_nhs_numbers(values, lengths) -> np.ndarray:
    """Vectorised :func:`is_valid_nhs_number` (spaces already removed)."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    digits = _byte_matrix(values, 10).astype(np.int64) - ord("0")
    shape_ok = ((digits >= 0) & (digits <= 9)).all(axis=1) & (np.asarray(lengths) == 10)
    check = 11 - (digits[:, :9] * np.arange(10, 1, -1)).sum(axis=1) % 11
    check = np.where(check == 11, 0, check)
    return shape_ok & (check != 10) & (check == digits[:, 9])
