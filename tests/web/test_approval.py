"""Approving money on the claim page takes two steps (issue 13): 批准 shows the enterprise, the
policy, the amount in figures and in capitals and the limits; only 确认批准 writes the decision.
A decision posted without that confirmation, or with another amount than the one confirmed,
is refused and nothing is written."""

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from matcher import clock
from matcher.db import session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.payouts.tables import Claim, ClaimStatus, Decision, LedgerEntry
from matcher.policies.catalog import Catalog
from tests.payouts.conftest import CONTRACT, catalog_in_force

DEMO_USCC = "91419001MA4000000C"
NOT_CONFIRMED = (
    "批准前须核对确认：请点击“批准”，在确认页核对企业、政策和金额（含大写）后点击“确认批准”。"
)
CsrfOf = Callable[[str], str]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The pages on :func:`catalog_in_force`: the claim is dated today."""
    return catalog_in_force(tmp_path_factory.mktemp("catalog") / "policies")


@pytest.fixture
def page(client: TestClient, sign_in: Callable[[str], None], engine: Engine) -> str:
    """A claim under the technology-transfer subsidy (200,000 yuan payable), and its page."""
    with session_scope(engine) as session:
        row = EnterpriseRepository(session).row(DEMO_USCC)
        assert row is not None
        claim = Claim(
            enterprise_id=row["id"],
            uscc=DEMO_USCC,
            policy_id="tech-transfer-subsidy",
            claim_date=clock.today(),
            facts=CONTRACT,
            filed_by="test",
        )
        session.add(claim)
        session.flush()
        claim_id = claim.id
    sign_in("wangfang")
    return f"/staff/claims/{claim_id}"


def _written(engine: Engine) -> tuple[int, int, list[str]]:
    with engine.connect() as connection:
        decisions = connection.execute(select(func.count()).select_from(Decision)).scalar_one()
        entries = connection.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()
        statuses = connection.execute(select(Claim.status)).scalars().all()
    return decisions, entries, [str(s) for s in statuses]


def test_approving_shows_the_amount_in_capitals_and_the_limits_first(
    client: TestClient, page: str, engine: Engine, csrf: CsrfOf
) -> None:
    form = client.get(page).text
    assert f'action="{page}/approval"' in form and "下一步核对金额（含大写）后确认" in form
    shown = client.post(f"{page}/approval", data={"csrf_token": csrf(page), "amount": "20万元"})
    assert shown.status_code == 200
    html = shown.text
    assert "<h1>确认批准</h1>" in html
    assert "济源市银辉新材料有限公司" in html and DEMO_USCC in html
    assert "技术转移" in html or "技术合同" in html or "产学研" in html
    assert '<strong class="confirm-amount">200,000.00 元</strong>' in html
    assert '<strong class="confirm-capitals">人民币贰拾万元整</strong>' in html
    assert re.search(
        r"<th scope=\"row\">技术合同登记编号.*?<td data-label=\"上限\">300,000.00 元", html, re.S
    )
    assert 'name="amount" value="200000.00"' in html
    assert 'name="confirmed_amount" value="200000.00"' in html
    assert f'action="{page}/decisions"' in html and "确认批准</button>" in html
    assert _written(engine) == (0, 0, ["pending"]), "the confirmation page writes nothing"


@pytest.mark.parametrize(
    "confirmation",
    [{}, {"confirmed_amount": ""}, {"confirmed_amount": "100000.00"}, {"confirmed_amount": "yes"}],
    ids=["missing", "empty", "another amount", "not an amount"],
)
def test_an_approval_without_its_confirmation_is_refused(
    client: TestClient, page: str, engine: Engine, csrf: CsrfOf, confirmation: dict[str, str]
) -> None:
    response = client.post(
        f"{page}/decisions",
        data={"csrf_token": csrf(page), "kind": "approve", "amount": "200000", **confirmation},
    )
    assert response.status_code == 422
    assert NOT_CONFIRMED in response.text and "本次提交未作任何记录" in response.text
    assert _written(engine) == (0, 0, ["pending"])


def test_a_confirmed_approval_is_written_once(
    client: TestClient, page: str, engine: Engine, csrf: CsrfOf
) -> None:
    token = csrf(page)
    confirm = client.post(f"{page}/approval", data={"csrf_token": token, "amount": "200000"})
    posted = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', confirm.text))
    assert posted["kind"] == "approve" and posted["confirmed_amount"] == "200000.00"
    done = client.post(f"{page}/decisions", data=posted, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"{page}#history"
    assert _written(engine)[0] == 1 and _written(engine)[2] == [ClaimStatus.APPROVED.value]
    again = client.post(f"{page}/decisions", data=posted, follow_redirects=False)
    assert again.status_code == 409
    assert _written(engine)[0] == 1, "posted twice, written once"
    decided = client.post(f"{page}/approval", data={"csrf_token": token, "amount": "200000"})
    assert decided.status_code == 409 and "确认批准</button>" not in decided.text
    assert "该申请现在不能批准：已作出决定，或存在不能批准的原因，请查看本页。" in decided.text


def test_a_bad_amount_stays_on_the_claim_page(
    client: TestClient, page: str, engine: Engine, csrf: CsrfOf
) -> None:
    response = client.post(f"{page}/approval", data={"csrf_token": csrf(page), "amount": "五千"})
    assert response.status_code == 422
    assert "批准金额（元）应为以元为单位的数值" in response.text and "确认批准" not in response.text
    assert 'value="五千"' in response.text, "the input kept"
    assert _written(engine) == (0, 0, ["pending"])
