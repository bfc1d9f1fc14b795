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


class FactProvenance(BaseModel):
    source: str
    recorded_at: datetime
    recorded_by: str


class EnterprisePublic(BaseModel):
    profile: ProfilePublic
    provenance: dict[str, FactProvenance]


class EnterpriseSummary(BaseModel):
    uscc: str
    name: str
    entity_type: str | None
    size_class: str | None
    district: str | None


class EnterprisesPublic(BaseModel):
    data: list[EnterpriseSummary]
    count: int


class ImportRowError(BaseModel):
    row: int
    field: str
    message: str


class ImportResult(BaseModel):
    created: int
    updated: int
    status: Literal["imported"] = "imported"
