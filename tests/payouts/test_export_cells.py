"""The finance exports never hand a spreadsheet a formula: text from people (a payee's holder
name) is quoted when it could start one, amounts stay numbers."""

import csv
import io

from openpyxl import load_workbook

from tests.conftest import Api
from tests.payouts.conftest import File, decide
from tests.payouts.test_payee import PAYEE, contract

NAME = '=HYPERLINK("http://example.invalid","点此")'


def test_exports_quote_formulas_and_keep_amounts_as_numbers(window: Api, file_claim: File) -> None:
    claim = file_claim("tech-transfer-subsidy", contract(31), payee={**PAYEE, "holder": NAME})
    assert claim.status_code == 201, claim.text
    assert decide(window, claim.json()["id"], kind="approve", amount="5000.00").status_code == 201

    exported = window.client.get("/api/v1/payouts/export", headers=window.headers("staff"))
    assert exported.status_code == 200
    [header, row, _totals] = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert row[header.index("户名")] == "'" + NAME
    assert row[header.index("金额（元）")] == "5000.00"

    exported = window.client.get(
        "/api/v1/payouts/export?format=xlsx", headers=window.headers("staff")
    )
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert sheet is not None
    cells = {sheet.cell(1, c).value: sheet.cell(2, c) for c in range(1, sheet.max_column + 1)}
    assert cells["户名"].value == "'" + NAME
    assert cells["户名"].data_type == "s", "text, not a formula"
    assert cells["金额（元）"].data_type == "n"
    assert cells["金额（元）"].value == 5000
