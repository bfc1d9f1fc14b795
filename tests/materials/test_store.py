"""The local-directory store: files under generated keys only, written whole, never replaced."""

import stat
from pathlib import Path

import pytest

from matcher.materials.store import LocalDirectoryStore, new_key


def test_put_open_delete(tmp_path: Path) -> None:
    store = LocalDirectoryStore(tmp_path / "materials")
    key = new_key()
    store.put(key, b"%PDF-1.4 contents")
    with store.open(key) as stored:
        assert stored.read() == b"%PDF-1.4 contents"
    path = tmp_path / "materials" / key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "materials").stat().st_mode) == 0o700
    assert sorted(p.name for p in (tmp_path / "materials").iterdir()) == [key]  # no .part left
    store.delete(key)
    store.delete(key)  # already gone: nothing to do
    with pytest.raises(FileNotFoundError):
        store.open(key)


def test_a_key_is_never_overwritten(tmp_path: Path) -> None:
    store = LocalDirectoryStore(tmp_path)
    key = new_key()
    store.put(key, b"first")
    with pytest.raises(FileExistsError):
        store.put(key, b"second")
    with store.open(key) as stored:
        assert stored.read() == b"first"
    assert sorted(p.name for p in tmp_path.iterdir()) == [key]


@pytest.mark.parametrize("key", ["../outside", "/etc/passwd", "", "A" * 32, "0" * 32 + "/x"])
def test_only_generated_keys_name_files(tmp_path: Path, key: str) -> None:
    store = LocalDirectoryStore(tmp_path / "materials")
    for action in (lambda: store.put(key, b"x"), lambda: store.open(key)):
        with pytest.raises(ValueError, match="not a material key"):
            action()
    assert not (tmp_path / "materials").exists()


def test_keys_are_fresh() -> None:
    keys = {new_key() for _ in range(1000)}
    assert len(keys) == 1000
    assert all(len(key) == 32 for key in keys)
