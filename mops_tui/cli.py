"""The ``mops`` command: the TUI with no arguments, quick commands otherwise.

Quick commands import only what they use. ``mops stack X`` needs argparse, sqlite3
and mops' own light modules; it never imports Textual, and on a SQLite file neither
SQLAlchemy nor pydantic. Exit codes: 0 success, 1 not found or not possible,
2 invalid input (as argparse), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from mops_tui import __version__
from mops_tui.cliutil import EXIT_FAIL, EXIT_INVALID, EXIT_OK, Fail, count, write_output
from mops_tui.cliutil import money_text as _money_text
from mops_tui.cliutil import out as _out
from mops_tui.cliutil import read_file as _read_file
from mops_tui.cliutil import record_id as _record_id
from mops_tui.cliutil import safe as _safe
from mops_tui.cliutil import settings_of as _settings
from mops_tui.cliutil import workspace_of as _workspace
from mops_tui.cliutil import write_data as _write_data
from mops_tui.cliutil import write_json as _write_json

if TYPE_CHECKING:
    from mops_tui.domain.tools import ToolView
    from mops_tui.services.workspace import Workspace


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_INVALID, f"mops: {message}\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or (``only``) the top level with just that command: a quick
    command should not pay for building the other forty subparsers."""

    def want(name: str) -> bool:
        return only is None or only == name

    parser = _Parser(
        prog="mops",
        description="The terminal workbench of a marketing-operations team. "
        "With no command, opens the full-screen app.",
        epilog="Examples:  mops demo && mops   ·   mops stack hubspot   ·   "
        "mops stack --json > stack.json   ·   mops db backup",
    )
    parser.add_argument("--version", action="version", version=f"mops {__version__}")
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    common = _Parser(add_help=False)
    _common(common, top=False)

    if want("demo"):
        demo = sub.add_parser(
            "demo", help="fill the database with the demo workspace", parents=[common]
        )
        demo.add_argument(
            "--force", action="store_true", help="replace whatever the database holds"
        )
        demo.add_argument(
            "--scale",
            choices=("standard", "large", "tiny"),
            default="standard",
            help=(
                "large tops the demo up to 1,000 tools, 300 KPIs, 10,000 briefs and "
                "100,000 spend entries over three fiscal years, each with its history "
                "(for trying mops at scale; about 10 s); tiny is a small version for tests"
            ),
        )

    if want("stack"):
        stack = sub.add_parser(
            "stack",
            parents=[common],
            help="look up tools: `mops stack hubspot`, export or import CSV",
            description="Look up tools by name, vendor, category or owner. One match prints "
            "the whole record; several print a table. `mops stack export` writes CSV; "
            "`mops stack import FILE.csv [--dry-run]` reads it. Filters: status:active, "
            "owner:ana, owner:me (the tools you own), cat:crm.",
        )
        stack.add_argument("query", nargs="*", help="words to match, or export / import FILE")
        fmt = stack.add_mutually_exclusive_group()
        fmt.add_argument("--json", action="store_true", help="print a JSON array of tools")
        fmt.add_argument("--csv", action="store_true", help="print CSV")
        stack.add_argument("--dry-run", action="store_true", help="import: check, write nothing")
        stack.add_argument("-o", "--output", metavar="FILE", help="export: write to FILE")

    if want("people"):
        people = sub.add_parser(
            "people", help="list people, or `mops people add HANDLE NAME`", parents=[common]
        )
        people.add_argument("action", nargs="?", choices=("list", "add"), default="list")
        people.add_argument("handle", nargs="?", help="add: login name, e.g. ana")
        people.add_argument("name", nargs="?", help="add: full name")
        people.add_argument("--email")
        people.add_argument("--team", default="")
        pfmt = people.add_mutually_exclusive_group()
        pfmt.add_argument("--json", action="store_true")
        pfmt.add_argument("--csv", action="store_true")

    if want("kpi"):
        kpi = sub.add_parser(
            "kpi",
            parents=[common],
            help="KPI definitions: list, show, export and import (dbt MetricFlow, CSV)",
            description="KPI definitions. `mops kpi list`, `mops kpi show KEY [--version N]`, "
            "`mops kpi export --format metricflow|csv`, `mops kpi import FILE.yml [--dry-run]`.",
        )
        ksub = kpi.add_subparsers(dest="kpi_command", metavar="ACTION", parser_class=_Parser)
        klist = ksub.add_parser("list", parents=[common], help="list KPIs")
        klist.add_argument("query", nargs="*", help="words to match; kind:rate owner:ana owner:me")
        klist.add_argument("--status", choices=("draft", "active", "deprecated"))
        kfmt = klist.add_mutually_exclusive_group()
        kfmt.add_argument("--json", action="store_true")
        kfmt.add_argument("--csv", action="store_true")
        kshow = ksub.add_parser("show", parents=[common], help="one KPI, or one of its versions")
        kshow.add_argument("key")
        kshow.add_argument("--version", type=int, metavar="N", help="an earlier version")
        kshow.add_argument("--json", action="store_true")
        kexport = ksub.add_parser("export", parents=[common], help="write MetricFlow YAML or CSV")
        kexport.add_argument("--format", choices=("metricflow", "csv"), default="metricflow")
        kexport.add_argument("-o", "--output", metavar="FILE")
        kexport.add_argument("query", nargs="*", help="only the KPIs matching these words")
        kimport = ksub.add_parser(
            "import", parents=[common], help="read MetricFlow YAML (several files: one project)"
        )
        kimport.add_argument("files", nargs="+", metavar="FILE.yml")
        kimport.add_argument("--dry-run", action="store_true", help="check, write nothing")

    if want("spend"):
        spend = sub.add_parser(
            "spend",
            parents=[common],
            help="the spend ledger: add, list, import, export, correct",
            description="Spend entries are append-only: a correction reverses the entry and "
            "records the corrected one; nothing is edited in place or deleted.",
        )
        ssub = spend.add_subparsers(dest="spend_command", metavar="ACTION", parser_class=_Parser)
        sadd = ssub.add_parser(
            "add", parents=[common], help="record spend: DATE AMOUNT --line L --payee P"
        )
        sadd.add_argument("date", help="2026-11-03, today, -3d, 3 Nov")
        sadd.add_argument("amount", help="1,250.00 or £1.2k; a refund is negative with --refund")
        sadd.add_argument("--line", required=True, help="2026-Q4/events, #12, or a channel")
        sadd.add_argument("--payee", required=True)
        sadd.add_argument("--ref", default="", help="invoice or PO reference")
        sadd.add_argument("--brief", help="the brief it pays for")
        sadd.add_argument("--tool", help="the tool it pays for")
        sadd.add_argument("--note", default="")
        sadd.add_argument("--refund", action="store_true", help="money coming back (negative)")
        slist = ssub.add_parser("list", parents=[common], help="list entries, newest first")
        slist.add_argument("query", nargs="*", help="payee, reference or note words; tool:NAME")
        slist.add_argument("--period", help="2026-11 or 2026-Q4")
        slist.add_argument("--line", help="a budget line: 2026-Q4/events or #12")
        slist.add_argument("--limit", type=count, default=50, help="at most N rows (default 50)")
        slfmt = slist.add_mutually_exclusive_group()
        slfmt.add_argument("--json", action="store_true")
        slfmt.add_argument("--csv", action="store_true")
        simp = ssub.add_parser(
            "import",
            parents=[common],
            help="import a finance or ad-platform CSV export",
            description="Every import starts with a dry run (rows to add, rows already in the "
            "ledger, one line per bad row), then writes everything or nothing. Importing the "
            "same file twice adds nothing.",
        )
        simp.add_argument("file")
        simp.add_argument(
            "--map",
            action="append",
            default=[],
            help='columns: "entry_date=Posting Date,amount=Net Amount"',
        )
        simp.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="FIELD=VALUE",
            help='a value for every row: --set "channel=Paid search"',
        )
        simp.add_argument("--profile", help="use a saved column mapping")
        simp.add_argument("--save-profile", metavar="NAME", help="save this mapping for reuse")
        order = simp.add_mutually_exclusive_group()
        order.add_argument(
            "--day-first",
            dest="day_first",
            action="store_true",
            default=None,
            help="03/11/2026 is 3 November (the default)",
        )
        order.add_argument(
            "--month-first", dest="day_first", action="store_false", help="03/11/2026 is 11 March"
        )
        simp.add_argument(
            "--decimal-comma",
            action="store_true",
            default=None,
            help="amounts are written 1.234,56 (detected when not given)",
        )
        simp.add_argument("--dry-run", action="store_true", help="report only, write nothing")
        sexp = ssub.add_parser(
            "export",
            parents=[common],
            help="write the ledger as CSV, or as an hledger/Ledger journal",
        )
        sexp.add_argument("query", nargs="*")
        sexp.add_argument(
            "--format",
            choices=("csv", "journal"),
            default="csv",
            help="csv (default) or journal: plain-text accounting for hledger and Ledger",
        )
        sexp.add_argument("--period")
        sexp.add_argument("-o", "--output", metavar="FILE")
        scor = ssub.add_parser(
            "correct", parents=[common], help="reverse an entry and record it corrected"
        )
        scor.add_argument("id", metavar="ENTRY", help="the entry's number")
        scor.add_argument("--date")
        scor.add_argument("--amount")
        scor.add_argument("--line")
        scor.add_argument("--payee")
        scor.add_argument("--ref")
        scor.add_argument("--note")
        srev = ssub.add_parser("reverse", parents=[common], help="cancel an entry with a reversal")
        srev.add_argument("id", metavar="ENTRY", help="the entry's number")
        srev.add_argument("--reason", default="")

    if want("budget"):
        budget = sub.add_parser(
            "budget",
            parents=[common],
            help="the plan: report, lines, copy forward, close periods",
        )
        bsub = budget.add_subparsers(dest="budget_command", metavar="ACTION", parser_class=_Parser)
        brep = bsub.add_parser("report", parents=[common], help="plan vs actual")
        brep.add_argument("--period", help="2026-11, 2026-Q4 (default: this quarter)")
        brep.add_argument("--by", choices=("line", "channel", "month", "quarter"), default="line")
        brfmt = brep.add_mutually_exclusive_group()
        brfmt.add_argument("--json", action="store_true")
        brfmt.add_argument("--csv", action="store_true")
        blines = bsub.add_parser("lines", parents=[common], help="list budget lines")
        blines.add_argument("--period")
        blfmt = blines.add_mutually_exclusive_group()
        blfmt.add_argument("--json", action="store_true")
        blfmt.add_argument("--csv", action="store_true")
        bline = bsub.add_parser("line", parents=[common], help="add a budget line")
        bline.add_argument("action", choices=("add",))
        bline.add_argument("period", help="2026-11 or 2026-Q4")
        bline.add_argument("channel")
        bline.add_argument("planned", help="25000, £25k")
        bline.add_argument("--owner", required=True)
        bline.add_argument("--campaign", default="")
        bline.add_argument("--tool")
        bcopy = bsub.add_parser(
            "copy", parents=[common], help="copy a period's lines forward as a new plan"
        )
        bcopy.add_argument("source", metavar="FROM")
        bcopy.add_argument("target", metavar="TO")
        bclose = bsub.add_parser("close", parents=[common], help="lock a month: 2026-10")
        bclose.add_argument("month")
        bopen = bsub.add_parser("reopen", parents=[common], help="reopen a closed month")
        bopen.add_argument("month")
        bopen.add_argument("--reason", required=True)
        bsub.add_parser("closes", parents=[common], help="list closed months")

    if want("brief"):
        brief = sub.add_parser(
            "brief",
            parents=[common],
            help="one brief: add, show, edit, assign, and move it",
            description="Quick entry, then the workflow: submit, approve, return, start, done, "
            "cancel. Each move checks the same rules as the app; a refusal exits 2 and names "
            "the rule.",
        )
        brsub = brief.add_subparsers(dest="brief_command", metavar="ACTION", parser_class=_Parser)
        badd = brsub.add_parser("add", parents=[common], help='add a draft: "Q1 webinar series"')
        badd.add_argument("title")
        bedit = brsub.add_parser("edit", parents=[common], help="change a brief's fields")
        bedit.add_argument("id")
        bedit.add_argument("--title")
        for target in (badd, bedit):
            target.add_argument("--kpi", help="the primary KPI's key")
            target.add_argument("--target", dest="kpi_target", help="the KPI target: 25%%, 400")
            target.add_argument("--launch", help="+4w, 2027-01-15, 15 Jan")
            target.add_argument("--owner")
            target.add_argument("--requester")
            target.add_argument("--priority", choices=("P1", "P2", "P3", "P4"))
            target.add_argument("--budget", help="budget requested: 8k, £8,000")
            target.add_argument("--line", help="the budget line: 2027-Q1/events")
            target.add_argument("--objective")
            target.add_argument("--audience")
            target.add_argument("--message", dest="key_message")
            target.add_argument("--channels", help="email, paid social, events")
            target.add_argument("--body", help="the full brief (or - to read it from stdin)")
        bshow = brsub.add_parser("show", parents=[common], help="the whole brief")
        bshow.add_argument("id")
        bshow.add_argument("--json", action="store_true")
        bassign = brsub.add_parser("assign", parents=[common], help="set the owner")
        bassign.add_argument("id")
        bassign.add_argument("owner")
        for name, text in (
            ("submit", "send for review"),
            ("approve", "approve a submitted brief"),
            ("return", "send a submitted brief back to draft (--reason)"),
            ("start", "mark an approved brief in flight"),
            ("done", "mark done with --result or --not-measured"),
            ("cancel", "cancel an open brief (--reason)"),
        ):
            move = brsub.add_parser(name, parents=[common], help=text)
            move.add_argument("id")
            move.add_argument("--reason", default="")
            move.add_argument("--result", default="", help="done: the measured KPI result")
            move.add_argument(
                "--not-measured", default="", help="done: why the result could not be measured"
            )

    if want("briefs"):
        blist = sub.add_parser(
            "briefs",
            parents=[common],
            help="the brief queue, what needs action first",
            description="Filters combine: words match title, channels, people and KPI.",
        )
        blist.add_argument("query", nargs="*")
        blist.add_argument(
            "--status",
            action="append",
            default=[],
            choices=("draft", "submitted", "approved", "in_flight", "done", "cancelled"),
        )
        blist.add_argument("--mine", action="store_true", help="briefs I own")
        blist.add_argument("--unassigned", action="store_true")
        blist.add_argument("--overdue", action="store_true")
        blist.add_argument("--at-risk", action="store_true")
        blist.add_argument("--waiting", action="store_true", help="too long in review")
        blist.add_argument("--all", action="store_true", help="include done and cancelled")
        blfmt2 = blist.add_mutually_exclusive_group()
        blfmt2.add_argument("--json", action="store_true")
        blfmt2.add_argument("--csv", action="store_true")

    from mops_tui import commands

    for module in commands.modules(None if only is None else [only]):
        module.register(sub, common)

    if want("db"):
        db = sub.add_parser(
            "db", help="where the data lives, upgrade, check, backup, restore", parents=[common]
        )
        db.add_argument("action", choices=("path", "upgrade", "check", "backup", "restore", "copy"))
        db.add_argument(
            "--to", metavar="URL", help="copy: the empty database to copy this workspace into"
        )
        db.add_argument("file", nargs="?", help="backup: destination; restore: the backup")
        db.add_argument("--yes", action="store_true", help="restore without asking")

    return parser


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """``--db`` and ``--theme`` work before or after the command (mops stack X --db F)."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--db", metavar="PATH", default=default, help="SQLite file or database URL to use"
    )
    parser.add_argument(
        "--theme",
        choices=("dark", "light", "ansi"),
        default=default,
        help="colour theme for the app",
    )


# ---------------------------------------------------------------------------
# Plumbing
# ---------------------------------------------------------------------------


BUILT_IN = ("demo", "stack", "people", "kpi", "spend", "budget", "brief", "briefs", "db")


def _command_in(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (after any --db/--theme), "" for none (the TUI),
    or None when the whole parser is needed (help, version, or an unknown word)."""
    from mops_tui.commands import NAMES

    skip = False
    for word in argv:
        if skip:
            skip = False
            continue
        if word in ("-h", "--help", "--version"):
            return None
        if word in ("--db", "--theme"):
            skip = True
            continue
        if word.startswith("-"):
            continue
        return word if word in BUILT_IN or word in NAMES else None
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command_in(words))
    args = parser.parse_args(words)
    from mops_tui.domain.errors import DomainError, ValidationFailed

    try:
        if args.command is None:
            return _run_tui(args)
        from mops_tui import commands

        extra = {m.NAME: m.run for m in commands.modules()}
        handler = {
            **extra,
            "demo": cmd_demo,
            "stack": cmd_stack,
            "people": cmd_people,
            "db": cmd_db,
            "kpi": cmd_kpi,
            "spend": cmd_spend,
            "budget": cmd_budget,
            "brief": cmd_brief,
            "briefs": cmd_briefs,
        }[args.command]
        return handler(args)
    except ValidationFailed as exc:
        print("mops: nothing was saved:", file=sys.stderr)
        for err in exc.fields:
            print(f"  {_safe(str(err))}", file=sys.stderr)
        return EXIT_INVALID
    except DomainError as exc:
        print(f"mops: {_safe(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except Fail as exc:
        print(f"mops: {_safe(str(exc))}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `mops stack | head`: the reader went away; that is not an error.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def _run_tui(args: argparse.Namespace) -> int:
    cfg = _settings(args)
    from mops_tui.ui.app import run

    return run(cfg)


# ---------------------------------------------------------------------------
# mops demo
# ---------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    cfg = _settings(args)
    ws = _workspace(cfg)
    from mops_tui.services import demo

    if not demo.is_empty(ws):
        if not args.force:
            raise Fail(
                f"the database at {cfg.display_location} already holds data; "
                "`mops demo --force` replaces it with the demo workspace"
            )
        demo.wipe(ws)
    counts = demo.load(ws, scale=args.scale)
    words = {"kpis": "KPIs"}
    summary = ", ".join(f"{n} {words.get(what, what)}" for what, n in counts.items())
    _out(f"Demo workspace ready in {cfg.display_location}: {summary}.")
    _out("Open it with: mops")
    return EXIT_OK


# ---------------------------------------------------------------------------
# mops stack
# ---------------------------------------------------------------------------


def cmd_stack(args: argparse.Namespace) -> int:
    words: list[str] = list(args.query)
    if words and words[0] == "export":
        return _stack_export(args, " ".join(words[1:]))
    if words and words[0] == "import":
        if len(words) != 2:
            raise Fail("usage: mops stack import FILE.csv [--dry-run]", EXIT_INVALID)
        return _stack_import(args, words[1])
    cfg = _settings(args)
    ws = _workspace(cfg)
    from mops_tui.services import stack

    query = " ".join(words)
    tools = stack.lookup(ws, query) if query else stack.list_tools(ws)
    if args.json:
        _write_json([_tool_json(ws, t) for t in tools])
        return EXIT_OK if tools or not query else EXIT_FAIL
    if args.csv:
        from mops_tui.formats.csv_io import write_csv

        rows = stack.export_rows(ws, query) if query else stack.export_rows(ws)
        _write_data(write_csv(stack.EXPORT_COLUMNS, rows))
        return EXIT_OK if tools or not query else EXIT_FAIL
    if not tools and not query:
        _out(
            "The stack is empty. Add tools in the app (mops, then n), import a CSV with "
            "`mops stack import FILE.csv`, or load the demo with `mops demo`."
        )
        return EXIT_OK
    if not tools:
        print(f"mops: no tool matches “{_safe(query)}”", file=sys.stderr)
        _mine_hint(ws, query)
        close = _suggest(query, [t.name for t in stack.list_tools(ws)])
        if close:
            print(f"Did you mean: {', '.join(_safe(c) for c in close)}?", file=sys.stderr)
        return EXIT_FAIL
    from mops_tui import clitext

    paint = clitext.Painter(clitext.colour_enabled())
    total = min(clitext.width(), 100)
    named = _name_matches(tools, query)
    if query and len(named) == 1:
        _out("\n".join(_tool_card(ws, named[0], paint, total)))
        others = [t for t in tools if t.id != named[0].id]
        if others:
            also = ", ".join(clitext.safe(t.name) for t in others[:6])
            more = f" and {len(others) - 6} more" if len(others) > 6 else ""
            _out(
                paint(
                    f"Also matching “{_safe(query)}” by vendor, category or owner: {also}{more}",
                    "dim",
                )
            )
    else:
        _out("\n".join(_tool_table(ws, tools, paint, total, query)))
    return EXIT_OK


def _name_matches(tools: Sequence[ToolView], query: str) -> list[ToolView]:
    """Tools whose own name contains every word of ``query`` (not just vendor/owner)."""
    from mops_tui.domain.text import key_of

    words = [key_of(w) for w in query.split() if ":" not in w]
    if not words:
        return []
    return [t for t in tools if all(w in key_of(t.name) for w in words)]


def _suggest(query: str, names: Sequence[str]) -> list[str]:
    """Names close to a mistyped query, matching whole names or any word in them."""
    import difflib

    from mops_tui.domain.text import key_of

    q = key_of(query)
    scored: dict[str, float] = {}
    for name in names:
        candidates = [key_of(name), *key_of(name).split()]
        best = max(difflib.SequenceMatcher(None, q, c).ratio() for c in candidates)
        if best >= 0.75:
            scored[name] = best
    return sorted(scored, key=lambda n: -scored[n])[:3]


def _stack_export(args: argparse.Namespace, query: str) -> int:
    if args.json:
        raise Fail("export writes CSV; for JSON use `mops stack --json`", EXIT_INVALID)
    cfg = _settings(args)
    ws = _workspace(cfg)
    from mops_tui.formats.csv_io import write_csv
    from mops_tui.services import stack

    rows = stack.export_rows(ws, query)
    text = write_csv(stack.EXPORT_COLUMNS, rows)
    write_output(args.output, text, f"{len(rows)} tools")
    return EXIT_OK


def _stack_import(args: argparse.Namespace, name: str) -> int:
    from mops_tui.formats.csv_io import CsvError, read_csv

    data = _read_file(name)
    try:
        table = read_csv(data)
    except CsvError as exc:
        raise Fail(f"{name}: {exc}", EXIT_INVALID) from exc
    cfg = _settings(args)
    ws = _workspace(cfg)
    from mops_tui.services import stack

    report = stack.import_rows(ws, table.header, table.rows, dry_run=args.dry_run)
    for column in report.ignored_columns:
        print(f"note: column “{_safe(column)}” is not a tool field; ignored", file=sys.stderr)
    for warn in report.warnings:
        print(f"warning: {_safe(str(warn))}", file=sys.stderr)
    if report.errors:
        for err in report.errors:
            label = err.field or "row"
            print(f"row {err.row}: {label}: {_safe(err.message)}", file=sys.stderr)
        bad_rows = len({e.row for e in report.errors})
        print(
            f"mops: {bad_rows} row(s) have problems; nothing was imported. "
            "Fix them and run the import again.",
            file=sys.stderr,
        )
        return EXIT_INVALID
    verb = "Would add" if args.dry_run else "Added"
    verb2 = "would update" if args.dry_run else "updated"
    _out(
        f"{verb} {len(report.to_create)} tool(s), {verb2} {len(report.to_update)}, "
        f"{len(report.unchanged)} unchanged."
        + (" Dry run: nothing was written." if args.dry_run else "")
    )
    return EXIT_OK


def _money(ws: Workspace, minor: int | None) -> str:
    from mops_tui.domain.money import format_money

    return format_money(minor, ws.currency)


def _tool_json(ws: Workspace, t: ToolView) -> dict[str, Any]:
    from mops_tui.domain.money import format_money
    from mops_tui.store.queries import stack as q

    today = ws.today()
    integrations = q.integrations_of(ws.reader, t.id)

    def iso(d: Any) -> str | None:
        return d.isoformat() if d else None

    return {
        "id": t.id,
        "name": t.name,
        "vendor": t.vendor,
        "category": t.category,
        "owner": t.owner,
        "owner_name": t.owner_name,
        "purpose": t.purpose,
        "status": t.status,
        "currency": ws.currency,
        "annual_cost": format_money(
            t.annual_cost, ws.currency, exact=True, symbol=False, grouping=False, empty=""
        )
        or None,
        "annual_cost_minor": t.annual_cost,
        "billing_cycle": t.billing_cycle,
        "renewal_date": iso(t.renewal_date),
        "auto_renew": t.auto_renew,
        "notice_days": t.notice_days,
        "cancel_by": iso(t.cancel_by),
        "days_to_renewal": t.days_to_renewal(today),
        "seats_bought": t.seats_bought,
        "seats_used": t.seats_used,
        "utilisation": None if t.utilisation is None else round(t.utilisation, 4),
        "cost_per_used_seat_minor": t.cost_per_used_seat,
        "holds_personal_data": t.holds_personal_data,
        "dpa_signed_on": iso(t.dpa_signed_on),
        "data_region": t.data_region,
        "last_reviewed_on": iso(t.last_reviewed_on),
        "review_overdue": t.review_overdue(today, ws.policy),
        "retired_on": iso(t.retired_on),
        "retired_reason": t.retired_reason,
        "website": t.website,
        "integrations": [
            {
                "direction": "out" if i.source_id == t.id else "in",
                "tool": i.target if i.source_id == t.id else i.source,
                "data": i.data,
                "personal": i.personal,
            }
            for i in integrations
        ],
        "kpis": [k["key"] for k in q.kpis_of_tool(ws.reader, t.id)],
        "spend_this_fiscal_year_minor": _tool_spend(ws, t.id),
        "flags": [
            {"code": f.code, "reason": f.reason} for f in t.flags(today, ws.policy, ws.currency)
        ],
        "version": t.version,
    }


_BILLED = {
    "monthly": "monthly",
    "quarterly": "quarterly",
    "annual": "annually",
    "multi_year": "on a multi-year term",
}
_SHORT_STATUS = {"under_review": "in review", "decommissioning": "decommission"}


def _tool_spend(ws: Workspace, tool_id: int) -> int:
    from mops_tui.services import stack

    return stack.spend_this_year(ws, tool_id)[0]


def _tool_card(ws: Workspace, t: ToolView, paint: Any, total: int) -> list[str]:
    from mops_tui.clitext import safe, wrap
    from mops_tui.domain.money import format_money
    from mops_tui.domain.tools import status_label
    from mops_tui.store.queries import stack as q

    today = ws.today()
    flags = t.flags(today, ws.policy, ws.currency)
    lines: list[str] = []
    head = paint(safe(t.name), "bold")
    status_style = {
        "active": "green",
        "retired": "dim",
        "decommissioning": "yellow",
        "under_review": "yellow",
    }.get(t.status, "cyan")
    tags = " ".join(paint(f.label, "red" if f.code == "compliance" else "yellow") for f in flags)
    lines.append(f"{head}  {paint(status_label(t.status), status_style)}  {tags}".rstrip())
    label_w = 13

    def field(label: str, value: str) -> None:
        wrapped = wrap(value, label_w, total)
        lines.append(paint(label.ljust(label_w), "dim") + wrapped[0])
        lines.extend(" " * label_w + rest for rest in wrapped[1:])

    field("Vendor", f"{safe(t.vendor)} · {safe(t.category)}")
    owner = f"{safe(t.owner_name)} ({safe(t.owner)})" if t.owner else "no owner"
    field("Owner", owner)
    field("Purpose", safe(t.purpose))
    if t.annual_cost is not None:
        cost = f"{format_money(t.annual_cost, ws.currency)} a year"
        if t.billing_cycle:
            cost += ", billed " + _BILLED.get(t.billing_cycle, t.billing_cycle)
        if t.cost_per_used_seat is not None:
            cost += f" · {format_money(t.cost_per_used_seat, ws.currency)} per used seat"
        field("Cost", cost)
    else:
        field("Cost", "not recorded")
    if t.renewal_date:
        days = t.days_to_renewal(today) or 0
        when = f"in {days} days" if days >= 0 else f"{-days} days ago"
        renew = f"{t.renewal_date.isoformat()} ({when})"
        renew += " · auto-renews" if t.auto_renew else " · does not auto-renew"
        if t.notice_days is not None:
            renew += f" · {t.notice_days} days' notice"
        field("Renewal", renew)
        cb = t.cancel_by
        if cb is not None:
            left = (cb - today).days
            ago = f"in {left} days" if left >= 0 else f"{-left} days ago"
            field("Cancel by", f"{cb.isoformat()} ({ago})")
    else:
        field("Renewal", "no renewal date")
    if t.seats_bought is not None or t.seats_used is not None:
        util = t.utilisation
        seats = f"{t.seats_used if t.seats_used is not None else '?'} used of "
        seats += f"{t.seats_bought if t.seats_bought is not None else '?'} bought"
        if util is not None:
            seats += f" ({util:.0%})"
        field("Seats", seats)
    if t.holds_personal_data:
        dpa = f"DPA signed {t.dpa_signed_on.isoformat()}" if t.dpa_signed_on else "NO DPA"
        region = f"region {safe(t.data_region)}" if t.data_region else "no region recorded"
        field("Privacy", f"holds personal data · {dpa} · {region}")
    else:
        field("Privacy", "holds no personal data")
    if t.status == "retired":
        when = t.retired_on.isoformat() if t.retired_on else "?"
        field("Retired", f"{when}: {safe(t.retired_reason)}")
    field("Reviewed", t.last_reviewed_on.isoformat() if t.last_reviewed_on else "never")
    integrations = q.integrations_of(ws.reader, t.id)
    if integrations:
        lines.append(paint("Integrations", "dim"))
        for i in integrations:
            out = i.source_id == t.id
            other = i.target if out else i.source
            arrow = "→" if out else "←"
            text = f"{arrow} {safe(other)}: {safe(i.data)}"
            wrapped = wrap(text + (" (personal data)" if i.personal else ""), 4, total)
            if i.personal:
                last = wrapped[-1]
                cut = last.rfind("(personal data)")
                wrapped[-1] = last[:cut] + paint("(personal data)", "magenta") if cut >= 0 else last
            lines.append("  " + wrapped[0])
            lines.extend("    " + rest for rest in wrapped[1:])
    from mops_tui.services import stack as stack_service

    spent, year = stack_service.spend_this_year(ws, t.id)
    if spent:
        note = f" of {format_money(t.annual_cost, ws.currency)} a year" if t.annual_cost else ""
        field("Spend", f"{format_money(spent, ws.currency)} logged in {year}{note}")
    fed = q.kpis_of_tool(ws.reader, t.id)
    if fed:
        field("KPIs", ", ".join(f"{k['key']} ({k['status']})" for k in fed))
    if flags:
        lines.append(paint("Flags", "dim"))
        for f in flags:
            wrapped = wrap(f.reason, 4, total)
            lines.append(
                "  " + paint("!", "red" if f.code == "compliance" else "yellow") + " " + wrapped[0]
            )
            lines.extend("    " + rest for rest in wrapped[1:])
    return lines


def _tool_table(
    ws: Workspace, tools: Sequence[ToolView], paint: Any, total: int, query: str
) -> list[str]:
    from mops_tui.clitext import Column, safe, table
    from mops_tui.domain.money import format_compact

    today = ws.today()
    wide = total >= 100
    columns = [
        Column("name", "Tool", 0, min_width=14),
        *([Column("category", "Category", 14)] if wide else []),
        Column("owner", "Owner", 8),
        Column("status", "Status", 12),
        Column("cost", "Cost/yr", 8, "right"),
        Column("cancel_by", "Cancel by", 10),
        Column("util", "Use", 4, "right"),
        Column("flags", "Flags", 13),
    ]
    rows: list[dict[str, str]] = []
    flag_sets: dict[int, list[str]] = {}
    for t in tools:
        codes = [f.label for f in t.flags(today, ws.policy, ws.currency)]
        util = t.utilisation
        row = {
            "name": safe(t.name),
            "category": safe(t.category),
            "owner": safe(t.owner or "—"),
            "status": _SHORT_STATUS.get(t.status, t.status),
            "cost": format_compact(t.annual_cost, ws.currency),
            "cancel_by": t.cancel_by.isoformat() if t.cancel_by else "—",
            "util": "—" if util is None else f"{min(util, 9.99):.0%}",
            "flags": " ".join(codes),
        }
        flag_sets[id(row)] = codes
        rows.append(row)

    def style_of(row: dict[str, str], key: str) -> tuple[str, ...]:
        if key == "flags" and row["flags"]:
            return ("red",) if "DPA" in row["flags"] else ("yellow",)
        if key == "status" and row["status"] == "retired":
            return ("dim",)
        return ()

    lines = table(columns, rows, total, paint, style_of)
    noun = "tool" if len(tools) == 1 else "tools"
    if query:
        lines.append(paint(f"{len(tools)} {noun} match “{safe(query)}”", "dim"))
    else:
        lines.append(paint(f"{len(tools)} {noun}", "dim"))
    return lines


# ---------------------------------------------------------------------------
# mops people
# ---------------------------------------------------------------------------


def cmd_people(args: argparse.Namespace) -> int:
    cfg = _settings(args)
    ws = _workspace(cfg)
    from mops_tui.services import people

    if args.action == "add":
        if not args.handle or not args.name:
            raise Fail(
                'usage: mops people add HANDLE "Full Name" [--email E] [--team T]', EXIT_INVALID
            )
        row = people.add_person(
            ws, {"handle": args.handle, "name": args.name, "email": args.email, "team": args.team}
        )
        _out(f"Added {_safe(row['name'])} ({row['handle']}).")
        return EXIT_OK
    rows = people.list_people(ws)
    if args.json:
        _write_json(rows)
        return EXIT_OK
    if args.csv:
        from mops_tui.formats.csv_io import write_csv

        cols = ["handle", "name", "email", "team", "active", "tools_owned"]
        _write_data(write_csv(cols, rows))
        return EXIT_OK
    from mops_tui import clitext

    paint = clitext.Painter(clitext.colour_enabled())
    columns = [
        clitext.Column("handle", "Handle", 10),
        clitext.Column("name", "Name", 0, min_width=12),
        clitext.Column("team", "Team", 16),
        clitext.Column("tools", "Tools", 5, "right"),
        clitext.Column("email", "Email", 24),
    ]
    table_rows = [
        {
            "handle": r["handle"],
            "name": clitext.safe(r["name"]),
            "team": clitext.safe(r["team"]),
            "tools": str(r["tools_owned"]),
            "email": clitext.safe(r["email"] or ""),
        }
        for r in rows
    ]
    _out("\n".join(clitext.table(columns, table_rows, clitext.width(), paint)))
    _out(paint(f"{len(rows)} people", "dim"))
    return EXIT_OK


# ---------------------------------------------------------------------------
# mops db
# ---------------------------------------------------------------------------


def _db_copy(cfg: Any, target_url: str | None) -> int:
    """``mops db copy --to URL``: this workspace, history included, into an empty
    database (a PostgreSQL server, or another SQLite file), checked table by table."""
    import tempfile

    from mops_tui.services import transfer
    from mops_tui.services.workspace import Workspace
    from mops_tui.store import migrate as mig

    if not target_url:
        raise Fail("usage: mops db copy --to postgresql+psycopg://user@host/db", EXIT_INVALID)
    if target_url == cfg.database_url:
        raise Fail("--to names this same database; give another one", EXIT_INVALID)
    from mops_tui.domain.text import shown_url

    shown = _safe(shown_url(target_url))
    source = _workspace(cfg)
    try:
        mig.upgrade(target_url)
    except mig.MigrationError as exc:
        raise Fail(f"cannot prepare {shown}: {exc}") from exc
    except Exception as exc:  # a server that cannot be reached, a wrong password
        raise Fail(f"cannot open {shown}: {_safe(str(exc).splitlines()[0])}") from exc
    target = Workspace(target_url, actor=source.actor)
    try:
        with tempfile.TemporaryDirectory(prefix="mops-copy-") as scratch:
            done = transfer.copy_workspace(source, target, Path(scratch))
    finally:
        target.close()
        source.close()
    rows = sum(done.counts.values())
    _out(f"Copied {rows:,} rows in {len(done.counts)} tables to {shown}.")
    _out("Checked: " + transfer.describe_counts(done.counts))
    for name, total in done.sums.items():
        _out(f"Checked: sum of {name} = {total:,} (minor units) in both")
    return EXIT_OK


def cmd_db(args: argparse.Namespace) -> int:
    cfg = _settings(args)
    from mops_tui.store import migrate as mig

    path = cfg.db_path
    if args.action == "path":
        _out(cfg.display_location)
        if path is not None and not path.exists():
            print("(not created yet: any mops command creates it)", file=sys.stderr)
        return EXIT_OK
    if args.action == "upgrade":
        try:
            before = mig.stored_revision(cfg.database_url)
            backup = mig.upgrade(cfg.database_url)
        except mig.MigrationError as exc:
            raise Fail(str(exc)) from exc
        if before == mig.HEAD:
            _out(f"Already at the newest schema ({mig.HEAD}).")
        else:
            _out(f"Upgraded from {before or 'an empty database'} to {mig.HEAD}.")
            if backup:
                _out(f"The database before the upgrade is kept at {backup}")
        return EXIT_OK
    if args.action == "copy":
        return _db_copy(cfg, args.to)
    if path is None:
        raise Fail("check, backup and restore work on a SQLite file; for a server use pg_dump")
    if args.action == "check":
        if not path.exists():
            raise Fail(f"there is no database at {path} yet")
        problems = mig.integrity_problems(path)
        if not problems:
            _out(f"{path} passes SQLite's integrity check.")
            return EXIT_OK
        for problem in problems:
            print(f"  {_safe(problem)}", file=sys.stderr)
        latest = mig.latest_backup(path)
        raise Fail(
            f"{path} fails SQLite's integrity check"
            + (f"; the latest good backup is {latest}: mops db restore {latest}" if latest else "")
        )
    if args.action == "backup":
        if not path.exists():
            raise Fail(f"there is no database at {path} yet")
        dest = Path(args.file).expanduser() if args.file else mig.backup_name(path, "manual")
        if dest.exists():
            raise Fail(f"{dest} already exists; choose another name", EXIT_INVALID)
        try:
            mig.backup_sqlite(path, dest)
        except OSError as exc:
            raise Fail(f"cannot write {dest}: {exc.strerror}") from exc
        _out(f"Backed up {path} to {dest}")
        return EXIT_OK
    # restore
    if not args.file:
        raise Fail("usage: mops db restore BACKUP_FILE", EXIT_INVALID)
    source = Path(args.file).expanduser()
    if not source.exists():
        raise Fail(f"there is no file {source}", EXIT_INVALID)
    if not args.yes:
        if not sys.stdin.isatty():
            raise Fail("restore replaces the database; add --yes to confirm", EXIT_INVALID)
        answer = input(f"Replace {path} with {source}? The current one is backed up first. [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            _out("Nothing was changed.")
            return EXIT_FAIL
    saved: Path | None = None
    try:
        if path.exists():
            saved = mig.backup_sqlite(path, mig.backup_name(path, "before-restore"))
        mig.restore_sqlite(source, path)
    except mig.MigrationError as exc:
        raise Fail(str(exc)) from exc
    _out(f"Restored {path} from {source}.")
    if saved:
        _out(f"The database as it was is kept at {saved}")
    return EXIT_OK


# ---------------------------------------------------------------------------
# mops kpi
# ---------------------------------------------------------------------------


def cmd_kpi(args: argparse.Namespace) -> int:
    action = args.kpi_command or "list"
    if action == "import":
        return _kpi_import(args)
    cfg = _settings(args)
    ws = _workspace(cfg)
    from mops_tui.services import kpis

    if action == "show":
        return _kpi_show(ws, args)
    if action == "export":
        query = " ".join(args.query)
        if args.format == "csv":
            from mops_tui.formats.csv_io import write_csv

            rows = kpis.export_rows(ws, query)
            text = write_csv(kpis.EXPORT_COLUMNS, rows)
            count = len(rows)
        else:
            from mops_tui.formats.metricflow import write_metricflow

            views = kpis.list_kpis(ws, query)
            text = write_metricflow(views, ws.currency)
            count = len(views)
        write_output(args.output, text, f"{count} KPIs")
        return EXIT_OK
    # list
    query = " ".join(getattr(args, "query", []) or [])
    if getattr(args, "status", None):
        query = f"{query} status:{args.status}".strip()
    views = kpis.list_kpis(ws, query)
    if getattr(args, "json", False):
        _write_json([_kpi_json(ws, v) for v in views])
        return EXIT_OK
    if getattr(args, "csv", False):
        from mops_tui.formats.csv_io import write_csv

        _write_data(write_csv(kpis.EXPORT_COLUMNS, kpis.export_rows(ws, query)))
        return EXIT_OK
    if not views:
        _mine_hint(ws, query)
        _out(
            "No KPIs match."
            if query
            else "No KPIs yet. Define one in the app (mops, then 5 "
            "and n), or import dbt metrics with `mops kpi import FILE.yml`."
        )
        return EXIT_OK if not query else EXIT_FAIL
    from mops_tui import clitext
    from mops_tui.domain.kpis import format_target

    paint = clitext.Painter(clitext.colour_enabled())
    total = min(clitext.width(), 120)
    columns = [
        clitext.Column("key", "Key", 0, min_width=12),
        clitext.Column("kind", "Kind", 8),
        clitext.Column("owner", "Owner", 7),
        clitext.Column("status", "Status", 10),
        clitext.Column("target", "Target", 11, "right"),
        clitext.Column("flags", "Flags", 12),
    ]
    if total >= 100:
        columns.insert(1, clitext.Column("source", "Data source", 18))
    rows = [
        {
            "key": clitext.safe(v.key),
            "kind": v.kind,
            "owner": clitext.safe(v.owner or "—"),
            "status": v.status + (f" v{v.current_version}" if v.current_version > 1 else ""),
            "target": format_target(v.target, v.kind, ws.currency, compact=True),
            "source": clitext.safe(v.data_source or "—"),
            "flags": " ".join(f.label for f in v.flags()),
        }
        for v in views
    ]

    def style_of(row: dict[str, str], key: str) -> tuple[str, ...]:
        if key == "flags" and row["flags"]:
            return ("yellow",)
        if key == "status" and row["status"].startswith("deprecated"):
            return ("dim",)
        return ()

    _out("\n".join(clitext.table(columns, rows, total, paint, style_of)))
    _out(paint(f"{len(views)} KPI{'s' if len(views) != 1 else ''}", "dim"))
    return EXIT_OK


def _kpi_json(ws: Workspace, v: Any) -> dict[str, Any]:
    from mops_tui.domain.kpis import format_target

    return {
        "key": v.key,
        "label": v.label,
        "description": v.description,
        "status": v.status,
        "kind": v.kind,
        "owner": v.owner,
        "owner_name": v.owner_name,
        "data_source": v.data_source,
        "definition": v.definition,
        "numerator": v.numerator,
        "denominator": v.denominator,
        "conversion": v.conversion,
        "attribution_model": v.attribution_model,
        "attribution_window_days": v.attribution_window_days,
        "direction": v.direction,
        "target": v.target,
        "target_display": format_target(v.target, v.kind, ws.currency, empty="") or None,
        "decision": v.decision,
        "data_gaps": v.data_gaps,
        "measure": v.measure,
        "version": v.current_version,
        "successor": v.successor,
        "deprecated_reason": v.deprecated_reason,
        "flags": [{"code": f.code, "reason": f.reason} for f in v.flags()],
    }


def _kpi_show(ws: Workspace, args: argparse.Namespace) -> int:
    from mops_tui import clitext
    from mops_tui.domain.kpis import format_target, label_of
    from mops_tui.services import kpis

    view = kpis.get_by_key(ws, args.key)
    paint = clitext.Painter(clitext.colour_enabled())
    total = min(clitext.width(), 100)
    label_w = 16
    lines: list[str] = []

    def field(label: str, value: str) -> None:
        wrapped = clitext.wrap(value or "—", label_w, total)
        lines.append(paint(label.ljust(label_w), "dim") + wrapped[0])
        lines.extend(" " * label_w + rest for rest in wrapped[1:])

    if args.version is not None:
        version = kpis.version_of(ws, view.key, args.version)
        snap = version.snapshot
        if args.json:
            _write_json(
                {
                    "key": view.key,
                    "version": version.number,
                    "effective_on": version.effective_on.isoformat(),
                    "author": version.author,
                    "summary": version.summary,
                    "definition": snap,
                }
            )
            return EXIT_OK
        lines.append(
            paint(f"{clitext.safe(view.key)} — version {version.number}", "bold")
            + paint(
                f"  in force from {version.effective_on.isoformat()}, by "
                f"{clitext.safe(version.author)}",
                "dim",
            )
        )
        field("What changed", clitext.safe(version.summary))
        for name in (
            "label",
            "kind",
            "definition",
            "numerator",
            "denominator",
            "conversion",
            "data_source",
            "attribution_model",
            "attribution_window_days",
            "direction",
            "target",
            "decision",
            "data_gaps",
        ):
            value = snap.get(name)
            if name == "target":
                value = format_target(value, snap.get("kind", view.kind), ws.currency)
            field(label_of(name).capitalize(), clitext.safe("" if value is None else value))
        _out("\n".join(lines))
        return EXIT_OK
    if args.json:
        detail = kpis.detail(ws, view.id)
        data = _kpi_json(ws, view)
        data["versions"] = [
            {
                "number": v.number,
                "effective_on": v.effective_on.isoformat(),
                "author": v.author,
                "summary": v.summary,
            }
            for v in detail.versions
        ]
        _write_json(data)
        return EXIT_OK
    detail = kpis.detail(ws, view.id)
    status = view.status + (f" (version {view.current_version})" if view.current_version else "")
    lines.append(
        paint(clitext.safe(view.key), "bold")
        + "  "
        + clitext.safe(view.label)
        + "  "
        + paint(status, "green" if view.status == "active" else "dim")
    )
    if view.description:
        field("Description", clitext.safe(view.description))
    field("Kind", view.kind)
    field("Owner", f"{clitext.safe(view.owner_name)} ({view.owner})" if view.owner else "")
    field("Definition", clitext.safe(view.definition))
    if view.kind == "rate" or view.numerator or view.denominator:
        field("Numerator", clitext.safe(view.numerator))
        field("Denominator", clitext.safe(view.denominator))
    if view.conversion:
        field("Conversion", clitext.safe(view.conversion))
    source = clitext.safe(view.data_source or "")
    if view.data_source and view.data_source_status != "active":
        source += f" ({label_of(view.data_source_status or '')})"
    field("Data source", source)
    field("Attribution", label_of(view.attribution))
    field("Better when", label_of(view.direction))
    field("Target", format_target(view.target, view.kind, ws.currency))
    field("Decision", clitext.safe(view.decision))
    field("Known gaps", clitext.safe(view.data_gaps))
    field("Measure", clitext.safe(view.measure))
    if view.status == "deprecated":
        field(
            "Deprecated",
            clitext.safe(view.deprecated_reason or "")
            + (f" — use {view.successor} instead" if view.successor else ""),
        )
    if detail.replaces:
        field("Replaces", ", ".join(r["key"] for r in detail.replaces))
    for f in view.flags():
        lines.append(paint("! ", "yellow") + clitext.safe(f.reason))
    if detail.versions:
        lines.append(paint("Versions", "dim"))
        for v in detail.versions:
            lines.append(
                f"  v{v.number}  from {v.effective_on.isoformat()}  "
                f"{clitext.safe(v.author)}  {clitext.safe(v.summary)}"
            )
        lines.append(paint(f"  mops kpi show {view.key} --version N shows one", "dim"))
    _out("\n".join(lines))
    return EXIT_OK


def _kpi_import(args: argparse.Namespace) -> int:
    from mops_tui.formats.metricflow import MetricflowError, read_metricflow_files

    texts = []
    for name in args.files:
        texts.append(_read_file(name))
    try:
        parsed = read_metricflow_files(texts)
    except MetricflowError as exc:
        where = args.files[0] if len(args.files) == 1 else ", ".join(args.files)
        raise Fail(f"{where}: {exc}", EXIT_INVALID) from exc
    if parsed.errors:
        for err in parsed.errors:
            print(f"{_safe(err.message)} (field {err.field})", file=sys.stderr)
        print("mops: nothing was imported.", file=sys.stderr)
        return EXIT_INVALID
    cfg = _settings(args)
    ws = _workspace(cfg)
    from mops_tui.services import kpis

    report = kpis.import_metrics(ws, parsed.metrics, dry_run=args.dry_run)
    if report.errors:
        for err in report.errors:
            print(f"{_safe(err.message)} (field {err.field})", file=sys.stderr)
        print("mops: nothing was imported.", file=sys.stderr)
        return EXIT_INVALID
    verb = "Would import" if args.dry_run else "Imported"
    _out(f"{verb} {len(report.results)} KPI(s):")
    for r in report.results:
        needs = f" — to activate, complete: {', '.join(r.needs)}" if r.needs else " — complete"
        _out(f"  {r.name} ({r.status}){needs}")
        for note in r.notes:
            _out(f"      {_safe(note)}")
    if args.dry_run:
        _out("Dry run: nothing was written.")
    return EXIT_OK


# ---------------------------------------------------------------------------
# mops spend / mops budget
# ---------------------------------------------------------------------------


def cmd_spend(args: argparse.Namespace) -> int:
    action = args.spend_command or "list"
    if args.spend_command is None:  # plain `mops spend`: the list with its defaults
        for name, default in (("query", []), ("limit", 50), ("json", False), ("csv", False)):
            if not hasattr(args, name):
                setattr(args, name, default)
    cfg = _settings(args)
    ws = _workspace(cfg)
    from mops_tui.services import ledger

    if action == "add":
        amount = args.amount
        if args.refund and not amount.strip().startswith("-"):
            amount = "-" + amount.strip()
        entry = ledger.add_entry(
            ws,
            {
                "entry_date": args.date,
                "amount": amount,
                "payee": args.payee,
                "line": _line_ref(args.line),
                "reference": args.ref,
                "brief": _number_ref(args.brief, "a brief number"),
                "tool": args.tool,
                "note": args.note,
                "kind": "refund" if args.refund else "spend",
            },
        )
        _out(
            f"Recorded entry {entry.id}: {_money_text(ws, entry.amount)} to "
            f"{_safe(entry.payee)} on {entry.entry_date.isoformat()} ({entry.line_label})."
        )
        return EXIT_OK
    if action == "correct":
        changes = {
            k: v
            for k, v in {
                "entry_date": args.date,
                "amount": args.amount,
                "line": _line_ref(args.line),
                "payee": args.payee,
                "reference": args.ref,
                "note": args.note,
            }.items()
            if v is not None
        }
        if not changes:
            raise Fail(
                "say what to correct: --amount, --date, --line, --payee, --ref or --note",
                EXIT_INVALID,
            )
        reversal, new = ledger.correct_entry(ws, _entry_id(args.id), changes)
        _out(
            f"Reversed entry {args.id} as {reversal.id} and recorded the correction as "
            f"{new.id} ({_money_text(ws, new.amount)})."
        )
        return EXIT_OK
    if action == "reverse":
        reversal = ledger.reverse_entry(ws, _entry_id(args.id), args.reason)
        _out(
            f"Reversed entry {args.id} with entry {reversal.id} "
            f"({_money_text(ws, reversal.amount)})."
        )
        return EXIT_OK
    if action == "import":
        return _spend_import(ws, args)
    query = " ".join(args.query)
    if getattr(args, "period", None):
        query += f" period:{args.period}"
    if getattr(args, "line", None):
        line = ledger.resolve_line(ws, _line_ref(args.line))
        query += f" line:{line.id}"
    if action == "export":
        if args.format == "journal":
            from mops_tui.formats.journal import write_journal

            entries = ledger.journal_entries(ws, query.strip())
            text = write_journal(entries, ws.currency)
            write_output(args.output, text, f"{len(entries)} entries")
            return EXIT_OK
        from mops_tui.formats.csv_io import write_csv

        rows = ledger.export_rows(ws, query.strip())
        text = write_csv(ledger.EXPORT_COLUMNS, rows)
        write_output(args.output, text, f"{len(rows)} entries")
        return EXIT_OK
    # list
    entries = ledger.list_entries(ws, query.strip(), limit=max(1, args.limit))
    if args.json:
        _write_json([_entry_json(ws, e) for e in entries])
        return EXIT_OK
    if args.csv:
        from mops_tui.formats.csv_io import write_csv

        _write_data(
            write_csv(ledger.EXPORT_COLUMNS, ledger.export_rows(ws, query.strip())[: args.limit])
        )
        return EXIT_OK
    if not entries:
        _out("No spend entries match.")
        return EXIT_OK
    from mops_tui import clitext

    paint = clitext.Painter(clitext.colour_enabled())
    columns = [
        clitext.Column("id", "Id", 6, "right"),
        clitext.Column("date", "Date", 10),
        clitext.Column("amount", "Amount", 12, "right"),
        clitext.Column("payee", "Payee", 0, min_width=12),
        clitext.Column("line", "Line", 22),
        clitext.Column("ref", "Ref", 12),
    ]
    rows = [
        {
            "id": str(e.id),
            "date": e.entry_date.isoformat(),
            "amount": _money_text(ws, e.amount),
            "payee": clitext.safe(e.payee) + (" ↺" if e.kind == "reversal" else ""),
            "line": clitext.safe(e.line_label),
            "ref": clitext.safe(e.reference),
        }
        for e in entries
    ]
    _out("\n".join(clitext.table(columns, rows, min(clitext.width(), 120), paint)))
    total = ledger.EntryListing(ws).total(query.strip())
    count = ledger.EntryListing(ws).count(query.strip())
    _out(paint(f"{len(entries)} of {count} entries shown · total {_money_text(ws, total)}", "dim"))
    return EXIT_OK


def _entry_json(ws: Workspace, e: Any) -> dict[str, Any]:
    from mops_tui.domain.money import format_money

    return {
        "id": e.id,
        "date": e.entry_date.isoformat(),
        "amount": format_money(e.amount, ws.currency, exact=True, symbol=False, grouping=False),
        "amount_minor": e.amount,
        "currency": ws.currency,
        "kind": e.kind,
        "payee": e.payee,
        "line_id": e.line_id,
        "line": e.line_label,
        "reference": e.reference,
        "tool": e.tool,
        "brief": e.brief_id,
        "reverses": e.reverses_id,
        "corrects": e.corrects_id,
        "reversed_by": e.reversed_by,
        "note": e.note,
        "created_by": e.created_by,
    }


def _row_problem(err: Any) -> str:
    return f"row {err.row}: {err.field.replace('_', ' ')}: {_safe(err.message)}"


def _spend_import(ws: Workspace, args: argparse.Namespace) -> int:

    from mops_tui.formats import spend_csv
    from mops_tui.formats.csv_io import CsvError
    from mops_tui.services import ledger

    data = _read_file(args.file)
    profile = ledger.load_profile(ws, args.profile) if args.profile else None
    try:
        settings, mapped = spend_csv.prepare(
            data,
            profile=profile,
            map_options=args.map,
            set_options=args.set,
            day_first=args.day_first,
            decimal_comma=args.decimal_comma,
        )
    except spend_csv.SpendCsvError as exc:
        raise Fail(str(exc), EXIT_INVALID) from exc
    except CsvError as exc:
        raise Fail(f"{args.file}: {exc}", EXIT_INVALID) from exc
    if mapped.problems:
        for problem in mapped.problems:
            print(f"mops: {_safe(str(problem))}", file=sys.stderr)
        print(
            'Map the columns with --map, e.g. --map "entry_date=Posting Date,'
            'amount=Net,payee=Supplier" (and --set "channel=Events" for a value '
            "every row shares).",
            file=sys.stderr,
        )
        return EXIT_INVALID
    source = Path(args.file).name
    report = ledger.import_spend(
        ws,
        mapped.rows,
        dry_run=True,
        day_first=mapped.day_first,
        decimal_comma=mapped.decimal_comma,
        source=source,
    )
    _out(
        f"{args.file}: {report.rows} rows · {report.to_add} to add "
        f"({_money_text(ws, report.amount_to_add)}) · {report.already} already in the "
        f"ledger · {len({e.row for e in report.errors})} with problems"
    )
    for column in mapped.ignored_columns:
        _out(f"  column “{_safe(column)}” is not imported")
    if report.errors:
        for err in report.errors:
            print(_row_problem(err), file=sys.stderr)
        print("mops: nothing was imported; fix those rows and run it again.", file=sys.stderr)
        return EXIT_INVALID
    if args.save_profile:
        ledger.save_profile(ws, args.save_profile, settings.to_dict())
        _out(f"Saved the mapping as profile “{_safe(args.save_profile)}”.")
    if args.dry_run:
        _out("Dry run: nothing was written.")
        return EXIT_OK
    if report.to_add == 0:
        _out("Nothing new to import.")
        return EXIT_OK
    written = ledger.commit_import(ws, report)  # refuses if a month closed meanwhile
    _out(f"Imported {written.to_add} entries ({_money_text(ws, written.amount_to_add)}).")
    return EXIT_OK


def cmd_budget(args: argparse.Namespace) -> int:
    action = args.budget_command or "report"
    cfg = _settings(args)
    ws = _workspace(cfg)
    from mops_tui.services import ledger

    if action == "close":
        closed = ledger.close_period(ws, args.month)
        _out(f"Closed {closed.month}: entries dated in it are now refused.")
        return EXIT_OK
    if action == "reopen":
        ledger.reopen_period(ws, args.month, args.reason)
        _out(f"Reopened {args.month}.")
        return EXIT_OK
    if action == "closes":
        closes = ledger.closes(ws)
        if not closes:
            _out("No month is closed.")
        for c in closes.values():
            _out(f"{c.month}  closed {c.closed_on.isoformat()} by {_safe(c.closed_by)}")
        return EXIT_OK
    if action == "line":
        line = ledger.create_line(
            ws,
            {
                "period": args.period,
                "channel": args.channel,
                "planned": args.planned,
                "owner": args.owner,
                "campaign": args.campaign,
                "tool": args.tool,
            },
        )
        _out(
            f"Added budget line {line.id}: {_safe(line.label)}, planned "
            f"{_money_text(ws, line.planned, exact=False)} ({line.ref})."
        )
        return EXIT_OK
    if action == "copy":
        copied = ledger.copy_forward(ws, args.source, args.target)
        _out(
            f"Copied {len(copied)} line(s) to {args.target}"
            + ("." if copied else " (they were all there already).")
        )
        return EXIT_OK
    if action == "lines":
        return _budget_lines(ws, args)
    return _budget_report(ws, args)


def _budget_lines(ws: Workspace, args: argparse.Namespace) -> int:
    from mops_tui.services import ledger

    found = ledger.lines(ws, args.period)
    if args.json:
        _write_json(
            [
                {
                    "id": ln.id,
                    "ref": ln.ref,
                    "period": ln.period,
                    "channel": ln.channel,
                    "campaign": ln.campaign,
                    "tool": ln.tool,
                    "owner": ln.owner,
                    "planned_minor": ln.planned,
                    "actual_minor": ln.actual,
                    "entries": ln.entries,
                }
                for ln in found
            ]
        )
        return EXIT_OK
    if args.csv:
        from mops_tui.formats.csv_io import write_csv

        cols = ["id", "ref", "period", "channel", "campaign", "tool", "owner", "planned", "actual"]
        _write_data(
            write_csv(
                cols,
                [
                    {
                        "id": ln.id,
                        "ref": ln.ref,
                        "period": ln.period,
                        "channel": ln.channel,
                        "campaign": ln.campaign or "",
                        "tool": ln.tool or "",
                        "owner": ln.owner or "",
                        "planned": _money_text(ws, ln.planned).lstrip("£$€"),
                        "actual": _money_text(ws, ln.actual).lstrip("£$€"),
                    }
                    for ln in found
                ],
            )
        )
        return EXIT_OK
    from mops_tui import clitext

    paint = clitext.Painter(clitext.colour_enabled())
    columns = [
        clitext.Column("id", "Id", 4, "right"),
        clitext.Column("ref", "Line", 0, min_width=16),
        clitext.Column("owner", "Owner", 7),
        clitext.Column("planned", "Planned", 11, "right"),
        clitext.Column("actual", "Actual", 11, "right"),
    ]
    rows = [
        {
            "id": str(ln.id),
            "ref": clitext.safe(ln.ref),
            "owner": ln.owner or "—",
            "planned": _money_text(ws, ln.planned, exact=False),
            "actual": _money_text(ws, ln.actual, exact=False),
        }
        for ln in found
    ]
    _out("\n".join(clitext.table(columns, rows, min(clitext.width(), 100), paint)))
    _out(paint(f"{len(found)} lines", "dim"))
    return EXIT_OK


def _budget_report(ws: Workspace, args: argparse.Namespace) -> int:
    from mops_tui.services import ledger

    period_text = args.period or "this quarter"
    result = ledger.report(ws, period_text, args.by)
    today = ws.today()
    label = result.period.label if result.period else "all periods"
    if args.json:
        _write_json(
            {
                "period": label,
                "by": args.by,
                "currency": ws.currency,
                "planned_minor": result.planned,
                "actual_minor": result.actual,
                "variance_minor": result.variance,
                "rows": [
                    {
                        "key": r.key,
                        "label": r.label,
                        "planned_minor": r.planned,
                        "actual_minor": r.actual,
                        "variance_minor": r.variance,
                        "share": None
                        if r.share is None or r.share == float("inf")
                        else round(r.share, 4),
                        "forecast_minor": r.forecast(today),
                        "flag": r.flag(),
                        "owner": r.owner,
                        "lines": r.lines,
                    }
                    for r in result.rows
                ],
            }
        )
        return EXIT_OK
    if args.csv:
        from mops_tui.formats.csv_io import write_csv

        cols = ["label", "planned", "actual", "variance", "share", "forecast", "flag"]

        def plain(minor: int) -> str:
            return _money_text(ws, minor).replace(",", "").lstrip("£$€")

        _write_data(
            write_csv(
                cols,
                [
                    {
                        "label": r.label,
                        "planned": plain(r.planned),
                        "actual": plain(r.actual),
                        "variance": plain(r.variance),
                        "share": ""
                        if r.share is None or r.share == float("inf")
                        else f"{r.share:.4f}",
                        "forecast": plain(r.forecast(today)),
                        "flag": r.flag() or "",
                    }
                    for r in result.rows
                ],
            )
        )
        return EXIT_OK
    from mops_tui import clitext

    paint = clitext.Painter(clitext.colour_enabled())
    total_width = min(clitext.width(), 110)
    columns = [
        clitext.Column("label", args.by.capitalize(), 0, min_width=14),
        clitext.Column("planned", "Planned", 10, "right"),
        clitext.Column("actual", "Actual", 10, "right"),
        clitext.Column("variance", "Variance", 10, "right"),
        clitext.Column("share", "Spent", 6, "right"),
        clitext.Column("forecast", "Forecast", 10, "right"),
        clitext.Column("flag", "", 5),
    ]

    def money(minor: int) -> str:
        return _money_text(ws, minor, exact=False)

    def share(value: float | None) -> str:
        if value is None:
            return "—"
        if value == float("inf"):
            return "∞"
        return f"{value:.0%}"

    rows = [
        {
            "label": clitext.safe(r.label),
            "planned": money(r.planned),
            "actual": money(r.actual),
            "variance": money(r.variance),
            "share": share(r.share),
            "forecast": money(r.forecast(today)),
            "flag": r.flag_label(),
        }
        for r in result.rows
    ]
    total_share = result.actual / result.planned if result.planned else None
    rows.append(
        {
            "label": "Total",
            "planned": money(result.planned),
            "actual": money(result.actual),
            "variance": money(result.variance),
            "share": share(total_share),
            "forecast": "",
            "flag": "",
        }
    )

    def style_of(row: dict[str, str], key: str) -> tuple[str, ...]:
        if row["label"] == "Total":
            return ("bold",)
        if key in ("flag", "share") and row["flag"] == "OVER":
            return ("red",)
        if key in ("flag", "share") and row["flag"]:
            return ("yellow",)
        return ()

    _out(paint(f"Plan vs actual · {label} · by {args.by}", "bold"))
    _out("\n".join(clitext.table(columns, rows, total_width, paint, style_of)))
    return EXIT_OK


# ---------------------------------------------------------------------------
# mops brief / mops briefs
# ---------------------------------------------------------------------------

_BRIEF_FIELDS = (
    "title",
    "kpi",
    "kpi_target",
    "launch",
    "owner",
    "requester",
    "priority",
    "budget",
    "line",
    "objective",
    "audience",
    "key_message",
    "channels",
    "body",
)


def _brief_id(text: str) -> int:
    return _record_id(text, "a brief number")


def _entry_id(text: str) -> int:
    return _record_id(text, "a spend entry number", "2612")


def _number_ref(text: str | None, what: str) -> str | None:
    """A record reference the services resolve (``--line``, ``--brief``), as typed; when
    it is a number (``#12``), first refuse one mops cannot read: non-ASCII digits, or one
    larger than any record number."""
    if text is not None and text.strip().lstrip("#").isdigit():
        _record_id(text, what)
    return text


def _line_ref(text: str | None) -> str | None:
    return _number_ref(text, "a budget line number")


def _brief_raw(args: argparse.Namespace) -> dict[str, Any]:
    names = {"launch": "launch_date", "budget": "budget_requested", "line": "budget_line"}
    raw: dict[str, Any] = {}
    for name in _BRIEF_FIELDS:
        value = getattr(args, name, None)
        if value is None:
            continue
        if name == "body" and value == "-":
            value = sys.stdin.read()
        if name == "line":
            value = _line_ref(value)
        raw[names.get(name, name)] = value
    return raw


def cmd_brief(args: argparse.Namespace) -> int:
    action = args.brief_command
    if action is None:
        raise Fail(
            "say what to do: mops brief add|show|edit|assign|submit|approve|return|"
            "start|done|cancel",
            EXIT_INVALID,
        )
    cfg = _settings(args)
    ws = _workspace(cfg)
    from mops_tui.services import briefs

    if action == "add":
        made = briefs.create(ws, _brief_raw(args))
        _out(str(made.id))
        print(
            f"Drafted brief #{made.id}: {_safe(made.title)}. Submit it with "
            f"`mops brief submit {made.id}` when it is ready.",
            file=sys.stderr,
        )
        return EXIT_OK
    brief_id = _brief_id(args.id)
    if action == "show":
        return _brief_show(ws, brief_id, args.json)
    if action == "edit":
        raw = _brief_raw(args)
        if not raw:
            raise Fail('say what to change, e.g. --objective "…" or --launch +6w', EXIT_INVALID)
        saved = briefs.update(ws, brief_id, raw, None)
        _out(f"Saved brief #{saved.id}.")
        return EXIT_OK
    if action == "assign":
        saved = briefs.assign(ws, brief_id, args.owner)
        _out(f"Brief #{saved.id} is owned by {_safe(saved.owner_name)} ({saved.owner}).")
        return EXIT_OK
    before = briefs.get(ws, brief_id)
    moved = briefs.move(
        ws, brief_id, action, reason=args.reason, result=args.result, not_measured=args.not_measured
    )
    from mops_tui.domain.briefs import status_label

    _out(f"Brief #{moved.id}: {status_label(before.status)} → {status_label(moved.status)}.")
    return EXIT_OK


def _brief_show(ws: Workspace, brief_id: int, as_json: bool) -> int:
    from mops_tui import clitext
    from mops_tui.domain.briefs import status_label
    from mops_tui.domain.text import visible
    from mops_tui.services import briefs

    found = briefs.detail(ws, brief_id)
    b = found.brief
    today = ws.today()
    if as_json:
        data = _brief_json(ws, b)
        data["transitions"] = [
            {
                "at": t.at.isoformat(),
                "actor": t.actor,
                "from": t.from_status,
                "to": t.to_status,
                "comment": t.comment,
            }
            for t in found.transitions
        ]
        data["blocked"] = {
            name: [f"{e.field}: {e.message}" for e in errs] for name, errs in found.moves.items()
        }
        _write_json(data)
        return EXIT_OK
    paint = clitext.Painter(clitext.colour_enabled())
    total = min(clitext.width(), 100)
    label_w = 17  # the longest label, "Cost per result", and two spaces
    lines: list[str] = []

    def field(label: str, value: str) -> None:
        wrapped = clitext.wrap(value or "—", label_w, total)
        lines.append(paint(label.ljust(label_w), "dim") + wrapped[0])
        lines.extend(" " * label_w + rest for rest in wrapped[1:])

    flags = " ".join(f.label for f in found.flags)
    lines.append(
        paint(f"#{b.id} {clitext.safe(b.title)}", "bold")
        + "  "
        + paint(status_label(b.status), "green" if b.status == "approved" else "cyan")
        + f"  {b.priority}"
        + (f"  {paint(flags, 'red')}" if flags else "")
    )
    field("Owner", f"{clitext.safe(b.owner_name)} ({b.owner})" if b.owner else "unassigned")
    field("Requested by", clitext.safe(b.requester_name or b.requester or ""))
    launch = b.launch_date.isoformat() if b.launch_date else ""
    if b.launch_date:
        launch += f" ({b.working_days_to_launch(today)} working days)"
    field("Launch", launch)
    field("Objective", clitext.safe(b.objective))
    field("Audience", clitext.safe(b.audience))
    field("Key message", clitext.safe(b.key_message))
    field("Channels", clitext.safe(", ".join(b.channels)))
    kpi = f"{b.kpi} ({b.kpi_status})" if b.kpi else ""
    if b.kpi_target:
        kpi += f" · target {clitext.safe(b.kpi_target)}"
    field("KPI", kpi)
    budget = _money_text(ws, b.budget_requested, exact=False) if b.budget_requested else "none"
    if b.budget_line:
        budget += f" from {clitext.safe(b.budget_line)}"
    field("Budget", budget)
    field("Spend", _money_text(ws, b.spend, exact=False) + " logged against this brief")
    if b.status == "done":
        field("Outcome", clitext.safe(b.outcome_result or f"not measured: {b.outcome_reason}"))
        per = briefs.cost_per_result(b, found.kpi, ws.currency)
        if per:
            field("Cost per result", per)
    for f in found.flags:
        lines.append(paint("! ", "red") + clitext.safe(f.reason))
    blocked = {k: v for k, v in found.moves.items() if v}
    ready = [k for k, v in found.moves.items() if not v]
    if ready:
        lines.append(paint("Ready to: ", "dim") + ", ".join(ready))
    for name, errs in blocked.items():
        lines.append(
            paint(f"Cannot {name} yet: ", "dim") + "; ".join(clitext.safe(e.message) for e in errs)
        )
    if b.body:
        lines.append(paint("Brief", "dim"))
        body = visible(b.body, keep_newlines=True)
        lines.extend(("  " + line).rstrip() for line in clitext.wrap(body, 2, total))
    lines.append(paint("History", "dim"))
    for t in found.transitions:
        moved = (f"{status_label(t.from_status)} → " if t.from_status else "") + status_label(
            t.to_status
        )
        lines.append(
            f"  {t.at:%Y-%m-%d %H:%M}  {clitext.safe(t.actor):<8} {moved}"
            + (f": {clitext.safe(t.comment)}" if t.comment else "")
        )
    _out("\n".join(lines))
    return EXIT_OK


def _brief_json(ws: Workspace, b: Any) -> dict[str, Any]:
    today = ws.today()
    return {
        "id": b.id,
        "title": b.title,
        "status": b.status,
        "priority": b.priority,
        "owner": b.owner,
        "requester": b.requester,
        "objective": b.objective,
        "audience": b.audience,
        "key_message": b.key_message,
        "channels": b.channels,
        "launch_date": b.launch_date.isoformat() if b.launch_date else None,
        "working_days_to_launch": b.working_days_to_launch(today),
        "kpi": b.kpi,
        "kpi_target": b.kpi_target or None,
        "budget_requested_minor": b.budget_requested,
        "budget_line": b.budget_line,
        "spend_minor": b.spend,
        "age_in_status_working_days": b.age_in_status(today),
        "flags": [f.code for f in b.flags(today, ws.brief_policy)],
        "outcome_result": b.outcome_result or None,
        "outcome_reason": b.outcome_reason or None,
    }


def _mine_hint(ws: Workspace, query: str) -> None:
    """When "mine" found nothing because the user is nobody in the team, say so."""
    from mops_tui.services import people

    why = people.mine_unknown(ws, query)
    if why:
        print(f"mops: {_safe(why)}", file=sys.stderr)


def cmd_briefs(args: argparse.Namespace) -> int:
    cfg = _settings(args)
    ws = _workspace(cfg)
    from mops_tui import clitext
    from mops_tui.domain.briefs import status_label
    from mops_tui.domain.money import format_compact
    from mops_tui.services import briefs

    terms = list(args.query)
    terms += [f"status:{s}" for s in args.status]
    for flag, term in (
        (args.mine, "is:mine"),
        (args.unassigned, "is:unassigned"),
        (args.overdue, "is:overdue"),
        (args.at_risk, "is:risk"),
        (args.waiting, "is:waiting"),
    ):
        if flag:
            terms.append(term)
    if not args.all and not args.status:
        terms.append("is:open")
    query = " ".join(terms)
    found = briefs.list_briefs(ws, query)
    if args.json:
        _write_json([_brief_json(ws, b) for b in found])
        return EXIT_OK
    if args.csv:
        from mops_tui.formats.csv_io import write_csv

        _write_data(write_csv(briefs.EXPORT_COLUMNS, briefs.export_rows(ws, query)))
        return EXIT_OK
    if not found:
        _mine_hint(ws, query)
        _out(
            "No briefs match."
            if query.strip() != "is:open"
            else 'No open briefs. Add one: mops brief add "Q1 webinar series"'
        )
        return EXIT_OK
    today = ws.today()
    paint = clitext.Painter(clitext.colour_enabled())
    total = min(clitext.width(), 140)
    columns = [
        clitext.Column("id", "#", 4, "right"),
        clitext.Column("title", "Title", 0, min_width=14),
        clitext.Column("status", "Status", 9),
        clitext.Column("pri", "Pri", 3),
        clitext.Column("owner", "Owner", 6),
        clitext.Column("launch", "Launch", 10),
        clitext.Column("wd", "WD", 4, "right"),
        clitext.Column("flags", "Flags", 9),
    ]
    if total >= 110:
        columns[3:3] = [
            clitext.Column("kpi", "KPI", 18),
            clitext.Column("budget", "Budget", 7, "right"),
        ]
    rows = []
    for b in found:
        wd = b.working_days_to_launch(today)
        rows.append(
            {
                "id": str(b.id),
                "title": clitext.safe(b.title),
                "status": status_label(b.status).replace("in flight", "in flight"),
                "pri": b.priority,
                "owner": clitext.safe(b.owner or "—"),
                "launch": b.launch_date.isoformat() if b.launch_date else "—",
                "wd": "—" if wd is None else str(wd),
                "kpi": clitext.safe(b.kpi or "—"),
                "budget": format_compact(b.budget_requested, ws.currency)
                if b.budget_requested
                else "—",
                "flags": " ".join(f.label for f in b.flags(today, ws.brief_policy)),
            }
        )

    def style_of(row: dict[str, str], key: str) -> tuple[str, ...]:
        if key == "flags" and row["flags"]:
            return ("red",) if "OVERDUE" in row["flags"] else ("yellow",)
        return ()

    _out("\n".join(clitext.table(columns, rows, total, paint, style_of)))
    _out(
        paint(f"{len(found)} brief{'s' if len(found) != 1 else ''}, what needs action first", "dim")
    )
    return EXIT_OK
