"""Text that may be stored and shown: no control characters, on SQLite and PostgreSQL alike.

PostgreSQL refuses NUL in text outright, SQLite stores it and cuts the text short when it is
read back, and the other C0/C1 controls and unpaired surrogates only ever arrive by mistake
or malice. One rule, applied at every edge (request bodies, query strings and paths, forms, CSV):
a line of text holds none of them; a paragraph may also hold tab, line feed and carriage return.
"""

import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
_IN_LINE = re.compile(f"[\t\n\r{_CONTROLS}]")
_IN_PARAGRAPH = re.compile(f"[{_CONTROLS}]")

CODE = "control_character"
LINE_MESSAGE = "不能含有换行、制表符等控制字符"
PARAGRAPH_MESSAGE = "不能含有控制字符（换行和制表符除外）"


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """True when ``text`` holds a character the rule refuses (line breaks too, unless
    ``multiline``)."""
    return (_IN_PARAGRAPH if multiline else _IN_LINE).search(text) is not None


def _line(value: str) -> str:
    if has_control_characters(value):
        raise PydanticCustomError(CODE, LINE_MESSAGE)
    return value


def _paragraph(value: str) -> str:
    if has_control_characters(value, multiline=True):
        raise PydanticCustomError(CODE, PARAGRAPH_MESSAGE)
    return value


def _json_text(value: Any) -> Any:
    """Every key and string inside decoded JSON, as lines: free-form facts hold no paragraphs."""
    if isinstance(value, str):
        _line(value)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _json_text(key)
            _json_text(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _json_text(item)
    return value


Line = Annotated[str, AfterValidator(_line)]
"""One line of text: a name, a code, a search query."""
Paragraph = Annotated[str, AfterValidator(_paragraph)]
"""Text that may run over several lines: a business scope, a reason."""
PlainJson = AfterValidator(_json_text)
"""For a field of free-form JSON (a claim's facts): its keys and strings are lines."""
