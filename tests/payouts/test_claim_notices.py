"""Claim notices (:mod:`matcher.notices.claims`) as the window gives rise to them: filed,
materials requested, approved, rejected, and the payment hook; each told once per channel in
the transaction of its decision, in-app always and to the contacts wanting claim notices."""

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from matcher.db import session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.notices.claims import claim_decided, claim_paid
from matcher.notices.contacts import Actor, ContactBook
from matcher.notices.tables import (
    Channel,
    ContactOrigin,
    NoticeStatus,
    NoticeTopic,
    OutboxNotice,
)
from matcher.payouts.tables import Claim, Decision
from tests.conftest import ENTERPRISE_USCC, Api
from tests.payouts.conftest import FOUNDER, File, decide

STAFF = Actor("工作人员", ContactOrigin.STAFF)
WANTS_CLAIMS = "finance@yinhui.example.com"
SMS_WANTS_CLAIMS = "13900000002"


@pytest.fixture
def contacts(window: Api) -> Api:
    """The enterprise's contacts: an e-mail address and a mobile number wanting claim
    notices, a mobile number wanting only entitlement notices, an address never confirmed."""
    with session_scope(window.engine) as session:
        row = EnterpriseRepository(session).row(ENTERPRISE_USCC)
        assert row is not None
        book = ContactBook(session, row["id"])
        for channel, address, topics, confirmed in [
            (Channel.EMAIL, WANTS_CLAIMS, {NoticeTopic.CLAIMS}, True),
            (Channel.SMS, "13900000001", {NoticeTopic.ENTITLEMENTS}, True),
            (Channel.SMS, SMS_WANTS_CLAIMS, {NoticeTopic.CLAIMS}, True),
            (Channel.EMAIL, "unconfirmed@yinhui.example.com", set(NoticeTopic), False),
        ]:
            contact = book.add(channel, address, topics, STAFF)
            if confirmed:
                book.mark_confirmed(contact, STAFF)
    return window


CHANNEL_ORDER = ("in_app", "email", "sms")


def _notices(api: Api, claim_id: int) -> list[dict[str, Any]]:
    with Session(api.engine) as session:
        rows = list(
            session.execute(
                select(OutboxNotice)
                .where(col(OutboxNotice.claim_id) == claim_id)
                .order_by(col(OutboxNotice.id))
            ).scalars()
        )
        # one INSERT … SELECT writes an event's e-mail and SMS rows, in no set order
        first: dict[tuple[str, str], int] = {}
        for n in rows:
            first.setdefault((n.kind, n.event_key), n.id or 0)
        rows.sort(key=lambda n: (first[(n.kind, n.event_key)], CHANNEL_ORDER.index(n.channel)))
        return [
            {
                "kind": n.kind,
                "channel": n.channel,
                "address": n.address,
                "status": n.status,
                "subject": n.subject,
                "body": n.body_text,
                "template": n.sms_template,
            }
            for n in rows
        ]


def _filed(file_claim: File) -> int:
    filed = file_claim("startup-subsidy", {"founder_id_number": FOUNDER})
    assert filed.status_code == 201, filed.text
    claim_id: int = filed.json()["id"]
    return claim_id


def test_a_filed_claim_is_received_in_app_and_by_the_contacts_wanting_claims(
    contacts: Api, file_claim: File
) -> None:
    claim_id = _filed(file_claim)
    in_app, email, sms = _notices(contacts, claim_id)
    assert in_app["kind"] == email["kind"] == sms["kind"] == "claim_received"
    assert (in_app["channel"], in_app["status"]) == ("in_app", NoticeStatus.SENT)
    assert in_app["subject"] == "贵企业《一次性开业补贴》兑现申请已受理"
    assert in_app["body"].startswith(f"申请编号：{claim_id}（")
    assert (email["channel"], email["address"]) == ("email", WANTS_CLAIMS)
    assert email["status"] == NoticeStatus.PENDING  # due now, for the delivery worker
    assert email["subject"].endswith("《一次性开业补贴》兑现申请已受理")
    assert f"/me/claims/{claim_id}" in email["body"]
    assert (sms["channel"], sms["address"]) == ("sms", f"+86{SMS_WANTS_CLAIMS}")
    assert sms["body"].startswith("【惠企政策】贵企业《一次性开业补贴》兑现申请已受理，详见 ")
    assert sms["template"]["code"] == "SMS_HQZC_0101"  # for a gateway that sends templates


