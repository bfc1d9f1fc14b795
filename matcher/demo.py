"""A demo data set: generated enterprises of the kinds found in 济源, and demo logins.

Deterministic (seeded), so the demo and its screenshots look the same on every machine.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select
from stdnum.cn import uscc as uscc_code

from matcher import clock
from matcher.auth.service import Principal, create_account
from matcher.auth.tables import Account, Role
from matcher.config import DEMO_ENTERPRISE
from matcher.db import session_scope
from matcher.enterprises.founders import hash_id_number
from matcher.enterprises.repository import EnterpriseRepository
from matcher.payouts.payee import Payee
from matcher.payouts.service import file_claim
from matcher.policies.catalog import Catalog, default_catalog
from matcher.policies.versions import publish
from matcher.population.service import match_population
from matcher.population.state import StateRepository
from matcher.profiles.model import EnterpriseProfile
from matcher.profiles.parse import parse_profile, parse_profile_json
from matcher.profiles.uscc import validate

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
JIYUAN = "419001"
DISTRICTS = [
    "沁园街道",
    "济水街道",
    "北海街道",
    "天坛街道",
    "玉泉街道",
    "克井镇",
    "五龙口镇",
    "梨林镇",
    "坡头镇",
    "承留镇",
    "轵城镇",
    "虎岭产业集聚区",
    "玉川产业集聚区",
]


@dataclass(frozen=True)
class EnterpriseKind:
    """A kind of enterprise common in 济源, with plausible ranges for its facts."""

    label: str
    codes: tuple[str, ...]
    name_words: tuple[str, ...]
    suffix: str
    scope: str
    employees: tuple[int, int]
    revenue_wan: tuple[int, int]
    entity_type: str = "company"
    cluster: str = "none"
    weight: int = 1


KINDS = (
    EnterpriseKind(
        "白银深加工",
        ("C3253", "C3222"),
        ("银辉", "银河", "豫光", "金利", "万洋"),
        "银业有限公司",
        "贵金属压延加工；银制品、银粉、银浆的研发、生产和销售",
        (20, 900),
        (800, 200000),
        cluster="silver",
        weight=3,
    ),
    EnterpriseKind(
        "钢产品深加工",
        ("C3130", "C3311", "C3340"),
        ("济钢", "钢联", "虎岭", "宏达", "中原"),
        "钢材制品有限公司",
        "钢材压延加工；金属结构制造；钢丝绳及其制品销售",
        (15, 1500),
        (500, 300000),
        cluster="steel",
        weight=3,
    ),
    EnterpriseKind(
        "纳米材料",
        ("C3985", "C2662"),
        ("纳科", "微纳", "中科", "晶源"),
        "纳米材料有限公司",
        "纳米材料、电子专用材料的研发、生产和销售；技术开发与转让",
        (8, 300),
        (100, 30000),
        cluster="nano",
        weight=2,
    ),
    EnterpriseKind(
        "食品饮料",
        ("C1523", "C1431", "C1391"),
        ("王屋", "太行", "愚公", "沁园"),
        "食品有限公司",
        "饮料生产；焙烤食品制造；预包装食品销售",
        (6, 400),
        (80, 20000),
        cluster="food",
        weight=3,
    ),
    EnterpriseKind(
        "建筑施工",
        ("E4710", "E4790", "E4813"),
        ("济建", "豫西", "中豫", "鼎盛"),
        "建设工程有限公司",
        "房屋建筑工程施工；市政公用工程施工；建筑劳务分包",
        (10, 800),
        (300, 100000),
        weight=2,
    ),
    EnterpriseKind(
        "批发零售",
        ("F5211", "F5212", "F5124"),
        ("万家", "惠民", "和顺", "百姓"),
        "商贸有限公司",
        "日用百货、预包装食品零售；五金交电批发",
        (3, 120),
        (30, 15000),
        weight=3,
    ),
    EnterpriseKind(
        "软件和信息技术服务",
        ("I6513", "I6531"),
        ("智云", "数联", "云帆", "愚公"),
        "科技有限公司",
        "应用软件开发；信息系统集成服务；技术咨询",
        (5, 200),
        (50, 8000),
        weight=2,
    ),
    EnterpriseKind(
        "个体工商户",
        ("F5221", "H6210", "O8011"),
        ("老王", "李记", "张家", "刘姐", "大众"),
        "商行",
        "副食品零售；小吃服务；理发服务",
        (1, 8),
        (5, 300),
        entity_type="individual_business",
        weight=4,
    ),
)


def _uscc(rng: random.Random, region: str, individual: bool) -> str:
    head = ("92" if individual else "91") + region
    body = "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return validate(head + body + uscc_code.calc_check_digit(head + body + "0"))


def _money(rng: random.Random, low_wan: int, high_wan: int) -> Decimal:
    return Decimal(rng.randint(low_wan * 100, high_wan * 100)) * 100


def _maybe(rng: random.Random, value: Any, known: float = 0.9) -> Any:
    """Real registers have gaps: leave a fact unknown now and then."""
    return value if rng.random() < known else None


def enterprise(rng: random.Random, today: date) -> EnterpriseProfile:
    """One generated enterprise of a kind drawn by weight."""
    kind = rng.choices(KINDS, weights=[k.weight for k in KINDS])[0]
    individual = kind.entity_type == "individual_business"
    employees = rng.randint(*kind.employees)
    revenue = _money(rng, *kind.revenue_wan)
    registered = today - timedelta(days=rng.randint(120, 6000))
    taxable = (revenue * Decimal(rng.randint(0, 12)) / 100).quantize(Decimal("0.01"))
    code_area = JIYUAN if rng.random() < 0.95 else "410100"
    # A firm keeps its code when it moves: a few coded elsewhere are registered in 济源 now.
    area = code_area if code_area == JIYUAN or rng.random() < 0.5 else JIYUAN
    assets = (revenue * Decimal(rng.randint(40, 150)) / 100).quantize(Decimal("0.01"))
    data: dict[str, Any] = {
        "uscc": _uscc(rng, code_area, individual),
        "name": f"济源市{rng.choice(DISTRICTS) if individual else ''}"
        f"{rng.choice(kind.name_words)}{kind.suffix}",
        "entity_type": kind.entity_type,
        "registered_on": registered,
        "district": rng.choice(DISTRICTS),
        "registration_area": _maybe(rng, area),
        "in_provincial_industrial_park": _maybe(rng, kind.cluster != "none" and rng.random() < 0.7),
        "operating_status": rng.choices(["operating", "suspended", "closed"], [90, 7, 3])[0],
        "has_operated": True,
        "industry_code": rng.choice(kind.codes),
        "business_scope": kind.scope,
        "industry_cluster": kind.cluster,
        "employees": _maybe(rng, employees),
        "new_hires": _maybe(rng, rng.randint(0, max(1, employees // 4)), 0.6),
        "operating_revenue": _maybe(rng, revenue),
        "total_assets": _maybe(rng, assets),
        # Quarterly averages differ from period-end figures, and a headcount's is fractional.
        "average_employees": _maybe(
            rng, (Decimal(employees) * rng.randint(85, 105) / 100 * 4).quantize(1) / 4
        ),
        "average_total_assets": _maybe(
            rng, (assets * rng.randint(90, 100) / 100).quantize(Decimal("0.01"))
        ),
        "fiscal_year": today.year - 1,
        "annual_taxable_income": _maybe(rng, taxable, 0.8),
        "restricted_industry": False,
        "high_tech_certified": _maybe(rng, rng.random() < 0.12),
        "tech_sme_registered": _maybe(
            rng, kind.cluster in ("silver", "nano") and rng.random() < 0.5
        ),
        "rnd_expenses": _maybe(
            rng, (revenue * Decimal(rng.randint(0, 6)) / 100).quantize(Decimal("0.01")), 0.7
        ),
        "tax_credit_rating": _maybe(
            rng, rng.choices(["A", "B", "M", "C", "D"], [30, 40, 20, 7, 3])[0]
        ),
        "credit_list": rng.choices(["red", "none", "black"], [12, 85, 3])[0],
        "exporter": kind.cluster in ("silver", "steel", "nano") and rng.random() < 0.4,
        "construction_qualified": kind.codes[0].startswith("E"),
        "patents": _maybe(rng, rng.randint(0, 30) if kind.cluster != "none" else rng.randint(0, 2)),
        "bank_credit_total": _maybe(rng, _money(rng, 0, 3000), 0.7),
        "in_incubation_base": _maybe(rng, rng.random() < 0.15, 0.8),
        "founders": [{"first_time_founder": _maybe(rng, rng.random() < 0.5, 0.7)}],
    }
    if data["exporter"]:
        data["export_rebate_class"] = rng.choices([1, 2, 3, 4], [15, 45, 35, 5])[0]
    return parse_profile(data)


DEMO_USCC = "91419001MA4000000C"  # examples/demo-enterprise.json
DEMO_FOUNDER_ID_NUMBER = "419001198503120010"
"""The demo enterprise's founder: a made-up 济源 number with a valid checksum, on record (as its
hash) so that the demo's startup-subsidy claim names a founder of the enterprise."""
DEMO_ACCOUNTS = (
    ("staff", "jiyuan-staff-2020", Role.STAFF, "兑现专窗 王工", None),
    ("yinhui", "yinhui-demo-2020", Role.ENTERPRISE, "银辉新材料 财务部", DEMO_USCC),
)


