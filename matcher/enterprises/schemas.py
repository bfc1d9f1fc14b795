"""API shapes for enterprises."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StrictBool

from matcher.enterprises.tables import FactSource
from matcher.profiles.declared import DeclaredValue
from matcher.profiles.model import EnterpriseProfile
from matcher.text import Line


class FounderIn(BaseModel):
    """A founder as submitted: the ID number is hashed on arrival and never stored."""

    model_config = ConfigDict(extra="forbid")

    id_number: Line | None = Field(
        None, title="身份证号码", max_length=100, examples=["11010519491231002X"]
    )
    first_time_founder: StrictBool | None = Field(None, title="首次创业")


class ProfileIn(EnterpriseProfile):
    """A profile as submitted through the API or a form. Its declared facts are checked
    against the catalog's declarations when the service parses it."""

    founders: tuple[FounderIn, ...] = Field((), title="创业者")  # type: ignore[assignment]
    facts: dict[str, JsonValue] = Field(  # type: ignore[assignment]
        default_factory=dict,
        title="政策目录声明的其他信息",
        examples=[{"vat_taxpayer_type": "small_scale"}],
    )


class ProfilePublic(EnterpriseProfile):
    """A profile as the API returns it: its declared facts were checked when it was read."""

    facts: dict[str, DeclaredValue] = Field(default_factory=dict, title="政策目录声明的其他信息")


class EnterpriseWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: FactSource = Field("self_declared", title="数据来源")
    profile: ProfileIn


class FactCorrection(BaseModel):
    """Facts to correct: an enterprise the facts it declares itself, staff any with a note."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "facts": {"employees": 90, "registered_on": "2019-09-18"},
                    "note": "凭营业执照核验",
                }
            ]
        },
    )

    facts: dict[str, JsonValue] = Field(
        title="更正的信息", description="画像字段名或政策目录声明的信息名 → 新值；null 为清除"
    )
    note: Line | None = Field(None, max_length=200, title="更正依据（工作人员必填）")


class FactProvenance(BaseModel):
    source: str
    recorded_at: datetime
    recorded_by: str


class EnterprisePublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "profile": {
                        "uscc": "91419001MA4000000C",
                        "name": "济源市银辉新材料有限公司",
                        "entity_type": "company",
                        "registered_on": "2019-09-16",
                        "employees": 86,
                    },
                    "provenance": {
                        "employees": {
                            "source": "registration",
                            "recorded_at": "2026-11-02T09:30:00Z",
                            "recorded_by": "staff",
                        }
                    },
                }
            ]
        }
    )

    profile: ProfilePublic
    provenance: dict[str, FactProvenance]


class EnterpriseSummary(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "uscc": "91419001MA4000000C",
                    "name": "济源市银辉新材料有限公司",
                    "entity_type": "company",
                    "size_class": "small",
                    "district": "玉泉片区",
                }
            ]
        }
    )

    uscc: str
    name: str
    entity_type: str | None
    size_class: str | None
    district: str | None


class ImportRowError(BaseModel):
    row: int
    field: str
    message: str


class ImportResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"created": 239, "updated": 1, "status": "imported"}]}
    )

    created: int
    updated: int
    contacts_added: int = 0
    """Contact addresses (``contact_mobile``, ``contact_email``) new to their enterprise,
    stored unconfirmed: each receives nothing until confirmed."""
    status: Literal["imported"] = "imported"
