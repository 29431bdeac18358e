"""A user editing one tool, as a real process driven line by line (test_concurrency).

    python editor_process.py DB ACTOR

Reads commands on stdin and answers each with one line on stdout:

* ``load NAME``: open the tool as an edit form would; answers ``loaded ID VERSION``.
* ``save FIELD VALUE``: save the loaded values plus FIELD=VALUE against the version
  loaded; answers ``saved VERSION`` or ``refused TYPE: MESSAGE``.
* ``quit``.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    db, actor = argv
    from mops_tui.services import stack
    from mops_tui.services.workspace import Workspace

    ws = Workspace(f"sqlite:///{db}", actor=actor)
    tool = None
    print("ready", flush=True)
    for line in sys.stdin:
        word, _, rest = line.strip().partition(" ")
        if word == "load":
            tool = stack.get_by_name(ws, rest)
            print(f"loaded {tool.id} {tool.version}", flush=True)
        elif word == "save":
            assert tool is not None
            field, _, value = rest.partition(" ")
            try:
                saved = stack.update(ws, tool.id, {field: value}, tool.version)
            except Exception as exc:
                print(f"refused {type(exc).__name__}: {exc}", flush=True)
            else:
                tool = saved
                print(f"saved {saved.version}", flush=True)
        elif word == "quit":
            break
    ws.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
