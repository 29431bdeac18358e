"""Figure 8 of issue 7: importing a 100,000-row spend CSV, validation included.

    python benchmarks/spend_csv.py --db PATH [--rows 100000] [--runs 3] [--csv OUT.csv]

:func:`write_csv` writes a finance export that every row of is valid in the database
it was made for: it reads that database's budget lines and closed months (with the
standard library's ``sqlite3``, read-only) and spreads the rows over the open months,
naming each row's budget line the way a finance export does: by its channel when the
channel alone names one line on that date, else by the line's reference
(``2026-11/tools-&-software/HubSpot subscription``). Dates are day first
(``03/11/2026``), amounts have thousands separators (``1,234.56``), about one row in
thirty is a refund (``-84.20``), and a Tool column names the tool on tool lines. The
same database, row count and seed always give the same file.

:func:`measure` times ``mops spend import`` as a real process (argument parsing,
reading and guessing, validation, the dry run every import starts with, and the
committing write) on a fresh copy of the database each run, and returns rows per
second (from the median wall-clock time; the median CPU time of the process is given
too, as it is steadier on a busy machine). It also times the re-import of the same
file (adds nothing) and a ``--dry-run``. The target is 25,000 rows/s.
``benchmarks/run.py`` calls it; run alone, this file prints the figures.

Build a database to measure with::

    MOPS_TODAY=2026-11-29 mops --db /tmp/bench.db demo --force
"""

from __future__ import annotations

import argparse
import calendar
import csv
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

TARGET_ROWS_PER_S = 25_000
DEFAULT_TODAY = "2026-11-29"  # the date the standard demo is built for
HEADER = ("Date", "Payee", "Reference", "Budget line", "Channel", "Tool", "Amount", "Memo")

# Who gets paid from each channel (by the channel's folded name; others use _PAYEES[""]).
_PAYEES: dict[str, tuple[str, ...]] = {
    "paid search": ("Google Ads", "Microsoft Advertising", "Google Ireland Ltd"),
    "paid social": ("Meta Platforms Ireland", "LinkedIn Ireland", "TikTok UK"),
    "display & programmatic": ("The Trade Desk", "StackAdapt", "Taboola"),
    "email": ("Mailchimp", "Litmus Software Inc.", "Data Axle UK"),
    "tools & software": ("Figma Inc.", "Asana Inc.", "Hotjar Ltd", "Canva Pty Ltd"),
    "events": ("Olympia London", "Sparks Exhibits Ltd", "Hilton London Metropole", "Cvent"),
    "webinars": ("Zoom Video Communications", "ON24 Ltd"),
    "content": ("Tom Akers Copywriting", "Getty Images", "Shutterstock"),
    "brand": ("Northbound Creative Ltd", "Maya Lopes Design", "Printed.com"),
    "research": ("Wynter", "Respondent.io", "YouGov plc"),
    "agency & freelance": ("Brightfield PR Ltd", "Sarah Whitfield", "Jordan Reyes"),
    "": ("Acme Supplies Ltd", "Northwind Traders", "Contoso Ltd"),
}
_MEMOS = (
    "",
    "",
    "Monthly charge",
    "Autumn campaign",
    "Always-on",
    "Q4 push: retargeting",
    "Pro-forma; final invoice to follow",
    "Brand awareness, UK & IE",
    "Card payment",
)
# How much of the spend each channel takes (others weigh 1).
_WEIGHTS = {"paid search": 6, "paid social": 5, "display & programmatic": 3, "email": 2}


@dataclass(frozen=True)
class Target:
    """Where a row can go: dates ``first``..``last`` (inclusive), named by ``line`` or
    ``channel`` (one of them is blank), with the line's tool and channel key."""

    first: date
    last: date
    line: str
    channel: str
    tool: str
    channel_key: str
    weight: int


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def _month_starts(first: date, last: date) -> list[date]:
    out, current = [], first.replace(day=1)
    while current <= last:
        out.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return out


