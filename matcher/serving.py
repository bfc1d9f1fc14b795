"""``matcher serve``'s processes: uvicorn, and with several workers a listening socket each.

uvicorn's own ``--workers`` binds one socket and hands it to every worker; whichever wakes first
accepts a whole burst of new connections, and a keep-alive client stays where it landed. Under
wrk's 50 connections the two workers held 43 and 7, 30 and 20, 16 and 34 of them, and the
busier one set the tail (p99 from 30 to 47 ms on PostgreSQL, ``bench/entitlements_http.py``).

Here each worker gets a socket of its own, bound to the same address with ``SO_REUSEPORT``: the
kernel spreads new connections over the workers' sockets by a hash of the client's address and
port, so each worker holds about its share. Supervision stays uvicorn's (a dead or hung worker
is replaced, SIGHUP replaces them one by one, SIGTTIN and SIGTTOU add and remove one, SIGINT and
SIGTERM stop them gracefully): it reads its ``sockets`` each time it starts a worker, and here
that binds a new socket, whose copy the supervisor closes as soon as the worker holds it, so a
dead worker's socket leaves the kernel's group with it (connections then queued on it, not yet
accepted, are reset; ``net.ipv4.tcp_migrate_req = 1`` hands them to another worker instead).

``SO_REUSEPORT`` would let a second server of the same user quietly share the port: before any
worker binds, a plain bind checks that nothing listens there, as uvicorn's single socket did.
"""

import contextlib
import logging
import socket
import sys
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE, Config
from uvicorn.supervisors.multiprocess import Multiprocess

log = logging.getLogger("uvicorn.error")


def serve(app: str, *, host: str, port: int, workers: int, **options: Any) -> None:
    """uvicorn on ``host``:``port`` with ``workers`` processes, a socket each when more than one
    (``options`` as :func:`uvicorn.run` takes them)."""
    if workers <= 1:
        uvicorn.run(app, host=host, port=port, workers=1, **options)
        return
    config = Config(app, host=host, port=port, workers=workers, **options)
    try:
        config.port = _unoccupied(host, port)
    except OSError as error:
        log.error("cannot listen on %s port %d: %s", host, port, error.strerror or error)
        sys.exit(STARTUP_FAILURE)
    log.info(
        "Uvicorn running on http://%s:%d, %d workers, a socket each (Press CTRL+C to quit)",
        host,
        config.port,
        workers,
    )
    with contextlib.suppress(KeyboardInterrupt):  # as uvicorn.run: Ctrl-C ends it quietly
        ReusePortWorkers(config).run()


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _unoccupied(host: str, port: int) -> int:
    """``port`` (or, for 0, a free one), once a plain bind shows that nothing listens there."""
    with socket.socket(_family(host)) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        probe.bind((host, port))
        return int(probe.getsockname()[1])


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port`` in the kernel's ``SO_REUSEPORT`` group there, for one
    worker to listen on."""
    sock = socket.socket(_family(host))
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except BaseException:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


class ReusePortWorkers(Multiprocess):
    """uvicorn's supervisor, each worker it starts given a new socket of its own."""

    def __init__(self, config: Config) -> None:
        self._handed: list[socket.socket] = []
        super().__init__(config, sockets=[])

    @property
    def sockets(self) -> list[socket.socket]:
        """Read by the supervisor for every worker it starts (and nothing else): a new socket."""
        sock = reuse_port_socket(self.config.host, self.config.port)
        self._handed.append(sock)
        return [sock]

    @sockets.setter
    def sockets(self, _given: list[socket.socket]) -> None:
        """Nothing to keep: every worker gets a new socket."""

    def _close_handed(self) -> None:
        """Close the supervisor's copies of the sockets handed to workers: a started worker
        holds its own, and a copy kept here would keep a dead worker's socket listening with
        nobody accepting the connections the kernel gives it."""
        while self._handed:
            self._handed.pop().close()

    # Every place uvicorn starts a worker (the first ones; a dead one's replacement; SIGHUP's
    # and SIGTTIN's) returns through one of these.
    def init_processes(self) -> None:
        try:
            super().init_processes()
        finally:
            self._close_handed()

    def keep_subprocess_alive(self) -> None:
        try:
            super().keep_subprocess_alive()
        finally:
            self._close_handed()

    def handle_signals(self) -> None:
        try:
            super().handle_signals()
        finally:
            self._close_handed()

    def run(self) -> None:
        try:
            super().run()
        except BaseException:  # say a replacement's socket could not be bound: none outlives us
            self.should_exit.set()
            self.terminate_all()
            self.join_all()
            raise
