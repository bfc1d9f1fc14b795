"""Publishing a policy, or a new version of one, matches that policy alone."""

import shutil
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from matcher.config import BUNDLED_CATALOG
from matcher.db import session_scope
from matcher.policies.catalog import default_catalog, load_catalog
from matcher.policies.versions import publish
from matcher.population.service import match_population, policies_not_yet_matched

TODAY = date(2021, 6, 1)


def test_only_new_versions_are_matched_again(engine: Engine, tmp_path: Path) -> None:
    catalog = default_catalog()
    with session_scope(engine) as session:
        publish(session, catalog, TODAY)
        assert len(policies_not_yet_matched(session, catalog.policies)) == len(catalog)
    match_population(engine, catalog.in_force(TODAY), TODAY)
    with session_scope(engine) as session:
        assert policies_not_yet_matched(session, catalog.in_force(TODAY)) == ()
    root = tmp_path / "policies"
    shutil.copytree(BUNDLED_CATALOG, root)
    path = root / "jiyuan-2020/construction-guarantee-letter.yaml"
    text = path.read_text("utf-8")
    old = "description: 投标、履约、工程质量、农民工工资保证金可用银行保函替代现金缴纳"
    assert old in text
    path.write_text(text.replace(old, "description: 四类保证金可用银行保函替代现金缴纳"), "utf-8")
    changed = load_catalog(root)
    with session_scope(engine) as session:
        published = publish(session, changed, TODAY)
        assert [p.id for p in published] == ["construction-guarantee-letter"]
        assert [p.id for p in policies_not_yet_matched(session, changed.in_force(TODAY))] == [
            "construction-guarantee-letter"
        ]
