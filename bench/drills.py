"""`python -m bench.drills [short]`: every fault drill under a load of a few thousand operations; prints each
result as it comes and the table for deploy/README.md at the end. Exit status 1 when any drill failed."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from deploy.drills.faults import catalogue
from deploy.drills.harness import Drill, summary, table

LOG_DIR = Path("var/bench-logs/drills")


def main(argv: list[str]) -> int:
    short = argv[:1] == ["short"]
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    after_ops = int(os.environ.get("IC_DRILL_OPS", "20" if short else "150"))
    started = time.monotonic()
    clerks = int(os.environ.get("IC_DRILL_CLERKS", "3" if short else "6"))
    log = open(LOG_DIR / "stack.log", "w", encoding="utf-8")  # noqa: SIM115 - closed below, after the drill
    with log, Drill(clerks=clerks, log_dir=str(LOG_DIR), stream=log) as drill:
        print(f"[drills] system up in {time.monotonic() - started:.0f}s", flush=True)
        for fault in catalogue(short):
            result = drill.run(fault, after_ops=after_ops)
            print(f"  {fault.name}: {'ok' if result.passed else 'FAILED'} — {summary(result)}", flush=True)
        operations, answers = drill.load.operations, drill.load.answers
        events = drill.results[-1].counts.events if drill.results else 0
    print(
        f"\n{operations} operations, {time.monotonic() - started:.0f}s in all: {len(answers.accepted)} submissions "
        f"accepted, {answers.refused} refused for want of money (the tight line), {len(answers.decided)} decisions, "
        f"{events} events published and consumed\n"
    )
    print(table(drill.results))
    return 0 if all(r.passed for r in drill.results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
