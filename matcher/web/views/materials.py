"""What a claim page shows of materials and 补正: each item of the policy's material list with
the files received for it, the open materials request (what was asked, by when), and, for
the enterprise, the timeline of every step of its claim."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from matcher import clock
from matcher.auth.service import Principal, actor_names
from matcher.materials.service import material_items, materials_of, show_size
from matcher.materials.tables import ClaimMaterial
from matcher.payouts.tables import ClaimStatus, Decision, DecisionKind
from matcher.profiles.labels import show_money
from matcher.web.views.review import ClaimReview


@dataclass(frozen=True, slots=True)
class ReceivedFile:
    material: ClaimMaterial
    size: str
    by: str
    url: str


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    index: int
    label: str
    files: tuple[ReceivedFile, ...]


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a claim's timeline."""

    moment: datetime
    label: str
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class MaterialsView:
    items: tuple[ChecklistItem, ...]
    base: str
    """The claim's address on this page's side: uploads go to ``<base>/materials``."""
    uploads_open: bool
    """Files are taken while the claim is open."""
    request: Decision | None
    """The materials request the claim is waiting on, if it is."""
    respond_by: date | None
    timeline: tuple[Step, ...]

    @property
    def received(self) -> int:
        return sum(1 for item in self.items if item.files)


def _timeline(
    review: ClaimReview, materials: list[ClaimMaterial], items: tuple[str, ...]
) -> tuple[Step, ...]:
    """Every step by time. Ledger records keep whole seconds, so within one second the order
    is the causal one: filed, a decision, the files it asked for, the resubmission they
    answer."""
    claim = review.row.claim
    ranked = [(0, Step(claim.filed_at, "提交申请"))]
    for row in review.history:
        decision = row.decision
        detail = decision.reason
        if decision.kind is DecisionKind.APPROVE:
            detail = f"批准金额 {show_money(decision.amount)}"
        rank = 3 if decision.kind is DecisionKind.RESUBMIT else 1
        ranked.append((rank, Step(decision.decided_at, row.label, detail)))
    for material in materials:
        label = items[material.item_index] if material.item_index < len(items) else material.item
        ranked.append((2, Step(material.uploaded_at, "上传材料", f"{label}：{material.filename}")))
    ranked.sort(key=lambda pair: (clock.as_utc(pair[1].moment).replace(microsecond=0), pair[0]))
    return tuple(step for _rank, step in ranked)


def load_materials(
    session: Session, review: ClaimReview, who: Principal, base: str
) -> MaterialsView:
    """The materials of the claim of ``review`` as ``who`` sees them on the page at ``base``."""
    claim = review.row.claim
    assert claim.id is not None
    items = material_items(session, claim.policy_id, claim.claim_date)
    materials = list(materials_of(session, claim.id, who))
    names = actor_names(session, [m.uploaded_by for m in materials])
    received = [
        ReceivedFile(m, show_size(m.size), names[m.uploaded_by], f"{base}/materials/{m.id}")
        for m in materials
    ]
    checklist = tuple(
        ChecklistItem(index, label, tuple(f for f in received if f.material.item_index == index))
        for index, label in enumerate(items)
    )
    waiting = claim.status is ClaimStatus.MATERIALS_REQUESTED and review.history
    return MaterialsView(
        checklist,
        base,
        review.open,
        review.history[-1].decision if waiting else None,
        claim.respond_by,
        _timeline(review, materials, items),
    )
