"""The 免申即享 policy the tests pay under: a test file, not policy (the 2020 text designates no
measure 免申即享), written into a copy of the bundled catalog."""

import shutil
from pathlib import Path

from matcher.policies.catalog import Catalog, default_catalog, load_catalog

POLICY_ID = "test-no-application-subsidy"
AMOUNT = "3000"

POLICY = f"""\
id: {POLICY_ID}
title: 测试免申即享补贴
summary: 测试用政策：在济源登记、正常经营满1年的企业，免申即享3000元。
source:
  document: 测试〔2026〕1号
  title: 测试文件
  clause: 测试条款。
units: [测试单位]
effective:
  from: 2020-01-01
benefit:
  kind: cash_subsidy
  description: 一次性补贴3000元
  amount: "{AMOUNT}"
  limits:
    - per: enterprise.uscc
      max_count: 1
      clause: 每户一次
criteria:
  - id: registered_in_jiyuan
    label: 在济源登记注册
    expr: enterprise.registered_in_jiyuan
    clause: 在济源登记注册的企业
  - id: operating
    label: 目前正常经营
    expr: enterprise.operating_status == "operating"
    clause: 正常经营
  - id: operating_one_year
    label: 自登记注册之日起经营满1年
    expr: years_between(enterprise.registered_on, as_of) >= 1
    clause: 经营满1年
apply:
  beneficiaries: 在济源登记、正常经营满1年的企业
  where:
    name: 测试单位
    assumption: 测试
no_application: true
"""


def catalog_dir(root: Path, *policies: tuple[str, str]) -> Path:
    """A copy of the bundled catalog under ``root`` with ``policies`` (file stem, text) added:
    by default :data:`POLICY`."""
    shutil.copytree(default_catalog().root, root)
    for stem, text in policies or ((POLICY_ID, POLICY),):
        (root / "jiyuan-2020" / f"{stem}.yaml").write_text(text, "utf-8")
    return root


def write_catalog(root: Path, *policies: tuple[str, str]) -> Catalog:
    """:func:`catalog_dir`, loaded."""
    return load_catalog(catalog_dir(root, *policies))
