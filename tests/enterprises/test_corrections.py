"""Corrections of an enterprise's facts: the enterprise corrects only what it declares itself,
staff any fact with a basis; each correction joins the fact history with its provenance."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select

from matcher import clock
from matcher.auth.service import Principal
from matcher.auth.tables import Role
from matcher.db import session_scope
from matcher.enterprises.corrections import correct_facts, self_correctable
from matcher.enterprises.repository import EnterpriseRepository
from matcher.enterprises.tables import FactRecord
from matcher.errors import DomainError, NotFound
from matcher.policies.catalog import default_catalog
from matcher.profiles.authorities import PROFILE_AUTHORITIES, authority_of
from matcher.profiles.errors import FieldError, ProfileError
from matcher.profiles.model import EnterpriseProfile
from matcher.profiles.parse import parse_profile
from matcher.rules.ast import Value
from tests.conftest import Api

USCC = "91419001MA4000000C"
DECLARED = default_catalog().facts
ENTERPRISE = Principal(Role.ENTERPRISE, USCC, "银辉新材料", "account:7")
OTHER = Principal(Role.ENTERPRISE, "91110000600037341L", "乙公司", "account:8")
STAFF = Principal(Role.STAFF, None, "王芳", "account:3")
SEEDED = datetime(2020, 1, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def seeded(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The enterprise as registration data gave it, recorded a while ago."""
    profile = parse_profile(
        {
            "uscc": USCC,
            "name": "济源市银辉新材料有限公司",
            "registered_on": "2019-09-16",
            "employees": 86,
            "annual_taxable_income": "2400000.00",
            "facts": {"vat_taxpayer_type": "general"},
        },
        DECLARED,
    )
    monkeypatch.setattr(clock, "now", lambda: SEEDED)
    with session_scope(engine) as session:
        EnterpriseRepository(session).save(profile, "registration", "seed")
    monkeypatch.undo()
    return engine


def _correct(
    engine: Engine, who: Principal, changes: dict[str, Value], note: str | None = None
) -> EnterpriseProfile:
    with session_scope(engine) as session:
        return correct_facts(session, USCC, changes, who, DECLARED, note)


def _records(engine: Engine) -> list[tuple[str, object, str, str]]:
    with session_scope(engine) as session:
        rows = session.execute(select(FactRecord).order_by(FactRecord.id)).scalars()  # type: ignore[arg-type]
        return [(r.field, r.value, r.source, r.recorded_by) for r in rows]


def _count(engine: Engine) -> int:
    with session_scope(engine) as session:
        return int(session.execute(select(func.count()).select_from(FactRecord)).scalar_one())


def test_every_profile_field_names_who_supplies_it() -> None:
    assert set(PROFILE_AUTHORITIES) == set(EnterpriseProfile.model_fields) - {"facts"}
    assert authority_of("registered_on", DECLARED) == "market_regulation"
    assert authority_of("annual_taxable_income", DECLARED) == "tax"
    assert authority_of("vat_taxpayer_type", DECLARED) == "tax"
    assert self_correctable(DECLARED) == (
        "district",
        "in_provincial_industrial_park",
        "has_operated",
        "debts_settled",
        "employees",
        "operating_revenue",
        "total_assets",
        "large_enterprise_affiliated",
        "unsettled_wages_taxes",
    )


def test_the_enterprise_corrects_what_it_declares_as_self_declared(seeded: Engine) -> None:
    corrected = _correct(
        seeded,
        ENTERPRISE,
        {
            "employees": 90,
            "operating_revenue": Decimal("15000.00"),
            "large_enterprise_affiliated": False,
        },
    )
    assert corrected.employees == 90
    assert corrected.facts["large_enterprise_affiliated"] is False
    assert corrected.annual_taxable_income == Decimal("2400000.00"), "the other facts stay"
    added = _records(seeded)[-3:]
    assert added == [
        ("employees", 90, "self_declared", "account:7"),
        ("operating_revenue", "15000.00", "self_declared", "account:7"),
        ("facts.large_enterprise_affiliated", False, "self_declared", "account:7"),
    ]
    history = [r for r in _records(seeded) if r[0] == "employees"]
    assert history == [
        ("employees", 86, "registration", "seed"),
        ("employees", 90, "self_declared", "account:7"),
    ], "the history keeps what was known before"
    with session_scope(seeded) as session:
        before = EnterpriseRepository(session).profile_as_of(
            USCC, SEEDED + timedelta(seconds=1), DECLARED
        )
    assert before is not None and before.employees == 86


