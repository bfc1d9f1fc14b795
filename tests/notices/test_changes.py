"""Which changes of the entitlement state make a notice: each trigger once, nothing for what
stayed, and nothing told twice."""

from datetime import date
from decimal import Decimal

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from matcher.notices.service import enqueue, notice_plan
from matcher.population.tables import StateRun
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
    version,
    waiting,
)

OLD = "0" * 64

Change = tuple[int, str, str, Decimal | None, date | None]


def _changes(session: Session) -> set[Change]:
    plan = notice_plan(session)
    rows = session.execute(plan.changes).mappings()
    found = {
        (r["enterprise_id"], r["policy_id"], r["kind"], r["amount"], r["apply_from"]) for r in rows
    }
    assert plan.changed == len(found)
    return found


def _told(session: Session) -> None:
    """Enqueue what the state runs so far have to tell."""
    enqueue(session, notice_plan(session))


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
        _told(session)
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
        _told(session)
        add_run(session, AFTER, rows, [STARTUP, RND])
        assert _changes(session) == set()
        changed = session.execute(select(col(StateRun.changed)).order_by(col(StateRun.id)))
        assert list(changed.scalars()) == [3, 0]


def test_a_run_of_one_policy_neither_hides_nor_repeats_the_others(engine: Engine) -> None:
    with Session(engine) as session:
        add_enterprises(session, 2, contacts=False)
        add_run(session, BEFORE, {(1, RND): eligible("100")}, [STARTUP, RND])
        _told(session)
        add_run(session, date(2020, 9, 1), {(2, STARTUP): eligible()}, [STARTUP])
        assert _changes(session) == {(2, STARTUP, "entitled", Decimal("5000.00"), None)}
        _told(session)
        add_run(
            session, AFTER, {(1, RND): eligible("100"), (2, STARTUP): eligible()}, [STARTUP, RND]
        )
        assert _changes(session) == set()


def test_unfinished_runs_change_nothing_and_told_changes_are_not_told_again(
    engine: Engine,
) -> None:
    with Session(engine) as session:
        add_enterprises(session, 2, contacts=False)
        assert _changes(session) == set()
        add_run(session, BEFORE, {(1, STARTUP): eligible()}, [STARTUP])
        # the first the enterprise hears of what it may have: news to it, the policy is not new
        assert _changes(session) == {(1, STARTUP, "initial", Decimal("5000.00"), None)}
        _told(session)
        assert _changes(session) == set()
        add_run(session, AFTER, {(1, STARTUP): eligible(), (2, STARTUP): eligible()}, [STARTUP])
        add_run(session, AFTER, {}, [STARTUP], finished=False)
        # judged (not eligible) by the first run, so not its first news
        assert _changes(session) == {(2, STARTUP, "entitled", Decimal("5000.00"), None)}
        assert notice_plan(session).eligible == 2


def test_the_version_judged_is_the_one_reported(engine: Engine) -> None:
    with Session(engine) as session:
        add_enterprises(session, 1, contacts=False)
        add_run(session, BEFORE, {(1, STARTUP): eligible(version=OLD)}, [STARTUP])
        _told(session)
        add_run(session, AFTER, {(1, STARTUP): eligible()}, [STARTUP])
        plan = notice_plan(session)
        (row,) = session.execute(plan.changes).mappings()
        assert row["policy_version"] == version(STARTUP)
        assert [row["run_id"]] == list(plan.runs)


def test_an_enterprise_never_judged_hears_what_it_may_have(engine: Engine) -> None:
    with Session(engine) as session:
        add_enterprises(session, 1, contacts=False)
        add_run(session, BEFORE, {(1, STARTUP): eligible()}, [STARTUP])
        _told(session)
        add_enterprises(session, 2, contacts=False, first=2)
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
        keys = []
        for day, amount in ((BEFORE, "5000"), (date(2020, 9, 1), "6000.5"), (AFTER, "5000")):
            add_run(session, day, {(1, STARTUP): eligible(amount)}, [STARTUP])
            plan = notice_plan(session)
            keys.append(
                {
                    (row["event_key"], row["run_id"])
                    for row in session.execute(plan.changes).mappings()
                }
            )
            _told(session)
        (first,), (second,), (third,) = keys
        assert first[0] == ""
        assert second == (f"600050@{second[1]}", second[1])
        assert third == (f"500000@{third[1]}", third[1])
