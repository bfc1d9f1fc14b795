"""The payee account: read once where it is entered, required of every claim the window takes,
kept sealed in the database and shown masked by the API."""

from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import SQLModel, col

from matcher.payouts.payee import Payee, PayeeInvalid, account_number, bank_name, holder_name
from matcher.payouts.tables import Claim
from tests.conftest import Api
from tests.payouts.conftest import CONTRACT, File

ACCOUNT = "6222021234567890123"
PAYEE = {
    "holder": "测试企业000C",
    "bank": "中国工商银行济源分行",
    "account": "6222 0212 3456 7890 123",
}


def contract(number: int) -> dict[str, Any]:
    """The tests' contract with a registration number of its own (one claim per project)."""
    return {**CONTRACT, "contract_registration_number": f"JY2021{number:06d}"}


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        (ACCOUNT, ACCOUNT),
        ("6222 0212 3456 7890 123", ACCOUNT),
        (" 1712\u30000000 0912 ", "171200000912"),  # an ideographic space between groups
        ("６２２２０２１２３４５６７８９０１２３", ACCOUNT),  # full-width digits
        ("12345678", "12345678"),
        ("1" * 30, "1" * 30),
    ],
)
def test_an_account_number_is_its_digits(typed: str, digits: str) -> None:
    assert account_number(typed) == digits


@pytest.mark.parametrize(
    ("parse", "typed", "code", "message"),
    [
        (account_number, "", "empty", "账号不能为空"),
        (account_number, "   ", "empty", "账号不能为空"),
        (account_number, "6222-0212-3456", "not_digits", "账号只能由数字组成（可用空格分组）"),
        (account_number, "62220212345X", "not_digits", "账号只能由数字组成（可用空格分组）"),
        (account_number, "1234567", "account_length", "账号应为 8 至 30 位数字，现为 7 位"),
        (account_number, "1" * 31, "account_length", "账号应为 8 至 30 位数字，现为 31 位"),
        (holder_name, " ", "empty", "户名不能为空"),
        (holder_name, "测试\n企业", "control_character", "不能含有换行、制表符等控制字符"),
        (holder_name, "企" * 101, "too_long", "户名过长（最多 100 个字符）"),
        (bank_name, "", "empty", "开户行不能为空"),
        (bank_name, "工商\x00银行", "control_character", "不能含有换行、制表符等控制字符"),
    ],
)
def test_what_is_not_part_of_an_account_is_refused(
    parse: Any, typed: str, code: str, message: str
) -> None:
    with pytest.raises(PayeeInvalid) as refused:
        parse(typed)
    assert (refused.value.code, refused.value.message) == (code, message)


def test_names_are_kept_as_typed_without_surrounding_spaces() -> None:
    assert holder_name("  济源市银辉新材料有限公司 ") == "济源市银辉新材料有限公司"
    assert holder_name("企" * 100) == "企" * 100


@pytest.mark.parametrize(
    ("account", "masked"),
    [
        (ACCOUNT, "6222 **** **** 0123"),
        ("1712000009123456", "1712 **** **** 3456"),
        ("171200000912345", "**** **** **** 2345"),
        ("12345678", "**** **** **** 5678"),
    ],
)
def test_the_masked_account_hides_at_least_eight_digits_and_the_length(
    account: str, masked: str
) -> None:
    assert Payee("户名", "开户行", account).masked_account == masked


def _claims(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(Claim)).scalar_one())


def test_a_claim_keeps_its_account_sealed_and_shows_it_masked(
    window: Api, file_claim: File
) -> None:
    filed = file_claim("tech-transfer-subsidy", contract(1), payee=PAYEE)
    assert filed.status_code == 201, filed.text
    shown = {
        "holder": "测试企业000C",
        "bank": "中国工商银行济源分行",
        "account": "6222 **** **** 0123",
    }
    assert filed.json()["payee"] == shown
    claim_id = filed.json()["id"]
    for who in ("staff", "enterprise"):
        read = window.client.get(f"/api/v1/claims/{claim_id}", headers=window.headers(who))
        assert read.json()["claim"]["payee"] == shown, who
        listed = window.client.get("/api/v1/claims", headers=window.headers(who))
        assert [claim["payee"] for claim in listed.json()["items"]] == [shown], who
        assert ACCOUNT not in read.text + listed.text
    with window.engine.connect() as connection:
        dump = str([connection.execute(t.select()).all() for t in SQLModel.metadata.sorted_tables])
        sealed = connection.execute(select(col(Claim.payee_sealed))).scalar_one()
    assert ACCOUNT not in dump and "0212 3456" not in dump, "the number is stored sealed"
    assert "6222 **** **** 0123" in dump and sealed is not None and len(sealed) > 40


def test_every_claim_needs_an_account_and_nothing_is_written_without_one(
    window: Api, file_claim: File
) -> None:
    missing = file_claim("tech-transfer-subsidy", contract(2), payee=None)
    assert missing.status_code == 422
    assert missing.json()["error"]["code"] == "invalid_profile"
    assert [(d["field"], d["code"], d["message"]) for d in missing.json()["error"]["details"]] == [
        ("payee", "missing", "必填：收款账户（户名、开户行、账号）")
    ]
    short = file_claim(
        "tech-transfer-subsidy", contract(2), payee={**PAYEE, "account": "1234 567", "holder": ""}
    )
    assert short.status_code == 422
    assert short.json()["error"]["code"] == "invalid_request"
    assert [(d["field"], d["code"], d["message"]) for d in short.json()["error"]["details"]] == [
        ("payee.holder", "empty", "户名不能为空"),
        ("payee.account", "account_length", "账号应为 8 至 30 位数字，现为 7 位"),
    ]
    number = file_claim(
        "tech-transfer-subsidy", contract(2), payee={**PAYEE, "account": 6222021234567890123}
    )
    assert number.status_code == 422
    assert [(d["field"], d["code"]) for d in number.json()["error"]["details"]] == [
        ("payee.account", "string_type")
    ]
    extra = file_claim("tech-transfer-subsidy", contract(2), payee={**PAYEE, "iban": "x"})
    assert extra.status_code == 422
    assert _claims(window.engine) == 0
