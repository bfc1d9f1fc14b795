"""Who is signed in, and the CSRF token, kept in the signed session cookie.

The cookie is Starlette's ``SessionMiddleware``: signed with the secret key (not encrypted),
HttpOnly, SameSite=Lax. It holds the signed-in username, the principal as pages show it (role,
bound 统一社会信用代码, display name) and one random CSRF token per session. Every request
looks the account up again (:func:`matcher.web.deps.current_principal`), so a disabled
account's sessions end at once, and signing out moves the account's session epoch on, so a
copied cookie of any of its sessions is refused from then on. Every form posts the token
back; a POST whose token does not match the session's is refused before the route runs
(synchronizer-token pattern). The token is created the first time a page renders a form, so
browsing the 政策库 sets no cookie.
"""

import secrets

from starlette.requests import Request

from matcher.auth.service import Principal
from matcher.auth.tables import Role

CSRF_FIELD = "csrf_token"
_CSRF_KEY = "csrf"
_PRINCIPAL_KEY = "principal"
_USERNAME_KEY = "username"
_EPOCH_KEY = "epoch"


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(_CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[_CSRF_KEY] = token
    return token


def csrf_valid(request: Request, submitted: object) -> bool:
    expected = request.session.get(_CSRF_KEY)
    return (
        isinstance(expected, str)
        and isinstance(submitted, str)
        and secrets.compare_digest(expected.encode(), submitted.encode())
    )


def principal(request: Request) -> Principal | None:
    """The signed-in principal, or ``None`` for an anonymous visitor."""
    data = request.session.get(_PRINCIPAL_KEY)
    if not isinstance(data, dict):
        return None
    try:
        return Principal(Role(data["role"]), data["uscc"], data["name"], data["actor"])
    except (KeyError, ValueError):
        return None


def username(request: Request) -> str | None:
    """The account signed in with this session, if any."""
    name = request.session.get(_USERNAME_KEY)
    return name if isinstance(name, str) else None


def epoch(request: Request) -> int:
    """The account's session epoch when this session signed in (see ``end_sessions``)."""
    value = request.session.get(_EPOCH_KEY)
    return value if isinstance(value, int) else -1


def show(request: Request, who: Principal) -> None:
    """Remember ``who`` as the pages show the signed-in person."""
    request.session[_PRINCIPAL_KEY] = {
        "role": who.role.value,
        "uscc": who.uscc,
        "name": who.name,
        "actor": who.actor_id,
    }


def sign_in(request: Request, who: Principal, account: str, epoch: int) -> None:
    """Start a fresh session for ``who`` (the account named ``account``, now at session
    ``epoch``), with a new CSRF token."""
    request.session.clear()
    request.session[_USERNAME_KEY] = account
    request.session[_EPOCH_KEY] = epoch
    show(request, who)
    csrf_token(request)


def sign_out(request: Request) -> None:
    request.session.clear()
