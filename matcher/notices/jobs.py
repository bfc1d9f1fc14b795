"""Scheduled jobs that run once a day however many workers there are: a ``job_runs`` row per
(job, day), claimed by inserting it (see :class:`~matcher.notices.tables.JobRun`)."""

from datetime import date, timedelta

from sqlalchemy import ColumnElement, Engine, and_, delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from matcher import clock
from matcher.notices.tables import JobRun


class JobLease:
    """One holder's claim on one job for one day."""

    def __init__(self, engine: Engine, job: str, day: date, holder: str, lease: timedelta):
        self.engine, self.job, self.day, self.holder, self.lease = engine, job, day, holder, lease

    def claim(self) -> bool:
        """Take the job for the day: the first to insert its row has it; a row whose holder
        left it unfinished with its lease run out is taken over."""
        moment = clock.now()
        expires = moment + self.lease
        values = {"holder": self.holder, "started_at": moment, "lease_expires_at": expires}
        dialect = self.engine.dialect.name
        insert = (sqlite_insert if dialect == "sqlite" else pg_insert)(JobRun)
        statement = (
            insert.values(job=self.job, day=self.day, **values)
            .on_conflict_do_nothing()
            .execution_options(preserve_rowcount=True)
        )
        with Session(self.engine) as session:
            inserted = session.connection().execute(statement).rowcount == 1
            session.commit()
        lapsed = and_(col(JobRun.finished_at).is_(None), col(JobRun.lease_expires_at) <= moment)
        return inserted or self._update(values, lapsed)

    def finished(self) -> bool:
        """Whether the day's run is done, by whichever holder."""
        with Session(self.engine) as session:
            done = select(JobRun.finished_at).where(self._row())
            return session.exec(done).first() is not None

    def renew(self) -> bool:
        """Move the lease on; ``False`` if another holder has taken the job over."""
        return self._update({"lease_expires_at": clock.now() + self.lease}, self._held())

    def finish(self, error: str | None = None) -> bool:
        """Mark the day's run done (``error``: how it failed): no worker runs it again."""
        return self._update({"finished_at": clock.now(), "error": error}, self._held())

    def release(self) -> None:
        """Give the job up unfinished (the holder is stopping): the next worker runs it."""
        with Session(self.engine) as session:
            session.execute(delete(JobRun).where(self._row(), self._held()))
            session.commit()

    def _row(self) -> ColumnElement[bool]:
        return and_(col(JobRun.job) == self.job, col(JobRun.day) == self.day)

    def _held(self) -> ColumnElement[bool]:
        return and_(col(JobRun.holder) == self.holder, col(JobRun.finished_at).is_(None))

    def _update(self, values: dict[str, object], condition: ColumnElement[bool]) -> bool:
        with Session(self.engine) as session:
            statement = update(JobRun).where(self._row(), condition).values(**values)
            updated = session.connection().execute(statement).rowcount == 1
            session.commit()
        return updated
