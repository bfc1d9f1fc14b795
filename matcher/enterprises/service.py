"""Enterprise records: create, update, read, import. Services flush; the request commits.

``declared`` is always the catalog's declared facts: they type a profile's ``facts`` on the way
in and on the way back from the database.
"""

from collections.abc import Mapping

from sqlmodel import Session

from matcher.auth.service import Principal
from matcher.enterprises.csv_import import CsvContact, parse_csv
from matcher.enterprises.founders import replace_id_numbers
from matcher.enterprises.repository import EnterpriseRepository
from matcher.enterprises.schemas import (
    EnterprisePublic,
    EnterpriseWrite,
    FactProvenance,
    ImportResult,
    ProfilePublic,
)
from matcher.errors import Conflict, DomainError, NotFound
from matcher.profiles.declared import DeclaredFacts
from matcher.profiles.errors import FieldError, ProfileError
from matcher.profiles.model import EnterpriseProfile
from matcher.profiles.parse import parse_profile
from matcher.rules.ast import Value


def anonymous_profile(write: EnterpriseWrite, declared: DeclaredFacts) -> EnterpriseProfile:
    """The submitted profile with founders' ID numbers replaced by their keyed hashes."""
    data = write.profile.model_dump(exclude_unset=True)
    try:
        return parse_profile(replace_id_numbers(data), declared)
    except ProfileError as error:
        raise ProfileError(
            [FieldError(f"profile.{e.field}", e.code, e.message) for e in error.errors]
        ) from None


def to_profile(write: EnterpriseWrite, declared: DeclaredFacts) -> EnterpriseProfile:
    """The submitted profile of an enterprise on record, which needs its code and name."""
    profile = anonymous_profile(write, declared)
    missing = [name for name in ("uscc", "name") if getattr(profile, name) is None]
    if missing:
        raise ProfileError([FieldError(f"profile.{name}", "missing", "必填") for name in missing])
    return profile


def create(
    session: Session, write: EnterpriseWrite, actor: Principal, declared: DeclaredFacts
) -> EnterpriseProfile:
    profile = to_profile(write, declared)
    repository = EnterpriseRepository(session)
    if profile.uscc is not None and repository.row(profile.uscc) is not None:
        raise Conflict("already_exists", f"统一社会信用代码 {profile.uscc} 的企业已存在")
    repository.save(profile, write.source, actor.actor_id)
    return profile


def replace(
    session: Session, uscc: str, write: EnterpriseWrite, actor: Principal, declared: DeclaredFacts
) -> EnterpriseProfile:
    repository = EnterpriseRepository(session)
    if repository.row(uscc) is None:
        raise NotFound("企业")
    profile = to_profile(write, declared)
    if profile.uscc != uscc:
        raise DomainError("uscc_mismatch", "请求体中的统一社会信用代码与地址中的不一致")
    repository.save(profile, write.source, actor.actor_id)
    return profile


def visible_profile(
    repository: EnterpriseRepository, uscc: str, viewer: Principal, declared: DeclaredFacts
) -> EnterpriseProfile:
    """The profile ``viewer`` may see; :class:`NotFound` for one that does not exist and, alike,
    for another enterprise's."""
    profile = repository.get(uscc, declared) if viewer.may_see(uscc) else None
    if profile is None:
        raise NotFound("企业")
    return profile


def read(
    session: Session, uscc: str, viewer: Principal, declared: DeclaredFacts
) -> EnterprisePublic:
    """An enterprise's profile and where each fact came from.

    An enterprise asking for another one gets the same answer as for one that does not exist.
    """
    repository = EnterpriseRepository(session)
    profile = visible_profile(repository, uscc, viewer, declared)
    provenance = {
        field: FactProvenance(source=r.source, recorded_at=r.recorded_at, recorded_by=r.recorded_by)
        for field, r in repository.provenance(uscc).items()
    }
    public = ProfilePublic.model_validate(profile.model_dump())
    return EnterprisePublic(profile=public, provenance=provenance)


def import_csv(
    session: Session, text: str, source: str, actor: Principal, declared: DeclaredFacts
) -> tuple[ImportResult, list[CsvContact]]:
    """All rows or none: every row is validated before the first is written. The contacts
    of the file (already checked) are the caller's to store."""
    parsed = parse_csv(text, declared)
    repository = EnterpriseRepository(session)
    created = sum(repository.save(profile, source, actor.actor_id) for profile in parsed.profiles)
    result = ImportResult(created=created, updated=len(parsed.profiles) - created)
    return result, parsed.contacts


def confirm_industry(
    session: Session, uscc: str, industry_code: str, actor: Principal, declared: DeclaredFacts
) -> EnterpriseProfile:
    """Record the industry code a staff member confirmed or corrected, as ``staff_confirmed``.

    This is how a suggestion from the business scope becomes a fact the rules may use.
    """
    repository = EnterpriseRepository(session)
    profile = repository.get(uscc, declared)
    if profile is None:
        raise NotFound("企业")
    data = profile.model_dump()
    data["industry_code"] = industry_code.strip().upper()
    confirmed = parse_profile(data, declared)
    repository.save(confirmed, "staff_confirmed", actor.actor_id)
    return confirmed


def confirm_declared_facts(
    session: Session,
    uscc: str,
    facts: Mapping[str, Value],
    actor: Principal,
    declared: DeclaredFacts,
) -> EnterpriseProfile:
    """Record the declared facts a staff member verified, as ``staff_confirmed``: ``facts``
    replaces them all (a fact left out becomes unknown); the other facts stay as they were."""
    repository = EnterpriseRepository(session)
    profile = repository.get(uscc, declared)
    if profile is None:
        raise NotFound("企业")
    data = profile.model_dump()
    data["facts"] = {name: value for name, value in facts.items() if value is not None}
    confirmed = parse_profile(data, declared)
    repository.save(confirmed, "staff_confirmed", actor.actor_id)
    return confirmed
