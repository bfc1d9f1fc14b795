"""Sheets as CSV: UTF-8 with a byte-order mark, text that could start a formula quoted."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from matcher.policies.model import BenefitKind
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
    listed = [
        Unclaimed(1, "91419001MA0000000X", "企业", "p", told, Decimal("5000.00")),
        Unclaimed(1, "91419001MA0000000X", "企业", "t", told, Decimal("41000.00")),
        Unclaimed(1, "91419001MA0000000X", "企业", "l", told, Decimal("300000.00")),
    ]
    titles = {"p": "开业补贴", "t": "小型微利企业所得税优惠", "l": "创业担保贷款"}
    kinds = {
        "p": BenefitKind.CASH_SUBSIDY,
        "t": BenefitKind.TAX_PREFERENCE,
        "l": BenefitKind.LOAN_FINANCING,
    }
    sheet = unclaimed_sheet(listed, titles, kinds, date(2026, 5, 1), 30)
    assert sheet.title == "通知后 30 天未申请"
    assert sheet.columns[-2:] == ("可享资金补贴（元）", "预计减免税额（元）")
    day = date(2026, 4, 1)
    assert sheet.rows == [
        ("企业", "91419001MA0000000X", "开业补贴", day, 30, Decimal("5000.00"), None),
        (
            "企业",
            "91419001MA0000000X",
            "小型微利企业所得税优惠",
            day,
            30,
            None,
            Decimal("41000.00"),
        ),
        ("企业", "91419001MA0000000X", "创业担保贷款", day, 30, None, None),
    ]
