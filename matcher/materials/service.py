"""Upload claim materials and read them back. Services flush; the request commits.

A file is taken only while its claim is open (pending, or materials requested), against an
item of the material list of the policy version the claim is decided under, with a plain
name, within the size limit and of an accepted type as its content shows. A refused file
leaves nothing behind: the checks run before anything is written, and the file is stored
only once its row is flushed (a store that fails raises, and the request rolls back).
"""

import hashlib
from collections.abc import Sequence
from datetime import date
from typing import BinaryIO

from sqlmodel import Session

from matcher.auth.service import Principal
from matcher.config import settings
from matcher.errors import Conflict, DomainError, NotFound
from matcher.materials.repository import MaterialRepository
from matcher.materials.sniff import ACCEPTED_LABEL, sniff
from matcher.materials.store import MaterialStore, new_key
from matcher.materials.tables import FILENAME_LENGTH, ClaimMaterial
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.tables import OPEN_STATUSES, Claim
from matcher.policies.versions import version_in_force
from matcher.text import has_control_characters

MEBIBYTE = 1024 * 1024


def _claim(session: Session, claim_id: int, viewer: Principal) -> Claim:
    claim = PayoutRepository(session).claim(claim_id)
    if claim is None or not viewer.may_see(claim.uscc):
        raise NotFound("申请")
    return claim


def material_items(session: Session, policy_id: str, claim_date: date) -> tuple[str, ...]:
    """The material list of the policy version in force on a claim's date."""
    policy = version_in_force(session, policy_id, claim_date)
    if policy is None:
        raise DomainError("policy_not_in_force", f"政策 {policy_id} 在申请日期 {claim_date} 未生效")
    return tuple(material.item for material in policy.policy.apply.materials)


def show_size(size: int) -> str:
    """A size in the units people read: 10 MB, 820 KB."""
    if size >= MEBIBYTE:
        return f"{size / MEBIBYTE:.3g} MB"
    return f"{max(size // 1024, 1)} KB"


def _filename(filename: str) -> str:
    """The name as uploaded, for display only: one plain line of reasonable length."""
    name = filename.strip()
    if not name or name in {".", ".."}:
        raise DomainError("material_name", "文件名不能为空")
    if "/" in name or "\\" in name:
        raise DomainError("material_name", "文件名不能含有路径（/ 或 \\），请只上传文件本身")
    if has_control_characters(name):
        raise DomainError("material_name", "文件名含有控制字符，请重命名后再上传")
    if len(name) > FILENAME_LENGTH:
        raise DomainError("material_name", f"文件名过长（至多 {FILENAME_LENGTH} 个字符）")
    return name


def _checked_content(content: bytes) -> str:
    """The content type of an acceptable file; a refusal otherwise."""
    limit = settings().material_max_bytes
    if not content:
        raise DomainError("material_empty", "文件是空的（0 字节），请重新选择文件")
    if len(content) > limit:
        raise DomainError("material_too_large", f"文件过大：每个文件至多 {show_size(limit)}")
    kind = sniff(content)
    if kind is None:
        raise DomainError(
            "material_type",
            f"只接受 {ACCEPTED_LABEL} 文件：该文件的内容不是其中之一（不以扩展名判断）",
        )
    return kind.value


def upload(
    session: Session,
    store: MaterialStore,
    claim_id: int,
    item_index: int,
    filename: str,
    content: bytes,
    actor: Principal,
) -> ClaimMaterial:
    """Take ``content`` as a material for item ``item_index`` of the claim's list."""
    claim = _claim(session, claim_id, actor)
    if claim.status not in OPEN_STATUSES:
        raise Conflict("claim_closed", "该申请已办结，不能再上传材料")
    items = material_items(session, claim.policy_id, claim.claim_date)
    if not 0 <= item_index < len(items):
        raise DomainError("material_item", "申请材料清单中没有这一项，请刷新页面后重试")
    name = _filename(filename)
    content_type = _checked_content(content)
    material = ClaimMaterial(
        claim_id=claim_id,
        item_index=item_index,
        item=items[item_index],
        filename=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        storage_key=new_key(),
        uploaded_by=actor.actor_id,
    )
    session.add(material)
    session.flush()
    store.put(material.storage_key, content)
    return material


def materials_of(session: Session, claim_id: int, viewer: Principal) -> Sequence[ClaimMaterial]:
    """The claim's materials in upload order, for the enterprise itself and staff."""
    _claim(session, claim_id, viewer)
    return MaterialRepository(session).of_claim(claim_id)


def material(session: Session, claim_id: int, material_id: int, viewer: Principal) -> ClaimMaterial:
    """One material of the claim; a file that is not there and one that is not the viewer's
    are the same :class:`NotFound`."""
    found = MaterialRepository(session).get(material_id)
    claim = PayoutRepository(session).claim(claim_id)
    if (
        found is None
        or found.claim_id != claim_id
        or claim is None
        or not viewer.may_see(claim.uscc)
    ):
        raise NotFound("材料")
    return found


def open_material(store: MaterialStore, found: ClaimMaterial) -> BinaryIO:
    """The stored file of ``found``."""
    try:
        return store.open(found.storage_key)
    except FileNotFoundError:
        raise NotFound("材料") from None
