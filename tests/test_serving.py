"""Several workers, a listening socket each: the kernel spreads connections over them, uvicorn's
supervisor still replaces a dead worker and stops them all, and the port stays one server's.

The server runs in a process of its own with a small app that answers with the pid of the
worker that served it; the kernel's listening sockets are read from ``/proc``.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from matcher.db import make_engine
from matcher.migrate import upgrade
from matcher.observability.metrics import MULTIPROCESS_DIR

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]

PID_APP = """
import os

async def app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(os.getpid()).encode()})
"""

SERVE = """
import sys
from matcher.serving import serve
serve("pid_app:app", host="127.0.0.1", port=int(sys.argv[1]), workers=2, lifespan="off",
      log_level="info")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pid_from(port: int, timeout: float = 5) -> int:
    """The worker that answers a new connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/")
        return int(connection.getresponse().read())
    finally:
        connection.close()


def _answering(port: int, server: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, server.communicate()[1]
        try:
            _pid_from(port, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answered on port {port}")


def _listening(port: int) -> set[int]:
    """The inodes of the TCP sockets listening on ``port`` (IPv4)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == port:
            inodes.add(int(fields[9]))
    return inodes


def _sockets_of(pid: int) -> set[int]:
    inodes = set()
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except (FileNotFoundError, ProcessLookupError):  # it has just exited
        return inodes
    for fd in fds:
        try:
            target = os.readlink(fd)
        except FileNotFoundError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[len("socket:[") : -1]))
    return inodes


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _workers(server: subprocess.Popen[str]) -> set[int]:
    """The worker processes: the supervisor's children that hold a socket (not
    multiprocessing's resource tracker)."""
    return {pid for pid in _children(server.pid) if _sockets_of(pid)}


def _spread(port: int, connections: int = 40) -> dict[int, int]:
    """Open ``connections`` keep-alive connections at once; ask twice on each. Returns how
    many each worker holds (a connection stays with the worker that accepted it)."""
    opened = [http.client.HTTPConnection("127.0.0.1", port, timeout=5) for _ in range(connections)]
    try:
        held: dict[int, int] = {}
        for connection in opened:
            answers = set()
            for _ in range(2):
                connection.request("GET", "/")
                answers.add(int(connection.getresponse().read()))
            (pid,) = answers
            held[pid] = held.get(pid, 0) + 1
        return held
    finally:
        for connection in opened:
            connection.close()


def _each_worker_holds_one_listener(port: int, server: subprocess.Popen[str]) -> set[int]:
    """Once both workers listen (the first may answer before the second has started)."""
    deadline = time.monotonic() + 60
    while len(_listening(port)) < 2:
        assert time.monotonic() < deadline, "the workers did not both listen"
        time.sleep(0.1)
    workers = _workers(server)
    listeners = _listening(port)
    assert len(workers) == 2 and len(listeners) == 2
    assert [len(_sockets_of(pid) & listeners) for pid in workers] == [1, 1]
    assert not _sockets_of(server.pid) & listeners, "the supervisor keeps no copy"
    return workers


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    (tmp_path / "pid_app.py").write_text(PID_APP)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _answering(port, process)
        yield process, port
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[str]) -> None:
    """Stop the supervisor and its workers (which hold its standard error open)."""
    if process.poll() is None:
        workers = _children(process.pid)
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            for pid in workers | {process.pid}:
                os.kill(pid, signal.SIGKILL)
    process.communicate()


def test_each_worker_listens_on_a_socket_of_its_own_and_connections_land_on_both(
    server: tuple[subprocess.Popen[str], int],
) -> None:
    process, port = server
    workers = _each_worker_holds_one_listener(port, process)
    held = _spread(port)
    assert set(held) == workers, "both workers answer (all 40 on one: a chance of 2 in 2^40)"
    assert sum(held.values()) == 40


def test_a_killed_worker_is_replaced_and_no_connection_waits_on_its_socket(
    server: tuple[subprocess.Popen[str], int],
) -> None:
    process, port = server
    killed, survivor = sorted(_each_worker_holds_one_listener(port, process))
    os.kill(killed, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while _workers(process) - {killed, survivor} == set() or len(_listening(port)) < 2:
        assert time.monotonic() < deadline, "no worker replaced the killed one"
        time.sleep(0.2)
    workers = _each_worker_holds_one_listener(port, process)
    assert survivor in workers and killed not in workers
    # Every new connection is answered (none is queued on a socket nobody accepts from),
    # and they land on the survivor and the replacement.
    assert set(_spread(port)) == workers


def test_sighup_replaces_the_workers_and_sigterm_stops_them_all(
    server: tuple[subprocess.Popen[str], int],
) -> None:
    process, port = server
    before = _each_worker_holds_one_listener(port, process)
    process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 60
    while _workers(process) & before or len(_workers(process)) < 2:
        assert time.monotonic() < deadline, "the workers were not replaced"
        time.sleep(0.2)
    workers = _each_worker_holds_one_listener(port, process)
    assert set(_spread(port)) == workers
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    assert _listening(port) == set()
    with socket.socket() as plain:  # the port is free again
        plain.bind(("127.0.0.1", port))


def test_a_port_another_server_listens_on_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pid_app.py").write_text(PID_APP)
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-c", SERVE, str(port)],
            env={**os.environ, "PYTHONPATH": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 3  # uvicorn's STARTUP_FAILURE
        assert f"cannot listen on 127.0.0.1 port {port}: Address already in use" in done.stderr
        assert _listening(port) == {_inode(other)}, "no worker joined the port"


def _inode(sock: socket.socket) -> int:
    return int(os.readlink(f"/proc/self/fd/{sock.fileno()}")[len("socket:[") : -1])


def test_matcher_serve_starts_its_workers_a_socket_each(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    port = _free_port()
    env = {
        **{name: value for name, value in os.environ.items() if name != MULTIPROCESS_DIR},
        "MATCHER_DATABASE_URL": url,
        "MATCHER_ENVIRONMENT": "test",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "matcher", "serve", "--port", str(port), "--workers", "2",
         "--no-demo"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, process.communicate()[1]
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/health").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "matcher serve did not answer"
            time.sleep(0.3)
        _each_worker_holds_one_listener(port, process)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        _stop(process)
