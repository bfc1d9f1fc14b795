import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text

from matcher.enterprises.tables import FactRecord, enterprises
from matcher.policies.catalog import default_catalog
from tests.conftest import ENTERPRISE_USCC, Api

PROFILE: dict[str, Any] = {
    "uscc": ENTERPRISE_USCC,
    "name": "济源市银辉新材料有限公司",
    "entity_type": "company",
    "registered_on": "2019-09-16",
    "industry_code": "C3253",
    "employees": 86,
    "operating_revenue": "38600000.00",
    "founders": [{"id_number": "11010519491231002X", "first_time_founder": True}],
}


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(enterprises)).scalar_one())


def _create(api: Api, profile: dict[str, Any] | None = None, source: str = "registration") -> Any:
    body = {"source": source, "profile": profile or PROFILE}
    return api.client.post("/api/v1/enterprises", json=body, headers=api.headers("staff"))


def test_create_read_and_provenance(api: Api) -> None:
    created = _create(api)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["profile"]["uscc"] == ENTERPRISE_USCC
    assert body["profile"]["operating_revenue"] == "38600000.00"
    assert body["provenance"]["employees"]["source"] == "registration"
    assert body["provenance"]["employees"]["recorded_by"] == api.actor("staff")
    [founder] = body["profile"]["founders"]
    assert len(founder["id_hash"]) == 64 and founder["first_time_founder"] is True


def test_founder_id_numbers_are_never_stored_in_clear(api: Api) -> None:
    assert _create(api).status_code == 201
    with api.engine.connect() as connection:
        for table in ("founders", "fact_records", "enterprises"):
            rows = connection.execute(text(f"SELECT * FROM {table}")).all()
            assert "11010519491231002X" not in json.dumps([list(map(str, r)) for r in rows])


