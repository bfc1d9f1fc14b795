from fastapi.testclient import TestClient
from sqlalchemy import Engine

from matcher.app import create_app
from matcher.config import Settings
from matcher.policies.catalog import default_catalog
from tests.conftest import Api

PROFILE = {
    "entity_type": "company",
    "registered_on": "2019-09-16",
    "operating_status": "operating",
    "industry_code": "C3253",
    "employees": 86,
    "operating_revenue": "38600000.00",
    "in_incubation_base": True,
    "founders": [{"first_time_founder": True}],
}


def test_calculator_lists_entitlements_and_stores_nothing(api: Api) -> None:
    response = api.client.post(
        "/api/v1/calculator", json={"profile": PROFILE, "as_of": "2020-08-01"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["enterprise"] == {"uscc": None, "name": None}
    found = {e["policy_id"]: e for e in body["entitlements"]}
    assert found["procurement-small-micro-reservation"]["status"] == "eligible"
    startup = found["startup-subsidy"]
    assert startup["status"] == "not_eligible"
    assert startup["eligible_from"] == "2020-09-16"
    assert {m["fact"] for m in startup["missing_facts"]} == {
        "enterprise.registration_area",
        "enterprise.founder_target_group",
    }
    listed = api.client.get("/api/v1/enterprises", headers=api.headers("staff")).json()
    assert listed["total"] == 0


def test_calculator_takes_claim_facts(api: Api) -> None:
    claim = {
        "cooperation_mode": "purchase_invention_patent",
        "counterparty_kind": "university",
        "transaction_amount": "2000000",
        "contract_date": "2020-11-05",
        "contract_registration_number": "2141-9001-000001",
    }
    body = {
        "profile": {**PROFILE, "uscc": "91419001MA4000000C", "registration_area": "419001"},
        "as_of": "2020-12-01",
        "claims": {"tech-transfer-subsidy": claim},
    }
    response = api.client.post("/api/v1/calculator", json=body)
    transfer = next(
        e for e in response.json()["entitlements"] if e["policy_id"] == "tech-transfer-subsidy"
    )
    assert transfer["status"] == "eligible"
    assert transfer["amount"] == "300000.00"


def test_calculator_refuses_bad_input_with_field_errors(api: Api) -> None:
    response = api.client.post(
        "/api/v1/calculator",
        json={"profile": {"employees": -5, "registered_on": "2999-01-01"}, "as_of": "someday"},
    )
    assert response.status_code == 422
    details = {(d["field"], d["message"]) for d in response.json()["error"]["details"]}
    assert details == {
        ("profile.employees", "不能小于 0"),
        ("profile.registered_on", "日期不能晚于今天"),
        ("as_of", "应为日期（YYYY-MM-DD）"),
    }


def test_calculator_is_rate_limited_per_client(engine: Engine) -> None:
    app = create_app(Settings(calculator_rate_limit=3), engine, default_catalog())
    with TestClient(app) as client:
        statuses = [
            client.post("/api/v1/calculator", json={"profile": {}}).status_code for _ in range(4)
        ]
        assert statuses == [200, 200, 200, 429]
        refused = client.post("/api/v1/calculator", json={"profile": {}})
        assert refused.json()["error"]["code"] == "rate_limited"
        assert client.get("/api/v1/policies").status_code == 200


def test_calculator_names_the_facts_to_ask_first(api: Api) -> None:
    empty = api.client.post("/api/v1/calculator", json={"profile": {}, "as_of": "2020-08-01"})
    assert empty.status_code == 200
    body = empty.json()
    assert set(body) == {"as_of", "enterprise", "derived", "entitlements", "ended", "ask_first"}
    assert body["ask_first"][:3] == [
        {"fact": "enterprise.industry_code", "label": "国民经济行业代码", "policies": 5},
        {
            "fact": "enterprise.registration_area",
            "label": "登记机关所在地（行政区划代码）",
            "policies": 4,
        },
        {"fact": "enterprise.operating_status", "label": "经营状态", "policies": 4},
    ]
    assert len(body["ask_first"]) == 8
    filled = api.client.post(
        "/api/v1/calculator",
        json={"profile": {**PROFILE, "registration_area": "419001"}, "as_of": "2020-08-01"},
    )
    asked = [fact["fact"] for fact in filled.json()["ask_first"]]
    assert "enterprise.industry_code" not in asked and "enterprise.registration_area" not in asked
    assert asked[0] == "enterprise.annual_taxable_income"


def test_calculator_takes_founders_without_id_numbers(api: Api) -> None:
    profile = {
        **PROFILE,
        "registration_area": "419001",
        "founders": [{"first_time_founder": True}, {"first_time_founder": False}],
        "facts": {"founder_target_group": "student_graduate"},
    }
    response = api.client.post(
        "/api/v1/calculator", json={"profile": profile, "as_of": "2020-10-01"}
    )
    startup = next(
        e for e in response.json()["entitlements"] if e["policy_id"] == "startup-subsidy"
    )
    assert startup["status"] == "eligible"
