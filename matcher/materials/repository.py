"""Queries of claim materials."""

from collections.abc import Sequence

from sqlmodel import Session, col, select

from matcher.materials.tables import ClaimMaterial


class MaterialRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of_claim(self, claim_id: int) -> Sequence[ClaimMaterial]:
        """The claim's materials in the order they were uploaded."""
        statement = select(ClaimMaterial).where(ClaimMaterial.claim_id == claim_id)
        return self.session.exec(statement.order_by(col(ClaimMaterial.id))).all()

    def get(self, material_id: int) -> ClaimMaterial | None:
        return self.session.get(ClaimMaterial, material_id)
