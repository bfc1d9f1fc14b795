"""Corrections of an enterprise's facts, by the enterprise itself or by staff, each kept in the
fact history with where it came from, who made it and when.

An enterprise corrects only the facts it declares itself (:mod:`matcher.profiles.authorities`),
recorded as ``self_declared``; naming a fact an authority supplies (registration data from
市场监管, tax data from 税务) refuses the whole correction. Staff correct any fact but the credit
code (the record's key) and the founders (known by their ID numbers), recorded as
``staff_confirmed`` with the basis they give (凭营业执照核验), kept as each fact record's note.
Nothing is written unless the whole correction is valid.
"""

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from matcher.auth.service import Principal
from matcher.auth.tables import Role
from matcher.enterprises.repository import PROFILE_FIELDS, EnterpriseRepository
from matcher.enterprises.service import visible_profile
from matcher.errors import DomainError
from matcher.profiles.authorities import authority_label, self_declarable
from matcher.profiles.declared import DeclaredFacts
from matcher.profiles.errors import FieldError
from matcher.profiles.model import EnterpriseProfile
from matcher.profiles.parse import parse_profile
from matcher.rules.ast import Value
from matcher.text import has_control_characters

CORRECTABLE = tuple(name for name in PROFILE_FIELDS if name != "uscc")
"""The profile's own facts a correction may change: all but the record's key."""
NOTE_LENGTH = 200


def correctable(declared: DeclaredFacts) -> tuple[str, ...]:
    """Every fact staff may correct: the profile's own, then the catalog's declared ones."""
    return (*CORRECTABLE, *declared)


def self_correctable(declared: DeclaredFacts) -> tuple[str, ...]:
    """The facts an enterprise may correct itself."""
    return tuple(name for name in correctable(declared) if self_declarable(name, declared))


def fact_title(name: str, declared: DeclaredFacts) -> str:
    """The label of fact ``name`` as people read it."""
    if name in declared:
        return declared[name].title
    return EnterpriseProfile.model_fields[name].title or name


def _checked_note(note: str | None) -> str:
    text = (note or "").strip()
    problem = None
    if not text:
        problem = "请填写更正依据，如“凭营业执照核验”"
    elif len(text) > NOTE_LENGTH or has_control_characters(text):
        problem = f"更正依据应为一行文字，不超过 {NOTE_LENGTH} 字"
    if problem is not None:
        raise DomainError("note_required", problem, [FieldError("note", "note_required", problem)])
    return text


def _refuse_authority_facts(names: list[str], declared: DeclaredFacts) -> None:
    """An enterprise naming facts an authority supplies: refused, each named with its source."""
    refused = [name for name in names if not self_declarable(name, declared)]
    if not refused:
        return
    details = [
        FieldError(
            name,
            "authority_fact",
            f"由{authority_label(name, declared)}提供，企业不能自行更正",
        )
        for name in refused
    ]
    titles = "、".join(fact_title(name, declared) for name in refused)
    raise DomainError(
        "authority_fact",
        f"{titles}由有关部门提供，企业不能自行更正；如有误，请联系惠企政策兑现专窗核实更正",
        details,
    )


def _refuse_unknown(names: list[str], declared: DeclaredFacts) -> None:
    unknown = [name for name in names if name not in correctable(declared)]
    if unknown:
        raise DomainError(
            "not_correctable",
            "这些信息不能在此更正：" + "、".join(unknown),
            [FieldError(name, "not_correctable", "不能在此更正") for name in unknown],
        )


def correct_facts(
    session: Session,
    uscc: str,
    changes: Mapping[str, Any],
    actor: Principal,
    declared: DeclaredFacts,
    note: str | None = None,
) -> EnterpriseProfile:
    """Set the facts named in ``changes`` (``None`` clears one); the other facts stay. Values
    are typed or in their JSON form (the API's): the profile model checks them as any profile.

    An enterprise (only its own) records them as ``self_declared``; staff as
    ``staff_confirmed``, with ``note``, the basis, required. Refusals: ``not_found``,
    ``authority_fact``, ``not_correctable``, ``note_required``; a bad value is a
    :class:`ProfileError` naming the fact.
    """
    repository = EnterpriseRepository(session)
    profile = visible_profile(repository, uscc, actor, declared)
    names = list(changes)
    _refuse_unknown(names, declared)
    by_enterprise = actor.role is Role.ENTERPRISE
    if by_enterprise:
        _refuse_authority_facts(names, declared)
    else:
        note = _checked_note(note)
    if not changes:
        return profile
    data = profile.model_dump()
    facts: dict[str, Value] = dict(profile.facts)
    for name, value in changes.items():
        if name in declared:
            facts[name] = value
        else:
            data[name] = value
    data["facts"] = {name: value for name, value in facts.items() if value is not None}
    corrected = parse_profile(data, declared)
    source = "self_declared" if by_enterprise else "staff_confirmed"
    repository.save(corrected, source, actor.actor_id, None if by_enterprise else note)
    return corrected
