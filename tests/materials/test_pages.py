"""Materials and 补正 on the pages, on both databases: the enterprise uploads against each item
of its claim's material list and resubmits after staff ask for materials by a day; a refused
upload says why beside its item and keeps nothing; a file is served to the enterprise itself
and staff alone, anyone else getting the 404 of a file that is not there."""

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import col, select

from matcher import clock
from matcher.auth.service import Principal, create_account
from matcher.auth.tables import Role
from matcher.db import session_scope
from matcher.materials.tables import ClaimMaterial
from matcher.payouts import service
from matcher.payouts.ledger import verify_ledger
from matcher.payouts.payee import Payee
from matcher.payouts.tables import Claim, ClaimStatus
from matcher.policies.catalog import Catalog
from tests.materials.conftest import GIF, PDF, contract, material_rows, stored_files
from tests.payouts.conftest import catalog_in_force
from tests.web.conftest import DEMO, OTHER, PASSWORD, client, csrf, overrides, sign_in

__all__ = ["client", "csrf", "overrides", "sign_in"]

SignIn = Callable[[str], None]
CsrfOf = Callable[[str], str]
STAFF = Principal(Role.STAFF, None, "王芳", "account:2")
ASKED = "请补充技术合同登记证明的扫描件"
TODAY = clock.today()
FIRST_ITEM = "经技术合同登记机构登记的技术开发合同或成果、专利转让合同"
SECOND_ITEM = "技术成果交易额的付款凭证及发票"


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    """The pages' catalog with the 2020 measures still in force (claims are dated today)."""
    return catalog_in_force(tmp_path / "page-policies")


@pytest.fixture
def claim_id(client: TestClient, engine: Engine) -> int:
    """A tech-transfer claim of the demo enterprise (the ``yinhui`` account's), filed by staff."""
    with session_scope(engine) as session:
        payee = Payee("济源市银辉新材料有限公司", "中国工商银行济源分行", "6222021234567890123")
        claim = service.file_claim(
            session, DEMO.uscc, "tech-transfer-subsidy", contract(), None, STAFF, payee=payee
        )
        assert claim.id is not None
        return claim.id


def _upload(
    client: TestClient, csrf: CsrfOf, claim_id: int, content: bytes, name: str, item: int = 0
) -> Any:
    page = f"/me/claims/{claim_id}"
    return client.post(
        f"{page}/materials",
        data={"csrf_token": csrf(page), "item_index": str(item)},
        files={"file": (name, content, "application/pdf")},
        follow_redirects=False,
    )


def _material_ids(engine: Engine) -> list[int]:
    with session_scope(engine) as session:
        return list(session.exec(select(ClaimMaterial.id).order_by(col(ClaimMaterial.id))).all())


def test_the_enterprise_uploads_against_each_item(
    client: TestClient, engine: Engine, sign_in: SignIn, csrf: CsrfOf, claim_id: int
) -> None:
    sign_in("yinhui")
    page = client.get(f"/me/claims/{claim_id}").text
    assert FIRST_ITEM in page and SECOND_ITEM in page
    assert "已收 0/2 项" in page and "当前阶段" in page and "办理进度" in page
    response = _upload(client, csrf, claim_id, PDF, "技术开发合同.pdf", item=1)
    assert response.status_code == 303
    assert response.headers["location"] == f"/me/claims/{claim_id}#item-1"
    page = client.get(f"/me/claims/{claim_id}").text
    assert "技术开发合同.pdf" in page and "已收 1/2 项" in page
    assert f"上传材料</strong>：{SECOND_ITEM}：技术开发合同.pdf" in page
    assert re.search(r"<time [^>]*>\d{4}-\d\d-\d\d \d\d:\d\d</time>\s*<strong>提交申请", page)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            GIF,
            "合同.pdf",
            "只接受 PDF、OFD、JPG、PNG 文件：该文件的内容不是其中之一（不以扩展名判断）",
        ),
        (b"", "合同.pdf", "文件是空的（0 字节），请重新选择文件"),
    ],
)
def test_a_refused_upload_says_why_beside_its_item(
    client: TestClient,
    engine: Engine,
    sign_in: SignIn,
    csrf: CsrfOf,
    claim_id: int,
    materials_dir: Path,
    content: bytes,
    name: str,
    message: str,
) -> None:
    sign_in("yinhui")
    response = _upload(client, csrf, claim_id, content, name, item=1)
    assert response.status_code == 422
    html = response.text
    assert f'<p class="error" id="file-1-error" role="alert">未上传：{message}</p>' in html
    assert 'id="file-0-error"' not in html
    assert material_rows(engine) == 0
    assert stored_files(materials_dir) == []


