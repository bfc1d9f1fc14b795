"""Change detection between two match runs: each trigger once, nothing for what stayed."""

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Engine, insert
from sqlmodel import Session

from matcher.enterprises.tables import enterprises
from matcher.notices.changes import comparison
from matcher.notices.service import notice_plan
from matcher.population.tables import MatchRun
from tests.notices.factories import (
    AFTER,
    BEFORE,
    GREEN,
    LOAN,
    RND,
    STARTUP,
    UNDETERMINED,
    add_enterprises,
    add_run,
    eligible,
    uscc,
    version,
    waiting,
)

OLD = "0" * 64

Change = tuple[int, str, str, Decimal | None, date | None]


def _changes(session: Session, as_of: date = AFTER) -> set[Change]:
    plan = notice_plan(session, as_of)
    assert plan is not None
    rows = session.execute(plan.changes).mappings()
    found = {
        (r["enterprise_id"], r["policy_id"], r["kind"], r["amount"], r["apply_from"]) for r in rows
    }
    assert plan.changed == len(found)
    return found


def test_each_trigger_and_nothing_for_what_stayed(engine: Engine) -> None:
    with Session(engine) as session:
        add_enterprises(session, 10, contacts=False)
        add_run(
            session,
            BEFORE,
            {
                (2, STARTUP): UNDETERMINED,
                (3, STARTUP): waiting(date(2020, 9, 16)),
                (4, LOAN): eligible(version=OLD),
                (5, STARTUP): eligible("5000"),
                (6, STARTUP): eligible("5000"),
                (7, STARTUP): eligible("5000"),
                (10, RND): eligible(None),
            },
            [STARTUP, RND, LOAN],
        )
        add_run(
            session,
            AFTER,
            {
                (1, STARTUP): eligible(),  # absent before
                (2, STARTUP): eligible(),  # undetermined before
                (3, STARTUP): eligible(),  # waiting for 2020-09-16 before
                (4, LOAN): eligible(),  # under another version before
                (5, STARTUP): eligible("6000"),  # another amount
                (6, STARTUP): eligible("5000"),  # unchanged
                # 7 no longer eligible: nothing to tell
                (8, STARTUP): UNDETERMINED,  # not eligible now
                (9, STARTUP): waiting(date(2021, 1, 1)),
                (10, RND): eligible(None),  # no amount, unchanged
                (1, GREEN): eligible(None),  # a policy never matched before
            },
            [STARTUP, RND, LOAN, GREEN],
        )
        assert _changes(session) == {
            (1, STARTUP, "entitled", Decimal("5000.00"), None),
            (2, STARTUP, "entitled", Decimal("5000.00"), None),
            (3, STARTUP, "date_reached", Decimal("5000.00"), date(2020, 9, 16)),
            (4, LOAN, "policy_changed", Decimal("5000.00"), None),
            (5, STARTUP, "amount_changed", Decimal("6000.00"), None),
            (1, GREEN, "published", None, None),
        }


def test_an_unchanged_population_gives_nothing(engine: Engine) -> None:
    rows = {
        (1, STARTUP): eligible(),
        (2, STARTUP): waiting(date(2021, 1, 1)),
        (3, RND): UNDETERMINED,
    }
    with Session(engine) as session:
        add_enterprises(session, 3, contacts=False)
        add_run(session, BEFORE, rows, [STARTUP, RND])
        add_run(session, AFTER, rows, [STARTUP, RND])
        assert _changes(session) == set()


def test_a_run_of_one_policy_neither_hides_nor_repeats_the_others(engine: Engine) -> None:
    with Session(engine) as session:
        add_enterprises(session, 2, contacts=False)
        full = add_run(session, BEFORE, {(1, RND): eligible("100")}, [STARTUP, RND])
        partial = add_run(session, date(2020, 9, 1), {(2, STARTUP): eligible()}, [STARTUP])
        assert _changes(session, date(2020, 9, 1)) == {
            (2, STARTUP, "entitled", Decimal("5000.00"), None)
        }
        add_run(
            session, AFTER, {(1, RND): eligible("100"), (2, STARTUP): eligible()}, [STARTUP, RND]
        )
        assert _changes(session) == set()
        compared = comparison(session, AFTER)
        assert compared is not None
        assert compared.baselines == {RND: full, STARTUP: partial}


def test_runs_are_chosen_by_date_and_unfinished_ones_ignored(engine: Engine) -> None:
    with Session(engine) as session:
        add_enterprises(session, 2, contacts=False)
        assert notice_plan(session, AFTER) is None
        first = add_run(session, BEFORE, {(1, STARTUP): eligible()}, [STARTUP])
        add_run(session, AFTER, {(1, STARTUP): eligible(), (2, STARTUP): eligible()}, [STARTUP])
        add_run(session, AFTER, {}, [STARTUP], finished=False)
        assert _changes(session) == {(2, STARTUP, "entitled", Decimal("5000.00"), None)}
        # on an earlier date the latest run is the first, with nothing to compare it with:
        # what the enterprise may have is news to it, the policy is not new
        assert _changes(session, BEFORE) == {(1, STARTUP, "initial", Decimal("5000.00"), None)}
        compared = comparison(session, BEFORE)
        assert compared is not None and compared.run.id == first
        assert compared.eligible == 1


def test_the_version_of_the_latest_run_is_the_one_reported(engine: Engine) -> None:
    with Session(engine) as session:
        add_enterprises(session, 1, contacts=False)
        add_run(session, BEFORE, {(1, STARTUP): eligible(version=OLD)}, [STARTUP])
        add_run(session, AFTER, {(1, STARTUP): eligible()}, [STARTUP])
        plan = notice_plan(session, AFTER)
        assert plan is not None
        (row,) = session.execute(plan.changes).mappings()
        assert row["policy_version"] == version(STARTUP)
        assert row["run_id"] == plan.comparison.run.id


def test_an_enterprise_no_earlier_run_judged_hears_what_it_may_have(engine: Engine) -> None:
    with Session(engine) as session:
        add_enterprises(session, 1, contacts=False)
        before = add_run(session, BEFORE, {(1, STARTUP): eligible()}, [STARTUP])
        began = session.get_one(MatchRun, before).started_at
        session.execute(
            insert(enterprises),
            [{"id": 2, "uscc": uscc(2), "name": "新登记企业", "created_at": began + timedelta(1)}],
        )
        add_run(
            session,
            AFTER,
            {(1, STARTUP): eligible(), (2, STARTUP): eligible(), (1, GREEN): eligible(None)},
            [STARTUP, GREEN],
        )
        assert _changes(session) == {
            (2, STARTUP, "initial", Decimal("5000.00"), None),
            (1, GREEN, "published", None, None),
        }


def test_each_change_of_amount_under_one_version_has_its_own_event_key(engine: Engine) -> None:
    with Session(engine) as session:
        add_enterprises(session, 1, contacts=False)
        add_run(session, BEFORE, {(1, STARTUP): eligible("5000")}, [STARTUP])
        second = add_run(session, date(2020, 9, 1), {(1, STARTUP): eligible("6000.5")}, [STARTUP])
        third = add_run(session, AFTER, {(1, STARTUP): eligible("5000")}, [STARTUP])
        keys = [_event_keys(session, day) for day in (BEFORE, date(2020, 9, 1), AFTER)]
        assert keys == [{""}, {f"600050@{second}"}, {f"500000@{third}"}]


def _event_keys(session: Session, as_of: date) -> set[str]:
    plan = notice_plan(session, as_of)
    assert plan is not None
    return {row["event_key"] for row in session.execute(plan.changes).mappings()}
