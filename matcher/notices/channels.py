"""Delivery channels, one strategy per channel, chosen from a registry keyed by channel.

A sender raises :class:`DeliveryError` saying whether trying again could help: an SMTP 5xx
reply or a webhook 4xx (other than 408 and 429) is permanent; an SMTP 4xx reply, a webhook
5xx, a timeout or a refused connection is not. Every message carries the notice's
idempotency key (see :mod:`matcher.notices`): the e-mail's ``Message-ID`` is
``<key@sender domain>``, the webhook sends an ``Idempotency-Key`` header.
"""

import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol

import httpx

from matcher.notices.consent import unsubscribe_url
from matcher.notices.outbox import ClaimedNotice
from matcher.notices.settings import NoticeSettings
from matcher.notices.sms_templates import sms_templates
from matcher.notices.tables import Channel, ClaimNoticeKind, ListNoticeKind, NoticeKind

WEBHOOK_TIMEOUT_SECONDS = 30
SMS_KINDS = (*NoticeKind, *ClaimNoticeKind, *ListNoticeKind)
"""Every kind of notice that may go out by SMS: each needs a registered template."""
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


def email_message(
    notice: ClaimedNotice, sender: str, domain: str, unsubscribe: str | None = None
) -> EmailMessage:
    """A plain-text e-mail with an HTML alternative; the Message-ID is the idempotency key.
    A notice to a contact carries ``unsubscribe``, its contact's unsubscribe link."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = notice.address
    message["Subject"] = notice.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<{notice.idempotency_key}@{domain}>"
    if unsubscribe is not None:
        add_unsubscribe_headers(message, unsubscribe)
    message.set_content(notice.body_text)
    if notice.body_html is not None:
        message.add_alternative(notice.body_html, subtype="html")
    return message


def add_unsubscribe_headers(message: EmailMessage, url: str) -> None:
    """One-click unsubscribe (RFC 2369 and RFC 8058): the mail client POSTs
    ``List-Unsubscribe=One-Click`` to ``url``, which needs no login."""
    message["List-Unsubscribe"] = f"<{url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"


def _smtp_error(error: smtplib.SMTPException | OSError) -> DeliveryError:
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return DeliveryError(f"SMTP 登录失败（{error.smtp_code}），请检查用户名和密码", True)
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return DeliveryError(f"SMTP 服务器不支持所配置的方式：{error}", permanent=True)
    if isinstance(error, ssl.SSLCertVerificationError):
        return DeliveryError(f"SMTP 服务器证书校验失败：{error.verify_message}", permanent=False)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return DeliveryError(f"SMTP 拒收收件人：{error.recipients}", min(codes) >= 500)
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
        return DeliveryError(f"SMTP {error.smtp_code}：{text}", error.smtp_code >= 500)
    return DeliveryError(f"SMTP 连接失败：{type(error).__name__}: {error}", permanent=False)


class SmtpSender:
    """One connection per sender, opened on first use and again after an error: plain, or
    TLS (``starttls`` upgrades it, ``tls`` starts with it; the certificate is verified), then
    a login when a username is configured."""

    def __init__(self, config: NoticeSettings) -> None:
        self.config = config
        self.sender, self.domain = config.smtp_from, config.sender_domain
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        assert config.smtp_host is not None
        address = (config.smtp_host, config.smtp_port)
        timeout = config.smtp_timeout_seconds
        context = ssl.create_default_context(cafile=config.smtp_ca_file)
        if config.smtp_security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(*address, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(*address, timeout=timeout)
        try:
            if config.smtp_security == "starttls":
                smtp.starttls(context=context)
            if config.smtp_username is not None:
                password = config.smtp_password
                smtp.login(
                    config.smtp_username, "" if password is None else password.get_secret_value()
                )
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, notice: ClaimedNotice) -> None:
        unsubscribe = (
            None if notice.contact_id is None else unsubscribe_url(self.config, notice.contact_id)
        )
        message = email_message(notice, self.sender, self.domain, unsubscribe)
        try:
            if self._smtp is None:
                self._smtp = self._connect()
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
    """POSTs each SMS as JSON to the gateway, with an ``Idempotency-Key`` header.

    ``webhook`` mode sends ``{idempotency_key, mobile, text, segments}``; ``template`` mode
    sends ``{idempotency_key, mobile, sign, template_code, template_params}``, the registered
    template (see :mod:`~matcher.notices.sms_templates`) a Chinese gateway requires.
    """

    def __init__(self, config: NoticeSettings) -> None:
        assert config.sms_webhook_url is not None
        self.url, self.mode, self.sign = config.sms_webhook_url, config.sms_mode, config.sms_sign
        self._client = httpx.Client(timeout=WEBHOOK_TIMEOUT_SECONDS)

    def _body(self, notice: ClaimedNotice) -> dict[str, object]:
        if self.mode == "webhook":
            return {"text": notice.body_text, "segments": notice.segments}
        if notice.sms_template is None:
            raise DeliveryError("该通知类型没有登记的短信模板", permanent=True)
        return {
            "sign": self.sign,
            "template_code": notice.sms_template["code"],
            "template_params": notice.sms_template["params"],
        }

    def send(self, notice: ClaimedNotice) -> None:
        body: dict[str, object] = {
            "idempotency_key": notice.idempotency_key,
            "mobile": notice.address,
        }
        body |= self._body(notice)
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
    return SmtpSender(config)


def _sms_sender(config: NoticeSettings) -> Sender | None:
    if config.sms_webhook_url is None:
        return None
    if config.sms_mode == "template":  # refuse at start, not notice by notice
        sms_templates().check(config.sms_sign, SMS_KINDS)
    return WebhookSender(config)


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
