"""The window pays only what the rules allow (issue 9): each test first reproduced an
over-payment through the API, and now checks the refusal's exact code and that nothing was
written."""

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from stdnum.cn import ric

from matcher import clock
from matcher.db import session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.payouts.tables import Claim, Decision
from matcher.policies.catalog import Catalog
from matcher.profiles.parse import parse_profile
from tests.conftest import ENTERPRISE_USCC, OTHER_USCC, Api
from tests.payouts.conftest import FOUNDER, PAYEE, SECOND_USCC, enterprise


def _id_number(first_17: str) -> str:
    """A checksum-correct 居民身份证号码 beginning with ``first_17``."""
    return first_17 + ric.calc_check_digit(first_17 + "0")


JIYUAN_1985 = _id_number("41900119850312001")
"""济源's current code (419001) on a card of someone born before 济源 had that code (1997)."""
JIAOZUO_JIYUAN_1985 = _id_number("41088119850312002")
"""济源's code under 焦作 (410881, listed 1989–1997), on a card of someone born in 1985."""
NOT_A_FOUNDER_MESSAGE = "该身份证号码不是本企业登记的创业者；请先由工作人员凭材料补录"
CONTRACT_NUMBER = "JY2021000123"
CONTRACT = {
    "cooperation_mode": "joint_rnd",
    "counterparty_kind": "university",
    "transaction_amount": "1500000.00",
    "contract_date": "2021-03-01",
}


def _file(api: Api, who: str, policy_id: str, facts: dict[str, Any], **body: Any) -> Any:
    body = {"uscc": ENTERPRISE_USCC, "policy_id": policy_id, "facts": facts, "payee": PAYEE} | body
    return api.client.post("/api/v1/claims", json=body, headers=api.headers(who))


def _approve(api: Api, claim_id: int, amount: str) -> Any:
    return api.client.post(
        f"/api/v1/claims/{claim_id}/decisions",
        json={"kind": "approve", "amount": amount},
        headers=api.headers("staff"),
    )


def _count(api: Api, table: type[Any]) -> int:
    with api.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def _error(response: Any) -> Any:
    assert response.status_code == 422, response.text
    return response.json()["error"]


# 1. Once per founder: the key is derived from a founder on the enterprise's record.


def test_a_claim_may_not_bring_its_own_founder_key(window: Api) -> None:
    """Three enterprises sharing one founder each sent a made-up ``founder_id_hash`` and were
    each paid 5,000."""
    for uscc, key in ((ENTERPRISE_USCC, "张三"), (SECOND_USCC, "zhang san"), (OTHER_USCC, "x")):
        error = _error(
            _file(window, "staff", "startup-subsidy", {"founder_id_hash": key}, uscc=uscc)
        )
        assert error["code"] == "derived_fact"
        assert error["details"] == [
            {
                "field": "facts.founder_id_hash",
                "code": "derived_fact",
                "message": "founder_id_hash 由系统根据身份证号码计算，不能直接填写；"
                "请填写 founder_id_number",
            }
        ]
    assert _count(window, Claim) == 0 and _count(window, Decision) == 0


def test_a_claim_filed_with_a_made_up_key_before_the_fix_is_not_approved(window: Api) -> None:
    """Claims still in the queue from before keys were derived carry whatever text was sent."""
    today = clock.today()
    with session_scope(window.engine) as session:
        row = EnterpriseRepository(session).row(ENTERPRISE_USCC)
        assert row is not None
        claim = Claim(
            enterprise_id=row["id"],
            uscc=ENTERPRISE_USCC,
            policy_id="startup-subsidy",
            claim_date=today,
            facts={"founder_id_hash": "张三"},
            due_date=today,
            filed_by="staff",
        )
        session.add(claim)
        session.flush()
        claim_id = claim.id
    assert claim_id is not None
    shown = window.client.get(f"/api/v1/claims/{claim_id}", headers=window.headers("staff"))
    problem = "申请所列创业者不是本企业登记的创业者，不能批准；请先由工作人员凭材料补录"
    assert shown.json()["approvable"] is False and problem in shown.json()["problems"]
    error = _error(_approve(window, claim_id, "5000"))
    assert (error["code"], error["message"]) == ("not_approvable", problem)
    assert _count(window, Decision) == 0


