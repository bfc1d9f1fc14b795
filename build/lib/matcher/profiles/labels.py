"""Chinese words for fact values, for pages and CLI output meant for people."""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from matcher.rules.ast import Value
from matcher.standards.sme_size import SIZE_CLASS_LABELS

VALUE_LABELS: dict[str, dict[str, str]] = {
    "enterprise.entity_type": {
        "company": "企业（公司等）",
        "individual_business": "个体工商户",
        "farmer_cooperative": "农民专业合作社",
    },
    "enterprise.operating_status": {"operating": "在营", "suspended": "停业", "closed": "已注销"},
    "enterprise.credit_list": {"red": "红榜", "black": "黑榜", "none": "未上榜"},
    "enterprise.industry_cluster": {
        "silver": "白银深加工",
        "steel": "钢产品深加工",
        "nano": "纳米材料",
        "food": "食品饮料",
        "none": "其他",
    },
    "enterprise.size_class": SIZE_CLASS_LABELS,
}


def show_value(path: str, value: Value, words: Mapping[str, str] | None = None) -> str:
    """``value`` of fact ``path`` as a person reads it; an enumerated value by its word in
    ``words`` (a declared fact's) or in :data:`VALUE_LABELS`."""
    if value is None:
        return "未知"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return (words or VALUE_LABELS.get(path, {})).get(value, value)
    return str(value)


def show_money(amount: Decimal | None) -> str:
    return "—" if amount is None else f"{amount:,.2f} 元"


def show_parameter(value: Decimal, unit: str) -> str:
    """A dated parameter's value: a ratio as a percentage, money in yuan, else with its unit."""
    if unit == "比例":
        return f"{(value * 100).normalize():f}%"
    if unit == "元":
        return show_money(value)
    return f"{value.normalize():f}{unit}"
