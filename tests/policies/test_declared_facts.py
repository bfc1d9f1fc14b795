"""Facts declared as data: a fact file and a policy that uses it, YAML alone, matched everywhere.

A copy of the seed catalog gains ``facts.yaml`` and one policy with its cases; no Python
changes. The new facts are then checked and matched for one enterprise (evaluate, the test
cases, the CLI), for the population in the database (the SQL back end agrees with the
evaluator), through the API, CSV import and the fact history, and on the pages.
"""

import json
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlmodel import Session
from typer.testing import CliRunner

from matcher import cli, clock
from matcher.app import create_app
from matcher.auth.service import create_account, issue_token
from matcher.auth.tables import Role
from matcher.config import Settings
from matcher.db import session_scope
from matcher.eligibility.cases import load_cases, run_case
from matcher.eligibility.evaluate import evaluate, evaluate_one
from matcher.enterprises.repository import EnterpriseRepository
from matcher.policies.catalog import Catalog, load_catalog
from matcher.policies.compile import CompiledPolicy
from matcher.policies.issues import CatalogError
from matcher.policies.versions import version_in_force
from matcher.population.service import match_population
from matcher.population.tables import EntitlementSnapshot
from matcher.population.verdict import STATUSES
from matcher.profiles.errors import ProfileError
from matcher.profiles.model import EnterpriseProfile
from matcher.profiles.parse import parse_profile, parse_profile_json
from matcher.rules import types as rt
from tests.population.factories import replace_population, uscc

POLICY_ID = "small-scale-vat-relief"
AS_OF = date(2021, 1, 1)
USCC = "91419001MA4000000C"

FACTS_YAML = """\
# 政策目录声明的企业信息
facts:
  small_scale_taxpayer:
    type: bool
    label: 增值税小规模纳税人
    authority: tax
    source: 税务登记的增值税纳税人类型
  taxpayer_grade:
    type: enum
    label: 纳税人分级
    values: {a: 甲级, b: 乙级, c: 丙级}
    authority: tax
    source: 税务部门分级分类管理
  monthly_sales:
    type: money
    label: 月销售额
    unit: 元
    min: 0
    authority: tax
    source: 增值税纳税申报表
  relief_rate:
    type: decimal
    label: 减免比例
    unit: "%"
    decimal_places: 2
    min: 0
    max: 100
    authority: finance
    source: 财政部门核定
  tech_staff:
    type: int
    label: 科技人员
    unit: 人
    min: 0
    authority: science
    source: 科技部门备案
  certified_on:
    type: date
    label: 认定日期
    authority: staff
    source: 窗口核验证书
    description: 证书上的认定日期
  tax_office:
    type: text
    label: 主管税务机关
    authority: self_declared
    source: 企业自报
"""

ELIGIBILITY = (
    'enterprise.small_scale_taxpayer == true and enterprise.taxpayer_grade in ["a", "b"]'
    ' and enterprise.tax_office != "注销"'
)
SIZE = (
    "enterprise.monthly_sales <= 100000 and enterprise.tech_staff >= 3"
    " and enterprise.certified_on <= as_of"
)
AMOUNT = "min(enterprise.monthly_sales * enterprise.relief_rate / 100, param.relief_cap)"
CAP = {
    "label": "每月减免上限",
    "unit": "元",
    "values": [
        {"from": "2020-01-01", "value": "3000", "source": "试点文件 第一条", "clause": "3000元"},
        {"from": "2021-07-01", "value": "2000", "source": "试点文件 第二条", "clause": "2000元"},
    ],
}
"""A dated parameter beside the declared facts: the cap falls from 3,000 to 2,000 yuan."""

CASES_YAML = """\
- name: 小规模纳税人，月销售额8万元，减免3%
  as_of: 2021-01-01
  profile: &small_scale
    facts:
      small_scale_taxpayer: true
      taxpayer_grade: a
      monthly_sales: "80000.00"
      relief_rate: "3"
      tech_staff: 5
      certified_on: 2020-05-01
      tax_office: 济源税务局
  expect: {status: eligible, amount: "2400.00"}
- name: 上限降为2000元后
  as_of: 2021-07-01
  profile: *small_scale
  expect: {status: eligible, amount: "2000.00"}
- name: 一般纳税人
  as_of: 2021-01-01
  profile: {facts: {small_scale_taxpayer: false}}
  expect: {status: not_eligible}
"""

