"""Where notices go: the SMTP relay, the SMS gateway, the site the messages link to.

A channel whose settings are missing is not delivered to: its notices wait in the outbox
until it is configured, never dropped.
"""

from datetime import time, timedelta
from email.utils import parseaddr
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import PositiveFloat, PositiveInt, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from matcher.config import DEVELOPMENT_SECRET


class NoticeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHER_")

    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "惠企政策推送 <notices@localhost>"
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    """``starttls``: upgrade the plain connection (port 587); ``tls``: TLS from the first byte
    (port 465). The server's certificate is verified either way."""
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_ca_file: Path | None = None
    """Certificates to trust instead of the system's (a relay with a private CA)."""
    smtp_timeout_seconds: PositiveFloat = 30
    sms_webhook_url: str | None = None
    sms_mode: Literal["webhook", "template"] = "webhook"
    """``webhook``: the rendered text; ``template``: a registered template's code and values."""
    sms_sign: str = "【惠企政策】"
    """The signature (签名) the gateway puts before a template's text."""
    public_url: str = "http://127.0.0.1:8000"
    """The site's address as enterprises reach it; notices link to ``<public_url>/me``."""
    notice_lease_seconds: PositiveFloat = 120
    """How long a worker may hold a claimed notice before another may take it over."""
    notice_max_attempts: PositiveInt = 8
    notice_retry_seconds: PositiveFloat = 30
    """The first retry's delay; each later one waits twice as long, up to six hours."""
    secret_key: str = DEVELOPMENT_SECRET
    """``MATCHER_SECRET_KEY``, as the site has it: signs the unsubscribe links."""
    sms_inbound_token: str | None = None
    """The shared secret the SMS gateway sends with inbound messages; unset: none accepted."""
    confirmation_interval_seconds: PositiveFloat = 60
    """The least time between two confirmation messages to one contact."""
    worker_poll_seconds: PositiveFloat = 5
    """The longest a worker waits before looking at the outbox again (SQLite polls; on
    PostgreSQL a NOTIFY wakes it sooner)."""
    nightly_at: time | None = None
    """When (China time) a worker runs the nightly ``match-all`` and ``notify``; unset: never."""
    nightly_lease_seconds: PositiveFloat = 300
    """A worker's claim on the nightly job, renewed while it runs; a dead holder's lapses."""

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.notice_lease_seconds)

    @property
    def confirmation_interval(self) -> timedelta:
        return timedelta(seconds=self.confirmation_interval_seconds)

    @property
    def site_url(self) -> str:
        return self.public_url.rstrip("/")

    @property
    def page_url(self) -> str:
        return self.site_url + "/me"

    @property
    def sender_domain(self) -> str:
        """The domain of ``smtp_from``, for Message-IDs."""
        return parseaddr(self.smtp_from)[1].rpartition("@")[2] or "localhost"


@cache
def notice_settings() -> NoticeSettings:
    return NoticeSettings()
