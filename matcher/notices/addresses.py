"""The address of a contact on its channel: a mainland mobile number for SMS, an e-mail
address for e-mail (see :mod:`matcher.standards.addresses`)."""

from matcher.errors import DomainError
from matcher.notices.tables import Channel
from matcher.profiles.errors import FieldError
from matcher.standards.addresses import AddressInvalid, email, mobile

NORMALISERS = {Channel.SMS: mobile, Channel.EMAIL: email}
CONTACT_CHANNELS = tuple(NORMALISERS)
"""The channels a contact is an address on; in-app messages need none."""


def normalise(channel: Channel, text: str, field: str = "address") -> str:
    """``text`` as stored for ``channel``; a :class:`DomainError` naming ``field`` if invalid."""
    if channel not in NORMALISERS:
        raise DomainError(
            "invalid_channel",
            "联系方式只能是短信或电子邮件",
            [FieldError("channel", "invalid_channel", "应为 sms 或 email")],
        )
    try:
        return NORMALISERS[channel](text)
    except AddressInvalid as error:
        raise DomainError(
            error.code, error.message, [FieldError(field, error.code, error.message)]
        ) from None


def display(channel: Channel, address: str) -> str:
    """The address as people write it: a mainland mobile number without ``+86``."""
    return address.removeprefix("+86") if channel is Channel.SMS else address
