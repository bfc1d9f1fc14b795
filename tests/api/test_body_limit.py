"""Oversized request bodies get 413 whether their size is declared or not: a chunked body
(``Transfer-Encoding: chunked``, no ``Content-Length``) is counted as it arrives, over a real
HTTP connection to uvicorn on loopback."""

import socket
import threading
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, func, select

from matcher.app import create_app
from matcher.auth.service import create_account, issue_token
from matcher.auth.tables import Role
from matcher.config import Settings
from matcher.db import session_scope
from matcher.enterprises.tables import enterprises
from matcher.policies.catalog import default_catalog
from tests.conftest import ENTERPRISE_USCC

LIMIT = 10_000
TOO_LARGE = {
    "code": "payload_too_large",
    "message": f"请求体过大（上限 {LIMIT} 字节）",
    "details": [],
}


@pytest.fixture
def served(engine: Engine) -> Iterator[tuple[str, str]]:
    """The app under uvicorn on a free loopback port: its address and a staff token."""
    with session_scope(engine) as session:
        token = issue_token(session, Role.STAFF, "staff")[0]
        create_account(session, "wangfang", "correct-horse-42", Role.STAFF, "王芳")
    config = Settings(database_url="sqlite://", environment="test", max_body_bytes=LIMIT)
    app = create_app(config, engine, default_catalog())
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    for _ in range(500):
        if server.started:
            break
        threading.Event().wait(0.01)
    host, port = listener.getsockname()
    try:
        yield f"http://{host}:{port}", token
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


def _chunks(total: int, size: int = 1000) -> Iterator[bytes]:
    profile = f'"uscc": "{ENTERPRISE_USCC}", "name": "甲", "business_scope": "'
    header = f'{{"source": "registration", "profile": {{{profile}'
    yield header.encode()
    for _ in range(total // size):
        yield b"a" * size
    yield b'"}}'


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(enterprises)).scalar_one())


def test_a_chunked_json_body_over_the_limit_is_refused(
    served: tuple[str, str], engine: Engine
) -> None:
    url, token = served
    with httpx.Client(base_url=url, timeout=30) as client:
        request = client.build_request(
            "POST",
            "/api/v1/enterprises",
            content=_chunks(50_000),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        assert request.headers["Transfer-Encoding"] == "chunked"
        assert "Content-Length" not in request.headers
        response = client.send(request)
    assert response.status_code == 413
    assert response.json()["error"] == TOO_LARGE
    assert _count(engine) == 0


def test_a_chunked_body_within_the_limit_is_taken(served: tuple[str, str], engine: Engine) -> None:
    url, token = served
    with httpx.Client(base_url=url, timeout=30) as client:
        response = client.post(
            "/api/v1/enterprises",
            content=_chunks(3000, 100),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
    assert response.status_code == 201, response.text
    assert _count(engine) == 1


def test_a_chunked_form_over_the_limit_is_refused(served: tuple[str, str]) -> None:
    url, _token = served
    with httpx.Client(base_url=url, timeout=30) as client:
        response = client.post(
            "/login",
            content=(b"username=" + b"a" * 1000 for _ in range(50)),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert response.status_code == 413
    assert response.json()["error"] == TOO_LARGE
