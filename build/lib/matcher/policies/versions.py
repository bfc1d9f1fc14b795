"""Publish the catalog's policies as versions, and find the version in force on a date."""

import json
from datetime import date
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from matcher import clock
from matcher.policies.catalog import Catalog
from matcher.policies.compile import CompiledPolicy, compile_policy
from matcher.policies.model import Policy
from matcher.policies.tables import PolicyVersion
from matcher.policies.yaml_source import YamlDocument
from matcher.profiles.declared import DeclaredFacts


def publish(session: Session, catalog: Catalog, today: date) -> list[CompiledPolicy]:
    """Record every policy version of ``catalog`` not yet published; return those published now."""
    known = set(session.exec(select(PolicyVersion.version)).all())
    published = []
    for compiled in catalog:
        if compiled.version in known:
            continue
        earlier = session.exec(
            select(PolicyVersion.id).where(PolicyVersion.policy_id == compiled.id).limit(1)
        ).first()
        start = compiled.policy.effective.start
        session.add(
            PolicyVersion(
                policy_id=compiled.id,
                version=compiled.version,
                content=compiled.policy.model_dump(mode="json", by_alias=True),
                declared_facts=compiled.declared.as_json(),
                valid_from=start if earlier is None else max(start, today),
            )
        )
        published.append(compiled)
    session.flush()
    return published


def publish_catalog(engine: Engine, catalog: Catalog) -> list[CompiledPolicy]:
    """Publish in a transaction of its own; a worker that loses the race to another one
    starting at the same moment finds the versions already there."""
    try:
        with Session(engine) as session:
            published = publish(session, catalog, clock.today())
            session.commit()
            return published
    except IntegrityError:
        return []


def compile_stored(record: PolicyVersion) -> CompiledPolicy:
    """A stored version compiled again, against the facts declared when it was published
    (once per process: a version never changes)."""
    declared = json.dumps(record.declared_facts or {}, ensure_ascii=False)
    return _compile(record.version, json.dumps(record.content, ensure_ascii=False), declared)


@lru_cache(maxsize=512)
def _compile(version: str, content: str, declared_facts: str) -> CompiledPolicy:
    policy = Policy.model_validate_json(content)
    declared = DeclaredFacts.from_json(json.loads(declared_facts))
    shown = Path(f"{policy.id}.yaml")
    compiled, issues = compile_policy(policy, YamlDocument(shown, None, {}), shown, declared)
    if compiled is None:
        raise ValueError(f"stored version {version} no longer compiles: {issues}")
    return compiled


def version_in_force(session: Session, policy_id: str, day: date) -> CompiledPolicy | None:
    """The version of ``policy_id`` that governs a claim dated ``day``, if any."""
    record = session.exec(
        select(PolicyVersion)
        .where(PolicyVersion.policy_id == policy_id, PolicyVersion.valid_from <= day)
        .order_by(col(PolicyVersion.valid_from).desc(), col(PolicyVersion.id).desc())
        .limit(1)
    ).first()
    if record is None:
        return None
    compiled = compile_stored(record)
    return compiled if compiled.policy.effective.covers(day) else None