def test_an_authority_fact_is_refused_to_the_enterprise_and_nothing_is_written(
    seeded: Engine,
) -> None:
    before = _records(seeded)
    with pytest.raises(DomainError) as refused:
        _correct(
            seeded,
            ENTERPRISE,
            {"employees": 90, "annual_taxable_income": Decimal("0"), "vat_taxpayer_type": None},
        )
    assert refused.value.code == "authority_fact"
    assert refused.value.message == (
        "年应纳税所得额（元）、增值税纳税人类型由有关部门提供，企业不能自行更正；"
        "如有误，请联系惠企政策兑现专窗核实更正"
    )
    assert refused.value.details == [
        FieldError("annual_taxable_income", "authority_fact", "由税务部门提供，企业不能自行更正"),
        FieldError("vat_taxpayer_type", "authority_fact", "由税务部门提供，企业不能自行更正"),
    ]
    assert _records(seeded) == before, "not even the self-declared fact beside them"


def test_an_enterprise_cannot_correct_another(seeded: Engine) -> None:
    with pytest.raises(NotFound):
        _correct(seeded, OTHER, {"employees": 1})
    assert _count(seeded) == 6


def test_staff_correct_any_fact_with_a_basis(seeded: Engine) -> None:
    corrected = _correct(
        seeded,
        STAFF,
        {"registered_on": datetime(2019, 9, 18).date(), "vat_taxpayer_type": "small_scale"},
        "凭营业执照核验",
    )
    assert (
        corrected.registered_on is not None and corrected.registered_on.isoformat() == "2019-09-18"
    )
    assert _records(seeded)[-2:] == [
        ("registered_on", "2019-09-18", "staff_confirmed", "account:3"),
        ("facts.vat_taxpayer_type", "small_scale", "staff_confirmed", "account:3"),
    ]
    with session_scope(seeded) as session:
        notes = session.execute(select(FactRecord.note).order_by(FactRecord.id)).scalars()  # type: ignore[arg-type]
        assert list(notes)[-2:] == ["凭营业执照核验", "凭营业执照核验"], "the basis kept with each"


@pytest.mark.parametrize(
    ("note", "message"),
    [
        (None, "请填写更正依据，如“凭营业执照核验”"),
        ("   ", "请填写更正依据，如“凭营业执照核验”"),
        ("依据" * 101, "更正依据应为一行文字，不超过 200 字"),
    ],
)
def test_a_staff_correction_without_a_basis_is_refused(
    seeded: Engine, note: str | None, message: str
) -> None:
    with pytest.raises(DomainError) as refused:
        _correct(seeded, STAFF, {"employees": 1}, note)
    assert (refused.value.code, refused.value.message) == ("note_required", message)
    assert refused.value.details == [FieldError("note", "note_required", message)]
    assert _count(seeded) == 6


def test_the_record_key_is_not_correctable(seeded: Engine) -> None:
    with pytest.raises(DomainError) as refused:
        _correct(seeded, STAFF, {"uscc": "91110000600037341L"}, "凭营业执照核验")
    assert refused.value.code == "not_correctable"
    assert refused.value.details == [FieldError("uscc", "not_correctable", "不能在此更正")]
    assert _count(seeded) == 6


def test_a_bad_value_is_refused_by_field_and_nothing_is_written(seeded: Engine) -> None:
    with pytest.raises(ProfileError) as refused:
        _correct(seeded, ENTERPRISE, {"employees": -1, "large_enterprise_affiliated": True})
    assert [(e.field, e.message) for e in refused.value.errors] == [("employees", "不能小于 0")]
    assert _count(seeded) == 6


def test_the_api_corrects_facts_with_the_same_rules(seeded: Engine, api: Api) -> None:
    path = f"/api/v1/enterprises/{USCC}/facts"
    own = api.client.patch(
        path, json={"facts": {"employees": 91}}, headers=api.headers("enterprise")
    )
    assert own.status_code == 200, own.text
    assert own.json()["profile"]["employees"] == 91
    assert own.json()["provenance"]["employees"]["source"] == "self_declared"
    assert own.json()["provenance"]["employees"]["recorded_by"].startswith("token:")
    before = _count(seeded)
    refused = api.client.patch(
        path,
        json={"facts": {"registered_on": "2019-09-18"}},
        headers=api.headers("enterprise"),
    )
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "authority_fact"
    assert error["details"] == [
        {
            "field": "registered_on",
            "code": "authority_fact",
            "message": "由市场监管部门提供，企业不能自行更正",
        }
    ]
    other = api.client.patch(path, json={"facts": {"employees": 1}}, headers=api.headers("other"))
    assert other.status_code == 404
    unnoted = api.client.patch(
        path, json={"facts": {"registered_on": "2019-09-18"}}, headers=api.headers("staff")
    )
    assert (unnoted.status_code, unnoted.json()["error"]["code"]) == (422, "note_required")
    assert _count(seeded) == before
    staff = api.client.patch(
        path,
        json={"facts": {"registered_on": "2019-09-18"}, "note": "凭营业执照核验"},
        headers=api.headers("staff"),
    )
    assert staff.status_code == 200
    assert staff.json()["provenance"]["registered_on"]["source"] == "staff_confirmed"
