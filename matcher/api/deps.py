"""Dependencies, as type aliases so that route signatures read like prose."""

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session

from matcher.api.errors import ApiError
from matcher.auth.service import Principal, authenticate_token
from matcher.auth.tables import Role
from matcher.bounds import INT32_MAX
from matcher.db import session_scope
from matcher.eligibility.answers import AnswerCache
from matcher.notices.follow import follow
from matcher.notices.settings import NoticeSettings, notice_settings
from matcher.policies.catalog import Catalog
from matcher.reads import Reads
from matcher.text import Line


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_reads(request: Request) -> Reads:
    """The hot path's single-statement reads, awaited (:mod:`matcher.reads`)."""
    reads: Reads = request.app.state.reads
    return reads


def get_session(request: Request) -> Iterator[Session]:
    """One request, one transaction: commit when the route returns, roll back when it raises."""
    with session_scope(get_engine(request)) as session:
        follow(session, get_catalog(request))
        yield session


def get_catalog(request: Request) -> Catalog:
    catalog: Catalog = request.app.state.catalog
    return catalog


RecordId = Annotated[int, Path(ge=1, le=INT32_MAX, description="记录编号")]
"""Ids are 32-bit integers in the database; anything else names no record."""
UsccPath = Annotated[Line, Path(max_length=100, description="统一社会信用代码")]
PolicyIdPath = Annotated[Line, Path(max_length=100, description="政策 id")]

SessionDep = Annotated[Session, Depends(get_session, scope="function")]
"""Committed before the response is sent (``scope="function"``), so a client that is told
something was saved can rely on it."""
CatalogDep = Annotated[Catalog, Depends(get_catalog)]


def get_answers(request: Request) -> AnswerCache:
    """This process's cache of serialized entitlement lists."""
    answers: AnswerCache = request.app.state.answers
    return answers


_bearer = HTTPBearer(auto_error=False, description="访问令牌（matcher tokens issue 签发）")


async def get_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """Async, as it waits on nothing: a plain ``def`` would be sent to the thread pool."""
    if credentials is None:
        raise ApiError(401, "unauthorized", "需要提供访问令牌（Authorization: Bearer …）")
    return credentials.credentials


BearerToken = Annotated[str, Depends(get_token)]
"""The token the request bears, not yet checked: for a route that checks it in a query of its
own (see :func:`invalid_token`)."""


def invalid_token() -> ApiError:
    return ApiError(401, "invalid_token", "访问令牌无效或已吊销")


def get_principal(session: SessionDep, token: BearerToken) -> Principal:
    principal = authenticate_token(session, token)
    if principal is None:
        raise invalid_token()
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency that admits only ``roles``."""

    def check(principal: CurrentPrincipal) -> Principal:
        if principal.role not in roles:
            raise ApiError(403, "forbidden", "当前角色无权执行此操作")
        return principal

    return check


StaffPrincipal = Annotated[Principal, Depends(require(Role.STAFF, Role.ADMIN))]
EnterprisePrincipal = Annotated[Principal, Depends(require(Role.ENTERPRISE))]
"""An enterprise acting for itself: what only the enterprise may say (the account it is paid to)."""

NoticeConfig = Annotated[NoticeSettings, Depends(notice_settings)]
"""Where notices and confirmations go, and the key of their links (a test overrides it)."""
