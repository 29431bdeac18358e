"""People: handle, name, email and team rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from mops_tui.domain.errors import FieldError, ValidationFailed
from mops_tui.domain.people import PersonInput, validate_person
from mops_tui.domain.schema import Context, form_fields

CTX = Context(today=date(2026, 11, 29))
VALID: dict[str, Any] = {"handle": "ana", "name": "Ana Lopes"}

HANDLE_RULE = (
    "use 1 to 32 lower-case letters, digits, dots, dashes or underscores, "
    "starting with a letter (for example ana or j.smith)"
)
CONTROL = "contains control characters or terminal escape codes; remove them"


def accept(**changes: Any) -> PersonInput:
    return validate_person({**VALID, **changes}, CTX)


def refuse(field: str, **changes: Any) -> list[str]:
    with pytest.raises(ValidationFailed) as exc:
        validate_person({**VALID, **changes}, CTX)
    assert [e.field for e in exc.value.fields] == [field] * len(exc.value.fields)
    messages = exc.value.for_field(field)
    assert messages
    return messages


def test_minimal_person() -> None:
    person = accept()
    assert (person.handle, person.name, person.email, person.team) == (
        "ana",
        "Ana Lopes",
        None,
        "",
    )


def test_full_person() -> None:
    person = accept(email=" ana@example.com ", team="Marketing Ops")
    assert person.email == "ana@example.com"
    assert person.team == "Marketing Ops"


def test_empty_person_reports_handle_and_name() -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_person({}, CTX)
    assert exc.value.fields == [
        FieldError("handle", "enter a handle, such as the person's login name"),
        FieldError("name", "enter their name"),
    ]


def test_row_is_carried() -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_person({"handle": "", "name": "Ana"}, CTX, row=4)
    assert str(exc.value) == "row 4: handle: enter a handle, such as the person's login name"


# ---------------------------------------------------------------------------
# handle
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ana", "ana"),
        ("a", "a"),
        ("Ana", "ana"),
        ("  ANA  ", "ana"),
        ("j.smith", "j.smith"),
        ("j-smith", "j-smith"),
        ("j_smith", "j_smith"),
        ("ana2", "ana2"),
        ("a" + "b" * 31, "a" + "b" * 31),  # 32 characters
        ("ana\n", "ana"),
    ],
)
def test_handle_accepted(typed: str, stored: str) -> None:
    assert accept(handle=typed).handle == stored


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_handle_empty_refused(typed: Any) -> None:
    assert refuse("handle", handle=typed) == ["enter a handle, such as the person's login name"]


@pytest.mark.parametrize(
    "typed",
    [
        "1ana",  # starts with a digit
        ".ana",
        "-ana",
        "_ana",
        "a" + "b" * 32,  # 33 characters
        "ana lopes",
        "ana@example.com",
        "ana/lopes",
        "ána",
        "анна",
        "ana\x1b[31m",
        "an\x00a",
        "ana\nlopes",
        "[bold]ana[/]",
    ],
)
def test_handle_refused(typed: str) -> None:
    assert refuse("handle", handle=typed) == [HANDLE_RULE]


# ---------------------------------------------------------------------------
# name and team
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Ana Lopes", "Ana Lopes"),
        ("  Ana  ", "Ana"),
        ("José Ramírez", "José Ramírez"),
        ("محمد علي", "محمد علي"),
        ("דנה כהן", "דנה כהן"),
        ("李雷", "李雷"),
        ("Ana 🚀", "Ana 🚀"),
        ("[bold red]x[/]", "[bold red]x[/]"),
        ("n" * 80, "n" * 80),
    ],
)
def test_name_accepted(typed: str, stored: str) -> None:
    assert accept(name=typed).name == stored


@pytest.mark.parametrize("typed", ["", "  ", None])
def test_name_empty_refused(typed: Any) -> None:
    assert refuse("name", name=typed) == ["enter their name"]


def test_name_too_long_refused() -> None:
    assert refuse("name", name="n" * 81) == ["is 81 characters long; keep it to 80 or fewer"]


@pytest.mark.parametrize("typed", ["Ana\x1b[2J", "Ana\x07", "Ana\nLopes", "Ana\x9b"])
def test_name_control_characters_refused(typed: str) -> None:
    assert refuse("name", name=typed) == [CONTROL]


@pytest.mark.parametrize(("typed", "stored"), [("", ""), (None, ""), ("  Growth ", "Growth")])
def test_team_accepted(typed: Any, stored: str) -> None:
    assert accept(team=typed).team == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [("t" * 81, "is 81 characters long; keep it to 80 or fewer"), ("Ops\x1b[31m", CONTROL)],
)
def test_team_refused(typed: str, message: str) -> None:
    assert refuse("team", team=typed) == [message]


# ---------------------------------------------------------------------------
# email
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ana@example.com", "ana@example.com"),
        ("  Ana.Lopes+mops@Example.co.uk ", "Ana.Lopes+mops@Example.co.uk"),
        ("a@b.c", "a@b.c"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_email_accepted(typed: Any, stored: str | None) -> None:
    assert accept(email=typed).email == stored


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("ana", "ana"),
        ("ana@example", "ana@example"),
        ("@example.com", "@example.com"),
        ("ana@", "ana@"),
        ("ana@@example.com", "ana@@example.com"),
        ("ana lopes@example.com", "ana lopes@example.com"),
        ("ana@exa mple.com", "ana@exa mple.com"),
        ("a" * 195 + "@b.com", "a" * 40),  # 201 characters
    ],
)
def test_email_refused(typed: str, shown: str) -> None:
    assert refuse("email", email=typed) == [f"“{shown}” is not an email address"]


def test_email_at_the_length_limit_accepted() -> None:
    typed = "a" * 194 + "@b.com"  # 200 characters
    assert accept(email=typed).email == typed


@pytest.mark.parametrize("typed", ["ana@example.com\x1b[31m", "ana\x00@example.com"])
def test_email_control_characters_refused(typed: str) -> None:
    refuse("email", email=typed)


# ---------------------------------------------------------------------------
# Form metadata
# ---------------------------------------------------------------------------


def test_person_form_fields() -> None:
    meta = {f["name"]: f for f in form_fields(PersonInput)}
    assert list(meta) == ["handle", "name", "email", "team"]
    assert meta["handle"]["required"] is True
    assert meta["name"]["required"] is True
    assert meta["email"]["required"] is False
    assert meta["handle"]["placeholder"] == "ana"
