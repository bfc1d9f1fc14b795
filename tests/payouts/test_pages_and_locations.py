"""The claims queue and a claim's decisions are paged like every list; each claim and
decision the window creates is where its ``Location`` says, to whoever may see it."""

from typing import Any

from tests.conftest import ENTERPRISE_USCC, OTHER_USCC, Api
from tests.payouts.conftest import FOUNDER, SECOND_USCC, File, decide


def _get(api: Api, path: str, who: str | None = "staff", **query: Any) -> Any:
    return api.client.get(path, params=query, headers=api.headers(who))


def _file_three(file_claim: File) -> list[int]:
    ids = []
    for uscc in (ENTERPRISE_USCC, SECOND_USCC, OTHER_USCC):
        filed = file_claim("startup-subsidy", {"founder_id_number": FOUNDER}, uscc=uscc)
        assert filed.status_code == 201, filed.text
        ids.append(filed.json()["id"])
    return ids


def test_the_queue_is_paged(window: Api, file_claim: File) -> None:
    ids = _file_three(file_claim)  # none has a due date: in the order filed
    page = _get(window, "/api/v1/claims", offset=1, limit=1).json()
    assert [c["id"] for c in page["items"]] == ids[1:2]
    assert (page["total"], page["offset"], page["limit"]) == (3, 1, 1)
    rest = _get(window, "/api/v1/claims", offset=1).json()
    assert [c["id"] for c in rest["items"]] == ids[1:] and rest["total"] == 3
    own = _get(window, "/api/v1/claims", "enterprise", limit=1).json()
    assert [c["id"] for c in own["items"]] == ids[:1] and own["total"] == 1
    assert decide(window, ids[0], kind="reject", reason="材料不全").status_code == 201
    open_ = _get(window, "/api/v1/claims", open_only=True, limit=1).json()
    assert [c["id"] for c in open_["items"]] == ids[1:2] and open_["total"] == 2


def test_decisions_are_paged_and_each_is_where_location_says(window: Api, file_claim: File) -> None:
    filed = file_claim("startup-subsidy", {"founder_id_number": FOUNDER})
    claim = _get(window, filed.headers["Location"])
    assert claim.status_code == 200 and claim.json()["claim"] == filed.json()
    approved = decide(window, filed.json()["id"], kind="approve", amount="5000")
    reversal = window.client.post(
        f"/api/v1/decisions/{approved.json()['id']}/reversal",
        json={"reason": "创业者身份核实有误"},
        headers=window.headers("staff"),
    )
    assert reversal.status_code == 201, reversal.text
    for created in (approved, reversal):
        location = created.headers["Location"]
        assert location == f"http://testserver/api/v1/decisions/{created.json()['id']}"
        assert _get(window, location).json() == created.json()
    history = f"/api/v1/claims/{filed.json()['id']}/decisions"
    page = _get(window, history, offset=1, limit=1).json()
    assert page == {"items": [reversal.json()], "total": 2, "offset": 1, "limit": 1}


def test_a_decision_is_shown_to_staff_and_its_enterprise_alone(
    window: Api, file_claim: File
) -> None:
    filed = file_claim("startup-subsidy", {"founder_id_number": FOUNDER}).json()
    decision = decide(window, filed["id"], kind="reject", reason="材料不全").json()
    path = f"/api/v1/decisions/{decision['id']}"
    assert _get(window, path, "enterprise").json() == decision
    assert _get(window, path, None).status_code == 401
    other, missing = _get(window, path, "other"), _get(window, "/api/v1/decisions/999999")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
    assert other.json()["error"] == {"code": "not_found", "message": "决定不存在", "details": []}
