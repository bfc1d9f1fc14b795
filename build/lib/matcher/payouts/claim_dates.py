"""A claim's date: the day it is filed.

The claim date chooses the policy version and the recorded facts a claim is judged by, and
decides time-based criteria (operating for a year), so the filer does not choose it. An
enterprise's claim is dated the day it is filed. Staff entering a claim on an enterprise's
behalf may date it back to the day the window received it, at most
``MATCHER_MAX_BACKDATE_DAYS`` days (the window's own rule, not a policy's), and never ahead.
"""

from datetime import date, timedelta

from matcher.auth.service import Principal
from matcher.auth.tables import Role
from matcher.config import settings
from matcher.errors import DomainError
from matcher.profiles.errors import FieldError


def _refused(code: str, message: str) -> DomainError:
    return DomainError(code, message, [FieldError("claim_date", code, message)])


def claim_date_for(requested: date | None, filer: Principal, today: date) -> date:
    """The date of a claim ``filer`` files ``today``, asking for ``requested`` (or nothing)."""
    if requested is None or requested == today:
        return today
    if filer.role is Role.ENTERPRISE:
        message = f"企业提交的申请以提交当天（{today}）为申请日期，不能另填日期"
        raise _refused("claim_date_not_today", message)
    if requested > today:
        raise _refused(
            "claim_date_in_future", f"申请日期 {requested} 晚于今天（{today}），不能预填"
        )
    days = settings().max_backdate_days
    earliest = today - timedelta(days=days)
    if requested < earliest:
        message = f"申请日期最早可补填至 {earliest}（收件后 {days} 天内补录）"
        raise _refused("claim_date_too_old", message)
    return requested
