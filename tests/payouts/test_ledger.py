"""The ledger against someone who can write to the database (issue 9): each way of changing the
money facts behind the window's back is named by ``matcher ledger verify`` with the record it
concerns, and the finance export refuses while it stands."""

from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from click.testing import Result
from pydantic import ValidationError
from sqlalchemy import func, select, text
from typer.testing import CliRunner

import matcher.cli
from matcher.auth.service import Principal
from matcher.auth.tables import Role
from matcher.config import Settings
from matcher.db import session_scope
from matcher.migrate import alembic_config
from matcher.payouts import service
from matcher.payouts.chain import content_hash
from matcher.payouts.ledger import limit_problems
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.tables import Decision, DecisionKind, LedgerVerification
from tests.conftest import ENTERPRISE_USCC, OTHER_USCC, Api
from tests.payouts.conftest import FOUNDER, SECOND_USCC, File, decide

runner = CliRunner()
Ledger = Callable[..., Result]
STARTUP = ("startup-subsidy", {"founder_id_number": FOUNDER})


@pytest.fixture
def ledger(window: Api, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    """``matcher ledger …`` on the test database."""
    monkeypatch.setattr(matcher.cli, "default_engine", lambda: window.engine)

    def run(*args: str) -> Result:
        return runner.invoke(matcher.cli.app, ["ledger", *args])

    return run


def _three_records(window: Api, file_claim: File) -> dict[str, int]:
    """Materials asked for (record 1), a rejection (2), then an approval (3): the claims' ids."""
    claims = {
        who: file_claim(*STARTUP, uscc=uscc).json()["id"]
        for who, uscc in (("asked", SECOND_USCC), ("rejected", OTHER_USCC))
    }
    claims["approved"] = file_claim(*STARTUP).json()["id"]
    asked = decide(window, claims["asked"], kind="request_materials", reason="请补充社保缴费记录")
    assert asked.status_code == 201, asked.text
    assert decide(window, claims["rejected"], kind="reject", reason="不符合").status_code == 201
    assert decide(window, claims["approved"], kind="approve", amount="5000").status_code == 201
    return claims


def _execute(api: Api, *statements: str) -> None:
    with api.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def _decisions(api: Api) -> int:
    with api.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(Decision)).scalar_one())


def _verifications(api: Api) -> list[int]:
    """The records each recorded verification checked, oldest first."""
    with api.engine.connect() as connection:
        checked = select(LedgerVerification.records).order_by(LedgerVerification.id)  # type: ignore[arg-type]
        return list(connection.execute(checked).scalars())


def _export_refused(api: Api) -> str:
    response = api.client.get("/api/v1/payouts/export?format=csv", headers=api.headers("staff"))
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "ledger_invalid"
    return str(error["message"])


def _refused(result: Result, *reasons: str) -> None:
    assert result.exit_code == 1, result.output
    for reason in reasons:
        assert reason in result.stderr


def test_an_intact_ledger_verifies_checkpoints_and_exports(
    window: Api, file_claim: File, ledger: Ledger, ledger_checkpoints: Path
) -> None:
    claims = _three_records(window, file_claim)
    verified = ledger("verify")
    assert verified.exit_code == 0, verified.output
    assert "决定记录 3 条" in verified.stdout and "与 0 个检查点一致" in verified.stdout
    written = ledger("checkpoint")
    assert written.exit_code == 0, written.output
    [line] = ledger_checkpoints.read_text("utf-8").splitlines()
    assert f"账本检查点：{line}" in written.stdout
    sequence, hash_, mac, _time = line.split()
    with session_scope(window.engine) as session:
        last = session.execute(select(Decision).where(Decision.sequence == 3)).scalar_one()
        assert (sequence, hash_) == ("3", last.hash) and mac != last.mac
    assert "与 1 个检查点一致" in ledger("verify").stdout
    exported = window.client.get("/api/v1/payouts/export", headers=window.headers("staff"))
    assert exported.status_code == 200
    [row, totals] = exported.content.decode("utf-8-sig").splitlines()[1:]
    assert f",{ENTERPRISE_USCC},一次性开业补贴,{claims['approved']},5000.00," in row
    assert row.endswith(",3") and totals.startswith("合计,,,1 笔,5000.00,")
    # verify, checkpoint, verify, export: each whole-ledger verification is recorded
    assert _verifications(window) == [3, 3, 3, 3]


