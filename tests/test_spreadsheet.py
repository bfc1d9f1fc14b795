from datetime import date
from decimal import Decimal

import pytest

from matcher.spreadsheet import safe_cell


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('=HYPERLINK("http://example.invalid")', '\'=HYPERLINK("http://example.invalid")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("王芳", "王芳"),
        ("2020-08-01", "2020-08-01"),
        ("", ""),
        (Decimal("-5000.00"), Decimal("-5000.00")),
        (-5, -5),
        (date(2020, 8, 1), date(2020, 8, 1)),
    ],
)
def test_text_that_could_run_as_a_formula_is_quoted_and_nothing_else(
    value: object, shown: object
) -> None:
    assert safe_cell(value) == shown
