"""Enterprise facts declared as data: what a catalog's fact files add to the profile.

A policy officer declares a fact (its type, unit, label, the authority that supplies it) in a
fact file; it then becomes ``enterprise.<name>`` in the rule language, an entry of
``EnterpriseProfile.facts``, a form field and a CSV column, with no code written. Values are
validated by a strict pydantic model built from the declarations, in JSON mode, so a string
is never read as a number nor ``"yes"`` as true.
"""

from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    create_model,
    model_validator,
)

from matcher.bounds import INT32_MAX, Day
from matcher.rules import FactSpec
from matcher.rules import types as rt
from matcher.rules.ast import Value
from matcher.serialization import to_json
from matcher.text import Line

FACTS_PREFIX = "facts."
"""How a declared fact is named outside the rule language, in a profile's errors and in the
fact history: ``facts.<name>``, after the profile's ``facts`` field."""
DECLARED_NAME = r"^[a-z][a-z0-9_]*$"
NAME_LENGTH = 48
"""Short enough for ``facts.<name>`` to fit the fact history's field column."""

DeclaredType = Literal["bool", "int", "decimal", "money", "date", "text", "enum"]
Authority = Literal[
    "market_regulation",
    "tax",
    "human_resources",
    "science",
    "industry",
    "statistics",
    "finance",
    "commerce",
    "customs",
    "self_declared",
    "staff",
]
AUTHORITY_LABELS: dict[str, str] = {
    "market_regulation": "市场监管部门",
    "tax": "税务部门",
    "human_resources": "人力资源和社会保障部门",
    "science": "科技部门",
    "industry": "工业和信息化部门",
    "statistics": "统计部门",
    "finance": "财政金融部门",
    "commerce": "商务部门",
    "customs": "海关",
    "self_declared": "企业自报",
    "staff": "窗口核实",
}

DEFAULT_DECIMAL_PLACES = 4
MONEY_PLACES = 2
MAX_DIGITS = 18
TEXT_LENGTH = 500

_RULE_TYPES: dict[str, rt.Type] = {
    "bool": rt.BOOL,
    "int": rt.INT,
    "decimal": rt.DECIMAL,
    "money": rt.DECIMAL,
    "date": rt.DATE,
    "text": rt.TEXT,
}
_PYTHON_TYPES: dict[str, Any] = {
    "bool": bool,
    "int": int,
    "decimal": Decimal,
    "money": Decimal,
    "date": Day,
    "text": Line,
}
_NUMERIC = frozenset({"int", "decimal", "money"})

DeclaredValue = bool | int | Decimal | date | str
"""A declared fact's value, typed: never ``None`` (an unknown fact is left out)."""

EnumValue = Annotated[str, StringConstraints(min_length=1, max_length=32)]


