"""The finance export: one row per standing approval with the enterprise, the policy, the amount
and the full payee account, the decision time in Beijing time and the ledger sequence, then the
totals; the same rows as CSV and as XLSX, read back here with openpyxl."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select
from sqlmodel import col

from matcher.clock import CHINA
from matcher.db import session_scope
from matcher.payouts.export import COLUMNS, display_width, rows
from matcher.payouts.payee import Payee
from matcher.payouts.tables import Decision, DecisionKind
from tests.conftest import ENTERPRISE_USCC, Api
from tests.payouts.conftest import SECOND_USCC, File, decide
from tests.payouts.test_payee import PAYEE, contract

TITLE = "产学研合作及科技成果交易补助"
THEIRS = {"holder": "测试企业001F", "bank": "中国银行济源分行", "account": "104512345678"}


def _approval(claim_id: int, sequence: int, amount: str, decided_at: datetime) -> Decision:
    return Decision(
        sequence=sequence,
        claim_id=claim_id,
        kind=DecisionKind.APPROVE,
        amount=Decimal(amount),
        policy_id="tech-transfer-subsidy",
        policy_version="v",
        snapshot={"profile": {"uscc": ENTERPRISE_USCC, "name": "测试企业000C"}},
        trace={},
        decided_by="staff",
        decided_at=decided_at,
        entries=[],
        prev_hash="0" * 64,
        hash=str(sequence) * 64,
        mac="",
    )


def test_rows_are_in_beijing_time_and_end_with_the_totals() -> None:
    approvals = [
        _approval(7, 3, "200000", datetime(2026, 11, 27, 16, 30, 59, tzinfo=UTC)),
        _approval(9, 5, "1234.5", datetime(2026, 11, 28, 1, 5, tzinfo=UTC)),
    ]
    payee = Payee("测试企业000C", "中国工商银行济源分行", "6222021234567890123")
    table = rows(approvals, {"tech-transfer-subsidy": TITLE}, {7: payee, 9: None})
    assert table == [
        [
            "测试企业000C",
            ENTERPRISE_USCC,
            TITLE,
            7,
            Decimal("200000.00"),
            "测试企业000C",
            "中国工商银行济源分行",
            "6222021234567890123",
            "2026-11-28 00:30",
            3,
        ],
        [
            "测试企业000C",
            ENTERPRISE_USCC,
            TITLE,
            9,
            Decimal("1234.50"),
            "",
            "",
            "",
            "2026-11-28 09:05",
            5,
        ],
        ["合计", "", "", "2 笔", Decimal("201234.50"), "", "", "", "", ""],
    ]
    assert rows([], {}, {}) == [["合计", "", "", "0 笔", Decimal("0.00"), "", "", "", "", ""]]


def test_display_width_counts_wide_characters_twice() -> None:
    assert display_width("") == 0
    assert display_width("A1 ") == 3
    assert display_width("济源") == 4
    assert display_width("金额（元）") == 10, "full-width brackets are wide"
    assert display_width("测试企业000C") == 12


def _two_approved(window: Api, file_claim: File) -> tuple[dict[str, Any], dict[str, Any]]:
    ours = file_claim("tech-transfer-subsidy", contract(21), payee=PAYEE).json()
    theirs = file_claim(
        "tech-transfer-subsidy", contract(22), uscc=SECOND_USCC, payee=THEIRS
    ).json()
    reversed_ = file_claim("tech-transfer-subsidy", contract(23), payee=PAYEE).json()
    assert decide(window, ours["id"], kind="approve", amount="200000").status_code == 201
    assert decide(window, theirs["id"], kind="approve", amount="1234.5").status_code == 201
    undone = decide(window, reversed_["id"], kind="approve", amount="100")
    reversal = window.client.post(
        f"/api/v1/decisions/{undone.json()['id']}/reversal",
        json={"reason": "金额有误"},
        headers=window.headers("staff"),
    )
    assert reversal.status_code == 201, reversal.text
    return ours, theirs


def _exported(window: Api, format: str) -> bytes:
    response = window.client.get(
        f"/api/v1/payouts/export?format={format}", headers=window.headers("staff")
    )
    assert response.status_code == 200, response.text
    return response.content


def _expected(window: Api, ours: dict[str, Any], theirs: dict[str, Any]) -> list[list[str]]:
    """The rows the export must hold, as text; each approval's time read from the ledger."""
    with session_scope(window.engine) as session:
        approvals = session.execute(
            select(Decision).where(col(Decision.kind) == DecisionKind.APPROVE)
        ).scalars()
        decided = {d.claim_id: (d.sequence, d.decided_at.astimezone(CHINA)) for d in approvals}
    (our_sequence, our_time), (their_sequence, their_time) = (
        decided[ours["id"]],
        decided[theirs["id"]],
    )
    return [
        list(COLUMNS),
        [
            "测试企业000C",
            ENTERPRISE_USCC,
            TITLE,
            str(ours["id"]),
            "200000.00",
            "测试企业000C",
            "中国工商银行济源分行",
            "6222021234567890123",
            f"{our_time:%Y-%m-%d %H:%M}",
            str(our_sequence),
        ],
        [
            "测试企业001F",
            SECOND_USCC,
            TITLE,
            str(theirs["id"]),
            "1234.50",
            "测试企业001F",
            "中国银行济源分行",
            "104512345678",
            f"{their_time:%Y-%m-%d %H:%M}",
            str(their_sequence),
        ],
        ["合计", "", "", "2 笔", "201234.50", "", "", "", "", ""],
    ]


def test_the_csv_lists_standing_approvals_with_full_accounts_and_totals(
    window: Api, file_claim: File
) -> None:
    ours, theirs = _two_approved(window, file_claim)
    content = _exported(window, "csv")
    assert content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert table == _expected(window, ours, theirs)


def _shown(cell: Any) -> str:
    """A cell as the CSV writes it: an amount with two decimals."""
    if cell.value is None:
        return ""
    return f"{cell.value:.2f}" if cell.number_format == "0.00" else str(cell.value)


def test_the_xlsx_holds_the_same_rows_as_numbers_and_text(window: Api, file_claim: File) -> None:
    ours, theirs = _two_approved(window, file_claim)
    workbook = load_workbook(io.BytesIO(_exported(window, "xlsx")))
    assert workbook.sheetnames == ["兑现拨付清单"]
    sheet = workbook["兑现拨付清单"]
    assert sheet.freeze_panes == "A2"
    cells = list(sheet.iter_rows())
    assert [[_shown(cell) for cell in row] for row in cells] == _expected(window, ours, theirs)
    assert all(cell.font.bold for cell in (*cells[0], *cells[-1])), "header and totals"
    assert not any(cell.font.bold for cell in cells[1])
    for row in cells[1:-1]:
        number, account, sequence = row[3], row[7], row[9]
        assert number.data_type == sequence.data_type == "n"
        assert account.data_type == "s", "an account number is text: no digit is lost"
    for row in cells[1:]:
        assert row[4].data_type == "n" and row[4].number_format == "0.00"
    assert cells[-1][4].value == 201234.5
    widths = {c: sheet.column_dimensions[c].width for c in "ABCEFHIJ"}
    assert widths == {
        "A": 14,  # 测试企业000C: 4 wide characters and 4 narrow ones
        "B": 20,  # 18 characters of the credit code
        "C": 30,  # the policy title, 14 wide characters
        "E": 12,  # 金额（元）: 5 wide characters
        "F": 14,
        "H": 21,  # 19 digits
        "I": 22,  # 批准时间（北京时间）: 10 wide characters
        "J": 10,
    }
