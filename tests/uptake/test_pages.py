"""The 兑现看板 pages and their CSV files, for staff only, with the figures of the domain."""

import csv
import io
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from matcher.app import create_app
from matcher.auth.service import create_account
from matcher.auth.tables import Role
from matcher.config import Settings
from matcher.db import session_scope
from matcher.policies.model import BenefitKind
from matcher.uptake.selection import UptakeFilter
from matcher.uptake.sheets import CLUSTER_LABELS
from matcher.uptake.stages import Dimension, stage_counts
from tests.uptake.conftest import LOAN, STARTUP, Population
from tests.uptake.raw import read

PASSWORD = "correct-horse-42"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def client(population: Population) -> Iterator[TestClient]:
    with session_scope(population.engine) as session:
        create_account(session, "wangfang", PASSWORD, Role.STAFF, "王芳")
        create_account(session, "firm", PASSWORD, Role.ENTERPRISE, "企业", population.usccs[0])
    url = population.engine.url.render_as_string(hide_password=False)
    app = create_app(
        Settings(database_url=url, environment="test"), population.engine, population.catalog
    )
    with TestClient(app) as test_client:
        yield test_client


def _sign_in(client: TestClient, username: str) -> None:
    token = _CSRF.search(client.get("/login").text)
    assert token is not None
    form = {"csrf_token": token.group(1), "username": username, "password": PASSWORD}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303


def _rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_staff_see_every_panel_with_its_chart_table_and_csv(client: TestClient) -> None:
    _sign_in(client, "wangfang")
    page = client.get("/staff/uptake", params={"policy": STARTUP})
    assert page.status_code == 200
    html = page.text
    for name in ("stages", "funnel", "months", "budgets", "processing", "units"):
        assert f'id="{name}"' in html
        assert f"/staff/uptake/{name}.csv?policy={STARTUP}" in html
    assert html.count("<svg aria-label=") == 3
    assert " style=" not in html.split("<main")[1]  # the page's policy allows no inline style
    assert "尚无拨付记录" in html
    assert "通知后 30 天仍未申请：<strong>1</strong> 户次" in html
    assert 'aria-current="page">兑现看板' in html


