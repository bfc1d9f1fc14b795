"""Where notices go: the SMTP relay, the SMS gateway, the site the messages link to.

A channel whose settings are missing is not delivered to: its notices wait in the outbox
until it is configured, never dropped.
"""

from datetime import timedelta
from email.utils import parseaddr
from functools import cache

from pydantic import PositiveFloat, PositiveInt
from pydantic_settings import BaseSettings, SettingsConfigDict


class NoticeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHER_")

    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "惠企政策推送 <notices@localhost>"
    sms_webhook_url: str | None = None
    public_url: str = "http://127.0.0.1:8000"
    """The site's address as enterprises reach it; notices link to ``<public_url>/me``."""
    notice_lease_seconds: PositiveFloat = 120
    """How long a worker may hold a claimed notice before another may take it over."""
    notice_max_attempts: PositiveInt = 8

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.notice_lease_seconds)

    @property
    def page_url(self) -> str:
        return self.public_url.rstrip("/") + "/me"

    @property
    def sender_domain(self) -> str:
        """The domain of ``smtp_from``, for Message-IDs."""
        return parseaddr(self.smtp_from)[1].rpartition("@")[2] or "localhost"


@cache
def notice_settings() -> NoticeSettings:
    return NoticeSettings()
