"""The benchmark runner cannot rot: the generator at tiny scale and one iteration of
every measurement, as `python benchmarks/run.py --scale tiny --runs 1` runs them.

The figures themselves are not judged here (timings are never tests); this checks that
every figure is measured and reported, and that the tiny workspace has what the large
one has, in small."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_runner_measures_every_figure_at_tiny_scale(tmp_path: Path) -> None:
    raw_file = tmp_path / "raw.json"
    results = tmp_path / "RESULTS.md"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--scale",
            "tiny",
            "--runs",
            "1",
            "--json",
            str(raw_file),
            "--results",
            str(results),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    rows = [line for line in lines if re.match(r"^[1-8]  ", line)]
    assert [int(r.split()[0]) for r in rows] == list(range(1, 9)), done.stdout
    assert all(r.rstrip().endswith(("PASS", "MISS", "n/a")) for r in rows)
    workspace = next(line for line in lines if line.startswith("Workspace "))
    for noun in ("tools", "KPIs", "briefs", "spend entries", "audit entries"):
        assert noun in workspace

    raw = json.loads(raw_file.read_text())["raw"]
    for key in ("bare app ms", "first paint ms", "ready ms", "stack lookup ms", "today ms"):
        assert raw[key] > 0
    assert raw["report ms"] > 0
    view = raw["ledger view"]
    assert view["entries"] > 0 and view["keystroke_ms"] and view["peak_rss_mb"] > 0
    assert raw["spend csv"]["rows_per_s"] > 0

    table = results.read_text()
    assert table.startswith("# Benchmark results")
    assert table.count("\n| ") == 9  # the header and eight figures
    assert "## How each figure is taken" in table
