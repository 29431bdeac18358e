"""``mops calendar`` and ``mops report``, in-process on a copy of the demo database.

stdout is not a terminal under capsys: no colour, 80 columns.
"""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
import pytest

from mops_tui.cli import main
from mops_tui.domain.text import cell_width


def mops(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------------------
# mops calendar
# ---------------------------------------------------------------------------


def test_agenda_of_the_next_30_days(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, err = mops(capsys, demo_db, "calendar")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Next 30 days: 2026-11-29 to 2026-12-29"
    assert all(cell_width(line) <= 80 for line in lines), out
    assert "\x1b" not in out
    assert any("Cancel-by" in line and "ZoomInfo" in line for line in lines)
    assert any(line.startswith("2026-12-19 Sat Renewal") and "Semrush" in line for line in lines)
    assert any("Period end" in line and "November 2026" in line for line in lines)
    assert "mops calendar --ics" in out


def test_agenda_days(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, _ = mops(capsys, demo_db, "calendar", "--days", "3")
    assert code == 0
    assert "2026-12-01" in out and "2026-12-04" not in out


@pytest.mark.parametrize("bad", ["0", "-3", "soon", "99999"])
def test_bad_days_are_refused(capsys: pytest.CaptureFixture[str], demo_db: Path, bad: str) -> None:
    code, out, err = mops(capsys, demo_db, "calendar", f"--days={bad}")
    assert code == 2
    assert out == ""
    assert "--days" in err


def test_ics_to_stdout_parses(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, err = mops(capsys, demo_db, "calendar", "--ics")
    assert code == 0, err
    assert out.startswith("BEGIN:VCALENDAR\r\n") and out.endswith("END:VCALENDAR\r\n")
    parsed = icalendar.Calendar.from_ical(out)
    events = list(parsed.walk("VEVENT"))
    assert len(events) > 40
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    assert any(u.startswith("renewal-") for u in uids)
    assert any(u.startswith("cancel-by-") for u in uids)
    assert any(u.startswith("launch-brief-") for u in uids)
    assert any(u.startswith("period-end-") for u in uids)
    assert all("DTSTAMP" in e and "DTSTART" in e for e in events)


def test_ics_is_the_same_twice(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    _, first, _ = mops(capsys, demo_db, "calendar", "--ics")
    _, second, _ = mops(capsys, demo_db, "calendar", "--ics")
    assert first == second


def test_ics_to_a_file_keeps_crlf(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "mops.ics"
    code, out, err = mops(capsys, demo_db, "calendar", "--ics", "-o", str(target))
    assert code == 0
    assert out == ""
    assert f"to {target}" in err
    data = target.read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert icalendar.Calendar.from_ical(data)


def test_ics_to_an_unwritable_place(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    code, _, err = mops(capsys, demo_db, "calendar", "--ics", "-o", str(tmp_path / "no" / "x.ics"))
    assert code == 1
    assert "cannot write" in err


def test_calendar_json(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, _ = mops(capsys, demo_db, "calendar", "--json", "--days", "10")
    assert code == 0
    data = json.loads(out)
    assert data and {"date", "kind", "summary", "description", "uid", "record"} <= set(data[0])


def test_ics_and_json_are_exclusive(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(demo_db), "calendar", "--ics", "--json"])
    assert exc.value.code == 2


# ---------------------------------------------------------------------------
# mops report
# ---------------------------------------------------------------------------


def test_report_markdown(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, err = mops(capsys, demo_db, "report", "--month", "2026-11")
    assert code == 0, err
    assert out.startswith("# Marketing operations report: November 2026\n")
    assert "Marketing spent £147,593 of £122,883 planned (120%) in November 2026" in out
    assert "## Renewals to 28 February 2027" in out


def test_report_defaults_to_last_month(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, _ = mops(capsys, demo_db, "report")
    assert code == 0
    assert out.startswith("# Marketing operations report: October 2026\n")
    assert "October 2026 has ended but is still open" in out


def test_report_html_to_a_file(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "report.html"
    code, out, err = mops(
        capsys, demo_db, "report", "--month", "2026-11", "--format", "html", "-o", str(target)
    )
    assert code == 0
    assert out == ""
    assert "Wrote the 2026-11 report" in err
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<h2>Spend against plan by channel</h2>" in page


@pytest.mark.parametrize("bad", ["2026-13", "2026-Q4", "nov", "2026/11", "2026-11-01"])
def test_a_malformed_month_exits_2(
    capsys: pytest.CaptureFixture[str], demo_db: Path, bad: str
) -> None:
    code, out, err = mops(capsys, demo_db, "report", "--month", bad)
    assert code == 2
    assert out == ""
    assert "YYYY-MM" in err


def test_a_bad_format_exits_2(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(demo_db), "report", "--format", "pdf"])
    assert exc.value.code == 2


def test_the_commands_are_listed_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "calendar" in out and "report" in out