def test_the_last_record_deleted_and_the_head_rewound(
    window: Api, file_claim: File, ledger: Ledger
) -> None:
    claims = _three_records(window, file_claim)
    assert ledger("checkpoint").exit_code == 0
    _execute(
        window,
        "DELETE FROM ledger_entries WHERE decision_id = "
        "(SELECT id FROM decisions WHERE sequence = 3)",
        "DELETE FROM decisions WHERE sequence = 3",
        "UPDATE ledger_head SET sequence = 2, "
        "last_hash = (SELECT hash FROM decisions WHERE sequence = 2)",
        f"UPDATE claims SET status = 'PENDING' WHERE id = {claims['approved']}",
    )
    _refused(ledger("verify"), "第 3 条：记录缺失：账本被回退", "数据库中的账本只到第 2 条")
    assert "第 3 条：记录缺失" in _export_refused(window)
    refused = ledger("checkpoint")
    _refused(refused, "第 3 条：记录缺失", "未写入检查点")
    assert _verifications(window) == [3]  # only the checkpoint before the ledger was rewound


def test_an_approvals_ledger_entries_deleted(window: Api, file_claim: File, ledger: Ledger) -> None:
    _three_records(window, file_claim)
    _execute(
        window,
        "DELETE FROM ledger_entries WHERE decision_id = "
        "(SELECT id FROM decisions WHERE sequence = 3)",
    )
    _refused(ledger("verify"), "第 3 条：限额账目与记录不符：缺少 claim.founder_id_hash=")
    assert "第 3 条：限额账目与记录不符" in _export_refused(window)
    # The freed limit cannot be spent before anyone runs verify: the founder's second claim
    # (another enterprise) is not approvable while the limits differ from the chain.
    again = file_claim(*STARTUP, uscc=SECOND_USCC).json()["id"]
    refused = decide(window, again, kind="approve", amount="5000")
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "not_approvable"
    assert "限额账目与账本记录不符（第 3 条：限额账目与记录不符：缺少" in error["message"]
    assert _decisions(window) == 3


def test_a_changed_or_extra_ledger_entry(window: Api, file_claim: File, ledger: Ledger) -> None:
    _three_records(window, file_claim)
    _execute(
        window,
        "UPDATE ledger_entries SET amount = 1",
        "INSERT INTO ledger_entries (decision_id, policy_id, bucket, amount, count) "
        "SELECT id, 'startup-subsidy', 'budget', 100, 1 FROM decisions WHERE sequence = 1",
    )
    _refused(
        ledger("verify"),
        "第 1 条：限额账目与记录不符：多出 budget（100.00 元，1 次）",
        "第 3 条：限额账目与记录不符：缺少 claim.founder_id_hash=",
        "（5000.00 元，1 次）；多出 claim.founder_id_hash=",
    )


def test_an_approved_claim_set_back_to_pending_is_not_approved_again(
    window: Api, file_claim: File, ledger: Ledger
) -> None:
    claims = _three_records(window, file_claim)
    _execute(window, f"UPDATE claims SET status = 'PENDING' WHERE id = {claims['approved']}")
    _refused(
        ledger("verify"),
        f"第 3 条：申请 #{claims['approved']} 的状态是待审核，但记录中它最后一项决定是批准"
        "（应为已批准）",
    )
    again = decide(window, claims["approved"], kind="approve", amount="5000")
    assert again.status_code == 409
    assert again.json()["error"] == {
        "code": "already_decided",
        "message": "该申请已批准，不能再次决定",
        "details": [],
    }
    rejected = decide(window, claims["approved"], kind="reject", reason="重复")
    assert rejected.status_code == 409
    assert _decisions(window) == 3
    assert "申请 #" in _export_refused(window)


def test_a_claim_marked_approved_without_an_approval(
    window: Api, file_claim: File, ledger: Ledger
) -> None:
    claims = _three_records(window, file_claim)
    _execute(window, f"UPDATE claims SET status = 'APPROVED' WHERE id = {claims['rejected']}")
    _refused(ledger("verify"), f"第 2 条：申请 #{claims['rejected']} 的状态是已批准")


