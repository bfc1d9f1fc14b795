"""ID numbers are checked as GB 11643 defines them, whatever year the area code was first used."""

import pytest
from stdnum.cn import ric

from matcher.enterprises.founders import hash_id_number, valid_id_hash, valid_id_number


def _id_number(first_17: str) -> str:
    return first_17 + ric.calc_check_digit(first_17 + "0")


@pytest.mark.parametrize(
    ("first_17", "stdnum_accepts"),
    [
        ("41900119850312001", False),  # 济源 (419001 from 1997), born 1985
        ("41088119850312001", False),  # 济源 under 焦作 (410881, 1989–1997), born 1985
        ("41082719700101001", False),  # 济源县 (410827, 1986–1988), born 1970
        ("11010519491231002", True),  # 北京 朝阳区
    ],
)
def test_any_area_code_ever_listed_is_accepted(first_17: str, stdnum_accepts: bool) -> None:
    number = _id_number(first_17)
    assert ric.is_valid(number) is stdnum_accepts
    assert valid_id_number(number) == number


@pytest.mark.parametrize(
    "number",
    [
        _id_number("99999919850312001"),  # never an area code
        _id_number("41999919850312001"),  # a province's code, no county of that number
        _id_number("41900119850230001"),  # 30 February
        "419001198503120011",  # checksum
        "41900119850312001",  # length
        None,
        419001198503120010,
    ],
)
def test_other_numbers_are_refused(number: object) -> None:
    assert valid_id_number(number) is None and valid_id_hash(number) is None


def test_full_width_digits_and_lower_case_hash_as_the_number() -> None:
    number = _id_number("11010519491231002")
    assert number.endswith("X")
    typed = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９x"))
    assert valid_id_number(typed) == number
    assert valid_id_hash(typed) == hash_id_number(number)
