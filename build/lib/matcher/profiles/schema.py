"""The rule-language schema of enterprise facts, read off the profile model itself.

Each scalar profile field becomes the fact ``enterprise.<field>`` with its type and its
title as label; derived facts and ``as_of`` are added beside them. A new profile field is
thus usable in policy files at once, and type-checked like any other.
"""

import types
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from matcher.profiles.derived import derived_facts
from matcher.profiles.model import EnterpriseProfile
from matcher.rules import FactSpec, Schema
from matcher.rules import types as rt

AS_OF = FactSpec("as_of", rt.DATE, "评估日期")

_SCALARS: dict[Any, rt.Type] = {
    bool: rt.BOOL,
    int: rt.INT,
    Decimal: rt.DECIMAL,
    date: rt.DATE,
    str: rt.TEXT,
}


def rule_type(annotation: Any) -> rt.Type | None:
    """The rule type of a profile field's annotation; ``None`` for non-scalar fields."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return rule_type(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        return rule_type(members[0]) if len(members) == 1 else None
    if origin is Literal:
        return rt.enum(*(str(v) for v in get_args(annotation)))
    return _SCALARS.get(annotation)


def profile_facts() -> list[FactSpec]:
    """One fact per scalar field of :class:`EnterpriseProfile`."""
    facts = []
    for name, field in EnterpriseProfile.model_fields.items():
        fact_type = rule_type(field.annotation)
        if fact_type is not None:
            facts.append(FactSpec(f"enterprise.{name}", fact_type, field.title or name))
    return facts


@cache
def enterprise_schema() -> Schema:
    """Profile facts, derived facts and ``as_of``: what every policy may name."""
    return Schema([*profile_facts(), *derived_facts(), AS_OF])


def fact_label(schema: Schema, path: str) -> str:
    """The label of fact ``path``; a profile field outside the schema (founders) by its title."""
    spec = schema.get(path)
    if spec is not None:
        return spec.label
    field = EnterpriseProfile.model_fields.get(path.removeprefix("enterprise."))
    return field.title if field is not None and field.title else path
