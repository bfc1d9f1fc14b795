from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from matcher.standards.sme_size import (
    DEFAULT_PATH,
    SIZE_CLASS_LABELS,
    SizeStandard,
    SizeVerdict,
    load_size_standard,
)

WAN = Decimal(10_000)


def wan(amount: str | int) -> Decimal:
    """An amount given in 万元, as yuan."""
    return Decimal(amount) * WAN


@pytest.fixture(scope="module")
def standard() -> SizeStandard:
    return load_size_standard()


def classify(
    standard: SizeStandard,
    code: str | None,
    employees: int | None = None,
    revenue: Decimal | None = None,
    assets: Decimal | None = None,
) -> SizeVerdict:
    return standard.classify(code, employees, revenue, assets)


def test_default_load_is_cached() -> None:
    assert load_size_standard() is load_size_standard()


def test_yaml_lists_every_category_of_the_table(standard: SizeStandard) -> None:
    names = [category.name for category in standard.categories]
    assert names == [
        "农、林、牧、渔业",
        "工业",
        "建筑业",
        "批发业",
        "零售业",
        "交通运输业",
        "仓储业",
        "邮政业",
        "住宿业",
        "餐饮业",
        "信息传输业",
        "软件和信息技术服务业",
        "房地产开发经营",
        "物业管理",
        "租赁和商务服务业",
        "其他未列明行业",
    ]
    numbers = [source.number for source in standard.sources]
    assert "工信部联企业〔2011〕300号" in numbers
    assert "国统字〔2017〕213号" in numbers


def test_labels() -> None:
    assert SIZE_CLASS_LABELS == {
        "large": "大型",
        "medium": "中型",
        "small": "小型",
        "micro": "微型",
    }


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("A0111", "agriculture"),
        ("B0610", "industry"),
        ("C3130", "industry"),
        ("C31", "industry"),
        ("D4411", "industry"),
        ("E4710", "construction"),
        ("F5121", "wholesale"),
        ("F5212", "retail"),
        ("G5411", "transport"),
        ("G5910", "transport"),
        ("G5920", "warehousing"),
        ("G5990", "warehousing"),
        ("G6020", "postal"),
        ("H6110", "accommodation"),
        ("H6210", "catering"),
        ("I6311", "information_transmission"),
        ("I6421", "information_transmission"),
        ("I6510", "software_it_services"),
        ("K7010", "real_estate_development"),
        ("K7020", "property_management"),
        ("K7030", "other_unlisted"),
        ("K7090", "other_unlisted"),
        ("L7211", "leasing_business_services"),
        ("M7320", "other_unlisted"),
        ("Q8510", "other_unlisted"),
        ("R", "other_unlisted"),
        (" c3130 ", "industry"),
        ("3130", "industry"),
    ],
)
def test_category_for(standard: SizeStandard, code: str, category: str) -> None:
    found = standard.category_for(code)
    assert found is not None
    assert found.key == category


@pytest.mark.parametrize(
    "code",
    [
        "G5320",  # railway transport is excluded from 交通运输业
        "J6620",  # finance has its own standard
        "K7040",  # 房地产租赁经营 (自有房地产经营活动) is excluded
        "Q8411",  # health is not listed
        "S9100",
        "G59",  # 59 spans both transport (591) and warehousing (592-599)
        "F",  # wholesale or retail
        "A3130",  # section letter contradicts the division
        "C3",
        "X",
        "",
    ],
)
def test_unmapped_codes(standard: SizeStandard, code: str) -> None:
    assert standard.category_for(code) is None
    verdict = classify(standard, code, 10, wan(100), wan(100))
    assert verdict.category is None
    assert verdict.size_class is None
    assert verdict.missing == ()
    assert "不属于划型标准所列行业" in verdict.basis


def test_industry_boundaries(standard: SizeStandard) -> None:
    assert classify(standard, "C3130", 20, wan(300)).size_class == "small"
    assert classify(standard, "C3130", 19, wan(300)).size_class == "micro"
    assert classify(standard, "C3130", 20, wan(300) - Decimal("0.01")).size_class == "micro"
    assert classify(standard, "C3130", 300, wan(2000)).size_class == "medium"
    assert classify(standard, "C3130", 1000, wan(40000)).size_class == "large"
    assert classify(standard, "C3130", 999, wan(40000)).size_class == "medium"


def test_drop_a_tier(standard: SizeStandard) -> None:
    verdict = classify(standard, "C3130", 500, wan(1000))
    assert verdict.size_class == "small"
    assert verdict.basis == "工业：从业人员 500 人（≥20），营业收入 1000 万元（≥300）→ 小型"


def test_basis_and_labels(standard: SizeStandard) -> None:
    verdict = classify(standard, "C3130", 150, wan(5000))
    assert verdict == SizeVerdict(
        category="industry",
        category_label="工业",
        size_class="small",
        missing=(),
        basis="工业：从业人员 150 人（≥20），营业收入 5000 万元（≥300）→ 小型",
    )


