"""Routes for enterprises: thin, the work is in :mod:`matcher.enterprises.service`."""

from functools import partial
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Body, Query, Request, Response, status

from matcher import clock
from matcher.api.deps import (
    BearerToken,
    CatalogDep,
    CurrentPrincipal,
    SessionDep,
    StaffPrincipal,
    UsccPath,
    get_answers,
    get_catalog,
    get_reads,
    invalid_token,
)
from matcher.api.errors import ApiError, documented
from matcher.api.paging import Page, Paging
from matcher.api.responses import CREATED, TAGGED, IfNoneMatch, entitlement_response, locate
from matcher.bounds import Day
from matcher.eligibility.evaluate import evaluate
from matcher.eligibility.results import EntitlementList
from matcher.enterprises import service
from matcher.enterprises.corrections import correct_facts
from matcher.enterprises.csv_import import CsvRejected
from matcher.enterprises.repository import EnterpriseRepository, profile_of
from matcher.enterprises.schemas import (
    EnterprisePublic,
    EnterpriseSummary,
    EnterpriseWrite,
    FactCorrection,
    ImportResult,
)
from matcher.enterprises.tables import FactSource
from matcher.enterprises.viewing import read_viewing
from matcher.errors import NotFound
from matcher.notices.contacts import Actor, import_contacts
from matcher.notices.tables import ContactOrigin
from matcher.profiles.errors import FieldError
from matcher.reads import READING_THREAD
from matcher.text import Line

router = APIRouter(prefix="/enterprises", tags=["enterprises"])

EXAMPLE = {
    "source": "registration",
    "profile": {
        "uscc": "91419001MA4000000C",
        "name": "济源市银辉新材料有限公司",
        "entity_type": "company",
        "registered_on": "2019-09-16",
        "industry_code": "C3253",
        "employees": 86,
        "operating_revenue": "38600000.00",
        "founders": [{"id_number": "11010519491231002X", "first_time_founder": True}],
    },
}


@router.get(
    "",
    response_model=Page[EnterpriseSummary],
    summary="查询企业列表（工作人员）",
    responses=documented(401, 403, 422),
)
def list_enterprises(
    session: SessionDep,
    _staff: StaffPrincipal,
    page: Paging,
    q: Annotated[Line | None, Query(max_length=100, description="按名称或代码查找")] = None,
) -> Page[EnterpriseSummary]:
    rows, total = EnterpriseRepository(session).search(q, page.offset, page.limit)
    return page.of([EnterpriseSummary.model_validate(dict(row)) for row in rows], total)


WRITE_EXAMPLES = Body(openapi_examples={"企业": {"value": EXAMPLE}})


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=EnterprisePublic,
    summary="新建企业（工作人员）",
    responses={**CREATED, **documented(400, 401, 403, 409, 413, 422, 503)},
)
def create_enterprise(
    session: SessionDep,
    catalog: CatalogDep,
    staff: StaffPrincipal,
    write: Annotated[EnterpriseWrite, WRITE_EXAMPLES],
    request: Request,
    response: Response,
) -> EnterprisePublic:
    profile = service.create(session, write, staff, catalog.facts)
    assert profile.uscc is not None
    locate(request, response, "read_enterprise", uscc=profile.uscc)
    return service.read(session, profile.uscc, staff, catalog.facts)


@router.put(
    "/{uscc}",
    response_model=EnterprisePublic,
    summary="更新企业信息（工作人员）",
    responses=documented(400, 401, 403, 404, 413, 422, 503),
)
def replace_enterprise(
    session: SessionDep,
    catalog: CatalogDep,
    staff: StaffPrincipal,
    uscc: UsccPath,
    write: Annotated[EnterpriseWrite, WRITE_EXAMPLES],
) -> EnterprisePublic:
    service.replace(session, uscc, write, staff, catalog.facts)
    return service.read(session, uscc, staff, catalog.facts)


