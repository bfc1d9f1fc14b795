"""The pages through TestClient, against the real app on each test database (SQLite, PostgreSQL).

Seeded: the demo enterprise (with its founder identified) with an account bound to it, a second
enterprise with no account, and a staff account.
"""

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from matcher.app import create_app
from matcher.auth.service import create_account
from matcher.auth.tables import Role
from matcher.config import DEMO_ENTERPRISE, Settings
from matcher.db import session_scope
from matcher.demo import with_demo_founder
from matcher.enterprises.repository import EnterpriseRepository
from matcher.policies.catalog import Catalog, load_catalog
from matcher.profiles.parse import parse_profile, parse_profile_json

DEMO = parse_profile_json((DEMO_ENTERPRISE).read_text("utf-8"))
OTHER = parse_profile(
    {
        "uscc": "91419001MA4000001F",
        "name": "济源市玉川食品有限公司",
        "entity_type": "company",
        "industry_code": "C1491",
        "employees": 40,
    }
)
PASSWORD = "correct-horse-42"
ENTERPRISE_USER, STAFF_USER = "yinhui", "wangfang"

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


def _seed(engine: Engine) -> None:
    with session_scope(engine) as session:
        repository = EnterpriseRepository(session)
        repository.save(with_demo_founder(DEMO), "registration", "seed")
        repository.save(OTHER, "tax", "seed")
        create_account(session, ENTERPRISE_USER, PASSWORD, Role.ENTERPRISE, "银辉新材料", DEMO.uscc)
        create_account(session, STAFF_USER, PASSWORD, Role.STAFF, "王芳")


@pytest.fixture
def overrides() -> dict[str, Any]:
    """Settings of the app under test besides its database; a test may parametrize them."""
    return {}


@pytest.fixture
def client(engine: Engine, catalog: Catalog, overrides: dict[str, Any]) -> Iterator[TestClient]:
    _seed(engine)
    url = engine.url.render_as_string(hide_password=False)
    config = Settings(database_url=url, environment="test", **overrides)
    app = create_app(config, engine, catalog)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def csrf(client: TestClient) -> Callable[[str], str]:
    """The CSRF token from the form on the page at ``path``."""

    def token(path: str) -> str:
        found = _CSRF.search(client.get(path).text)
        assert found is not None, f"no CSRF field on {path}"
        return found.group(1)

    return token


@pytest.fixture
def sign_in(client: TestClient, csrf: Callable[[str], str]) -> Callable[[str], None]:
    def sign(username: str) -> None:
        response = client.post(
            "/login",
            data={"csrf_token": csrf("/login"), "username": username, "password": PASSWORD},
            follow_redirects=False,
        )
        assert response.status_code == 303

    return sign
