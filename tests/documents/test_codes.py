"""Verification codes as people type them back."""

import pytest

from matcher.documents.codes import Code, DocumentKind, format_code, mac_of, parse_code


def test_a_code_names_its_record_and_carries_eight_characters() -> None:
    mac = mac_of("key", DocumentKind.DECISION, {"hash": "ab" * 32})
    code = format_code(DocumentKind.DECISION, 12, mac)
    assert code == f"D-12-{mac[:4]}-{mac[4:]}"
    assert len(mac) == 8 and set(mac) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    assert parse_code(code) == Code(DocumentKind.DECISION, 12, mac)


def test_the_mac_depends_on_the_key_the_kind_and_every_fact() -> None:
    facts = {"claim_id": 1, "uscc": "91419001MA4000000C"}
    macs = {
        mac_of("key", DocumentKind.RECEIPT, facts),
        mac_of("other key", DocumentKind.RECEIPT, facts),
        mac_of("key", DocumentKind.DECISION, facts),
        mac_of("key", DocumentKind.RECEIPT, facts | {"claim_id": 2}),
    }
    assert len(macs) == 4


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (" d-7-abcd-efgh ", Code(DocumentKind.DECISION, 7, "ABCDEFGH")),
        ("R-7-ABCDEFGH", Code(DocumentKind.RECEIPT, 7, "ABCDEFGH")),
        ("R - 7 - AB CD - EF GH", Code(DocumentKind.RECEIPT, 7, "ABCDEFGH")),
        ("R-7-O0IL-1234", Code(DocumentKind.RECEIPT, 7, "0011" + "1234")),  # misread letters
    ],
)
def test_a_typed_code_is_read_forgivingly(typed: str, expected: Code) -> None:
    assert parse_code(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "X-7-ABCD-EFGH",
        "R-7-ABCD-EFG",
        "R-7-ABCD-EFGHJ",
        "R-ABCD-EFGH",
        "R-0-ABCD-EFGH",
        "R-2147483648-ABCD-EFGH",  # no record has a number beyond 32 bits
        "R-7-ABCD-EFGU",  # U is not in Crockford's alphabet
        "R-7-ABCD-EFGH' OR 1=1",
    ],
)
def test_anything_else_is_no_code(typed: str) -> None:
    assert parse_code(typed) is None
