"""Normalisation and checks of business-scope text before it reaches the model."""

import re
import unicodedata
from typing import Final

MAX_CHARS: Final = 5000
"""Longest text the model reads; real 经营范围 rarely exceed 1,500 characters."""

_CHINESE: Final = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SEPARATORS: Final = re.compile(r"[\W_]+")


def normalize(text: str) -> str:
    """Fold width and case, and turn punctuation into spaces.

    The spaces keep character n-grams (``analyzer="char_wb"``) from spanning two
    phrases of a scope such as "钢材加工；软件开发".
    """
    folded = unicodedata.normalize("NFKC", text).lower()
    return _SEPARATORS.sub(" ", folded).strip()


def is_blank(text: str) -> bool:
    """True when the text has no letter, digit or ideograph at all."""
    return not normalize(text)


def has_chinese(text: str) -> bool:
    return _CHINESE.search(text) is not None
