"""The facts an expression may name, with their types and Chinese labels."""

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from matcher.rules.types import Type


@dataclass(frozen=True, slots=True)
class FactSpec:
    """One fact: its dotted path, type and the label a business owner understands."""

    path: str
    type: Type
    label: str


class Schema(Mapping[str, FactSpec]):
    """An immutable set of facts, keyed by path."""

    def __init__(self, facts: Iterable[FactSpec]) -> None:
        self._facts = {fact.path: fact for fact in facts}

    def __getitem__(self, path: str) -> FactSpec:
        return self._facts[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._facts)

    def __len__(self) -> int:
        return len(self._facts)

    def extended(self, facts: Iterable[FactSpec]) -> "Schema":
        """A new schema with ``facts`` added (a policy's claim facts, say)."""
        return Schema([*self._facts.values(), *facts])

    def suggestion(self, path: str) -> str | None:
        """The closest known path, for a "did you mean …?" hint."""
        matches = difflib.get_close_matches(path, self._facts, n=1, cutoff=0.6)
        return matches[0] if matches else None