def _month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def targets(db_path: str | Path, today: date) -> list[Target]:
    """Every (month, budget line) a valid row can name in the database at ``db_path``."""
    uri = f"file:{Path(db_path).resolve()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    conn.row_factory = sqlite3.Row
    try:
        lines = [
            dict(r)
            for r in conn.execute(
                "SELECT l.id, l.period, l.period_kind, l.starts_on, l.ends_on, l.channel, "
                "l.channel_key, l.campaign, t.name AS tool FROM budget_lines l "
                "LEFT JOIN tools t ON t.id = l.tool_id ORDER BY l.id"
            )
        ]
        closed = {
            r[0] for r in conn.execute("SELECT month FROM period_closes WHERE reopened_at IS NULL")
        }
    finally:
        conn.close()
    for line in lines:
        line["starts"] = date.fromisoformat(str(line["starts_on"])[:10])
        line["ends"] = date.fromisoformat(str(line["ends_on"])[:10])
        line["campaign_key"] = _fold(line["campaign"] or "")
    horizon = today + timedelta(days=366)

    def by_channel(channel_key: str, on: date) -> list[dict[str, object]]:
        # What ``lines_for_date`` finds: the channel (or a channel it starts), month
        # lines before quarter lines.
        found = [
            ln
            for ln in lines
            if str(ln["channel_key"]).startswith(channel_key) and ln["starts"] <= on <= ln["ends"]
        ]
        months = [ln for ln in found if ln["period_kind"] == "month"]
        return months or found

    def by_ref(line: dict[str, object]) -> list[dict[str, object]]:
        # What ``lines_named`` finds for ``period/channel[/campaign]``.
        found = [
            ln
            for ln in lines
            if ln["period"] == line["period"]
            and str(ln["channel_key"]).startswith(str(line["channel_key"]))
            and (not line["campaign"] or ln["campaign_key"] == line["campaign_key"])
        ]
        if not line["campaign"]:
            found = [ln for ln in found if not ln["campaign"]] or found
        return found

    out: list[Target] = []
    for line in lines:
        for month in _month_starts(line["starts"], line["ends"]):
            if month.isoformat()[:7] in closed:
                continue
            first = max(month, line["starts"])
            last = min(_month_end(month), line["ends"], horizon)
            if first > last:
                continue
            channel_key = str(line["channel_key"])
            weight = _WEIGHTS.get(channel_key, 1)
            if all(by_channel(channel_key, d) == [line] for d in (first, last)):
                channel = str(line["channel"])
                out.append(
                    Target(first, last, "", channel, line["tool"] or "", channel_key, weight)
                )
                continue
            if by_ref(line) == [line]:
                parts = [str(line["period"]), str(line["channel"]).lower().replace(" ", "-")]
                if line["campaign"]:
                    parts.append(str(line["campaign"]))
                ref = "/".join(parts)
                out.append(Target(first, last, ref, "", line["tool"] or "", channel_key, weight))
    return out


def rows_for(db_path: str | Path, rows: int, *, today: date, seed: int = 7) -> list[list[str]]:
    """``rows`` valid CSV rows (without the header) for the database at ``db_path``."""
    found = targets(db_path, today)
    if not found:
        raise SystemExit(f"{db_path}: no open month has a budget line to import spend into")
    rng = random.Random(seed)
    weights = [t.weight for t in found]
    out: list[list[str]] = []
    for number in range(rows):
        t = rng.choices(found, weights)[0]
        on = t.first + timedelta(days=rng.randrange((t.last - t.first).days + 1))
        pence = rng.randrange(500, 500_000)
        refund = rng.random() < 1 / 30
        amount = f"{'-' if refund else ''}{pence // 100:,}.{pence % 100:02d}"
        payee = t.tool or rng.choice(_PAYEES.get(t.channel_key, _PAYEES[""]))
        reference = f"INV-{on.year}-{number + 1:06d}"
        out.append(
            [
                on.strftime("%d/%m/%Y"),
                payee,
                reference,
                t.line,
                t.channel,
                t.tool,
                amount,
                rng.choice(_MEMOS),
            ]
        )
    return out


def write_csv(
    db_path: str | Path, out: str | Path, rows: int = 100_000, *, today: date, seed: int = 7
) -> Path:
    """Write the spend CSV for ``db_path`` to ``out`` and return its path."""
    path = Path(out)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows_for(db_path, rows, today=today, seed=seed))
    return path