ELIGIBLE: dict[str, Any] = {
    "small_scale_taxpayer": True,
    "taxpayer_grade": "b",
    "monthly_sales": "99999.99",
    "relief_rate": 2.5,
    "tech_staff": 3,
    "certified_on": "2020-12-31",
    "tax_office": "济源税务局",
}


def _add_policy(root: Path) -> None:
    """The policy, written as a policy officer would: an existing file copied and edited."""
    [model] = root.glob("*/rnd-super-deduction.yaml")
    programme = model.parent
    policy = yaml.safe_load(model.read_text("utf-8"))
    first, second = policy["criteria"][:2]
    policy.update(id=POLICY_ID, title="小规模纳税人增值税减免", criteria=[first, second])
    policy["benefit"]["amount"] = AMOUNT
    policy["parameters"] = {"relief_cap": CAP}
    first.update(id="small_scale", label="小规模纳税人，分级为甲级或乙级", expr=ELIGIBILITY)
    second.update(id="size", label="月销售额10万元以下，科技人员3人以上", expr=SIZE)
    text = yaml.safe_dump(policy, allow_unicode=True, sort_keys=False)
    (programme / f"{POLICY_ID}.yaml").write_text(text, encoding="utf-8")
    (programme / f"{POLICY_ID}.cases.yaml").write_text(CASES_YAML, encoding="utf-8")


