"""Policy files written from Python data into a throw-away catalog, for format tests."""

from pathlib import Path
from typing import Any

import yaml


def policy_data(policy_id: str, **changes: Any) -> dict[str, Any]:
    """A minimal valid cash subsidy ``policy_id`` for operating enterprises, with ``changes``."""
    policy: dict[str, Any] = {
        "id": policy_id,
        "title": f"测试政策 {policy_id}",
        "summary": "用于测试的政策。",
        "source": {
            "document": "测试〔2020〕1号",
            "title": "测试文件",
            "article": 1,
            "clause": "对符合条件的企业给予补贴。",
        },
        "units": ["测试局"],
        "effective": {"from": "2020-01-01"},
        "benefit": {"kind": "cash_subsidy", "description": "补贴", "amount": "1000"},
        "criteria": [
            {
                "id": "operating",
                "label": "正常经营",
                "expr": 'enterprise.operating_status == "operating"',
                "clause": "符合条件的企业",
            }
        ],
        "apply": {
            "beneficiaries": "符合条件的企业",
            "where": {"name": "测试局", "assumption": "原文未写明受理地点"},
        },
    }
    policy.update(changes)
    return policy


def write_catalog(root: Path, *policies: dict[str, Any]) -> Path:
    """``policies`` as files of one programme under ``root``; returns the catalog root."""
    programme = root / "policies" / "test"
    programme.mkdir(parents=True)
    for policy in policies:
        text = yaml.safe_dump(policy, allow_unicode=True, sort_keys=False)
        (programme / f"{policy['id']}.yaml").write_text(text, encoding="utf-8")
    return root / "policies"