@router.patch(
    "/{uscc}/facts",
    response_model=EnterprisePublic,
    summary="更正企业信息（企业更正自行申报的信息；工作人员更正任何信息，须注明依据）",
    responses=documented(400, 401, 404, 413, 422, 503),
)
def correct_enterprise_facts(
    session: SessionDep,
    catalog: CatalogDep,
    who: CurrentPrincipal,
    uscc: UsccPath,
    correction: FactCorrection,
) -> EnterprisePublic:
    correct_facts(session, uscc, correction.facts, who, catalog.facts, correction.note)
    return service.read(session, uscc, who, catalog.facts)


@router.get(
    "/{uscc}",
    response_model=EnterprisePublic,
    summary="企业信息及数据来源",
    responses=documented(401, 404, 422),
)
def read_enterprise(
    session: SessionDep, catalog: CatalogDep, viewer: CurrentPrincipal, uscc: UsccPath
) -> EnterprisePublic:
    return service.read(session, uscc, viewer, catalog.facts)


@router.get(
    "/{uscc}/entitlements",
    response_model=EntitlementList,
    summary="企业在某日可享受的政策",
    responses={**TAGGED, **documented(401, 404, 422)},
)
async def enterprise_entitlements(
    request: Request,
    token: BearerToken,
    uscc: UsccPath,
    as_of: Annotated[Day | None, Query(description="评估日期，默认今天")] = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    # The hot path of the API, kept short: one query, awaited on the event loop
    # (matcher.reads), reads the token, the enterprise and its founders; the list is
    # evaluated, in the reading thread, only when none is kept for this version of the
    # enterprise's facts, date and catalog.
    viewing = await read_viewing(get_reads(request), token, uscc)
    if viewing.principal is None:
        raise invalid_token()
    enterprise = viewing.enterprise
    if enterprise is None or not viewing.principal.may_see(uscc):
        raise NotFound("企业")
    catalog, day = get_catalog(request), as_of or clock.today()
    key = (enterprise["id"], enterprise["version"], day)
    answers = get_answers(request)
    answer = answers.kept(*key)
    if answer is None:
        evaluated = partial(evaluate, profile_of(enterprise, viewing.founders, catalog.facts))
        answer = await to_thread.run_sync(
            answers.answer, *key, partial(evaluated, day, catalog), limiter=READING_THREAD
        )
    return entitlement_response(answer, if_none_match)


CSV_SCHEMA = {
    "type": "string",
    "examples": ["uscc,name,employees\n91419001MA4000000C,济源市银辉新材料有限公司,86\n"],
}


@router.post(
    "/import",
    response_model=ImportResult,
    summary="从 CSV 批量导入（工作人员）",
    description=(
        "表头为画像字段名或政策目录声明的信息名（至少 uscc、name）；可选 contact_mobile、"
        "contact_email 列（多个地址以分号分隔），登记为待确认的通知联系方式。"
        "任一行有误则整体拒绝，逐行列出错误。"
    ),
    openapi_extra={"requestBody": {"content": {"text/csv": {"schema": CSV_SCHEMA}}}},
    responses=documented(400, 401, 403, 413, 422, 503),
)
def import_enterprises(
    session: SessionDep,
    catalog: CatalogDep,
    staff: StaffPrincipal,
    body: Annotated[bytes, Body(media_type="text/csv")],
    source: Annotated[FactSource, Query()] = "registration",
) -> ImportResult:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_encoding", "CSV 须为 UTF-8 编码") from None
    try:
        result, contacts = service.import_csv(session, text, source, staff, catalog.facts)
    except CsvRejected as rejected:
        details = [
            FieldError(f"rows.{row}.{e.field}", e.code, e.message) for row, e in rejected.errors
        ]
        raise ApiError(
            422, "invalid_csv", f"CSV 有 {len(details)} 处错误，未导入任何数据", details
        ) from None
    added = import_contacts(session, contacts, Actor(staff.actor_id, ContactOrigin.IMPORT))
    return result.model_copy(update={"contacts_added": added})
