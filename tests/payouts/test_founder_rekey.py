"""``matcher founders rekey``: every founder pseudonym moves to the new key in one transaction,
the ledger stays as it was and its limits still hold; a wrong old key changes nothing."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from click.testing import Result
from sqlmodel import Session, col, select
from typer.testing import CliRunner

import matcher.console
from matcher.cli import app as cli
from matcher.config import DEVELOPMENT_FOUNDER_KEY, settings
from matcher.db import session_scope
from matcher.enterprises.founders import hash_id_number
from matcher.enterprises.pseudonyms import WrongKey, reseal
from matcher.enterprises.tables import FactRecord, Founder
from matcher.errors import DomainError
from matcher.payouts.founder_rekey import rekey_founders
from matcher.payouts.ledger import verify_ledger
from matcher.payouts.tables import Claim, Decision, FounderKeyAlias, LedgerEntry
from tests.conftest import Api
from tests.payouts.conftest import FOUNDER, SECOND_USCC, File, decide

OLD, NEW, NEWER = DEVELOPMENT_FOUNDER_KEY, "the founder key of 2027", "the founder key of 2028"
STARTUP = ("startup-subsidy", {"founder_id_number": FOUNDER})

UseKey = Callable[[str], None]


@pytest.fixture
def use_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[UseKey]:
    """Restart the service with another ``MATCHER_FOUNDER_KEY``."""

    def use(key: str) -> None:
        monkeypatch.setenv("MATCHER_FOUNDER_KEY", key)
        settings.cache_clear()

    yield use
    settings.cache_clear()


@pytest.fixture
def paid_once(window: Api, file_claim: File) -> dict[str, Any]:
    """The founder's subsidy approved for one enterprise, and a second claim for another
    enterprise filed and still open."""
    first = file_claim(*STARTUP).json()
    assert decide(window, first["id"], kind="approve", amount="5000").status_code == 201
    second = file_claim(*STARTUP, uscc=SECOND_USCC)
    assert second.status_code == 201, second.text
    claim: dict[str, Any] = second.json()
    return claim


def _stored(session: Session) -> dict[str, Any]:
    """Every row that holds a founder pseudonym, and the ledger."""
    return {
        "founders": sorted(session.exec(select(Founder.id_hash)).all(), key=str),
        "history": [
            r.value
            for r in session.exec(select(FactRecord).order_by(col(FactRecord.id))).all()
            if r.field == "founders"
        ],
        "claims": [c.facts for c in session.exec(select(Claim).order_by(col(Claim.id))).all()],
        "aliases": session.exec(select(FounderKeyAlias.retired, FounderKeyAlias.current)).all(),
        "decisions": [(d.hash, d.mac) for d in session.exec(select(Decision)).all()],
        "entries": sorted(session.exec(select(LedgerEntry.bucket)).all()),
    }


def _rekey(api: Api, old: str) -> Any:
    with session_scope(api.engine) as session:
        return rekey_founders(session, old, settings().founder_key)


def _refused_as_paid(api: Api, claim_id: int) -> None:
    verification = api.client.get(f"/api/v1/claims/{claim_id}", headers=api.headers("staff"))
    assert verification.json()["payable_amount"] == "0.00"
    assert verification.json()["limits"][0]["used_count"] == 1
    refused = decide(api, claim_id, kind="approve", amount="5000")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "limit_reached"


def test_rekeying_keeps_every_founder_limit(
    window: Api, file_claim: File, paid_once: dict[str, Any], use_key: UseKey
) -> None:
    with session_scope(window.engine) as session:
        before = _stored(session)
    use_key(NEW)
    report = _rekey(window, OLD)
    assert (report.founders, report.claims, report.ledger) == (3, 2, 1)
    assert report.history == 3
    with session_scope(window.engine) as session:
        after = _stored(session)
        assert verify_ledger(session).intact
    now = hash_id_number(FOUNDER)
    assert now != before["founders"][0]
    assert after["founders"] == [now] * 3
    assert all(v[0]["id_hash"] == now for v in after["history"])
    assert [c["founder_id_hash"] for c in after["claims"]] == [now, now]
    assert after["decisions"] == before["decisions"], "the ledger is not rewritten"
    assert after["entries"] == before["entries"]
    assert after["aliases"] == [(before["founders"][0], now)]

    _refused_as_paid(window, paid_once["id"])
    third = file_claim(*STARTUP, uscc=SECOND_USCC)
    assert third.status_code == 201, "the number still names a founder on record"
    _refused_as_paid(window, third.json()["id"])


def test_a_second_rekeying_follows_the_first(
    window: Api, paid_once: dict[str, Any], use_key: UseKey
) -> None:
    use_key(NEW)
    _rekey(window, OLD)
    use_key(NEWER)
    report = _rekey(window, NEW)
    assert report.ledger == 0, "the ledger's pseudonym is mapped already"
    with session_scope(window.engine) as session:
        (alias,) = session.exec(select(FounderKeyAlias)).all()
    assert alias.current == hash_id_number(FOUNDER)
    _refused_as_paid(window, paid_once["id"])


def test_a_reversal_after_rekeying_frees_the_founder(
    window: Api, paid_once: dict[str, Any], use_key: UseKey
) -> None:
    use_key(NEW)
    _rekey(window, OLD)
    with session_scope(window.engine) as session:
        approval = session.exec(select(Decision)).one()
    reversed_ = window.client.post(
        f"/api/v1/decisions/{approval.id}/reversal",
        json={"reason": "重复申领"},
        headers=window.headers("staff"),
    )
    assert reversed_.status_code == 201, reversed_.text
    assert decide(window, paid_once["id"], kind="approve", amount="5000").status_code == 201


@pytest.mark.parametrize("old", ["not the old key", NEW])
def test_a_wrong_old_key_changes_nothing(
    window: Api, paid_once: dict[str, Any], use_key: UseKey, old: str
) -> None:
    use_key(NEW)
    with session_scope(window.engine) as session:
        before = _stored(session)
    code = "same_founder_key" if old == NEW else "wrong_founder_key"
    with pytest.raises(DomainError) as refused:
        _rekey(window, old)
    assert refused.value.code == code
    if code == "wrong_founder_key":
        assert refused.value.message == "旧密钥不正确：1 个创业者标识不是用它生成的，未做任何改动"
    with session_scope(window.engine) as session:
        assert _stored(session) == before


def test_pseudonyms_open_only_under_their_key() -> None:
    sealed = hash_id_number(FOUNDER)
    assert len(sealed) == 64 and int(sealed, 16) >= 0
    assert hash_id_number(FOUNDER.lower()) == sealed, "normalised first"
    moved = reseal(sealed, OLD, NEW)
    assert moved != sealed and reseal(moved, NEW, OLD) == sealed
    with pytest.raises(WrongKey):
        reseal(sealed, NEW, NEWER)
    with pytest.raises(WrongKey):
        reseal("not hex", OLD, NEW)


runner = CliRunner()


@pytest.fixture
def founders_cli(
    window: Api, paid_once: dict[str, Any], monkeypatch: pytest.MonkeyPatch, use_key: UseKey
) -> Callable[..., Result]:
    """``matcher founders rekey`` on the test database (a founder paid once under the old key),
    with ``MATCHER_FOUNDER_KEY`` new."""
    monkeypatch.setattr(matcher.console, "default_engine", lambda: window.engine)
    monkeypatch.delenv("MATCHER_OLD_FOUNDER_KEY", raising=False)
    use_key(NEW)

    def run(env: dict[str, str] | None = None, typed: str | None = None) -> Result:
        return runner.invoke(cli, ["founders", "rekey"], env=env, input=typed)

    return run


def test_the_command_takes_the_old_key_from_the_environment(
    founders_cli: Callable[..., Result],
) -> None:
    result = founders_cli(env={"MATCHER_OLD_FOUNDER_KEY": OLD})
    assert result.exit_code == 0, result.output
    assert "登记的创业者 3 人" in result.output
    assert "账本中的 1 个旧标识已记下对应的新标识" in result.output


def test_the_command_asks_for_the_old_key_without_echoing_it(
    window: Api, founders_cli: Callable[..., Result]
) -> None:
    with session_scope(window.engine) as session:
        before = _stored(session)
    wrong = founders_cli(typed="a mistyped key\n")
    assert wrong.exit_code == 1
    assert "旧密钥不正确" in wrong.output
    assert "a mistyped key" not in wrong.output
    with session_scope(window.engine) as session:
        assert _stored(session) == before
    right = founders_cli(typed=f"{OLD}\n")
    assert right.exit_code == 0, right.output
    assert OLD not in right.output
    with session_scope(window.engine) as session:
        assert session.exec(select(Founder.id_hash)).first() == hash_id_number(FOUNDER)