@pytest.fixture
def declared_root(catalog_copy: Path) -> Path:
    """The seed catalog with the facts added to its root fact file, and the policy."""
    path = catalog_copy / "facts.yaml"
    facts = yaml.safe_load(path.read_text("utf-8"))["facts"] if path.exists() else {}
    facts |= yaml.safe_load(FACTS_YAML)["facts"]
    text = yaml.safe_dump({"facts": facts}, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    _add_policy(catalog_copy)
    return catalog_copy


@pytest.fixture
def catalog(declared_root: Path) -> Catalog:
    return load_catalog(declared_root)


def _policy(catalog: Catalog) -> CompiledPolicy:
    policy = catalog.get(POLICY_ID)
    assert policy is not None
    return policy


def _profile(catalog: Catalog, facts: dict[str, Any], code: str = USCC) -> EnterpriseProfile:
    return parse_profile({"uscc": code, "name": "测试企业", "facts": facts}, catalog.facts)


# One enterprise


def test_declared_facts_are_enterprise_facts_of_the_rule_language(catalog: Catalog) -> None:
    schema = _policy(catalog).schema
    assert schema["enterprise.monthly_sales"].type == rt.DECIMAL
    assert schema["enterprise.monthly_sales"].label == "月销售额（元）"
    assert schema["enterprise.taxpayer_grade"].type == rt.enum("a", "b", "c")
    assert schema["enterprise.certified_on"].type == rt.DATE
    assert catalog.facts["tech_staff"].authority_label == "科技部门"


def test_one_enterprise_is_matched_on_its_declared_facts(catalog: Catalog) -> None:
    eligible = evaluate_one(_policy(catalog), _profile(catalog, ELIGIBLE), AS_OF)
    assert (eligible.status.value, eligible.amount) == ("eligible", Decimal("2500.00"))
    failing = evaluate_one(_policy(catalog), _profile(catalog, ELIGIBLE | {"tech_staff": 2}), AS_OF)
    assert failing.status.value == "not_eligible"
    assert [c.id for c in failing.criteria if c.result.value == "fail"] == ["size"]
    unknown = evaluate_one(_policy(catalog), _profile(catalog, {"tech_staff": 5}), AS_OF)
    assert unknown.status.value == "undetermined"
    assert [m.label for m in unknown.missing_facts][:3] == [
        "增值税小规模纳税人",
        "纳税人分级",
        "主管税务机关",
    ]
    listed = evaluate(_profile(catalog, ELIGIBLE), AS_OF, catalog)
    assert POLICY_ID in {e.policy_id for e in listed.entitlements if e.status.value == "eligible"}


def test_the_policy_cases_run_with_declared_facts(catalog: Catalog) -> None:
    outcomes = [run_case(case) for case in load_cases(catalog) if case.policy.id == POLICY_ID]
    assert [(o.name, o.problems) for o in outcomes] == [
        ("小规模纳税人，月销售额8万元，减免3%", ()),
        ("上限降为2000元后", ()),
        ("一般纳税人", ()),
    ]


def test_declared_facts_are_checked_at_the_edge(catalog: Catalog) -> None:
    bad = {
        "small_scale_taxpayer": "yes",
        "taxpayer_grade": "d",
        "monthly_sales": "-1",
        "relief_rate": "1.005",
        "tech_staff": "12",
        "certified_on": "20200501",
        "not_declared": 1,
    }
    with pytest.raises(ProfileError) as raised:
        parse_profile_json(json.dumps({"facts": bad}), catalog.facts)
    assert [(e.field, e.code) for e in raised.value.errors] == [
        ("facts.small_scale_taxpayer", "bool_type"),
        ("facts.taxpayer_grade", "literal_error"),
        ("facts.monthly_sales", "greater_than_equal"),
        ("facts.relief_rate", "decimal_max_places"),
        ("facts.tech_staff", "int_type"),
        ("facts.certified_on", "date_format"),
        ("facts.not_declared", "extra_forbidden"),
    ]
    with pytest.raises(ProfileError) as undeclared:
        parse_profile_json('{"facts": {"tech_staff": 3}}')
    assert [(e.field, e.message) for e in undeclared.value.errors] == [
        ("facts.tech_staff", "未知字段")
    ]


BAD_FACTS_YAML = """\
facts:
  employees:
    type: int
    label: 从业人数
    authority: tax
    source: 重名
  export_licence:
    type: bool
    label: 出口许可
    colour: red
    authority: commerce
    source: 商务部门
  grade:
    type: enum
    label: 分级
    authority: tax
    source: 税务
  scale:
    type: bool
    label: 规模
    min: 1
    authority: tax
    source: 税务
"""

PROGRAMME_FACTS_YAML = """\
facts:
  scale:
    type: int
    label: 规模
    authority: statistics
    source: 统计
  certified:
    type: bool
    label: 已认定
    authority: police
    source: 公安
"""


def _fact_file_issues(error: CatalogError) -> list[str]:
    return [str(issue) for issue in error.issues if issue.file.name == "facts.yaml"]


def test_a_bad_fact_file_is_refused_with_file_and_line(catalog_copy: Path) -> None:
    (catalog_copy / "facts.yaml").write_text(BAD_FACTS_YAML, encoding="utf-8")
    (catalog_copy / "pilot").mkdir()
    (catalog_copy / "pilot" / "facts.yaml").write_text(PROGRAMME_FACTS_YAML, "utf-8")
    with pytest.raises(CatalogError) as raised:
        load_catalog(catalog_copy)
    *listed, authority = _fact_file_issues(raised.value)
    assert listed == [
        "policies/facts.yaml:10: facts.export_licence.colour: 未知字段",
        "policies/facts.yaml:14: facts.grade: values 仅用于且必须用于 enum 类型",
        "policies/facts.yaml:19: facts.scale: min、max 仅用于 int、decimal、money 类型",
    ]
    assert authority.startswith(
        "policies/pilot/facts.yaml:10: facts.certified.authority: "
        "应为以下之一：'market_regulation', 'tax', "
    )


def test_a_declared_name_may_not_shadow_an_enterprise_fact_nor_repeat(catalog_copy: Path) -> None:
    (catalog_copy / "facts.yaml").write_text(FACTS_YAML.replace("tax_office", "employees"))
    (catalog_copy / "pilot").mkdir()
    (catalog_copy / "pilot" / "facts.yaml").write_text(
        "facts:\n  tech_staff:\n    type: int\n    label: 科技人员\n"
        "    authority: science\n    source: 科技部门\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as raised:
        load_catalog(catalog_copy)
    assert _fact_file_issues(raised.value) == [
        "policies/facts.yaml:44: facts.employees: "
        "enterprise.employees 已是内置的企业信息，请换一个名称",
        "policies/pilot/facts.yaml:3: facts.tech_staff: 已在 policies/facts.yaml 中声明",
    ]


def test_a_policy_is_type_checked_against_declared_facts(declared_root: Path) -> None:
    [path] = declared_root.glob(f"*/{POLICY_ID}.yaml")
    path.write_text(path.read_text("utf-8").replace("tech_staff >= 3", 'tech_staff >= "3"'))
    with pytest.raises(CatalogError) as raised:
        load_catalog(declared_root)
    [issue] = raised.value.issues
    assert (issue.policy, issue.field) == (POLICY_ID, "criteria.1.expr")
    assert "文本" in issue.message and "整数" in issue.message


def test_the_cli_matches_a_profile_file_with_declared_facts(
    declared_root: Path, tmp_path: Path
) -> None:
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({"uscc": USCC, "name": "测试企业", "facts": ELIGIBLE}))
    command = ["match", str(profile), "--as-of", "2021-01-01", "--json"]
    result = CliRunner().invoke(cli.app, [*command, "--policies", str(declared_root)])
    assert result.exit_code == 0, result.output
    [found] = [e for e in json.loads(result.stdout)["entitlements"] if e["policy_id"] == POLICY_ID]
    assert (found["status"], found["amount"]) == ("eligible", "2500.00")
    profile.write_text(json.dumps({"uscc": USCC, "facts": {"tech_staff": "3"}}))
    refused = CliRunner().invoke(cli.app, [*command, "--policies", str(declared_root)])
    assert refused.exit_code == 2
    assert "facts.tech_staff: 应为整数" in refused.stderr


# The population in the database

DECLARED_VALUES = st.fixed_dictionaries(
    {},
    optional={
        "small_scale_taxpayer": st.booleans(),
        "taxpayer_grade": st.sampled_from(["a", "b", "c"]),
        "monthly_sales": st.sampled_from([Decimal("100000"), Decimal("100000.01")])
        | st.decimals(0, 200_000, places=2),
        "relief_rate": st.decimals(0, 100, places=2),
        "tech_staff": st.integers(0, 6),
        "certified_on": st.dates(date(2020, 1, 1), date(2021, 12, 31)),
        "tax_office": st.sampled_from(["济源税务局", "注销"]),
    },
)

Verdict = tuple[str, Decimal | None, date | None]


def _sql_verdicts(engine: Engine, policy: CompiledPolicy) -> dict[int, Verdict]:
    run = match_population(engine, [policy], AS_OF)
    with Session(engine) as session:
        rows = session.execute(
            select(EntitlementSnapshot).where(EntitlementSnapshot.run_id == run.id)
        ).scalars()
        return {
            r.enterprise_id: (STATUSES[r.status].value, r.amount, r.eligible_from) for r in rows
        }


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=st.lists(DECLARED_VALUES, min_size=20, max_size=30))
def test_the_population_is_matched_on_declared_facts_as_one_enterprise_is(
    engine: Engine, catalog: Catalog, drawn: list[dict[str, Any]]
) -> None:
    policy = _policy(catalog)
    profiles = [_profile(catalog, facts, uscc("419001", n)) for n, facts in enumerate(drawn)]
    with engine.begin() as connection:
        replace_population(connection, profiles)
    expected = {}
    for enterprise_id, profile in enumerate(profiles, start=1):
        found = evaluate_one(policy, profile, AS_OF)
        if found.status.value != "not_eligible" or found.eligible_from is not None:
            expected[enterprise_id] = (found.status.value, found.amount, found.eligible_from)
    assert _sql_verdicts(engine, policy) == expected


