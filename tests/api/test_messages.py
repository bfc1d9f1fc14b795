"""``/api/v1/enterprises/{uscc}/messages``: an enterprise's in-app messages, paged with the
unread count; the enterprise marks one or all read; staff may read them but not mark them."""

from typing import Any

import pytest
from sqlmodel import Session

from matcher import clock
from matcher.db import session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.notices.tables import Channel, NoticeStatus, OutboxNotice
from matcher.profiles.parse import parse_profile
from tests.conftest import ENTERPRISE_USCC, OTHER_USCC, Api

MINE = f"/api/v1/enterprises/{ENTERPRISE_USCC}/messages"


@pytest.fixture
def messages(api: Api) -> list[int]:
    """Three delivered messages to the enterprise, one to the other; the enterprise's ids,
    oldest first."""
    ids: dict[str, list[int]] = {}
    with session_scope(api.engine) as session:
        for uscc, count in ((ENTERPRISE_USCC, 3), (OTHER_USCC, 1)):
            repository = EnterpriseRepository(session)
            repository.save(parse_profile({"uscc": uscc, "name": f"企业{uscc[-4:]}"}), "tax", "t")
            row = repository.row(uscc)
            assert row is not None
            ids[uscc] = [_message(session, row["id"], n) for n in range(1, count + 1)]
    return ids[ENTERPRISE_USCC]


def _message(session: Session, enterprise_id: int, number: int) -> int:
    notice = OutboxNotice(
        enterprise_id=enterprise_id,
        run_id=1,
        policy_id="startup-subsidy",
        policy_version="v" * 64,
        kind="entitled",
        channel=Channel.IN_APP,
        idempotency_key=f"{enterprise_id}.{number}",
        subject=f"第{number}条消息",
        body_text="政策内容：一次性开业补贴5000元",
        status=NoticeStatus.SENT,
        sent_at=clock.now(),
    )
    session.add(notice)
    session.flush()
    assert notice.id is not None
    return notice.id


def _get(api: Api, who: str, path: str = MINE) -> Any:
    return api.client.get(path, headers=api.headers(who))


def test_the_enterprise_pages_its_messages_newest_first(api: Api, messages: list[int]) -> None:
    answer = _get(api, "enterprise", f"{MINE}?limit=2")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["total"], body["unread"], body["limit"], body["offset"]) == (3, 3, 2, 0)
    assert [m["id"] for m in body["items"]] == messages[:0:-1]
    first = body["items"][0]
    assert first["title"] == "第3条消息" and first["kind"] == "entitled"
    assert first["kind_label"] == "新符合条件"
    assert first["link"] == "/policies/startup-subsidy" and first["claim_id"] is None
    assert first["read_at"] is None
    assert [m["id"] for m in _get(api, "staff", f"{MINE}?offset=2").json()["items"]] == messages[:1]


def test_marking_read_one_and_then_all(api: Api, messages: list[int]) -> None:
    headers = api.headers("enterprise")
    one = api.client.post(f"{MINE}/{messages[0]}/read", headers=headers)
    assert one.status_code == 200 and one.json()["read_at"] is not None
    assert _get(api, "enterprise").json()["unread"] == 2
    everything = api.client.post(f"{MINE}/read", headers=headers)
    assert everything.status_code == 200 and everything.json() == {"marked": 2}
    assert _get(api, "enterprise").json()["unread"] == 0


def test_others_messages_do_not_exist_and_staff_do_not_mark(api: Api, messages: list[int]) -> None:
    theirs = f"/api/v1/enterprises/{OTHER_USCC}/messages"
    refused = _get(api, "enterprise", theirs)
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "not_found"
    other = api.client.post(f"{theirs}/read", headers=api.headers("enterprise"))
    assert other.status_code == 404
    foreign = api.client.post(f"{MINE}/{messages[0]}/read", headers=api.headers("other"))
    assert foreign.status_code == 404
    staff = api.client.post(f"{MINE}/{messages[0]}/read", headers=api.headers("staff"))
    assert staff.status_code == 403
    assert _get(api, "staff", theirs).json()["unread"] == 1
    assert _get(api, "enterprise").json()["unread"] == 3
    assert _get(api, None).status_code == 401
