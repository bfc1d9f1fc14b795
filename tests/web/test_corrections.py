"""更正企业信息 through the pages: the enterprise corrects what it declares itself, staff correct
any fact with a basis; bad input is shown beside its field and nothing is written."""

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from matcher.auth.tables import Account
from matcher.db import session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.enterprises.tables import FactRecord
from tests.web.conftest import DEMO, ENTERPRISE_USER, OTHER, STAFF_USER

SignIn = Callable[[str], None]
CsrfOf = Callable[[str], str]
MINE = "/me/facts"
STAFF = f"/staff/enterprises/{OTHER.uscc}/corrections"


def _history(engine: Engine) -> int:
    with session_scope(engine) as session:
        return int(session.execute(select(func.count()).select_from(FactRecord)).scalar_one())


def _latest(engine: Engine, uscc: str, field: str) -> FactRecord:
    with session_scope(engine) as session:
        record = EnterpriseRepository(session).provenance(uscc)[field]
        session.expunge(record)
        return record


def _field(html: str, name: str) -> str:
    found = re.search(
        rf'<div class="field[^"]*">\s*<label for="f-{name}">.*?</div>', html, re.DOTALL
    )
    assert found is not None, f"no field {name}"
    return found.group(0)


def _posted(html: str) -> dict[str, str]:
    """The form as the page fills it: every input's value, every select's selected option."""
    values = dict(re.findall(r'<input id="f-[^"]+" name="([^"]+)"[^>]*value="([^"]*)"', html))
    for name, options in re.findall(
        r'<select id="f-[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', html, re.DOTALL
    ):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        values[name] = chosen.group(1) if chosen else ""
    for name, text in re.findall(
        r'<textarea id="f-[^"]+" name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.DOTALL
    ):
        values[name] = text
    return values


def _actor(engine: Engine, username: str) -> str:
    with session_scope(engine) as session:
        account = session.execute(select(Account).where(Account.username == username)).scalar_one()
        return f"account:{account.id}"


def test_the_enterprise_sees_where_each_fact_came_from(client: TestClient, sign_in: SignIn) -> None:
    sign_in(ENTERPRISE_USER)
    assert '<a href="/me/facts">更正企业信息</a>' in client.get("/me").text
    page = client.get(MINE)
    assert page.status_code == 200
    html = page.text
    assert 'value="86"' in _field(html, "employees")
    assert 'name="registered_on"' not in html, "registration data is not the enterprise's to change"
    assert 'name="annual_taxable_income"' not in html
    assert '<th scope="col">信息来源</th>' in html
    assert "登记注册信息（" in html and "提供部门：企业自报" in html
    fixed = re.search(
        r'<section class="profile" aria-labelledby="fixed-title">.*?</section>', html, re.DOTALL
    )
    assert fixed is not None
    assert '<th scope="row">年应纳税所得额（元）</th>' in fixed.group(0)
    assert "提供部门：税务部门" in fixed.group(0)


def test_the_enterprise_corrects_its_own_facts(
    client: TestClient, engine: Engine, sign_in: SignIn, csrf: CsrfOf
) -> None:
    sign_in(ENTERPRISE_USER)
    form = _posted(client.get(MINE).text)
    form |= {"csrf_token": csrf(MINE), "employees": "90", "operating_revenue": "3900万元"}
    form["annual_taxable_income"] = "0"  # not on the form: ignored, never saved
    saved = client.post(MINE, data=form, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"] == "/me/facts?saved=true"
    actor = _actor(engine, ENTERPRISE_USER)
    employees = _latest(engine, DEMO.uscc, "employees")
    assert (employees.value, employees.source, employees.recorded_by) == (
        90,
        "self_declared",
        actor,
    )
    revenue = _latest(engine, DEMO.uscc, "operating_revenue")
    assert (revenue.value, revenue.source) == ("39000000.00", "self_declared")
    assert _latest(engine, DEMO.uscc, "annual_taxable_income").source == "registration"
    again = client.get(saved.headers["location"]).text
    assert "更正已保存" in again
    assert "企业自行申报（" in again


def test_bad_input_is_shown_beside_its_field_and_nothing_is_written(
    client: TestClient, engine: Engine, sign_in: SignIn, csrf: CsrfOf
) -> None:
    sign_in(ENTERPRISE_USER)
    before = _history(engine)
    typed = {
        "csrf_token": csrf(MINE),
        "employees": "八十六",
        "total_assets": "-1",
        "district": "玉泉",
    }
    refused = client.post(MINE, data=typed)
    assert refused.status_code == 422
    html = refused.text
    assert '<p class="error" id="f-employees-error">应为整数，如 86</p>' in _field(
        html, "employees"
    )
    assert 'value="八十六"' in _field(html, "employees")
    assert _history(engine) == before
    negative = client.post(MINE, data={**typed, "employees": "90"})
    assert negative.status_code == 422
    assert '<p class="error" id="f-total_assets-error">不能小于 0</p>' in _field(
        negative.text, "total_assets"
    )
    assert "有 1 项信息需要修改" in negative.text
    assert _history(engine) == before, "not the valid facts beside it either"


def test_staff_correct_any_fact_with_the_basis(
    client: TestClient, engine: Engine, sign_in: SignIn, csrf: CsrfOf
) -> None:
    sign_in(STAFF_USER)
    page = client.get(f"/staff/enterprises/{OTHER.uscc}").text
    assert f'<a href="{STAFF}">更正企业信息</a>' in page
    html = client.get(STAFF).text
    assert 'name="registered_on"' in html and 'name="note"' in html
    assert 'name="vat_taxpayer_type"' in html, "declared facts too"
    posted = {
        "csrf_token": csrf(STAFF),
        "registered_on": "2018-03-01",
        "vat_taxpayer_type": "small_scale",
    }
    saved = client.post(STAFF, data={**posted, "note": "凭营业执照核验"}, follow_redirects=False)
    assert saved.status_code == 303
    actor = _actor(engine, STAFF_USER)
    registered = _latest(engine, OTHER.uscc, "registered_on")
    assert (registered.value, registered.source, registered.recorded_by) == (
        "2018-03-01",
        "staff_confirmed",
        actor,
    )
    assert _latest(engine, OTHER.uscc, "facts.vat_taxpayer_type").source == "staff_confirmed"
    assert "工作人员核实（" in client.get(STAFF).text


def test_a_staff_correction_without_a_basis_writes_nothing(
    client: TestClient, engine: Engine, sign_in: SignIn, csrf: CsrfOf
) -> None:
    sign_in(STAFF_USER)
    before = _history(engine)
    refused = client.post(STAFF, data={"csrf_token": csrf(STAFF), "employees": "41", "note": " "})
    assert refused.status_code == 422
    assert '<p class="error" id="f-note-error">请填写更正依据，如“凭营业执照核验”</p>' in _field(
        refused.text, "note"
    )
    assert 'value="41"' in _field(refused.text, "employees")
    bad = client.post(
        STAFF,
        data={"csrf_token": csrf(STAFF), "registered_on": "2019-02-30", "note": "凭营业执照核验"},
    )
    assert bad.status_code == 422
    assert "日期不存在" in _field(bad.text, "registered_on")
    assert _history(engine) == before


def test_an_enterprise_may_not_open_the_staff_form(client: TestClient, sign_in: SignIn) -> None:
    sign_in(ENTERPRISE_USER)
    assert client.get(STAFF).status_code == 403
