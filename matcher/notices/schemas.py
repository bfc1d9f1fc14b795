"""The API's shapes for contacts and consent."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from matcher import clock
from matcher.notices.addresses import display
from matcher.notices.contacts import ContactWrite, topics_of
from matcher.notices.tables import Channel, NoticeContact, NoticeTopic
from matcher.text import Line

Address = Annotated[Line, Field(min_length=1, max_length=254, description="手机号码或电子邮件地址")]
Topics = Annotated[
    list[NoticeTopic],
    Field(max_length=len(NoticeTopic), description="想接收的通知：entitlements、claims"),
]


class ContactCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"channel": "sms", "address": "13912345678", "topics": ["entitlements", "claims"]},
                {"channel": "email", "address": "finance@example.com", "topics": ["claims"]},
            ]
        },
    )

    channel: Literal["sms", "email"]
    address: Address
    topics: Topics = list(NoticeTopic)

    def write(self) -> ContactWrite:
        return ContactWrite(Channel(self.channel), self.address, frozenset(self.topics))


class ContactChange(BaseModel):
    """What to change; a field left out stays as it is."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"topics": ["claims"]}, {"subscribed": False}]},
    )

    address: Address | None = None
    topics: Topics | None = None
    subscribed: bool | None = Field(None, description="false：退订；true：恢复接收（仅企业本人）")


class CodeConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"code": "482913"}]})

    code: Annotated[Line, Field(min_length=1, max_length=12, description="短信验证码")]


class ContactPublic(BaseModel):
    id: int
    channel: Channel
    address: str
    """As stored: E.164 for a mobile number."""
    shown_as: str
    topics: list[NoticeTopic]
    confirmed_at: datetime | None
    confirmation_sent_at: datetime | None
    unsubscribed_at: datetime | None
    unsubscribed_via: str | None
    origin: str
    added_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime

    @classmethod
    def of(cls, contact: NoticeContact) -> "ContactPublic":
        assert contact.id is not None
        channel = Channel(contact.channel)
        return cls(
            id=contact.id,
            channel=channel,
            address=contact.address,
            shown_as=display(channel, contact.address),
            topics=topics_of(contact),
            confirmed_at=_utc(contact.confirmed_at),
            confirmation_sent_at=_utc(contact.secret_sent_at),
            unsubscribed_at=_utc(contact.unsubscribed_at),
            unsubscribed_via=contact.unsubscribed_via,
            origin=contact.origin,
            added_by=contact.added_by,
            created_at=clock.as_utc(contact.created_at),
            updated_by=contact.updated_by,
            updated_at=clock.as_utc(contact.updated_at),
        )


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else clock.as_utc(moment)


class ContactAdded(BaseModel):
    contact: ContactPublic
    confirmation_sent: bool
    confirmation_error: str | None = Field(
        None, description="确认信息未能发送的原因；可稍后重新发送"
    )


class SmsInbound(BaseModel):
    """A message an SMS gateway received from a mobile phone."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"mobile": "13912345678", "text": "TD"}]}
    )

    mobile: Annotated[Line, Field(max_length=32, description="发送方手机号码")]
    text: Annotated[str, Field(max_length=1000, description="短信内容")]


class SmsInboundResult(BaseModel):
    opted_out: int
    """Contacts opted out by this message (0 for a message that is not an opt-out)."""
