"""Claims to print: technology-transfer claims filed and decided through the API on the
window's enterprises (:mod:`tests.payouts.conftest`), and the pages signed in as an
enterprise or as staff."""

import io
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from matcher.auth.service import create_account
from matcher.auth.tables import Role
from matcher.db import session_scope
from matcher.payouts.schemas import EXAMPLE_PAYEE
from tests.conftest import ENTERPRISE_USCC, Api
from tests.payouts.conftest import (  # noqa: F401
    CONTRACT,
    SECOND_USCC,
    File,
    api_catalog,
    decide,
    file_claim,
    window,
)

PASSWORD = "correct-horse-42"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_numbers = count(1)


def contract() -> dict[str, Any]:
    """:data:`CONTRACT` with a registration number of its own: a project never claimed yet."""
    return CONTRACT | {"contract_registration_number": f"JY2021{next(_numbers):06d}"}


Claims = Callable[..., int]


@pytest.fixture
def claim(file_claim: File) -> Claims:  # noqa: F811
    """File a technology-transfer claim (20% of 1,000,000: 200,000 yuan); its id."""

    def filed(uscc: str = ENTERPRISE_USCC) -> int:
        response = file_claim("tech-transfer-subsidy", contract(), uscc=uscc, payee=EXAMPLE_PAYEE)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    return filed


def decided(api: Api, claim_id: int, **body: Any) -> dict[str, Any]:
    """Staff's decision through the API, as the window takes it."""
    response = decide(api, claim_id, **body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def reversed_(api: Api, decision_id: int, reason: str = "金额核定有误") -> dict[str, Any]:
    response = api.client.post(
        f"/api/v1/decisions/{decision_id}/reversal",
        json={"reason": reason},
        headers=api.headers("staff"),
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def pdf_text(content: bytes) -> str:
    """Every page's text as a PDF reader extracts it, spaces and line breaks removed (a
    reader breaks long lines where the layout wrapped them)."""
    reader = PdfReader(io.BytesIO(content))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def fonts_of(content: bytes) -> list[dict[str, Any]]:
    """Each font of each page, resolved: base font name and its descriptor."""
    reader = PdfReader(io.BytesIO(content))
    found = []
    for page in reader.pages:
        resources: Any = page["/Resources"]  # pypdf types a resolved object as PdfObject
        for ref in resources["/Font"].values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            found.append(
                {
                    "name": str(font["/BaseFont"]),
                    "subtype": str(font["/Subtype"]),
                    "descriptor": descendant["/FontDescriptor"].get_object(),
                }
            )
    return found


def money(amount: str) -> str:
    return f"{Decimal(amount):,.2f}元"


SignedIn = Callable[[str], TestClient]


@pytest.fixture
def signed_in(window: Api) -> Iterator[SignedIn]:  # noqa: F811
    """A client of the window's app signed in to the pages as ``enterprise`` (bound to
    ENTERPRISE_USCC), ``other`` (bound to SECOND_USCC) or ``staff``."""
    with session_scope(window.engine) as session:
        create_account(session, "enterprise", PASSWORD, Role.ENTERPRISE, "企业", ENTERPRISE_USCC)
        create_account(session, "other", PASSWORD, Role.ENTERPRISE, "另一企业", SECOND_USCC)
        create_account(session, "clerk", PASSWORD, Role.STAFF, "王芳")
    clients: list[TestClient] = []

    def sign_in(username: str) -> TestClient:
        client = TestClient(window.client.app)
        clients.append(client)
        found = _CSRF.search(client.get("/login").text)
        assert found is not None
        form = {"csrf_token": found.group(1), "username": username, "password": PASSWORD}
        response = client.post("/login", data=form, follow_redirects=False)
        assert response.status_code == 303, response.text
        return client

    yield sign_in
    for client in clients:
        client.close()
