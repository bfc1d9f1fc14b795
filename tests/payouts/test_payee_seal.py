"""The payee account sealed at rest and fingerprinted in the ledger: an account changed behind the
window's back after approval is named by the ledger's verification, and the export refuses."""

import base64

import pytest
from sqlalchemy import select, update
from sqlmodel import col

from matcher.config import settings
from matcher.db import session_scope
from matcher.payouts.ledger import verify_ledger
from matcher.payouts.payee import Payee
from matcher.payouts.payee_seal import PayeeUnreadable, fingerprint, seal, unseal
from matcher.payouts.tables import Claim, Decision
from tests.conftest import Api
from tests.payouts.conftest import SECOND_USCC, File, decide
from tests.payouts.test_payee import PAYEE, contract

OURS = Payee("测试企业000C", "中国工商银行济源分行", "6222021234567890123")
THEIRS = Payee("测试企业001F", "中国银行济源分行", "104512345678")


def test_a_sealed_account_opens_under_its_key_alone() -> None:
    sealed = seal(OURS, "key one")
    assert unseal(sealed, "key one") == OURS
    assert seal(OURS, "key one") != sealed, "a fresh nonce each time"
    assert OURS.account not in base64.b64decode(sealed).decode("latin-1")
    with pytest.raises(PayeeUnreadable) as wrong:
        unseal(sealed, "key two")
    assert wrong.value.code == "payee_unreadable"
    raw = bytearray(base64.b64decode(sealed))
    raw[-1] ^= 1
    for changed in (base64.b64encode(bytes(raw)).decode(), "not base64!", ""):
        with pytest.raises(PayeeUnreadable):
            unseal(changed, "key one")


def test_a_fingerprint_names_the_whole_account_under_the_key() -> None:
    mark = fingerprint(OURS, "key one")
    assert len(mark) == 64 and mark == fingerprint(OURS, "key one")
    assert mark != fingerprint(OURS, "key two")
    for other in (
        Payee(OURS.holder, OURS.bank, "6222021234567890124"),
        Payee(OURS.holder, "中国银行济源分行", OURS.account),
        Payee("他人", OURS.bank, OURS.account),
    ):
        assert fingerprint(other, "key one") != mark


def _approved(window: Api, file_claim: File) -> tuple[int, int]:
    """Our claim approved, and a second enterprise's claim pending: their ids."""
    ours = file_claim("tech-transfer-subsidy", contract(11), payee=PAYEE).json()["id"]
    theirs = file_claim(
        "tech-transfer-subsidy",
        contract(12),
        uscc=SECOND_USCC,
        payee={"holder": THEIRS.holder, "bank": THEIRS.bank, "account": THEIRS.account},
    ).json()["id"]
    assert decide(window, ours, kind="approve", amount="200000").status_code == 201
    return ours, theirs


def _refusal(window: Api) -> str:
    response = window.client.get("/api/v1/payouts/export", headers=window.headers("staff"))
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "ledger_invalid"
    return str(response.json()["error"]["message"])


def _problems(window: Api) -> list[str]:
    with session_scope(window.engine) as session:
        return [str(problem) for problem in verify_ledger(session).problems]


def test_the_approval_carries_the_fingerprint_of_the_account(window: Api, file_claim: File) -> None:
    ours, _theirs = _approved(window, file_claim)
    with session_scope(window.engine) as session:
        approval = session.execute(select(Decision)).scalar_one()
    assert approval.claim_id == ours
    assert approval.snapshot["payee"] == fingerprint(OURS, settings().ledger_key)
    assert _problems(window) == []


def test_an_account_swapped_after_approval_stops_the_export(window: Api, file_claim: File) -> None:
    ours, theirs = _approved(window, file_claim)
    with window.engine.begin() as connection:
        sealed = select(col(Claim.payee_sealed)).where(col(Claim.id) == theirs).scalar_subquery()
        connection.execute(update(Claim).where(col(Claim.id) == ours).values(payee_sealed=sealed))
    reason = f"申请 #{ours} 的收款账户与批准时不符（批准后被改动）"
    assert _problems(window) == [f"第 1 条：{reason}"]
    assert (
        _refusal(window) == f"账本核验未通过，不能导出：第 1 条：{reason}。请联系系统管理员核查。"
    )


def test_an_account_that_no_longer_opens_stops_the_export(window: Api, file_claim: File) -> None:
    ours, _theirs = _approved(window, file_claim)
    with window.engine.begin() as connection:
        connection.execute(
            update(Claim)
            .where(col(Claim.id) == ours)
            .values(payee_sealed=seal(THEIRS, "another key"))
        )
    assert _problems(window) == [f"第 1 条：申请 #{ours} 的收款账户无法解密（已被改动）"]
    assert "收款账户无法解密" in _refusal(window)


def test_an_account_removed_after_approval_stops_the_export(window: Api, file_claim: File) -> None:
    ours, _theirs = _approved(window, file_claim)
    with window.engine.begin() as connection:
        connection.execute(update(Claim).where(col(Claim.id) == ours).values(payee_sealed=None))
    assert _problems(window) == [f"第 1 条：申请 #{ours} 的收款账户与批准时不符（批准后被改动）"]


def test_a_claim_whose_account_does_not_open_is_not_approved(window: Api, file_claim: File) -> None:
    ours = file_claim("tech-transfer-subsidy", contract(13), payee=PAYEE).json()["id"]
    with window.engine.begin() as connection:
        connection.execute(update(Claim).where(col(Claim.id) == ours).values(payee_sealed="AAAA"))
    refused = decide(window, ours, kind="approve", amount="200000")
    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "code": "payee_unreadable",
        "message": "收款账户无法解密（已被改动，或不是用当前账本密钥加密的），请联系系统管理员核查",
        "details": [],
    }
    with session_scope(window.engine) as session:
        assert session.execute(select(Decision)).first() is None
