"""Responses the JSON API builds by hand: the entitlement list (FastAPI's generic encoder is
too slow for it), ``Location`` on what a POST created, and ``ETag`` with 304 on what a client
may cache."""

from typing import Annotated, Any

from fastapi import Header, Request, Response

from matcher.eligibility.answers import Answer


def entitlement_response(answer: Answer, if_none_match: str | None) -> Response:
    """The entitlement list as serialized once (FastAPI's generic encoder is bypassed), tagged
    with its hash; a 304 instead when the client holds it."""
    response = Response(content=answer.body, media_type="application/json")
    return tag(response, answer.etag, if_none_match) or response


CREATED: dict[int | str, dict[str, Any]] = {
    201: {
        "description": "已创建",
        "headers": {
            "Location": {
                "description": "新记录的地址",
                "schema": {"type": "string", "format": "uri"},
            }
        },
    }
}
"""``responses=`` of an operation that answers 201."""


def locate(request: Request, response: Response, route: str, **path: int | str) -> None:
    """Point ``Location`` at what a 201 created: the URL of the API route named ``route``."""
    response.headers["Location"] = str(request.url_for(route, **path))


_ETAG = {"ETag": {"description": "内容哈希（强校验）", "schema": {"type": "string"}}}
TAGGED: dict[int | str, dict[str, Any]] = {
    200: {"headers": _ETAG},
    304: {"description": "If-None-Match 中已有当前版本，未改变", "headers": _ETAG},
}
"""``responses=`` of an operation that tags its answer with :func:`tag`."""

IfNoneMatch = Annotated[
    str | None, Header(description="上次得到的 ETag；未改变则答复 304，不附内容")
]


def tag(response: Response, etag: str, if_none_match: str | None) -> Response | None:
    """Tag the answer with ``etag`` (quoted); a 304 to send instead when the client holds it.

    ``If-None-Match`` is compared weakly, as RFC 9110 has it: ``W/"x"`` matches ``"x"``.
    """
    quoted = f'"{etag}"'
    held = {value.strip().removeprefix("W/") for value in (if_none_match or "").split(",")}
    if "*" in held or quoted in held:
        return Response(status_code=304, headers={"ETag": quoted})
    response.headers["ETag"] = quoted
    return None
