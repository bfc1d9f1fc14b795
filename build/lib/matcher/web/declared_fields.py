"""Form fields for the facts a catalog declares, read off their declarations: the label with its
unit, how the value is entered, the words of an enumeration, and who supplies the fact.

The calculator asks for them beside the profile's own fields; the staff page records them as
verified (工作人员核实).
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from matcher.profiles.declared import FACTS_PREFIX, DeclaredFacts, FactDeclaration
from matcher.profiles.errors import FieldError
from matcher.rules.ast import Value
from matcher.web.fields import (
    NO,
    YES,
    YES_NO_CHOICES,
    FieldInvalid,
    FieldKind,
    FieldSpec,
    parse_field,
)

_KINDS: dict[str, FieldKind] = {
    "bool": FieldKind.YES_NO,
    "int": FieldKind.INTEGER,
    "decimal": FieldKind.DECIMAL,
    "money": FieldKind.MONEY,
    "date": FieldKind.DATE,
    "text": FieldKind.TEXT,
    "enum": FieldKind.CHOICE,
}


def declared_field(name: str, fact: FactDeclaration) -> FieldSpec:
    """The form field of declared fact ``name``."""
    described = (fact.description or "").rstrip("。；")
    hint = "；".join(filter(None, (described, f"信息来源：{fact.authority_label}")))
    choices: tuple[tuple[str, str], ...] = ()
    if fact.type == "bool":
        choices = YES_NO_CHOICES
    elif fact.values:
        choices = tuple(fact.values.items())
    return FieldSpec(name, fact.title, _KINDS[fact.type], choices, hint)


def declared_fields(declared: DeclaredFacts) -> tuple[FieldSpec, ...]:
    return tuple(declared_field(name, fact) for name, fact in declared.items())


def form_field_of(error: FieldError) -> str:
    """The form field behind a profile error on a declared fact (``facts.<name>``), or the
    first part of the error's path for any other."""
    if error.field.startswith(FACTS_PREFIX):
        return error.field.removeprefix(FACTS_PREFIX)
    return error.field.split(".")[0]


def read_fields(
    specs: tuple[FieldSpec, ...], values: Mapping[str, str], errors: dict[str, list[str]]
) -> dict[str, Value]:
    """The known values typed into ``specs``; each field's problem added to ``errors``."""
    read: dict[str, Value] = {}
    for spec in specs:
        try:
            value = parse_field(spec, values.get(spec.name, ""))
        except FieldInvalid as error:
            errors[spec.name].append(str(error))
            continue
        if value is not None:
            read[spec.name] = value
    return read


def form_text(value: Value) -> str:
    """A typed value as its field shows it, so a form can be filled with what is on record."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True, slots=True)
class DeclaredFactsForm:
    """The staff form of an enterprise's declared facts: as typed, and its errors by field."""

    fields: tuple[FieldSpec, ...]
    values: Mapping[str, str]
    errors: Mapping[str, list[str]] = field(default_factory=dict)

    @property
    def by_name(self) -> dict[str, FieldSpec]:
        return {spec.name: spec for spec in self.fields}


def facts_on_record(declared: DeclaredFacts, facts: Mapping[str, Value]) -> DeclaredFactsForm:
    """The form filled with the declared facts on record."""
    return DeclaredFactsForm(
        declared_fields(declared), {name: form_text(facts.get(name)) for name in declared}
    )


def read_facts_form(
    declared: DeclaredFacts, posted: Mapping[str, str]
) -> tuple[DeclaredFactsForm, dict[str, Value] | None]:
    """The form as posted, and its values when every field could be read."""
    specs = declared_fields(declared)
    values = {spec.name: posted.get(spec.name, "") for spec in specs}
    errors: dict[str, list[str]] = defaultdict(list)
    read = read_fields(specs, values, errors)
    return DeclaredFactsForm(specs, values, dict(errors)), None if errors else read
