"""The staff queue's controls: the filter form as the URL set it, the page links and the sort
links, each keeping the other choices of the URL (so a view can be bookmarked and shared)."""

from collections.abc import Mapping
from dataclasses import dataclass
from math import ceil
from urllib.parse import urlencode

from matcher.api.claim_query import StatusChoice
from matcher.payouts.claim_filter import ClaimSort
from matcher.payouts.tables import CLAIM_STATUS_LABELS, ClaimStatus
from matcher.policies.catalog import Catalog
from matcher.policies.model import BenefitKind

QUEUE_PATH = "/staff/claims"
STATUS_CHOICES = (
    (StatusChoice.OPEN, "待办（待审核、待补充材料）"),
    *((StatusChoice(s.value), CLAIM_STATUS_LABELS[s]) for s in ClaimStatus),
    (StatusChoice.ALL, "全部"),
)
SORT_CHOICES = ((ClaimSort.DUE, "按办理期限"), (ClaimSort.FILED, "按申请日期"))
KEPT = (
    ("due_from", "due_to", "办理期限"),
    ("decided_from", "decided_to", "决定日期"),
)
"""Ranges the form has no field for (the 工作台's links set them): kept as hidden fields and
named above the list, with a link that drops them."""
WINDOW = 2
"""Page links shown on each side of the current page (and the first and last always)."""


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    href: str
    current: bool = False
    value: str = ""
    """What the link chooses, for the form's option of the same choice."""


@dataclass(frozen=True, slots=True)
class KeptRange:
    label: str
    first: str
    last: str
    fields: tuple[tuple[str, str], ...]
    drop: str
    """The queue's URL without this range."""


@dataclass(frozen=True, slots=True)
class QueueView:
    values: Mapping[str, str]
    """The URL's parameters, to fill the form in again."""
    total: int
    page: int
    pages: int
    page_links: tuple[Link | None, ...]
    """``None`` stands for pages left out (…)."""
    previous: str | None
    next: str | None
    sort_links: tuple[Link, ...]
    policies: tuple[tuple[str, str], ...]
    statuses: tuple[tuple[str, str], ...]
    kept: tuple[KeptRange, ...]


def queue_href(params: Mapping[str, str], **changes: str | None) -> str:
    """The queue's URL with ``params`` changed (``None`` drops one) and empty ones left out."""
    merged = {**params, **changes}
    query = urlencode({k: v for k, v in merged.items() if v})
    return f"{QUEUE_PATH}?{query}" if query else QUEUE_PATH


def _shown_pages(page: int, pages: int) -> list[int | None]:
    shown = sorted({1, pages, *range(max(1, page - WINDOW), min(pages, page + WINDOW) + 1)})
    with_gaps: list[int | None] = []
    for number in shown:
        if with_gaps and with_gaps[-1] is not None and number - with_gaps[-1] > 1:
            with_gaps.append(None)
        with_gaps.append(number)
    return with_gaps


def _kept(params: Mapping[str, str]) -> tuple[KeptRange, ...]:
    kept = []
    for first, last, label in KEPT:
        if params.get(first) or params.get(last):
            fields = tuple((name, params[name]) for name in (first, last) if params.get(name))
            drop = queue_href(params, **{first: None, last: None, "page": None})
            kept.append(KeptRange(label, params.get(first, ""), params.get(last, ""), fields, drop))
    return tuple(kept)


def queue_view(
    params: Mapping[str, str], catalog: Catalog, total: int, page: int, size: int
) -> QueueView:
    """The controls for ``page`` (from 1) of ``total`` claims, ``size`` to a page; ``params``
    are the request's, already read into the filter (so known to be valid)."""
    values = dict(params)
    pages = max(1, ceil(total / size))

    def at(number: int) -> str:
        return queue_href(values, page=str(number) if number > 1 else None)

    links = tuple(
        None if n is None else Link(str(n), at(n), n == page) for n in _shown_pages(page, pages)
    )
    sort = values.get("sort") or ClaimSort.DUE
    sorts = tuple(
        Link(label, queue_href(values, sort=choice, page=None), choice == sort, choice)
        for choice, label in SORT_CHOICES
    )
    policies = tuple(
        (p.id, p.policy.title)
        for p in sorted(catalog, key=lambda p: p.id)
        if p.policy.benefit.kind is BenefitKind.CASH_SUBSIDY
    )
    return QueueView(
        values,
        total,
        page,
        pages,
        links,
        at(page - 1) if page > 1 else None,
        at(page + 1) if page < pages else None,
        sorts,
        policies,
        tuple((choice.value, label) for choice, label in STATUS_CHOICES),
        _kept(values),
    )