@pytest.mark.parametrize(
    ("code", "employees", "revenue", "assets", "expected"),
    [
        ("A0111", None, wan(20000), None, "large"),
        ("A0111", None, wan(500), None, "medium"),
        ("A0111", None, wan(50), None, "small"),
        ("A0111", None, wan("49.99"), None, "micro"),
        ("E4710", None, wan(80000), wan(80000), "large"),
        ("E4710", None, wan(80000), wan(4999), "small"),
        ("E4710", None, wan(300), wan(300), "small"),
        ("E4710", None, wan(6000), wan(299), "micro"),
        ("F5121", 200, wan(40000), None, "large"),
        ("F5121", 20, wan(5000), None, "medium"),
        ("F5121", 5, wan(1000), None, "small"),
        ("F5121", 4, wan(40000), None, "micro"),
        ("F5212", 300, wan(20000), None, "large"),
        ("F5212", 50, wan(500), None, "medium"),
        ("F5212", 10, wan(100), None, "small"),
        ("F5212", 10, wan(99), None, "micro"),
        ("G5411", 1000, wan(30000), None, "large"),
        ("G5411", 300, wan(3000), None, "medium"),
        ("G5411", 20, wan(200), None, "small"),
        ("G5920", 200, wan(30000), None, "large"),
        ("G5920", 100, wan(1000), None, "medium"),
        ("G5920", 20, wan(100), None, "small"),
        ("G6020", 1000, wan(30000), None, "large"),
        ("G6020", 300, wan(2000), None, "medium"),
        ("G6020", 20, wan(99), None, "micro"),
        ("H6110", 300, wan(10000), None, "large"),
        ("H6110", 100, wan(2000), None, "medium"),
        ("H6210", 10, wan(100), None, "small"),
        ("H6210", 9, wan(100), None, "micro"),
        ("I6311", 2000, wan(100000), None, "large"),
        ("I6311", 1999, wan(100000), None, "medium"),
        ("I6311", 10, wan(100), None, "small"),
        ("I6510", 300, wan(10000), None, "large"),
        ("I6510", 100, wan(1000), None, "medium"),
        ("I6510", 10, wan(50), None, "small"),
        ("I6510", 10, wan(49), None, "micro"),
        ("K7010", None, wan(200000), wan(10000), "large"),
        ("K7010", None, wan(1000), wan(5000), "medium"),
        ("K7010", None, wan(100), wan(2000), "small"),
        ("K7010", None, wan(200000), wan(1999), "micro"),
        ("K7020", 1000, wan(5000), None, "large"),
        ("K7020", 300, wan(1000), None, "medium"),
        ("K7020", 100, wan(500), None, "small"),
        ("K7020", 99, wan(5000), None, "micro"),
        ("L7211", 300, None, wan(120000), "large"),
        ("L7211", 100, None, wan(8000), "medium"),
        ("L7211", 10, None, wan(100), "small"),
        ("L7211", 300, None, wan(99), "micro"),
        ("M7320", 300, None, None, "large"),
        ("M7320", 100, None, None, "medium"),
        ("M7320", 10, None, None, "small"),
        ("M7320", 9, None, None, "micro"),
    ],
)
def test_every_category(
    standard: SizeStandard,
    code: str,
    employees: int | None,
    revenue: Decimal | None,
    assets: Decimal | None,
    expected: str,
) -> None:
    verdict = classify(standard, code, employees, revenue, assets)
    assert verdict.size_class == expected
    assert verdict.missing == ()
    assert verdict.basis.endswith(SIZE_CLASS_LABELS[expected])


def test_unknown_indicator_can_still_decide_micro(standard: SizeStandard) -> None:
    # Every tier needs at least 20 employees, so the unknown revenue does not matter.
    verdict = classify(standard, "C3130", 5)
    assert verdict.size_class == "micro"
    assert verdict.missing == ()
    assert verdict.basis == "工业：从业人员 5 人（<20），营业收入未知（需≥300 万元）→ 微型"


def test_undetermined_names_missing_indicators(standard: SizeStandard) -> None:
    verdict = classify(standard, "C3130", 500)
    assert verdict.size_class is None
    assert verdict.category == "industry"
    assert verdict.missing == ("operating_revenue",)
    assert "无法判定是否达到中型标准" in verdict.basis

    verdict = classify(standard, "C3130")
    assert verdict.size_class is None
    assert verdict.missing == ("employees", "operating_revenue")

    verdict = classify(standard, "E4710", revenue=wan(100000))
    assert verdict.missing == ("total_assets",)


def test_unknown_industry_code(standard: SizeStandard) -> None:
    verdict = classify(standard, None, 10, wan(100))
    assert verdict == SizeVerdict(None, None, None, ("industry_code",), verdict.basis)
    assert "行业代码未知" in verdict.basis


def _write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def _document() -> dict[str, object]:
    loaded = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_explicit_path_loads_a_copy(tmp_path: Path) -> None:
    standard = load_size_standard(_write(tmp_path, _document()))
    assert standard == load_size_standard()
    assert standard is not load_size_standard()


def test_malformed_yaml_unknown_field(tmp_path: Path) -> None:
    document = _document()
    document["surprise"] = True
    with pytest.raises(ValidationError, match="surprise"):
        load_size_standard(_write(tmp_path, document))


def test_malformed_yaml_inconsistent_tiers(tmp_path: Path) -> None:
    document = _document()
    categories = document["categories"]
    assert isinstance(categories, list)
    categories[1]["tiers"]["small"]["employees"] = 5000
    with pytest.raises(ValidationError, match="must not grow"):
        load_size_standard(_write(tmp_path, document))


def test_malformed_yaml_duplicate_code(tmp_path: Path) -> None:
    document = _document()
    categories = document["categories"]
    assert isinstance(categories, list)
    categories[0]["codes"] = ["A", "C"]
    with pytest.raises(ValidationError, match="one category only"):
        load_size_standard(_write(tmp_path, document))
