"""Real receivers on loopback for the delivery tests: an SMTP server (aiosmtpd) and an SMS
gateway webhook (``http.server`` in a thread). Both log what they accepted to one inbox, in
arrival order, keyed by the notice's idempotency key."""

import email
import email.policy
import json
import logging
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass(frozen=True)
class Received:
    channel: str
    key: str
    address: str
    content: Any
    """The parsed e-mail, or the webhook's JSON body."""


@dataclass
class Inbox:
    """Every message the receivers accepted, in arrival order. ``on_message`` is called with
    the count so far, in the receiver's thread, before the sender hears it was accepted."""

    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    on_message: Callable[[int], None] | None = None

    def add(self, message: Received) -> None:
        with self.lock:
            self.messages.append(message)
            if self.on_message is not None:
                self.on_message(len(self.messages))

    def keys(self) -> list[str]:
        with self.lock:
            return [m.key for m in self.messages]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class SmtpHandler:
    """Accepts every message, except for the addresses given a reply in ``refuse``."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self.refuse: dict[str, str] = {}

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        key = str(message["Message-ID"]).strip("<>").rpartition("@")[0]
        self.inbox.add(Received("email", key, envelope.rcpt_tos[0], message))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(inbox: Inbox, **options: Any) -> Iterator[tuple[int, SmtpHandler]]:
    """An SMTP server on loopback; ``options`` go to aiosmtpd's controller (TLS, AUTH)."""
    handler = SmtpHandler(inbox)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port, handler
    finally:
        controller.stop()


logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs each connection at INFO

SMTP_USER, SMTP_PASSWORD = "notices", "s3cret-pass"


class Logins:
    """aiosmtpd's authenticator: one account; remembers who signed in and over what."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, bool]] = []

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        ok = (data.login.decode(), data.password.decode()) == (SMTP_USER, SMTP_PASSWORD)
        encrypted = server.transport.get_extra_info("ssl_object") is not None
        self.seen.append((data.login.decode(), encrypted))
        return AuthResult(success=ok, handled=False)


def tls_context(ca: trustme.CA) -> ssl.SSLContext:
    """A server's TLS context with a certificate for 127.0.0.1 that ``ca`` vouches for."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


@contextmanager
def starttls_server(
    inbox: Inbox, ca: trustme.CA, logins: Logins
) -> Iterator[tuple[int, SmtpHandler]]:
    """An SMTP relay as a real one is run: STARTTLS required, then a login required."""
    options = {"tls_context": tls_context(ca), "require_starttls": True, "authenticator": logins}
    with smtp_server(inbox, auth_required=True, **options) as server:
        yield server


class Webhook:
    """An SMS gateway: answers each mobile number with the statuses in ``script`` in turn,
    then 200; logs every request, and the accepted ones to the inbox."""

    def __init__(self, inbox: Inbox, url: str) -> None:
        self.inbox = inbox
        self.url = url
        self.script: dict[str, list[int]] = {}
        self.requests: list[tuple[str, dict[str, Any], int]] = []

    def answer(self, key: str, body: dict[str, Any]) -> int:
        statuses = self.script.get(body["mobile"], [])
        status = statuses.pop(0) if statuses else 200
        self.requests.append((key, body, status))
        if status == 200:
            self.inbox.add(Received("sms", key, body["mobile"], body))
        return status


@contextmanager
def webhook_server(inbox: Inbox) -> Iterator[Webhook]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    receiver = Webhook(inbox, f"http://127.0.0.1:{server.server_address[1]}/sms")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            status = receiver.answer(self.headers["Idempotency-Key"], body)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"error": "bad mobile"}' if status == 400 else b"{}")

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
