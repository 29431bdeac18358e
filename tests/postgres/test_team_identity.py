"""Who is who when a team shares one PostgreSQL workspace from one host.

Each person runs mops as their own login, as separate processes. mops takes the actor
from ``MOPS_ACTOR`` or else the login name; the ``[people]`` table of the config maps
logins to the team's handles, so that "mine" means that person's records in every list.
"""

from __future__ import annotations

import json
import os
import pwd
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# Two logins on a shared host, neither of which is a handle in the team.
PEOPLE = {"jsmith": "ana", "bokafor": "ben"}
LOGIN_VARS = ("LOGNAME", "USER", "LNAME", "USERNAME")


@pytest.fixture
def team_config(tmp_path: Path) -> Path:
    config = tmp_path / "team.toml"
    config.write_text(
        "[people]\n" + "".join(f'{login} = "{handle}"\n' for login, handle in PEOPLE.items()),
        encoding="utf-8",
    )
    return config


def as_login(
    login: str | None, url: str, config: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    """``mops ARGS`` as its own process, run by ``login`` (None: no login variables, so
    the OS account decides), with no ``MOPS_ACTOR``."""
    env = {k: v for k, v in os.environ.items() if k not in ("MOPS_ACTOR", *LOGIN_VARS)}
    if login is not None:
        env.update(LOGNAME=login, USER=login)
    env["MOPS_CONFIG"] = str(config)
    return subprocess.run(
        [sys.executable, "-m", "mops_tui", "--db", url, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def as_json(done: subprocess.CompletedProcess[str]) -> Any:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_two_people_on_one_server_workspace_each_see_and_leave_their_own_name(
    pg_demo: str, team_config: Path
) -> None:
    made: dict[str, int] = {}
    for login, handle in PEOPLE.items():
        done = as_login(login, pg_demo, team_config, "brief", "add", f"{login}'s webinar")
        assert done.returncode == 0, done.stderr
        made[login] = int(done.stdout)  # the new brief's number, for scripts
        brief = as_json(
            as_login(login, pg_demo, team_config, "brief", "show", str(made[login]), "--json")
        )
        assert brief["requester"] == handle  # "me", through [people]

    # The audit log names each login for their own change, on the shared server.
    for login in PEOPLE:
        entries = as_json(as_login(None, pg_demo, team_config, "audit", "--actor", login, "--json"))
        assert [(e["actor"], e["area"], e["record_id"]) for e in entries] == [
            (login, "brief", made[login])
        ]

    # "Mine" is each person's own records, in the stack, the KPIs and the brief queue.
    for login, handle in PEOPLE.items():
        for mine, theirs in (
            (("stack", "owner:me", "--json"), ("stack", f"owner:{handle}", "--json")),
            (("kpi", "list", "is:mine", "--json"), ("kpi", "list", f"owner:{handle}", "--json")),
            (("briefs", "--mine", "--all", "--json"), ("briefs", "--all", "--json")),
        ):
            got = as_json(as_login(login, pg_demo, team_config, *mine))
            expected = as_json(as_login(login, pg_demo, team_config, *theirs))
            if mine[0] == "briefs":
                expected = [b for b in expected if b["owner"] == handle]
            assert got == expected
            if mine[0] == "stack":
                assert got, f"{handle} owns tools in the demo"
                assert {t["owner"] for t in got} == {handle}
    ana_tools = as_json(as_login("jsmith", pg_demo, team_config, "stack", "owner:me", "--json"))
    ben_tools = as_json(as_login("bokafor", pg_demo, team_config, "stack", "owner:me", "--json"))
    assert not {t["name"] for t in ana_tools} & {t["name"] for t in ben_tools}


def test_someone_who_is_not_in_the_team_is_told_how_to_become_mine(
    pg_demo: str, team_config: Path
) -> None:
    done = as_login("visitor", pg_demo, team_config, "stack", "owner:me")
    assert done.returncode == 1
    assert "“visitor” is not one of the team's people" in done.stderr
    assert 'visitor = "ana"' in done.stderr
    assert "mops people add visitor" in done.stderr
    assert "Traceback" not in done.stderr


def test_without_mops_actor_or_a_login_name_the_os_account_is_the_actor(
    pg_demo: str, team_config: Path
) -> None:
    account = pwd.getpwuid(os.getuid()).pw_name
    done = as_login(None, pg_demo, team_config, "brief", "add", "From the OS account")
    assert done.returncode == 0, done.stderr
    entries = as_json(as_login(None, pg_demo, team_config, "audit", "--limit", "1", "--json"))
    assert entries[0]["actor"] == account
    assert entries[0]["summary"].find("From the OS account") >= 0
