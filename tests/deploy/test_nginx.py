"""The nginx site in front of ``matcher serve``, both as deployed (issue 14): TLS only, one HSTS
header, static files from nginx, a Secure session cookie, the body limit in the API's shape,
one request id in nginx's log and the app's, and the client address nginx saw reaching the
app's rate limits, which nobody can forge.

The app runs as production does (``MATCHER_ENVIRONMENT=production``) on a temporary SQLite
database, one worker process so that each client's count lives in one place.
"""

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from matcher.api.routes.eligibility import EXAMPLE
from matcher.auth.service import create_account
from matcher.auth.tables import Role
from matcher.db import make_engine, session_scope
from matcher.migrate import upgrade
from tests.deploy.proxy import LOOPBACK, STATIC, Proxy, free_port, nginx

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
RATE_LIMIT = 3
PASSWORD = "correct-horse-42"
BODY_LIMIT = 1_000_000
HSTS = "max-age=31536000; includeSubDomains"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def app_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """``matcher serve`` in production mode on a migrated SQLite database with one staff
    account, on a loopback port."""
    home = tmp_path_factory.mktemp("app")
    url = f"sqlite:///{home / 'matcher.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        create_account(session, "wangfang", PASSWORD, Role.STAFF, "王芳")
    engine.dispose()
    port = free_port()
    env = {
        **os.environ,
        "MATCHER_ENVIRONMENT": "production",
        "MATCHER_DATABASE_URL": url,
        "MATCHER_SECRET_KEY": "nginx-test-secret",
        "MATCHER_LEDGER_KEY": "nginx-test-ledger-key",
        "MATCHER_FOUNDER_KEY": "nginx-test-founder-key",
        "MATCHER_LEDGER_CHECKPOINTS": str(home / "checkpoints.log"),
        "MATCHER_CALCULATOR_RATE_LIMIT": str(RATE_LIMIT),
        "MATCHER_MAX_BODY_BYTES": str(BODY_LIMIT),
        "MATCHER_CACHE_DIR": str(ROOT / ".cache"),
    }
    command = [sys.executable, "-m", "matcher", "serve", "--port", str(port), "--no-demo"]
    server = subprocess.Popen(command, env=env, cwd=home, stdout=subprocess.DEVNULL)
    try:
        _wait_healthy(server, f"http://{LOOPBACK}:{port}")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_healthy(server: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + 120  # a fresh cache trains the industry model first
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"matcher serve exited {server.returncode}")
        try:
            if httpx.get(f"{base}/api/v1/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("matcher serve did not answer its health check")


@pytest.fixture(scope="module")
def proxy(app_port: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        reason = "nginx not installed (apt-get install nginx)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with nginx(app_port, tmp_path_factory.mktemp("nginx")) as running:
        yield running


def _client(proxy: Proxy, source: str = LOOPBACK) -> httpx.Client:
    """A client of the site over TLS, connecting from loopback address ``source``."""
    transport = httpx.HTTPTransport(verify=proxy.ssl_context(), local_address=source)
    return httpx.Client(base_url=proxy.https, transport=transport)


def test_plain_http_is_sent_to_https(proxy: Proxy) -> None:
    response = httpx.get(f"{proxy.http}/policies?page=2")
    assert response.status_code == 301
    assert response.headers["location"] == f"https://{LOOPBACK}/policies?page=2"


def test_pages_come_over_https_with_one_hsts_header(proxy: Proxy) -> None:
    with _client(proxy) as client:
        response = client.get("/policies")
    assert response.status_code == 200
    assert "政策库" in response.text
    assert response.headers.get_list("strict-transport-security") == [HSTS]


def test_static_files_come_from_nginx_with_caching(proxy: Proxy) -> None:
    with _client(proxy) as client:
        response = client.get("/static/app.css")
    assert response.status_code == 200
    assert response.content == (STATIC / "app.css").read_bytes()
    assert response.headers["content-type"] == "text/css"
    assert response.headers["cache-control"] == "max-age=3600", "nginx's, the app sends none"
    assert response.headers.get_list("strict-transport-security") == [HSTS]


def test_the_session_cookie_is_secure_and_signs_in(proxy: Proxy) -> None:
    with _client(proxy) as client:
        page = client.get("/login")
        token = _CSRF.search(page.text)
        assert token is not None
        form = {"csrf_token": token.group(1), "username": "wangfang", "password": PASSWORD}
        response = client.post("/login", data=form)
        assert response.status_code == 303
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("matcher_session=")
        assert {"secure", "httponly", "samesite=lax"} <= {
            part.strip().lower() for part in cookie.split(";")
        }
        staff = client.get("/staff")
    assert staff.status_code == 200
    assert "王芳" in staff.text


def test_rate_limits_count_the_client_nginx_saw(proxy: Proxy) -> None:
    """Clients on 127.0.0.2 and 127.0.0.3 reach the app through nginx on 127.0.0.1: each gets
    its own allowance, and a forged X-Forwarded-For does not buy another."""
    with _client(proxy, "127.0.0.2") as first, _client(proxy, "127.0.0.3") as second:
        answers = [first.post("/api/v1/calculator", json=EXAMPLE).status_code for _ in range(3)]
        assert answers == [200] * RATE_LIMIT
        limited = first.post("/api/v1/calculator", json=EXAMPLE)
        assert limited.status_code == 429
        assert limited.json()["error"]["code"] == "rate_limited"
        forged = first.post(
            "/api/v1/calculator", json=EXAMPLE, headers={"X-Forwarded-For": "203.0.113.9"}
        )
        assert forged.status_code == 429
        assert second.post("/api/v1/calculator", json=EXAMPLE).status_code == 200


def test_the_app_keeps_the_request_id_nginx_logs(proxy: Proxy) -> None:
    """One id per request in nginx's access log and in the app's (echoed back), whatever id
    the client sent."""
    with _client(proxy) as client:
        response = client.get("/api/v1/health", headers={"X-Request-ID": "chosen-by-client"})
    identifier = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", identifier), "nginx's $request_id"
    log = proxy.prefix / "matcher.access.log"
    deadline = time.monotonic() + 10  # nginx writes the line as it finishes the request
    while not (lines := _logged(log, identifier)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(lines) == 1
    assert '"GET /api/v1/health HTTP/1.1" 200 ' in lines[0]


def _logged(log: Path, identifier: str) -> list[str]:
    return [line for line in log.read_text().splitlines() if line.endswith(f"rid={identifier}")]


def test_oversized_bodies_get_the_apps_answer_from_nginx(proxy: Proxy, app_port: int) -> None:
    body = b"x" * (BODY_LIMIT + 1)
    headers = {"content-type": "application/json"}
    with _client(proxy) as client:
        through_nginx = client.post("/api/v1/calculator", content=body, headers=headers)
    direct = httpx.post(
        f"http://{LOOPBACK}:{app_port}/api/v1/calculator", content=body, headers=headers
    )
    assert through_nginx.status_code == direct.status_code == 413
    assert through_nginx.headers["content-type"] == "application/json; charset=utf-8"
    assert through_nginx.json() == direct.json()
    assert through_nginx.json()["error"]["code"] == "payload_too_large"
