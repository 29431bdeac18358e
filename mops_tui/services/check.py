"""``mops check``: every integrity rule across the areas, as a CI or cron job runs them.

Read-only and cheap: one SQL query per rule (``store/queries/check.py``), no Python
loop over the ledger. The rules' words are in ``domain/checks.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

from mops_tui.domain import checks as rules
from mops_tui.domain.checks import CheckResult, Rule
from mops_tui.domain.errors import FieldError, ValidationFailed
from mops_tui.services.workspace import Workspace
from mops_tui.store.queries import check as q

# How many failing records each rule lists by default (all of them are counted).
DEFAULT_LIMIT = 50


def rules_for(codes: Sequence[str] = (), areas: Sequence[str] = ()) -> list[Rule]:
    """The rules to run: all, or those named by code or by area."""
    unknown = [c for c in codes if c not in rules.RULE_BY_CODE]
    unknown_areas = [a for a in areas if a not in rules.AREAS]
    errors: list[FieldError] = []
    if unknown:
        errors.append(
            FieldError(
                "rule",
                f"no check is called {', '.join(unknown)}; the checks are: "
                + ", ".join(rules.RULE_BY_CODE),
            )
        )
    if unknown_areas:
        errors.append(
            FieldError(
                "area",
                f"no area is called {', '.join(unknown_areas)}; the areas are: "
                + ", ".join(rules.AREAS),
            )
        )
    if errors:
        raise ValidationFailed(errors)
    return [
        r for r in rules.RULES if (not codes or r.code in codes) and (not areas or r.area in areas)
    ]


def run_check(ws: Workspace, rule: Rule, limit: int = DEFAULT_LIMIT) -> CheckResult:
    query = q.QUERIES[rule.code]
    rows, total = q.run(ws.reader, rule.code, max(0, limit))
    failures = [rules.failure(rule.code, query.entity, row, ws.currency) for row in rows]
    return CheckResult(rule, failures, total)


def run_checks(
    ws: Workspace,
    *,
    codes: Sequence[str] = (),
    areas: Sequence[str] = (),
    limit: int = DEFAULT_LIMIT,
) -> list[CheckResult]:
    """Run every integrity rule (or those named) and return one result per rule, in
    the order of :data:`mops_tui.domain.checks.RULES`."""
    return [run_check(ws, rule, limit) for rule in rules_for(codes, areas)]


def as_json(results: Sequence[CheckResult]) -> dict[str, object]:
    failed = [r for r in results if not r.passed]
    return {
        "ok": not failed,
        "checks": len(results),
        "failed": len(failed),
        "summary": rules.summary(list(results)),
        "results": [r.as_json() for r in results],
    }