def test_the_chain_recomputed_with_the_public_algorithm(
    window: Api, file_claim: File, ledger: Ledger
) -> None:
    _three_records(window, file_claim)
    assert ledger("checkpoint").exit_code == 0
    with session_scope(window.engine) as session:
        records = session.execute(select(Decision).order_by(Decision.sequence)).scalars().all()
        records[2].amount = Decimal(50000)
        prev_hash = records[0].prev_hash
        for record in records:
            record.prev_hash = prev_hash
            record.hash = record.mac = prev_hash = content_hash(record, prev_hash)
        session.execute(text("UPDATE ledger_head SET last_hash = :hash"), {"hash": prev_hash})
    _refused(
        ledger("verify"),
        "第 1 条：记录的签名不符",
        "第 3 条：哈希与",
        "的检查点不符：账本被重新计算过",
    )
    assert "第 1 条：记录的签名不符" in _export_refused(window)


def test_a_forged_checkpoint_line_is_reported(
    window: Api, file_claim: File, ledger: Ledger, ledger_checkpoints: Path
) -> None:
    _three_records(window, file_claim)
    assert ledger("checkpoint").exit_code == 0
    sequence, hash_, _mac, time = ledger_checkpoints.read_text("utf-8").split()
    with ledger_checkpoints.open("a", encoding="utf-8") as file:
        file.write(f"{sequence} {hash_} {'0' * 64} {time}\nnot a checkpoint\n")
    _refused(ledger("verify"), "检查点文件第 2 行格式或签名无效", "检查点文件第 3 行格式或签名无效")


def test_production_refuses_the_development_ledger_key() -> None:
    with pytest.raises(ValidationError, match="MATCHER_LEDGER_KEY must be set in production"):
        Settings(environment="production", secret_key="a real secret")
    with pytest.raises(ValidationError, match="MATCHER_FOUNDER_KEY must be set in production"):
        Settings(environment="production", secret_key="a real secret", ledger_key="a real key")
    Settings(
        environment="production",
        secret_key="a real secret",
        ledger_key="a real key",
        founder_key="a real founder key",
    )


@pytest.fixture
def old_database(tmp_path: Path) -> Iterator[sa.Engine]:
    """A SQLite database at the revision before keyed records, holding one old decision."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "c5d1e7a2f390")
        connection.execute(
            text(
                "INSERT INTO decisions (sequence, claim_id, kind, policy_id, policy_version, "
                "snapshot, trace, decided_by, decided_at, prev_hash, hash) VALUES "
                "(1, 1, 'APPROVE', 'p', 'v', '{}', '{}', 'x', '2026-01-01', :zero, :one)"
            ),
            {"zero": "0" * 64, "one": "1" * 64},
        )
    yield engine
    engine.dispose()


def test_the_migration_refuses_records_of_the_unkeyed_chain(old_database: sa.Engine) -> None:
    config = alembic_config()
    refused = pytest.raises(RuntimeError, match="decisions holds 1 records")
    with refused, old_database.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    columns = {c["name"] for c in sa.inspect(old_database).get_columns("decisions")}
    assert "mac" not in columns


def test_in_one_transaction_the_limits_are_checked_whole_once_then_what_was_written_since(
    window: Api, file_claim: File, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch approval checks a policy's decisions once, not once an entry; a decision the
    transaction writes after that check is still checked, and a new transaction checks all."""
    claims = _three_records(window, file_claim)
    read_after: list[int] = []
    read = PayoutRepository.decisions_of_policy

    def spied(self: PayoutRepository, policy_id: str, after: int = 0) -> Sequence[Decision]:
        read_after.append(after)
        return read(self, policy_id, after)

    monkeypatch.setattr(PayoutRepository, "decisions_of_policy", spied)
    staff = Principal(Role.STAFF, None, "工作人员", "account:1")
    with session_scope(window.engine) as session:
        assert limit_problems(session, "startup-subsidy") == []
        rejected = service.decide(session, claims["asked"], DecisionKind.REJECT, staff, reason="否")
        session.execute(
            text(
                "INSERT INTO ledger_entries (decision_id, policy_id, bucket, amount, count) "
                f"VALUES ({rejected.id}, 'startup-subsidy', 'budget', 100, 1)"
            )
        )
        [problem] = limit_problems(session, "startup-subsidy")
        assert str(problem) == "第 4 条：限额账目与记录不符：多出 budget（100.00 元，1 次）"
        session.rollback()
    assert read_after == [0, 3, 3]  # the check, the rejection's own verification, the last
    _execute(window, "UPDATE ledger_entries SET amount = 1")
    with session_scope(window.engine) as session:
        [problem] = limit_problems(session, "startup-subsidy")
        assert str(problem).startswith("第 3 条：限额账目与记录不符：缺少 claim.founder_id_hash=")
    assert read_after[-1] == 0