def test_an_id_number_must_be_a_founder_on_the_record(window: Api) -> None:
    refused = _file(window, "enterprise", "startup-subsidy", {"founder_id_number": JIYUAN_1985})
    error = _error(refused)
    assert (error["code"], error["message"]) == ("not_a_founder", NOT_A_FOUNDER_MESSAGE)
    assert error["details"] == [
        {
            "field": "facts.founder_id_number",
            "code": "not_a_founder",
            "message": NOT_A_FOUNDER_MESSAGE,
        }
    ]
    assert JIYUAN_1985 not in refused.text
    assert _count(window, Claim) == 0

    # Staff record the founder, with where the fact comes from; then the claim is taken.
    profile = {
        **enterprise(ENTERPRISE_USCC),
        "founders": [
            {"id_number": FOUNDER, "first_time_founder": True},
            {"id_number": JIYUAN_1985, "first_time_founder": True},
        ],
    }
    recorded = window.client.put(
        f"/api/v1/enterprises/{ENTERPRISE_USCC}",
        json={"source": "staff_confirmed", "profile": profile},
        headers=window.headers("staff"),
    )
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["provenance"]["founders"]["source"] == "staff_confirmed"
    on_record = {f["id_hash"] for f in recorded.json()["profile"]["founders"]}
    filed = _file(window, "enterprise", "startup-subsidy", {"founder_id_number": JIYUAN_1985})
    assert filed.status_code == 201, filed.text
    assert filed.json()["facts"]["founder_id_hash"] in on_record


def test_founders_cards_carry_the_code_of_their_first_issue(window: Api) -> None:
    """济源's numbers issued before 1997 were refused: stdnum ties the area code to the birth
    year, and 419001 was 义马 until 1989 and 济源 only from 1997."""
    profile = {
        **enterprise(ENTERPRISE_USCC),
        "founders": [{"id_number": JIYUAN_1985}, {"id_number": JIAOZUO_JIYUAN_1985}],
    }
    recorded = window.client.put(
        f"/api/v1/enterprises/{ENTERPRISE_USCC}",
        json={"source": "staff_confirmed", "profile": profile},
        headers=window.headers("staff"),
    )
    assert recorded.status_code == 200, recorded.text
    for number in (JIYUAN_1985, JIAOZUO_JIYUAN_1985):
        filed = _file(window, "staff", "startup-subsidy", {"founder_id_number": number})
        assert filed.status_code == 201, filed.text


def test_unknown_area_codes_bad_dates_and_checksums_stay_refused(window: Api) -> None:
    for number in (
        _id_number("99999919850312001"),  # no such area code, ever
        _id_number("41900119850230001"),  # 30 February
        JIYUAN_1985[:-1] + ("1" if JIYUAN_1985[-1] != "1" else "2"),  # checksum
        JIYUAN_1985[:-1],  # length
    ):
        error = _error(_file(window, "staff", "startup-subsidy", {"founder_id_number": number}))
        assert error["details"] == [
            {
                "field": "facts.founder_id_number",
                "code": "invalid_id_number",
                "message": "身份证号码无效",
            }
        ]
    assert _count(window, Claim) == 0


# 2. Per-project caps: a project is its registered technology-contract number.


def test_one_contract_however_written_is_one_project(window: Api) -> None:
    """``P``, ``p``, ``P `` and `` P`` were approved as four projects, 4 x 300,000."""
    written = [
        CONTRACT_NUMBER,
        "jy2021000123",
        "JY2021000123 ",
        " JY-2021-000123",
        "ＪＹ２０２１ ０００１２３",
    ]
    claims = []
    for index, number in enumerate(written):
        uscc = (ENTERPRISE_USCC, SECOND_USCC)[index % 2]
        facts = {**CONTRACT, "contract_registration_number": number}
        filed = _file(window, "staff", "tech-transfer-subsidy", facts, uscc=uscc)
        assert filed.status_code == 201, filed.text
        assert filed.json()["facts"]["contract_registration_number"] == CONTRACT_NUMBER
        claims.append(filed.json()["id"])
    first = _approve(window, claims[0], "300000")
    assert first.status_code == 201, first.text
    for claim_id in claims[1:]:
        assert _error(_approve(window, claim_id, "300000"))["code"] == "limit_reached"
    assert _count(window, Decision) == 1


