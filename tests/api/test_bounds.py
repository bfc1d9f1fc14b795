"""Numbers and dates from outside stay within what the database holds and the domain knows:
a request beyond them is refused with 422 and changes nothing, on SQLite and PostgreSQL."""

from typing import Any

import pytest
from sqlalchemy import func, select

from matcher.enterprises.tables import enterprises
from matcher.payouts.tables import Claim
from tests.conftest import ENTERPRISE_USCC, OTHER_USCC, Api

PROFILE: dict[str, Any] = {"uscc": ENTERPRISE_USCC, "name": "济源市银辉新材料有限公司"}


def _rows(api: Api, table: Any) -> int:
    with api.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def _error(response: Any) -> tuple[int, str, set[tuple[str, str]]]:
    error = response.json()["error"]
    return response.status_code, error["code"], {(d["field"], d["code"]) for d in error["details"]}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("offset=100000000000000000000", "offset"),
        ("offset=2147483648", "offset"),
        ("limit=2147483648", "limit"),
    ],
)
def test_paging_beyond_the_database_is_refused(api: Api, query: str, field: str) -> None:
    response = api.client.get(f"/api/v1/enterprises?{query}", headers=api.headers("staff"))
    status, code, details = _error(response)
    assert (status, code) == (422, "invalid_request")
    assert {f for f, _ in details} == {field}


@pytest.mark.parametrize("field", ["patents", "invention_patents"])
def test_counts_beyond_a_32_bit_column_are_refused(api: Api, field: str) -> None:
    body = {"source": "registration", "profile": {**PROFILE, field: 2**31}}
    response = api.client.post("/api/v1/enterprises", json=body, headers=api.headers("staff"))
    assert _error(response) == (422, "invalid_request", {(f"profile.{field}", "less_than_equal")})
    assert _rows(api, enterprises) == 0


def test_the_largest_count_a_column_holds_is_stored(api: Api) -> None:
    body = {"source": "registration", "profile": {**PROFILE, "patents": 2**31 - 1}}
    response = api.client.post("/api/v1/enterprises", json=body, headers=api.headers("staff"))
    assert response.status_code == 201, response.text
    assert response.json()["profile"]["patents"] == 2**31 - 1


def test_record_ids_beyond_the_database_name_nothing(api: Api) -> None:
    response = api.client.get("/api/v1/claims/2147483648", headers=api.headers("staff"))
    assert _error(response) == (422, "invalid_request", {("claim_id", "less_than_equal")})


def test_csv_counts_beyond_a_32_bit_column_are_refused(api: Api) -> None:
    csv = f"uscc,name,patents\n{ENTERPRISE_USCC},甲公司,{2**31}\n"
    response = api.client.post(
        "/api/v1/enterprises/import",
        content=csv.encode(),
        headers={**api.headers("staff"), "Content-Type": "text/csv"},
    )
    status, code, details = _error(response)
    assert (status, code, details) == (422, "invalid_csv", {("rows.2.patents", "less_than_equal")})
    assert _rows(api, enterprises) == 0


@pytest.mark.parametrize(
    ("as_of", "code"),
    [
        ("0", "date_format"),
        ("20200801", "date_format"),
        ("2020-02-30", "date_nonexistent"),
        ("1949-09-30", "date_out_of_range"),
        ("2101-01-01", "date_out_of_range"),
        ("9999-12-31", "date_out_of_range"),
    ],
)
def test_query_dates_are_strict_and_in_range(api: Api, as_of: str, code: str) -> None:
    response = api.client.get(f"/api/v1/policies?in_force_on={as_of}")
    assert _error(response) == (422, "invalid_request", {("in_force_on", code)})
    url = f"/api/v1/enterprises/{ENTERPRISE_USCC}/entitlements?as_of={as_of}"
    response = api.client.get(url, headers=api.headers("staff"))
    assert _error(response) == (422, "invalid_request", {("as_of", code)})


@pytest.mark.parametrize(
    ("as_of", "code"), [(0, "date_format"), ("2101-01-01", "date_out_of_range")]
)
def test_calculator_dates_are_strict_and_in_range(api: Api, as_of: Any, code: str) -> None:
    response = api.client.post("/api/v1/calculator", json={"profile": {}, "as_of": as_of})
    assert _error(response) == (422, "invalid_request", {("as_of", code)})


def test_profile_dates_are_strict_and_in_range(api: Api) -> None:
    profile = {**PROFILE, "registered_on": 0}
    response = api.client.post(
        "/api/v1/enterprises",
        json={"source": "registration", "profile": profile},
        headers=api.headers("staff"),
    )
    assert _error(response) == (422, "invalid_request", {("profile.registered_on", "date_format")})
    profile = {**PROFILE, "registered_on": "1900-01-01"}
    response = api.client.post(
        "/api/v1/enterprises",
        json={"source": "registration", "profile": profile},
        headers=api.headers("staff"),
    )
    expected = {("profile.registered_on", "date_out_of_range")}
    assert _error(response) == (422, "invalid_request", expected)
    assert _rows(api, enterprises) == 0


@pytest.mark.parametrize(
    ("claim_date", "code"),
    [("9999-12-31", "date_out_of_range"), (0, "date_format"), ("1900-01-01", "date_out_of_range")],
)
def test_claim_dates_are_strict_and_in_range(api: Api, claim_date: Any, code: str) -> None:
    body = {"source": "registration", "profile": PROFILE}
    assert (
        api.client.post("/api/v1/enterprises", json=body, headers=api.headers("staff")).status_code
        == 201
    )
    claim = {
        "uscc": ENTERPRISE_USCC,
        "policy_id": "startup-subsidy",
        "claim_date": claim_date,
        "facts": {},
    }
    response = api.client.post("/api/v1/claims", json=claim, headers=api.headers("staff"))
    assert _error(response) == (422, "invalid_request", {("claim_date", code)})
    assert _rows(api, Claim) == 0


@pytest.mark.parametrize(
    ("csv", "row"),
    [
        (f"uscc,name\n{ENTERPRISE_USCC},{'甲' * 200_000}\n", 2),
        (f'uscc,name\n{ENTERPRISE_USCC},甲\n{OTHER_USCC},"{"乙" * 200_000}"\n', 3),
        (f"uscc,name,{'x' * 200_000}\n", 1),
    ],
    ids=["first row", "second row", "header"],
)
def test_csv_cells_over_the_field_size_limit_are_refused(api: Api, csv: str, row: int) -> None:
    response = api.client.post(
        "/api/v1/enterprises/import",
        content=csv.encode(),
        headers={**api.headers("staff"), "Content-Type": "text/csv"},
    )
    assert _error(response) == (422, "invalid_csv", {(f"rows.{row}.$", "cell_too_large")})
    assert response.json()["error"]["details"][0]["message"] == "单元格过长（最多 131072 个字符）"
    assert _rows(api, enterprises) == 0
