"""The iCalendar writer: checked by an independent parser (the ``icalendar`` package),
and octet by octet for what RFC 5545 asks of lines (CRLF, folding, escaping)."""

from __future__ import annotations

from datetime import date, datetime

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mops_tui.domain import calendar as cal
from mops_tui.domain.calendar import CalendarEvent
from mops_tui.formats import ical

STAMP = datetime(2026, 11, 29, 9, 0, 0)


def event(**changes: object) -> CalendarEvent:
    values: dict[str, object] = {
        "uid": cal.launch_uid(7),
        "on": date(2026, 12, 3),
        "kind": "launch",
        "summary": "Launch: Q1 webinar series",
        "description": "Owner: Ana Costa (ana)\nStatus: approved",
        "categories": ("mops", "Launch"),
        "sequence": 2,
        "last_modified": datetime(2026, 11, 20, 14, 5),
        "record": "brief:7",
    }
    values.update(changes)
    return CalendarEvent(**values)  # type: ignore[arg-type]


def parse(text: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(text)


def vevents(text: str) -> list[icalendar.Event]:
    return list(parse(text).walk("VEVENT"))


def physical_lines(text: str) -> list[bytes]:
    data = text.encode("utf-8")
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


def test_the_calendar_has_the_properties_importers_expect() -> None:
    text = ical.calendar([event()], stamp=STAMP, name="mops, the team's calendar")
    parsed = parse(text)
    assert parsed["PRODID"] == "-//mops//mops//EN"
    assert parsed["VERSION"] == "2.0"
    assert parsed["CALSCALE"] == "GREGORIAN"
    assert parsed["METHOD"] == "PUBLISH"
    # X- properties are TEXT by default (RFC 5545 §3.8.8.2), so they are escaped too;
    # icalendar keeps an unknown property's value raw.
    assert str(parsed["X-WR-CALNAME"]) == "mops\\, the team's calendar"
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//mops//mops//EN\r\n")


def test_an_event_is_all_day_with_uid_stamp_sequence_and_text() -> None:
    (ev,) = vevents(ical.calendar([event()], stamp=STAMP))
    assert str(ev["UID"]) == "launch-brief-7@mops"
    assert ev["DTSTAMP"].dt == datetime(2026, 11, 29, 9, 0, tzinfo=ev["DTSTAMP"].dt.tzinfo)
    assert ev["DTSTAMP"].dt.utcoffset().total_seconds() == 0
    assert ev["DTSTART"].dt == date(2026, 12, 3)
    assert not isinstance(ev["DTSTART"].dt, datetime)  # a DATE: all day
    assert ev["DTEND"].dt == date(2026, 12, 4)
    assert ev["SEQUENCE"] == 2
    assert str(ev["SUMMARY"]) == "Launch: Q1 webinar series"
    assert str(ev["DESCRIPTION"]) == "Owner: Ana Costa (ana)\nStatus: approved"
    assert [str(c) for c in ev["CATEGORIES"].cats] == ["mops", "Launch"]
    assert ev["LAST-MODIFIED"].dt.replace(tzinfo=None) == datetime(2026, 11, 20, 14, 5)
    assert str(ev["TRANSP"]) == "TRANSPARENT"


def test_every_line_ends_in_crlf_and_no_bare_newline_is_left() -> None:
    text = ical.calendar([event(description="one\ntwo\r\nthree\rfour")], stamp=STAMP)
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert "\r" not in text.replace("\r\n", "")
    (ev,) = vevents(text)
    assert str(ev["DESCRIPTION"]) == "one\ntwo\nthree\nfour"


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a;b", "a\\;b"),
        ("a,b", "a\\,b"),
        ("back\\slash", "back\\\\slash"),
        ("line\nbreak", "line\\nbreak"),
        ("all; of, it\\\n", "all\\; of\\, it\\\\\\n"),
    ],
)
def test_text_is_escaped(raw: str, escaped: str) -> None:
    assert ical.escape_text(raw) == escaped


def test_escaped_text_round_trips_through_a_parser() -> None:
    nasty = 'Semi; colon, comma \\ backslash "quotes" and\na new line: 100%'
    text = ical.calendar(
        [event(summary=nasty, description=nasty, categories=("a,b", "c;d"))], stamp=STAMP
    )
    (ev,) = vevents(text)
    assert str(ev["SUMMARY"]) == nasty
    assert str(ev["DESCRIPTION"]) == nasty
    assert [str(c) for c in ev["CATEGORIES"].cats] == ["a,b", "c;d"]


