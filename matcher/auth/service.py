"""Issue, revoke and check credentials. Services flush; the caller commits."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from matcher.auth.credentials import (
    hash_password,
    needs_rehash,
    new_token,
    token_hash,
    verify_password,
)
from matcher.auth.tables import DISPLAY_NAME_LENGTH, USERNAME_LENGTH, Account, ApiToken, Role
from matcher.clock import now
from matcher.profiles.uscc import validate as validate_uscc
from matcher.text import has_control_characters

_DUMMY_HASH = hash_password("no account has this password")


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: a role, for an enterprise the one code it is bound to, the name pages
    show, and ``actor_id``, what records keep of who acted (``account:<id>``, ``token:<id>``):
    a display name can change or repeat, an id cannot."""

    role: Role
    uscc: str | None
    name: str
    actor_id: str

    def may_see(self, uscc: str) -> bool:
        return self.role is not Role.ENTERPRISE or self.uscc == uscc


def _plain_names(*names: str) -> None:
    """Names shown on pages and written into the ledger (who decided) are lines of text."""
    if any(has_control_characters(name) for name in names):
        raise ValueError("名称不能含有换行、制表符等控制字符")


def _bound_uscc(role: Role, uscc: str | None) -> str | None:
    if role is Role.ENTERPRISE:
        if not uscc:
            raise ValueError("企业角色必须绑定统一社会信用代码")
        return validate_uscc(uscc)
    if uscc:
        raise ValueError("只有企业角色可以绑定统一社会信用代码")
    return None


def issue_token(
    session: Session, role: Role, label: str, uscc: str | None = None
) -> tuple[str, ApiToken]:
    """A new token; the clear text is returned once and never stored."""
    _plain_names(label)
    token = new_token()
    record = ApiToken(
        token_hash=token_hash(token), role=role, uscc=_bound_uscc(role, uscc), label=label
    )
    session.add(record)
    session.flush()
    return token, record


def issue_account_token(session: Session, username: str, label: str) -> tuple[str, ApiToken]:
    """A new token acting as the account ``username`` (its role and code, its actor id in
    records); ``ValueError`` when there is no such enabled account."""
    account = find_account(session, username)
    if account is None or account.disabled_at is not None:
        raise ValueError(f"账户 {username} 不存在或已停用")
    token, record = issue_token(session, Role(account.role), label, account.uscc)
    record.account_id = account.id
    session.add(record)
    session.flush()
    return token, record


def revoke_token(session: Session, token_id: int) -> ApiToken | None:
    record = session.get(ApiToken, token_id)
    if record is not None and record.revoked_at is None:
        record.revoked_at = now()
        session.add(record)
        session.flush()
    return record


def authenticate_token(session: Session, token: str) -> Principal | None:
    record = session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(token))).first()
    account_id = None if record is None else record.account_id
    account = None if account_id is None else session.get(Account, account_id)
    return token_principal(record, account)


def token_principal(record: ApiToken | None, account: Account | None) -> Principal | None:
    """Who a token acts as, given its record and the account it was issued for (if any):
    nobody when the token is unknown or revoked, or its account is gone or disabled."""
    if record is None or record.revoked_at is not None:
        return None
    if record.account_id is None:
        return Principal(Role(record.role), record.uscc, record.label, token_actor(record.id or 0))
    if account is None or account.disabled_at is not None:
        return None
    return _principal_of(account)


MIN_PASSWORD_LENGTH = 8


def _fits(what: str, text: str, longest: int) -> None:
    if not text.strip() or len(text) > longest:
        raise ValueError(f"{what}不能为空，且不超过 {longest} 个字符")


