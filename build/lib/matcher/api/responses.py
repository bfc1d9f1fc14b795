"""Responses the JSON API builds by hand, where FastAPI's generic encoder is too slow."""

from fastapi import Response

from matcher.eligibility.results import EntitlementList
from matcher.eligibility.serialize import to_json_bytes


def entitlement_response(result: EntitlementList) -> Response:
    """An HTTP response of the entitlement list, bypassing FastAPI's slow generic encoder."""
    return Response(content=to_json_bytes(result), media_type="application/json")
