"""Startup and lookup timings for mops, each beside a baseline measured in the same run.

    python benchmarks/run.py [--runs 7] [--db PATH | --large]

Figures (medians after one warm-up run):
- ``python -c pass``: the floor for any command;
- ``mops stack hubspot``: the quick SSH lookup, whole process;
- ``mops today``: the morning inbox from every area, whole process;
- TUI first paint: from process start until Home's inbox header is on screen,
  measured in a real pty at 120x40, beside a bare Textual app showing one DataTable
  measured by the same harness;
- TUI ready: until Home shows its figures (the inbox has been ranked).

It builds a demo database in a temporary folder unless ``--db`` is given; ``--large``
builds the large demo (100,000 spend entries) instead. Machines are
noisy: read the ratios.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000


def pty_until(
    cmd: list[str], env: dict[str, str], markers: list[bytes], timeout: float = 20.0
) -> list[float]:
    """Start ``cmd`` in a 120x40 pty; return ms until each marker first appears."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execvpe(cmd[0], cmd, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    seen: dict[bytes, float] = {}
    buffer = b""
    try:
        while len(seen) < len(markers) and time.perf_counter() - start < timeout:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            buffer += chunk
            now = (time.perf_counter() - start) * 1000
            for m in markers:
                if m not in seen and m in buffer:
                    seen[m] = now
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    missing = [m for m in markers if m not in seen]
    if missing:
        raise RuntimeError(f"{cmd}: never drew {missing!r}; last output {buffer[-300:]!r}")
    return [seen[m] for m in markers]


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", help="an existing mops database (default: a fresh demo)")
    parser.add_argument("--large", action="store_true", help="use the large demo")
    args = parser.parse_args()

    # Measure what an installed mops runs: bytecode compiled once. (This machine sets
    # PYTHONDONTWRITEBYTECODE, which would make every run recompile mops's modules.)
    import compileall

    compileall.compile_dir(str(HERE.parent / "mops_tui"), quiet=1)
    tmp = Path(tempfile.mkdtemp(prefix="mops-bench-"))
    env = {
        **os.environ,
        "MOPS_TODAY": "2026-11-29",
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "MOPS_CONFIG": str(tmp / "none.toml"),
    }
    env.pop("NO_COLOR", None)
    db = Path(args.db) if args.db else tmp / "bench.db"
    env["MOPS_DB"] = str(db)
    if not args.db:
        subprocess.run(
            [PY, "-m", "mops_tui", "demo", *(["--scale", "large"] if args.large else [])],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    mops = [PY, "-m", "mops_tui"]
    mops_bin = Path(PY).parent / "mops"
    if mops_bin.exists():
        mops = [str(mops_bin)]

    rows: list[tuple[str, float, str, float]] = []

    def bench(fn, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
        fn()  # warm-up
        return [fn() for _ in range(runs)]

    floor = median(bench(lambda: timed([PY, "-c", "pass"], env), args.runs))
    lookup = median(bench(lambda: timed([*mops, "stack", "hubspot"], env), args.runs))
    rows.append(("mops stack hubspot (whole process)", lookup, "python -c pass", floor))
    today = median(bench(lambda: timed([*mops, "today"], env), args.runs))
    rows.append(("mops today (whole process)", today, "python -c pass", floor))

    bare = median(
        bench(lambda: pty_until([PY, str(HERE / "bare_app.py")], env, [b"Tool 1"])[0], args.runs)
    )
    paints = bench(lambda: pty_until(mops, env, [b"Due / age", b"Compliance gaps"]), args.runs)  # type: ignore[arg-type, return-value]
    first = median([p[0] for p in paints])  # type: ignore[index]
    ready = median([p[1] for p in paints])  # type: ignore[index]
    rows.append(("TUI first paint (Home header drawn)", first, "bare Textual DataTable", bare))
    rows.append(("TUI ready (inbox ranked, figures)", ready, "bare Textual DataTable", bare))

    print(f"{'figure':40} {'median':>9} {'baseline':28} {'median':>9} {'ratio':>6}")
    for name, value, base_name, base in rows:
        print(f"{name:40} {value:7.0f}ms {base_name:28} {base:7.0f}ms {value / base:5.2f}x")
    print(f"\n{args.runs} runs each after a warm-up; database {db}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
