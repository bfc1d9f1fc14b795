"""The one jinja2 environment of the project, for web pages and, later, notice messages.

Templates live in the package, under ``matcher/templates``. HTML and XML are autoescaped,
and an undefined name is an error rather than an empty string, so a typo in a template fails
its test instead of printing nothing. The filters turn values into the Chinese a person reads.
"""

from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from matcher.clock import CHINA, as_utc
from matcher.config import PACKAGE_ROOT
from matcher.eligibility.results import OUTCOME_LABELS, STATUS_LABELS, Outcome, Status
from matcher.enterprises.tables import FACT_SOURCE_LABELS
from matcher.policies.model import BENEFIT_KIND_LABELS, BenefitKind
from matcher.profiles.labels import show_money, show_parameter, show_value
from matcher.rules.ast import Value

TEMPLATES_DIR = PACKAGE_ROOT / "templates"


def show_day(value: date | datetime | None) -> str:
    """``YYYY-MM-DD``; a moment is shown as the day it fell on in China."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return as_utc(value).astimezone(CHINA).date().isoformat()
    return value.isoformat()


def show_moment(value: datetime) -> str:
    """``YYYY-MM-DD HH:MM``, the minute a stored moment was in China (Beijing time)."""
    return as_utc(value).astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def show_fact(value: Value, path: str) -> str:
    """``value`` of fact ``path`` (``enterprise.employees``) as a person reads it."""
    return show_value(path, value)


def show_source(source: str | None) -> str:
    """Where a fact came from (``tax`` → 税务数据)."""
    return "—" if source is None else FACT_SOURCE_LABELS.get(source, source)


FILTERS: dict[str, Callable[..., str]] = {
    "parameter": show_parameter,
    "money": show_money,
    "day": show_day,
    "moment": show_moment,
    "fact": show_fact,
    "fact_source": show_source,
    "status_label": lambda status: STATUS_LABELS[Status(status)],
    "outcome_label": lambda outcome: OUTCOME_LABELS[Outcome(outcome)],
    "benefit_kind": lambda kind: BENEFIT_KIND_LABELS[BenefitKind(kind)],
}


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


def render_template(name: str, context: dict[str, Any]) -> str:
    return environment().get_template(name).render(context)
