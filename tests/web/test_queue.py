"""The staff queue (issue 13): filters, search, paging and sort in the URL, the amount column,
the same filters on the API's list, the 工作台's counts linking into it, an enterprise's claims
on its page; and every bad parameter answered with the site's Chinese error page."""

import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from matcher import clock
from matcher.auth.service import issue_token
from matcher.auth.tables import Role
from matcher.db import session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.payouts.tables import Claim, ClaimStatus, Decision, DecisionKind
from matcher.profiles.parse import parse_profile
from tests.payouts.conftest import CONTRACT

DEMO_USCC, OTHER_USCC = "91419001MA4000000C", "91419001MA4000001F"
PERCENT_USCC, UNDERSCORE_USCC = "91419001MA4000002J", "91419001MA4000003M"
TODAY = clock.today()
TECH, STARTUP = "tech-transfer-subsidy", "startup-subsidy"
SignIn = Callable[[str], None]
QUERY_HTML = "q=%E9%93%B6%E8%BE%89&amp;sort=due"
"""银辉 (the demo enterprise's name) by due date, as the page links write it."""
COUNT = re.compile(
    r'<a href="([^"]+)"><span class="figure">([^<]+)</span><span class="label">([^<]+)</span>'
)


@pytest.fixture
def staff(client: TestClient, sign_in: SignIn, engine: Engine) -> TestClient:
    with session_scope(engine) as session:
        repository = EnterpriseRepository(session)
        for uscc, name in (
            (PERCENT_USCC, "济源市百分%科技有限公司"),
            (UNDERSCORE_USCC, "济源市下划_线有限公司"),
        ):
            repository.save(parse_profile({"uscc": uscc, "name": name}), "test", "t")
    sign_in("wangfang")
    return client


def _claims(engine: Engine, *specs: dict[str, Any]) -> list[int]:
    """Claims written straight to the table (the queue is under test, not filing): each spec
    may set ``uscc``, ``policy_id``, ``claim_date``, ``due_date``, ``status``, ``facts``."""
    with session_scope(engine) as session:
        repository, claims = EnterpriseRepository(session), []
        for spec in specs:
            uscc = spec.get("uscc", DEMO_USCC)
            row = repository.row(uscc)
            assert row is not None
            claim = Claim(
                enterprise_id=row["id"],
                uscc=uscc,
                policy_id=spec.get("policy_id", TECH),
                claim_date=spec.get("claim_date", TODAY),
                facts=spec.get("facts", CONTRACT),
                status=spec.get("status", ClaimStatus.PENDING),
                due_date=spec.get("due_date"),
                filed_by="test",
            )
            session.add(claim)
            claims.append(claim)
        session.flush()
        return [c.id for c in claims if c.id is not None]


def _listed(html: str) -> list[int]:
    """The claims of the queue's table, in order."""
    rows = re.findall(r"<tr[^>]*>\s*<th scope=\"row\">.*?</tr>", html, re.S)
    return [int(n) for row in rows for n in re.findall(r"#(\d+)</span>", row)]


