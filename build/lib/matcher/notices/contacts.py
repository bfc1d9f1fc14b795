"""Where an enterprise receives notices, and the channels it has opted out of.

The profile carries no contact details: they are kept here, one e-mail address and one
mainland mobile number per enterprise. In-app messages need no address.
"""

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy import delete, select
from sqlmodel import Session, col

from matcher import clock
from matcher.notices.tables import Channel, NoticeContact, NoticeOptOut

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_MOBILE_NOISE = re.compile(r"[\s\-()]")


class ContactDetails(BaseModel):
    """Contact details as given; empty text means none."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: str | None = None
    mobile: str | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        value = (value or "").strip()
        if not value:
            return None
        if len(value) > 254 or not _EMAIL.match(value):
            raise ValueError("电子邮件地址格式不正确")
        local, _, domain = value.rpartition("@")
        return f"{local}@{domain.lower()}"

    @field_validator("mobile")
    @classmethod
    def _mobile(cls, value: str | None) -> str | None:
        value = _MOBILE_NOISE.sub("", value or "").removeprefix("+86")
        if not value:
            return None
        if not _MOBILE.match(value):
            raise ValueError("手机号码应为 11 位中国大陆手机号")
        return value


def address_column(channel: Channel) -> Any:
    """The contact column holding ``channel``'s address; ``None`` for in-app messages."""
    return {
        Channel.EMAIL: col(NoticeContact.email),
        Channel.SMS: col(NoticeContact.mobile),
        Channel.IN_APP: None,
    }[channel]


class ContactRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def contact(self, enterprise_id: int) -> NoticeContact | None:
        return self.session.get(NoticeContact, enterprise_id)

    def set_contact(self, enterprise_id: int, details: ContactDetails) -> NoticeContact:
        """Replace the enterprise's contact details."""
        contact = self.contact(enterprise_id) or NoticeContact(enterprise_id=enterprise_id)
        contact.email, contact.mobile = details.email, details.mobile
        contact.updated_at = clock.now()
        self.session.add(contact)
        self.session.flush()
        return contact

    def opt_outs(self, enterprise_id: int) -> set[Channel]:
        channels = self.session.execute(
            select(col(NoticeOptOut.channel)).where(
                col(NoticeOptOut.enterprise_id) == enterprise_id
            )
        ).scalars()
        return {Channel(channel) for channel in channels}

    def opt_out(self, enterprise_id: int, channel: Channel) -> None:
        if self.session.get(NoticeOptOut, (enterprise_id, channel.value)) is None:
            self.session.add(NoticeOptOut(enterprise_id=enterprise_id, channel=channel.value))
            self.session.flush()

    def opt_in(self, enterprise_id: int, channel: Channel) -> None:
        self.session.execute(
            delete(NoticeOptOut).where(
                col(NoticeOptOut.enterprise_id) == enterprise_id,
                col(NoticeOptOut.channel) == channel.value,
            )
        )
