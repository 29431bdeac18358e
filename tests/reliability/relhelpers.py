"""Helpers for the reliability tests: real processes, kills, fingerprints, damage."""

from __future__ import annotations

import fcntl
import hashlib
import os
import pty
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def mops(*args: str) -> list[str]:
    """The command line that runs ``mops ARGS`` as its own process."""
    return [sys.executable, "-m", "mops_tui", *args]


def env(**extra: str) -> dict[str, str]:
    """This test's environment (MOPS_TODAY, MOPS_ACTOR, ... from ``clean_env``), with
    output unbuffered so a parent sees each line as it is printed."""
    return {**os.environ, "PYTHONUNBUFFERED": "1", **extra}


def run(
    args: Sequence[str], timeout: float = 60, **extra_env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), env=env(**extra_env), capture_output=True, text=True, timeout=timeout
    )


def connect(path: Path) -> sqlite3.Connection:
    """A read-write connection, as the next user's mops would open the file (so a WAL
    left by a killed process is recovered first)."""
    conn = sqlite3.connect(path, timeout=10)
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


def scalar(path: Path, sql: str, params: Sequence[object] = ()) -> object:
    conn = connect(path)
    try:
        return conn.execute(sql, tuple(params)).fetchone()[0]
    finally:
        conn.close()


def fingerprint(
    path: Path, tables: Sequence[str] = ("spend_entries", "audit_log")
) -> dict[str, object]:
    """Row count and SHA-256 of every row (in id order) of each of ``tables``."""
    conn = connect(path)
    try:
        found: dict[str, object] = {}
        for table in tables:
            digest = hashlib.sha256()
            count = 0
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY id"):
                digest.update(repr(row).encode())
                count += 1
            found[table] = (count, digest.hexdigest())
        return found
    finally:
        conn.close()


def integrity(path: Path) -> list[str]:
    conn = connect(path)
    try:
        return [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    finally:
        conn.close()


def kill_when(
    proc: subprocess.Popen[str],
    ready: Callable[[], bool],
    timeout: float = 60,
    poll: float = 0.001,
) -> bool:
    """``kill -9`` ``proc`` as soon as ``ready()`` holds. Returns False if the process
    ended by itself first (the kill did not land in the middle)."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None:
        if ready():
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            return proc.returncode == -signal.SIGKILL
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the process neither finished nor reached the kill point")
        time.sleep(poll)
    return False


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1


def damage_table(path: Path, table: str, out: Path) -> list[int]:
    """Copy ``path`` to ``out`` with the first 64 bytes of every page of ``table``
    overwritten: the b-tree page headers, so any read of the table fails with
    "database disk image is malformed" while the file header and schema stay good."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = [r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name = ?", (table,))]
    finally:
        conn.close()
    data = bytearray(path.read_bytes())
    for page in pages:
        start = (page - 1) * page_size
        data[start : start + 64] = b"\xa5" * 64
    out.write_bytes(bytes(data))
    return pages


def run_in_terminal(
    args: Sequence[str], extra_env: dict[str, str], seconds: float = 20, keys: bytes = b""
) -> tuple[int | None, str]:
    """Run ``args`` (the TUI) on a pseudo-terminal of 120x40 for at most ``seconds``;
    ``keys`` are typed after 3 seconds. Returns the exit code (None if it had to be
    killed) and everything it wrote."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen(
        list(args), stdin=slave, stdout=slave, stderr=slave, env=env(**extra_env), close_fds=True
    )
    os.close(slave)
    out = bytearray()
    started = time.monotonic()
    typed = not keys
    try:
        while time.monotonic() - started < seconds:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                out += chunk
            elif proc.poll() is not None:
                break
            if not typed and time.monotonic() - started > 3:
                os.write(master, keys)
                typed = True
    finally:
        # The terminal closes as the process exits; give it a moment to be reaped.
        try:
            code: int | None = proc.wait(timeout=max(seconds - (time.monotonic() - started), 5))
        except subprocess.TimeoutExpired:
            code = None
            proc.kill()
            proc.wait(timeout=10)
        os.close(master)
    return code, out.decode("utf-8", "replace")


# A process that takes the write lock (or, with "exclusive", a lock that blocks
# readers too) and holds it for SECONDS (or until it is killed).
HOLDER = """
import sqlite3, sys, time
db, how, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
conn = sqlite3.connect(db, isolation_level=None)
if how == "exclusive":
    conn.execute("PRAGMA locking_mode=EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("UPDATE tools SET notes = notes WHERE id = 1")
else:
    conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(seconds)
conn.execute("ROLLBACK")
conn.close()
print("released", flush=True)
"""


def hold_lock(db: Path, seconds: float, how: str = "write") -> subprocess.Popen[str]:
    """Another process holding a lock on ``db``; returns once it holds it."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), how, str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        env=env(),
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    return proc
