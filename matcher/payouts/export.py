"""Approved payouts for the finance office, as CSV and as XLSX, with the same columns."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from openpyxl import Workbook

from matcher.payouts.tables import Claim, Decision

Format = Literal["csv", "xlsx"]
COLUMNS = (
    "决定序号",
    "申请编号",
    "统一社会信用代码",
    "政策",
    "申请日期",
    "批准金额（元）",
    "批准人",
    "批准时间",
    "政策版本",
    "记录哈希",
)


def rows(approved: Sequence[tuple[Claim, Decision]], titles: dict[str, str]) -> list[list[object]]:
    return [
        [
            decision.sequence,
            claim.id,
            claim.uscc,
            titles.get(claim.policy_id, claim.policy_id),
            claim.claim_date.isoformat(),
            Decimal(decision.amount or 0).quantize(Decimal("0.01")),
            decision.decided_by,
            decision.decided_at.isoformat(timespec="seconds"),
            decision.policy_version[:12],
            decision.hash,
        ]
        for claim, decision in approved
    ]


def to_csv(table: list[list[object]]) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read the Chinese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows([[str(cell) for cell in row] for row in table])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "已批准兑现"
    sheet.append(list(COLUMNS))
    for row in table:
        sheet.append(row)
    for cell in sheet["F"][1:]:
        cell.number_format = "#,##0.00"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class Document:
    content: bytes
    media_type: str
    filename: str


def document(
    approved: Sequence[tuple[Claim, Decision]], titles: dict[str, str], format: Format
) -> Document:
    """The export in ``format``, ready to send."""
    table = rows(approved, titles)
    if format == "xlsx":
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Document(to_xlsx(table), media, "payouts.xlsx")
    return Document(to_csv(table), "text/csv; charset=utf-8", "payouts.csv")
