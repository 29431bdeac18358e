"""One user saving (or reading) as fast as they can, as a real process.

    python writer_process.py write DB ACTOR COUNT GO_FILE LINE_REF TOOL_NAME
    python writer_process.py read DB ACTOR GO_FILE STOP_FILE

``DB`` is a SQLite file or a database URL (``postgresql+psycopg://…``).

Prints ``ready`` once its imports are done and waits for ``GO_FILE`` to exist.

``write`` then makes ``COUNT`` changes through the services, cycling through: two
spend entries (``ledger.add_entry``), a new brief (``briefs.create``), an edit of that
brief (``briefs.update``) and an edit of its own tool (``stack.update``).

``read`` reads the Stack, the brief queue and the ledger (as the TUI's lists do) over
and over until ``STOP_FILE`` exists.

Every refusal is recorded, never raised, and the last line printed is a JSON summary:
changes made (or reads done), errors with their messages, the longest wait for the
write lock and the longest single change, in seconds.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def url_of(db: str) -> str:
    return db if "://" in db else f"sqlite:///{db}"


def main(argv: list[str]) -> int:
    if argv[0] == "read":
        return read(*argv[1:])
    db, actor, count, go_file, line_ref, tool_name = argv[1:]
    from mops_tui.services import briefs, ledger, stack
    from mops_tui.services.workspace import Workspace, warm_up

    warm_up()
    ws = Workspace(url_of(db), actor=actor)
    tool = stack.get_by_name(ws, tool_name)
    print("ready", flush=True)
    go = Path(go_file)
    while not go.exists():
        time.sleep(0.002)

    made, errors, slowest = 0, [], 0.0
    brief = None
    started = time.monotonic()
    for i in range(int(count)):
        kind = i % 5
        began = time.monotonic()
        try:
            if kind in (0, 1):
                ledger.add_entry(
                    ws,
                    {
                        "entry_date": "2026-11-20",
                        "amount": f"{1 + i % 97}.{i % 100:02d}",
                        "payee": f"{actor} payee {i}",
                        "reference": f"{actor}-{i}",
                        "line": line_ref,
                    },
                )
            elif kind == 2:
                brief = briefs.create(ws, {"title": f"{actor} brief {i}"})
            elif kind == 3:
                assert brief is not None
                brief = briefs.update(
                    ws, brief.id, {"title": f"{actor} brief {i - 1} edited"}, brief.version
                )
            else:
                tool = stack.update(ws, tool.id, {"notes": f"{actor} edit {i}"}, tool.version)
            made += 1
        except Exception as exc:  # recorded for the test to report
            errors.append(f"change {i}: {type(exc).__name__}: {exc}")
        slowest = max(slowest, time.monotonic() - began)
    elapsed = time.monotonic() - started
    ws.close()
    summary = {
        "actor": actor,
        "made": made,
        "errors": errors[:20],
        "error_count": len(errors),
        "seconds": elapsed,
        "longest_wait": ws.longest_wait,
        "slowest_change": slowest,
    }
    print(json.dumps(summary), flush=True)
    return 0


def read(db: str, actor: str, go_file: str, stop_file: str) -> int:
    from mops_tui.services import briefs, ledger, stack
    from mops_tui.services.workspace import Workspace

    ws = Workspace(url_of(db), actor=actor)
    print("ready", flush=True)
    go, stop = Path(go_file), Path(stop_file)
    while not go.exists():
        time.sleep(0.002)
    reads, errors, slowest = 0, [], 0.0
    started = time.monotonic()
    while not stop.exists():
        began = time.monotonic()
        try:
            stack.ToolListing(ws).page("", "name", False, 0, 50)
            briefs.BriefListing(ws).count("")
            listing = ledger.EntryListing(ws)
            listing.count("")
            listing.page("", "date", True, 0, 50)
            reads += 4
        except Exception as exc:  # recorded for the test to report
            errors.append(f"read {reads}: {type(exc).__name__}: {exc}")
        slowest = max(slowest, time.monotonic() - began)
    summary = {
        "actor": actor,
        "made": reads,
        "errors": errors[:20],
        "error_count": len(errors),
        "seconds": time.monotonic() - started,
        "slowest_change": slowest,
    }
    ws.close()
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
