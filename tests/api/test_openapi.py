"""The published OpenAPI tells the truth about every operation: the statuses it can answer
(read from what the route depends on), one error body, the same paging everywhere, examples;
and /docs works offline."""

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

import matcher.api.routes
from matcher.api.deps import require
from matcher.api.errors import ErrorBody
from matcher.api.ratelimit import anonymous_limit, suggestion_limit
from tests.conftest import Api

ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}
ROLE_CHECK = f"{require.__qualname__}.<locals>."
"""The qualified names of the dependencies :func:`require` makes."""
RATE_LIMITS = {anonymous_limit, suggestion_limit}


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


def _app(api: Api) -> FastAPI:
    app = api.client.app
    assert isinstance(app, FastAPI)
    return app


def _routes() -> dict[tuple[str, str], APIRoute]:
    """Every route of every router under ``matcher.api.routes``, by the path it has under
    ``/api/v1`` and its method."""
    modules = pkgutil.iter_modules(matcher.api.routes.__path__)
    loaded = [importlib.import_module(f"matcher.api.routes.{m.name}") for m in modules]
    routers = [r for module in loaded for r in vars(module).values() if isinstance(r, APIRouter)]
    return {
        (f"/api/v1{route.path}", method.lower()): route
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }


def _operations(api: Api) -> Iterator[tuple[str, dict[str, Any], set[Callable[..., Any]]]]:
    """Each documented operation: its label, its OpenAPI and what its route depends on."""
    routes = _routes()
    for path, item in _app(api).openapi()["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation, set(_calls(routes[path, method].dependant))


def _statuses(operation: dict[str, Any]) -> set[int]:
    return {int(status) for status in operation["responses"]}


def test_every_operation_documents_what_it_can_answer(api: Api) -> None:
    operations = list(_operations(api))
    assert len(operations) >= 19
    for label, operation, calls in operations:
        parameters = operation.get("parameters", [])
        body = "requestBody" in operation
        expected = set()
        if parameters or body:
            expected.add(422)
        if body:
            expected |= {400, 413}
        if "security" in operation:
            expected.add(401)
        checks_role = any(getattr(c, "__qualname__", "").startswith(ROLE_CHECK) for c in calls)
        if checks_role:
            expected.add(403)
        if any(p["in"] == "path" for p in parameters):
            expected.add(404)
        if calls & RATE_LIMITS:
            expected.add(429)
        errors = {s for s in _statuses(operation) if s >= 400}
        assert expected <= errors, label
        assert 403 not in errors or checks_role, f"{label}: every role may call it"
        assert 401 not in errors or "security" in operation, f"{label}: needs no token"
        assert 429 not in errors or calls & RATE_LIMITS, f"{label}: not rate-limited"


def test_every_error_has_the_one_body_and_an_example_of_it(api: Api) -> None:
    for label, operation, _calls in _operations(api):
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            content = response.get("content", {}).get("application/json", {})
            assert content.get("schema") == ERROR_BODY, f"{label} {status}"
            ErrorBody.model_validate(content["example"])
    assert "HTTPValidationError" not in _app(api).openapi()["components"]["schemas"]


def test_lists_are_paged_one_way(api: Api) -> None:
    schemas = _app(api).openapi()["components"]["schemas"]
    paged = {}
    for label, operation, _calls in _operations(api):
        ok = next(r for s, r in operation["responses"].items() if s.startswith("2"))
        answer = ok.get("content", {}).get("application/json", {}).get("schema", {})
        assert answer.get("type") != "array", f"{label} answers a bare list"
        component = schemas.get(answer.get("$ref", "").rsplit("/", 1)[-1], {})
        if "items" in component.get("properties", {}):
            assert {"items", "total", "limit", "offset"} <= set(component["required"]), label
            query = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
            paged[label] = repr((query["offset"], query["limit"]))
    assert {
        "GET /api/v1/policies",
        "GET /api/v1/enterprises",
        "GET /api/v1/claims",
        "GET /api/v1/claims/{claim_id}/decisions",
    } <= set(paged)
    assert len(set(paged.values())) == 1, "the same parameters everywhere"


def test_created_answers_say_where_and_policies_carry_their_etag(api: Api) -> None:
    for label, operation, _calls in _operations(api):
        if "201" in operation["responses"]:
            assert "Location" in operation["responses"]["201"].get("headers", {}), label
    policy = _app(api).openapi()["paths"]["/api/v1/policies/{policy_id}"]["get"]
    assert "ETag" in policy["responses"]["200"]["headers"]
    assert "ETag" in policy["responses"]["304"]["headers"]
    assert {"name": "if-none-match", "in": "header"}.items() <= policy["parameters"][1].items()


def test_every_json_body_has_an_example(api: Api) -> None:
    schemas = _app(api).openapi()["components"]["schemas"]
    for label, operation, _calls in _operations(api):
        for media, content in operation.get("requestBody", {}).get("content", {}).items():
            ref = content["schema"].get("$ref", "")
            schema = schemas[ref.rsplit("/", 1)[1]] if ref else content["schema"]
            assert "examples" in content or "examples" in schema, f"{label} {media}"


ASSET = re.compile(r'(?:src|href)="([^"]+)"|url: \'([^\']+)\'')


def test_docs_load_nothing_from_outside(api: Api) -> None:
    html = api.client.get("/docs")
    assert html.status_code == 200
    assert "http://" not in html.text and "https://" not in html.text
    assets = [a or b for a, b in ASSET.findall(html.text)]
    assert assets and all(asset.startswith("/") for asset in assets)
    for asset in assets:
        assert api.client.get(asset).status_code == 200, asset
    assert api.client.get("/redoc").status_code == 404, "ReDoc would fetch its logo from a CDN"
