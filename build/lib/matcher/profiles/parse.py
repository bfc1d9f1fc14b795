"""Profiles from JSON text or from decoded data, with every bad field reported.

``declared`` is the catalog's declared facts, against which ``facts`` is checked; without it no
fact is declared, and a profile that gives any is refused.
"""

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from matcher.profiles.declared import NO_DECLARED_FACTS, DeclaredFacts, validation_context
from matcher.profiles.errors import ProfileError, field_errors
from matcher.profiles.model import EnterpriseProfile


def parse_profile_json(
    text: str | bytes, declared: DeclaredFacts = NO_DECLARED_FACTS
) -> EnterpriseProfile:
    """A profile from JSON text; :class:`ProfileError` lists every bad field."""
    try:
        return EnterpriseProfile.model_validate_json(text, context=validation_context(declared))
    except ValidationError as error:
        raise ProfileError(field_errors(error)) from None


def parse_profile(
    data: Mapping[str, Any], declared: DeclaredFacts = NO_DECLARED_FACTS
) -> EnterpriseProfile:
    """A profile from decoded data (JSON, YAML, CSV after typing, a database row)."""
    try:
        return EnterpriseProfile.model_validate(data, context=validation_context(declared))
    except ValidationError as error:
        raise ProfileError(field_errors(error)) from None
