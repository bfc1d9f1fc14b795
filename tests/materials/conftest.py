"""Claim materials on each test database: claims filed under ``tech-transfer-subsidy`` (still
in force in :func:`tests.payouts.conftest.catalog_in_force`), files kept in a temporary store."""

import io
import itertools
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from matcher.materials.tables import ClaimMaterial
from tests.conftest import ENTERPRISE_USCC, Api
from tests.payouts.conftest import CONTRACT, api_catalog, file_claim, window

__all__ = ["api_catalog", "file_claim", "window"]

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"


def zipped(*names: str) -> bytes:
    """A ZIP package holding ``names`` (OFD when one is ``OFD.xml`` at its root)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in names:
            package.writestr(name, "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
    return buffer.getvalue()


OFD = zipped("OFD.xml", "Doc_0/Document.xml")
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def materials_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the app under test keeps material files (``MATCHER_MATERIALS_DIR``)."""
    root = tmp_path / "materials"
    monkeypatch.setenv("MATCHER_MATERIALS_DIR", str(root))
    return root


def stored_files(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def material_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(ClaimMaterial)).scalar_one())


def contract() -> dict[str, Any]:
    """:data:`CONTRACT` with a registration number of its own: each claim its own project."""
    return {**CONTRACT, "contract_registration_number": f"JY2021{next(_numbers):06d}"}


def payee(uscc: str) -> dict[str, str]:
    """The enterprise's account the money would go to (every claim names one)."""
    return {
        "holder": f"测试企业{uscc[-4:]}",
        "bank": "中国工商银行济源分行",
        "account": "6222021234567890123",
    }


FileOne = Callable[..., int]


@pytest.fixture
def claim(file_claim: Any) -> FileOne:
    """``claim(uscc)`` files a tech-transfer claim through the API; its id."""

    def file(uscc: str = ENTERPRISE_USCC) -> int:
        response = file_claim("tech-transfer-subsidy", contract(), uscc=uscc, payee=payee(uscc))
        assert response.status_code == 201, response.text
        claim_id: int = response.json()["id"]
        return claim_id

    return file


Upload = Callable[..., Any]


@pytest.fixture
def upload(window: Api) -> Upload:
    """``upload(claim_id, content, name, who=, item=, declared=)`` through the API."""

    def post(
        claim_id: int,
        content: bytes,
        name: str = "合同.pdf",
        who: str = "enterprise",
        item: int | str = 0,
        declared: str = "application/pdf",
    ) -> Any:
        return window.client.post(
            f"/api/v1/claims/{claim_id}/materials",
            data={"item_index": str(item)},
            files={"file": (name, content, declared)},
            headers=window.headers(who),
        )

    return post
