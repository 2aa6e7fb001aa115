"""UPN check letters (DfE algorithm) and NHS numbers (modulus 11)."""
import pytest

from pipeline.identifiers import is_valid_nhs_number, is_valid_upn, nhs_check_digit, upn_check_letter


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
