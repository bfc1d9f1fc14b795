"""Working days from filing to decision, time limits kept, and the open and overdue claims of
each lead unit: as the raw rows say."""

from collections import Counter
from decimal import Decimal

from sqlmodel import Session

from matcher.payouts.tables import ClaimStatus
from matcher.uptake.processing import ProcessingFigures, UnitLoad, processing_times, unit_loads
from matcher.uptake.selection import UptakeFilter
from tests.uptake.conftest import DEREGISTRATION, TODAY, Population
from tests.uptake.raw import china, read, working_days


def test_processing_times_are_counted_day_by_day(population: Population) -> None:
    ids = tuple(p.id for p in population.catalog)
    with Session(population.engine) as session:
        raw = read(session)
        times = processing_times(session, UptakeFilter(ids))
    deciding = [d for d in raw.decisions if d.kind == "reject"] + raw.standing
    by_policy: dict[str, list[tuple[int, int | None, bool]]] = {}
    for d in deciding:
        c = raw.claim(d.claim_id)
        decided = china(d.decided_at)
        spent = working_days(c.restarted_on or c.claim_date, decided)
        kept = c.due_date is not None and decided <= c.due_date
        by_policy.setdefault(c.policy_id, []).append((spent, c.processing_days, kept))
    expected = []
    for policy_id, rows in sorted(by_policy.items()):
        limits = [limit for _, limit, _ in rows if limit is not None]
        expected.append(
            ProcessingFigures(
                policy_id,
                len(rows),
                (Decimal(sum(s for s, _, _ in rows)) / len(rows)).quantize(Decimal("0.1")),
                len(limits),
                (Decimal(sum(limits)) / len(limits)).quantize(Decimal("0.1")) if limits else None,
                sum(kept for _, _, kept in rows),
            )
        )
    assert times == expected
    dereg = next(t for t in times if t.policy_id == DEREGISTRATION)
    assert (dereg.decided, dereg.limited, dereg.average_limit) == (1, 1, Decimal("3.0"))


def test_unit_loads_are_open_and_overdue_claims_by_lead_unit(population: Population) -> None:
    policies = [p.policy for p in population.catalog]
    units = {p.id: p.lead_unit for p in policies}
    with Session(population.engine) as session:
        raw = read(session)
        loads = unit_loads(session, UptakeFilter(tuple(units)), policies, TODAY)
    opened: Counter[str] = Counter()
    late: Counter[str] = Counter()
    for c in raw.claims:
        opened[units[c.policy_id]] += c.status in (
            ClaimStatus.PENDING,
            ClaimStatus.MATERIALS_REQUESTED,
        )
        late[units[c.policy_id]] += c.is_overdue(TODAY)
    expected = [
        UnitLoad(unit, opened[unit], late[unit])
        for unit in sorted(opened)
        if opened[unit] or late[unit]
    ]
    assert loads == expected
    assert sum(load.overdue for load in loads) == 1  # the 简易注销 claim left waiting 20 days
