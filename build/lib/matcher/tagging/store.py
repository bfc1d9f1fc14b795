"""Versioned on-disk cache of the trained model.

The file name carries the corpus digest, the scikit-learn version and
``FORMAT_VERSION``, so a changed corpus, an upgraded scikit-learn or a changed
model layout each select a new file and trigger a rebuild. Only files this module
wrote into the cache directory are ever unpickled.
"""

import logging
import os
import tempfile
from pathlib import Path
from typing import Final

import joblib
import sklearn

from matcher.tagging.corpus import DEFAULT_CORPUS, read_corpus
from matcher.tagging.model import TaggingModel, fit

FORMAT_VERSION: Final = 1
CACHE_ENV: Final = "MATCHER_CACHE_DIR"
"""Base cache directory of the matcher; the model goes into its ``tagging/`` subdirectory."""
_DEFAULT_BASE: Final = Path(".cache")
"""In the working directory, beside ``var/``."""
_PREFIX: Final = "tagging-"

log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or _DEFAULT_BASE) / "tagging"


def cache_file(corpus_sha256: str, cache_dir: Path) -> Path:
    version = str(sklearn.__version__)
    return cache_dir / f"{_PREFIX}{corpus_sha256[:16]}-sklearn{version}-v{FORMAT_VERSION}.joblib"


def load_model(
    corpus_path: Path | None = None, cache_dir: Path | None = None, rebuild: bool = False
) -> TaggingModel:
    """The model for a corpus, from the cache when it holds one, else trained and cached;
    ``rebuild`` trains anew whatever the cache holds.

    A cache that cannot be read or written is logged and bypassed, never fatal.
    """
    corpus = read_corpus(corpus_path or DEFAULT_CORPUS)
    directory = cache_dir or default_cache_dir()
    path = cache_file(corpus.sha256, directory)
    if path.exists() and not rebuild:
        try:
            model = joblib.load(path)
        except Exception:  # a truncated or incompatible file is rebuilt, whatever the error
            log.warning("unreadable tagging model cache %s, rebuilding", path, exc_info=True)
        else:
            if isinstance(model, TaggingModel) and model.corpus_sha256 == corpus.sha256:
                return model
            log.warning("tagging model cache %s does not match its corpus, rebuilding", path)
    model = fit(corpus.examples, corpus.sha256)
    try:
        _save(model, path)
    except OSError:
        log.warning("cannot write tagging model cache %s", path, exc_info=True)
    return model


def _save(model: TaggingModel, path: Path) -> None:
    """Write atomically, then drop the files of other corpora or versions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    os.close(handle)
    try:
        joblib.dump(model, temporary)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    for stale in path.parent.glob(f"{_PREFIX}*.joblib"):
        if stale != path:
            stale.unlink(missing_ok=True)