# The API, CSV import and the fact history


@pytest.fixture
def client(engine: Engine, catalog: Catalog) -> Iterator[TestClient]:
    url = engine.url.render_as_string(hide_password=False)
    config = Settings(database_url=url, environment="test", calculator_rate_limit=1000)
    with TestClient(create_app(config, engine, catalog)) as test_client:
        yield test_client


@pytest.fixture
def staff(engine: Engine, client: TestClient) -> dict[str, str]:
    with session_scope(engine) as session:
        token, _ = issue_token(session, Role.STAFF, "staff")
        create_account(session, "wangfang", "correct-horse-42", Role.STAFF, "王芳")
    return {"Authorization": f"Bearer {token}"}


def _write(client: TestClient, staff: dict[str, str], facts: dict[str, Any], new: bool) -> Any:
    body = {"source": "tax", "profile": {"uscc": USCC, "name": "测试企业", "facts": facts}}
    if new:
        return client.post("/api/v1/enterprises", json=body, headers=staff)
    return client.put(f"/api/v1/enterprises/{USCC}", json=body, headers=staff)


def test_the_api_stores_declared_facts_with_their_history(
    engine: Engine, catalog: Catalog, client: TestClient, staff: dict[str, str]
) -> None:
    created = _write(client, staff, ELIGIBLE, new=True)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["profile"]["facts"]["monthly_sales"] == "99999.99"
    assert body["profile"]["facts"]["certified_on"] == "2020-12-31"
    assert body["provenance"]["facts.tech_staff"]["source"] == "tax"
    listed = client.get(f"/api/v1/enterprises/{USCC}/entitlements?as_of=2021-01-01", headers=staff)
    [found] = [e for e in listed.json()["entitlements"] if e["policy_id"] == POLICY_ID]
    assert (found["status"], found["amount"]) == ("eligible", "2500.00")

    before_change = clock.now()
    changed = ELIGIBLE | {"tech_staff": 2}
    del changed["tax_office"]
    assert _write(client, staff, changed, new=False).status_code == 200
    with Session(engine) as session:
        repository = EnterpriseRepository(session)
        history = [(r.field, r.value) for r in repository.history(USCC) if "." in r.field]
        now = repository.get(USCC, catalog.facts)
        then = repository.profile_as_of(USCC, before_change, catalog.facts)
    assert history[-2:] == [("facts.tech_staff", 2), ("facts.tax_office", None)]
    assert now is not None and then is not None
    assert (now.facts["tech_staff"], "tax_office" in now.facts) == (2, False)
    assert (then.facts["tech_staff"], then.facts["tax_office"]) == (3, "济源税务局")


