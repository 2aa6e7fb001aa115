"""UPN check letters (DfE algorithm) and NHS numbers (modulus 11)."""
import pytest

from pipeline.feeds.identifiers import is_valid_nhs_number, is_valid_upn, nhs_check_digit, upn_check_letter


def test_upn_check_letter_worked_by_hand():
    # weights 2..13 on characters 2..13, sum modulo 23 indexes the 23-letter alphabet
    body = "801200001001"
    total = sum(w * int(c) for w, c in zip(range(2, 14), body))
    assert upn_check_letter(body) == "ABCDEFGHJKLMNPQRTUVWXYZ"[total % 23]
    assert is_valid_upn(upn_check_letter(body) + body)


@pytest.mark.parametrize("bad", ["A80120000100", "Z801200001001", "", None, "A8012000010011", "A80120000100!"])
def test_invalid_upns(bad):
    assert not is_valid_upn(bad)


def test_temporary_upn_with_letter_in_last_place():
    body = "80120000100A"
    assert is_valid_upn(upn_check_letter(body) + body)


def test_nhs_numbers():
    assert is_valid_nhs_number("9434765919")  # NHS England's published example
    assert not is_valid_nhs_number("9434765918")
    assert not is_valid_nhs_number("943476591")
    assert not is_valid_nhs_number("94347659AB")
    assert nhs_check_digit("000000001") == 9  # 1*2 = 2; 11 - 2 = 9


def test_remainder_ten_has_no_valid_number():
    # find nine digits whose check would be 10: no tenth digit can make them valid
    nine = next(f"{n:09d}" for n in range(10**6) if nhs_check_digit(f"{n:09d}") is None)
    assert not any(is_valid_nhs_number(nine + str(d)) for d in range(10))


def test_vectorised_checks_agree_with_the_scalar_ones():
    import random

    from pipeline.feeds.identifiers import valid_nhs_numbers, valid_upns

    rng = random.Random(7)
    upns = [upn_check_letter(b) + b for b in (f"{rng.randrange(10**12):012d}" for _ in range(300))]
    upns += [u[:-1] + "Q" for u in upns[:50]] + ["Z" + u[1:] for u in upns[50:100]]
    upns += ["", "A8012", "A80120000100!", upns[0] + "1", "a" * 13, "é" * 13]
    assert list(valid_upns(upns, [len(u) for u in upns])) == [is_valid_upn(u) for u in upns]
    nhs = [f"{rng.randrange(10**10):010d}" for _ in range(500)] + ["9434765919", "943476591", "94347659AB", ""]
    assert list(valid_nhs_numbers(nhs, [len(n) for n in nhs])) == [is_valid_nhs_number(n) for n in nhs]


def test_fast_hmac_is_hmac_sha256():
    import pandas as pd

    from pipeline.feeds.pseudonymise import pseudonymise_series, pseudonymise_value

    values = pd.Series(["A801200001001", None, "9434765919"], dtype="str")
    for key in (b"k", b"x" * 100):
        hashed = pseudonymise_series(values, key, "upn")
        assert hashed[0] == pseudonymise_value("A801200001001", key, "upn")
        assert pd.isna(hashed[1]) and hashed[2] == pseudonymise_value("9434765919", key, "upn")
