"""The repository's nginx site (``deploy/nginx/matcher.conf``) run on loopback, for the tests
and ``bench/proxy_load.py``.

The site file is used as it is, with its site-specific lines (ports, certificate, log
directory, static directory) replaced; a line it no longer has is an error, never a silent
test of something else. nginx runs in the foreground from a private prefix directory, with a
throw-away certificate authority (trustme) behind its certificate.
"""

import os
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import trustme

from matcher.templating import TEMPLATES_DIR

SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "matcher.conf"
STATIC = TEMPLATES_DIR / "static"
LOOPBACK = "127.0.0.1"

_MAIN = """\
{user}
worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/matcher.conf;
}}
"""
"""The rest of what Debian's /etc/nginx/nginx.conf gives the site: the http block around it."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def site_config(upstream: int, http: int, https: int, cert: Path, key: Path, logs: Path) -> str:
    """``deploy/nginx/matcher.conf`` for loopback: nginx on ``http`` and ``https``, the app on
    ``upstream``, IPv4 only."""
    replacements = {
        "listen 80;": f"listen {LOOPBACK}:{http};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen {LOOPBACK}:{https} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "server 127.0.0.1:8000;": f"server {LOOPBACK}:{upstream};",
        "/etc/ssl/matcher/fullchain.pem": str(cert),
        "/etc/ssl/matcher/privkey.pem": str(key),
        "/var/log/nginx/": f"{logs}/",
        "/opt/matcher/venv/lib/python3.11/site-packages/matcher/templates/static/": f"{STATIC}/",
    }
    text = SITE.read_text("utf-8")
    for old, new in replacements.items():
        if old not in text:
            raise ValueError(f"{SITE} no longer has {old!r}: update {__file__}")
        text = text.replace(old, new)
    return text


@dataclass(frozen=True)
class Proxy:
    http: str
    """``http://127.0.0.1:<port>``"""
    https: str
    ca: trustme.CA
    """The authority behind nginx's certificate, for clients to trust."""
    prefix: Path

    def ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context


@contextmanager
def nginx(upstream: int, prefix: Path) -> Iterator[Proxy]:
    """nginx with the site in front of the app on loopback port ``upstream``, until exit."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    prefix.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA()
    issued = ca.issue_cert(LOOPBACK, "localhost")
    cert, key = prefix / "cert.pem", prefix / "key.pem"
    issued.cert_chain_pems[0].write_to_path(str(cert))
    for extra in issued.cert_chain_pems[1:]:
        extra.write_to_path(str(cert), append=True)
    issued.private_key_pem.write_to_path(str(key))
    http, https = free_port(), free_port()
    (prefix / "matcher.conf").write_text(
        site_config(upstream, http, https, cert, key, prefix), "utf-8"
    )
    # As root the workers would be "nobody", who may not read the checkout or the prefix.
    user = "user root;" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(_MAIN.format(user=user, prefix=prefix), "utf-8")
    command = [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
               "-e", str(prefix / "error.log"), "-g", "daemon off;"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for(process, https, prefix / "error.log")
        yield Proxy(f"http://{LOOPBACK}:{http}", f"https://{LOOPBACK}:{https}", ca, prefix)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_for(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"nginx exited {process.returncode}: {stderr}")
        try:
            socket.create_connection((LOOPBACK, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nginx did not listen on {port}; see {log}")
