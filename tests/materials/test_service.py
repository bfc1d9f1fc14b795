"""Uploading claim materials through the API, on both databases: each accepted type known by
its content, each refusal with its exact error and nothing kept (no row, no file), and the
claim's material list as the policy names it."""

from pathlib import Path

import pytest

from matcher.auth.service import Principal
from matcher.auth.tables import Role
from matcher.config import Settings
from matcher.db import session_scope
from matcher.errors import DomainError
from matcher.materials import service
from matcher.materials.store import LocalDirectoryStore
from tests.conftest import ENTERPRISE_USCC, Api
from tests.materials.conftest import (
    GIF,
    JPEG,
    OFD,
    PDF,
    PNG,
    FileOne,
    Upload,
    material_rows,
    stored_files,
    zipped,
)
from tests.payouts.conftest import SECOND_USCC, decide

MAX_BYTES = Settings().material_max_bytes


def test_each_type_is_known_by_its_content_not_its_name(
    window: Api, claim: FileOne, upload: Upload, materials_dir: Path
) -> None:
    claim_id = claim()
    sent = [  # each declared as a PDF named .pdf: the content decides
        (PDF, "技术开发合同.pdf", "application/pdf"),
        (PNG, "发票.pdf", "image/png"),
        (JPEG, "付款凭证.pdf", "image/jpeg"),
        (OFD, "电子发票.pdf", "application/ofd"),
    ]
    for index, (content, name, sniffed) in enumerate(sent):
        response = upload(claim_id, content, name, item=index % 2)
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["filename"], body["content_type"], body["size"]) == (
            name,
            sniffed,
            len(content),
        )
        assert body["uploaded_by"].startswith("token:")
        assert response.headers["Location"].endswith(f"/claims/{claim_id}/materials/{body['id']}")
    listed = window.client.get(
        f"/api/v1/claims/{claim_id}/materials", headers=window.headers("staff")
    ).json()
    assert listed["total"] == 4
    assert [m["item"] for m in listed["items"]] == [
        "经技术合同登记机构登记的技术开发合同或成果、专利转让合同",
        "技术成果交易额的付款凭证及发票",
    ] * 2
    assert len(stored_files(materials_dir)) == 4
    assert material_rows(window.engine) == 4


REFUSALS = [
    pytest.param(GIF, "合同.pdf", 0, 422, "material_type", id="gif-named-pdf"),
    pytest.param(b"<html>%PDF-1.4</html>", "合同.pdf", 0, 422, "material_type", id="html"),
    pytest.param(zipped("word/document.xml"), "合同.ofd", 0, 422, "material_type", id="zip"),
    pytest.param(zipped("Doc_0/OFD.xml"), "合同.ofd", 0, 422, "material_type", id="nested-ofd"),
    pytest.param(b"", "合同.pdf", 0, 422, "material_empty", id="empty"),
    pytest.param(PDF, "../合同.pdf", 0, 422, "material_name", id="parent-path"),
    pytest.param(PDF, "scans/合同.pdf", 0, 422, "material_name", id="slash"),
    pytest.param(PDF, "合" * 201 + ".pdf", 0, 422, "material_name", id="long-name"),
    pytest.param(PDF, "合同.pdf", 2, 422, "material_item", id="no-such-item"),
]
MESSAGES = {
    "material_type": "只接受 PDF、OFD、JPG、PNG 文件：该文件的内容不是其中之一（不以扩展名判断）",
    "material_empty": "文件是空的（0 字节），请重新选择文件",
    "material_item": "申请材料清单中没有这一项，请刷新页面后重试",
    "material_too_large": "文件过大：每个文件至多 10 MB",
}