def demo_example() -> EnterpriseProfile:
    """The example enterprise the demo data are built around (:data:`DEMO_ENTERPRISE`)."""
    return parse_profile_json(DEMO_ENTERPRISE.read_text("utf-8"))


def load_demo(
    session: Session, example: EnterpriseProfile, count: int = 240, seed: int = 2020
) -> int:
    """Store ``count`` generated enterprises, the example enterprise and the demo accounts.

    Does nothing if the accounts already exist; returns the number of enterprises stored.
    """
    if session.exec(select(Account)).first() is not None:
        return 0
    rng = random.Random(seed)
    repository = EnterpriseRepository(session)
    today = clock.today()
    stored = {example.uscc}
    repository.save(with_demo_founder(example), "registration", "demo")
    for _ in range(count):
        profile = enterprise(rng, today)
        if profile.uscc in stored:
            continue
        stored.add(profile.uscc)
        repository.save(profile, rng.choice(["registration", "tax", "self_declared"]), "demo")
    for username, password, role, name, uscc in DEMO_ACCOUNTS:
        create_account(session, username, password, role, name, uscc)
    _file_demo_claims(session, today)
    return len(stored)


def match_demo(engine: Engine, catalog: Catalog, today: date) -> int:
    """Match the demo enterprises under the policies in force ``today``, as an operator's first
    ``match-all`` would: the dashboard then has its eligible pairs, and a change of facts is
    followed by its notices at once. The eligible pairs found."""
    match_population(engine, catalog.in_force(today), today)
    with session_scope(engine) as session:
        return StateRepository(session).eligible_count()


