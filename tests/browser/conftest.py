"""The real app served by uvicorn on loopback, driven by headless Debian Chromium (Playwright).

Chromium is Debian's (/usr/bin/chromium); Playwright's browser download is never used. Without
it the tests are skipped, except under CI (CI=true), where that is a failure. The app runs on
a temporary SQLite database, migrated and seeded for the session. Screenshots go to
``test-artifacts/screenshots/``.
"""

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, sync_playwright

from matcher.app import create_app
from matcher.auth.service import create_account
from matcher.auth.tables import Role
from matcher.config import DEMO_ENTERPRISE, Settings
from matcher.db import make_engine, session_scope
from matcher.demo import DEMO_FOUNDER_ID_NUMBER, with_demo_founder
from matcher.enterprises.founders import hash_id_number
from matcher.enterprises.repository import EnterpriseRepository
from matcher.migrate import upgrade
from matcher.policies.catalog import default_catalog
from matcher.profiles.parse import parse_profile, parse_profile_json

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
PASSWORD = "correct-horse-42"
DEMO = parse_profile_json((DEMO_ENTERPRISE).read_text("utf-8"))
FOUNDERS = {"desktop": DEMO_FOUNDER_ID_NUMBER, "phone": "410881198503120018"}
"""The demo enterprise's founders on record, one claimed per viewport: the subsidy is paid once
per founder, and both runs share a server. The second is 济源's code under 焦作 (before 1997)."""
OTHER = parse_profile(
    {
        "uscc": "91419001MA4000001F",
        "name": "济源市玉川食品有限公司",
        "entity_type": "company",
        "industry_code": "C1491",
        "employees": 40,
    }
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def app_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The served app's database, for a scenario that writes rows of its own."""
    return f"sqlite:///{tmp_path_factory.mktemp('browser') / 'app.sqlite3'}"


@pytest.fixture(scope="session")
def base_url(app_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = app_database_url
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        repository = EnterpriseRepository(session)
        demo = with_demo_founder(DEMO)
        founders = [
            {"id_hash": hash_id_number(n), "first_time_founder": True} for n in FOUNDERS.values()
        ]
        both = parse_profile({**demo.model_dump(), "founders": founders}, default_catalog().facts)
        repository.save(both, "registration", "seed")
        repository.save(OTHER, "tax", "seed")
        create_account(session, "yinhui", PASSWORD, Role.ENTERPRISE, "银辉新材料", DEMO.uscc)
        create_account(session, "wangfang", PASSWORD, Role.STAFF, "王芳")
    materials = tmp_path_factory.mktemp("materials")
    # Every scenario signs in as the same two accounts from one address, far more often than the
    # login throttle lets a person try within a minute.
    config = Settings(
        database_url=url,
        environment="test",
        materials_dir=materials,
        login_attempts_per_username=1000,
        login_attempts_per_client=1000,
    )
    with served(create_app(config, engine)) as url:
        yield url
    engine.dispose()


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port, in a thread; yields its address."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"Chromium not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def page(browser: Browser, base_url: str, viewport: str) -> Iterator[Page]:
    context = browser.new_context(
        base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai", **VIEWPORTS[viewport]
    )
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def screenshot(page: Page, viewport: str) -> Callable[[str], None]:
    """``screenshot(name)`` saves the whole page as ``<name>-<viewport>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(name: str) -> None:
        page.screenshot(path=SCREENSHOTS / f"{name}-{viewport}.png", full_page=True)

    return save
