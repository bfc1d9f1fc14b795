from collections.abc import Iterator
from pathlib import Path

import pytest

from matcher.tagging.corpus import DEFAULT_CORPUS, read_corpus, write_corpus
from matcher.tagging.model import TaggingModel
from matcher.tagging.service import shared_model
from matcher.tagging.store import load_model


@pytest.fixture(scope="session")
def cache_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A base cache directory (what ``MATCHER_CACHE_DIR`` points at) for the session."""
    return tmp_path_factory.mktemp("matcher-cache")


@pytest.fixture(scope="session")
def model(cache_base: Path) -> TaggingModel:
    """The repository corpus's model, trained once per session and cached under ``cache_base``."""
    return load_model(cache_dir=cache_base / "tagging")


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """Every twentieth row of the corpus: every section, and quick to train on."""
    examples = read_corpus(DEFAULT_CORPUS).examples[::20]
    path = tmp_path / "corpus.csv"
    write_corpus(examples, path)
    return path


@pytest.fixture
def fresh_shared_model() -> Iterator[None]:
    shared_model.cache_clear()
    yield
    shared_model.cache_clear()
