"""API shapes of claim materials."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from matcher.materials.tables import ClaimMaterial


class MaterialPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 1,
                    "claim_id": 1,
                    "item_index": 0,
                    "item": "工商营业执照复印件",
                    "filename": "营业执照.pdf",
                    "content_type": "application/pdf",
                    "size": 182044,
                    "sha256": "<SHA-256 of the file>",
                    "uploaded_by": "account:12",
                    "uploaded_at": "2026-11-29T09:30:00Z",
                }
            ]
        }
    )

    id: int
    claim_id: int
    item_index: int
    item: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime

    @classmethod
    def of(cls, material: ClaimMaterial) -> "MaterialPublic":
        return cls.model_validate(material.model_dump())
