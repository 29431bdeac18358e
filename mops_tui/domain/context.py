"""The validation context: what a rule may know about the world when it runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Context:
    today: date
    currency: str = "GBP"
    day_first: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.extra,
            "today": self.today,
            "currency": self.currency,
            "day_first": self.day_first,
        }
