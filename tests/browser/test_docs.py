"""The API docs render in a browser that can reach nothing but the service itself."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Route, expect

Screenshot = Callable[[str], None]


@pytest.fixture
def outside(page: Page, base_url: str) -> list[str]:
    """Every request the page tried to send anywhere but the service (each is refused)."""
    tried: list[str] = []

    def only_the_service(route: Route) -> None:
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            tried.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_service)
    return tried


def test_swagger_ui_works_offline(page: Page, outside: list[str], screenshot: Screenshot) -> None:
    page.goto("/docs")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    expect(page.locator('.opblock-summary-path[data-path="/api/v1/claims"]').first).to_be_visible()
    screenshot("docs-swagger")
    assert outside == []
