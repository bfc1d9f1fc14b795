"""Mobile numbers and e-mail addresses, checked and normalised by phonenumbers and
email-validator."""

import pytest

from matcher.errors import DomainError
from matcher.notices.addresses import normalise
from matcher.notices.tables import Channel


@pytest.mark.parametrize(
    ("channel", "given", "stored"),
    [
        (Channel.SMS, "13800138000", "+8613800138000"),
        (Channel.SMS, "+86 138-0013-8000", "+8613800138000"),
        (Channel.SMS, " 0086 138 0013 8000 ", "+8613800138000"),
        (Channel.EMAIL, " Finance@Example.COM ", "Finance@example.com"),
        (Channel.EMAIL, "财务@例子.中国", "财务@例子.中国"),
    ],
)
def test_addresses_are_normalised(channel: Channel, given: str, stored: str) -> None:
    assert normalise(channel, given) == stored


@pytest.mark.parametrize(
    ("channel", "given", "code", "message"),
    [
        (Channel.SMS, "1380013800", "invalid_mobile", "手机号码无效"),
        (Channel.SMS, "23800138000", "invalid_mobile", "手机号码无效"),
        (Channel.SMS, "手机", "invalid_mobile", "手机号码无效"),
        (
            Channel.SMS,
            "0391-6633333",
            "not_a_mobile",
            "这是固定电话号码，无法接收短信，请填写手机号码",
        ),
        (Channel.SMS, "+1 650 253 0000", "not_mainland_mobile", "仅支持中国大陆手机号码"),
        (Channel.EMAIL, "not an address", "invalid_email", "电子邮件地址无效"),
        (Channel.EMAIL, "finance@example", "invalid_email", "电子邮件地址无效"),
        (Channel.EMAIL, "", "invalid_email", "电子邮件地址无效"),
    ],
)
def test_bad_addresses_are_refused(channel: Channel, given: str, code: str, message: str) -> None:
    with pytest.raises(DomainError) as refused:
        normalise(channel, given)
    assert (refused.value.code, refused.value.message) == (code, message)
    assert [(d.field, d.code, d.message) for d in refused.value.details] == [
        ("address", code, message)
    ]


def test_in_app_messages_take_no_address() -> None:
    with pytest.raises(DomainError) as refused:
        normalise(Channel.IN_APP, "x")
    assert refused.value.code == "invalid_channel"