def test_the_api_refuses_a_declared_fact_of_the_wrong_type_and_stores_nothing(
    engine: Engine, client: TestClient, staff: dict[str, str]
) -> None:
    refused = _write(client, staff, {"tech_staff": "3", "colour": "red"}, new=True)
    assert refused.status_code == 422
    details = refused.json()["error"]["details"]
    assert [(d["field"], d["code"]) for d in details] == [
        ("profile.facts.tech_staff", "int_type"),
        ("profile.facts.colour", "extra_forbidden"),
    ]
    with Session(engine) as session:
        assert EnterpriseRepository(session).count() == 0
    calculated = client.post(
        "/api/v1/calculator",
        json={"profile": {"facts": ELIGIBLE}, "as_of": "2021-01-01"},
    )
    [found] = [e for e in calculated.json()["entitlements"] if e["policy_id"] == POLICY_ID]
    assert found["status"] == "eligible"


def test_a_published_version_compiles_again_with_its_declared_facts(
    engine: Engine, client: TestClient
) -> None:
    with Session(engine) as session:
        version = version_in_force(session, POLICY_ID, AS_OF)
    assert version is not None
    assert "monthly_sales" in version.declared
    assert version.amount is not None and version.amount.text == AMOUNT


def test_csv_import_takes_declared_facts_by_column(
    engine: Engine, catalog: Catalog, client: TestClient, staff: dict[str, str]
) -> None:
    csv_headers = staff | {"Content-Type": "text/csv"}
    header = "uscc,name,small_scale_taxpayer,taxpayer_grade,monthly_sales,tech_staff,certified_on"
    good = f"{header}\n{USCC},测试企业,是,a,80000.00,5,2020-05-01\n"
    imported = client.post("/api/v1/enterprises/import", content=good, headers=csv_headers)
    assert imported.status_code == 200, imported.text
    with Session(engine) as session:
        stored = EnterpriseRepository(session).get(USCC, catalog.facts)
    assert stored is not None
    assert stored.facts == {
        "small_scale_taxpayer": True,
        "taxpayer_grade": "a",
        "monthly_sales": Decimal("80000.00"),
        "tech_staff": 5,
        "certified_on": date(2020, 5, 1),
    }
    bad = f"{header}\n{USCC},测试企业,也许,d,80000.00,五,2020-05-01\n"
    refused = client.post("/api/v1/enterprises/import", content=bad, headers=csv_headers)
    assert refused.status_code == 422
    assert [(d["field"], d["code"]) for d in refused.json()["error"]["details"]] == [
        ("rows.2.small_scale_taxpayer", "invalid_cell"),
        ("rows.2.tech_staff", "invalid_cell"),
        ("rows.2.taxpayer_grade", "literal_error"),
    ]
    with Session(engine) as session:
        assert EnterpriseRepository(session).get(USCC, catalog.facts) == stored


