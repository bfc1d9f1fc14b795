"""The holidays file: years chinese-calendar does not know yet, entered from the State Council's
notices, and the files it refuses."""

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from matcher.config import BUNDLED_CATALOG, Settings
from matcher.payouts.holidays import load_holidays
from matcher.policies.issues import CatalogError
from tests.payouts.holiday_files import (
    NEW_YEAR_2099,
    YEAR_2099,
    write_holidays,
    year_2099,
    year_entry,
)


def test_the_shipped_file_is_the_default_and_agrees_with_chinese_calendar() -> None:
    assert Settings().holidays_file == BUNDLED_CATALOG / "standards" / "holidays.yaml"
    arrangement = load_holidays(Settings().holidays_file).published[2026]
    assert arrangement.notice.number == "国办发明电〔2025〕7号"
    assert arrangement.notice.issued == date(2025, 11, 4)
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
    differ = [d for d in days if arrangement.is_workday(d) != chinese_calendar.is_workday(d)]
    assert differ == []


def test_a_year_of_the_file_counts_its_holidays_and_worked_weekend(tmp_path: Path) -> None:
    calendar = load_holidays(write_holidays(tmp_path, YEAR_2099))
    assert [calendar.is_workday(date(2099, 1, d)) for d in range(1, 6)] == [
        False,  # Thursday, 元旦
        False,
        False,
        True,  # Sunday worked
        True,
    ]
    assert calendar.is_workday(date(2100, 1, 4)) is None, "a year in neither is unknown"


def test_chinese_calendar_wins_for_the_years_it_knows(tmp_path: Path) -> None:
    wrong = year_entry(2020, "      - {name: 错误, first: 2020-10-09, last: 2020-10-09}\n")
    calendar = load_holidays(write_holidays(tmp_path, wrong))
    assert calendar.is_workday(date(2020, 10, 9)) is True


@pytest.mark.parametrize(
    ("years", "problems"),
    [
        pytest.param(
            year_2099("      - {name: 元旦, first: 2098-12-31, last: 2099-01-01}\n"),
            ["8: years.0.holidays.0.first: 2098-12-31 不在 2099 年"],
            id="a holiday of the year before",
        ),
        pytest.param(
            year_2099(NEW_YEAR_2099, "      - {day: 2100-01-02, holiday: 元旦}\n"),
            ["10: years.0.workdays.0.day: 2100-01-02 不在 2099 年"],
            id="a working day of the year after",
        ),
        pytest.param(
            year_2099(NEW_YEAR_2099, "      - {day: 2099-01-03, holiday: 元旦}\n"),
            ["10: years.0.workdays.0.day: 2099-01-03 既是放假日又是调休上班日"],
            id="a day both off and worked",
        ),
        pytest.param(
            year_2099(NEW_YEAR_2099, "      - {day: 2099-01-05, holiday: 元旦}\n"),
            ["10: years.0.workdays.0.day: 2099-01-05 是星期一，调休上班日应是星期六或星期日"],
            id="a working day that is a weekday",
        ),
        pytest.param(
            year_2099("      - {name: 元旦, first: 2099-01-03, last: 2099-01-01}\n"),
            ["8: years.0.holidays.0.last: 2099-01-01 早于开始日期 2099-01-03"],
            id="a period that ends before it starts",
        ),
        pytest.param(
            year_2099(NEW_YEAR_2099) + year_2099(NEW_YEAR_2099).replace("2099-01-0", "2099-05-0"),
            ["9: years.1.year: 2099 年重复"],
            id="a year twice",
        ),
        pytest.param(
            year_2099(NEW_YEAR_2099).replace("    notice:", "    notise:"),
            ["2: years.0.notice: 必填", "4: years.0.notise: 未知字段"],
            id="a misspelt key",
        ),
    ],
)
def test_bad_files_are_refused_with_every_problem_and_its_line(
    tmp_path: Path, years: str, problems: list[str]
) -> None:
    path = write_holidays(tmp_path, years)
    with pytest.raises(CatalogError) as refused:
        load_holidays(path)
    assert [str(issue) for issue in refused.value.issues] == [f"{path}:{p}" for p in problems]
