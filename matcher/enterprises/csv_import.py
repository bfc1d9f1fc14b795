"""Bulk import from CSV: one column per profile fact, a header row naming them.

Every row is checked before anything is stored; one bad row refuses the whole file with an
error per bad cell, so nothing is ever half-imported. Cells are typed by the schema: an empty
cell is an unknown fact; numbers, dates and yes/no are parsed explicitly, never guessed.
"""

import csv
import io
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from matcher.enterprises.repository import PROFILE_FIELDS
from matcher.profiles.errors import FieldError, ProfileError
from matcher.profiles.model import EnterpriseProfile
from matcher.profiles.parse import parse_profile
from matcher.profiles.schema import profile_facts
from matcher.rules import types as rt

MAX_ROWS = 50_000
_TRUE, _FALSE = {"true", "是", "1", "yes"}, {"false", "否", "0", "no"}
_INTEGER = re.compile(r"^-?\d+$")
_TYPES = {spec.path.removeprefix("enterprise."): spec.type for spec in profile_facts()}


class CellError(ValueError):
    pass


def _cell(kind: rt.Kind, text: str) -> Any:
    if kind is rt.Kind.INT:
        if not _INTEGER.match(text):
            raise CellError("应为整数")
        return int(text)
    if kind is rt.Kind.DECIMAL:
        try:
            return Decimal(text)
        except InvalidOperation:
            raise CellError("应为数值") from None
    if kind is rt.Kind.BOOL:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise CellError("应为 是/否（true/false）")
    if kind is rt.Kind.DATE:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CellError("应为日期（YYYY-MM-DD）") from None
    return text


class CsvRejected(ValueError):
    """The file was refused; ``errors`` has one entry per bad cell, with its row number."""

    def __init__(self, errors: list[tuple[int, FieldError]]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def parse_csv(text: str) -> list[EnterpriseProfile]:
    """Profiles from CSV text, or :class:`CsvRejected` listing every problem."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = reader.fieldnames or []
    unknown = [name for name in header if name not in PROFILE_FIELDS]
    errors: list[tuple[int, FieldError]] = [
        (1, FieldError(name, "unknown_column", "未知列")) for name in unknown
    ]
    for required in ("uscc", "name"):
        if required not in header:
            errors.append((1, FieldError(required, "missing_column", "缺少必需的列")))
    if errors:
        raise CsvRejected(errors)
    profiles: list[EnterpriseProfile] = []
    seen: dict[str | None, int] = {}
    for number, row in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise CsvRejected([(number, FieldError("$", "too_many_rows", f"最多 {MAX_ROWS} 行"))])
        data: dict[str, Any] = {}
        for name, text in row.items():
            if name is None or text is None:
                errors.append((number, FieldError("$", "ragged_row", "列数与表头不一致")))
                continue
            text = text.strip()
            if not text:
                continue
            try:
                data[name] = _cell(_TYPES[name].kind, text)
            except CellError as error:
                errors.append((number, FieldError(name, "invalid_cell", str(error))))
        for required in ("uscc", "name"):
            if required not in data:
                errors.append((number, FieldError(required, "missing", "必填")))
        try:
            profile = parse_profile(data)
        except ProfileError as error:
            errors.extend((number, e) for e in error.errors)
            continue
        if profile.uscc in seen:
            message = f"与第 {seen[profile.uscc]} 行的统一社会信用代码重复"
            errors.append((number, FieldError("uscc", "duplicate", message)))
        seen.setdefault(profile.uscc, number)
        profiles.append(profile)
    if errors:
        raise CsvRejected(errors)
    return profiles
