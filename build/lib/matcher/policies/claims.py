"""Claim facts: the typed facts of one application, declared per policy in its file."""

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model
from pydantic_core import PydanticCustomError

from matcher.bounds import Day
from matcher.policies.model import ClaimFact, Policy
from matcher.profiles.errors import ProfileError, field_errors
from matcher.rules import FactSpec
from matcher.rules import types as rt
from matcher.rules.ast import Value
from matcher.serialization import to_json
from matcher.text import Line

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2014\u2212]")
"""Whitespace, and hyphens and dashes as people type them in a number."""
_REGISTRATION_NUMBER = re.compile(r"[0-9A-Za-z]{10,32}")


def _registration_number(value: object) -> object:
    """A registration number as one key: NFKC (full-width characters from input methods), no
    spaces or hyphens, upper case; 10 to 32 letters and digits (a 技术合同登记编号 is 14 digits on
    the national form, longer in later registries). Not text: left for the type check."""
    if not isinstance(value, str):
        return value
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    if not _REGISTRATION_NUMBER.fullmatch(compact):
        raise PydanticCustomError(
            "invalid_registration_number",
            "应为登记编号：10 至 32 位字母或数字（空格和连字符可省略）",
        )
    return compact.upper()


RegistrationNumber = Annotated[str, BeforeValidator(_registration_number)]

_PYTHON_TYPES: dict[str, Any] = {
    "bool": bool,
    "int": int,
    "money": Decimal,
    "date": Day,
    "text": Line,
    "registration_number": RegistrationNumber,
}

_RULE_TYPES: dict[str, rt.Type] = {
    "bool": rt.BOOL,
    "int": rt.INT,
    "money": rt.DECIMAL,
    "date": rt.DATE,
    "text": rt.TEXT,
    "registration_number": rt.TEXT,
}


def claim_fact_specs(policy: Policy) -> list[FactSpec]:
    """The ``claim.<name>`` facts a policy's expressions may name."""
    return [
        FactSpec(f"claim.{name}", _rule_type(fact), fact.label)
        for name, fact in policy.claim_facts.items()
    ]


def _rule_type(fact: ClaimFact) -> rt.Type:
    if fact.type == "enum":
        return rt.enum(*(fact.values or ()))
    return _RULE_TYPES[fact.type]


def _field(fact: ClaimFact) -> Any:
    if fact.type == "enum":
        annotation: Any = Literal[tuple(fact.values or ())]
    else:
        annotation = _PYTHON_TYPES[fact.type]
    constraints: dict[str, Any] = {"title": fact.label}
    if fact.type == "money":
        constraints.update(ge=0, max_digits=18, decimal_places=2)
    return (annotation | None, Field(None, **constraints))


def claim_model(policy: Policy) -> type[BaseModel]:
    """A strict pydantic model of the policy's claim facts; every fact is optional."""
    fields = {name: _field(fact) for name, fact in policy.claim_facts.items()}
    config = ConfigDict(extra="forbid", frozen=True, strict=True)
    model: type[BaseModel] = create_model(f"Claim_{policy.id}", __config__=config, **fields)
    return model


def parse_claim(model: type[BaseModel], data: Mapping[str, Any] | None) -> dict[str, Value]:
    """Validated claim facts as ``claim.<name>`` facts; :class:`ProfileError` when invalid."""
    try:
        claim = model.model_validate_json(to_json(data or {}))
    except ValidationError as error:
        raise ProfileError(field_errors(error)) from None
    return {f"claim.{name}": value for name, value in claim.model_dump().items()}
