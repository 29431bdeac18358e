"""The workspace a face works in: database, actor, clock, currency and policy."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mops_tui import clock
from mops_tui.domain.context import Context
from mops_tui.domain.errors import DomainError
from mops_tui.domain.policy import BriefPolicy, Urgency
from mops_tui.domain.tools import StackPolicy
from mops_tui.store.reader import Reader

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session


class WorkspaceError(DomainError):
    exit_code = 1


@dataclass
class Workspace:
    url: str
    actor: str = "unknown"
    today_fn: Callable[[], date] = clock.today
    now_fn: Callable[[], datetime] = clock.now
    policy: StackPolicy = field(default_factory=StackPolicy)
    fy_start: int = 1  # the month the fiscal year starts in (1 = January)
    brief_policy: BriefPolicy = field(default_factory=BriefPolicy)
    people_map: dict[str, str] = field(default_factory=dict)  # login name -> handle
    urgency: Urgency = field(default_factory=Urgency)
    # How long a save waits for other people's saves before it is refused (seconds;
    # the same as mops_tui.store.engine.WRITE_WAIT_SECONDS).
    write_wait: float = 30.0
    # Seconds the last save, and the longest so far, waited for the write lock.
    last_wait: float = field(default=0.0, compare=False)
    longest_wait: float = field(default=0.0, compare=False)

    # -- time -------------------------------------------------------------
    def today(self) -> date:
        return self.today_fn()

    def now(self) -> datetime:
        return self.now_fn()

    # -- database ---------------------------------------------------------
    @cached_property
    def reader(self) -> Reader:
        return Reader(self.url)

    @cached_property
    def engine(self) -> Engine:
        from mops_tui.store.engine import make_engine

        return make_engine(self.url, write_wait=lambda: self.write_wait)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any error.

        On SQLite it starts by taking the write lock (``BEGIN IMMEDIATE``), waiting up
        to ``write_wait`` seconds for other people's saves; past that it refuses with
        ``DatabaseBusy`` and nothing is written. A damaged file is refused with
        ``DatabaseDamaged``, naming the newest backup. Other database errors pass
        through unchanged, for the services to turn into refusals."""
        from sqlalchemy.exc import DBAPIError
        from sqlalchemy.orm import Session

        started = time.monotonic()
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                waited = session.connection().info.pop("lock_wait", 0.0)
                self.last_wait = waited
                self.longest_wait = max(self.longest_wait, waited)
                yield session
        except DBAPIError as exc:
            from mops_tui.store.reader import damage_found, is_busy, is_damage

            if is_busy(exc):
                from mops_tui.domain.errors import DatabaseBusy

                raise DatabaseBusy(time.monotonic() - started) from exc
            if is_damage(exc):
                raise damage_found(self.sqlite_path, exc) from exc
            from mops_tui.store.reader import unreachable

            refusal = unreachable(self.url, exc)
            if refusal is not None:
                raise refusal from exc
            raise

    @property
    def sqlite_path(self) -> Path | None:
        if self.url.startswith("sqlite:///"):
            raw = self.url.removeprefix("sqlite:///")
            return Path(raw) if raw and raw != ":memory:" else None
        return None

    def close(self) -> None:
        if "reader" in self.__dict__:
            self.reader.close()
        if "engine" in self.__dict__:
            self.engine.dispose()

    # -- workspace settings ----------------------------------------------
    @cached_property
    def currency(self) -> str:
        value = self.reader.scalar(
            "SELECT value FROM workspace_settings WHERE key = :key", {"key": "currency"}
        )
        return str(value or "GBP")

    def context(self) -> Context:
        return Context(today=self.today(), currency=self.currency)

    def refresh(self) -> None:
        """Forget cached workspace settings (after another user changed them)."""
        self.__dict__.pop("currency", None)


def policy_from(config: dict[str, Any], currency_exponent: int = 2) -> StackPolicy:
    """Build the Stack policy from a ``[stack]`` config table, with clear errors."""
    defaults = StackPolicy()
    try:
        util = float(config.get("decommission_utilisation", defaults.decommission_utilisation))
        min_cost_major = float(
            config.get("decommission_min_cost", defaults.decommission_min_cost / 100)
        )
        review = int(config.get("review_months", defaults.review_months))
        notice = int(config.get("notice_warning_days", defaults.notice_warning_days))
    except (TypeError, ValueError) as exc:
        raise WorkspaceError(
            f"[stack] in the config file holds a value that is not a number: {exc}"
        ) from None
    if not 0 <= util <= 1:
        raise WorkspaceError("[stack] decommission_utilisation must be between 0 and 1")
    if review < 1 or notice < 0 or min_cost_major < 0:
        raise WorkspaceError(
            "[stack] review_months, notice_warning_days and decommission_min_cost must be positive"
        )
    return StackPolicy(
        decommission_utilisation=util,
        decommission_min_cost=round(min_cost_major * 10**currency_exponent),
        review_months=review,
        notice_warning_days=notice,
    )


def fiscal_start_from(config: dict[str, Any]) -> int:
    """The ``[ledger] fiscal_year_start`` month from the config file (1 to 12)."""
    value = config.get("fiscal_year_start", 1)
    try:
        month = int(value)
    except (TypeError, ValueError):
        raise WorkspaceError(
            f"[ledger] fiscal_year_start must be a month number from 1 to 12, not {value!r}"
        ) from None
    if not 1 <= month <= 12:
        raise WorkspaceError("[ledger] fiscal_year_start must be a month number from 1 to 12")
    return month


def brief_policy_from(config: dict[str, Any]) -> BriefPolicy:
    """The ``[briefs]`` thresholds: lead_time_days, review_sla_days, at_risk_days."""
    defaults = BriefPolicy()
    values = {}
    for name in ("lead_time_days", "review_sla_days", "at_risk_days"):
        value = config.get(name, getattr(defaults, name))
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise WorkspaceError(
                f"[briefs] {name} must be a whole number of working days, not {value!r}"
            ) from None
        if not 0 <= number <= 260:
            raise WorkspaceError(f"[briefs] {name} must be between 0 and 260 working days")
        values[name] = number
    return BriefPolicy(**values)


def people_map_from(config: dict[str, Any]) -> dict[str, str]:
    """``[people]`` maps login names to handles: ``jsmith = "jo"``."""
    return {str(k): str(v).strip().lower() for k, v in config.items()}


def open_workspace(url: str, actor: str, raw_config: dict[str, Any]) -> Workspace:
    """A workspace configured from the ``[stack]``, ``[ledger]``, ``[briefs]`` and
    ``[people]`` config tables."""
    return Workspace(
        url,
        actor=actor,
        policy=policy_from(raw_config.get("stack", {}) or {}),
        fy_start=fiscal_start_from(raw_config.get("ledger", {}) or {}),
        brief_policy=brief_policy_from(raw_config.get("briefs", {}) or {}),
        people_map=people_map_from(raw_config.get("people", {}) or {}),
        urgency=urgency_from(raw_config.get("triage", {}) or {}),
    )


def urgency_from(config: dict[str, Any]) -> Urgency:
    try:
        return Urgency.from_config(config)
    except ValueError as exc:
        raise WorkspaceError(str(exc)) from None


def warm_up() -> None:
    """Import the write path (SQLAlchemy ORM, models, input schemas) ahead of need.

    The TUI calls this in a thread after its first paint, so the first save does not
    pay for the imports while the user waits.
    """
    import sqlalchemy.orm  # noqa: F401

    import mops_tui.domain.people
    import mops_tui.domain.tool_schema
    import mops_tui.store.models  # noqa: F401
