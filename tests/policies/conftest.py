import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from matcher.config import REPO_ROOT


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    """A writable copy of the seed catalog: ``<tmp>/policies``."""
    root = tmp_path / "policies"
    shutil.copytree(REPO_ROOT / "policies", root)
    return root


def _replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def replace_in() -> Callable[[Path, str, str], None]:
    """Edit a file in place: the first ``old`` becomes ``new``."""
    return _replace_in
