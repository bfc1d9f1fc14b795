"""补正 through the API, on both databases: staff ask for materials by a day, the enterprise
uploads and resubmits, the ledger records it and still verifies, and the time limit counts
afresh from the resubmission (《行政许可法》第三十二条)."""

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text

from matcher import clock
from matcher.db import session_scope
from matcher.payouts.deadlines import add_working_days
from matcher.payouts.ledger import verify_ledger
from matcher.payouts.tables import Claim, Decision, DecisionKind
from tests.conftest import Api
from tests.materials.conftest import PDF, FileOne, Upload
from tests.payouts.conftest import SECOND_USCC, decide

TODAY = clock.today()
ASKED = "请补充技术合同登记证明的扫描件"


def _resubmit(window: Api, claim_id: int, who: str | None = "enterprise") -> Any:
    return window.client.post(
        f"/api/v1/claims/{claim_id}/resubmission", headers=window.headers(who)
    )


def _claim(window: Api, claim_id: int, who: str = "staff") -> dict[str, Any]:
    response = window.client.get(f"/api/v1/claims/{claim_id}", headers=window.headers(who))
    assert response.status_code == 200, response.text
    claim: dict[str, Any] = response.json()["claim"]
    return claim


def _decisions(window: Api) -> int:
    with window.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(Decision)).scalar_one())


def test_request_upload_and_resubmit(window: Api, claim: FileOne, upload: Upload) -> None:
    claim_id = claim()
    respond_by = TODAY + timedelta(days=14)
    asked = decide(
        window, claim_id, kind="request_materials", reason=ASKED, respond_by=str(respond_by)
    )
    assert asked.status_code == 201, asked.text
    seen = _claim(window, claim_id, "enterprise")
    assert (seen["status"], seen["respond_by"]) == ("materials_requested", respond_by.isoformat())
    assert upload(claim_id, PDF, "登记证明.pdf").status_code == 201

    response = _resubmit(window, claim_id)
    assert response.status_code == 201, response.text
    record = response.json()
    assert (record["kind"], record["amount"], record["reason"]) == ("resubmit", None, None)
    assert record["decided_by"].startswith("token:")
    assert record["policy_version"] == asked.json()["policy_version"]
    seen = _claim(window, claim_id, "enterprise")
    assert (seen["status"], seen["respond_by"]) == ("pending", None)

    with session_scope(window.engine) as session:
        report = verify_ledger(session)
        request = session.get(Decision, asked.json()["id"])
        resubmission = session.get(Decision, record["id"])
        assert request is not None and resubmission is not None
        assert (resubmission.snapshot, resubmission.trace) == (request.snapshot, request.trace)
        assert resubmission.entries == [] and resubmission.reverses is None
    assert report.intact, report.problems
    assert report.records == 2
    # back in the queue: staff may decide it again
    assert decide(window, claim_id, kind="reject", reason="材料不符").status_code == 201


def test_staff_resubmit_for_the_enterprise(window: Api, claim: FileOne) -> None:
    claim_id = claim(SECOND_USCC)
    assert decide(window, claim_id, kind="request_materials", reason=ASKED).status_code == 201
    response = _resubmit(window, claim_id, "staff")
    assert response.status_code == 201, response.text
    assert response.json()["decided_by"].startswith("token:")


def test_only_the_enterprise_itself_resubmits(window: Api, claim: FileOne) -> None:
    claim_id = claim(SECOND_USCC)  # not the "enterprise" token's
    assert decide(window, claim_id, kind="request_materials", reason=ASKED).status_code == 201
    for who in ("enterprise", "other"):
        response = _resubmit(window, claim_id, who)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert _resubmit(window, claim_id, None).status_code == 401
    assert _decisions(window) == 1
    assert _claim(window, claim_id)["status"] == "materials_requested"


def test_resubmit_only_from_materials_requested(window: Api, claim: FileOne) -> None:
    claim_id = claim()
    response = _resubmit(window, claim_id)
    assert response.status_code == 409
    assert response.json()["error"] == {
        **response.json()["error"],
        "code": "not_materials_requested",
        "message": "该申请不在待补充材料状态，无需重新提交",
    }
    assert decide(window, claim_id, kind="request_materials", reason=ASKED).status_code == 201
    assert _resubmit(window, claim_id).status_code == 201
    assert _resubmit(window, claim_id).status_code == 409  # twice: the second finds it pending
    assert _decisions(window) == 2


def test_a_resubmission_is_not_a_decision_staff_take(window: Api, claim: FileOne) -> None:
    response = decide(window, claim(), kind="resubmit")
    assert response.status_code == 422
    assert _decisions(window) == 0


@pytest.mark.parametrize(
    ("kind", "days", "code", "message"),
    [
        ("request_materials", 0, "respond_by_past", f"补正期限须晚于今天（{TODAY}）"),
        ("request_materials", -3, "respond_by_past", f"补正期限须晚于今天（{TODAY}）"),
        (
            "request_materials",
            61,
            "respond_by_too_far",
            f"补正期限至多为今天起 60 天（{TODAY + timedelta(days=60)}）",
        ),
        ("reject", 10, "respond_by_unexpected", "只有要求补充材料时才能设定补正期限"),
    ],
)
def test_respond_by_is_after_today_and_within_60_days(
    window: Api, claim: FileOne, kind: str, days: int, code: str, message: str
) -> None:
    claim_id = claim()
    day = TODAY + timedelta(days=days)
    response = decide(window, claim_id, kind=kind, reason=ASKED, respond_by=str(day))
    assert response.status_code == 422, response.text
    assert (response.json()["error"]["code"], response.json()["error"]["message"]) == (
        code,
        message,
    )
    assert _decisions(window) == 0
    assert _claim(window, claim_id)["respond_by"] is None
    latest = TODAY + timedelta(days=60)
    ok = decide(window, claim_id, kind="request_materials", reason=ASKED, respond_by=str(latest))
    assert ok.status_code == 201, ok.text


def test_the_time_limit_waits_and_counts_afresh(window: Api, claim: FileOne) -> None:
    """A claim with a 20-working-day limit, already past its due date: while materials are
    requested it is not overdue; resubmitted, it is due 20 working days after today."""
    claim_id = claim()
    overdue_since = TODAY - timedelta(days=3)
    with window.engine.begin() as connection:
        connection.execute(
            text("UPDATE claims SET processing_days = 20, due_date = :due WHERE id = :id"),
            {"due": overdue_since, "id": claim_id},
        )
    assert _claim(window, claim_id)["overdue"] is True
    assert decide(window, claim_id, kind="request_materials", reason=ASKED).status_code == 201
    waiting = _claim(window, claim_id)
    assert (waiting["overdue"], waiting["due_date"]) == (False, overdue_since.isoformat())
    assert _resubmit(window, claim_id).status_code == 201
    due = add_working_days(TODAY, 20)
    afresh = _claim(window, claim_id)
    assert (afresh["due_date"], afresh["due_date_estimated"], afresh["overdue"]) == (
        due.day.isoformat(),
        due.estimated,
        False,
    )
    with session_scope(window.engine) as session:
        stored = session.get(Claim, claim_id)
        assert stored is not None and stored.restarted_on == TODAY
        assert stored.counted_from == TODAY
        assert verify_ledger(session).intact
    kinds = [
        d["kind"]
        for d in window.client.get(
            f"/api/v1/claims/{claim_id}/decisions", headers=window.headers("staff")
        ).json()["items"]
    ]
    assert kinds == [DecisionKind.REQUEST_MATERIALS, DecisionKind.RESUBMIT]
