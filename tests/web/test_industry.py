"""Staff confirm or correct an enterprise's industry; a suggestion never decides by itself."""

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from matcher.db import session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.profiles.declared import NO_DECLARED_FACTS
from matcher.profiles.parse import parse_profile

SCOPE_ONLY = "91419001MA4000002J"  # registered with its business scope and no industry code
SignIn = Callable[[str], None]
CsrfOf = Callable[[str], str]


def _seed_scope_only(engine: Engine) -> None:
    profile = parse_profile(
        {
            "uscc": SCOPE_ONLY,
            "name": "济源市钢联钢材制品有限公司",
            "business_scope": "钢材压延加工；金属结构制造；钢丝绳及其制品销售",
            "employees": 60,
            "operating_revenue": "30000000",
        }
    )
    with session_scope(engine) as session:
        EnterpriseRepository(session).save(profile, "registration", "seed")


def _industry(engine: Engine) -> tuple[str | None, str]:
    with session_scope(engine) as session:
        repository = EnterpriseRepository(session)
        profile = repository.get(SCOPE_ONLY, NO_DECLARED_FACTS)
        assert profile is not None
        record = repository.provenance(SCOPE_ONLY).get("industry_code")
        return profile.industry_code, record.source if record else "—"


def test_staff_see_the_suggestion_and_confirm_it(
    client: TestClient, engine: Engine, sign_in: SignIn, csrf: CsrfOf
) -> None:
    _seed_scope_only(engine)
    sign_in("wangfang")
    page = client.get(f"/staff/enterprises/{SCOPE_ONLY}").text
    assert "按经营范围推断（仅供参考" in page
    assert "C 制造业（可信度" in page
    assert "请补充：国民经济行业代码（建议：C 制造业" in page
    token = csrf(f"/staff/enterprises/{SCOPE_ONLY}")
    response = client.post(
        f"/staff/enterprises/{SCOPE_ONLY}/industry",
        data={"csrf_token": token, "industry_code": "c3130"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert _industry(engine) == ("C3130", "staff_confirmed")
    confirmed = client.get(f"/staff/enterprises/{SCOPE_ONLY}").text
    assert "当前行业代码：<strong>C3130</strong>" in confirmed
    assert "按经营范围推断" not in confirmed


def test_an_invalid_code_is_refused_and_nothing_changes(
    client: TestClient, engine: Engine, sign_in: SignIn, csrf: CsrfOf
) -> None:
    _seed_scope_only(engine)
    sign_in("wangfang")
    token = csrf(f"/staff/enterprises/{SCOPE_ONLY}")
    response = client.post(
        f"/staff/enterprises/{SCOPE_ONLY}/industry",
        data={"csrf_token": token, "industry_code": "Z99"},
    )
    assert response.status_code == 422
    assert "行业代码未保存" in response.text and "格式不正确" in response.text
    assert _industry(engine) == (None, "—")


def test_without_the_csrf_token_nothing_changes(
    client: TestClient, engine: Engine, sign_in: SignIn
) -> None:
    _seed_scope_only(engine)
    sign_in("wangfang")
    response = client.post(
        f"/staff/enterprises/{SCOPE_ONLY}/industry", data={"industry_code": "C3130"}
    )
    assert response.status_code == 403
    assert _industry(engine) == (None, "—")


def test_an_enterprise_cannot_confirm_an_industry(
    client: TestClient, engine: Engine, sign_in: SignIn, csrf: CsrfOf
) -> None:
    _seed_scope_only(engine)
    sign_in("yinhui")
    token = csrf("/me")
    response = client.post(
        f"/staff/enterprises/{SCOPE_ONLY}/industry",
        data={"csrf_token": token, "industry_code": "C3130"},
    )
    assert response.status_code == 403
    assert _industry(engine) == (None, "—")


def test_calculator_pages_may_run_the_suggestion_script(client: TestClient) -> None:
    page = client.get("/calculator")
    assert '<script src="/static/industry-suggest.js" defer></script>' in page.text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert client.get("/static/industry-suggest.js").status_code == 200
