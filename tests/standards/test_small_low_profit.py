from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from matcher.standards.small_low_profit import (
    DEFAULT_PATH,
    SmallLowProfitRules,
    SmallLowProfitVerdict,
    load_small_low_profit_rules,
)

WAN = Decimal(10_000)
CENT = Decimal("0.01")


def wan(amount: str | int) -> Decimal:
    """An amount given in 万元, as yuan."""
    return Decimal(amount) * WAN


@pytest.fixture(scope="module")
def rules() -> SmallLowProfitRules:
    return load_small_low_profit_rules()


def assess(
    rules: SmallLowProfitRules,
    year: int | None,
    income: Decimal | None,
    employees: Decimal | int | None = 50,
    assets: Decimal | None = None,
    restricted: bool | None = False,
) -> SmallLowProfitVerdict:
    headcount = None if employees is None else Decimal(employees)
    return rules.assess(
        year, income, headcount, wan(1000) if assets is None else assets, restricted
    )


def test_default_load_is_cached() -> None:
    assert load_small_low_profit_rules() is load_small_low_profit_rules()


@pytest.mark.parametrize(
    ("year", "income", "tax"),
    [
        # 财税〔2019〕13号: ≤100万 at 25% × 20%, 100–300万 at 50% × 20%.
        (2019, wan(100), Decimal("50000.00")),
        (2020, wan(300), Decimal("250000.00")),
        (2020, wan(200), Decimal("150000.00")),
        # 2021年第12号: the first 100万 halved again (12.5% × 20%).
        (2021, wan(100), Decimal("25000.00")),
        (2021, wan(300), Decimal("225000.00")),
        # 2022年第13号: 100–300万 at 25% × 20%.
        (2022, wan(100), Decimal("25000.00")),
        (2022, wan(300), Decimal("125000.00")),
        # 2023年第6号 / 2023年第12号: everything up to 300万 at 25% × 20%.
        (2023, wan(100), Decimal("50000.00")),
        (2023, wan(300), Decimal("150000.00")),
        (2024, wan(300), Decimal("150000.00")),
        (2027, wan(300), Decimal("150000.00")),
        (2023, Decimal("123456.78"), Decimal("6172.84")),  # 6172.839 rounds half up
    ],
)
def test_tax_at_boundaries(
    rules: SmallLowProfitRules, year: int, income: Decimal, tax: Decimal
) -> None:
    verdict = assess(rules, year, income)
    assert verdict.qualifies is True
    assert verdict.preferential_tax == tax
    standard = (income * Decimal("0.25")).quantize(CENT)
    assert verdict.standard_tax == standard
    assert verdict.saving == standard - tax
    assert verdict.missing == ()


@pytest.mark.parametrize("year", [2019, 2020, 2021, 2022, 2023, 2024, 2025, 2027])
def test_income_one_cent_over_the_limit(rules: SmallLowProfitRules, year: int) -> None:
    verdict = assess(rules, year, wan(300) + CENT)
    assert verdict.qualifies is False
    assert verdict.standard_tax == Decimal("750000.00")
    assert verdict.preferential_tax is None
    assert verdict.saving is None
    assert "不属于小型微利企业" in verdict.basis


def test_2021_case_cites_its_documents(rules: SmallLowProfitRules) -> None:
    verdict = assess(rules, 2021, wan(100))
    assert verdict.preferential_tax == Decimal("25000.00")
    assert "财政部 税务总局公告2021年第12号" in verdict.basis
    assert "财税〔2019〕13号" in verdict.basis


def test_2023_case(rules: SmallLowProfitRules) -> None:
    verdict = assess(rules, 2023, wan(300), employees=300, assets=wan(5000))
    assert verdict == SmallLowProfitVerdict(
        tax_year=2023,
        qualifies=True,
        standard_tax=Decimal("750000.00"),
        preferential_tax=Decimal("150000.00"),
        saving=Decimal("600000.00"),
        missing=(),
        basis=verdict.basis,
    )
    assert "财政部 税务总局公告2023年第12号" in verdict.basis
    assert "应纳企业所得税 150000.00 元" in verdict.basis


@pytest.mark.parametrize(
    ("employees", "assets", "qualifies"),
    [
        (300, wan(5000), True),
        (301, wan(5000), False),
        (Decimal("300.25"), wan(5000), False),
        (300, wan(5000) + CENT, False),
    ],
)
def test_headcount_and_asset_limits(
    rules: SmallLowProfitRules, employees: Decimal | int, assets: Decimal, qualifies: bool
) -> None:
    """The averages are compared as they are: 300.25 persons is over 300, never rounded."""
    assert assess(rules, 2024, wan(10), employees, assets).qualifies is qualifies


