"""JSON text from decoded data, so that every input goes through one strict JSON validation."""

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any


def _default(value: object) -> str:
    if isinstance(value, date | Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {value!r}")


def to_json(data: Mapping[str, Any]) -> str:
    """``data`` (as read from YAML, say, with dates and decimals) as JSON text."""
    return json.dumps(data, default=_default, ensure_ascii=False)


def to_json_value(value: Any) -> Any:
    """``value`` as plain JSON data: dates and decimals as text, tuples as lists."""
    return json.loads(json.dumps(value, default=_default, ensure_ascii=False))
