"""The registered SMS templates (``matcher/templates/notices/sms_templates.yaml``).

Chinese SMS gateways send only templates filed with them beforehand: a message names the
template's code and the values of its ``${parameters}`` (:class:`string.Template` syntax).
Each template's text is kept here with its code, so it can be checked before anything is
sent: every placeholder is a declared parameter, the text ends with the opt-out words, and
the text with the signature and every parameter at its longest fits the segments allowed —
70 characters for a single message, 67 per part of a concatenated one
(:func:`~matcher.notices.render.sms_segments`).
"""

from collections.abc import Callable, Iterable
from functools import cache
from string import Template
from typing import Any, ClassVar, Protocol

import yaml
from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError

from matcher.notices.render import sms_segments
from matcher.templating import TEMPLATES_DIR

REGISTRY = TEMPLATES_DIR / "notices" / "sms_templates.yaml"


class TemplateFacts(Protocol):
    """What a template's values are read from: any notice's context."""

    @property
    def kind(self) -> str: ...

    @property
    def policy_title(self) -> str: ...


PARAM_VALUES: dict[str, Callable[[TemplateFacts], str]] = {
    "policy": lambda notice: notice.policy_title,
}
"""How each parameter a template may name is read off a notice."""


class SmsTemplateError(Exception):
    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("；".join(self.problems))


class Param(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str
    max_length: PositiveInt
    """The longest value sent; a longer one is cut to this length, ending in "…"."""


class SmsTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1)
    """The code the gateway gave the template when it was registered."""
    text: str = Field(min_length=1)
    """The text exactly as registered, without the signature."""


class CodeTemplate(BaseModel):
    """The verification code that confirms a mobile number (see
    :mod:`matcher.notices.confirmation`). Gateways file codes as a class of their own (验证码),
    apart from notices, and such a message carries no opt-out words: it goes only to a number
    someone just asked to confirm."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1)
    text: str = Field(min_length=1)
    """With ``${code}`` and, if it says how long the code lasts, ``${minutes}``."""

    PARAMS: ClassVar[frozenset[str]] = frozenset({"code", "minutes"})

    def message(self, secret: str, minutes: int) -> dict[str, Any]:
        """The template's code, the values and the text they make."""
        values = {"code": secret, "minutes": str(minutes)}
        params = {name: values[name] for name in Template(self.text).get_identifiers()}
        return {"code": self.code, "params": params, "text": Template(self.text).substitute(params)}

    def problems(self) -> list[str]:
        template = Template(self.text)
        if not template.is_valid():
            return [f"验证码短信模板（{self.code}）的占位符写法有误"]
        names = set(template.get_identifiers())
        found = [
            f"验证码短信模板（{self.code}）使用了未声明的参数 {name}"
            for name in sorted(names - self.PARAMS)
        ]
        if "code" not in names:
            found.append(f"验证码短信模板（{self.code}）不含验证码 ${{code}}")
        return found


class SmsTemplates(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_segments: PositiveInt
    ending: str
    """The opt-out words every text ends with (回复TD退订)."""
    params: dict[str, Param]
    templates: dict[str, SmsTemplate]
    """By notice kind."""
    confirmation: CodeTemplate | None = None
    """The verification code; template mode needs it to confirm a new mobile number."""

    def problems(self) -> list[str]:
        """What is wrong with the texts themselves, whatever the signature."""
        unknown = [name for name in self.params if name not in PARAM_VALUES]
        found = [f"短信模板参数 {name} 无法从通知中取值" for name in unknown]
        for kind, template in self.templates.items():
            for name in Template(template.text).get_identifiers():
                if name not in self.params:
                    found.append(f"短信模板 {kind}（{template.code}）使用了未声明的参数 {name}")
            if not Template(template.text).is_valid():
                found.append(f"短信模板 {kind}（{template.code}）的占位符写法有误")
            if not template.text.endswith(self.ending):
                found.append(f"短信模板 {kind}（{template.code}）未以“{self.ending}”结尾")
        return found + (self.confirmation.problems() if self.confirmation else [])

    def check(self, sign: str, kinds: Iterable[str]) -> None:
        """Refuse a registry that cannot send every one of ``kinds``, or whose longest
        message, signed with ``sign``, takes more than ``max_segments`` segments."""
        problems = [f"通知类型 {kind} 没有短信模板" for kind in kinds if kind not in self.templates]
        if self.confirmation is None:
            problems.append("确认手机号码的验证码短信没有登记模板（confirmation）")
        else:
            code = self.confirmation
            segments = sms_segments(sign + code.message("0" * 6, 99)["text"])
            if segments > self.max_segments:
                problems.append(
                    f"验证码短信模板（{code.code}）需 {segments} 条短信，"
                    f"超过 {self.max_segments} 条"
                )
        for kind, template in self.templates.items():
            segments = sms_segments(sign + self.longest(template))
            if segments > self.max_segments:
                problems.append(
                    f"短信模板 {kind}（{template.code}）最长时需 {segments} 条短信，"
                    f"超过 {self.max_segments} 条"
                )
        if problems:
            raise SmsTemplateError(problems)

    def longest(self, template: SmsTemplate) -> str:
        """The template's text with every parameter at its longest."""
        return Template(template.text).substitute(
            {name: "字" * param.max_length for name, param in self.params.items()}
        )

    def message(self, notice: TemplateFacts) -> dict[str, Any] | None:
        """The template's code, the values for ``notice`` and the text they make, or
        ``None`` for a kind without a template."""
        template = self.templates.get(notice.kind)
        if template is None:
            return None
        names = Template(template.text).get_identifiers()
        params = {name: self._value(name, notice) for name in names}
        text = Template(template.text).substitute(params)
        return {"code": template.code, "params": params, "text": text}

    def _value(self, name: str, notice: TemplateFacts) -> str:
        value, limit = PARAM_VALUES[name](notice), self.params[name].max_length
        return value if len(value) <= limit else value[: limit - 1] + "…"


@cache
def sms_templates() -> SmsTemplates:
    """The registry the package carries, its texts checked."""
    try:
        registry = SmsTemplates.model_validate(yaml.safe_load(REGISTRY.read_text("utf-8")))
    except ValidationError as error:
        raise SmsTemplateError(
            f"{REGISTRY.name}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()
        ) from None
    problems = registry.problems()
    if problems:
        raise SmsTemplateError(problems)
    return registry
