"""Delivery channels, one strategy per channel, chosen from a registry keyed by channel.

A sender raises :class:`DeliveryError` saying whether trying again could help: an SMTP 5xx
reply or a webhook 4xx (other than 408 and 429) is permanent; an SMTP 4xx reply, a webhook
5xx, a timeout or a refused connection is not. Every message carries the notice's
idempotency key (see :mod:`matcher.notices`): the e-mail's ``Message-ID`` is
``<key@sender domain>``, the webhook sends an ``Idempotency-Key`` header.
"""

import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol

import httpx

from matcher.notices.outbox import ClaimedNotice
from matcher.notices.settings import NoticeSettings
from matcher.notices.tables import Channel

TIMEOUT_SECONDS = 30
RETRYABLE_CLIENT_ERRORS = frozenset({408, 429})


class DeliveryError(Exception):
    def __init__(self, reason: str, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class Sender(Protocol):
    def send(self, notice: ClaimedNotice) -> None:
        """Deliver ``notice`` or raise :class:`DeliveryError`."""

    def close(self) -> None: ...


class InAppSender:
    """The outbox row is the message the enterprise's page shows: nothing leaves."""

    def send(self, notice: ClaimedNotice) -> None:
        return None

    def close(self) -> None:
        return None


def email_message(notice: ClaimedNotice, sender: str, domain: str) -> EmailMessage:
    """A plain-text e-mail with an HTML alternative; the Message-ID is the idempotency key."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = notice.address
    message["Subject"] = notice.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<{notice.idempotency_key}@{domain}>"
    message.set_content(notice.body_text)
    if notice.body_html is not None:
        message.add_alternative(notice.body_html, subtype="html")
    return message


def _smtp_error(error: smtplib.SMTPException | OSError) -> DeliveryError:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return DeliveryError(f"SMTP 拒收收件人：{error.recipients}", min(codes) >= 500)
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
        return DeliveryError(f"SMTP {error.smtp_code}：{text}", error.smtp_code >= 500)
    return DeliveryError(f"SMTP 连接失败：{type(error).__name__}: {error}", permanent=False)


class SmtpSender:
    """One connection per sender, opened on first use and again after an error."""

    def __init__(self, host: str, port: int, sender: str, domain: str) -> None:
        self.host, self.port, self.sender, self.domain = host, port, sender, domain
        self._smtp: smtplib.SMTP | None = None

    def send(self, notice: ClaimedNotice) -> None:
        message = email_message(notice, self.sender, self.domain)
        try:
            if self._smtp is None:
                self._smtp = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)
            self._smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise _smtp_error(error) from error

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


class WebhookSender:
    """POSTs ``{idempotency_key, mobile, text, segments}`` as JSON to an SMS gateway."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._client = httpx.Client(timeout=TIMEOUT_SECONDS)

    def send(self, notice: ClaimedNotice) -> None:
        body = {
            "idempotency_key": notice.idempotency_key,
            "mobile": notice.address,
            "text": notice.body_text,
            "segments": notice.segments,
        }
        try:
            response = self._client.post(
                self.url, json=body, headers={"Idempotency-Key": notice.idempotency_key}
            )
        except httpx.HTTPError as error:
            raise DeliveryError(f"短信网关连接失败：{error!r}", permanent=False) from error
        if response.is_success:
            return
        status = response.status_code
        permanent = 400 <= status < 500 and status not in RETRYABLE_CLIENT_ERRORS
        raise DeliveryError(f"短信网关返回 {status}：{response.text[:200]}", permanent)

    def close(self) -> None:
        self._client.close()


def _email_sender(config: NoticeSettings) -> Sender | None:
    if config.smtp_host is None:
        return None
    return SmtpSender(config.smtp_host, config.smtp_port, config.smtp_from, config.sender_domain)


def _sms_sender(config: NoticeSettings) -> Sender | None:
    return None if config.sms_webhook_url is None else WebhookSender(config.sms_webhook_url)


SENDERS: dict[Channel, Callable[[NoticeSettings], Sender | None]] = {
    Channel.EMAIL: _email_sender,
    Channel.SMS: _sms_sender,
    Channel.IN_APP: lambda _config: InAppSender(),
}


@contextmanager
def open_senders(config: NoticeSettings) -> Iterator[dict[Channel, Sender]]:
    """A sender for every configured channel, closed on exit; one set per worker."""
    senders = {
        channel: sender
        for channel, factory in SENDERS.items()
        if (sender := factory(config)) is not None
    }
    try:
        yield senders
    finally:
        for sender in senders.values():
            sender.close()