def _api_ids(client: TestClient, engine: Engine, query: str) -> list[int]:
    with session_scope(engine) as session:
        token = issue_token(session, Role.STAFF, "api-staff")[0]
    response = client.get(
        f"/api/v1/claims?{query}&limit=500", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_filters_choose_the_claims_and_the_api_agrees(staff: TestClient, engine: Engine) -> None:
    late, soon, later, done, other, old = _claims(
        engine,
        {"due_date": TODAY - timedelta(days=3), "claim_date": TODAY - timedelta(days=30)},
        {"due_date": TODAY + timedelta(days=2), "policy_id": STARTUP, "facts": {}},
        {"due_date": TODAY + timedelta(days=9), "status": ClaimStatus.MATERIALS_REQUESTED},
        {"due_date": TODAY - timedelta(days=5), "status": ClaimStatus.APPROVED},
        {"uscc": OTHER_USCC, "claim_date": TODAY - timedelta(days=2)},
        {"claim_date": date(2021, 3, 2), "due_date": date(2021, 3, 16)},
    )
    before = (TODAY - timedelta(days=10)).isoformat()
    cases = {
        "": [old, late, soon, later, other],
        "status=all": [old, done, late, soon, later, other],
        "status=approved": [done],
        "status=materials_requested": [later],
        f"policy={STARTUP}": [soon],
        "overdue=1": [old, late],
        "overdue=1&status=all": [old, late],
        f"filed_from={before}": [soon, later, other],
        f"filed_to={before}&status=all": [old, late],
        "filed_from=2021-01-01&filed_to=2021-12-31": [old],
        f"due_from={TODAY}&due_to={TODAY + timedelta(days=9)}": [soon, later],
        "sort=filed": [old, late, other, soon, later],
        "sort=filed&status=all&overdue=1": [old, late],
        "policy=&status=&filed_from=&filed_to=&q=&sort=due": [old, late, soon, later, other],
        "policy=no-such-policy": [],
    }
    for query, expected in cases.items():
        response = staff.get(f"/staff/claims?{query}")
        assert response.status_code == 200, query
        assert _listed(response.text) == expected, query
        assert f"共 {len(expected)} 件" in response.text, query
        if not re.search(r"(^|&)status=[a-z]", query):
            query += "&status=open"  # the API lists all by default, the queue what is open
        assert _api_ids(staff, engine, query) == expected, query
    chosen = staff.get(f"/staff/claims?status=approved&filed_from={before}&sort=filed").text
    assert '<option value="approved" selected>' in chosen, "the form shows the URL's choices"
    assert f'value="{before}"' in chosen and '<option value="filed" selected>' in chosen


def test_the_search_is_literal(staff: TestClient, engine: Engine) -> None:
    demo, percent, underscore, other = _claims(
        engine, {}, {"uscc": PERCENT_USCC}, {"uscc": UNDERSCORE_USCC}, {"uscc": OTHER_USCC}
    )
    cases = {
        "%": [percent],
        "_": [underscore],
        "百分%": [percent],
        "%科技": [percent],
        "下划_线": [underscore],
        "玉川": [other],
        "银辉": [demo],
        "4000001f": [other],  # the code, in lower case
        "MA40000": [demo, percent, underscore, other],
        f"#{percent}": [percent],
        f"#{underscore}": [underscore],
        "#99999999999": [],  # no claim number of 32 bits
        "#": [],
        "济源市%": [],
        "  玉川  ": [other],
    }
    for text, expected in cases.items():
        response = staff.get(f"/staff/claims?q={quote(text)}")
        assert response.status_code == 200, text
        assert _listed(response.text) == expected, text
        assert _api_ids(staff, engine, f"q={quote(text)}") == expected, text
    for claim in (demo, percent):  # digits alone: the number, or part of a code
        assert claim in _listed(staff.get(f"/staff/claims?q={claim}").text)
    assert _listed(staff.get("/staff/claims?q=4000003").text) == [underscore]


def test_pages_of_fifty_keep_the_filters(staff: TestClient, engine: Engine) -> None:
    ids = _claims(
        engine,
        *({"due_date": TODAY + timedelta(days=n), "claim_date": TODAY} for n in range(120)),
        {"uscc": OTHER_USCC},
    )
    query = QUERY_HTML.replace("&amp;", "&")
    first = staff.get(f"/staff/claims?{query}").text
    assert _listed(first) == ids[:50] and "共 120 件，第 1 / 3 页" in first
    assert f'href="/staff/claims?{QUERY_HTML}&amp;page=2" rel="next"' in first
    third = staff.get(f"/staff/claims?{query}&page=3").text
    assert _listed(third) == ids[100:120] and "第 3 / 3 页" in third
    assert 'aria-current="page">3</a>' in third and 'rel="next"' not in third
    assert f'href="/staff/claims?{QUERY_HTML}&amp;page=2" rel="prev"' in third
    beyond = staff.get(f"/staff/claims?{query}&page=4")
    assert beyond.status_code == 200 and _listed(beyond.text) == []
    assert "本页没有申请" in beyond.text


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("status=closed", 422, "网址中的参数有误"),
        ("sort=amount", 422, "网址中的参数有误"),
        ("page=0", 422, "网址中的参数有误"),
        ("page=abc", 422, "网址中的参数有误"),
        ("page=99999999999", 422, "网址中的参数有误"),
        ("overdue=maybe", 422, "网址中的参数有误"),
        ("filed_from=2026-13-01", 422, "网址中的参数有误"),
        ("filed_from=20260101", 422, "网址中的参数有误"),
        ("due_to=1900-01-01", 422, "网址中的参数有误"),
        ("q=" + "企" * 101, 422, "网址中的参数有误"),
        ("q=%01", 422, "网址中含有无法识别的控制字符"),
        ("policy=" + "p" * 101, 422, "网址中的参数有误"),
        (
            "filed_from=2026-11-02&filed_to=2026-11-01",
            422,
            "申请日期的起始日 2026-11-02 晚于截止日 2026-11-01，请重新选择。",
        ),
        (
            "decided_from=2026-11-02&decided_to=2026-11-01",
            422,
            "决定日期的起始日 2026-11-02 晚于截止日 2026-11-01，请重新选择。",
        ),
    ],
)
def test_bad_parameters_get_the_error_page(
    staff: TestClient, engine: Engine, query: str, status: int, message: str
) -> None:
    _claims(engine, {})
    response = staff.get(f"/staff/claims?{query}")
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert message in response.text and "<table" not in response.text
    with session_scope(engine) as session:
        token = issue_token(session, Role.STAFF, "api-staff")[0]
    api = staff.get(f"/api/v1/claims?{query}", headers={"Authorization": f"Bearer {token}"})
    if not query.startswith("page="):  # the API pages with offset and limit
        assert api.status_code == 422 and "json" in api.headers["content-type"]