def test_a_csv_holds_the_table_of_the_page(client: TestClient, population: Population) -> None:
    _sign_in(client, "wangfang")
    answer = client.get("/staff/uptake/stages.csv", params={"policy": STARTUP, "by": "policy"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == 'attachment; filename="uptake-stages.csv"'
    rows = _rows(answer.content)
    with Session(population.engine) as session:
        kinds = {p.id: p.policy.benefit.kind for p in population.catalog}
        (counted,) = stage_counts(session, UptakeFilter((STARTUP,)), Dimension.POLICY, kinds)
    title = population.catalog.get(STARTUP).policy.title  # type: ignore[union-attr]
    assert rows[0][:5] == ["政策", "符合条件", "已通知", "已申请", "已批准"]
    assert rows[1] == [
        title,
        str(counted.eligible),
        str(counted.notified),
        str(counted.claimed),
        str(counted.approved),
        f"{counted.cash_amount}",
        f"{counted.tax_relief_amount}",
        f"{counted.approved_amount}",
    ]
    assert rows[2][0] == "合计"


def test_the_stage_table_never_adds_cash_and_tax_relief(
    client: TestClient, population: Population
) -> None:
    """By cluster over every policy: a cluster eligible for both 开业补贴 and 小型微利企业所得税
    优惠 shows its cash and its tax relief apart, and so does the totals row, each the raw
    rows' sum over the policies of its kind (the loan's amount in neither)."""
    _sign_in(client, "wangfang")
    answer = client.get("/staff/uptake/stages.csv", params={"by": "industry_cluster"})
    header, *groups, totals = _rows(answer.content)
    assert header[5:] == ["可享资金补贴（元）", "预计减免税额（元）", "批准金额（元）"]
    kinds = {p.id: p.policy.benefit.kind for p in population.catalog}
    with Session(population.engine) as session:
        raw = read(session)

    def owed(kind: BenefitKind, *clusters: str) -> str:
        """The eligible pairs' amounts under ``kind``'s policies, of ``clusters`` (or all)."""
        return str(
            sum(
                (
                    amount or Decimal(0)
                    for (firm, policy_id), amount in raw.eligible.items()
                    if kinds[policy_id] is kind
                    and (not clusters or raw.firms[firm]["industry_cluster"] in clusters)
                ),
                Decimal("0.00"),
            )
        )

    cash, tax = BenefitKind.CASH_SUBSIDY, BenefitKind.TAX_PREFERENCE
    steel = next(row for row in groups if row[0] == CLUSTER_LABELS["steel"])
    assert steel[5:7] == [owed(cash, "steel"), owed(tax, "steel")]
    assert totals[0] == "合计"
    assert totals[5:7] == [owed(cash), owed(tax)]
    assert "0.00" not in (*steel[5:7], *totals[5:7])


def test_the_non_take_up_list_pages_and_exports(client: TestClient, population: Population) -> None:
    _sign_in(client, "wangfang")
    page = client.get("/staff/uptake/non-take-up", params={"days": "30"})
    assert page.status_code == 200
    # 开业补贴 told 60 days ago, and 创业担保贷款 told 50 days ago, never claimed
    assert "共 2 户次" in page.text
    assert population.usccs[5] in page.text and population.usccs[0] in page.text
    everyone = client.get("/staff/uptake/non-take-up.csv", params={"days": "0"})
    rows = _rows(everyone.content)
    assert rows[0] == [
        "企业名称",
        "统一社会信用代码",
        "政策",
        "首次通知日期",
        "已过天数",
        "可享资金补贴（元）",
        "预计减免税额（元）",
    ]
    told = sorted(population.usccs[n] for n in (0, 5, 7))
    assert sorted(row[1] for row in rows[1:]) == told
    amounts = {(row[1], row[2]): row[5:] for row in rows[1:]}
    titles = {p.id: p.policy.title for p in population.catalog}
    assert amounts[(population.usccs[5], titles[STARTUP])] == ["5000.00", ""]
    assert amounts[(population.usccs[0], titles[LOAN])] == ["", ""]  # neither cash nor tax


BAD_FILTERS = [
    ({"from": "2026-13"}, "月份“2026-13”有误，应为“2026-01”这样的年-月"),
    ({"from": "2026-05", "to": "2026-04"}, "起始月份不能晚于截止月份"),
    ({"days": "-3"}, "天数“-3”须为整数"),
    ({"days": "99999"}, "天数须为 0 至 3650 之间的整数"),
    ({"cluster": "gold"}, "产业集群“gold”不在可选范围内"),
    ({"policy": "no-such-policy"}, "政策“no-such-policy”不在可选范围内"),
    ({"by": "color"}, "统计维度“color”不在可选范围内"),
]


def test_a_bad_filter_is_refused_with_its_reason(client: TestClient) -> None:
    _sign_in(client, "wangfang")
    for params, message in BAD_FILTERS:
        for path in ("/staff/uptake", "/staff/uptake/non-take-up", "/staff/uptake/stages.csv"):
            answer = client.get(path, params=params)
            assert answer.status_code == 422, (path, params)
            assert message in answer.text, (path, params)


def test_an_unknown_sheet_is_not_found(client: TestClient) -> None:
    _sign_in(client, "wangfang")
    assert client.get("/staff/uptake/everything.csv").status_code == 404


def test_only_staff_see_the_dashboard(client: TestClient) -> None:
    paths = ("/staff/uptake", "/staff/uptake/non-take-up", "/staff/uptake/stages.csv")
    for path in paths:
        anonymous = client.get(path, follow_redirects=False)
        assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    _sign_in(client, "firm")
    for path in paths:
        assert client.get(path).status_code == 403
