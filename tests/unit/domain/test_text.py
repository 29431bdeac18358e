"""Text hygiene: what may be stored and how stored text is shown safely."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mops_tui.domain.text import (
    cell_width,
    fit,
    has_control,
    key_of,
    normalise,
    single_line,
    strip_escapes,
    visible,
)

C0_C1 = re.compile(r"[\x00-\x1f\x7f-\x9f]")
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"

# ---------------------------------------------------------------------------
# visible
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (None, ""),
        ("", ""),
        ("HubSpot", "HubSpot"),
        ("\x1b[31mred\x1b[0m", "␛[31mred␛[0m"),
        ("\x1b]8;;http://evil\x07click", "␛]8;;http://evil␇click"),
        ("a\x00b", "a␀b"),
        ("a\x7fb", "a␡b"),
        ("a\x9b31mb", "a<9b>31mb"),
        ("a\x85b", "a<85>b"),
        ("a\tb", "a b"),
        ("a\nb", "a ⏎ b"),
        ("a\r\nb", "a ⏎ b"),
        ("a\rb", "a␍b"),
        ("abc\u202edef", "abc<U+202E>def"),
        ("\u2066x\u2069", "<U+2066>x<U+2069>"),
        ("[bold red]x[/]", "[bold red]x[/]"),
        ("[@click=app.quit]", "[@click=app.quit]"),
        ("مرحبا", "مرحبا"),
        ("שלום", "שלום"),
        ("🚀 Rocket", "🚀 Rocket"),
    ],
)
def test_visible(text: str | None, shown: str) -> None:
    assert visible(text) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\nb", "a\nb"),
        ("a\r\nb", "a\nb"),
        ("a\n\x1b[2Jb", "a\n␛[2Jb"),
        ("a\tb\nc", "a b\nc"),
    ],
)
def test_visible_keep_newlines(text: str, shown: str) -> None:
    assert visible(text, keep_newlines=True) == shown


@settings(deadline=None)
@given(st.text())
def test_visible_never_emits_a_control_character(text: str) -> None:
    out = visible(text)
    assert not C0_C1.search(out)
    assert not any(ch in BIDI for ch in out)


@settings(deadline=None)
@given(st.text())
def test_visible_keep_newlines_emits_only_newlines(text: str) -> None:
    out = visible(text, keep_newlines=True)
    assert not C0_C1.search(out.replace("\n", ""))


@settings(deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cf"))))
def test_visible_leaves_ordinary_text_alone(text: str) -> None:
    assert visible(text) == text


# ---------------------------------------------------------------------------
# strip_escapes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b[1;32;40mgreen", "green"),
        ("\x1b]8;;http://evil\x07link\x1b]8;;\x07", "link"),
        ("\x1b]0;title\x1b\\after", "after"),
        ("\x9b31mred", "red"),
        ("\x9d0;title\x9cafter", "after"),
        ("\x1bMup", "up"),
        ("a\x00b\x7fc", "abc"),
        ("line one\nline two", "line one\nline two"),
        ("tab\there", "tab\there"),
        ("plain", "plain"),
    ],
)
def test_strip_escapes(text: str, clean: str) -> None:
    assert strip_escapes(text) == clean


@settings(deadline=None)
@given(st.text())
def test_strip_escapes_leaves_no_control_but_tab_and_newline(text: str) -> None:
    assert not C0_C1.search(strip_escapes(text).replace("\t", "").replace("\n", ""))


# ---------------------------------------------------------------------------
# has_control
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "allow_newlines", "found"),
    [
        ("plain", False, False),
        ("plain", True, False),
        ("a\nb", False, True),
        ("a\nb", True, False),
        ("a\tb", False, True),
        ("a\tb", True, False),
        ("a\rb", True, True),
        ("a\x1b[31mb", False, True),
        ("a\x1b[31mb", True, True),
        ("a\x00b", True, True),
        ("a\x7fb", True, True),
        ("a\x9bb", True, True),
        ("abc\u202edef", False, False),  # bidi marks are stored, and shown by visible()
        ("[bold]x[/]", False, False),
        ("🚀", False, False),
    ],
)
def test_has_control(text: str, allow_newlines: bool, found: bool) -> None:
    assert has_control(text, allow_newlines=allow_newlines) is found


# ---------------------------------------------------------------------------
# normalise, single_line, key_of
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Café  ", "Café"),
        ("Cafe\u0301", "Café"),
        ("\n a \n", "a"),
        ("a\n\nb", "a\n\nb"),
        ("", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    result = normalise(text)
    assert result == expected
    assert unicodedata.is_normalized("NFC", result)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("  HubSpot  ", "HubSpot"), ("Cafe\u0301 Bar", "Café Bar"), ("one two", "one two"), ("", "")],
)
def test_single_line_trims_and_normalises(text: str, expected: str) -> None:
    assert single_line(text) == expected


@pytest.mark.parametrize(("text", "expected"), [("Hub   Spot", "Hub Spot"), ("a  b  c", "a b c")])
def test_single_line_folds_inner_space_runs(text: str, expected: str) -> None:
    assert single_line(text) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("HubSpot", "hubspot"),
        ("HubSpot", "  HUBSPOT "),
        ("Hub  Spot", "hub spot"),
        ("Café", "Cafe\u0301"),
        ("Straße", "STRASSE"),
    ],
)
def test_key_of_equal(a: str, b: str) -> None:
    assert key_of(a) == key_of(b)


@pytest.mark.parametrize(("a", "b"), [("HubSpot", "Hub Spot"), ("Cafe", "Café")])
def test_key_of_different(a: str, b: str) -> None:
    assert key_of(a) != key_of(b)


@settings(deadline=None)
@given(st.text())
def test_key_of_is_idempotent(text: str) -> None:
    assert key_of(key_of(text)) == key_of(text)


# ---------------------------------------------------------------------------
# cell_width and fit
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("", 0),
        ("abc", 3),
        ("日本", 4),
        ("🚀", 2),
        ("e\u0301", 1),
        ("a\u200bb", 2),
        ("❤\ufe0f", 1),
        ("مرحبا", 5),
    ],
)
def test_cell_width(text: str, width: int) -> None:
    assert cell_width(text) == width


@pytest.mark.parametrize(
    ("text", "width", "out"),
    [
        ("abc", 5, "abc  "),
        ("abc", 3, "abc"),
        ("abcdef", 4, "abc…"),
        ("abcdef", 1, "…"),
        ("日本語", 4, "日… "),
        ("🚀🚀🚀", 3, "🚀…"),
        ("abc", 0, ""),
        ("abc", -2, ""),
    ],
)
def test_fit(text: str, width: int, out: str) -> None:
    assert fit(text, width) == out


@settings(deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"))),
    st.integers(1, 60),
)
def test_fit_is_always_exactly_the_width(text: str, width: int) -> None:
    assert cell_width(fit(text, width)) == width
