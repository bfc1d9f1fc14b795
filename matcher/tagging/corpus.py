"""The labelled corpus: one business scope per CSV row with its GB/T 4754-2017 code.

Columns: ``text, code, section, size_category, cluster``. The section and the
size category are derived from the code; reading a file checks that they agree,
so a hand edit cannot leave a row with contradictory labels.
"""

import csv
import hashlib
import io
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Final

from matcher.tagging.taxonomy import CLUSTERS, Target, section_of, size_category_of

DATA_DIR: Final = Path(__file__).resolve().parents[1] / "data" / "tagging"
DEFAULT_CORPUS: Final = DATA_DIR / "corpus.csv"
DEFAULT_HOLDOUT: Final = DATA_DIR / "holdout.csv"
COLUMNS: Final = ("text", "code", "section", "size_category", "cluster")


@dataclass(frozen=True)
class Example:
    text: str
    code: str
    section: str
    size_category: str
    cluster: str

    @classmethod
    def from_code(cls, text: str, code: str, cluster: str) -> "Example":
        return cls(text, code, section_of(code), size_category_of(code), cluster)

    def label(self, target: Target) -> str:
        label: str = getattr(self, target)
        return label


@dataclass(frozen=True)
class Corpus:
    examples: tuple[Example, ...]
    sha256: str
    """Digest of the file bytes the examples were parsed from."""

    def texts(self) -> list[str]:
        return [example.text for example in self.examples]

    def labels(self, target: Target) -> list[str]:
        return [example.label(target) for example in self.examples]


def read_corpus(path: Path) -> Corpus:
    """Parse and validate a corpus file; the digest covers exactly the bytes parsed."""
    raw = path.read_bytes()
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8")))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ValueError(f"{path}: expected columns {COLUMNS}, got {reader.fieldnames}")
    examples = []
    for line, row in enumerate(reader, start=2):
        example = Example(**{column: (row[column] or "").strip() for column in COLUMNS})
        try:
            expected = Example.from_code(example.text, example.code, example.cluster)
        except ValueError as error:
            raise ValueError(f"{path}:{line}: {error}") from error
        if not example.text or example.cluster not in CLUSTERS:
            raise ValueError(f"{path}:{line}: empty text or unknown cluster {example.cluster!r}")
        if example != expected:
            raise ValueError(f"{path}:{line}: labels do not follow from code {example.code}")
        examples.append(example)
    return Corpus(tuple(examples), hashlib.sha256(raw).hexdigest())


def write_corpus(examples: Iterable[Example], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for example in examples:
            writer.writerow(astuple(example))
