"""The log lines: JSON objects (or text for people), the level and format as configured, and
anything that looks like a token or an ID number masked."""

import json
import logging

import pytest
from pydantic import ValidationError

from matcher.config import Settings
from matcher.observability.logs import configure_logging, log_format
from matcher.observability.request_id import job
from tests.observability.conftest import Logs

TOKEN = "mt_" + "Q" * 43
ID_NUMBER = "11010519491231002X"


def test_lines_are_json_objects_with_level_logger_time_and_extras(logs: Logs) -> None:
    logging.getLogger("matcher.test").warning("处理 %d 条", 3, extra={"batch": 7})
    (line,) = logs.lines()
    assert {k: line[k] for k in ("level", "logger", "message", "batch")} == {
        "level": "WARNING",
        "logger": "matcher.test",
        "message": "处理 3 条",
        "batch": 7,
    }
    assert line["time"].endswith("+00:00")


def test_tokens_and_id_numbers_are_masked_in_messages_and_tracebacks(logs: Logs) -> None:
    log = logging.getLogger("matcher.test")
    log.info("token %s for %s", TOKEN, ID_NUMBER)
    try:
        raise ValueError(f"bad input {ID_NUMBER.lower()} with {TOKEN}")
    except ValueError:
        log.exception("failed")
    message, failure = logs.lines()
    assert message["message"] == "token [redacted] for [redacted]"
    assert "ValueError: bad input [redacted] with [redacted]" in failure["exc_info"]
    assert TOKEN not in logs.read() and ID_NUMBER.lower() not in logs.read()


def test_an_enterprise_code_is_not_mistaken_for_an_id_number(logs: Logs) -> None:
    logging.getLogger("matcher.test").info("enterprise 91419001MA4000000C")
    assert logs.lines()[0]["message"] == "enterprise 91419001MA4000000C"


def test_the_text_format_names_the_request_and_job(
    capsys: pytest.CaptureFixture[str], logs: Logs
) -> None:
    configure_logging(Settings(log_format="text", log_level="INFO"))
    log = logging.getLogger("matcher.test")
    log.debug("not shown")
    with job("notify") as identifier:
        log.info("sent %d", 2)
    text = capsys.readouterr().err.splitlines()[-1]
    assert text.endswith(f"INFO matcher.test [- {identifier}] sent 2")
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


@pytest.mark.parametrize(
    ("environment", "configured", "expected"),
    [
        ("production", None, "json"),
        ("development", None, "text"),
        ("test", None, "text"),
        ("development", "json", "json"),
        ("production", "text", "text"),
    ],
)
def test_json_in_production_text_elsewhere_unless_told(
    environment: str, configured: str | None, expected: str
) -> None:
    config = Settings.model_construct(environment=environment, log_format=configured)
    assert log_format(config) == expected


def test_the_level_is_read_in_any_case_and_checked() -> None:
    assert Settings(log_level="debug").log_level == "DEBUG"  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as refused:
        Settings(log_level="loud")  # type: ignore[arg-type]
    assert refused.value.errors()[0]["loc"] == ("log_level",)
