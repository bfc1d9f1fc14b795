"""The query parameters that choose claims, read once into a
:class:`matcher.payouts.claim_filter.ClaimFilter`: the API's claim list and the staff queue page
take the same parameters, so a bookmarked queue and an API call select the same claims.

A parameter left empty (as a GET form sends a field nobody filled) is taken as absent.
"""

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Annotated

from fastapi import Query
from pydantic import BeforeValidator

from matcher import clock
from matcher.bounds import Day
from matcher.errors import DomainError
from matcher.payouts.claim_filter import ClaimFilter, ClaimSort
from matcher.payouts.tables import OPEN_STATUSES, ClaimStatus
from matcher.text import Line

TEXT_LENGTH = 100


class StatusChoice(StrEnum):
    """A status, or ``open`` (待审核 and 待补充材料), or ``all``."""

    OPEN = "open"
    ALL = "all"
    PENDING = ClaimStatus.PENDING.value
    MATERIALS_REQUESTED = ClaimStatus.MATERIALS_REQUESTED.value
    APPROVED = ClaimStatus.APPROVED.value
    REJECTED = ClaimStatus.REJECTED.value

    @property
    def statuses(self) -> tuple[ClaimStatus, ...] | None:
        if self is StatusChoice.ALL:
            return None
        if self is StatusChoice.OPEN:
            return OPEN_STATUSES
        return (ClaimStatus(self.value),)


def _blank_is_absent(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


Blank = BeforeValidator(_blank_is_absent)
OptionalDay = Annotated[Day | None, Blank]
DayParam = Annotated[OptionalDay, Query(description="日期（YYYY-MM-DD）")]


def _ordered(first: date | None, last: date | None, what: str) -> None:
    if first is not None and last is not None and first > last:
        raise DomainError("date_range", f"{what}的起始日 {first} 晚于截止日 {last}，请重新选择。")


def claim_filter_params(default: StatusChoice) -> Callable[..., ClaimFilter]:
    """The dependency that reads the parameters; ``status`` is ``default`` when not given."""

    def read(
        policy: Annotated[Line, Query(max_length=TEXT_LENGTH, description="政策 id")] = "",
        status: Annotated[
            StatusChoice | None, Blank, Query(description="状态：open 待办、all 全部或某一状态")
        ] = None,
        overdue: Annotated[bool, Query(description="只列出已逾期的申请")] = False,
        filed_from: DayParam = None,
        filed_to: DayParam = None,
        due_from: DayParam = None,
        due_to: DayParam = None,
        decided_from: DayParam = None,
        decided_to: DayParam = None,
        q: Annotated[
            Line,
            Query(
                max_length=TEXT_LENGTH,
                description="企业名称、统一社会信用代码的一部分，或申请编号"
                "（#123 只找编号；% 和 _ 按字面查找）",
            ),
        ] = "",
        sort: Annotated[ClaimSort, Query(description="due 按办理期限、filed 按申请日期")] = (
            ClaimSort.DUE
        ),
    ) -> ClaimFilter:
        _ordered(filed_from, filed_to, "申请日期")
        _ordered(due_from, due_to, "办理期限")
        _ordered(decided_from, decided_to, "决定日期")
        return ClaimFilter(
            policy_id=policy.strip() or None,
            statuses=(status or default).statuses,
            overdue_on=clock.today() if overdue else None,
            filed_from=filed_from,
            filed_to=filed_to,
            due_from=due_from,
            due_to=due_to,
            decided_from=decided_from,
            decided_to=decided_to,
            search=q.strip() or None,
            sort=sort,
        )

    return read
