"""The confirmation an approval needs on the pages: money is approved only after the clerk has
seen the amount in figures and in capitals on the confirmation page and pressed 确认批准.

The confirmation page posts the amount back with :data:`CONFIRMED` holding the same amount;
a decision without it, or with another amount than the one confirmed, is refused before
anything is written.
"""

from collections.abc import Mapping
from decimal import Decimal

from matcher.web.attempt import Refusal
from matcher.web.decision_form import DecisionInput

CONFIRMED = "confirmed_amount"
NOT_CONFIRMED = Refusal(
    422, "批准前须核对确认：请点击“批准”，在确认页核对企业、政策和金额（含大写）后点击“确认批准”。"
)

NOT_APPROVABLE = Refusal(409, "该申请现在不能批准：已作出决定，或存在不能批准的原因，请查看本页。")


def amount_field(amount: Decimal) -> str:
    """The amount as the forms carry it: yuan with two decimals."""
    return f"{amount:.2f}"


def confirmed(decision: DecisionInput, posted: Mapping[str, str]) -> bool:
    """Whether the approval carries the confirmation of exactly its amount."""
    return decision.amount is not None and posted.get(CONFIRMED) == amount_field(decision.amount)