def _approve(engine: Engine, claim_id: int, amount: str) -> None:
    """A standing approval as a ledger record (the chain is not what this page reads)."""
    with session_scope(engine) as session:
        session.add(
            Decision(
                sequence=claim_id,
                claim_id=claim_id,
                kind=DecisionKind.APPROVE,
                amount=Decimal(amount),
                policy_id=TECH,
                policy_version="v",
                snapshot={},
                trace={},
                decided_by="account:1",
                decided_at=clock.now(),
                entries=[],
                prev_hash="0" * 64,
                hash=f"{claim_id:064x}",
                mac="0" * 64,
            )
        )


def test_the_amount_column(staff: TestClient, engine: Engine) -> None:
    small = {**CONTRACT, "transaction_amount": "123456.78"}
    approved, expected, capped, founder, unreadable = _claims(
        engine,
        {"status": ClaimStatus.APPROVED, "due_date": TODAY},
        {"facts": small, "due_date": TODAY + timedelta(days=1)},
        {"due_date": TODAY + timedelta(days=2)},
        {"policy_id": STARTUP, "facts": {}, "due_date": TODAY + timedelta(days=3)},
        {"facts": {"cooperation_mode": "joint_rnd"}, "due_date": TODAY + timedelta(days=4)},
    )
    _approve(engine, approved, "150000.00")
    html = staff.get("/staff/claims?status=all").text
    rows = dict(
        zip(_listed(html), re.findall(r'class="amount">(.*?)</td>', html, re.S), strict=True)
    )
    assert rows[approved].strip() == '150,000.00 元<span class="meta">已批准</span>'
    assert rows[expected].strip() == '24,691.36 元<span class="meta">测算</span>', "20%, rounded"
    assert rows[capped].strip() == '200,000.00 元<span class="meta">测算</span>'
    assert rows[founder].strip() == '5,000.00 元<span class="meta">测算</span>', "a fixed sum"
    assert rows[unreadable].strip() == "—", "facts missing: no amount to show"


def test_the_workbench_counts_link_into_the_queue(staff: TestClient, engine: Engine) -> None:
    late, _, _ = _claims(
        engine,
        {"due_date": TODAY - timedelta(days=1)},
        {"due_date": TODAY + timedelta(days=60)},
        {"status": ClaimStatus.MATERIALS_REQUESTED},
    )
    html = staff.get("/staff").text
    links = dict(
        (label, (href.replace("&amp;", "&"), int(figure.replace(",", "").split(".")[0])))
        for href, figure, label in COUNT.findall(html)
    )
    assert set(links) == {"待审核", "本周到期", "已逾期", "今日已决定", "本月批准金额"}
    assert links["待审核"] == ("/staff/claims?status=pending", 2)
    assert links["已逾期"] == ("/staff/claims?overdue=1", 1)
    assert links["今日已决定"][1] == 0 and links["本月批准金额"][1] == 0
    for label in ("待审核", "已逾期", "本周到期", "今日已决定"):
        href, count = links[label]
        assert len(_listed(staff.get(href).text)) == count, label
    assert _listed(staff.get(links["已逾期"][0]).text) == [late]
    assert "已扣除冲正" in html and TODAY.isoformat() in html


def test_the_enterprise_page_lists_its_claims(staff: TestClient, engine: Engine) -> None:
    mine = _claims(
        engine,
        {"due_date": TODAY + timedelta(days=3)},
        {"status": ClaimStatus.REJECTED, "claim_date": date(2021, 3, 2)},
        {"uscc": OTHER_USCC},
    )[:2]
    html = staff.get(f"/staff/enterprises/{DEMO_USCC}").text
    section = html[html.index('id="claims"') :]
    section = section[: section.index("</section>")]
    assert "兑现申请（2）" in section
    assert _listed(section) == mine, "by due date, decided ones too, only its own"
    assert f'href="/staff/claims/{mine[0]}"' in section and "已驳回" in section
    assert "2021-03-02" in section and "200,000.00 元" in section
    assert "尚无兑现申请" in staff.get(f"/staff/enterprises/{PERCENT_USCC}").text
