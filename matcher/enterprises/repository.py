"""Every query on enterprises, founders and their fact history."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, delete, func, insert, or_, select, update
from sqlmodel import Session, col

from matcher import clock
from matcher.enterprises.tables import FactRecord, Founder, enterprises
from matcher.profiles.derived import derive
from matcher.profiles.model import EnterpriseProfile
from matcher.profiles.parse import parse_profile
from matcher.serialization import to_json_value

PROFILE_FIELDS = tuple(name for name in EnterpriseProfile.model_fields if name != "founders")


def row_values(profile: EnterpriseProfile) -> dict[str, Any]:
    """The row of ``profile``: its facts and the facts derived from them."""
    values = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    derived = derive(profile).values
    values.update({path.removeprefix("enterprise."): value for path, value in derived.items()})
    return values


def _founders_of(profile: EnterpriseProfile) -> list[dict[str, Any]]:
    return [f.model_dump() for f in profile.founders]


class EnterpriseRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def row(self, uscc: str) -> RowMapping | None:
        return (
            self.session.execute(select(enterprises).where(enterprises.c.uscc == uscc))
            .mappings()
            .first()
        )

    def get(self, uscc: str) -> EnterpriseProfile | None:
        row = self.row(uscc)
        return None if row is None else self._profile(row)

    def _profile(self, row: RowMapping) -> EnterpriseProfile:
        founders = self.session.execute(
            select(col(Founder.id_hash), col(Founder.first_time_founder))
            .where(col(Founder.enterprise_id) == row["id"])
            .order_by(col(Founder.id))
        ).mappings()
        data = {name: row[name] for name in PROFILE_FIELDS}
        data["founders"] = [dict(f) for f in founders]
        return parse_profile(data)

    def save(self, profile: EnterpriseProfile, source: str, actor: str) -> bool:
        """Insert or replace the enterprise's facts; record each changed fact. True if created."""
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
            before["founders"] = _founders_of(self._profile(existing))
            self.session.execute(
                update(enterprises).where(enterprises.c.id == enterprise_id).values(**columns)
            )
            self.session.execute(delete(Founder).where(Founder.enterprise_id == enterprise_id))
        for founder in profile.founders:
            self.session.add(Founder(enterprise_id=enterprise_id, **founder.model_dump()))
        after = {name: getattr(profile, name) for name in PROFILE_FIELDS}
        after["founders"] = _founders_of(profile)
        moment = clock.now()
        for name, value in after.items():
            if existing is None and value in (None, []):
                continue
            if existing is not None and before.get(name) == value:
                continue
            self.session.add(
                FactRecord(
                    enterprise_id=enterprise_id,
                    field=name,
                    value=to_json_value(value),
                    source=source,
                    recorded_at=moment,
                    recorded_by=actor,
                )
            )
        self.session.flush()
        return existing is None

    def profile_as_of(self, uscc: str, moment: datetime) -> EnterpriseProfile | None:
        """The facts as recorded before ``moment``: what the window knew then."""
        row = self.row(uscc)
        if row is None:
            return None
        records = self.session.execute(
            select(FactRecord)
            .where(col(FactRecord.enterprise_id) == row["id"], col(FactRecord.recorded_at) < moment)
            .order_by(col(FactRecord.id))
        ).scalars()
        data: dict[str, Any] = {"uscc": row["uscc"], "name": row["name"]}
        data.update({record.field: record.value for record in records})
        return parse_profile(data)

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
        if query:
            pattern = f"%{query}%"
            statement = statement.where(
                or_(enterprises.c.uscc.like(pattern), enterprises.c.name.like(pattern))
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
