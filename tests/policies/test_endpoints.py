from matcher.policies.catalog import default_catalog
from tests.conftest import Api


def test_policy_list_and_detail(api: Api) -> None:
    listed = api.client.get("/api/v1/policies").json()["items"]
    assert len(listed) == len(default_catalog())
    startup = next(p for p in listed if p["id"] == "startup-subsidy")
    assert startup["document"] == "济管办〔2020〕15号" and startup["article"] == 26
    assert startup["benefit_kind_label"] == "资金补贴"
    assert startup["lead_unit"] == "人力资源和社会保障局"
    detail = api.client.get("/api/v1/policies/startup-subsidy").json()
    assert detail["version"] == startup["version"]
    assert detail["policy"]["effective"]["from"] == "2020-06-22"
    criterion = detail["policy"]["criteria"][-1]
    assert criterion["label"] == "自登记注册之日起经营满1年"
    assert criterion["clause"] == "自工商登记注册之日起正常经营1年以上"


def test_policies_in_force_on_a_date(api: Api) -> None:
    none = api.client.get("/api/v1/policies?in_force_on=2007-12-31").json()
    assert none == {"items": [], "total": 0, "limit": 100, "offset": 0}
    listed = api.client.get("/api/v1/policies?in_force_on=2020-01-01").json()["items"]
    ids = {p["id"] for p in listed}
    assert {"high-tech-income-tax-rate", "small-low-profit-income-tax"} <= ids
    assert "startup-subsidy" not in ids and "small-scale-vat-threshold" not in ids


def test_unknown_policy(api: Api) -> None:
    response = api.client.get("/api/v1/policies/nope")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "政策不存在", "details": []}
    }


def test_openapi_documents_examples(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    calculator = schema["paths"]["/api/v1/calculator"]["post"]
    assert "示例企业" in calculator["requestBody"]["content"]["application/json"]["examples"]
    assert api.client.get("/docs").status_code == 200
