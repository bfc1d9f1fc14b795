"""Month by month figures equal the raw rows grouped by their month in China."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from matcher.notices.tables import NoticeKind
from matcher.uptake.months import MonthFigures, month_figures
from matcher.uptake.selection import Months, UptakeFilter
from tests.uptake.conftest import TODAY, Population
from tests.uptake.raw import Chosen, Raw, china, read


def _expected(raw: Raw, chosen: Chosen) -> list[MonthFigures]:
    notified: dict[str, set[Any]] = defaultdict(set)
    figures: dict[str, list[Any]] = defaultdict(lambda: [0, 0, Decimal("0.00")])
    for n in raw.notices:
        if n.status == "sent" and n.kind in set(NoticeKind) and n.sent_at is not None:
            day = china(n.sent_at)
            if (
                n.policy_id in chosen.policy_ids
                and chosen.day(day)
                and chosen.firm(raw, n.enterprise_id)
            ):
                notified[f"{day:%Y-%m}"].add((n.enterprise_id, n.policy_id))
    for c in raw.claims:
        if (
            c.policy_id in chosen.policy_ids
            and chosen.day(c.claim_date)
            and chosen.firm(raw, c.enterprise_id)
        ):
            figures[f"{c.claim_date:%Y-%m}"][0] += 1
    for d in raw.standing:
        c, day = raw.claim(d.claim_id), china(d.decided_at)
        if (
            c.policy_id in chosen.policy_ids
            and chosen.day(day)
            and chosen.firm(raw, c.enterprise_id)
        ):
            figures[f"{day:%Y-%m}"][1] += 1
            figures[f"{day:%Y-%m}"][2] += d.amount
    months = sorted(set(notified) | set(figures))
    return [MonthFigures(m, len(notified[m]), *figures[m]) for m in months]


def test_months_are_the_raw_rows_by_month(population: Population) -> None:
    ids = tuple(p.id for p in population.catalog)
    first = TODAY - timedelta(days=40)
    with Session(population.engine) as session:
        raw = read(session)
        everything = month_figures(session, UptakeFilter(ids))
        assert everything == _expected(raw, Chosen(set(ids)))
        assert len(everything) >= 3  # the population spans three months or more
        assert sum(m.claimed for m in everything) == len(raw.claims)
        later = month_figures(session, UptakeFilter(ids, "steel", None, Months(first, None)))
        assert later == _expected(raw, Chosen(set(ids), "steel", None, first))
