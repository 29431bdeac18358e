"""A plain, non-editable ``pip install .`` into a new venv works from another folder."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_install_finds_migrations_and_themes(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    pip = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert pip.returncode == 0, pip.stderr[-2000:]
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOPS_", "PYTHON"))}
    env.update(MOPS_DB=str(work / "mops.db"), MOPS_TODAY="2026-11-29", HOME=str(tmp_path))
    mops = env_dir / "bin" / "mops"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(mops), *args], cwd=work, env=env, capture_output=True, text=True, timeout=120
        )

    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("mops ")
    demo = run("demo")
    assert demo.returncode == 0, demo.stderr
    lookup = run("stack", "hubspot")
    assert lookup.returncode == 0, lookup.stderr
    assert "HubSpot Marketing Hub" in lookup.stdout
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import mops_tui.resources as r; print(r.db_dir()); print(r.themes_dir())",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert where.returncode == 0, where.stderr
    for line in where.stdout.splitlines():
        assert str(env_dir) in line, f"{line} is not inside the installed package"
    themes = subprocess.run(
        [
            str(python),
            "-c",
            "from mops_tui.ui.themes import load_themes; "
            "print(sorted(t.name for t in load_themes()))",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "mops-ansi" in themes.stdout and "mops-dark" in themes.stdout, themes.stderr
    assert sys.version_info >= (3, 11)