def test_update_records_what_changed_and_where_from(api: Api) -> None:
    assert _create(api).status_code == 201
    changed = {**PROFILE, "employees": 120}
    response = api.client.put(
        f"/api/v1/enterprises/{ENTERPRISE_USCC}",
        json={"source": "tax", "profile": changed},
        headers=api.headers("staff"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["profile"]["employees"] == 120
    assert response.json()["provenance"]["employees"]["source"] == "tax"
    assert response.json()["provenance"]["name"]["source"] == "registration"
    with api.engine.connect() as connection:
        history = connection.execute(
            select(FactRecord.value).where(FactRecord.field == "employees").order_by(FactRecord.id)
        ).scalars()
        assert list(history) == [86, 120]


def test_duplicate_create_is_a_conflict_and_changes_nothing(api: Api) -> None:
    assert _create(api).status_code == 201
    response = _create(api, {**PROFILE, "employees": 5})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_exists"
    read = api.client.get(f"/api/v1/enterprises/{ENTERPRISE_USCC}", headers=api.headers("staff"))
    assert read.json()["profile"]["employees"] == 86


@pytest.mark.parametrize(
    ("profile", "status", "code", "details"),
    [
        (
            {**PROFILE, "uscc": "91419001MA4000000D"},
            422,
            "invalid_request",
            [("profile.uscc", "统一社会信用代码 '91419001MA4000000D' 无效：校验码错误")],
        ),
        (
            {**PROFILE, "employees": -1},
            422,
            "invalid_request",
            [("profile.employees", "不能小于 0")],
        ),
        (
            {**PROFILE, "registered_on": "2999-01-01"},
            422,
            "invalid_request",
            [("profile.registered_on", "日期不能晚于今天")],
        ),
        ({**PROFILE, "colour": "red"}, 422, "invalid_request", [("profile.colour", "未知字段")]),
        (
            {**PROFILE, "employees": "86"},
            422,
            "invalid_request",
            [("profile.employees", "应为整数")],
        ),
        (
            {**PROFILE, "founders": [{"id_number": "110105194912310021"}]},
            422,
            "invalid_profile",
            [("profile.founders.0.id_number", "身份证号码无效")],
        ),
        (
            {k: v for k, v in PROFILE.items() if k != "name"},
            422,
            "invalid_profile",
            [("profile.name", "必填")],
        ),
    ],
)
def test_bad_profiles_are_refused_and_nothing_is_stored(
    api: Api, profile: dict[str, Any], status: int, code: str, details: list[tuple[str, str]]
) -> None:
    response = _create(api, profile)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert [(d["field"], d["message"]) for d in error["details"]] == details
    assert _count(api.engine) == 0


def test_malformed_json_and_oversized_bodies(api: Api) -> None:
    response = api.client.post(
        "/api/v1/enterprises",
        content=b'{"profile": ',
        headers={**api.headers("staff"), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"
    big = {"source": "registration", "profile": {**PROFILE, "business_scope": "钢" * 400_000}}
    response = api.client.post("/api/v1/enterprises", json=big, headers=api.headers("staff"))
    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": "payload_too_large",
        "message": "请求体过大（上限 1000000 字节）",
        "details": [],
    }
    assert _count(api.engine) == 0


def test_put_with_a_different_code_in_the_body(api: Api) -> None:
    assert _create(api).status_code == 201
    other = {**PROFILE, "uscc": "91110000600037341L"}
    response = api.client.put(
        f"/api/v1/enterprises/{ENTERPRISE_USCC}",
        json={"profile": other},
        headers=api.headers("staff"),
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "uscc_mismatch"


def test_list_and_search(api: Api) -> None:
    assert _create(api).status_code == 201
    found = api.client.get("/api/v1/enterprises?q=银辉", headers=api.headers("staff")).json()
    assert found["total"] == 1 and found["items"][0]["size_class"] == "small"
    none = api.client.get("/api/v1/enterprises?q=不存在", headers=api.headers("staff")).json()
    assert none == {"items": [], "total": 0, "limit": 100, "offset": 0}


def test_entitlements_of_an_enterprise_on_a_date(api: Api) -> None:
    assert _create(api).status_code == 201
    response = api.client.get(
        f"/api/v1/enterprises/{ENTERPRISE_USCC}/entitlements?as_of=2020-08-01",
        headers=api.headers("enterprise"),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2020-08-01"
    assert body["derived"]["size_class"] == "small"
    assert len(body["entitlements"]) == len(default_catalog().in_force(date(2020, 8, 1)))


CSV_HEADER = (
    "uscc,name,entity_type,registered_on,industry_code,employees,operating_revenue,exporter\n"
)


def _import(api: Api, body: str) -> Any:
    return api.client.post(
        "/api/v1/enterprises/import",
        content=body.encode("utf-8"),
        headers={**api.headers("staff"), "Content-Type": "text/csv"},
    )


def test_csv_import(api: Api) -> None:
    body = (
        CSV_HEADER
        + f"{ENTERPRISE_USCC},银辉,company,2019-09-16,C3253,86,38600000,是\n"
        + "91110000600037341L,北京某公司,company,,I6513,,,否\n"
    )
    response = _import(api, body)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "created": 2,
        "updated": 0,
        "contacts_added": 0,
        "status": "imported",
    }
    again = _import(api, body)
    assert again.json() == {
        "created": 0,
        "updated": 2,
        "contacts_added": 0,
        "status": "imported",
    }
    read = api.client.get("/api/v1/enterprises/91110000600037341L", headers=api.headers("staff"))
    assert read.json()["profile"]["employees"] is None
    assert read.json()["profile"]["exporter"] is False


def test_csv_with_bad_rows_imports_nothing(api: Api) -> None:
    body = (
        CSV_HEADER
        + f"{ENTERPRISE_USCC},银辉,company,2019-09-16,C3253,86,38600000,是\n"
        + "91110000600037341L,北京某公司,company,2019-13-01,I6513,十二,,也许\n"
        + f"{ENTERPRISE_USCC},重复,company,,,,,\n"
    )
    response = _import(api, body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_csv"
    assert error["message"] == "CSV 有 4 处错误，未导入任何数据"
    assert [(d["field"], d["message"]) for d in error["details"]] == [
        ("rows.3.registered_on", "日期不存在，请检查年、月、日"),
        ("rows.3.employees", "应为整数"),
        ("rows.3.exporter", "应为 是/否（true/false）"),
        ("rows.4.uscc", "与第 2 行的统一社会信用代码重复"),
    ]
    assert _count(api.engine) == 0


def test_csv_with_unknown_columns_is_refused(api: Api) -> None:
    response = _import(api, "uscc,name,colour\n")
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert [(d["field"], d["message"]) for d in details] == [("rows.1.colour", "未知列")]