@pytest.mark.parametrize(
    ("body", "kind", "shown"),
    [
        ({"kind": "approve", "amount": "5000"}, "claim_approved", "批准金额：5,000.00 元"),
        (
            {"kind": "reject", "reason": "创业者已享受过补贴"},
            "claim_rejected",
            "未获批准的理由：创业者已享受过补贴",
        ),
    ],
)
def test_a_decision_is_told_once_however_often_it_is_retried(
    contacts: Api, file_claim: File, body: dict[str, str], kind: str, shown: str
) -> None:
    claim_id = _filed(file_claim)
    assert decide(contacts, claim_id, **body).status_code == 201
    again = decide(contacts, claim_id, **body)
    assert again.status_code == 409
    decided = [n for n in _notices(contacts, claim_id) if n["kind"] == kind]
    assert [(n["channel"], n["address"]) for n in decided] == [
        ("in_app", None),
        ("email", WANTS_CLAIMS),
        ("sms", f"+86{SMS_WANTS_CLAIMS}"),
    ]
    assert shown in decided[0]["body"]


def test_materials_requested_say_what_and_each_request_is_its_own_notice(
    contacts: Api, file_claim: File
) -> None:
    claim_id = _filed(file_claim)
    for reason in ("请补充社保缴费记录", "请补充营业执照复印件"):
        assert (
            decide(contacts, claim_id, kind="request_materials", reason=reason).status_code == 201
        )
    asked = [
        n["body"]
        for n in _notices(contacts, claim_id)
        if n["kind"] == "claim_materials_requested" and n["channel"] == "in_app"
    ]
    assert asked == [
        f"申请编号：{claim_id}（{_claim_date(contacts, claim_id)} 申请）\n需补正材料：{reason}"
        for reason in ("请补充社保缴费记录", "请补充营业执照复印件")
    ]


def _claim_date(api: Api, claim_id: int) -> str:
    with Session(api.engine) as session:
        return session.get_one(Claim, claim_id).claim_date.isoformat()


def test_telling_the_same_decision_again_adds_nothing(contacts: Api, file_claim: File) -> None:
    claim_id = _filed(file_claim)
    assert decide(contacts, claim_id, kind="approve", amount="5000").status_code == 201
    before = _notices(contacts, claim_id)
    with session_scope(contacts.engine) as session:
        decision = session.execute(select(Decision)).scalar_one()
        assert claim_decided(session, decision) == 0
    assert _notices(contacts, claim_id) == before


def test_a_reversal_is_not_told(contacts: Api, file_claim: File) -> None:
    claim_id = _filed(file_claim)
    decision = decide(contacts, claim_id, kind="approve", amount="5000").json()
    reversed_ = contacts.client.post(
        f"/api/v1/decisions/{decision['id']}/reversal",
        json={"reason": "金额有误"},
        headers=contacts.headers("staff"),
    )
    assert reversed_.status_code == 201, reversed_.text
    kinds = [n["kind"] for n in _notices(contacts, claim_id) if n["channel"] == "in_app"]
    assert kinds == ["claim_received", "claim_approved"]


def test_the_payment_hook_tells_once(contacts: Api, file_claim: File) -> None:
    claim_id = _filed(file_claim)
    decision = decide(contacts, claim_id, kind="approve", amount="5000").json()
    with session_scope(contacts.engine) as session:
        claim = session.get_one(Claim, claim_id)
        paid = [
            claim_paid(session, claim, decision["policy_version"], Decimal("5000")) for _ in "12"
        ]
    assert paid == [3, 0]
    (in_app,) = [
        n
        for n in _notices(contacts, claim_id)
        if n["kind"] == "claim_paid" and n["channel"] == "in_app"
    ]
    assert in_app["subject"] == "贵企业《一次性开业补贴》兑现申请的资金已拨付"
    assert "拨付金额：5,000.00 元" in in_app["body"]
