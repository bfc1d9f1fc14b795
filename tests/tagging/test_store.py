from pathlib import Path
from typing import Any

import pytest
import sklearn

from matcher.tagging import store, suggest
from matcher.tagging.corpus import read_corpus
from matcher.tagging.model import TaggingModel, fit


def count_fits(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each training ``load_model`` starts."""
    calls: list[str] = []

    def spy(*args: Any, **kwargs: Any) -> TaggingModel:
        calls.append("fit")
        return fit(*args, **kwargs)

    monkeypatch.setattr(store, "fit", spy)
    return calls


def test_cache_is_written_then_reused(
    small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fits, cache = count_fits(monkeypatch), tmp_path / "cache"
    first = store.load_model(small_corpus, cache)
    (written,) = cache.glob("*.joblib")
    sha = read_corpus(small_corpus).sha256
    assert written.name == f"tagging-{sha[:16]}-sklearn{sklearn.__version__}-v1.joblib"
    second = store.load_model(small_corpus, cache)
    assert fits == ["fit"]
    assert second.corpus_sha256 == first.corpus_sha256 == sha
    assert second.suggest("软件开发") == first.suggest("软件开发")


def test_cache_is_rebuilt_when_the_corpus_changes(
    small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fits, cache = count_fits(monkeypatch), tmp_path / "cache"
    store.load_model(small_corpus, cache)
    (old,) = cache.glob("*.joblib")
    with small_corpus.open("a", encoding="utf-8") as handle:
        handle.write("钢材剪切加工,3130,C,industry,steel\n")
    rebuilt = store.load_model(small_corpus, cache)
    (new,) = cache.glob("*.joblib")
    assert fits == ["fit", "fit"] and new != old
    assert rebuilt.corpus_sha256 == read_corpus(small_corpus).sha256


def test_unreadable_cache_is_rebuilt(
    small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fits, cache = count_fits(monkeypatch), tmp_path / "cache"
    cache.mkdir()
    store.cache_file(read_corpus(small_corpus).sha256, cache).write_bytes(b"not a model")
    rebuilt = store.load_model(small_corpus, cache)
    assert rebuilt.corpus_sha256 == read_corpus(small_corpus).sha256
    store.load_model(small_corpus, cache)
    assert fits == ["fit"]


def test_cache_directory_follows_the_environment(
    small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(store.CACHE_ENV, str(tmp_path / "base"))
    store.load_model(small_corpus)
    assert len(list((tmp_path / "base" / "tagging").glob("tagging-*.joblib"))) == 1


@pytest.mark.usefixtures("fresh_shared_model")
def test_module_level_suggest_uses_the_cached_model(
    model: TaggingModel, cache_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(store.CACHE_ENV, str(cache_base))
    fits = count_fits(monkeypatch)
    assert suggest("软件开发") == model.suggest("软件开发")
    assert fits == []