def _new_password_hash(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符")
    return hash_password(password)


def create_account(
    session: Session,
    username: str,
    password: str,
    role: Role,
    display_name: str,
    uscc: str | None = None,
) -> Account:
    """A new account; ``ValueError`` (a Chinese message) says what is wrong with the request."""
    _plain_names(username, display_name)
    _fits("登录名", username, USERNAME_LENGTH)
    _fits("名称", display_name, DISPLAY_NAME_LENGTH)
    if find_account(session, username) is not None:
        raise ValueError("登录名已存在")
    account = Account(
        username=username,
        password_hash=_new_password_hash(password),
        role=role,
        uscc=_bound_uscc(role, uscc),
        display_name=display_name,
    )
    session.add(account)
    session.flush()
    return account


def find_account(session: Session, username: str) -> Account | None:
    return session.exec(select(Account).where(Account.username == username)).first()


def list_accounts(session: Session) -> list[Account]:
    """Every account, by username."""
    return list(session.exec(select(Account).order_by(Account.username)))


def account_actor(account_id: int) -> str:
    return f"account:{account_id}"


def token_actor(token_id: int) -> str:
    return f"token:{token_id}"


def _principal_of(account: Account) -> Principal:
    return Principal(
        Role(account.role), account.uscc, account.display_name, account_actor(account.id or 0)
    )


def authenticate_password(session: Session, username: str, password: str) -> Principal | None:
    """Who signs in with ``username`` and ``password``; a hash made with older parameters or
    the legacy scrypt is replaced by one made with today's, now that the password is known."""
    account = find_account(session, username)
    if account is None:
        verify_password(password, _DUMMY_HASH)  # as slow as a real check: names stay private
        return None
    if not verify_password(password, account.password_hash) or account.disabled_at is not None:
        return None
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
        session.add(account)
        session.flush()
    return _principal_of(account)


def account_principal(session: Session, username: str, epoch: int) -> Principal | None:
    """Who the signed-in ``username`` is now: ``None`` once the account is disabled or gone,
    or has signed out since this session began (``epoch``), so that a session ends with its
    account at the next request."""
    account = find_account(session, username)
    if account is None or account.disabled_at is not None or account.session_epoch != epoch:
        return None
    return _principal_of(account)


def session_epoch(session: Session, username: str) -> int:
    """The epoch a session signed in now belongs to."""
    account = find_account(session, username)
    return 0 if account is None else account.session_epoch


def _end_sessions_of(account: Account) -> None:
    account.session_epoch += 1


def end_sessions(session: Session, username: str) -> None:
    """End every session of ``username``: a copied cookie is worth nothing after sign-out."""
    account = find_account(session, username)
    if account is not None:
        _end_sessions_of(account)
        session.add(account)
        session.flush()


def disable_account(session: Session, username: str) -> Account | None:
    """Disable ``username``: no more sign-ins, and its sessions and the API tokens issued for
    it end now, for good: enabling it again later does not bring them back."""
    account = find_account(session, username)
    if account is not None and account.disabled_at is None:
        account.disabled_at = now()
        _end_sessions_of(account)
        session.add(account)
        tokens = select(ApiToken).where(
            ApiToken.account_id == account.id, col(ApiToken.revoked_at).is_(None)
        )
        for token in session.exec(tokens):
            token.revoked_at = account.disabled_at
            session.add(token)
        session.flush()
    return account


def enable_account(session: Session, username: str) -> Account | None:
    """Let a disabled ``username`` sign in again; the sessions it had stay ended."""
    account = find_account(session, username)
    if account is not None and account.disabled_at is not None:
        account.disabled_at = None
        session.add(account)
        session.flush()
    return account


def reset_password(session: Session, username: str, password: str) -> Account | None:
    """Give ``username`` a new password and end its sessions: whoever knew the old one is out."""
    account = find_account(session, username)
    if account is not None:
        account.password_hash = _new_password_hash(password)
        _end_sessions_of(account)
        session.add(account)
        session.flush()
    return account


def actor_names(session: Session, actor_ids: Iterable[str]) -> dict[str, str]:
    """What pages show for each of ``actor_ids``: the account's display name or the token's
    label. Anything else (a record written before ids were kept, a system actor) shows as
    it was written."""
    wanted = set(actor_ids)
    names = {actor_id: actor_id for actor_id in wanted}
    accounts = _ids_of(wanted, "account")
    tokens = _ids_of(wanted, "token")
    if accounts:
        found = session.exec(select(Account).where(col(Account.id).in_(accounts)))
        names.update({account_actor(a.id or 0): a.display_name for a in found})
    if tokens:
        labels = session.exec(select(ApiToken).where(col(ApiToken.id).in_(tokens)))
        names.update({token_actor(t.id or 0): t.label for t in labels})
    return names


def _ids_of(actor_ids: set[str], kind: str) -> list[int]:
    prefix = f"{kind}:"
    return [
        int(actor_id.removeprefix(prefix))
        for actor_id in actor_ids
        if actor_id.startswith(prefix) and actor_id.removeprefix(prefix).isdigit()
    ]
