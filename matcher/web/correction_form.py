"""The form that corrects an enterprise's facts: a field per fact the person may correct, filled
with what is on record, beside where each fact came from (信息来源: the source and day of its
last record, and who supplies it). An enterprise gets the facts it declares itself; staff get
every fact and give the basis of their correction. Fields are the calculator's and the declared
facts' (:mod:`matcher.web.calculator_form`, :mod:`matcher.web.declared_fields`).
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import ClassVar

from matcher.enterprises.corrections import correctable, fact_title, self_correctable
from matcher.enterprises.tables import FactRecord
from matcher.profiles.authorities import authority_label
from matcher.profiles.declared import FACTS_PREFIX, DeclaredFacts
from matcher.profiles.labels import show_value
from matcher.profiles.model import EnterpriseProfile
from matcher.rules.ast import Value
from matcher.web.attempt import Refusal
from matcher.web.calculator_form import profile_field
from matcher.web.declared_fields import declared_field, form_field_of, form_text, read_fields
from matcher.web.fields import FieldKind, FieldSpec

NOTE = FieldSpec(
    "note", "更正依据", FieldKind.TEXT, hint="必填，如“凭营业执照核验”“凭2020年度纳税申报表核验”"
)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a fact's value on record came from, and who supplies the fact."""

    source: str | None
    recorded_at: datetime | None
    authority: str


@dataclass(frozen=True, slots=True)
class FixedFact:
    """A fact shown to the enterprise but corrected only by staff."""

    label: str
    value: str
    origin: Origin


@dataclass(frozen=True, slots=True)
class CorrectionForm:
    fields: tuple[FieldSpec, ...]
    values: Mapping[str, str]
    origins: Mapping[str, Origin]
    staff: bool
    fixed: tuple[FixedFact, ...] = ()
    """For an enterprise: the facts an authority supplies, read-only."""
    errors: Mapping[str, list[str]] = field(default_factory=dict)
    problem: str | None = None
    """A refusal that concerns no one field."""

    note_field: ClassVar[FieldSpec] = NOTE

    @property
    def by_name(self) -> dict[str, FieldSpec]:
        return {spec.name: spec for spec in (*self.fields, NOTE)}


def _names(declared: DeclaredFacts, staff: bool) -> tuple[str, ...]:
    return correctable(declared) if staff else self_correctable(declared)


def _spec(name: str, declared: DeclaredFacts) -> FieldSpec:
    return declared_field(name, declared[name]) if name in declared else profile_field(name)


def _on_record(profile: EnterpriseProfile, name: str, declared: DeclaredFacts) -> Value:
    value: Value = profile.facts.get(name) if name in declared else getattr(profile, name)
    return value


def _origins(
    names: tuple[str, ...], provenance: Mapping[str, FactRecord], declared: DeclaredFacts
) -> dict[str, Origin]:
    origins = {}
    for name in names:
        record = provenance.get(FACTS_PREFIX + name if name in declared else name)
        origins[name] = Origin(
            record.source if record else None,
            record.recorded_at if record else None,
            authority_label(name, declared),
        )
    return origins


def _fixed(
    profile: EnterpriseProfile,
    provenance: Mapping[str, FactRecord],
    declared: DeclaredFacts,
    staff: bool,
) -> tuple[FixedFact, ...]:
    if staff:
        return ()
    editable = set(self_correctable(declared))
    names = tuple(name for name in correctable(declared) if name not in editable)
    origins = _origins(names, provenance, declared)
    return tuple(
        FixedFact(
            fact_title(name, declared),
            show_value(
                f"enterprise.{name}", _on_record(profile, name, declared), declared.words(name)
            ),
            origins[name],
        )
        for name in names
    )


def correction_form(
    profile: EnterpriseProfile,
    provenance: Mapping[str, FactRecord],
    declared: DeclaredFacts,
    staff: bool,
) -> CorrectionForm:
    """The form filled with the facts on record."""
    names = _names(declared, staff)
    return CorrectionForm(
        tuple(_spec(name, declared) for name in names),
        {name: form_text(_on_record(profile, name, declared)) for name in names},
        _origins(names, provenance, declared),
        staff,
        _fixed(profile, provenance, declared, staff),
    )


def read_correction(
    posted: Mapping[str, str],
    profile: EnterpriseProfile,
    provenance: Mapping[str, FactRecord],
    declared: DeclaredFacts,
    staff: bool,
) -> tuple[CorrectionForm, dict[str, Value] | None]:
    """The form as posted, and the facts that differ from the record when every field could
    be read (an emptied field clears its fact; a field not posted at all keeps it)."""
    blank = correction_form(profile, provenance, declared, staff)
    names = [*(spec.name for spec in blank.fields), *((NOTE.name,) if staff else ())]
    values = {name: posted.get(name, blank.values.get(name, "")) for name in names}
    errors: dict[str, list[str]] = defaultdict(list)
    read = read_fields(blank.fields, values, errors)
    form = replace(blank, values=values, errors=dict(errors))
    if errors:
        return form, None
    changes = {
        spec.name: read.get(spec.name)
        for spec in blank.fields
        if read.get(spec.name) != _on_record(profile, spec.name, declared)
    }
    return form, changes


def refused(form: CorrectionForm, refusal: Refusal) -> CorrectionForm:
    """``form`` with the service's refusal: each fact's problem beside its field."""
    errors: dict[str, list[str]] = defaultdict(list)
    for problem in refusal.fields:
        errors[form_field_of(problem)].append(problem.message)
    placed = bool(errors) and all(name in form.by_name for name in errors)
    return replace(form, errors=dict(errors), problem=None if placed else refusal.message)
