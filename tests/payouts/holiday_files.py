"""Holidays files for tests, of made-up years chinese-calendar will not reach."""

from pathlib import Path

NEW_YEAR_2099 = "      - {name: 元旦, first: 2099-01-01, last: 2099-01-03}\n"
WORKED_SUNDAY = "      - {day: 2099-01-04, holiday: 元旦}\n"


def year_entry(year: int, holidays: str, workdays: str = "") -> str:
    """One year of the file: a made-up notice, then its ``holidays`` and ``workdays`` lines."""
    notice = (
        "    notice:\n"
        f"      title: 国务院办公厅关于{year}年部分节假日安排的通知\n"
        f"      number: 国办发明电〔{year - 1}〕1号\n"
        f"      issued: {year - 1}-11-01\n"
    )
    listed = f"    workdays:\n{workdays}" if workdays else ""
    return f"  - year: {year}\n{notice}    holidays:\n{holidays}{listed}"


def year_2099(holidays: str, workdays: str = "") -> str:
    return year_entry(2099, holidays, workdays)


YEAR_2098 = year_entry(2098, "      - {name: 元旦, first: 2098-01-01, last: 2098-01-01}\n")
YEAR_2099 = year_2099(NEW_YEAR_2099, WORKED_SUNDAY)


def write_holidays(tmp_path: Path, *years: str) -> Path:
    path = tmp_path / "holidays.yaml"
    path.write_text("years:\n" + "".join(years), encoding="utf-8")
    return path
