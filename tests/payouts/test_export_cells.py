"""The finance exports never hand a spreadsheet a formula: text from people (who decided) is
quoted when it could start one, amounts stay numbers."""

import csv
import io

from openpyxl import load_workbook

from matcher.auth.service import issue_token
from matcher.auth.tables import Role
from matcher.db import session_scope
from tests.conftest import Api
from tests.payouts.conftest import File

FOUNDER = "11010519491231002X"
NAME = '=HYPERLINK("http://example.invalid","点此")'


def test_exports_quote_formulas_and_keep_amounts_as_numbers(window: Api, file_claim: File) -> None:
    with session_scope(window.engine) as session:
        token = issue_token(session, Role.STAFF, NAME)[0]
    claim = file_claim("startup-subsidy", {"founder_id_number": FOUNDER}).json()
    approved = window.client.post(
        f"/api/v1/claims/{claim['id']}/decisions",
        json={"kind": "approve", "amount": "5000.00"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert approved.status_code == 201, approved.text

    exported = window.client.get("/api/v1/payouts/export", headers=window.headers("staff"))
    assert exported.status_code == 200
    [header, row] = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert row[header.index("批准人")] == "'" + NAME
    assert row[header.index("批准金额（元）")] == "5000.00"

    exported = window.client.get(
        "/api/v1/payouts/export?format=xlsx", headers=window.headers("staff")
    )
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert sheet is not None
    cells = {sheet.cell(1, c).value: sheet.cell(2, c) for c in range(1, sheet.max_column + 1)}
    assert cells["批准人"].value == "'" + NAME
    assert cells["批准人"].data_type == "s", "text, not a formula"
    assert cells["批准金额（元）"].data_type == "n"
    assert cells["批准金额（元）"].value == 5000
