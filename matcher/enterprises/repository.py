"""Every query on enterprises, founders and their fact history.

A declared fact (see :mod:`matcher.profiles.declared`) is stored in the ``declared_facts`` JSON
column and recorded in the history as ``facts.<name>``. Reading a profile back needs the
catalog's declarations, which type the stored JSON values.
"""

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import groupby
from operator import attrgetter
from typing import Any

from sqlalchemy import RowMapping, delete, func, insert, or_, select, update
from sqlmodel import Session, col

from matcher import clock
from matcher.enterprises.tables import FactRecord, Founder, RecordedFact, enterprises
from matcher.profiles.declared import FACTS_PREFIX, DeclaredFacts
from matcher.profiles.derived import derive
from matcher.profiles.model import EnterpriseProfile
from matcher.profiles.parse import parse_profile
from matcher.serialization import to_json_value

PROFILE_FIELDS = tuple(
    name for name in EnterpriseProfile.model_fields if name not in ("founders", "facts")
)
"""The profile's own scalar facts, one column each."""


def row_values(profile: EnterpriseProfile) -> dict[str, Any]:
    """The row of ``profile``: its facts, the facts derived from them, its declared facts."""
    values = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    derived = derive(profile).values
    values.update({path.removeprefix("enterprise."): value for path, value in derived.items()})
    values["declared_facts"] = to_json_value(profile.facts)
    return values


def _founders_of(profile: EnterpriseProfile) -> list[dict[str, Any]]:
    return [f.model_dump() for f in profile.founders]


def _history_values(profile: EnterpriseProfile) -> dict[str, Any]:
    """Every fact of ``profile`` as the history names it, declared ones as JSON values."""
    values: dict[str, Any] = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    values["founders"] = _founders_of(profile)
    for name, value in to_json_value(profile.facts).items():
        values[FACTS_PREFIX + name] = value
    return values


def profile_of(
    row: Mapping[Any, Any], founders: list[dict[str, Any]], declared: DeclaredFacts
) -> EnterpriseProfile:
    """The profile of an ``enterprises`` row and its founders' rows, declared facts typed by
    ``declared``."""
    data = {name: row[name] for name in PROFILE_FIELDS}
    data["founders"] = founders
    data["facts"] = declared.stored(row["declared_facts"] or {})
    return parse_profile(data, declared)


def profile_recorded(
    uscc: str, name: str, records: Iterable[RecordedFact], declared: DeclaredFacts
) -> EnterpriseProfile:
    """The profile ``records`` (oldest first) leave behind: each fact as last recorded."""
    data: dict[str, Any] = {"uscc": uscc, "name": name}
    facts: dict[str, Any] = {}
    for record in records:
        if record.field.startswith(FACTS_PREFIX):
            facts[record.field.removeprefix(FACTS_PREFIX)] = record.value
        else:
            data[record.field] = record.value
    known = {fact: value for fact, value in facts.items() if value is not None}
    data["facts"] = declared.stored(known)
    return parse_profile(data, declared)


FACTS_CHANGED = "matcher.facts_changed"
"""The key of ``Session.info`` under which :meth:`EnterpriseRepository.save` collects the ids
of the enterprises whose facts it changed, for whoever follows the change (re-judging them
before the transaction commits)."""


class EnterpriseRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def row(self, uscc: str) -> RowMapping | None:
        return (
            self.session.execute(select(enterprises).where(enterprises.c.uscc == uscc))
            .mappings()
            .first()
        )

    def names(self, usccs: Collection[str]) -> dict[str, str]:
        """The names of the enterprises of ``usccs`` on record, in one query (for a list)."""
        found = select(enterprises.c.uscc, enterprises.c.name).where(enterprises.c.uscc.in_(usccs))
        return {uscc: name for uscc, name in self.session.execute(found)}

    def get(self, uscc: str, declared: DeclaredFacts) -> EnterpriseProfile | None:
        """The enterprise's profile, its declared facts typed by ``declared``."""
        row = self.row(uscc)
        return None if row is None else self._profile(row, declared)

    def _founders(self, enterprise_id: int) -> list[dict[str, Any]]:
        founders = self.session.execute(
            select(col(Founder.id_hash), col(Founder.first_time_founder))
            .where(col(Founder.enterprise_id) == enterprise_id)
            .order_by(col(Founder.id))
        ).mappings()
        return [dict(f) for f in founders]

    def _profile(self, row: RowMapping, declared: DeclaredFacts) -> EnterpriseProfile:
        return profile_of(row, self._founders(row["id"]), declared)

    def founder_id_hashes(self, enterprise_id: int) -> set[str]:
        """The keyed hashes of the ID numbers of the enterprise's founders on record."""
        hashes = self.session.execute(
            select(col(Founder.id_hash)).where(
                col(Founder.enterprise_id) == enterprise_id, col(Founder.id_hash).is_not(None)
            )
        ).scalars()
        return {h for h in hashes if h is not None}

    def save(
        self, profile: EnterpriseProfile, source: str, actor: str, note: str | None = None
    ) -> bool:
        """Insert or replace the enterprise's facts; record each changed fact (with ``note``,
        the basis, if given). True if created."""
        if profile.uscc is None or profile.name is None:
            raise ValueError("an enterprise on record needs its code and its name")
        existing = self.row(profile.uscc)
        columns = row_values(profile)
        if existing is None:
            enterprise_id = self.session.execute(
                insert(enterprises).values(**columns).returning(enterprises.c.id)
            ).scalar_one()
            before: dict[str, Any] = {}
        else:
            enterprise_id = existing["id"]
            before = {name: existing[name] for name in PROFILE_FIELDS}
            before["founders"] = self._founders(enterprise_id)
            for name, value in (existing["declared_facts"] or {}).items():
                before[FACTS_PREFIX + name] = value
            self.session.execute(
                update(enterprises)
                .where(enterprises.c.id == enterprise_id)
                .values(**columns, version=enterprises.c.version + 1)
            )
            self.session.execute(delete(Founder).where(Founder.enterprise_id == enterprise_id))
        for founder in profile.founders:
            self.session.add(Founder(enterprise_id=enterprise_id, **founder.model_dump()))
        after = _history_values(profile)
        removed = {name: None for name in before if name not in after}
        moment = clock.now()
        changed = existing is None
        for name, value in (after | removed).items():
            if existing is None and value in (None, []):
                continue
            if existing is not None and before.get(name) == value:
                continue
            changed = True
            self.session.add(
                FactRecord(
                    enterprise_id=enterprise_id,
                    field=name,
                    value=to_json_value(value),
                    source=source,
                    recorded_at=moment,
                    recorded_by=actor,
                    note=note,
                )
            )
        if changed:
            self.session.info.setdefault(FACTS_CHANGED, set()).add(enterprise_id)
        self.session.flush()
        return existing is None

    def profile_as_of(
        self, uscc: str, moment: datetime, declared: DeclaredFacts
    ) -> EnterpriseProfile | None:
        """The facts as recorded before ``moment``: what the window knew then."""
        row = self.row(uscc)
        if row is None:
            return None
        records = self.records_of(row["id"], moment)
        return profile_recorded(row["uscc"], row["name"], records, declared)

    def records_of(self, enterprise_id: int, moment: datetime) -> Sequence[FactRecord]:
        """The enterprise's fact records made before ``moment``, oldest first."""
        statement = (
            select(FactRecord)
            .where(
                col(FactRecord.enterprise_id) == enterprise_id,
                col(FactRecord.recorded_at) < moment,
            )
            .order_by(col(FactRecord.id))
        )
        return self.session.execute(statement).scalars().all()

    def records_before(self, moment: datetime) -> Iterator[tuple[int, list[RecordedFact]]]:
        """Each enterprise's fact records made before ``moment``, oldest first: a whole
        population's history in one streamed query. An enterprise with none is left out."""
        statement = (
            select(
                col(FactRecord.enterprise_id),
                col(FactRecord.field),
                col(FactRecord.value),
                col(FactRecord.source),
                col(FactRecord.recorded_at),
            )
            .where(col(FactRecord.recorded_at) < moment)
            .order_by(col(FactRecord.enterprise_id), col(FactRecord.id))
            .execution_options(yield_per=5000)
        )
        by_enterprise = groupby(self.session.execute(statement), key=attrgetter("enterprise_id"))
        for enterprise_id, records in by_enterprise:
            yield enterprise_id, list(records)

    def history(self, uscc: str) -> Sequence[FactRecord]:
        row = self.row(uscc)
        if row is None:
            return []
        statement = (
            select(FactRecord)
            .where(FactRecord.enterprise_id == row["id"])
            .order_by(col(FactRecord.id))
        )
        return self.session.execute(statement).scalars().all()

    def provenance(self, uscc: str) -> dict[str, FactRecord]:
        """The latest record of each fact: where its current value came from."""
        return {record.field: record for record in self.history(uscc)}

    def search(self, query: str | None, offset: int, limit: int) -> tuple[list[RowMapping], int]:
        statement = select(enterprises)
        if query:  # literally: % and _ in a name are characters, not wildcards
            statement = statement.where(
                or_(
                    enterprises.c.uscc.contains(query, autoescape=True),
                    enterprises.c.name.contains(query, autoescape=True),
                )
            )
        total = self.session.execute(
            select(func.count()).select_from(statement.subquery())
        ).scalar_one()
        rows = (
            self.session.execute(statement.order_by(enterprises.c.id).offset(offset).limit(limit))
            .mappings()
            .all()
        )
        return list(rows), total

    def count(self) -> int:
        return int(self.session.execute(select(func.count()).select_from(enterprises)).scalar_one())
