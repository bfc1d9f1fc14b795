"""requirements.lock pins what pyproject.toml asks for. Offline: CI's ``scripts/lock --check``
also recompiles the lock against the index, which catches changes below the top level."""

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    return [
        Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    ]


def _pinned() -> dict[str, Version]:
    """Each locked package's version (lines ``name==version [; marker] \\``)."""
    pins = {}
    for line in (ROOT / "requirements.lock").read_text("utf-8").splitlines():
        if line[:1].isalnum():
            requirement = Requirement(line.removesuffix("\\").strip())
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", line
            pins[canonicalize_name(requirement.name)] = Version(specifier.version)
    return pins


def test_every_declared_dependency_is_locked_at_a_version_it_allows() -> None:
    pins = _pinned()
    unlocked = [str(r) for r in _declared() if canonicalize_name(r.name) not in pins]
    assert unlocked == [], "not in requirements.lock: run scripts/lock"
    outside = [
        f"{r} (locked {pins[canonicalize_name(r.name)]})"
        for r in _declared()
        if pins[canonicalize_name(r.name)] not in r.specifier
    ]
    assert outside == [], "requirements.lock is older than pyproject.toml: run scripts/lock"


def test_no_deep_learning_framework_is_pulled_in() -> None:
    assert {"torch", "tensorflow", "jax"}.isdisjoint(_pinned())
