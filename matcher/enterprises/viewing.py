"""What a request about one enterprise reads, in one query: who asks (the token and the account
it acts as), the enterprise's row and its founders.

The query joins outward from the token: one row per founder (one when there are none), the
token's and the enterprise's columns repeated on each. An unknown token gives no row; an
unknown enterprise, a row whose enterprise columns are all empty.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Table, bindparam, select

from matcher.auth.credentials import token_hash
from matcher.auth.service import Principal, token_principal
from matcher.auth.tables import Account, ApiToken
from matcher.enterprises.tables import Founder, enterprises
from matcher.reads import Reads, Row

_tokens: Table = ApiToken.__table__  # type: ignore[attr-defined]
_accounts: Table = Account.__table__  # type: ignore[attr-defined]
_founders: Table = Founder.__table__  # type: ignore[attr-defined]
_FOUNDER_FACTS = (_founders.c.id_hash, _founders.c.first_time_founder)

VIEWING = (
    select(*_tokens.c, *_accounts.c, *enterprises.c, _founders.c.id, *_FOUNDER_FACTS)
    .select_from(_tokens)
    .outerjoin(_accounts, _accounts.c.id == _tokens.c.account_id)
    .outerjoin(enterprises, enterprises.c.uscc == bindparam("uscc"))
    .outerjoin(_founders, _founders.c.enterprise_id == enterprises.c.id)
    .where(_tokens.c.token_hash == bindparam("token_hash"))
    .order_by(_founders.c.id)
)
"""Built once, and run in Core (:mod:`matcher.reads`): the ORM's loading, and building the
statement anew, cost a request many times what SQLite takes to answer it. Columns of the same
name in several tables (``id``, ``uscc``, ``role``) are read by column, never by name."""


@dataclass(frozen=True, slots=True)
class Viewing:
    principal: Principal | None
    """Who asks; nobody when the token is unknown or revoked, or its account gone or disabled."""
    enterprise: dict[str, Any] | None
    """The enterprise's row; ``None`` when there is none with that code."""
    founders: list[dict[str, Any]]
    """Its founders' rows (``id_hash``, ``first_time_founder``), in the order they were written."""


async def read_viewing(reads: Reads, token: str, uscc: str) -> Viewing:
    """The token's principal, and the enterprise ``uscc`` with its founders, in one query."""
    rows = await reads.rows(VIEWING, {"uscc": uscc, "token_hash": token_hash(token)})
    if not rows:
        return Viewing(None, None, [])
    first = rows[0]
    account = None if first[_accounts.c.id] is None else Account(**_values(first, _accounts.c))
    principal = token_principal(ApiToken(**_values(first, _tokens.c)), account)
    if first[enterprises.c.id] is None:
        return Viewing(principal, None, [])
    founders = [_values(row, _FOUNDER_FACTS) for row in rows if row[_founders.c.id] is not None]
    return Viewing(principal, _values(first, enterprises.c), founders)


def _values(row: Row, columns: Iterable[Column[Any]]) -> dict[str, Any]:
    return {column.name: row[column] for column in columns}
