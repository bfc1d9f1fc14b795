"""The decision and reversal forms of a claim page, read into what the services take.

Only the shape of the input is checked here; whether a decision may be taken (the amount
within the payable amount, a reason where one is due) is the service's to say.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from matcher.payouts.tables import DecisionKind
from matcher.web.attempt import Refusal
from matcher.web.fields import FieldInvalid, FieldKind, FieldSpec, parse_field

AMOUNT = FieldSpec("amount", "批准金额（元）", FieldKind.MONEY)
REASON = FieldSpec(
    "reason", "理由", FieldKind.LONG_TEXT, hint="驳回或要求补充材料时必填，将告知企业；最多 1000 字"
)
RESPOND_BY = FieldSpec(
    "respond_by",
    "补正期限",
    FieldKind.DATE,
    hint="要求补充材料时可填：企业应在此日期前补正；须晚于今天，至多 60 天",
)
REVERSAL_REASON = FieldSpec(
    "reversal_reason", "冲正理由", FieldKind.LONG_TEXT, hint="必填；最多 1000 字"
)
REVERSED_DECISION = "decision_id"
_REASON_LENGTH = 1000
"""The length of ``decisions.reason``."""
_ID = re.compile(r"[0-9]{1,9}")
_DECIDABLE = {
    kind.value: kind
    for kind in DecisionKind
    if kind not in (DecisionKind.REVERSAL, DecisionKind.RESUBMIT)
}


@dataclass(frozen=True, slots=True)
class DecisionInput:
    kind: DecisionKind
    amount: Decimal | None
    reason: str | None
    respond_by: date | None = None


@dataclass(frozen=True, slots=True)
class ReversalInput:
    decision_id: int
    reason: str


def _reason(posted: Mapping[str, str], spec: FieldSpec) -> str | Refusal:
    reason = posted.get(spec.name, "").strip()
    if len(reason) > _REASON_LENGTH:
        return Refusal(422, f"{spec.label}最多 {_REASON_LENGTH} 字，请精简后重新提交。")
    return reason


def read_decision(posted: Mapping[str, str]) -> DecisionInput | Refusal:
    kind = _DECIDABLE.get(posted.get("kind", ""))
    if kind is None:
        return Refusal(422, "请选择批准、驳回或要求补充材料。")
    reason = _reason(posted, REASON)
    if isinstance(reason, Refusal):
        return reason
    amount = None
    if kind is DecisionKind.APPROVE:
        try:
            amount = parse_field(AMOUNT, posted.get(AMOUNT.name))
        except FieldInvalid as error:
            return Refusal(422, f"{AMOUNT.label}{error}")
    assert amount is None or isinstance(amount, Decimal)
    respond_by = None
    if kind is DecisionKind.REQUEST_MATERIALS:  # the reject button shares the form
        try:
            respond_by = parse_field(RESPOND_BY, posted.get(RESPOND_BY.name))
        except FieldInvalid as error:
            return Refusal(422, f"{RESPOND_BY.label}{error}")
    assert respond_by is None or isinstance(respond_by, date)
    return DecisionInput(kind, amount, reason or None, respond_by)


def read_reversal(posted: Mapping[str, str]) -> ReversalInput | Refusal:
    decision_id = posted.get(REVERSED_DECISION, "")
    if not _ID.fullmatch(decision_id):
        return Refusal(422, "未指明要冲正的决定，请刷新页面后重试。")
    reason = _reason(posted, REVERSAL_REASON)
    if isinstance(reason, Refusal):
        return reason
    return ReversalInput(int(decision_id), reason)
