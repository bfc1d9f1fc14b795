"""Who may download which document: through the API and through the pages."""

import pytest

from tests.conftest import Api
from tests.documents.conftest import Claims, SignedIn, decided, reversed_
from tests.payouts.conftest import SECOND_USCC


def test_the_api_serves_a_claim_s_documents_to_its_enterprise_and_staff_only(
    window: Api, claim: Claims
) -> None:
    mine, theirs = claim(), claim(SECOND_USCC)
    approval = decided(window, mine, kind="approve", amount="1000")
    other_decision = decided(window, theirs, kind="reject", reason="不符合条件")
    receipt = f"/api/v1/claims/{mine}/receipt.pdf"
    letter = f"/api/v1/claims/{mine}/decisions/{approval['id']}.pdf"
    for who in ("enterprise", "staff", "admin"):
        for path in (receipt, letter):
            response = window.client.get(path, headers=window.headers(who))
            assert response.status_code == 200, (who, path)
            assert response.content.startswith(b"%PDF-")
    for path in (receipt, letter):
        refused = window.client.get(path, headers=window.headers("other"))
        assert refused.status_code == 404
        assert refused.json()["error"]["code"] == "not_found"
        assert window.client.get(path).status_code == 401
    # A decision is the claim's own: another claim's decision under this claim is not there.
    crossed = f"/api/v1/claims/{mine}/decisions/{other_decision['id']}.pdf"
    response = window.client.get(crossed, headers=window.headers("enterprise"))
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "决定书不存在"
    missing = window.client.get(
        "/api/v1/claims/999999/receipt.pdf", headers=window.headers("staff")
    )
    assert missing.status_code == 404
    too_big = window.client.get(
        "/api/v1/claims/2147483648/receipt.pdf", headers=window.headers("staff")
    )
    assert too_big.status_code == 422


def test_the_pages_serve_the_enterprise_its_own_documents(
    window: Api, claim: Claims, signed_in: SignedIn
) -> None:
    mine, theirs = claim(), claim(SECOND_USCC)
    approval = decided(window, mine, kind="approve", amount="1000")
    enterprise = signed_in("enterprise")
    for path in (
        f"/me/claims/{mine}/receipt.pdf",
        f"/me/claims/{mine}/decisions/{approval['id']}.pdf",
    ):
        response = enterprise.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["cache-control"] == "private, no-store"
        assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert enterprise.get(f"/me/claims/{theirs}/receipt.pdf").status_code == 404
    assert enterprise.get(f"/me/claims/{mine}/decisions/2147483648.pdf").status_code == 404
    assert enterprise.get(f"/staff/claims/{mine}/receipt.pdf").status_code == 403
    other = signed_in("other")
    assert other.get(f"/me/claims/{mine}/receipt.pdf").status_code == 404
    assert other.get(f"/me/claims/{mine}/decisions/{approval['id']}.pdf").status_code == 404


@pytest.mark.parametrize("kind", ["approve", "reject"])
def test_the_pages_serve_staff_any_claim_s_documents(
    window: Api, claim: Claims, signed_in: SignedIn, kind: str
) -> None:
    claim_id = claim(SECOND_USCC)
    body = {"amount": "1000"} if kind == "approve" else {"reason": "不符合条件"}
    decision = decided(window, claim_id, kind=kind, **body)
    staff = signed_in("clerk")
    for path in (
        f"/staff/claims/{claim_id}/receipt.pdf",
        f"/staff/claims/{claim_id}/decisions/{decision['id']}.pdf",
    ):
        response = staff.get(path)
        assert response.status_code == 200, path
        assert response.content.startswith(b"%PDF-")
    anonymous = window.client.get(f"/me/claims/{claim_id}/receipt.pdf", follow_redirects=False)
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["location"]


def test_the_claim_pages_link_to_the_documents(
    window: Api, claim: Claims, signed_in: SignedIn
) -> None:
    claim_id = claim()
    approval = decided(window, claim_id, kind="approve", amount="1000")
    reversal = reversed_(window, approval["id"])
    for client, base in ((signed_in("enterprise"), "/me"), (signed_in("clerk"), "/staff")):
        response = client.get(f"{base}/claims/{claim_id}")
        assert response.status_code == 200, response.text
        assert f'href="{base}/claims/{claim_id}/receipt.pdf"' in response.text
        assert f'href="{base}/claims/{claim_id}/decisions/{approval["id"]}.pdf"' in response.text
        assert f"/decisions/{reversal['id']}.pdf" not in response.text  # a reversal has none
