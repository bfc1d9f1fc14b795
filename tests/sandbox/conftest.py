"""Drafts of seed policies, and populations drawn near the thresholds the seed rules test."""

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from matcher.config import BUNDLED_CATALOG
from matcher.policies.catalog import Catalog, load_catalog
from matcher.profiles.model import EnterpriseProfile
from tests.population.factories import PROFILES, profile

AS_OF = date(2026, 1, 1)
STARTUP = "jiyuan-2020/startup-subsidy.yaml"
VAT_CREDIT = "national-tax/advanced-manufacturing-vat-credit.yaml"

DRAFTS: dict[str, tuple[str, str, str]] = {
    "doubled-amount": (STARTUP, 'amount: "5000"', 'amount: "10000"'),
    "doubled-rate": (VAT_CREDIT, 'value: "0.05"', 'value: "0.10"'),
    "narrowed": (
        STARTUP,
        'expr: enterprise.operating_status == "operating"',
        'expr: enterprise.operating_status == "operating" and enterprise.employees >= 10',
    ),
}
"""A file of the seed catalog, and the edit that makes a draft of it."""

Edit = Callable[[str, str, str], str]


def edited(relative: str, old: str, new: str) -> str:
    """The text of the seed catalog's ``relative`` file with ``old`` replaced by ``new``."""
    text = (BUNDLED_CATALOG / relative).read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} in {relative}"
    return text.replace(old, new)


def published(tmp_path: Path, relative: str, text: str) -> Catalog:
    """The catalog as publishing ``text`` as ``relative`` would load it (a copy named like the
    seed catalog's directory, so that files are shown alike)."""
    root = tmp_path / BUNDLED_CATALOG.name
    shutil.copytree(BUNDLED_CATALOG, root)
    (root / relative).write_text(text, encoding="utf-8")
    return load_catalog(root)


def _with_founder_group(drawn: tuple[dict[str, Any], str | None]) -> dict[str, Any]:
    data, group = drawn
    if group is None:
        return data
    return data | {"facts": data["facts"] | {"founder_target_group": group}}


POPULATIONS = st.lists(
    st.tuples(PROFILES, st.sampled_from([None, "student_graduate", "none"])).map(
        _with_founder_group
    ),
    min_size=30,
    max_size=50,
)


def profiles_of(drawn: list[dict[str, Any]]) -> list[EnterpriseProfile]:
    return [profile(data, serial) for serial, data in enumerate(drawn)]


@pytest.fixture
def draft_of() -> Callable[[str], tuple[str, str]]:
    """``draft_of(name)``: the seed file a draft of :data:`DRAFTS` edits, and the draft's text."""

    def make(name: str) -> tuple[str, str]:
        relative, old, new = DRAFTS[name]
        return relative, edited(relative, old, new)

    return make