# The pages

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _csrf(client: TestClient, path: str) -> str:
    found = _CSRF.search(client.get(path).text)
    assert found is not None, f"no CSRF field on {path}"
    return found.group(1)


def test_the_calculator_asks_for_declared_facts(client: TestClient) -> None:
    page = client.get("/calculator").text
    assert "<legend>其他信息</legend>" in page
    assert '<label for="f-tech_staff">科技人员（人）</label>' in page
    assert '<option value="b">乙级</option>' in page
    assert "证书上的认定日期；信息来源：窗口核实" in page
    form = {"csrf_token": _csrf(client, "/calculator"), "as_of": "2021-01-01"}
    form |= {name: str(value).lower() for name, value in ELIGIBLE.items()}
    result = client.post("/calculator", data=form)
    assert result.status_code == 200, result.text
    eligible = result.text.split('id="group-eligible"')[1].split("</section>")[0]
    assert f'id="policy-{POLICY_ID}"' in eligible
    refused = client.post("/calculator", data=form | {"tech_staff": "三"})
    assert refused.status_code == 422
    assert '<a href="#f-tech_staff">科技人员（人）</a>：应为整数' in refused.text


def test_staff_record_declared_facts_as_verified(
    engine: Engine, catalog: Catalog, client: TestClient, staff: dict[str, str]
) -> None:
    assert _write(client, staff, {"tech_staff": 1}, new=True).status_code == 201
    form = {"csrf_token": _csrf(client, "/login"), "username": "wangfang"}
    signed_in = client.post("/login", data=form | {"password": "correct-horse-42"})
    assert signed_in.status_code in (200, 303)
    page_path = f"/staff/enterprises/{USCC}"
    page = client.get(page_path).text
    assert '<h2 id="facts-title">核实其他信息</h2>' in page
    assert re.search(r'name="tech_staff"[^>]* value="1"', page)
    posted = {"csrf_token": _csrf(client, page_path), "certified_on": "2020-05-01"}
    saved = client.post(f"{page_path}/facts", data=posted, follow_redirects=False)
    assert saved.status_code == 303
    with Session(engine) as session:
        repository = EnterpriseRepository(session)
        stored = repository.get(USCC, catalog.facts)
        provenance = repository.provenance(USCC)
    assert stored is not None and stored.facts == {"certified_on": date(2020, 5, 1)}
    assert provenance["facts.certified_on"].source == "staff_confirmed"
    assert provenance["facts.tech_staff"].value is None
    refused = client.post(f"{page_path}/facts", data=posted | {"monthly_sales": "-5"})
    assert refused.status_code == 422
    assert "不能小于 0" in refused.text
    with Session(engine) as session:
        unchanged = EnterpriseRepository(session).get(USCC, catalog.facts)
    assert unchanged == stored


def test_the_policy_page_shows_the_dated_parameter_with_its_source(client: TestClient) -> None:
    page = client.get(f"/policies/{POLICY_ID}").text
    assert "每月减免上限：2020-01-01 起 3,000.00 元（试点文件 第一条）" in page
    assert "2021-07-01 起 2,000.00 元（试点文件 第二条）" in page
    assert "param." not in page, "people read the parameter's label, not its name"
