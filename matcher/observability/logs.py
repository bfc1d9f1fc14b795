"""Logging: one line per event on standard error, JSON (python-json-logger) for machines or
text for people, each line carrying the request or job it belongs to.

Nothing should ever log a secret: requests are logged by their route template, never their
path, query, headers or body, and founders' ID numbers are hashed before anything sees them.
:class:`RedactSecrets` is the second line of defence, for a message or traceback that quotes
one anyway (an exception message that repeats its input, say).
"""

import logging
import logging.config
import re
import sys
from typing import Any, Literal

from pythonjsonlogger.json import JsonFormatter

from matcher.auth.credentials import TOKEN_PREFIX
from matcher.config import Settings
from matcher.observability.request_id import job_id, request_id

LogFormat = Literal["json", "text"]
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(job_id)s] %(message)s"
REDACTED = "[redacted]"
_SECRETS = re.compile(
    re.escape(TOKEN_PREFIX) + r"[A-Za-z0-9_-]{16,}"  # an API token
    r"|(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])"  # a 居民身份证号码
)


class ContextFilter(logging.Filter):
    """Add the current request's and job's ids to a record, when there are any."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, variable in (("request_id", request_id), ("job_id", job_id)):
            value = variable.get()
            if value is not None:
                setattr(record, name, value)
        return True


class RedactSecrets(logging.Filter):
    """Mask what looks like an API token or an ID number in a record's message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = _SECRETS.sub(REDACTED, record.getMessage()), None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = _SECRETS.sub(REDACTED, text), None
        return True


class StderrHandler(logging.Handler):
    """Write to whatever ``sys.stderr`` is at the time, as ``logging.lastResort`` does (a test
    runner or the CLI's runner may swap it after logging is configured)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:
            self.handleError(record)


def log_format(config: Settings) -> LogFormat:
    """JSON in production unless told otherwise, text elsewhere."""
    if config.log_format is not None:
        return config.log_format
    return "json" if config.environment == "production" else "text"


def logging_config(config: Settings) -> dict[str, Any]:
    """The ``logging.config.dictConfig`` of the process: the CLI applies it, and uvicorn
    applies it in each of its workers."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter}, "redact": {"()": RedactSecrets}},
        "formatters": {
            "json": {
                "()": JsonFormatter,
                "fmt": "%(levelname)s %(name)s %(message)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": "time",
            },
            "text": {
                "()": logging.Formatter,
                "fmt": TEXT_FORMAT,
                "defaults": {"request_id": "-", "job_id": "-"},
            },
        },
        "handlers": {
            "stderr": {
                "()": StderrHandler,
                "formatter": log_format(config),
                "filters": ["context", "redact"],
            }
        },
        "root": {"level": config.log_level, "handlers": ["stderr"]},
        # Alembic says which dialect it assumes each time a migration context opens, which
        # /api/v1/ready does on every probe.
        "loggers": {"alembic.runtime.migration": {"level": "WARNING"}},
    }


def configure_logging(config: Settings) -> None:
    logging.config.dictConfig(logging_config(config))
