"""Industry tagging from 经营范围 text: GB/T 4754-2017 section, SME size category, 济源 cluster."""

from matcher.tagging.model import TaggingModel, train
from matcher.tagging.service import suggest
from matcher.tagging.store import load_model
from matcher.tagging.suggestions import IndustrySuggestions, Suggestion

__all__ = ["IndustrySuggestions", "Suggestion", "TaggingModel", "load_model", "suggest", "train"]