class FactDeclaration(BaseModel):
    """One declared fact, as written in a fact file; unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: DeclaredType
    label: str = Field(min_length=1, max_length=60, description="企业能看懂的名称")
    unit: str | None = Field(None, min_length=1, max_length=10, description="单位，如 元、人、%")
    values: dict[EnumValue, str] | None = Field(None, description="enum 的取值及其中文名称")
    min: Decimal | None = Field(None, description="最小值（含）")
    max: Decimal | None = Field(None, description="最大值（含）")
    decimal_places: int | None = Field(None, ge=0, le=6, description="decimal 的小数位数")
    authority: Authority = Field(description="提供该信息的部门")
    source: str = Field(min_length=1, description="依据或数据来源")
    description: str | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> "FactDeclaration":
        if (self.type == "enum") != bool(self.values):
            raise ValueError("values 仅用于且必须用于 enum 类型")
        if self.values is not None and not all(self.values.values()):
            raise ValueError("values 的每个取值都须有中文名称")
        bounds = [b for b in (self.min, self.max) if b is not None]
        if bounds and self.type not in _NUMERIC:
            raise ValueError("min、max 仅用于 int、decimal、money 类型")
        if self.type == "int" and any(b != b.to_integral_value() for b in bounds):
            raise ValueError("int 类型的 min、max 应为整数")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min 不能大于 max")
        if self.decimal_places is not None and self.type != "decimal":
            raise ValueError("decimal_places 仅用于 decimal 类型")
        return self

    @property
    def title(self) -> str:
        """The label with its unit, as people read it: 研发人员占比（%）."""
        shown = f"（{self.unit}）"
        return self.label if not self.unit or self.label.endswith(shown) else self.label + shown

    @property
    def rule_type(self) -> rt.Type:
        if self.type == "enum":
            return rt.enum(*(self.values or ()))
        return _RULE_TYPES[self.type]

    @property
    def scale(self) -> int:
        """Decimal places a decimal or money value may have."""
        if self.type == "money":
            return MONEY_PLACES
        return DEFAULT_DECIMAL_PLACES if self.decimal_places is None else self.decimal_places

    @property
    def authority_label(self) -> str:
        return AUTHORITY_LABELS[self.authority]

    def field(self) -> Any:
        """The ``(annotation, FieldInfo)`` of this fact in the strict value model."""
        annotation: Any
        if self.type == "enum":
            annotation = Literal[tuple(self.values or ())]
        else:
            annotation = _PYTHON_TYPES[self.type]
        constraints: dict[str, Any] = {"title": self.label}
        if self.type == "int":
            # Declared integers fit the database's 32-bit integers, like the profile's counts.
            constraints.update(ge=-INT32_MAX - 1, le=INT32_MAX)
        if self.type == "text":
            constraints.update(max_length=TEXT_LENGTH)
        if self.type in ("decimal", "money"):
            constraints.update(max_digits=MAX_DIGITS, decimal_places=self.scale)
        if self.min is not None:
            constraints["ge"] = int(self.min) if self.type == "int" else self.min
        if self.max is not None:
            constraints["le"] = int(self.max) if self.type == "int" else self.max
        return (annotation | None, Field(None, **constraints))


class DeclaredFacts(Mapping[str, FactDeclaration]):
    """The facts a catalog declares, by name, in declaration order."""

    def __init__(self, declarations: Mapping[str, FactDeclaration]) -> None:
        self._declarations = dict(declarations)

    def __getitem__(self, name: str) -> FactDeclaration:
        return self._declarations[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._declarations)

    def __len__(self) -> int:
        return len(self._declarations)

    def __hash__(self) -> int:
        # Equal declarations have equal names; immutable, so usable as a default and a key.
        return hash(tuple(self._declarations))

    def fact_specs(self) -> list[FactSpec]:
        """The ``enterprise.<name>`` facts expressions may name."""
        return [
            FactSpec(f"enterprise.{name}", fact.rule_type, fact.title)
            for name, fact in self._declarations.items()
        ]

    @cached_property
    def model(self) -> type[BaseModel]:
        """A strict pydantic model of the declared facts; every fact is optional."""
        fields = {name: fact.field() for name, fact in self._declarations.items()}
        config = ConfigDict(extra="forbid", frozen=True, strict=True)
        model: type[BaseModel] = create_model("DeclaredFacts", __config__=config, **fields)
        return model

    def validate(self, data: Mapping[str, Any]) -> dict[str, Value]:
        """The known values of ``data``, typed; pydantic's ``ValidationError`` when invalid.

        Validated as JSON, so a date is ``YYYY-MM-DD`` and money a decimal string or number.
        """
        parsed = self.model.model_validate_json(to_json(data))
        return parsed.model_dump(exclude_none=True)

    def stored(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The values of ``data`` that are still declared: a fact recorded under an earlier
        catalog that no longer declares it is no longer read."""
        return {name: value for name, value in data.items() if name in self._declarations}

    def words(self, path: str) -> Mapping[str, str]:
        """The Chinese word of each value of the enumerated fact ``path``; empty otherwise."""
        fact = self._declarations.get(path.removeprefix("enterprise."))
        return fact.values or {} if fact is not None else {}

    def as_json(self) -> dict[str, Any]:
        """The declarations as JSON data, to be stored and read back with :meth:`from_json`."""
        return {
            name: fact.model_dump(mode="json", exclude_none=True)
            for name, fact in self._declarations.items()
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> "DeclaredFacts":
        return cls({name: FactDeclaration.model_validate(v) for name, v in (data or {}).items()})


NO_DECLARED_FACTS = DeclaredFacts({})

_CONTEXT_KEY = "declared_facts"


def validation_context(declared: DeclaredFacts) -> dict[str, Any]:
    """The pydantic validation context under which a profile's ``facts`` are read."""
    return {_CONTEXT_KEY: declared}


def validate_declared(value: Any, info: ValidationInfo) -> dict[str, Value]:
    """``EnterpriseProfile.facts`` checked against the declarations in the validation context;
    without any, no fact is declared and every one given is an error."""
    context = info.context if isinstance(info.context, dict) else {}
    declared = context.get(_CONTEXT_KEY, NO_DECLARED_FACTS)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError("应为对象")
    assert isinstance(declared, DeclaredFacts)
    return declared.validate(value)
