"""Routes of claim materials and 补正: upload against the policy's material list, list,
download, and resubmit after a materials request. The work is in :mod:`matcher.materials.service`
and :func:`matcher.payouts.service.resubmit`."""

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response, UploadFile, status

from matcher.api.deps import CurrentPrincipal, RecordId, SessionDep
from matcher.api.errors import documented
from matcher.api.materials import StoreDep, material_download, read_upload
from matcher.api.paging import Page, Paging
from matcher.api.responses import CREATED, locate
from matcher.bounds import INT32_MAX
from matcher.materials import service
from matcher.materials.schemas import MaterialPublic
from matcher.payouts import service as payouts
from matcher.payouts.schemas import DecisionPublic

router = APIRouter(tags=["policy window"])

UPLOADED = {
    "contract": {
        "summary": "材料清单第 1 项：技术合同（PDF）",
        "value": {"item_index": 0, "file": "<技术开发合同.pdf 的内容>"},
    }
}


@router.post(
    "/claims/{claim_id}/materials",
    status_code=status.HTTP_201_CREATED,
    response_model=MaterialPublic,
    summary="上传申请材料（企业本身或工作人员；仅待审核、待补充材料的申请）",
    description="multipart/form-data：`item_index` 为政策申请材料清单中的序号（从 0 起），"
    "`file` 为文件。按内容识别类型，只接受 PDF、OFD、JPG、PNG；大小上限见 "
    "MATCHER_MATERIAL_MAX_BYTES。",
    responses={**CREATED, **documented(400, 401, 404, 409, 413, 422, 503)},
    openapi_extra={"requestBody": {"content": {"multipart/form-data": {"examples": UPLOADED}}}},
)
def upload_material(
    session: SessionDep,
    store: StoreDep,
    who: CurrentPrincipal,
    claim_id: RecordId,
    item_index: Annotated[int, Form(ge=0, le=INT32_MAX)],
    file: UploadFile,
    request: Request,
    response: Response,
) -> MaterialPublic:
    filename, content = read_upload(request, file)
    material = service.upload(session, store, claim_id, item_index, filename, content, who)
    assert material.id is not None
    locate(request, response, "download_material", claim_id=claim_id, material_id=material.id)
    return MaterialPublic.of(material)


@router.get(
    "/claims/{claim_id}/materials",
    response_model=Page[MaterialPublic],
    summary="申请的材料（按上传顺序）",
    responses=documented(401, 404, 422),
)
def list_materials(
    session: SessionDep, who: CurrentPrincipal, claim_id: RecordId, page: Paging
) -> Page[MaterialPublic]:
    materials = service.materials_of(session, claim_id, who)
    return page.cut([MaterialPublic.of(m) for m in materials])


@router.get(
    "/claims/{claim_id}/materials/{material_id}",
    summary="下载一份材料",
    response_class=Response,
    responses={
        200: {"description": "文件（附件）", "content": {"application/octet-stream": {}}},
        **documented(401, 404, 422),
    },
)
def download_material(
    session: SessionDep,
    store: StoreDep,
    who: CurrentPrincipal,
    claim_id: RecordId,
    material_id: RecordId,
) -> Response:
    return material_download(store, service.material(session, claim_id, material_id, who))


@router.post(
    "/claims/{claim_id}/resubmission",
    status_code=status.HTTP_201_CREATED,
    response_model=DecisionPublic,
    summary="补正后重新提交（企业本身或工作人员；仅待补充材料的申请）",
    description="写入账本一条“补正后重新提交”记录，申请回到待审核，办理期限自当日起重新计算。",
    responses={**CREATED, **documented(401, 404, 409, 422, 503)},
)
def resubmit(
    session: SessionDep,
    who: CurrentPrincipal,
    claim_id: RecordId,
    request: Request,
    response: Response,
) -> DecisionPublic:
    decision = payouts.resubmit(session, claim_id, who)
    assert decision.id is not None
    locate(request, response, "read_decision", decision_id=decision.id)
    return DecisionPublic.of(decision)
