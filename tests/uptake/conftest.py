"""A small population in every stage of uptake, built through the real services.

Eight enterprises of 济源 (clusters and sizes mixed, each with a founder of its own), matched
by a finished population run; entitlement notices sent over three months (and some not
sent, or about claims, which do not count); claims for 开业补贴 filed, decided, sent back for
materials, reversed, over the same months, with the window's clock set back to each day;
claims for 简易注销 (a time limit of 3 working days), one rejected and one left overdue.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine
from stdnum.cn import ric

from matcher import clock
from matcher.auth.service import Principal
from matcher.auth.tables import Role
from matcher.db import session_scope
from matcher.demo import DEMO_PAYEE
from matcher.enterprises.founders import hash_id_number
from matcher.enterprises.repository import EnterpriseRepository
from matcher.notices.tables import Channel, ClaimNoticeKind, NoticeKind, NoticeStatus, OutboxNotice
from matcher.payouts import service
from matcher.payouts.tables import DecisionKind
from matcher.policies.catalog import Catalog, load_catalog
from matcher.policies.versions import publish_catalog
from matcher.population.service import match_population
from matcher.profiles.parse import parse_profile
from tests.payouts.conftest import any_policy_claimable, catalog_in_force, enterprise
from tests.population.factories import uscc

TODAY = clock.today()
YEAR = TODAY.year
STARTUP, DEREGISTRATION = "startup-subsidy", "market-entity-simplified-deregistration"
LOAN = "startup-guarantee-loan"
STAFF = Principal(Role.STAFF, None, "王芳", "account:1")
CLUSTERS = ["steel", "silver", "nano", "food", "none", None, "steel", "silver"]
EMPLOYEES = [5, 20, 120, 400, 8, 60, 250, 15]
SMALL_LOW_PROFIT = {
    "fiscal_year": YEAR - 1,
    "annual_taxable_income": 2400000,
    "average_employees": 86,
    "average_total_assets": 42000000,
    "restricted_industry": False,
}
"""An annual filing that makes a 小型微利企业 of the first steel and silver enterprises (0 and
1): a tax relief policy beside 开业补贴's cash in their groups."""


def founder_id(n: int) -> str:
    """A valid resident ID number of its own for founder ``n``."""
    body = f"41088119850312{n:03d}"
    return body + ric.calc_check_digit(body + "X")


@dataclass(frozen=True)
class Population:
    engine: Engine
    catalog: Catalog
    usccs: list[str]


@pytest.fixture
def uptake_catalog(tmp_path: Path) -> Catalog:
    """The catalog with the 2020 plan's measures in force, budgets for 开业补贴 (100,000 yuan
    in all and 12,000 this year) and an amount for 创业担保贷款 (its 3,000,000 yuan ceiling:
    neither cash nor tax relief, so in no sum of either). Test figures, not policy."""
    root = tmp_path / "policies"
    catalog_in_force(root)
    budgets = (
        "  budget: 100000\n"
        f"  budgets:\n    - {{year: {YEAR}, amount: 12000, source: 测试预算文件}}\n"
    )
    for policy_id, extra in ((STARTUP, budgets), (LOAN, '  amount: "3000000"\n')):
        path = root / "jiyuan-2020" / f"{policy_id}.yaml"
        text = path.read_text("utf-8")
        assert text.count("benefit:\n") == 1
        path.write_text(text.replace("benefit:\n", "benefit:\n" + extra), "utf-8")
    return load_catalog(root)


@contextmanager
def on_day(monkeypatch: pytest.MonkeyPatch, days_ago: int, hour: int = 10) -> Iterator[datetime]:
    """The window's clock set to ``hour`` o'clock in China ``days_ago`` days before today."""
    day = TODAY - timedelta(days=days_ago)
    moment = datetime.combine(day, time(hour), clock.CHINA).astimezone(UTC)
    with monkeypatch.context() as patched:
        patched.setattr(clock, "now", lambda: moment)
        patched.setattr(clock, "today", lambda: day)
        yield moment


def _notice(
    enterprise_id: int, policy_id: str, sent: datetime | None, **fields: object
) -> OutboxNotice:
    status = NoticeStatus.SENT if sent is not None else NoticeStatus.PENDING
    channel = fields.pop("channel", Channel.IN_APP)
    kind = fields.pop("kind", NoticeKind.INITIAL)
    key = f"{enterprise_id}:{policy_id}:{kind}:{channel}:{sent}"
    return OutboxNotice(
        enterprise_id=enterprise_id,
        policy_id=policy_id,
        policy_version="v",
        kind=kind,
        channel=channel,
        idempotency_key=key,
        status=status,
        sent_at=sent,
        **fields,  # type: ignore[arg-type]
    )