def test_control_characters_never_reach_the_file() -> None:
    text = ical.calendar([event(summary="bell\x07 esc\x1b[31m red\ttab")], stamp=STAMP)
    assert "\x07" not in text and "\x1b" not in text and "\t" not in text
    (ev,) = vevents(text)
    assert "␛[31m" in str(ev["SUMMARY"])


LONG_UNICODE = [
    "Launch: " + "🎉" * 60,
    "Ünïcödé café " * 20,
    "日本語のキャンペーン" * 15,
    "👩🏽‍💻 team " * 20,
    "e\u0301" * 80,  # combining accents
    "a" * 74 + "é" + "b" * 200,
    ";,\\" * 90,
    "x" * 1000,
]


@pytest.mark.parametrize("summary", LONG_UNICODE)
def test_long_lines_fold_at_75_octets_without_splitting_a_character(summary: str) -> None:
    text = ical.calendar([event(summary=summary, description=summary * 2)], stamp=STAMP)
    for line in physical_lines(text):
        assert len(line) <= 75, line
        line.decode("utf-8")  # each physical line is whole UTF-8: no split character
    (ev,) = vevents(text)
    assert str(ev["SUMMARY"]) == summary.replace("\t", " ")
    assert str(ev["DESCRIPTION"]) == summary * 2


def test_continuation_lines_start_with_one_space() -> None:
    text = ical.calendar([event(description="word " * 60)], stamp=STAMP)
    lines = physical_lines(text)
    start = next(i for i, line in enumerate(lines) if line.startswith(b"DESCRIPTION:"))
    assert lines[start + 1].startswith(b" ")
    assert len(lines[start]) == 75


def test_a_fold_never_separates_an_escape_from_its_backslash() -> None:
    for pad in range(60, 80):
        line = "DESCRIPTION:" + "a" * pad + "\\n" + "b" * 80
        folded = ical.fold(line)
        for physical in folded.split("\r\n "):
            assert not physical.endswith("\\") or physical.endswith("\\\\")
        assert folded.replace("\r\n ", "") == line


@given(st.text(max_size=400))
def test_any_text_survives_folding_and_parsing(text: str) -> None:
    cal_text = ical.calendar([event(summary="s", description=text)], stamp=STAMP)
    for line in physical_lines(cal_text):
        assert len(line) <= 75
        line.decode("utf-8")
    (ev,) = vevents(cal_text)
    # Control characters are shown as visible marks; everything else comes back.
    if text.isprintable():
        assert str(ev.get("DESCRIPTION", "")) == text


def test_output_is_the_same_on_two_runs() -> None:
    events = [event(), event(uid=cal.renewal_uid(3, date(2027, 4, 18)), kind="renewal")]
    assert ical.calendar(events, stamp=STAMP) == ical.calendar(events, stamp=STAMP)


def test_a_changed_launch_date_keeps_the_uid_and_moves_the_event() -> None:
    before = vevents(ical.calendar([event(on=date(2026, 12, 3), sequence=2)], stamp=STAMP))[0]
    after = vevents(
        ical.calendar(
            [event(on=date(2026, 12, 17), sequence=3)], stamp=datetime(2026, 11, 30, 9, 0)
        )
    )[0]
    assert str(before["UID"]) == str(after["UID"]) == cal.launch_uid(7)
    assert after["DTSTART"].dt == date(2026, 12, 17)
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after["DTSTAMP"].dt > before["DTSTAMP"].dt


def test_uids_name_the_item_not_the_day() -> None:
    renewal = date(2027, 4, 18)
    assert cal.renewal_uid(1, renewal) == "renewal-1-2027-04-18@mops"
    assert cal.cancel_by_uid(1, renewal) == "cancel-by-1-2027-04-18@mops"
    assert cal.launch_uid(12) == "launch-brief-12@mops"
    assert cal.period_end_uid("2026-11") == "period-end-2026-11@mops"


def test_an_empty_calendar_is_still_valid() -> None:
    text = ical.calendar([], stamp=STAMP)
    assert vevents(text) == []
    assert parse(text)["PRODID"] == "-//mops//mops//EN"


def test_an_aware_stamp_is_written_in_utc() -> None:
    from datetime import timedelta, timezone

    aware = datetime(2026, 11, 29, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    assert "DTSTAMP:20261129T090000Z" in ical.calendar([event()], stamp=aware)
