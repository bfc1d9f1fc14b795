"""Bulk import from CSV: one column per profile fact or declared fact, a header row naming them;
optionally ``contact_mobile`` and ``contact_email``, each holding one address or several
separated by ``;``, for the enterprise's notice contacts.

Every row is checked before anything is stored; one bad row refuses the whole file with an
error per bad cell, so nothing is ever half-imported. Cells are typed by the schema: an empty
cell is an unknown fact; numbers, dates and yes/no are parsed explicitly, never guessed.
"""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from matcher.bounds import DayInvalid, parse_iso_day
from matcher.profiles.declared import FACTS_PREFIX, DeclaredFacts
from matcher.profiles.errors import FieldError, ProfileError
from matcher.profiles.model import EnterpriseProfile
from matcher.profiles.parse import parse_profile
from matcher.profiles.schema import profile_facts
from matcher.rules import types as rt
from matcher.standards.addresses import AddressInvalid, email, mobile

MAX_ROWS = 50_000
_TRUE, _FALSE = {"true", "是", "1", "yes"}, {"false", "否", "0", "no"}
_INTEGER = re.compile(r"^-?\d+$")
_TYPES = {spec.path.removeprefix("enterprise."): spec.type for spec in profile_facts()}
CONTACT_COLUMNS = {"contact_mobile": ("sms", mobile), "contact_email": ("email", email)}
"""Contact columns: the channel of their addresses, and how each address is checked."""
_SEPARATORS = re.compile(r"[;；]")


@dataclass(frozen=True, slots=True)
class CsvContact:
    """A contact address of a row, checked and normalised."""

    uscc: str
    channel: str
    address: str


@dataclass(frozen=True, slots=True)
class ParsedCsv:
    profiles: list[EnterpriseProfile]
    contacts: list[CsvContact]


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
            return parse_iso_day(text)  # the range is the profile's to check
        except DayInvalid as error:
            raise CellError(str(error)) from None
    return text


def _by_column(error: FieldError) -> FieldError:
    """An error on declared fact ``facts.<name>`` is an error in column ``<name>``."""
    return FieldError(error.field.removeprefix(FACTS_PREFIX), error.code, error.message)


class CsvRejected(ValueError):
    """The file was refused; ``errors`` has one entry per bad cell, with its row number."""

    def __init__(self, errors: list[tuple[int, FieldError]]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def _too_large(number: int) -> CsvRejected:
    message = f"单元格过长（最多 {csv.field_size_limit()} 个字符）"
    return CsvRejected([(number, FieldError("$", "cell_too_large", message))])


def _rows(reader: "csv.DictReader[str]") -> Iterator[tuple[int, dict[Any, Any]]]:
    """Each row with its number (the header is row 1); a cell over the csv module's field
    size limit refuses the file at that row."""
    number = 2
    try:
        for row in reader:
            yield number, row
            number += 1
    except csv.Error:
        raise _too_large(number) from None


def _addresses(column: str, text: str) -> tuple[list[str], list[FieldError]]:
    """The addresses of a contact cell, and an error for each bad one."""
    check = CONTACT_COLUMNS[column][1]
    found: list[str] = []
    errors: list[FieldError] = []
    for part in filter(None, (p.strip() for p in _SEPARATORS.split(text))):
        try:
            found.append(check(part))
        except AddressInvalid as error:
            errors.append(FieldError(column, error.code, f"{error.message}：{part}"))
    return found, errors


def parse_csv(text: str, declared: DeclaredFacts) -> ParsedCsv:
    """Profiles and contacts from CSV text, or :class:`CsvRejected` listing every problem.

    A column named after a fact in ``declared`` holds that declared fact."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = reader.fieldnames or []
    except csv.Error:
        raise _too_large(1) from None
    types = _TYPES | {name: fact.rule_type for name, fact in declared.items()}
    unknown = [name for name in header if name not in types and name not in CONTACT_COLUMNS]
    errors: list[tuple[int, FieldError]] = [
        (1, FieldError(name, "unknown_column", "未知列")) for name in unknown
    ]
    for required in ("uscc", "name"):
        if required not in header:
            errors.append((1, FieldError(required, "missing_column", "缺少必需的列")))
    if errors:
        raise CsvRejected(errors)
    profiles: list[EnterpriseProfile] = []
    every_contact: list[CsvContact] = []
    seen: dict[str | None, int] = {}
    for number, row in _rows(reader):
        if number - 1 > MAX_ROWS:
            raise CsvRejected([(number, FieldError("$", "too_many_rows", f"最多 {MAX_ROWS} 行"))])
        data: dict[str, Any] = {}
        facts: dict[str, Any] = {}
        contacts: list[tuple[str, str]] = []  # (column, address)
        for name, text in row.items():
            if name is None or text is None:
                errors.append((number, FieldError("$", "ragged_row", "列数与表头不一致")))
                continue
            text = text.strip()
            if not text:
                continue
            if name in CONTACT_COLUMNS:
                found, bad = _addresses(name, text)
                contacts.extend((name, address) for address in found)
                errors.extend((number, error) for error in bad)
                continue
            try:
                value = _cell(types[name].kind, text)
            except CellError as error:
                errors.append((number, FieldError(name, "invalid_cell", str(error))))
                continue
            (facts if name in declared else data)[name] = value
        for required in ("uscc", "name"):
            if required not in data:
                errors.append((number, FieldError(required, "missing", "必填")))
        try:
            profile = parse_profile(data | {"facts": facts}, declared)
        except ProfileError as error:
            errors.extend((number, _by_column(e)) for e in error.errors)
            continue
        if profile.uscc in seen:
            message = f"与第 {seen[profile.uscc]} 行的统一社会信用代码重复"
            errors.append((number, FieldError("uscc", "duplicate", message)))
        seen.setdefault(profile.uscc, number)
        profiles.append(profile)
        assert profile.uscc is not None
        every_contact.extend(
            CsvContact(profile.uscc, CONTACT_COLUMNS[column][0], address)
            for column, address in contacts
        )
    if errors:
        raise CsvRejected(errors)
    return ParsedCsv(profiles, every_contact)