def test_restricted_industry_never_qualifies(rules: SmallLowProfitRules) -> None:
    verdict = assess(rules, 2023, wan(10), restricted=True)
    assert verdict.qualifies is False
    assert verdict.preferential_tax is None
    assert "从事国家限制或禁止行业" in verdict.basis


def test_loss_qualifies_with_zero_tax(rules: SmallLowProfitRules) -> None:
    verdict = assess(rules, 2023, Decimal("-5000"))
    assert verdict.qualifies is True
    assert verdict.standard_tax == Decimal("0.00")
    assert verdict.preferential_tax == Decimal("0.00")
    assert verdict.saving == Decimal("0.00")


def test_unknown_facts_leave_it_open(rules: SmallLowProfitRules) -> None:
    verdict = rules.assess(2023, wan(100), None, None, None)
    assert verdict.qualifies is None
    assert verdict.missing == ("average_employees", "average_total_assets", "restricted_industry")
    assert verdict.standard_tax == Decimal("250000.00")
    assert verdict.preferential_tax is None
    assert verdict.saving is None

    verdict = rules.assess(2023, None, Decimal(10), wan(10), False)
    assert verdict.qualifies is None
    assert verdict.missing == ("annual_taxable_income",)
    assert verdict.standard_tax is None


def test_one_known_failure_settles_it_despite_unknowns(rules: SmallLowProfitRules) -> None:
    verdict = rules.assess(2023, None, Decimal(500), None, None)
    assert verdict.qualifies is False
    assert verdict.missing == ()


def test_unknown_year(rules: SmallLowProfitRules) -> None:
    verdict = rules.assess(None, wan(100), Decimal(10), None, False)
    assert verdict.qualifies is None
    assert verdict.missing == ("fiscal_year", "average_total_assets")
    assert verdict.standard_tax == Decimal("250000.00")


@pytest.mark.parametrize("year", [2018, 2028])
def test_year_without_rule_set(rules: SmallLowProfitRules, year: int) -> None:
    verdict = assess(rules, year, wan(100))
    assert verdict.tax_year == year
    assert verdict.qualifies is None
    assert verdict.missing == ()
    assert f"没有覆盖 {year} 年度" in verdict.basis


def test_every_year_from_2019_to_2027_is_covered(rules: SmallLowProfitRules) -> None:
    assert all(rules.rule_set_for(year) is not None for year in range(2019, 2028))


def _document() -> dict[str, object]:
    loaded = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def test_explicit_path_loads_a_copy(tmp_path: Path) -> None:
    rules = load_small_low_profit_rules(_write(tmp_path, _document()))
    assert rules == load_small_low_profit_rules()
    assert rules is not load_small_low_profit_rules()


def test_broken_yaml_unknown_field(tmp_path: Path) -> None:
    document = _document()
    rule_sets = document["rule_sets"]
    assert isinstance(rule_sets, list)
    rule_sets[0]["effective_rate"] = "0.05"
    with pytest.raises(ValidationError, match="effective_rate"):
        load_small_low_profit_rules(_write(tmp_path, document))


def test_broken_yaml_overlapping_years(tmp_path: Path) -> None:
    document = _document()
    rule_sets = document["rule_sets"]
    assert isinstance(rule_sets, list)
    rule_sets[-1]["first_year"] = 2024
    with pytest.raises(ValidationError, match="same tax year twice"):
        load_small_low_profit_rules(_write(tmp_path, document))


def test_broken_yaml_source_out_of_force(tmp_path: Path) -> None:
    document = _document()
    rule_sets = document["rule_sets"]
    assert isinstance(rule_sets, list)
    rule_sets[-1]["last_year"] = 2028
    with pytest.raises(ValidationError, match="not in force"):
        load_small_low_profit_rules(_write(tmp_path, document))


def test_broken_yaml_bracket_past_the_limit(tmp_path: Path) -> None:
    document = _document()
    rule_sets = document["rule_sets"]
    assert isinstance(rule_sets, list)
    rule_sets[0]["brackets"][-1]["up_to"] = 400
    with pytest.raises(ValidationError, match="income limit"):
        load_small_low_profit_rules(_write(tmp_path, document))
