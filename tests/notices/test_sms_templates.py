"""The registered SMS templates: every kind sent by SMS has one, and each fits its segments
with the signature, the longest values and the opt-out words."""

from dataclasses import dataclass
from typing import Any

import pytest

from matcher.notices.channels import SMS_KINDS, open_senders
from matcher.notices.render import sms_segments
from matcher.notices.settings import NoticeSettings
from matcher.notices.sms_templates import SmsTemplateError, SmsTemplates, sms_templates
from matcher.policies.catalog import default_catalog

SIGN = "【济源惠企】"


@dataclass(frozen=True)
class Facts:
    kind: str
    policy_title: str


CODE_TEXT = "验证码${code}，${minutes}分钟内有效。"


def _registry(confirmation: str | None = CODE_TEXT, **templates: str) -> SmsTemplates:
    return SmsTemplates.model_validate(
        {
            "max_segments": 1,
            "ending": "回复TD退订",
            "params": {"policy": {"label": "政策名称", "max_length": 10}},
            "templates": {
                kind: {"code": f"SMS_{n}", "text": text}
                for n, (kind, text) in enumerate(templates.items())
            },
            **({"confirmation": {"code": "SMS_C", "text": confirmation}} if confirmation else {}),
        }
    )


def test_every_kind_sent_by_sms_has_a_template_that_fits_one_segment() -> None:
    registry = sms_templates()
    registry.check(SIGN, SMS_KINDS)
    assert set(registry.templates) == {str(kind) for kind in SMS_KINDS}
    for template in registry.templates.values():
        assert sms_segments(SIGN + registry.longest(template)) == 1


def test_every_policy_title_fits_the_parameter_whole() -> None:
    limit = sms_templates().params["policy"].max_length
    too_long = [c.policy.title for c in default_catalog() if len(c.policy.title) > limit]
    assert too_long == []


def test_a_message_names_the_code_and_the_values() -> None:
    message = sms_templates().message(Facts("entitled", "一次性开业补贴"))
    assert message == {
        "code": "SMS_HQZC_0002",
        "params": {"policy": "一次性开业补贴"},
        "text": "贵企业已符合《一次性开业补贴》申请条件，请登录平台查看。回复TD退订",
    }


def test_a_value_longer_than_declared_is_cut_to_fit() -> None:
    registry = _registry(entitled="《${policy}》回复TD退订")
    message = registry.message(Facts("entitled", "一二三四五六七八九十甲"))
    assert message is not None
    assert message["params"] == {"policy": "一二三四五六七八九…"}
    assert registry.message(Facts("published", "x")) is None


def test_a_missing_template_is_refused_by_name() -> None:
    registry = _registry(entitled="《${policy}》回复TD退订")
    with pytest.raises(SmsTemplateError) as refused:
        registry.check(SIGN, ["entitled", "claim_paid"])
    assert refused.value.problems == ["通知类型 claim_paid 没有短信模板"]


def test_the_single_segment_is_70_characters_then_67_a_part() -> None:
    # the signature (6) + the text at its longest: 10 for the policy + the rest
    fits = "《${policy}》" + "字" * (70 - 6 - 12 - 6) + "回复TD退订"
    _registry(entitled=fits).check(SIGN, ["entitled"])
    with pytest.raises(SmsTemplateError) as refused:
        _registry(entitled="字" + fits).check(SIGN, ["entitled"])
    assert refused.value.problems == ["短信模板 entitled（SMS_0）最长时需 2 条短信，超过 1 条"]
    assert sms_segments("字" * 134) == 2 and sms_segments("字" * 135) == 3


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("《${title}》回复TD退订", "短信模板 entitled（SMS_0）使用了未声明的参数 title"),
        ("《${policy}》详见网站", "短信模板 entitled（SMS_0）未以“回复TD退订”结尾"),
        ("《$ policy》回复TD退订", "短信模板 entitled（SMS_0）的占位符写法有误"),
    ],
)
def test_a_text_that_cannot_be_sent_is_refused(text: str, problem: str) -> None:
    assert _registry(entitled=text).problems() == [problem]


def test_template_mode_refuses_to_start_without_every_template(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    partial = _registry(entitled="《${policy}》回复TD退订")
    monkeypatch.setattr("matcher.notices.channels.sms_templates", lambda: partial)
    config: Any = NoticeSettings(sms_webhook_url="http://127.0.0.1:9/sms", sms_mode="template")
    with pytest.raises(SmsTemplateError) as refused, open_senders(config):
        pass
    assert "通知类型 initial 没有短信模板" in refused.value.problems
    assert len(refused.value.problems) == len(SMS_KINDS) - 1


def test_the_verification_code_has_a_registered_template_that_fits() -> None:
    registered = sms_templates().confirmation
    assert registered is not None
    message = registered.message("482913", 10)
    assert message["params"] == {"code": "482913", "minutes": "10"}
    assert message["text"].startswith("验证码482913，") and "10分钟内有效" in message["text"]
    assert sms_segments(SIGN + message["text"]) == 1


def test_a_registry_without_a_verification_code_template_is_refused() -> None:
    registry = _registry(confirmation=None, entitled="《${policy}》回复TD退订")
    with pytest.raises(SmsTemplateError) as refused:
        registry.check(SIGN, ["entitled"])
    assert refused.value.problems == ["确认手机号码的验证码短信没有登记模板（confirmation）"]


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        (
            "验证码${secret}",
            [
                "验证码短信模板（SMS_C）使用了未声明的参数 secret",
                "验证码短信模板（SMS_C）不含验证码 ${code}",
            ],
        ),
        ("请于${minutes}分钟内确认", ["验证码短信模板（SMS_C）不含验证码 ${code}"]),
        ("验证码$ code", ["验证码短信模板（SMS_C）的占位符写法有误"]),
    ],
)
def test_a_verification_code_template_that_cannot_be_sent_is_refused(
    text: str, problems: list[str]
) -> None:
    assert _registry(confirmation=text, entitled="《${policy}》回复TD退订").problems() == problems


def test_a_verification_code_too_long_for_one_segment_is_refused() -> None:
    too_long = "验证码${code}" + "字" * 60
    with pytest.raises(SmsTemplateError) as refused:
        _registry(confirmation=too_long).check(SIGN, [])
    assert refused.value.problems == ["验证码短信模板（SMS_C）需 2 条短信，超过 1 条"]
