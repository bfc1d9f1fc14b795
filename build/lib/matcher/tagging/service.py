"""Process-wide model for callers that just want suggestions."""

import functools

from matcher.tagging.model import TaggingModel
from matcher.tagging.store import load_model
from matcher.tagging.suggestions import IndustrySuggestions


@functools.cache
def shared_model() -> TaggingModel:
    """The repository corpus's model, loaded once per process (restart to pick up a new corpus)."""
    return load_model()


def suggest(text: str, top_k: int = 3) -> IndustrySuggestions:
    """Industry suggestions for a business scope, see ``TaggingModel.suggest``."""
    return shared_model().suggest(text, top_k)
