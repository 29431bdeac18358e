"""The thresholds and weights a team sets in its config file, as small frozen values.

They live apart from the rules that use them, so that opening a workspace (which reads
them all) does not import every area's rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class BriefPolicy:
    """Thresholds a team sets in ``[briefs]`` of its config file."""

    lead_time_days: int = 10  # working days between submitting and launch
    review_sla_days: int = 3  # working days a brief may wait in review
    at_risk_days: int = 5  # approved with fewer working days than this to launch


@dataclass(frozen=True)
class Urgency:
    """The coefficients. Every name can be set in ``[triage]``."""

    brief_overdue: float = 10.0
    brief_risk: float = 8.0
    brief_review: float = 5.0
    renewal_30: float = 6.0  # cancel-by within 30 days (or passed)
    renewal_60: float = 3.5
    renewal_90: float = 2.0
    compliance: float = 9.0
    review: float = 2.0
    decommission: float = 3.0
    budget_near: float = 4.0
    budget_over: float = 7.0
    kpi_not_active: float = 6.0
    kpi_no_source: float = 6.0
    period_open: float = 5.0
    due: float = 0.4
    age: float = 0.5
    cost: float = 0.3
    over: float = 0.5

    @classmethod
    def from_config(cls, config: Any) -> Urgency:
        if not isinstance(config, dict):
            raise ValueError("[triage] must be a table of name = number, e.g. compliance = 9")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(config) - known)
        if unknown:
            raise ValueError(
                f"[triage] has unknown names: {', '.join(unknown)}; the names "
                f"are: {', '.join(sorted(known))}"
            )
        values: dict[str, float] = {}
        for name, value in config.items():
            try:
                if isinstance(value, bool):
                    raise ValueError
                number = float(value)
                if not math.isfinite(number):
                    raise ValueError
            except (TypeError, ValueError):
                raise ValueError(f"[triage] {name} must be a number, not {value!r}") from None
            values[name] = number
        return cls(**values)
