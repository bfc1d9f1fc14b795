"""The entitlement list as JSON for programs: the stable shape documented in the README."""

from pydantic import TypeAdapter

from matcher.eligibility.results import EntitlementList

_ADAPTER = TypeAdapter(EntitlementList)


def to_json(result: EntitlementList) -> str:
    """The stable JSON shape documented in the README, indented for people."""
    return _ADAPTER.dump_json(result, indent=2).decode("utf-8")


def to_json_bytes(result: EntitlementList) -> bytes:
    """The same shape, compact, for HTTP responses (serialised once, in Rust)."""
    return _ADAPTER.dump_json(result)
