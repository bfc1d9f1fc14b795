"""Profiles from JSON text or from data read elsewhere (YAML test cases), validated strictly."""

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from matcher.profiles.errors import ProfileError, field_errors
from matcher.profiles.model import EnterpriseProfile
from matcher.serialization import to_json


def parse_profile_json(text: str | bytes) -> EnterpriseProfile:
    """A profile from JSON text; :class:`ProfileError` lists every bad field."""
    try:
        return EnterpriseProfile.model_validate_json(text)
    except ValidationError as error:
        raise ProfileError(field_errors(error)) from None


def parse_profile(data: Mapping[str, Any]) -> EnterpriseProfile:
    """A profile from already-decoded data, through the same strict JSON validation."""
    return parse_profile_json(to_json(data))
