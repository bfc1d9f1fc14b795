"""``matcher worker`` as a subprocess of the test, delivering to the loopback receivers."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from matcher.notices.settings import NoticeSettings


def worker_environment(
    database_url: str, config: NoticeSettings, **settings: object
) -> dict[str, str]:
    """The environment of a worker on ``database_url`` with ``config``'s channels; more
    settings by name (``worker_poll_seconds=…`` → ``MATCHER_WORKER_POLL_SECONDS``)."""
    channels = {
        "MATCHER_SMTP_HOST": config.smtp_host,
        "MATCHER_SMTP_PORT": config.smtp_port,
        "MATCHER_SMTP_FROM": config.smtp_from,
        "MATCHER_SMS_WEBHOOK_URL": config.sms_webhook_url,
        "MATCHER_PUBLIC_URL": config.public_url,
    }
    named = {f"MATCHER_{name.upper()}": value for name, value in settings.items()}
    return (
        os.environ
        | {"MATCHER_DATABASE_URL": database_url}
        | {key: str(value) for key, value in (channels | named).items() if value is not None}
    )


class Worker:
    """One ``matcher worker`` process, its output in ``log``."""

    def __init__(self, environment: Mapping[str, str], log: Path) -> None:
        self.log = log
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "matcher", "worker"],
                env=dict(environment),
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text("utf-8", errors="replace")

    def wait_for(self, condition: Callable[[], bool], seconds: float = 60) -> None:
        """Until ``condition()``; fails if the worker exits or the time runs out first."""
        deadline = time.monotonic() + seconds
        while not condition():
            assert self.process.poll() is None, self.output()
            assert time.monotonic() < deadline, self.output()
            time.sleep(0.05)

    def started(self) -> bool:
        return " started: channels " in self.output()

    def stop(self, number: signal.Signals = signal.SIGTERM, seconds: float = 60) -> int:
        """Send ``number`` and wait for the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(number)
        return self.process.wait(timeout=seconds)
