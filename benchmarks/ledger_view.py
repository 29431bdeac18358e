"""Figures 6 and 7 of issue 7: the ledger's entries view over the whole large ledger.

    python benchmarks/ledger_view.py --db PATH [--runs 5] [--json]

It drives the real app with Textual's Pilot (headless, 120x40) on ``--db``: the Ledger
mode, its Entries view, period "all time" (every entry in the ledger), then:

- **filter keystroke** (figure 6): types ``/`` and then a word one key at a time; each
  key is timed from the key press until the table shows the rows for the text typed so
  far (its count and the page under the viewport are in). The word is typed ``--runs``
  times, clearing the filter in between; the figure is the median over every key.
- **scroll** (figure 7): from the top of the unfiltered list, ``End`` to the last
  entry, then Page Up a screen at a time for 50 pages, then ``Home``. It counts the
  rows the table asked the database for, which must stay a few pages, never the table,
  and reports the process's peak RSS (the whole TUI: Textual, SQLAlchemy, the pages).

Run it as its own process: peak RSS belongs to it alone. ``benchmarks/run.py`` does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

WORD = "google ads"


async def _until(pilot: Any, done: Any, timeout: float = 30.0, settle: bool = True) -> None:
    deadline = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the entries view never settled")
        await asyncio.sleep(0.0005)
    if settle:
        await pilot.pause()


async def drive(db: Path, runs: int) -> dict[str, Any]:
    from textual import events

    from mops_tui import settings as settings_mod
    from mops_tui.ui.app import MopsApp
    from mops_tui.ui.widgets.record_table import RecordTable

    cfg = settings_mod.load(db=str(db), theme="dark")
    app = MopsApp(cfg, start_mode="ledger")
    fetched = {"rows": 0, "pages": 0}
    async with app.run_test(size=(120, 40)) as pilot:
        screen: Any = app.screen
        await _until(pilot, lambda: screen.table.is_settled)
        await pilot.press("E")
        table: RecordTable[Any] = screen.entries
        await _until(pilot, lambda: table.is_settled)
        while screen.period.kind != "all":
            await pilot.press("M")
            await _until(pilot, lambda: table.is_settled)
        await pilot.pause(0.2)
        await _until(pilot, lambda: table.is_settled)
        total = table.total

        # Count what the table reads from here on.
        source = table.source
        page = source.page

        def counted(*args: Any, **kwargs: Any) -> Any:
            rows = page(*args, **kwargs)
            fetched["rows"] += len(rows)
            fetched["pages"] += 1
            return rows

        source.page = counted  # type: ignore[method-assign]

        # Figure 7 first, on the unfiltered list: End, 50 pages up, Home.
        start = time.perf_counter()
        await pilot.press("end")
        await _until(pilot, lambda: table.is_settled and table.current_row is not None)
        at_bottom = table.cursor_row
        for _ in range(50):
            await pilot.press("pageup")
        await pilot.press("home")
        await _until(pilot, lambda: table.is_settled and table.current_row is not None)
        scroll_ms = (time.perf_counter() - start) * 1000

        # Figure 6: one key at a time.
        keys: list[float] = []
        for _ in range(runs):
            await pilot.press("slash")
            typed = ""
            for ch in WORD:
                typed += ch
                key = "space" if ch == " " else ch
                want = typed
                t0 = time.perf_counter()
                # The key goes in as the terminal driver delivers it. (Pilot.press
                # would add its own idle waits, 40 ms or more, to every key.)
                app._driver.send_message(events.Key(key, ch))

                def shown(want: str = want) -> bool:
                    return (
                        table.filter_text == want
                        and table.is_settled
                        and (table.total == 0 or table.current_row is not None)
                    )

                await _until(pilot, shown, settle=False)
                screen._on_timer_update()  # draw the rows now, not at the next frame
                keys.append((time.perf_counter() - t0) * 1000)
            matched = table.total
            await pilot.press("escape")
            await _until(pilot, lambda: table.filter_text == "" and table.is_settled)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "entries": total,
        "bottom_row": at_bottom,
        "rows_read_while_scrolling": fetched["rows"],
        "scroll_ms": scroll_ms,
        "keystroke_ms": keys,
        "keystroke_median_ms": statistics.median(keys),
        "matched": matched,
        "peak_rss_mb": peak_kib / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    os.environ.setdefault("MOPS_TODAY", "2026-11-29")
    result = asyncio.run(drive(Path(args.db), args.runs))
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['entries']:,} entries; filter {WORD!r} matched {result['matched']:,}")
        print(f"filter keystroke median {result['keystroke_median_ms']:.1f} ms")
        print(
            f"scroll top→bottom→50 pages up→top {result['scroll_ms']:.0f} ms, "
            f"{result['rows_read_while_scrolling']:,} rows read, "
            f"peak RSS {result['peak_rss_mb']:.0f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
