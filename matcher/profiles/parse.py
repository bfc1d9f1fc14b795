"""Profiles from JSON text or from decoded data, with every bad field reported."""

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from matcher.profiles.errors import ProfileError, field_errors
from matcher.profiles.model import EnterpriseProfile


def parse_profile_json(text: str | bytes) -> EnterpriseProfile:
    """A profile from JSON text; :class:`ProfileError` lists every bad field."""
    try:
        return EnterpriseProfile.model_validate_json(text)
    except ValidationError as error:
        raise ProfileError(field_errors(error)) from None


def parse_profile(data: Mapping[str, Any]) -> EnterpriseProfile:
    """A profile from decoded data (JSON, YAML, CSV after typing, a database row)."""
    try:
        return EnterpriseProfile.model_validate(data)
    except ValidationError as error:
        raise ProfileError(field_errors(error)) from None
