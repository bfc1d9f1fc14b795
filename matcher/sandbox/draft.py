"""A draft policy compiled exactly as publishing would compile it.

Publishing a policy is placing its file in the catalog directory and loading the catalog whole
(:func:`matcher.policies.catalog.load_catalog`). A draft is checked the same way: the current
catalog's files are copied into a scratch directory of the same name, the draft is written where
its file would go, and that catalog is loaded. The draft therefore meets every check (YAML,
fields, expressions, references between policies) and is refused with the same
:class:`~matcher.policies.issues.CatalogError`, messages and lines, naming the file it would be
published as.
"""

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from matcher.policies.catalog import CASES_SUFFIX, Catalog, load_catalog
from matcher.policies.compile import CompiledPolicy
from matcher.policies.model import POLICY_ID
from matcher.policies.yaml_source import YamlSyntaxError, load_yaml

NEW_PROGRAMME = "draft"
"""Our convention, not a policy's: the directory a new policy's file is placed in (an existing
policy's draft replaces its current file)."""
UNNAMED = "draft.yaml"
"""The file name of a draft without a usable ``id``; loading it reports what is wrong."""
_ID_LINE = re.compile(r"^id:[ \t]*([^\s#]+)[ \t]*(?:#.*)?$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Draft:
    """The draft compiled, and the catalog's current version of the same policy, if any."""

    policy: CompiledPolicy
    current: CompiledPolicy | None


def compile_draft(catalog: Catalog, text: str) -> Draft:
    """``text`` compiled as a policy of ``catalog``; :class:`CatalogError` with every problem
    publishing it would meet."""
    with tempfile.TemporaryDirectory(prefix="matcher-sandbox-") as scratch:
        root = Path(scratch) / catalog.root.name
        shutil.copytree(catalog.root, root, ignore=shutil.ignore_patterns(f"*{CASES_SUFFIX}"))
        policy_id = _policy_id(text, Path(scratch) / UNNAMED)
        current = catalog.get(policy_id) if policy_id is not None else None
        if current is not None:
            target = root.parent / current.path
        else:
            target = root / NEW_PROGRAMME / (f"{policy_id}.yaml" if policy_id else UNNAMED)
        target.parent.mkdir(exist_ok=True)
        target.write_text(text, encoding="utf-8")
        drafted = load_catalog(root)
    compiled = drafted.get(policy_id or "")
    assert compiled is not None, "a catalog that loads holds every file's policy"
    return Draft(compiled, current)


def current_text(catalog: Catalog, policy_id: str) -> str | None:
    """The file of ``policy_id``'s current version as written, to start a draft from."""
    current = catalog.get(policy_id)
    if current is None:
        return None
    return (catalog.root.parent / current.path).read_text(encoding="utf-8")


def _policy_id(text: str, scratch_file: Path) -> str | None:
    """The draft's ``id`` if it can name a file; else ``None`` (loading says what is wrong).

    A draft that is not valid YAML is placed by its top-level ``id:`` line, so that the
    syntax error names the file it would be published as."""
    scratch_file.write_text(text, encoding="utf-8")
    try:
        data = load_yaml(scratch_file).data
    except YamlSyntaxError:
        line = _ID_LINE.search(text)
        data = {"id": line.group(1)} if line else None
    policy_id = data.get("id") if isinstance(data, dict) else None
    if isinstance(policy_id, str) and re.fullmatch(POLICY_ID, policy_id):
        return policy_id
    return None