@pytest.fixture
def population(
    engine: Engine, uptake_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> Population:
    catalog, usccs = uptake_catalog, [uscc("419001", n) for n in range(len(CLUSTERS))]
    with on_day(monkeypatch, 400), session_scope(engine) as session:
        repository = EnterpriseRepository(session)
        for n, code in enumerate(usccs):
            facts = enterprise(
                code,
                registration_area="419001",
                industry_code="C3130",
                employees=EMPLOYEES[n],
                operating_revenue=str(EMPLOYEES[n] * 300000),
                industry_cluster=CLUSTERS[n],
                founders=[{"id_hash": hash_id_number(founder_id(n)), "first_time_founder": True}],
                **(SMALL_LOW_PROFIT if n < 2 else {}),
            )
            repository.save(parse_profile(facts, catalog.facts), "registration", "test")
    publish_catalog(engine, catalog)
    match_population(engine, catalog.in_force(TODAY), TODAY)
    with session_scope(engine) as session:
        ids = [EnterpriseRepository(session).row(code)["id"] for code in usccs]  # type: ignore[index]
    _send_notices(engine, ids)
    _claim_and_decide(engine, usccs, monkeypatch)
    return Population(engine, catalog, usccs)


def _sent(days_ago: int, hour: int = 10) -> datetime:
    day = TODAY - timedelta(days=days_ago)
    return datetime.combine(day, time(hour), clock.CHINA).astimezone(UTC)


def _send_notices(engine: Engine, ids: list[int]) -> None:
    with session_scope(engine) as session:
        session.add_all(
            [
                _notice(ids[0], STARTUP, _sent(90)),
                _notice(ids[1], STARTUP, _sent(45)),
                _notice(ids[1], STARTUP, _sent(44), channel=Channel.SMS, address="+8613800000001"),
                _notice(
                    ids[2], STARTUP, _sent(35, hour=1)
                ),  # 1 a.m. in China: the day before in UTC
                _notice(ids[3], STARTUP, _sent(31)),
                _notice(ids[4], STARTUP, _sent(20)),
                _notice(ids[5], STARTUP, _sent(60)),
                _notice(ids[6], STARTUP, None),  # not sent yet: not notified
                _notice(ids[7], STARTUP, _sent(3), kind=NoticeKind.ENTITLED),
                _notice(ids[2], STARTUP, _sent(5), kind=ClaimNoticeKind.RECEIVED),
                _notice(ids[0], LOAN, _sent(50)),
            ]
        )


def _claim_and_decide(engine: Engine, usccs: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def file(n: int, days_ago: int, policy_id: str = STARTUP) -> int:
        facts = {"founder_id_number": founder_id(n)} if policy_id == STARTUP else {}
        with (
            on_day(monkeypatch, days_ago),
            session_scope(engine) as session,
            any_policy_claimable(),
        ):
            claim = service.file_claim(
                session, usccs[n], policy_id, facts, None, STAFF, payee=DEMO_PAYEE
            )
            assert claim.id is not None
            return claim.id

    def decide(claim_id: int, days_ago: int, kind: DecisionKind, amount: str | None = None) -> int:
        with on_day(monkeypatch, days_ago, hour=15), session_scope(engine) as session:
            reason = None if kind is DecisionKind.APPROVE else "测试"
            money = None if amount is None else Decimal(amount)
            decision = service.decide(session, claim_id, kind, STAFF, money, reason)
            assert decision.id is not None
            return decision.id

    first = file(0, 80)
    decide(first, 70, DecisionKind.APPROVE, "5000")
    second = file(1, 40)
    decide(second, 38, DecisionKind.REQUEST_MATERIALS)
    with on_day(monkeypatch, 30), session_scope(engine) as session:
        service.resubmit(session, second, STAFF)
    decide(second, 20, DecisionKind.APPROVE, "4000")
    third = file(2, 20)
    decide(third, 10, DecisionKind.REJECT)
    fourth = file(3, 15)
    approval = decide(fourth, 12, DecisionKind.APPROVE, "3000")
    with on_day(monkeypatch, 5), session_scope(engine) as session:
        service.reverse(session, approval, "测试冲正", STAFF)
    file(4, 2)
    late = file(6, 20, DEREGISTRATION)
    assert late
    rejected = file(7, 10, DEREGISTRATION)
    decide(rejected, 4, DecisionKind.REJECT)