def test_an_upload_without_the_csrf_token_keeps_nothing(
    client: TestClient, engine: Engine, sign_in: SignIn, claim_id: int, materials_dir: Path
) -> None:
    sign_in("yinhui")
    response = client.post(
        f"/me/claims/{claim_id}/materials",
        data={"csrf_token": "forged", "item_index": "0"},
        files={"file": ("合同.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 403
    assert material_rows(engine) == 0
    assert stored_files(materials_dir) == []


def test_a_file_is_served_to_the_enterprise_and_staff_alone(
    client: TestClient, engine: Engine, sign_in: SignIn, csrf: CsrfOf, claim_id: int
) -> None:
    with session_scope(engine) as session:
        create_account(session, "yuchuan", PASSWORD, Role.ENTERPRISE, "玉川食品", OTHER.uscc)
    sign_in("yinhui")
    assert _upload(client, csrf, claim_id, PDF, "技术开发合同.pdf").status_code == 303
    (material,) = _material_ids(engine)
    mine = f"/me/claims/{claim_id}/materials/{material}"
    theirs = f"/staff/claims/{claim_id}/materials/{material}"
    served = client.get(mine)
    assert served.status_code == 200 and served.content == PDF
    assert served.headers["content-type"] == "application/pdf"
    assert served.headers["content-disposition"] == (
        f'attachment; filename="material-{material}.pdf"; '
        "filename*=UTF-8''%E6%8A%80%E6%9C%AF%E5%BC%80%E5%8F%91%E5%90%88%E5%90%8C.pdf"
    )
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["cache-control"] == "private, no-store"
    missing = client.get(f"/me/claims/{claim_id}/materials/{material + 1}")
    assert missing.status_code == 404 and "材料不存在" in missing.text
    assert client.get(theirs).status_code == 404  # an enterprise on staff's address

    def refused(path: str) -> None:
        response = client.get(path)
        assert (response.status_code, response.content != PDF) == (404, True)
        assert "材料不存在" in response.text

    client.cookies.clear()  # nobody signed in
    refused(mine)
    refused(theirs)
    sign_in("yuchuan")  # another enterprise
    refused(mine)
    refused(f"/me/claims/{claim_id + 1}/materials/{material}")
    client.cookies.clear()
    sign_in("wangfang")
    assert client.get(theirs).content == PDF
    refused(mine)  # staff on the enterprise's address
    page = client.get(f"/staff/claims/{claim_id}").text
    assert f'href="{theirs}"' in page and "已收 1/2 项" in page


def test_materials_requested_then_resubmitted(
    client: TestClient, engine: Engine, sign_in: SignIn, csrf: CsrfOf, claim_id: int
) -> None:
    staff_page = f"/staff/claims/{claim_id}"
    sign_in("wangfang")
    too_far = TODAY + timedelta(days=61)
    refused = client.post(
        f"{staff_page}/decisions",
        data={
            "csrf_token": csrf(staff_page),
            "kind": "request_materials",
            "reason": ASKED,
            "respond_by": too_far.isoformat(),
        },
    )
    assert refused.status_code == 422
    assert f"补正期限至多为今天起 60 天（{TODAY + timedelta(days=60)}）" in refused.text
    respond_by = TODAY + timedelta(days=10)
    asked = client.post(
        f"{staff_page}/decisions",
        data={
            "csrf_token": csrf(staff_page),
            "kind": "request_materials",
            "reason": ASKED,
            "respond_by": respond_by.isoformat(),
        },
        follow_redirects=False,
    )
    assert asked.status_code == 303, asked.text
    client.cookies.clear()

    sign_in("yinhui")
    page = client.get(f"/me/claims/{claim_id}").text
    assert ASKED in page and f"补正期限：<strong>{respond_by}</strong> 前" in page
    assert "暂停计时" in page and "待补充材料" in page
    assert _upload(client, csrf, claim_id, PDF, "登记证明.pdf").status_code == 303
    done = client.post(
        f"/me/claims/{claim_id}/resubmission",
        data={"csrf_token": csrf(f"/me/claims/{claim_id}")},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = client.get(f"/me/claims/{claim_id}").text
    assert "补正后重新提交" in page and "兑现专窗要求补充材料" not in page
    steps = re.findall(
        r"<strong>([^<]+)</strong>", page.split('id="timeline"')[1].split("</ol>")[0]
    )
    assert steps == ["提交申请", "要求补充材料", "上传材料", "补正后重新提交"]
    again = client.post(
        f"/me/claims/{claim_id}/resubmission", data={"csrf_token": csrf(f"/me/claims/{claim_id}")}
    )
    assert again.status_code == 409 and "该申请不在待补充材料状态" in again.text
    with session_scope(engine) as session:
        claim = session.get(Claim, claim_id)
        assert claim is not None and claim.status is ClaimStatus.PENDING
        assert claim.respond_by is None and claim.restarted_on == TODAY
        report = verify_ledger(session)
        assert report.intact and report.records == 2
