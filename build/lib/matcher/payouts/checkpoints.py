"""Signed checkpoints of the ledger head, appended to a file outside the database.

One line per checkpoint: ``sequence hash mac time``, where ``mac`` is the HMAC-SHA256 of the
other three under the ledger key. A database writer who rewinds or re-chains the ledger cannot
make it agree with a checkpoint written before, nor write a checkpoint of their own.
"""

import hmac
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from matcher.payouts.chain import mac


@dataclass(frozen=True, slots=True)
class Checkpoint:
    sequence: int
    hash: str
    mac: str
    time: datetime

    def __str__(self) -> str:
        return f"{self.sequence} {self.hash} {self.mac} {_time(self.time)}"

    def signed_by(self, key: str) -> bool:
        expected = mac(key, _message(self.sequence, self.hash, self.time))
        return hmac.compare_digest(expected, self.mac)


def _time(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _message(sequence: int, hash: str, time: datetime) -> bytes:
    return f"ledger-checkpoint {sequence} {hash} {_time(time)}".encode("ascii")


def sign(sequence: int, hash: str, time: datetime, key: str) -> Checkpoint:
    return Checkpoint(sequence, hash, mac(key, _message(sequence, hash, time)), time)


def _parse(line: str) -> Checkpoint | None:
    """The checkpoint a line records, or ``None`` when it is not one."""
    parts = line.split()
    if len(parts) != 4 or not parts[0].isdigit():
        return None
    try:
        time = datetime.fromisoformat(parts[3])
    except ValueError:
        return None
    return Checkpoint(int(parts[0]), parts[1], parts[2], time)


def read(path: Path) -> Iterator[tuple[int, Checkpoint | None]]:
    """Each non-blank line's number and checkpoint (``None`` for a line that is not one)."""
    if not path.exists():
        return
    with path.open(encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                yield number, _parse(line)


def append(path: Path, checkpoint: Checkpoint) -> None:
    """Add ``checkpoint`` as the file's last line, on disk before this returns."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:
        file.write(f"{checkpoint}\n")
        file.flush()
        os.fsync(file.fileno())
