"""Issue 8, promise 1: several people saving into one SQLite file at the same time.

Every test here uses real processes: the writers, the lock holders and the second user
are separate Python processes on the same file, as separate people's mops would be.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from backends import is_postgres, raw
from relhelpers import HERE, env, fingerprint, hold_lock, scalar

from mops_tui.domain.errors import DatabaseBusy
from mops_tui.services import ledger, stack
from mops_tui.services.workspace import Workspace
from mops_tui.store.reader import Reader

WRITERS = ("Litmus", "Tableau", "Looker Studio", "Google Analytics 4")  # one tool each
CHANGES = 500


def spawn(*args: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if line != "ready":
        _out, err = proc.communicate(timeout=30)
        raise AssertionError(f"{args} did not start: {line}\n{err}")
    return proc


# ---------------------------------------------------------------------------------
# Four people saving at once
# ---------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_four_processes_saving_500_changes_each_lose_nothing(demo_url: str, tmp_path: Path) -> None:
    line = _one(
        demo_url,
        "SELECT id FROM budget_lines WHERE period = '2026-11' AND channel = 'Paid search'",
    )
    versions = {
        name: _one(demo_url, "SELECT version FROM tools WHERE name = ?", name) for name in WRITERS
    }
    go, stop = tmp_path / "go", tmp_path / "stop"
    script = str(HERE / "writer_process.py")
    writers = [
        spawn(script, "write", demo_url, f"writer{n}", str(CHANGES), str(go), f"#{line}", tool)
        for n, tool in enumerate(WRITERS)
    ]
    reader = spawn(script, "read", demo_url, "reader", str(go), str(stop))

    started = time.perf_counter()
    go.touch()
    outputs = [p.communicate(timeout=240) for p in writers]
    wall = time.perf_counter() - started
    stop.touch()
    read_out, read_err = reader.communicate(timeout=60)

    summaries = []
    for proc, (out, err) in zip(writers, outputs, strict=True):
        assert "database is locked" not in out + err
        assert proc.returncode == 0, err
        summaries.append(json.loads(out.strip().splitlines()[-1]))
    for s in summaries:
        assert s["error_count"] == 0, s["errors"]
        assert s["made"] == CHANGES
    read_summary = json.loads(read_out.strip().splitlines()[-1])
    assert "database is locked" not in read_out + read_err
    assert read_summary["error_count"] == 0, read_summary["errors"]
    assert read_summary["made"] > 0

    # Every change is there afterwards.
    for n, tool in enumerate(WRITERS):
        actor = f"writer{n}"
        payees = {
            r[0]
            for r in _rows(demo_url, "SELECT payee FROM spend_entries WHERE created_by = ?", actor)
        }
        assert payees == {f"{actor} payee {i}" for i in range(CHANGES) if i % 5 in (0, 1)}
        assert (
            _one(demo_url, "SELECT COUNT(*) FROM spend_entries WHERE created_by = ?", actor)
            == CHANGES * 2 // 5
        )
        titles = _rows(demo_url, "SELECT title, version FROM briefs WHERE created_by = ?", actor)
        assert sorted(titles) == sorted(
            (f"{actor} brief {i} edited", 2) for i in range(CHANGES) if i % 5 == 2
        )
        notes, version = _rows(demo_url, "SELECT notes, version FROM tools WHERE name = ?", tool)[0]
        assert notes == f"{actor} edit {CHANGES - 1}"
        assert version == versions[tool] + CHANGES // 5
        assert _one(demo_url, "SELECT COUNT(*) FROM audit_log WHERE actor = ?", actor) == CHANGES
    # Brief numbers and entry ids were handed out once each.
    assert _one(demo_url, "SELECT COUNT(*) - COUNT(DISTINCT id) FROM spend_entries") == 0
    if not is_postgres(demo_url):
        assert _one(demo_url, "PRAGMA integrity_check") == "ok"

    total = CHANGES * len(WRITERS)
    longest_wait = max(s["longest_wait"] for s in summaries)
    slowest = max(s["slowest_change"] for s in summaries)
    print(
        f"\n[figures] {demo_url.split(':')[0]}: {len(WRITERS)} writers x {CHANGES} changes: "
        f"{total} changes in {wall:.2f} s = {total / wall:.0f} changes/s; longest wait for "
        f"the write lock {longest_wait:.3f} s; slowest single change {slowest:.3f} s; "
        f"{read_summary['made']} reads alongside, slowest {read_summary['slowest_change']:.3f} s"
    )


def _rows(url: str, sql: str, *params: object) -> list[tuple[object, ...]]:
    conn = raw(url)
    try:
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]
    finally:
        conn.close()


def _one(url: str, sql: str, *params: object) -> object:
    return _rows(url, sql, *params)[0][0]


# ---------------------------------------------------------------------------------
# A bounded wait, with a message a marketer understands
# ---------------------------------------------------------------------------------


def _entry(line: int) -> dict[str, str]:
    return {
        "entry_date": "2026-11-20",
        "amount": "120.00",
        "payee": "Waiting Ltd",
        "line": f"#{line}",
    }


def test_a_save_that_waits_too_long_is_refused_clearly_and_saves_nothing(
    demo_db: Path,
) -> None:
    line = int(str(scalar(demo_db, "SELECT id FROM budget_lines WHERE period = '2026-11'")))
    ws = Workspace(f"sqlite:///{demo_db}", actor="tester", write_wait=0.5)
    before = fingerprint(demo_db)
    holder = hold_lock(demo_db, seconds=30)
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseBusy) as refused:
            ledger.add_entry(ws, _entry(line))
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert str(refused.value) == (
        "The database is busy: another person has been saving for 0.5 seconds. "
        "Nothing was saved; try again."
    )
    assert "locked" not in str(refused.value)
    assert refused.value.exit_code == 1
    assert waited < 5
    assert fingerprint(demo_db) == before
    # Once the other save is over, the same save goes through.
    entry = ledger.add_entry(ws, _entry(line))
    assert entry.payee == "Waiting Ltd"
    ws.close()


def test_a_save_waits_for_another_persons_save_to_finish(demo_db: Path) -> None:
    ws = Workspace(f"sqlite:///{demo_db}", actor="tester", write_wait=20)
    canva = stack.get_by_name(ws, "Canva")
    holder = hold_lock(demo_db, seconds=0.6)
    try:
        saved = stack.update(ws, canva.id, {"notes": "Saved after a wait."}, canva.version)
    finally:
        holder.wait(timeout=30)
    assert saved.notes == "Saved after a wait."
    assert 0.2 < ws.last_wait < 10
    ws.close()


def test_reads_wait_out_a_lock_and_never_say_database_is_locked(demo_db: Path) -> None:
    url = f"sqlite:///{demo_db}"
    # A lock that blocks readers too, held longer than this reader waits.
    holder = hold_lock(demo_db, seconds=30, how="exclusive")
    try:
        with pytest.raises(DatabaseBusy) as refused:
            Reader(url, read_wait=0.3).scalar("SELECT COUNT(*) FROM tools")
    finally:
        holder.kill()
        holder.wait()
    assert str(refused.value).startswith(
        "The database is busy: another program has kept it locked for 0.3 seconds, "
        "so mops could not read it."
    )
    # Held for less than the wait: the read simply waits, then answers.
    holder = hold_lock(demo_db, seconds=0.5, how="exclusive")
    try:
        assert Reader(url, read_wait=20).scalar("SELECT COUNT(*) FROM tools") == 43
    finally:
        holder.wait(timeout=30)


# ---------------------------------------------------------------------------------
# Two people edit the same record: the second save is refused
# ---------------------------------------------------------------------------------


def _ask(proc: subprocess.Popen[str], command: str) -> str:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(command + "\n")
    proc.stdin.flush()
    return proc.stdout.readline().strip()


def test_the_second_of_two_processes_saving_one_tool_is_refused(demo_db: Path) -> None:
    script = str(HERE / "editor_process.py")
    procs = []
    for actor, now in (("ana", "2026-11-29T10:15:00"), ("ben", "2026-11-29T10:20:00")):
        proc = subprocess.Popen(
            [sys.executable, script, str(demo_db), actor],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env(MOPS_NOW=now),
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        procs.append(proc)
    ana, ben = procs
    try:
        loaded_a = _ask(ana, "load Canva")
        loaded_b = _ask(ben, "load Canva")
        assert loaded_a == loaded_b  # both opened the same version
        version = int(loaded_a.split()[2])
        assert _ask(ana, "save seats_used 30") == f"saved {version + 1}"
        answer = _ask(ben, "save notes Ben's note")
        assert answer.startswith("refused StaleRecord: ")
        assert "changed by ana at 2026-11-29 10:15 after you opened it" in answer
        assert "Nothing was saved" in answer
        # Ben's save wrote nothing; after reloading he can save.
        notes, seats, now_version = _rows(
            demo_db, "SELECT notes, seats_used, version FROM tools WHERE name = 'Canva'"
        )[0]
        assert (seats, now_version) == (30, version + 1)
        assert notes != "Ben's note"
        assert scalar(demo_db, "SELECT COUNT(*) FROM audit_log WHERE actor = 'ben'") == 0
        _ask(ben, "load Canva")
        assert _ask(ben, "save notes Ben's note") == f"saved {version + 2}"
    finally:
        for proc in procs:
            _ask(proc, "quit")
            proc.communicate(timeout=30)
