"""Approved payouts for the finance office, as CSV and as XLSX, from one list of rows.

Only a ledger that verifies is exported, and everything a row says is read from the chained
approval itself (the enterprise from its snapshot), never from the claims table, which a
database writer could change without breaking the chain; the one exception, the payee account,
is opened from its sealed form and is the account the approval's fingerprint names, or the
ledger does not verify (:func:`matcher.payouts.ledger.verify_ledger`).

The file holds full account numbers: it is for finance alone (staff only), and is sensitive.
"""

import csv
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlmodel import Session

from matcher.clock import CHINA, as_utc
from matcher.config import settings
from matcher.eligibility.evaluate import FEN
from matcher.payouts.ledger import intact_ledger
from matcher.payouts.payee import Payee
from matcher.payouts.payee_seal import unseal
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.tables import Decision
from matcher.spreadsheet import safe_cell

Format = Literal["csv", "xlsx"]
COLUMNS = (
    "企业名称",
    "统一社会信用代码",
    "政策",
    "申请编号",
    "金额（元）",
    "户名",
    "开户行",
    "账号",
    "批准时间（北京时间）",
    "账本序号",
)
AMOUNT = COLUMNS.index("金额（元）")
SHEET_TITLE = "兑现拨付清单"
WIDEST = 60
"""Columns are as wide as their widest cell, in character cells, up to this."""

Cell = str | int | Decimal


def rows(
    approvals: Sequence[Decision], titles: dict[str, str], payees: dict[int, Payee | None]
) -> list[list[Cell]]:
    """One row per approval, then the totals: how many, and how much."""
    table: list[list[Cell]] = []
    for decision in approvals:
        profile = decision.snapshot["profile"]
        payee = payees.get(decision.claim_id)
        table.append(
            [
                profile.get("name") or "",
                profile["uscc"],
                titles.get(decision.policy_id, decision.policy_id),
                decision.claim_id,
                Decimal(decision.amount or 0).quantize(FEN),
                "" if payee is None else payee.holder,
                "" if payee is None else payee.bank,
                "" if payee is None else payee.account,
                f"{as_utc(decision.decided_at).astimezone(CHINA):%Y-%m-%d %H:%M}",
                decision.sequence,
            ]
        )
    total = sum((Decimal(decision.amount or 0) for decision in approvals), Decimal(0))
    totals: list[Cell] = ["合计", "", "", f"{len(approvals)} 笔", total.quantize(FEN)]
    return [*table, totals + [""] * (len(COLUMNS) - len(totals))]


def _text(cell: object) -> str:
    return f"{cell:.2f}" if isinstance(cell, Decimal) else str(cell)


def to_csv(table: list[list[Cell]]) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read the Chinese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows([[_text(safe_cell(cell)) for cell in row] for row in table])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def display_width(text: str) -> int:
    """How many character cells ``text`` takes: two for a wide (CJK) character, one otherwise."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def to_xlsx(table: list[list[Cell]]) -> bytes:
    """One sheet: a bold, frozen header row, amounts as numbers shown with two decimals,
    account numbers as text (a number would lose digits), the totals row bold."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.append(list(COLUMNS))
    for row in table:
        sheet.append([safe_cell(cell) for cell in row])
    for cell in sheet[get_column_letter(AMOUNT + 1)][1:]:
        cell.number_format = "0.00"
    bold = Font(bold=True)
    for cell in (*sheet[1], *sheet[sheet.max_row]):
        cell.font = bold
    sheet.freeze_panes = "A2"
    for index in range(len(COLUMNS)):
        widest = max(display_width(_text(row[index])) for row in [COLUMNS, *table])
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(widest + 2, WIDEST)
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
    ``ledger_invalid``) when the ledger does not verify, a payee account changed after its
    approval included."""
    approvals = intact_ledger(session, "不能导出").standing_approvals
    sealed = PayoutRepository(session).sealed_payees({d.claim_id for d in approvals})
    key = settings().ledger_key
    payees = {claim_id: None if s is None else unseal(s, key) for claim_id, s in sealed.items()}
    table = rows(approvals, titles, payees)
    if format == "xlsx":
        return Document(to_xlsx(table), MEDIA_TYPES["xlsx"], "payouts.xlsx")
    return Document(to_csv(table), MEDIA_TYPES["csv"], "payouts.csv")
