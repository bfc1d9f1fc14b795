import pytest

from matcher.tagging.taxonomy import SECTIONS, SIZE_CATEGORIES, section_of, size_category_of


@pytest.mark.parametrize(
    ("code", "section"),
    [("0111", "A"), ("0922", "B"), ("13", "C"), ("3130", "C"), ("4416", "D"), ("5012", "E"),
     ("5164", "F"), ("5910", "G"), ("6210", "H"), ("6513", "I"), ("6635", "J"), ("7010", "K"),
     ("7212", "L"), ("7452", "M"), ("7861", "N"), ("8111", "O"), ("8310", "P"), ("8514", "Q"),
     ("9011", "R"), ("9522", "S"), ("9700", "T")],
)  # fmt: skip
def test_section_of_code(code: str, section: str) -> None:
    assert section_of(code) == section


@pytest.mark.parametrize(
    ("code", "category"),
    [("0313", "agriculture"), ("0610", "industry"), ("3130", "industry"), ("4610", "industry"),
     ("4710", "construction"), ("5164", "wholesale"), ("5212", "retail"),
     ("5431", "transport"), ("5821", "transport"), ("5910", "transport"),
     ("5920", "warehousing"), ("5951", "warehousing"), ("6010", "postal"), ("6020", "postal"),
     ("6110", "accommodation"), ("6210", "catering"), ("6319", "information_transmission"),
     ("6410", "information_transmission"), ("6513", "software_it_services"),
     ("7010", "real_estate_development"), ("7020", "property_management"),
     ("7030", "other_unlisted"),
     ("7111", "leasing_business_services"), ("7263", "leasing_business_services"),
     ("5320", "not_covered"), ("6621", "not_covered"), ("7320", "other_unlisted"),
     ("8310", "not_covered"), ("8411", "not_covered"), ("9700", "not_covered")],
)  # fmt: skip
def test_size_category_of_code(code: str, category: str) -> None:
    assert size_category_of(code) == category


@pytest.mark.parametrize("code", ["", "98", "00", "abcd", "31300", "59", "70"])
def test_invalid_or_ambiguous_codes_are_rejected(code: str) -> None:
    with pytest.raises(ValueError):
        size_category_of(code)


def test_every_label_has_a_chinese_name() -> None:
    assert list(SECTIONS) == [chr(c) for c in range(ord("A"), ord("T") + 1)]
    assert len(SIZE_CATEGORIES) == 17
