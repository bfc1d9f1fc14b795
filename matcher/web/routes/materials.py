"""Claim materials and 补正 on the pages: the enterprise's claim page with an upload form per
item of the material list, its uploads and its resubmission; staff's downloads and
resubmission on the enterprise's behalf. A refused upload shows the claim page again with the
reason beside the item, and nothing is kept."""

import re
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session
from starlette.datastructures import UploadFile

from matcher import clock
from matcher.api.deps import CatalogDep, SessionDep
from matcher.api.errors import status_of
from matcher.api.materials import StoreDep, material_download, read_upload
from matcher.auth.service import Principal
from matcher.auth.tables import Role
from matcher.bounds import INT32_MAX
from matcher.errors import DomainError, NotFound
from matcher.materials import service
from matcher.materials.store import MaterialStore
from matcher.payouts import service as payouts
from matcher.policies.catalog import Catalog
from matcher.web.attempt import Refusal, attempt
from matcher.web.deps import CurrentPrincipal, EnterpriseUser, FormDep, StaffUser
from matcher.web.errors import PageError
from matcher.web.rendering import render
from matcher.web.routes.claims import ClaimId
from matcher.web.views.materials import load_materials
from matcher.web.views.review import load_review

router = APIRouter()


def material_id_path(material_id: int) -> int:
    """Ids are 32-bit integers in the database; any other number names no material."""
    if not 0 < material_id <= INT32_MAX:
        raise PageError(404, "未找到该材料", "材料不存在")
    return material_id


MaterialId = Annotated[int, Depends(material_id_path)]

_INDEX = re.compile(r"[0-9]{1,4}")
UPLOAD_FIELD = "file"
ITEM_FIELD = "item_index"


async def posted_file(request: Request) -> UploadFile | None:
    """The file of a posted multipart form (the form is parsed once: ``check_csrf`` has
    already read its token)."""
    value = (await request.form()).get(UPLOAD_FIELD)
    return value if isinstance(value, UploadFile) else None


PostedFile = Annotated[UploadFile | None, Depends(posted_file)]


def my_claim_page(
    request: Request,
    db: Session,
    catalog: Catalog,
    who: Principal,
    claim_id: int,
    refusal: Refusal | None = None,
    item: int | None = None,
) -> HTMLResponse:
    """The enterprise's claim page; after a refused upload, the reason beside item ``item``."""
    review = load_review(db, catalog, claim_id, who, clock.today())
    materials = load_materials(db, review, who, f"/me/claims/{claim_id}")
    return render(
        request,
        "my_claim.html",
        status=200 if refusal is None else refusal.status,
        review=review,
        materials=materials,
        upload_errors={} if refusal is None else {item: refusal.message},
    )


def _upload(
    request: Request,
    db: Session,
    store: MaterialStore,
    who: Principal,
    claim_id: int,
    posted: dict[str, str],
    upload: UploadFile | None,
) -> int | Refusal:
    """The index of the item a file was taken for, or why it was not."""
    index = posted.get(ITEM_FIELD, "")
    if not _INDEX.fullmatch(index):
        return Refusal(422, "申请材料清单中没有这一项，请刷新页面后重试")
    if upload is None or not upload.filename:
        return Refusal(422, "请选择要上传的文件")
    filename, content = read_upload(request, upload)
    done = attempt(
        db, partial(service.upload, db, store, claim_id, int(index), filename, content, who)
    )
    return done if isinstance(done, Refusal) else int(index)


@router.post("/me/claims/{claim_id}/materials", response_model=None)
def upload_my_material(
    request: Request,
    db: SessionDep,
    catalog: CatalogDep,
    store: StoreDep,
    who: EnterpriseUser,
    claim_id: ClaimId,
    posted: FormDep,
    upload: PostedFile,
) -> HTMLResponse | RedirectResponse:
    """上传 one file against one item of the claim's material list."""
    done = _upload(request, db, store, who, claim_id, posted, upload)
    if isinstance(done, Refusal):
        index = posted.get(ITEM_FIELD, "")
        item = int(index) if _INDEX.fullmatch(index) else None
        return my_claim_page(request, db, catalog, who, claim_id, done, item)
    return RedirectResponse(f"/me/claims/{claim_id}#item-{done}", status_code=303)


def _download(
    db: Session,
    store: MaterialStore,
    who: Principal | None,
    roles: tuple[Role, ...],
    claim_id: int,
    material_id: int,
) -> Response:
    """The file, to the enterprise itself on its pages and to staff on theirs; to anyone else
    (another enterprise, nobody signed in) the same 404 as a material that is not there."""
    try:
        if who is None or who.role not in roles:
            raise NotFound("材料")
        return material_download(store, service.material(db, claim_id, material_id, who))
    except DomainError as error:
        raise PageError(status_of(error), "未找到该材料", error.message) from None


@router.get("/me/claims/{claim_id}/materials/{material_id}")
def my_material(
    db: SessionDep,
    store: StoreDep,
    who: CurrentPrincipal,
    claim_id: ClaimId,
    material_id: MaterialId,
) -> Response:
    return _download(db, store, who, (Role.ENTERPRISE,), claim_id, material_id)


@router.get("/staff/claims/{claim_id}/materials/{material_id}")
def their_material(
    db: SessionDep,
    store: StoreDep,
    who: CurrentPrincipal,
    claim_id: ClaimId,
    material_id: MaterialId,
) -> Response:
    return _download(db, store, who, (Role.STAFF, Role.ADMIN), claim_id, material_id)


def _resubmit(db: Session, who: Principal, claim_id: int, back: str) -> RedirectResponse:
    done = attempt(db, partial(payouts.resubmit, db, claim_id, who))
    if isinstance(done, Refusal):
        raise PageError(done.status, "未能重新提交", done.message)
    return RedirectResponse(f"{back}/{claim_id}#materials", status_code=303)


@router.post("/me/claims/{claim_id}/resubmission")
def resubmit_my_claim(
    db: SessionDep, who: EnterpriseUser, claim_id: ClaimId, _posted: FormDep
) -> RedirectResponse:
    """重新提交 after a materials request: the claim returns to 待审核, its time limit afresh."""
    return _resubmit(db, who, claim_id, "/me/claims")


@router.post("/staff/claims/{claim_id}/resubmission")
def resubmit_their_claim(
    db: SessionDep, who: StaffUser, claim_id: ClaimId, _posted: FormDep
) -> RedirectResponse:
    """代企业重新提交 (materials received at the window)."""
    return _resubmit(db, who, claim_id, "/staff/claims")
