import asyncio

from sqlalchemy import Engine

from matcher.auth.service import issue_token
from matcher.auth.tables import Role
from matcher.db import session_scope
from matcher.enterprises.repository import EnterpriseRepository
from matcher.enterprises.viewing import Viewing, read_viewing
from matcher.profiles.parse import parse_profile
from matcher.reads import reads_for

USCC = "91419001MA4000000C"


def _save(engine: Engine, founders: list[dict[str, object]]) -> None:
    profile = parse_profile(
        {"uscc": USCC, "name": "济源市银辉新材料有限公司", "founders": founders}
    )
    with session_scope(engine) as session:
        EnterpriseRepository(session).save(profile, "registration", "test")


def view(engine: Engine, token: str, uscc: str) -> Viewing:
    return asyncio.run(read_viewing(reads_for(engine), token, uscc))


def test_the_token_the_enterprise_and_its_founders_in_order(engine: Engine) -> None:
    other = parse_profile({"uscc": "91110000600037341L", "name": "另一家", "founders": [{}] * 3})
    with session_scope(engine) as session:
        EnterpriseRepository(session).save(other, "registration", "test")
    _save(engine, [{"first_time_founder": True}, {"first_time_founder": False}])
    with session_scope(engine) as session:
        token, _ = issue_token(session, Role.ENTERPRISE, "ent", USCC)
        row = EnterpriseRepository(session).row(USCC)
    viewing = view(engine, token, USCC)
    assert viewing.principal is not None and viewing.principal.uscc == USCC
    assert row is not None and viewing.enterprise == dict(row)
    assert viewing.enterprise["version"] == 1
    assert [f["first_time_founder"] for f in viewing.founders] == [True, False]


def test_no_founders_one_enterprise_and_a_version_per_write(engine: Engine) -> None:
    _save(engine, [{"first_time_founder": True}])
    _save(engine, [])
    with session_scope(engine) as session:
        token, _ = issue_token(session, Role.STAFF, "staff")
    viewing = view(engine, token, USCC)
    assert viewing.enterprise is not None
    assert (viewing.enterprise["version"], viewing.founders) == (2, [])


def test_an_unknown_token_or_enterprise(engine: Engine) -> None:
    _save(engine, [])
    with session_scope(engine) as session:
        token, _ = issue_token(session, Role.STAFF, "staff")
    assert view(engine, "mt_unknown", USCC).principal is None
    nowhere = view(engine, token, "91110000600037341L")
    assert nowhere.principal is not None
    assert (nowhere.enterprise, nowhere.founders) == (None, [])