def _copy_db(source: Path, target: Path) -> None:
    """A consistent copy of a (possibly WAL) SQLite file."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source.resolve()}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _mops_command() -> list[str]:
    installed = Path(sys.executable).parent / "mops"
    return [str(installed)] if installed.exists() else [sys.executable, "-m", "mops_tui"]


def _run(cmd: Sequence[str], env: Mapping[str, str], expect: str) -> tuple[float, float]:
    """Run ``cmd``; return its wall-clock seconds and its CPU seconds (user + system),
    which other work on a busy machine disturbs less."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(list(cmd), env=dict(env), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or expect not in done.stdout:
        raise RuntimeError(
            f"{' '.join(cmd)} failed (exit {done.returncode}); expected “{expect}”.\n"
            f"stdout: {done.stdout[-2000:]}\nstderr: {done.stderr[-2000:]}"
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def measure(
    db_path: str | Path,
    rows: int = 100_000,
    *,
    runs: int = 1,
    reimport: bool = True,
    dry_run: bool = True,
    env: Mapping[str, str] | None = None,
    mops: Sequence[str] | None = None,
    csv_path: str | Path | None = None,
) -> dict[str, object]:
    """Time ``mops spend import`` of a ``rows``-row file into a fresh copy of
    ``db_path``, ``runs`` times, as a whole process that validates and commits.

    The database at ``db_path`` is never written. Returns ``rows``, ``seconds`` (the
    median wall-clock time), ``rows_per_s`` (from the median), ``all_seconds``,
    ``cpu_seconds`` (the median user + system time of the process, steadier on a busy
    machine), ``target_rows_per_s`` and ``passed``; with ``reimport``,
    ``reimport_seconds`` (the same file again into the imported copy: nothing new);
    with ``dry_run``, ``dry_run_seconds`` (``--dry-run`` on a fresh copy). ``env`` is
    the environment for the process (default: this one, with ``MOPS_TODAY`` set to
    the demo's date when it is not set, and no config file); ``mops`` the command
    (default: the ``mops`` beside this Python). ``csv_path`` keeps the generated file
    there instead of in a temporary folder."""
    source = Path(db_path)
    if not source.exists():
        raise FileNotFoundError(f"{source}: no such database; build one with mops demo")
    work = Path(tempfile.mkdtemp(prefix="mops-spend-csv-"))
    try:
        environ = dict(os.environ if env is None else env)
        environ.setdefault("MOPS_TODAY", DEFAULT_TODAY)
        if env is None:
            environ["MOPS_CONFIG"] = str(work / "no-config.toml")
        for var in ("MOPS_DB", "MOPS_DATABASE_URL"):
            environ.pop(var, None)
        today = date.fromisoformat(environ["MOPS_TODAY"])
        data = Path(csv_path) if csv_path else work / "spend.csv"
        write_csv(source, data, rows, today=today)
        command = list(mops or _mops_command())
        copy = work / "import.db"

        def importing(*extra: str) -> list[str]:
            return [*command, "--db", str(copy), "spend", "import", str(data), *extra]

        times: list[float] = []
        cpus: list[float] = []
        reimports: list[float] = []
        for _ in range(max(1, runs)):
            _copy_db(source, copy)
            wall, cpu = _run(importing(), environ, f"Imported {rows} entries")
            times.append(wall)
            cpus.append(cpu)
            if reimport:
                reimports.append(_run(importing(), environ, "Nothing new to import")[0])
        seconds = statistics.median(times)
        result: dict[str, object] = {
            "rows": rows,
            "seconds": seconds,
            "rows_per_s": rows / seconds,
            "all_seconds": times,
            "cpu_seconds": statistics.median(cpus),
            "target_rows_per_s": TARGET_ROWS_PER_S,
            "passed": rows / seconds >= TARGET_ROWS_PER_S,
        }
        if reimport:
            result["reimport_seconds"] = statistics.median(reimports)
        if dry_run:
            dry: list[float] = []
            for _ in range(max(1, runs)):
                _copy_db(source, copy)
                dry.append(_run(importing("--dry-run"), environ, "Dry run: nothing was written")[0])
            result["dry_run_seconds"] = statistics.median(dry)
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a mops database (it is not written)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="runs to take the median of")
    parser.add_argument("--csv", help="only write the CSV here, and measure nothing")
    args = parser.parse_args(argv)
    today = date.fromisoformat(os.environ.get("MOPS_TODAY") or DEFAULT_TODAY)
    if args.csv:
        write_csv(args.db, args.csv, args.rows, today=today)
        print(f"Wrote {args.rows:,} rows to {args.csv}")
        return 0
    # Measure what an installed mops runs: bytecode compiled once (this machine may set
    # PYTHONDONTWRITEBYTECODE, which would make every run recompile mops's modules).
    import compileall

    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "mops_tui"), quiet=1)
    result = measure(args.db, args.rows, runs=args.runs)
    verdict = "PASS" if result["passed"] else "MISS"
    runs = ", ".join(f"{s:.2f}" for s in result["all_seconds"])  # type: ignore[attr-defined]
    print(
        f"spend import of {args.rows:,} rows: {result['seconds']:.2f} s median ({runs}) = "
        f"{result['rows_per_s']:,.0f} rows/s; target ≥ {TARGET_ROWS_PER_S:,} rows/s: {verdict}"
    )
    print(f"  CPU (user + system) {result['cpu_seconds']:.2f} s median")
    print(f"re-import (nothing new): {result['reimport_seconds']:.2f} s")
    print(f"--dry-run: {result['dry_run_seconds']:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
