"""People: the owners, requesters and actors of mops."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from mops_tui.domain.errors import FieldError
from mops_tui.domain.schema import Context, text_field, validate_input
from mops_tui.domain.text import has_control

HANDLE_RE = re.compile(r"^[a-z][a-z0-9._-]{0,31}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _handle(value: Any) -> str:
    text = str(value or "").strip().lower()
    if not text:
        raise ValueError("enter a handle, such as the person's login name")
    if not HANDLE_RE.match(text):
        raise ValueError(
            "use 1 to 32 lower-case letters, digits, dots, dashes or underscores, "
            "starting with a letter (for example ana or j.smith)"
        )
    return text


def _email(value: Any) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    if len(text) > 200 or has_control(text) or not _EMAIL_RE.match(text):
        raise ValueError(f"“{text[:40]}” is not an email address")
    return text


class PersonInput(BaseModel):
    model_config = ConfigDict(validate_assignment=True)

    handle: Annotated[str, BeforeValidator(_handle)] = Field(
        "",
        title="Handle",
        description="Their login name; used in owner fields and the audit log.",
        json_schema_extra={"widget": "text", "required": True, "placeholder": "ana"},
    )
    name: Annotated[str, BeforeValidator(text_field(80, required=True, what="their name"))] = Field(
        "", title="Full name", json_schema_extra={"widget": "text", "required": True}
    )
    email: Annotated[str | None, BeforeValidator(_email)] = Field(
        None, title="Email", json_schema_extra={"widget": "text"}
    )
    team: Annotated[str, BeforeValidator(text_field(80))] = Field(
        "", title="Team", json_schema_extra={"widget": "text", "placeholder": "Marketing Ops"}
    )


def person_rules(person: PersonInput, ctx: Context) -> list[FieldError]:
    return []


def validate_person(raw: Mapping[str, Any], ctx: Context, *, row: int | None = None) -> PersonInput:
    return validate_input(PersonInput, raw, ctx, person_rules, row=row)
