"""Render time of the printed documents: a 受理回执 and a 决定书 (an approval), each rendered
``--renders`` times from the database as the download routes do (the records read, the
template filled in, the PDF laid out with the CJK font embedded as a subset, the QR code drawn);
and, for scale, the font file's parse alone, which every document repeats.

Run from the checkout: .venv/bin/python -m bench.documents [--renders 50] [--database sqlite]
[--write-to DIR] (also writes one of each there, to look at)
"""

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from fpdf import FPDF
from sqlalchemy import Engine
from sqlmodel import Session

from matcher.auth.service import Principal
from matcher.auth.tables import Role
from matcher.config import settings
from matcher.db import make_engine, scratch_database, session_scope
from matcher.demo import demo_example, load_demo
from matcher.documents import printing, service
from matcher.documents.layout import font_path
from matcher.migrate import upgrade
from matcher.payouts.repository import PayoutRepository
from matcher.payouts.service import decide
from matcher.payouts.tables import DecisionKind
from matcher.payouts.verification import verify

POSTGRES_URL = os.environ.get(
    "MATCHER_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
STAFF = Principal(Role.STAFF, None, "bench", "system:bench")


def prepare(engine: Engine) -> tuple[int, int]:
    """The demo enterprise's claim (the demo files one), approved: its id and the decision's."""
    with session_scope(engine) as session:
        load_demo(session, demo_example(), count=0)
        (claim,) = PayoutRepository(session).queue()
        assert claim.id is not None
        amount = verify(session, claim).payable_amount
        decision = decide(session, claim.id, DecisionKind.APPROVE, STAFF, amount)
        return claim.id, decision.id or 0


def timed(render: Callable[[], printing.Printed | None], renders: int) -> tuple[list[float], int]:
    """Seconds per render, sorted, and the size of the last document (0: none made)."""
    timings, size = [], 0
    for _ in range(renders):
        started = time.perf_counter()
        made = render()
        timings.append(time.perf_counter() - started)
        size = 0 if made is None else len(made.content)
    return sorted(timings), size


def show(name: str, timings: list[float], size: int) -> None:
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    made = f"   {size / 1024:5.1f} KiB" if size else ""
    print(
        f"{name:<8} median {statistics.median(timings) * 1000:6.1f} ms   "
        f"p95 {p95 * 1000:6.1f} ms   {len(timings)} runs{made}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--database", default="sqlite", choices=("sqlite", "postgresql"))
    parser.add_argument("--write-to", type=Path)
    args = parser.parse_args()
    os.environ["MATCHER_LEDGER_CHECKPOINTS"] = os.devnull  # the bench's ledger is its own
    settings.cache_clear()
    print(f"machine: {os.cpu_count()} cores; one process; font {font_path()}")
    with scratch_database(args.database, POSTGRES_URL) as url:
        engine = make_engine(url)
        upgrade(engine)
        claim_id, decision_id = prepare(engine)
        with Session(engine) as session:

            def receipt() -> printing.Printed:
                return printing.print_receipt(service.receipt(session, claim_id, STAFF))

            def letter() -> printing.Printed:
                found = service.decision_letter(session, claim_id, decision_id, STAFF)
                return printing.print_decision(found)

            def font() -> None:
                FPDF().add_font("cjk", fname=font_path())

            show("字体解析", *timed(font, args.renders))
            for name, render in (("受理回执", receipt), ("决定书", letter)):
                render()  # warm up: templates compiled, the policy version read once
                show(name, *timed(render, args.renders))
                if args.write_to is not None:
                    args.write_to.mkdir(parents=True, exist_ok=True)
                    (args.write_to / render().ascii_filename).write_bytes(render().content)
        engine.dispose()


if __name__ == "__main__":
    main()
