"""Errors that carry messages a marketer can act on.

Every refusal in mops is one of these. Faces print ``str(error)`` or walk
``error.fields``; they never show a traceback for a domain error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FieldError:
    """One refused field: which field, why, and (for imports) which row."""

    field: str
    message: str
    row: int | None = None
    warning: bool = False

    def __str__(self) -> str:
        where = f"row {self.row}: " if self.row is not None else ""
        label = self.field.replace("_", " ") if self.field else "record"
        return f"{where}{label}: {self.message}"


class DomainError(Exception):
    """Base of every rule refusal. ``str()`` is the user-facing message."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __rich__(self) -> str:
        """What Textual prints instead of a traceback if this ends the app; square
        brackets are escaped so a path or a name is never read as markup."""
        return "mops: " + self.message.replace("[", "\\[")


class ValidationFailed(DomainError):
    """One or more fields broke a rule. Nothing was written."""

    def __init__(self, errors: Iterable[FieldError], message: str | None = None) -> None:
        self.fields: list[FieldError] = [e for e in errors if not e.warning]
        self.warnings: list[FieldError] = [e for e in errors if e.warning]
        if message is None:
            if len(self.fields) == 1:
                message = str(self.fields[0])
            else:
                message = f"{len(self.fields)} problems: " + "; ".join(
                    str(e) for e in self.fields[:5]
                )
                if len(self.fields) > 5:
                    message += f"; and {len(self.fields) - 5} more"
        super().__init__(message)

    def for_field(self, name: str) -> list[str]:
        return [e.message for e in self.fields if e.field == name]


class NotFound(DomainError):
    exit_code = 1


class StaleRecord(DomainError):
    """Someone else saved the record after this user loaded it."""

    def __init__(self, what: str, changed_by: str | None, changed_at: datetime | None) -> None:
        self.changed_by = changed_by or "someone"
        self.changed_at = changed_at
        when = changed_at.strftime("%Y-%m-%d %H:%M") if changed_at else "an unknown time"
        super().__init__(
            f"{what} was changed by {self.changed_by} at {when} after you opened it. "
            "Nothing was saved; your values are kept so you can reload and apply them again."
        )


class NeedsConfirmation(DomainError):
    """The change is allowed, but it affects other records; the user must say yes to
    exactly the ones named in ``items``."""

    def __init__(self, message: str, items: list[str]) -> None:
        super().__init__(message)
        self.items = items


def check(errors: list[FieldError]) -> None:
    """Raise ``ValidationFailed`` when ``errors`` holds any refusal (warnings pass)."""
    if any(not e.warning for e in errors):
        raise ValidationFailed(errors)


def _seconds(value: float) -> str:
    """``0.5 seconds``, ``1 second``, ``30 seconds``: a wait in words."""
    shown = f"{value:.1f}".rstrip("0").rstrip(".") if value < 10 else str(round(value))
    return f"{shown} second" + ("" if shown == "1" else "s")


class DatabaseBusy(DomainError):
    """Someone else held the database for longer than mops waits. Nothing was saved."""

    exit_code = 1

    def __init__(self, waited: float, *, reading: bool = False) -> None:
        self.waited = waited
        self.reading = reading
        if reading:
            message = (
                f"The database is busy: another program has kept it locked for "
                f"{_seconds(waited)}, so mops could not read it. Nothing was changed; "
                "try again in a moment."
            )
        else:
            message = (
                f"The database is busy: another person has been saving for "
                f"{_seconds(waited)}. Nothing was saved; try again."
            )
        super().__init__(message)


class DatabaseDamaged(DomainError):
    """The SQLite file fails SQLite's own checks; mops stops rather than guess.

    The message names the newest backup and the command that restores it."""

    exit_code = 1

    def __init__(
        self, path: str | None, detail: str, backup: str | None, backup_dir: str | None
    ) -> None:
        self.path = path
        self.detail = detail
        self.backup = backup
        where = f"The database file {path}" if path else "The database"
        message = (
            f"{where} is damaged (SQLite says: {detail}), so mops stopped. Nothing was changed. "
        )
        if backup:
            message += f"The latest backup is {backup}; restore it with: mops db restore {backup}"
        elif backup_dir:
            message += (
                f"There is no backup in {backup_dir}; restore the file from your own "
                "backups, or ask whoever looks after it."
            )
        else:
            message += "Restore the file from your own backups, or ask whoever looks after it."
        super().__init__(message)


class DatabaseUnreachable(DomainError):
    """The database server could not be reached, or refused the login. Nothing was
    read or changed. The message names the server (never a password) and what to check."""

    exit_code = 1

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"Could not open the database {where}: {reason}")
