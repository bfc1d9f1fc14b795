"""The contact endpoints and the SMS gateway's inbound webhook, against real receivers: an
SMTP server and an SMS gateway on loopback."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import Session, col

from matcher.db import session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.notices.settings import NoticeSettings, notice_settings
from matcher.notices.tables import NoticeContact, NoticeContactEvent
from matcher.profiles.parse import parse_profile
from tests.conftest import ENTERPRISE_USCC, OTHER_USCC, Api
from tests.notices.receivers import Inbox, smtp_server, webhook_server

INBOUND_TOKEN = "gateway-shared-secret"
BASE = f"/api/v1/enterprises/{ENTERPRISE_USCC}/contacts"


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def contacts_api(api: Api, inbox: Inbox) -> Iterator[Api]:
    """The app with two enterprises on record, sending to loopback receivers."""
    with session_scope(api.engine) as session:
        for uscc, name in ((ENTERPRISE_USCC, "济源市银辉新材料有限公司"), (OTHER_USCC, "另一家")):
            EnterpriseRepository(session).save(
                parse_profile({"uscc": uscc, "name": name}), "registration", "seed"
            )
    with smtp_server(inbox) as (port, _handler), webhook_server(inbox) as webhook:
        config = NoticeSettings(
            smtp_host="127.0.0.1",
            smtp_port=port,
            sms_webhook_url=webhook.url,
            public_url="https://hqzc.jiyuan.example",
            sms_inbound_token=INBOUND_TOKEN,
        )
        app: Any = api.client.app
        app.dependency_overrides[notice_settings] = lambda: config
        yield api
        app.dependency_overrides.clear()


def _stored(api: Api) -> int:
    with Session(api.engine) as session:
        return int(session.execute(select(func.count()).select_from(NoticeContact)).scalar_one())


def _code(inbox: Inbox) -> str:
    found = re.search(r"验证码 (\d{6})", inbox.messages[-1].content["text"])
    assert found is not None
    return found.group(1)


def test_an_enterprise_adds_a_mobile_and_confirms_it_with_the_code(
    contacts_api: Api, inbox: Inbox
) -> None:
    api = contacts_api
    added = api.client.post(
        BASE, json={"channel": "sms", "address": "139 0000 0001"}, headers=api.headers("enterprise")
    )
    assert added.status_code == 201, added.text
    body = added.json()
    assert (body["confirmation_sent"], body["confirmation_error"]) == (True, None)
    contact = body["contact"]
    assert (contact["address"], contact["shown_as"], contact["confirmed_at"]) == (
        "+8613900000001",
        "13900000001",
        None,
    )
    assert (contact["origin"], contact["added_by"], contact["topics"]) == (
        "self",
        api.actor("enterprise"),
        ["entitlements", "claims"],
    )
    (sms,) = inbox.messages
    assert sms.address == "+8613900000001"
    assert sms.content["text"].endswith(" 回复TD退订")
    code = _code(inbox)

    confirm = f"{BASE}/{contact['id']}/confirm"
    wrong = api.client.post(confirm, json={"code": "000000"}, headers=api.headers("enterprise"))
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (422, "wrong_code")
    with Session(api.engine) as session:
        assert session.get(NoticeContact, contact["id"]).secret_failures == 1  # type: ignore[union-attr]
    right = api.client.post(confirm, json={"code": code}, headers=api.headers("enterprise"))
    assert right.status_code == 200 and right.json()["confirmed_at"] is not None


def test_in_template_mode_the_code_goes_as_the_registered_verification_template(
    contacts_api: Api, inbox: Inbox
) -> None:
    api = contacts_api
    app: Any = api.client.app
    configured = app.dependency_overrides[notice_settings]()
    template_mode = configured.model_copy(
        update={"sms_mode": "template", "sms_sign": "【济源惠企】"}
    )
    app.dependency_overrides[notice_settings] = lambda: template_mode
    added = api.client.post(
        BASE, json={"channel": "sms", "address": "13900000002"}, headers=api.headers("enterprise")
    )
    assert added.status_code == 201 and added.json()["confirmation_sent"] is True, added.text
    (sms,) = inbox.messages
    assert (sms.content["sign"], sms.content["template_code"]) == ("【济源惠企】", "SMS_HQZC_0900")
    params = sms.content["template_params"]
    assert set(params) == {"code", "minutes"} and params["minutes"] == "10"
    contact_id = added.json()["contact"]["id"]
    confirmed = api.client.post(
        f"{BASE}/{contact_id}/confirm",
        json={"code": params["code"]},
        headers=api.headers("enterprise"),
    )
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_at"] is not None


@pytest.mark.parametrize(
    ("channel", "address", "code", "message"),
    [
        ("sms", "1380013800", "invalid_mobile", "手机号码无效"),
        ("sms", "0391-6633333", "not_a_mobile", "这是固定电话号码，无法接收短信，请填写手机号码"),
        ("email", "finance@@example.com", "invalid_email", "电子邮件地址无效"),
    ],
)
def test_a_bad_address_is_refused_with_its_reason_and_nothing_stored(
    contacts_api: Api, inbox: Inbox, channel: str, address: str, code: str, message: str
) -> None:
    api = contacts_api
    response = api.client.post(
        BASE, json={"channel": channel, "address": address}, headers=api.headers("enterprise")
    )
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": code,
        "message": message,
        "details": [{"field": "address", "code": code, "message": message}],
    }
    assert _stored(api) == 0 and inbox.messages == []


def test_another_enterprise_sees_no_contacts_and_staff_see_any(contacts_api: Api) -> None:
    api = contacts_api
    assert api.client.get(BASE, headers=api.headers("other")).status_code == 404
    added = api.client.post(
        BASE,
        json={"channel": "email", "address": "Finance@Example.com", "topics": ["claims"]},
        headers=api.headers("staff"),
    )
    assert added.status_code == 201
    assert (added.json()["contact"]["origin"], added.json()["contact"]["added_by"]) == (
        "staff",
        api.actor("staff"),
    )
    listed = api.client.get(BASE, headers=api.headers("enterprise")).json()["items"]
    assert [(c["address"], c["topics"]) for c in listed] == [("Finance@example.com", ["claims"])]
    again = api.client.post(
        BASE,
        json={"channel": "email", "address": "Finance@EXAMPLE.com"},
        headers=api.headers("staff"),
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "contact_exists"


def test_confirmations_are_rate_limited(contacts_api: Api, inbox: Inbox) -> None:
    api = contacts_api
    added = api.client.post(
        BASE, json={"channel": "sms", "address": "13900000001"}, headers=api.headers("enterprise")
    ).json()
    resend = api.client.post(
        f"{BASE}/{added['contact']['id']}/confirmation", headers=api.headers("enterprise")
    )
    assert resend.status_code == 422
    assert resend.json()["error"]["code"] == "confirmation_too_soon"
    assert len(inbox.messages) == 1


def test_opting_out_is_immediate_recorded_and_only_the_enterprise_opts_back_in(
    contacts_api: Api,
) -> None:
    api = contacts_api
    contact_id = api.client.post(
        BASE, json={"channel": "sms", "address": "13900000001"}, headers=api.headers("enterprise")
    ).json()["contact"]["id"]
    path = f"{BASE}/{contact_id}"
    out = api.client.patch(path, json={"subscribed": False}, headers=api.headers("staff"))
    assert out.status_code == 200 and out.json()["unsubscribed_via"] == "staff"
    refused = api.client.patch(path, json={"subscribed": True}, headers=api.headers("staff"))
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "consent_required"
    back = api.client.patch(path, json={"subscribed": True}, headers=api.headers("enterprise"))
    assert back.status_code == 200 and back.json()["unsubscribed_at"] is None
    with Session(api.engine) as session:
        actions = session.execute(
            select(col(NoticeContactEvent.action), col(NoticeContactEvent.actor))
            .where(col(NoticeContactEvent.contact_id) == contact_id)
            .order_by(col(NoticeContactEvent.id))
        ).all()
    ent, staff = api.actor("enterprise"), api.actor("staff")
    assert [tuple(a) for a in actions] == [
        ("added", ent),
        ("confirmation_sent", ent),
        ("unsubscribed", staff),
        ("resubscribed", ent),
    ]
    removed = api.client.delete(path, headers=api.headers("enterprise"))
    assert removed.status_code == 204 and _stored(api) == 0


def _inbound(api: Api, text: str, token: str | None = INBOUND_TOKEN) -> Any:
    headers = {} if token is None else {"X-Inbound-Token": token}
    return api.client.post(
        "/api/v1/sms/inbound", json={"mobile": "13900000001", "text": text}, headers=headers
    )


def test_a_td_reply_opts_the_mobile_out_and_a_wrong_token_is_refused(contacts_api: Api) -> None:
    api = contacts_api
    for who, uscc in (("enterprise", ENTERPRISE_USCC), ("other", OTHER_USCC)):
        api.client.post(
            f"/api/v1/enterprises/{uscc}/contacts",
            json={"channel": "sms", "address": "13900000001"},
            headers=api.headers(who),
        )
    for token in (None, "wrong"):
        refused = _inbound(api, "TD", token)
        assert (refused.status_code, refused.json()["error"]["code"]) == (401, "invalid_token")
    assert _inbound(api, "谢谢").json() == {"opted_out": 0}
    assert _inbound(api, " ｔｄ ").json() == {"opted_out": 2}  # full-width, spaced, lower case
    listed = api.client.get(BASE, headers=api.headers("enterprise")).json()["items"]
    assert [c["unsubscribed_via"] for c in listed] == ["td"]
    assert _inbound(api, "退订").json() == {"opted_out": 0}  # once is enough


def test_the_csv_import_takes_contact_columns(contacts_api: Api) -> None:
    api = contacts_api
    good = (
        "uscc,name,contact_mobile,contact_email\n"
        f"{ENTERPRISE_USCC},银辉,13900000001；13900000002,caiwu@example.com\n"
    )
    imported = api.client.post(
        "/api/v1/enterprises/import",
        content=good.encode(),
        headers=api.headers("staff") | {"Content-Type": "text/csv"},
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["contacts_added"] == 3
    listed = api.client.get(BASE, headers=api.headers("staff")).json()["items"]
    assert {(c["address"], c["origin"], c["confirmed_at"]) for c in listed} == {
        ("+8613900000001", "import", None),
        ("+8613900000002", "import", None),
        ("caiwu@example.com", "import", None),
    }

    bad = f"uscc,name,contact_mobile\n{OTHER_USCC},另一家,0391-6633333\n"
    refused = api.client.post(
        "/api/v1/enterprises/import",
        content=bad.encode(),
        headers=api.headers("staff") | {"Content-Type": "text/csv"},
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["details"] == [
        {
            "field": "rows.2.contact_mobile",
            "code": "not_a_mobile",
            "message": "这是固定电话号码，无法接收短信，请填写手机号码：0391-6633333",
        }
    ]
    assert _stored(api) == 3
