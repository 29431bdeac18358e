"""The integrity rules ``mops check`` runs, in plain words.

Forms, the CLI and imports stop bad data at the door. These rules look at what is
already stored, across areas: data that predates a rule, records that were fine
until something else changed (a tool retired, a KPI deprecated), and anything written
around the services. A CI or cron job runs them all and fails when any record does.

This module is pure text: each rule's code, area, title and explanation, and how a
failing record is named and explained. The SQL that finds the records is in
``store/queries/check.py``; ``services/check.py`` runs it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from mops_tui.domain.money import format_money
from mops_tui.domain.text import single_line


@dataclass(frozen=True)
class Rule:
    code: str  # stable, for scripts: "spend-on-retired-tool"
    area: str  # stack, kpis, briefs, ledger, audit
    title: str  # what must hold, in one line
    explanation: str  # why it matters and what to do about a failure


@dataclass(frozen=True)
class CheckFailure:
    """One record that breaks a rule."""

    entity: str  # tool, integration, kpi, brief, spend, budget_line
    id: int
    name: str  # how people name the record
    why: str  # what is wrong with this record, in one sentence


@dataclass
class CheckResult:
    rule: Rule
    failures: list[CheckFailure] = field(default_factory=list)  # at most the limit asked for
    total: int = 0  # every failing record, even those not listed

    @property
    def passed(self) -> bool:
        return self.total == 0

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def title(self) -> str:
        return self.rule.title

    @property
    def explanation(self) -> str:
        return self.rule.explanation

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.rule.code,
            "area": self.rule.area,
            "title": self.rule.title,
            "explanation": self.rule.explanation,
            "passed": self.passed,
            "failing": self.total,
            "records": [
                {"entity": f.entity, "id": f.id, "name": f.name, "why": f.why}
                for f in self.failures
            ],
        }


RULES: tuple[Rule, ...] = (
    # -- stack ----------------------------------------------------------------
    Rule(
        "tool-incomplete",
        "stack",
        "Tools under contract have an owner, a cost and a renewal date",
        "A tool that is active, under review or being decommissioned is paid for under a "
        "contract: someone must own it, and its annual cost and renewal date drive the "
        "renewal and decommissioning questions. Tools added before this standard, or "
        "imported around it, may lack them. Edit the tool and fill them in.",
    ),
    Rule(
        "personal-data-no-dpa",
        "stack",
        "Active tools that hold personal data have a signed DPA and a data region",
        "Personal data may only sit in a tool under a signed data-processing agreement, "
        "and the team must know where it is stored. Record the DPA's date and the region, "
        "or move the tool out of active use until the DPA is signed.",
    ),
    Rule(
        "personal-flow-no-dpa",
        "stack",
        "Personal data flows only into tools with a signed DPA",
        "An integration that carries personal data into a tool with no signed DPA moves "
        "that data outside any agreement. Sign and record the target's DPA, or remove "
        "the integration.",
    ),
    Rule(
        "spend-on-retired-tool",
        "ledger",
        "No spend is booked to a retired tool after its retirement",
        "Money still going to a tool the team retired means the contract was not "
        "cancelled, or the spend is booked to the wrong tool. Cancel the contract, or "
        "correct the entry.",
    ),
    # -- KPIs -----------------------------------------------------------------
    Rule(
        "kpi-source-retired",
        "kpis",
        "Active KPIs draw their data from a tool that is not retired",
        "A KPI whose data-source tool was retired is no longer measured the way it is "
        "defined. Choose the tool that now supplies the data (a new version of the KPI), "
        "or deprecate the KPI.",
    ),
    Rule(
        "kpi-undecided",
        "kpis",
        "Active KPIs name the decision they inform and their known data gaps",
        "Measurement is decided before launch: each active KPI says which decision it "
        "informs and where its data is incomplete (“none known” is an answer). KPIs made "
        "active before this standard may lack them. Edit the KPI and fill them in.",
    ),
    # -- briefs ---------------------------------------------------------------
    Rule(
        "brief-kpi-deprecated",
        "briefs",
        "Briefs in flight measure a KPI that is not deprecated",
        "A campaign in flight is judged by its primary KPI. When that KPI is deprecated, "
        "its result will not be reported. Agree with the brief's owner which KPI "
        "(usually the successor) the outcome will be measured by.",
    ),
    Rule(
        "brief-approved-kpi-inactive",
        "briefs",
        "Approved briefs measure an active KPI",
        "Approval needs an active primary KPI. A brief approved before its KPI was "
        "deprecated, or with no KPI at all, will launch without a measure. Point the "
        "brief at an active KPI before it starts.",
    ),
    Rule(
        "brief-done-no-outcome",
        "briefs",
        "Finished briefs record their outcome",
        "A brief marked done records its KPI result, or why it could not be measured, so "
        "spend can be reviewed against outcomes. Ask the owner for the result.",
    ),
    # -- ledger ---------------------------------------------------------------
    Rule(
        "spend-outside-line",
        "ledger",
        "Spend is dated inside its budget line's period",
        "An entry dated outside its line's period counts against the wrong plan. "
        "Correct the entry onto the line for its date.",
    ),
    Rule(
        "spend-after-close",
        "ledger",
        "No entry was added to a month after the month was closed",
        "A closed month is final: reports already sent were built on it. An entry dated "
        "in a closed month but written after the close (and not while it was reopened) "
        "changes those figures. Find out how it got in, and correct it in an open month.",
    ),
    Rule(
        "reversal-broken",
        "ledger",
        "Every reversal cancels one real entry, exactly and once",
        "A reversal points at the entry it cancels, for the opposite amount. One that "
        "points at nothing, at another reversal, at an entry already reversed, or for a "
        "different amount leaves the ledger's totals wrong. Correct it with a new entry.",
    ),
    Rule(
        "line-negative-plan",
        "ledger",
        "Budget lines plan zero or more",
        "A negative plan hides spend: the line looks under plan whatever is spent. Edit "
        "the line's planned amount.",
    ),
    # -- audit ----------------------------------------------------------------
    Rule(
        "audit-gap",
        "audit",
        "Every tool, KPI and brief has its creation in the audit log",
        "Every change records who made it and when. A record with no “created” or "
        "“imported” entry was written around mops (a script, a restore of part of the "
        "database). Find out where it came from; its history starts later than it does.",
    ),
)

RULE_BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}
AREAS: tuple[str, ...] = ("stack", "kpis", "briefs", "ledger", "audit")


# ---------------------------------------------------------------------------
# Naming and explaining one failing record
# ---------------------------------------------------------------------------


def _day(value: Any) -> str:
    if value is None or value == "":
        return "no date"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]


def _when(value: Any) -> str:
    if value is None or value == "":
        return "an unknown time"
    text = value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)
    return text.replace("T", " ")[:16]


def _text(value: Any, limit: int = 60) -> str:
    text = single_line(str(value or ""))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _missing(row: Mapping[str, Any], checks: list[tuple[str, str]]) -> list[str]:
    return [label for key, label in checks if row.get(key) in (None, "")]


def _tool_incomplete(r: Mapping[str, Any], currency: str) -> tuple[str, str]:
    gaps = _missing(
        r, [("owner_id", "owner"), ("annual_cost", "annual cost"), ("renewal_date", "renewal date")]
    )
    status = str(r["status"]).replace("_", " ")
    return _text(r["name"]), f"{status} with no {_join(gaps)}"


def _join(items: list[str]) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


def _personal_no_dpa(r: Mapping[str, Any], currency: str) -> tuple[str, str]:
    gaps = _missing(r, [("dpa_signed_on", "signed DPA"), ("data_region", "data region")])
    return _text(r["name"]), "active, holds personal data, no " + " and no ".join(gaps)


def _flow_no_dpa(r: Mapping[str, Any], currency: str) -> tuple[str, str]:
    name = f"{_text(r['source'], 30)} → {_text(r['target'], 30)}"
    return name, f"sends “{_text(r['data'], 40)}” (personal) to a tool with no signed DPA"


def _retired_spend(r: Mapping[str, Any], currency: str) -> tuple[str, str]:
    name = f"#{r['id']} {_text(r['payee'], 40)}"
    retired = f"retired {_day(r['retired_on'])}" if r.get("retired_on") else "retired"
    return name, (
        f"{format_money(int(r['amount']), currency)} on {_day(r['entry_date'])} to "
        f"{_text(r['tool'], 30)}, {retired}"
    )


def _kpi_source_retired(r: Mapping[str, Any], currency: str) -> tuple[str, str]:
    when = f" on {_day(r['retired_on'])}" if r.get("retired_on") else ""
    return r["key"], f"its data source {_text(r['tool'], 40)} was retired{when}"


def _kpi_undecided(r: Mapping[str, Any], currency: str) -> tuple[str, str]:
    gaps = []
    if not str(r.get("decision") or "").strip():
        gaps.append("the decision it informs")
    if not str(r.get("data_gaps") or "").strip():
        gaps.append("its known data gaps")
    return r["key"], "active without " + " or ".join(gaps)


def _brief_name(r: Mapping[str, Any]) -> str:
    return f"#{r['id']} {_text(r['title'], 50)}"


def _brief_kpi_deprecated(r: Mapping[str, Any], currency: str) -> tuple[str, str]:
    hint = f"; its successor is {r['successor']}" if r.get("successor") else ""
    return _brief_name(r), f"in flight, measured by {r['kpi']}, which is deprecated{hint}"


def _brief_kpi_inactive(r: Mapping[str, Any], currency: str) -> tuple[str, str]:
    if not r.get("kpi"):
        return _brief_name(r), "approved with no primary KPI"
    return _brief_name(r), f"approved, measured by {r['kpi']}, which is {r['kpi_status']}"


def _brief_no_outcome(r: Mapping[str, Any], currency: str) -> tuple[str, str]:
    return _brief_name(r), f"done since {_day(r['status_since'])} with no result and no reason"


def _spend_outside(r: Mapping[str, Any], currency: str) -> tuple[str, str]:
    name = f"#{r['id']} {_text(r['payee'], 40)}"
    return name, (
        f"dated {_day(r['entry_date'])}, but its line {r['period']} {_text(r['channel'], 30)} "
        f"covers {_day(r['starts_on'])} to {_day(r['ends_on'])}"
    )


def _spend_after_close(r: Mapping[str, Any], currency: str) -> tuple[str, str]:
    name = f"#{r['id']} {_text(r['payee'], 40)}"
    return name, (
        f"dated {_day(r['entry_date'])}, written {_when(r['created_at'])} by "
        f"{r['created_by']}; {r['month']} was closed {_when(r['closed_at'])} by {r['closed_by']}"
    )


def _reversal_broken(r: Mapping[str, Any], currency: str) -> tuple[str, str]:
    name = f"#{r['id']} {_text(r['payee'], 40)}"
    if r.get("reverses_id") is None:
        return name, "a reversal that points at no entry"
    if r.get("original_kind") is None:
        return name, f"reverses entry #{r['reverses_id']}, which does not exist"
    if r["original_kind"] == "reversal":
        return name, f"reverses entry #{r['reverses_id']}, which is itself a reversal"
    if int(r.get("reversals") or 0) > 1:
        return name, (
            f"entry #{r['reverses_id']} is reversed {r['reversals']} times; one reversal cancels it"
        )
    return name, (
        f"reverses entry #{r['reverses_id']} of "
        f"{format_money(int(r['original_amount']), currency)} with "
        f"{format_money(int(r['amount']), currency)}"
    )


def _line_negative(r: Mapping[str, Any], currency: str) -> tuple[str, str]:
    name = f"#{r['id']} {r['period']} {_text(r['channel'], 30)}"
    if r.get("campaign"):
        name += f" / {_text(r['campaign'], 30)}"
    return name, f"plans {format_money(int(r['planned']), currency)}"


def _audit_gap(r: Mapping[str, Any], currency: str) -> tuple[str, str]:
    label = {"tool": "tool", "kpi": "KPI", "brief": "brief"}.get(r["entity"], r["entity"])
    return _text(r["name"]), (
        f"the {label} (created {_when(r['created_at'])} by {r['created_by']}) has no "
        "“created” or “imported” entry in the audit log"
    )


DESCRIBE: dict[str, Callable[[Mapping[str, Any], str], tuple[str, str]]] = {
    "tool-incomplete": _tool_incomplete,
    "personal-data-no-dpa": _personal_no_dpa,
    "personal-flow-no-dpa": _flow_no_dpa,
    "spend-on-retired-tool": _retired_spend,
    "kpi-source-retired": _kpi_source_retired,
    "kpi-undecided": _kpi_undecided,
    "brief-kpi-deprecated": _brief_kpi_deprecated,
    "brief-approved-kpi-inactive": _brief_kpi_inactive,
    "brief-done-no-outcome": _brief_no_outcome,
    "spend-outside-line": _spend_outside,
    "spend-after-close": _spend_after_close,
    "reversal-broken": _reversal_broken,
    "line-negative-plan": _line_negative,
    "audit-gap": _audit_gap,
}


def failure(code: str, entity: str, row: Mapping[str, Any], currency: str) -> CheckFailure:
    """The failing record a rule's query returned, named and explained."""
    name, why = DESCRIBE[code](row, currency)
    return CheckFailure(str(row.get("entity") or entity), int(row["id"]), name, why)


def summary(results: list[CheckResult]) -> str:
    failed = [r for r in results if not r.passed]
    if not failed:
        return f"All {len(results)} checks passed."
    records = sum(r.total for r in failed)
    return (
        f"{len(failed)} of {len(results)} checks failed "
        f"({records} record{'s' if records != 1 else ''})."
    )
