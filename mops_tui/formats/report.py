"""The monthly operations report as Markdown or as one self-contained HTML page.

Both come from the same list of blocks (headings, paragraphs, lists, tables), so they
say exactly the same thing. Whatever a person typed (tool names, brief titles,
reasons) is made visible (no control characters) and then escaped for the output:
Markdown punctuation is backslash-escaped and ``|`` never breaks a table; HTML goes
through :func:`html.escape`. The page carries its own CSS and prints on one or two
A4 sheets.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from datetime import date

from mops_tui.domain.ledger import PlanActual
from mops_tui.domain.money import exponent, format_money
from mops_tui.domain.report import MonthlyReport, Renewal, day_text, month_name
from mops_tui.domain.text import visible

# ---------------------------------------------------------------------------
# A tiny document model
# ---------------------------------------------------------------------------

# An inline run: (style, text) with style "" (plain), "b" (strong), "code" or "em".
Run = tuple[str, str]
Inline = list[Run]


@dataclass
class Block:
    kind: str  # h1 | h2 | p | ul | table
    inline: Inline = field(default_factory=list)
    items: list[Inline] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    aligns: list[str] = field(default_factory=list)  # left | right per column
    rows: list[list[Inline]] = field(default_factory=list)
    row_classes: list[str] = field(default_factory=list)
    css: str = ""


def _t(text: str) -> Run:
    return ("", text)


def _b(text: str) -> Run:
    return ("b", text)


def _code(text: str) -> Run:
    return ("code", text)


def _em(text: str) -> Run:
    return ("em", text)


# ---------------------------------------------------------------------------
# Words and figures
# ---------------------------------------------------------------------------


def _money(minor: int | None, currency: str) -> str:
    """Whole units: a report for a CFO, not a ledger (£40,211, not £40,211.37)."""
    if minor is None:
        return "—"
    unit = 10 ** exponent(currency)
    rounded = (abs(minor) + unit // 2) // unit * unit
    return format_money(-rounded if minor < 0 else rounded, currency)


def _pct(share: float | None) -> str:
    if share is None:
        return "—"
    if share == float("inf"):
        return "unplanned"
    return f"{share:.0%}"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _day(d: date | None, *, year: bool = True) -> str:
    return day_text(d, year=year) if d else "—"


def _variance(row: PlanActual, currency: str) -> str:
    v = row.variance
    if v == 0:
        return _money(0, currency)
    if v > 0:
        return f"{_money(v, currency)} under"
    return f"{_money(-v, currency)} over"


def _flag_words(row: PlanActual) -> str:
    flag = row.flag()
    if flag == "over":
        return "over plan"
    if flag == "near":
        return "90% or more of plan"
    return ""


_DECISION_WORDS = {"renew": "renew", "renegotiate": "renegotiate", "cancel": "cancel"}


# ---------------------------------------------------------------------------
# The report, block by block
# ---------------------------------------------------------------------------


def headline(report: MonthlyReport) -> str:
    """The first sentence: spend against plan, and the channels over it."""
    cur = report.currency
    name = month_name(report.month)
    if report.planned <= 0:
        text = f"Marketing spent {_money(report.actual, cur)} in {name}, with no plan for the month"
    else:
        text = (
            f"Marketing spent {_money(report.actual, cur)} of {_money(report.planned, cur)} "
            f"planned ({_pct(report.share)}) in {name}"
        )
    over = report.over_plan
    if over:
        parts = [f"{r.label} ({_money(-r.variance, cur)} over)" for r in over]
        text += f"; {_plural(len(over), 'channel')} over plan: {_join(parts)}."
    elif report.channels:
        text += "; every channel is within plan."
    else:
        text += "."
    return text


def _summary(report: MonthlyReport) -> list[Block]:
    cur = report.currency
    blocks = [Block("p", [_b(headline(report))], css="headline")]
    more: list[str] = []
    if report.in_progress and report.forecast is not None:
        elapsed = report.month.elapsed_days(report.as_of)
        share = f" ({_pct(report.forecast / report.planned)} of plan)" if report.planned else ""
        more.append(
            f"The month is not over ({elapsed} of {report.month.days} days): at this rate it "
            f"ends at {_money(report.forecast, cur)}{share}."
        )
    near = report.near_plan
    if near:
        more.append(
            f"{_plural(len(near), 'channel')} at 90% of plan or more: "
            f"{_join([f'{r.label} ({_pct(r.share)})' for r in near])}."
        )
    verdicts = report.verdicts
    if report.delivered:
        more.append(
            f"{_plural(len(report.delivered), 'brief')} delivered: {verdicts['met']} met "
            f"{'its' if len(report.delivered) == 1 else 'their'} target, {verdicts['missed']} "
            f"missed, {verdicts['not_measured']} could not be measured"
            + (f", {verdicts['unknown']} to judge by hand" if verdicts["unknown"] else "")
            + "."
        )
    else:
        more.append("No brief was delivered this month.")
    decide = report.renewals_to_decide
    if decide:
        cost = sum(r.annual_cost or 0 for r in decide)
        more.append(
            f"{_plural(len(decide), 'renewal')} worth {_money(cost, cur)} a year "
            f"{'needs' if len(decide) == 1 else 'need'} a decision."
        )
    if report.compliance:
        more.append(
            f"{_plural(len(report.compliance), 'tool')} "
            f"{'has' if len(report.compliance) == 1 else 'have'} a compliance gap."
        )
    blocks.append(Block("p", [_t(" ".join(more))]))
    return blocks


def _decisions(report: MonthlyReport) -> list[Block]:
    cur = report.currency
    items: list[Inline] = []
    urgent = report.renewals_urgent()
    for r in urgent:
        items.append(
            [
                _b(r.tool),
                _t(f" ({_money(r.annual_cost, cur)} a year, owner {r.owner}): {r.action}"),
            ]
        )
    later = [r for r in report.renewals_to_decide if r not in urgent]
    if later:
        cost = sum(r.annual_cost or 0 for r in later)
        items.append(
            [
                _t(
                    f"{_plural(len(later), 'more renewal')} ({_money(cost, cur)} a year) "
                    f"{'needs' if len(later) == 1 else 'need'} a decision before "
                    f"{_day(report.renewals_until)}: "
                ),
                _t(_join([r.tool for r in later])),
                _t("."),
            ]
        )
    over = report.over_plan
    if over:
        items.append(
            [
                _t("Agree the overspend on "),
                _t(_join([f"{r.label} ({_money(-r.variance, cur)})" for r in over])),
                _t(": find where it comes from, or move budget to cover it."),
            ]
        )
    if report.compliance:
        items.append(
            [
                _t("Close the compliance "),
                _t("gap" if len(report.compliance) == 1 else "gaps"),
                _t(" on "),
                _t(_join([g.tool for g in report.compliance])),
                _t(" (below)."),
            ]
        )
    if report.close.state == "open":
        items.append(
            [
                _t(f"{month_name(report.month)} has ended but is not closed: close it with "),
                _code(f"mops budget close {report.month.label}"),
                _t("."),
            ]
        )
    if not items:
        return [Block("h2", [_t("Decisions needed")]), Block("p", [_t("None this month.")])]
    return [Block("h2", [_t("Decisions needed")]), Block("ul", items=items)]


def _strip_prefix(reason: str) -> str:
    return reason.removeprefix("Compliance gap: ")


def _spend(report: MonthlyReport) -> list[Block]:
    cur = report.currency
    name = month_name(report.month)
    blocks = [Block("h2", [_t("Spend against plan by channel")])]
    if not report.channels:
        blocks.append(Block("p", [_t(f"No budget lines cover {name}.")]))
        return blocks
    rows: list[list[Inline]] = []
    classes: list[str] = []
    for r in report.channels:
        rows.append(
            [
                [_t(r.label)],
                [_t(_money(r.planned, cur))],
                [_t(_money(r.actual, cur))],
                [_t(_variance(r, cur))],
                [_t(_pct(r.share))],
                [_t(_flag_words(r))],
            ]
        )
        classes.append(r.flag() or "")
    total = PlanActual("total", "Total", report.planned, report.actual)
    rows.append(
        [
            [_b("Total")],
            [_b(_money(report.planned, cur))],
            [_b(_money(report.actual, cur))],
            [_b(_variance(total, cur))],
            [_b(_pct(total.share))],
            [_t("")],
        ]
    )
    classes.append("total")
    blocks.append(
        Block(
            "table",
            headers=["Channel", "Planned", "Spent", "Variance", "Of plan", "Note"],
            aligns=["left", "right", "right", "right", "right", "left"],
            rows=rows,
            row_classes=classes,
        )
    )
    blocks.append(
        Block(
            "p",
            [
                _t(
                    "Quarter lines count towards the month in proportion to its days; "
                    "spend counts when it is dated in the month. "
                    "Details: "
                ),
                _code(f"mops budget report --period {report.month.label} --by line"),
                _t("."),
            ],
            css="note",
        )
    )
    return blocks


_VERDICT_WORDS = {
    "met": "met target",
    "missed": "missed target",
    "not_measured": "not measured",
    "unknown": "see result",
}


def _briefs(report: MonthlyReport) -> list[Block]:
    cur = report.currency
    blocks = [Block("h2", [_t("Briefs delivered")])]
    if not report.delivered:
        blocks.append(Block("p", [_t(f"No brief was marked done in {month_name(report.month)}.")]))
    else:
        rows: list[list[Inline]] = []
        classes: list[str] = []
        for b in report.delivered:
            outcome = b.result or f"not measured: {b.not_measured}"
            spend = _money(b.spend, cur)
            if b.cost_per_result:
                spend += f" ({b.cost_per_result} per result)"
            rows.append(
                [
                    [_t(f"#{b.id}")],
                    [_t(b.title)],
                    [_t(b.owner)],
                    [_t(b.kpi or "—")],
                    [_t(b.target or "—")],
                    [_t(outcome)],
                    [_b(_VERDICT_WORDS.get(b.verdict, b.verdict))],
                    [_t(spend)],
                ]
            )
            classes.append(b.verdict)
        blocks.append(
            Block(
                "table",
                headers=["#", "Brief", "Owner", "KPI", "Target", "Result", "Outcome", "Spend"],
                aligns=["right", "left", "left", "left", "right", "left", "left", "right"],
                rows=rows,
                row_classes=classes,
            )
        )
    if report.cancelled:
        items: list[Inline] = []
        for c in report.cancelled:
            where = f"from {c.from_status.replace('_', ' ')}, " if c.from_status else ""
            spent = f"; {_money(c.spend, cur)} had been spent" if c.spend else ""
            items.append(
                [
                    _t(f"#{c.id} "),
                    _b(c.title),
                    _t(f" ({where}{_day(c.cancelled_on, year=False)}): {c.reason}{spent}"),
                ]
            )
        blocks.append(
            Block("p", [_t(f"{_plural(len(report.cancelled), 'brief')} cancelled in the month:")])
        )
        blocks.append(Block("ul", items=items))
    return blocks


def _decision_text(r: Renewal) -> str:
    if r.decision:
        by = f" ({r.decided_by}, {_day(r.decided_on)})" if r.decided_by else ""
        note = f": {r.decision_note}" if r.decision_note else ""
        return f"{_DECISION_WORDS.get(r.decision, r.decision)}{by}{note}"
    return r.action


def _renewals(report: MonthlyReport) -> list[Block]:
    cur = report.currency
    until = _day(report.renewals_until)
    blocks = [Block("h2", [_t(f"Renewals to {until}")])]
    if not report.renewals:
        blocks.append(Block("p", [_t(f"No paid contract renews before {until}.")]))
        return blocks
    rows: list[list[Inline]] = []
    classes: list[str] = []
    for r in report.renewals:
        cancel = _day(r.cancel_by) if r.cancel_by and r.cancel_by < r.renewal_date else "—"
        rows.append(
            [
                [_b(r.tool)],
                [_t(r.owner)],
                [_t(_money(r.annual_cost, cur))],
                [_t(_day(r.renewal_date))],
                [_t(cancel)],
                [_t("yes" if r.auto_renew else "no")],
                [_t(_decision_text(r))],
            ]
        )
        classes.append("decide" if r.needs_decision else "")
    blocks.append(
        Block(
            "table",
            headers=["Tool", "Owner", "Annual cost", "Renews", "Cancel by", "Auto", "Decision"],
            aligns=["left", "left", "right", "left", "left", "left", "left"],
            rows=rows,
            row_classes=classes,
        )
    )
    total = sum(r.annual_cost or 0 for r in report.renewals)
    open_cost = sum(r.annual_cost or 0 for r in report.renewals_to_decide)
    blocks.append(
        Block(
            "p",
            [
                _t(
                    f"{_money(total, cur)} a year renews in this window; "
                    f"{_money(open_cost, cur)} of it still needs a decision."
                )
            ],
            css="note",
        )
    )
    return blocks


def _compliance(report: MonthlyReport) -> list[Block]:
    blocks = [Block("h2", [_t("Compliance gaps")])]
    if not report.compliance:
        blocks.append(
            Block("p", [_t("None: every tool holding personal data has a DPA and a region.")])
        )
        return blocks
    items: list[Inline] = [
        [
            _b(g.tool),
            _t(f" ({g.status.replace('_', ' ')}, owner {g.owner}): {_strip_prefix(g.reason)}"),
        ]
        for g in report.compliance
    ]
    blocks.append(Block("ul", items=items))
    return blocks


def _kpis(report: MonthlyReport) -> list[Block]:
    blocks = [Block("h2", [_t("KPI changes")])]
    if not report.kpi_changes:
        blocks.append(
            Block(
                "p",
                [_t(f"No KPI was activated, changed or retired in {month_name(report.month)}.")],
            )
        )
        return blocks
    items: list[Inline] = [
        [
            _t(f"{_day(c.on, year=False)}: "),
            _b(c.label),
            _t(" ("),
            _code(c.key),
            _t(f"): {c.detail}"),
        ]
        for c in report.kpi_changes
    ]
    blocks.append(Block("ul", items=items))
    return blocks


def _month_ranges(months: list[str]) -> list[str]:
    """``2025-01, 2025-02, 2025-03, 2025-05`` → ``2025-01 to 2025-03``, ``2025-05``."""
    out: list[str] = []
    keys = sorted(set(months))
    start = prev = None
    index_prev = -2
    for m in keys:
        year, month = (int(x) for x in m.split("-"))
        index = year * 12 + month
        if start is not None and index == index_prev + 1:
            prev = m
        else:
            if start is not None:
                out.append(start if start == prev else f"{start} to {prev}")
            start = prev = m
        index_prev = index
    if start is not None:
        out.append(start if start == prev else f"{start} to {prev}")
    return out


def _close(report: MonthlyReport) -> list[Block]:
    name = month_name(report.month)
    c = report.close
    blocks = [Block("h2", [_t("Month close")])]
    if c.state == "closed":
        text: Inline = [_t(f"{name} is closed (by {c.closed_by} on {_day(c.closed_on)}).")]
    elif c.state == "in_progress":
        text = [
            _t(f"{name} has not ended; close it once the last invoices are in: "),
            _code(f"mops budget close {report.month.label}"),
            _t("."),
        ]
    else:
        text = [
            _t(f"{name} has ended but is still open, so spend can still be dated in it: "),
            _code(f"mops budget close {report.month.label}"),
            _t("."),
        ]
    if c.reopened_times:
        text.append(_t(f" It was reopened {_plural(c.reopened_times, 'time')}."))
    blocks.append(Block("p", text))
    closed = [e.month for e in report.close_events if e.action == "closed"]
    reopened = [e for e in report.close_events if e.action == "reopened"]
    if closed or reopened:
        items: list[Inline] = []
        if closed:
            items.append(
                [
                    _t(
                        f"Closed during {name}: {', '.join(_month_ranges(closed))} "
                        f"({_plural(len(closed), 'close')})."
                    )
                ]
            )
        for e in reopened:
            reason = f": {e.reason}" if e.reason else ""
            items.append([_t(f"Reopened {e.month} ({e.by}, {_day(e.at.date())}){reason}")])
        blocks.append(Block("ul", items=items))
    return blocks


def blocks(report: MonthlyReport) -> list[Block]:
    name = month_name(report.month)
    out = [
        Block("h1", [_t(f"Marketing operations report: {name}")]),
        Block(
            "p",
            [
                _em(
                    f"Written {_day(report.as_of)} from mops. Figures in {report.currency}, "
                    "rounded to whole units."
                )
            ],
            css="note",
        ),
    ]
    out += _summary(report)
    out += _decisions(report)
    out += _spend(report)
    out += _briefs(report)
    out += _renewals(report)
    out += _compliance(report)
    out += _kpis(report)
    out += _close(report)
    return out


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|~])")
# An underscore inside a word (mql_to_sql_rate) emphasises nothing; others might.
_MD_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


def md_escape(text: str) -> str:
    """Plain text that Markdown shows as typed: punctuation that means something is
    backslash-escaped, so ``<script>`` and ``|`` are just characters. Every piece of
    typed text sits after fixed words or inside a table cell, so line-start markers
    (``#``, ``-``, ``1.``) cannot take effect and are left alone."""
    safe = visible(text)
    safe = _MD_SPECIAL.sub(r"\\\1", safe)
    safe = _MD_UNDERSCORE.sub(r"\\_", safe)
    return _MD_ENTITY.sub(r"\\&", safe)


def _md_inline(runs: Inline) -> str:
    out: list[str] = []
    for style, text in runs:
        if not text:
            continue
        if style == "code":
            out.append("`" + visible(text).replace("`", "'") + "`")
        elif style == "b":
            out.append(f"**{md_escape(text)}**")
        elif style == "em":
            out.append(f"*{md_escape(text)}*")
        else:
            out.append(md_escape(text))
    return "".join(out)


def markdown(report: MonthlyReport) -> str:
    lines: list[str] = []
    for block in blocks(report):
        if block.kind == "h1":
            lines += [f"# {_md_inline(block.inline)}", ""]
        elif block.kind == "h2":
            lines += [f"## {_md_inline(block.inline)}", ""]
        elif block.kind == "p":
            lines += [_md_inline(block.inline), ""]
        elif block.kind == "ul":
            lines += [f"- {_md_inline(item)}" for item in block.items] + [""]
        elif block.kind == "table":
            lines.append("| " + " | ".join(md_escape(h) for h in block.headers) + " |")
            lines.append(
                "|" + "|".join("---:" if a == "right" else "---" for a in block.aligns) + "|"
            )
            for row in block.rows:
                lines.append("| " + " | ".join(_md_inline(cell) for cell in row) + " |")
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; }
body { font: 15px/1.45 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: #1d2430; max-width: 60rem; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 1.6rem 0 .5rem; padding-bottom: .2rem;
     border-bottom: 1px solid #d5dae1; }
p { margin: .4rem 0; }
.headline { font-size: 1.15rem; margin-top: 1rem; }
.note { color: #5b6472; font-size: .88rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .4rem 0; }
th, td { padding: .3rem .5rem; border-bottom: 1px solid #e3e7ec; vertical-align: top;
         text-align: left; }
th { font-weight: 600; color: #3b4452; background: #f4f6f8; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.over td { background: #fdecea; }
tr.near td { background: #fff6dd; }
tr.missed td { background: #fdecea; }
tr.met td { background: #eaf6ec; }
tr.decide td { background: #fff6dd; }
tr.total td { border-top: 2px solid #9aa3af; }
code { font: .85em ui-monospace, Menlo, Consolas, monospace; background: #f0f2f5;
       padding: .05rem .3rem; border-radius: 3px; }
ul { margin: .3rem 0; padding-left: 1.3rem; }
li { margin: .15rem 0; }
@page { size: A4; margin: 14mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  table, li { break-inside: avoid; }
  tr.over td, tr.near td, tr.missed td, tr.met td, tr.decide td, th {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _esc(text: str) -> str:
    return html_lib.escape(visible(text), quote=True)


def _html_inline(runs: Inline) -> str:
    out: list[str] = []
    for style, text in runs:
        if not text:
            continue
        if style == "code":
            out.append(f"<code>{_esc(text)}</code>")
        elif style == "b":
            out.append(f"<strong>{_esc(text)}</strong>")
        elif style == "em":
            out.append(f"<em>{_esc(text)}</em>")
        else:
            out.append(_esc(text))
    return "".join(out)


def _class(name: str) -> str:
    return f' class="{_esc(name)}"' if name else ""


def html(report: MonthlyReport) -> str:
    title = f"Marketing operations report: {month_name(report.month)}"
    body: list[str] = []
    for block in blocks(report):
        if block.kind in ("h1", "h2"):
            body.append(f"<{block.kind}>{_html_inline(block.inline)}</{block.kind}>")
        elif block.kind == "p":
            body.append(f"<p{_class(block.css)}>{_html_inline(block.inline)}</p>")
        elif block.kind == "ul":
            body.append(
                "<ul>\n"
                + "\n".join(f"  <li>{_html_inline(item)}</li>" for item in block.items)
                + "\n</ul>"
            )
        elif block.kind == "table":
            head = "".join(
                f"<th{_class('num' if a == 'right' else '')}>{_esc(h)}</th>"
                for h, a in zip(block.headers, block.aligns, strict=True)
            )
            rows = []
            for row, css in zip(block.rows, block.row_classes, strict=True):
                cells = "".join(
                    f"<td{_class('num' if a == 'right' else '')}>{_html_inline(cell)}</td>"
                    for cell, a in zip(row, block.aligns, strict=True)
                )
                rows.append(f"  <tr{_class(css)}>{cells}</tr>")
            body.append(
                f"<table>\n  <thead><tr>{head}</tr></thead>\n  <tbody>\n"
                + "\n".join(rows)
                + "\n  </tbody>\n</table>"
            )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="mops">\n'
        f"<title>{_esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
