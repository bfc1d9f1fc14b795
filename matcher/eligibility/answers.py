"""Serialized entitlement lists, cached in each process and bounded in bytes.

An entitlement list depends on the enterprise's facts, the date and the catalog, and on nothing
else (:func:`matcher.eligibility.evaluate.evaluate` is pure), so the key names each: the
enterprise's id with the version of its facts (``enterprises.version``, moved on by every write
of them), the date, and the catalog's identity. A write makes a new key rather than removing an
old entry, so no worker can serve an answer that another worker's write made stale: entries
under older versions are never asked for again and age out, least recently used first.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from matcher.eligibility.results import EntitlementList
from matcher.eligibility.serialize import to_json_bytes
from matcher.policies.catalog import Catalog


@dataclass(frozen=True, slots=True)
class Answer:
    body: bytes
    """The entitlement list as compact JSON."""
    etag: str
    """A hash of ``body``: equal answers have equal tags, whichever worker or release made them."""


def catalog_identity(catalog: Catalog) -> str:
    """A hash of the versions (content hashes) of the catalog's policies, in order."""
    return hashlib.sha256("\n".join(p.version for p in catalog).encode("ascii")).hexdigest()


AnswerKey = tuple[int, int, date, str]
"""(enterprise id, version of its facts, date, catalog identity)."""


class AnswerCache:
    """Answers by key, least recently used dropped first once they hold over ``max_bytes``
    (0 keeps none). Safe to share between the threads that serve requests."""

    def __init__(self, catalog: Catalog, max_bytes: int) -> None:
        self.identity = catalog_identity(catalog)
        self.max_bytes = max_bytes
        self._answers: OrderedDict[AnswerKey, Answer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def kept(self, enterprise_id: int, version: int, as_of: date) -> Answer | None:
        """The answer kept for this version of the enterprise's facts on ``as_of``, if any."""
        key = (enterprise_id, version, as_of, self.identity)
        with self._lock:
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
            return found

    def answer(
        self, enterprise_id: int, version: int, as_of: date, compute: Callable[[], EntitlementList]
    ) -> Answer:
        """The kept answer for this version of the enterprise's facts on ``as_of``, or the
        one ``compute`` gives, serialized and kept."""
        found = self.kept(enterprise_id, version, as_of)
        if found is not None:
            return found
        key = (enterprise_id, version, as_of, self.identity)
        body = to_json_bytes(compute())
        made = Answer(body, hashlib.blake2b(body, digest_size=16).hexdigest())
        self._keep(key, made)
        return made

    def _keep(self, key: AnswerKey, answer: Answer) -> None:
        size = len(answer.body)
        if size > self.max_bytes:
            return
        with self._lock:
            replaced = self._answers.pop(key, None)
            self._bytes += size - (len(replaced.body) if replaced else 0)
            self._answers[key] = answer
            while self._bytes > self.max_bytes:
                _, dropped = self._answers.popitem(last=False)
                self._bytes -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._answers)