def with_demo_founder(example: EnterpriseProfile) -> EnterpriseProfile:
    """The example enterprise with its founder identified by :data:`DEMO_FOUNDER_ID_NUMBER`: a
    graduate (大中专学生) founding a business for the first time, whom 开业补贴 is for."""
    founder = {"id_hash": hash_id_number(DEMO_FOUNDER_ID_NUMBER), "first_time_founder": True}
    facts = {**example.facts, "founder_target_group": "student_graduate"}
    data = {**example.model_dump(), "founders": [founder], "facts": facts}
    return parse_profile(data, default_catalog().facts)


DEMO_CLAIMS = (("startup-subsidy", {"founder_id_number": DEMO_FOUNDER_ID_NUMBER}),)
"""Claims filed today: only a policy in force today takes one (the 2020 plan's 产学研 subsidy
ended 2020-12-31)."""
DEMO_PAYEE = Payee("济源市银辉新材料有限公司", "中国工商银行济源分行", "1712000009123456789")
"""The demo enterprise's settlement account, made up."""


def _file_demo_claims(session: Session, today: date) -> None:
    """The demo enterprise's pending claims, so the window's queue is not empty."""
    publish(session, default_catalog(), today)
    staff = Principal(Role.STAFF, None, "演示数据", "system:demo")
    for policy_id, facts in DEMO_CLAIMS:
        file_claim(session, DEMO_USCC, policy_id, facts, None, staff, payee=DEMO_PAYEE)
