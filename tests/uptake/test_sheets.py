"""Sheets as CSV: UTF-8 with a byte-order mark, text that could start a formula quoted."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from matcher.uptake.sheets import Sheet, to_csv, unclaimed_sheet
from matcher.uptake.take_up import Unclaimed


def test_a_sheet_as_csv() -> None:
    sheet = Sheet(
        "x",
        "表",
        ("名称", "数", "金额"),
        [("=HYPERLINK(1)", 3, Decimal("-5.50")), ("无", None, Decimal("0.00"))],
    )
    content = to_csv(sheet)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8").removeprefix("\ufeff"))))
    assert rows == [["名称", "数", "金额"], ["'=HYPERLINK(1)", "3", "-5.50"], ["无", "", "0.00"]]


def test_the_non_take_up_sheet_counts_days_in_china() -> None:
    told = datetime(2026, 3, 31, 17, 30, tzinfo=UTC)  # 1 April, 01:30 in China
    listed = [Unclaimed(1, "91419001MA0000000X", "企业", "p", told, Decimal("5000.00"))]
    sheet = unclaimed_sheet(listed, {"p": "开业补贴"}, date(2026, 5, 1), 30)
    assert sheet.title == "通知后 30 天未申请"
    assert sheet.rows == [
        ("企业", "91419001MA0000000X", "开业补贴", date(2026, 4, 1), 30, Decimal("5000.00"))
    ]
