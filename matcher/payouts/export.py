"""Approved payouts for the finance office, as CSV and as XLSX, with the same columns.

Only a ledger that verifies is exported, and everything a row says is read from the chained
approval itself (the claim's enterprise and date from its snapshot), never from the claims
table, which a database writer could change without breaking the chain.
"""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from openpyxl import Workbook
from sqlmodel import Session

from matcher.payouts.ledger import intact_ledger
from matcher.payouts.tables import Decision
from matcher.spreadsheet import safe_cell

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


def rows(approvals: Sequence[Decision], titles: dict[str, str]) -> list[list[object]]:
    return [
        [
            decision.sequence,
            decision.claim_id,
            decision.snapshot["profile"]["uscc"],
            titles.get(decision.policy_id, decision.policy_id),
            decision.snapshot["claim_date"],
            Decimal(decision.amount or 0).quantize(Decimal("0.01")),
            decision.decided_by,
            decision.decided_at.isoformat(timespec="seconds"),
            decision.policy_version[:12],
            decision.hash,
        ]
        for decision in approvals
    ]


def to_csv(table: list[list[object]]) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read the Chinese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows([[str(safe_cell(cell)) for cell in row] for row in table])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "已批准兑现"
    sheet.append(list(COLUMNS))
    for row in table:
        sheet.append([safe_cell(cell) for cell in row])
    for cell in sheet["F"][1:]:
        cell.number_format = "#,##0.00"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


MEDIA_TYPES: dict[Format, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True, slots=True)
class Document:
    content: bytes
    media_type: str
    filename: str


def document(session: Session, titles: dict[str, str], format: Format) -> Document:
    """The standing approvals in ``format``, ready to send; :class:`LedgerInvalid` (code
    ``ledger_invalid``) when the ledger does not verify."""
    table = rows(intact_ledger(session, "不能导出").standing_approvals, titles)
    if format == "xlsx":
        return Document(to_xlsx(table), MEDIA_TYPES["xlsx"], "payouts.xlsx")
    return Document(to_csv(table), MEDIA_TYPES["csv"], "payouts.csv")