def test_a_contract_number_must_look_like_one(window: Api) -> None:
    for number in ("P", "JY/2021/000123", "合同2021000123", "J" * 33):
        facts = {**CONTRACT, "contract_registration_number": number}
        error = _error(_file(window, "staff", "tech-transfer-subsidy", facts))
        assert error["details"] == [
            {
                "field": "facts.contract_registration_number",
                "code": "invalid_registration_number",
                "message": "应为登记编号：10 至 32 位字母或数字（空格和连字符可省略）",
            }
        ]
    assert _count(window, Claim) == 0


# 3. The claim date is the day the claim is filed.


def test_an_enterprise_cannot_date_its_claim(window: Api, api_catalog: Catalog) -> None:
    """Registered ten days ago, an enterprise dated its claim a year and a day ahead and was
    approved for the subsidy of enterprises operating for a year. Now its claim is dated today,
    and refused until the year is up."""
    today = clock.today()
    with session_scope(window.engine) as session:
        young = enterprise(ENTERPRISE_USCC, registered_on=(today - timedelta(days=10)).isoformat())
        profile = parse_profile(young, api_catalog.facts)
        EnterpriseRepository(session).save(profile, "registration", "test")
    ahead = (today + timedelta(days=367)).isoformat()
    facts = {"founder_id_number": FOUNDER}
    error = _error(_file(window, "enterprise", "startup-subsidy", facts, claim_date=ahead))
    assert error["code"] == "claim_date_not_today"
    assert error["details"][0]["field"] == "claim_date"
    yesterday = (today - timedelta(days=1)).isoformat()
    late = _error(_file(window, "enterprise", "startup-subsidy", facts, claim_date=yesterday))
    assert late["code"] == "claim_date_not_today"
    for body in ({}, {"claim_date": today.isoformat()}):
        refused = _error(_file(window, "enterprise", "startup-subsidy", facts, **body))
        assert refused["code"] == "not_yet_entitled", "dated today, as it must be: too young"
        year_on = (today - timedelta(days=10)).replace(year=today.year + 1)
        assert f"可于 {year_on} 起申请" in refused["message"]
    assert _count(window, Claim) == 0


def test_staff_may_back_date_within_the_bound_and_never_forward(window: Api) -> None:
    today = clock.today()
    facts = {"founder_id_number": FOUNDER}

    def on(days_ago: int) -> Any:
        day = (today - timedelta(days=days_ago)).isoformat()
        return _file(window, "staff", "startup-subsidy", facts, claim_date=day)

    assert _error(on(-1))["code"] == "claim_date_in_future"
    assert _error(on(31))["code"] == "claim_date_too_old"
    assert _count(window, Claim) == 0
    filed = on(30)
    assert filed.status_code == 201, filed.text
    assert filed.json()["claim_date"] == (today - timedelta(days=30)).isoformat()


# 4. An enterprise sees whether its claim fits a limit, not what others used.


def test_an_enterprise_sees_only_whether_its_claim_fits(window: Api) -> None:
    facts = {
        **CONTRACT,
        "transaction_amount": "1000000.00",
        "contract_registration_number": CONTRACT_NUMBER,
    }
    mine = _file(window, "enterprise", "tech-transfer-subsidy", facts).json()

    def shown(who: str) -> Any:
        response = window.client.get(f"/api/v1/claims/{mine['id']}", headers=window.headers(who))
        assert response.status_code == 200, response.text
        return response

    label, clause = "技术合同登记编号", "每个项目最多30万元"
    assert shown("enterprise").json()["limits"] == [
        {"label": label, "clause": clause, "fits": True}
    ]
    theirs = _file(window, "staff", "tech-transfer-subsidy", facts, uscc=SECOND_USCC).json()
    assert _approve(window, theirs["id"], "200000").status_code == 201

    own = shown("enterprise")
    body = own.json()
    assert body["limits"] == [{"label": label, "clause": clause, "fits": False}]
    assert body["computed_amount"] == "200000.00"
    assert not {"payable_amount", "approvable"} & body.keys()
    for hidden in ("used_", "remaining", "bucket", '"100000.00"', "contract_registration_number="):
        assert hidden not in own.text, hidden

    [limit] = shown("staff").json()["limits"]
    assert (limit["used_amount"], limit["used_count"], limit["remaining"]) == (
        "200000.00",
        1,
        "100000.00",
    )
    assert limit["bucket"] == f"claim.contract_registration_number={CONTRACT_NUMBER}"
    assert shown("staff").json()["payable_amount"] == "100000.00"
