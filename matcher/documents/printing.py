"""A receipt or a decision as a PDF: the template's wording filled in, drawn by the layout.

Every value reaches the template as one line of plain text (:func:`_line`), so that what
staff typed in a reason, or any other recorded text, can neither break the layout nor start
a line the layout would read as a mark.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from matcher import clock
from matcher.documents.layout import render_pdf
from matcher.documents.masking import mask_uscc
from matcher.documents.service import DecisionLetter, Receipt, china_day
from matcher.eligibility.results import OUTCOME_LABELS, Outcome
from matcher.notices.settings import notice_settings
from matcher.payouts.tables import DECISION_LABELS, DecisionKind
from matcher.policies.model import Policy, Source
from matcher.profiles.labels import show_money
from matcher.templating import render_template

VERIFY_PATH = "/verify"


@dataclass(frozen=True, slots=True)
class Printed:
    content: bytes
    filename: str
    """In Chinese, as the enterprise files it."""
    ascii_filename: str
    """For clients that take only ASCII."""


def verify_address() -> str:
    """The public verification page, as the site is reached."""
    return notice_settings().public_url.rstrip("/") + VERIFY_PATH


def verify_link(code: str) -> str:
    """The page with ``code`` filled in: what the QR code holds."""
    return f"{verify_address()}?code={quote(code)}"


def _line(value: Any) -> Any:
    """Every string in ``value`` (nested in lists) on one line, its whitespace runs as one
    space."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [_line(item) for item in value]
    return value


def _moment(moment: datetime) -> str:
    return clock.as_utc(moment).astimezone(clock.CHINA).strftime("%Y-%m-%d %H:%M")


def _source(source: Source) -> str:
    article = f" 第{source.article}条" if source.article else ""
    return f"《{source.title}》（{source.document}）{article}"


def _common(
    policy: Policy, enterprise: str, uscc: str, claim_id: int | None, code: str
) -> dict[str, Any]:
    where = policy.apply.where
    return {
        "enterprise": enterprise,
        "uscc": mask_uscc(uscc),
        "policy_title": policy.title,
        "source": _source(policy.source),
        "claim_id": claim_id,
        "office": where.name,
        "address": where.address,
        "phone": where.phone,
        "materials": [material.item for material in policy.apply.materials],
        "code": code,
        "verify_url": verify_address(),
    }


def _print(template: str, context: dict[str, Any], title: str, code: str) -> bytes:
    text = render_template(template, {key: _line(value) for key, value in context.items()})
    return render_pdf(text, title, verify_link(code))


def print_receipt(receipt: Receipt) -> Printed:
    claim, policy = receipt.claim, receipt.policy
    context = _common(policy, receipt.enterprise, claim.uscc, claim.id, receipt.code) | {
        "claim_date": claim.claim_date.isoformat(),
        "filed_at": _moment(claim.filed_at),
        "due": None if claim.due_date is None else claim.due_date.isoformat(),
        "due_estimated": claim.due_date_estimated,
        "issued_on": f"{clock.as_utc(claim.filed_at).astimezone(clock.CHINA):%Y年%m月%d日}",
    }
    content = _print("documents/receipt.txt", context, "受理回执", receipt.code)
    return Printed(content, f"受理回执-申请{claim.id}.pdf", f"receipt-claim-{claim.id}.pdf")


def _clauses(letter: DecisionLetter) -> list[str]:
    """What the decision rests on beyond the policy's article: for an approval the limits it
    was checked against; otherwise the criteria the record found not met or not known."""
    trace = letter.decision.trace or {}
    if letter.decision.kind is DecisionKind.APPROVE:
        return [f"{limit['label']}：“{limit['clause']}”" for limit in trace.get("limits", [])]
    return [
        f"{c['label']}（{OUTCOME_LABELS[Outcome(c['result'])]}）：“{c['clause']}”"
        for c in trace.get("criteria", [])
        if c["result"] != Outcome.PASS
    ]


def print_decision(letter: DecisionLetter) -> Printed:
    claim, decision, policy = letter.claim, letter.decision, letter.policy
    context = _common(policy, letter.enterprise, claim.uscc, claim.id, letter.code) | {
        "kind": str(decision.kind),
        "decision_label": DECISION_LABELS[decision.kind],
        "claim_date": claim.claim_date.isoformat(),
        "amount": show_money(decision.amount),
        "reason": decision.reason or "",
        "decided_at": _moment(decision.decided_at),
        "decided_on": f"{china_day(decision):%Y年%m月%d日}",
        "sequence": decision.sequence,
        "source": f"{_source(policy.source)}：“{policy.source.clause}”",
        "clauses": _clauses(letter),
    }
    content = _print("documents/decision.txt", context, "决定书", letter.code)
    return Printed(
        content,
        f"决定书-申请{claim.id}-第{decision.sequence}号.pdf",
        f"decision-claim-{claim.id}-{decision.sequence}.pdf",
    )
