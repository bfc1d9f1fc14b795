"""The links in a notice that act without signing in: unsubscribe, and confirm an e-mail address.

An unsubscribe link carries the contact's id signed with the site's secret key
(``itsdangerous``): it needs no login and no stored token, works for as long as the contact
exists, and cannot be forged for another contact. A confirmation link carries the contact's
current secret itself (only its hash is stored), so a new one makes the old one useless.
"""

from itsdangerous import BadSignature, URLSafeSerializer

from matcher.notices.settings import NoticeSettings

UNSUBSCRIBE_SALT = "matcher.notices.unsubscribe"


def _serializer(key: str) -> URLSafeSerializer:
    return URLSafeSerializer(key, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(key: str, contact_id: int) -> str:
    return _serializer(key).dumps(contact_id)


def unsubscribed_contact(key: str, token: str) -> int | None:
    """The contact id ``token`` was signed for; ``None`` for a bad signature."""
    try:
        contact_id = _serializer(key).loads(token)
    except BadSignature:
        return None
    return contact_id if isinstance(contact_id, int) else None


def unsubscribe_url(config: NoticeSettings, contact_id: int) -> str:
    return f"{config.site_url}/unsubscribe/{unsubscribe_token(config.secret_key, contact_id)}"


def confirmation_url(config: NoticeSettings, secret: str) -> str:
    return f"{config.site_url}/contacts/confirm/{secret}"