@pytest.mark.parametrize(("content", "name", "item", "status", "code"), REFUSALS)
def test_a_refused_file_leaves_nothing(
    window: Api,
    claim: FileOne,
    upload: Upload,
    materials_dir: Path,
    content: bytes,
    name: str,
    item: int,
    status: int,
    code: str,
) -> None:
    response = upload(claim(), content, name, item=item)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    if code in MESSAGES:
        assert response.json()["error"]["message"] == MESSAGES[code]
    assert material_rows(window.engine) == 0
    assert stored_files(materials_dir) == []


def test_path_names_are_refused_with_their_reason(claim: FileOne, upload: Upload) -> None:
    response = upload(claim(), PDF, "../../etc/passwd.pdf")
    assert response.json()["error"]["message"] == (
        "文件名不能含有路径（/ 或 \\），请只上传文件本身"
    )


@pytest.mark.parametrize(
    "name", ["C:\\scans\\合同.pdf", "../合同.pdf", "a/b.pdf", "..", " ", "合同\x07.pdf"]
)
def test_the_service_refuses_names_the_multipart_parser_may_pass(
    window: Api, claim: FileOne, materials_dir: Path, name: str
) -> None:
    """Whatever the client and the parser do with a name (python-multipart keeps only the last
    part of a Windows path, httpx escapes control characters), the service refuses it itself."""
    claim_id = claim()
    staff = Principal(Role.STAFF, None, "王芳", "account:1")
    store = LocalDirectoryStore(materials_dir)
    with pytest.raises(DomainError) as refused, session_scope(window.engine) as session:
        service.upload(session, store, claim_id, 0, name, PDF, staff)
    assert refused.value.code == "material_name"
    assert material_rows(window.engine) == 0
    assert stored_files(materials_dir) == []


def test_one_byte_over_the_limit_is_refused(
    window: Api, claim: FileOne, upload: Upload, materials_dir: Path
) -> None:
    claim_id = claim()
    over = PDF + b"0" * (MAX_BYTES + 1 - len(PDF))
    response = upload(claim_id, over)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == {
        **response.json()["error"],
        "code": "material_too_large",
        "message": MESSAGES["material_too_large"],
    }
    assert material_rows(window.engine) == 0
    assert stored_files(materials_dir) == []
    exactly = upload(claim_id, over[:MAX_BYTES])
    assert exactly.status_code == 201, exactly.text


def test_far_over_the_limit_is_refused_before_it_is_read(
    window: Api, claim: FileOne, upload: Upload, materials_dir: Path
) -> None:
    response = upload(claim(), PDF + b"0" * (MAX_BYTES + 100_000))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert material_rows(window.engine) == 0
    assert stored_files(materials_dir) == []


def test_a_decided_claim_takes_no_materials(
    window: Api, claim: FileOne, upload: Upload, materials_dir: Path
) -> None:
    claim_id = claim()
    assert decide(window, claim_id, kind="reject", reason="不符合").status_code == 201
    response = upload(claim_id, PDF)
    assert response.status_code == 409
    assert response.json()["error"] == {
        **response.json()["error"],
        "code": "claim_closed",
        "message": "该申请已办结，不能再上传材料",
    }
    assert material_rows(window.engine) == 0
    assert stored_files(materials_dir) == []


def test_staff_upload_for_the_enterprise(window: Api, claim: FileOne, upload: Upload) -> None:
    response = upload(claim(SECOND_USCC), PDF, who="staff")
    assert response.status_code == 201, response.text


def test_item_index_must_be_a_number(window: Api, claim: FileOne, upload: Upload) -> None:
    assert upload(claim(), PDF, item="first").status_code == 422
    assert upload(claim(), PDF, item=-1).status_code == 422
    assert material_rows(window.engine) == 0


def test_the_enterprise_sees_its_own_claim_only(
    window: Api, claim: FileOne, upload: Upload
) -> None:
    theirs = claim(SECOND_USCC)
    response = upload(theirs, PDF)  # the token's enterprise is ENTERPRISE_USCC
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert material_rows(window.engine) == 0
    mine = claim(ENTERPRISE_USCC)
    assert upload(mine, PDF).status_code == 201
