"""The uptake dashboard's query: the filter form as the address set it, read into the
dashboard's filter once, and the addresses of its CSV files and pages."""

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from matcher.errors import DomainError
from matcher.policies.catalog import Catalog
from matcher.standards.sme_size import SIZE_CLASS_LABELS
from matcher.uptake.selection import UptakeFilter, month_range, policies_shown
from matcher.uptake.sheets import CLUSTER_LABELS, GROUP_HEADINGS
from matcher.uptake.stages import Dimension
from matcher.uptake.take_up import DEFAULT_DAYS, check_days

PATH = "/staff/uptake"
NON_TAKE_UP = f"{PATH}/non-take-up"
FIELDS = ("policy", "unit", "cluster", "size", "from", "to", "by", "days")
"""The query parameters the dashboard reads; any other is ignored."""


@dataclass(frozen=True, slots=True)
class UptakeQuery:
    values: dict[str, str]
    """The parameters as given (for the form and the links), empty ones left out."""
    chosen: UptakeFilter
    by: Dimension
    days: int
    policies: list[tuple[str, str]]
    units: list[str]
    clusters: list[tuple[str, str]]
    sizes: list[tuple[str, str]]
    dimensions: list[tuple[str, str]]

    def href(self, path: str = PATH, **changes: str | None) -> str:
        """``path`` with the query's parameters, ``changes`` applied (``None`` drops one)."""
        merged = {**self.values, **changes}
        query = urlencode({k: v for k, v in merged.items() if v})
        return f"{path}?{query}" if query else path


def _choice(value: str | None, allowed: Mapping[str, str], what: str) -> str | None:
    if not value:
        return None
    if value not in allowed:
        raise DomainError("invalid_choice", f"{what}“{value}”不在可选范围内")
    return value


def read_query(params: Mapping[str, str], catalog: Catalog) -> UptakeQuery:
    """The dashboard's query from the address; :class:`DomainError` names what is wrong."""
    values = {name: params[name].strip() for name in FIELDS if params.get(name, "").strip()}
    policies = [compiled.policy for compiled in catalog]
    titles = {policy.id: policy.title for policy in policies}
    units = sorted({policy.lead_unit for policy in policies})
    policy_id = _choice(values.get("policy"), titles, "政策")
    unit = _choice(values.get("unit"), {u: u for u in units}, "牵头单位")
    cluster = _choice(values.get("cluster"), CLUSTER_LABELS, "产业集群")
    size = _choice(values.get("size"), SIZE_CLASS_LABELS, "企业规模")
    groupings = {d.value: GROUP_HEADINGS[d] for d in Dimension}
    by = Dimension(_choice(values.get("by"), groupings, "统计维度") or Dimension.POLICY)
    days_text = values.get("days", str(DEFAULT_DAYS))
    if not days_text.isdigit():
        raise DomainError("invalid_days", f"天数“{days_text}”须为整数")
    days = check_days(int(days_text))
    chosen = UptakeFilter(
        policies_shown(policies, policy_id, unit),
        cluster,
        size,
        month_range(values.get("from"), values.get("to")),
    )
    return UptakeQuery(
        values,
        chosen,
        by,
        days,
        sorted(titles.items(), key=lambda item: item[1]),
        units,
        list(CLUSTER_LABELS.items()),
        list(SIZE_CLASS_LABELS.items()),
        list(groupings.items()),
    )
