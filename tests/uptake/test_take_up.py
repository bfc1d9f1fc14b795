"""Non-take-up: eligible, told N days ago or more, no claim — as the raw rows say, paged."""

from datetime import timedelta

import pytest
from sqlmodel import Session

from matcher.errors import DomainError
from matcher.uptake.selection import UptakeFilter
from matcher.uptake.take_up import MAX_DAYS, check_days, unclaimed, unclaimed_count
from tests.uptake.conftest import TODAY, Population
from tests.uptake.raw import china, read


@pytest.mark.parametrize("days", [0, 30, 60])
def test_the_list_is_the_unclaimed_pairs_told_long_enough_ago(
    population: Population, days: int
) -> None:
    ids = tuple(p.id for p in population.catalog)
    chosen = UptakeFilter(ids)
    with Session(population.engine) as session:
        raw = read(session)
        claimed = {(c.enterprise_id, c.policy_id) for c in raw.claims}
        expected = sorted(
            (first, pair)
            for pair, first in raw.first_notice.items()
            if pair in raw.eligible
            and pair not in claimed
            and pair[1] in ids
            and china(first) <= TODAY - timedelta(days=days)
        )
        count = unclaimed_count(session, chosen, days, TODAY)
        listed = unclaimed(session, chosen, days, TODAY, 0, 100)
        assert count == len(expected) == len(listed)
        assert [(u.enterprise_id, u.policy_id) for u in listed] == [pair for _, pair in expected]
        for u in listed:
            assert (
                u.waiting_days(TODAY)
                == (TODAY - china(raw.first_notice[(u.enterprise_id, u.policy_id)])).days
            )
            assert u.waiting_days(TODAY) >= days
            assert u.amount == raw.eligible[(u.enterprise_id, u.policy_id)]
            assert u.uscc == raw.firms[u.enterprise_id]["uscc"]
        if len(listed) > 1:
            assert unclaimed(session, chosen, days, TODAY, 1, 1) == listed[1:2]


def test_thirty_days_lists_the_two_left_waiting(population: Population) -> None:
    """Of the fixture's, only the enterprise told 60 days ago has never claimed."""
    with Session(population.engine) as session:
        listed = unclaimed(session, UptakeFilter(("startup-subsidy",)), 30, TODAY, 0, 10)
    assert [u.uscc for u in listed] == [population.usccs[5]]
    assert listed[0].waiting_days(TODAY) == 60


@pytest.mark.parametrize("days", [-1, MAX_DAYS + 1])
def test_days_out_of_range_are_refused(days: int) -> None:
    with pytest.raises(DomainError) as refused:
        check_days(days)
    assert (refused.value.code, refused.value.message) == (
        "invalid_days",
        f"天数须为 0 至 {MAX_DAYS} 之间的整数",
    )
