"""Errors on the pages' paths are the site's own Chinese pages; the API's paths keep JSON."""

from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import ENTERPRISE_USER, STAFF_USER


def _error_page(response: httpx.Response, status: int, title: str) -> str:
    """The text of the site's error page ``title``, answered with ``status``."""
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert f"<h1>{title}</h1>" in response.text
    assert '"error"' not in response.text and '"detail"' not in response.text
    return response.text


def test_an_unknown_page_is_the_sites_404_page(client: TestClient) -> None:
    text = _error_page(client.get("/no-such-page"), 404, "页面不存在")
    assert "请检查网址，或从首页进入" in text
    _error_page(client.get("/policies/a/b"), 404, "页面不存在")


def test_a_method_a_page_does_not_take_is_a_chinese_page(client: TestClient) -> None:
    text = _error_page(client.delete("/policies"), 405, "无法打开该页面")
    assert "不支持此请求方法" in text


@pytest.mark.parametrize(
    ("user", "path"),
    [
        (ENTERPRISE_USER, "/me/claims/abc"),
        (ENTERPRISE_USER, "/me/messages/1.5"),
        (STAFF_USER, "/staff/claims/abc"),
    ],
)
def test_a_path_parameter_that_is_no_number_names_no_page(
    client: TestClient, sign_in: Callable[[str], None], user: str, path: str
) -> None:
    sign_in(user)
    _error_page(client.get(path), 404, "页面不存在")


@pytest.mark.parametrize("query", ["page=-1", "page=abc", "page=99999999999"])
def test_a_query_parameter_a_page_cannot_read_is_a_422_page(
    client: TestClient, sign_in: Callable[[str], None], query: str
) -> None:
    sign_in(ENTERPRISE_USER)
    text = _error_page(client.get(f"/me/messages?{query}"), 422, "网址有误")
    assert "网址中的参数有误" in text


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/no-such-thing", 404, "not_found"),
        ("/api", 404, "not_found"),
        ("/api/v1/policies?offset=-1", 422, "invalid_request"),
    ],
)
def test_the_apis_paths_keep_the_json_error_body(
    client: TestClient, path: str, status: int, code: str
) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]["code"] == code
