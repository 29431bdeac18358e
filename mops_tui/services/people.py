"""People: list and add the owners, requesters and actors.

Cheap to import, like every service module: pydantic and SQLAlchemy load inside writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mops_tui.domain.errors import FieldError, NotFound, ValidationFailed
from mops_tui.domain.text import fold, key_of
from mops_tui.services import audit
from mops_tui.services.workspace import Workspace
from mops_tui.store.queries import stack as q
from mops_tui.store.reader import Row


def list_people(ws: Workspace) -> list[Row]:
    return q.people(ws.reader)


def add_person(ws: Workspace, raw: Mapping[str, Any]) -> Row:
    from sqlalchemy import select
    from sqlalchemy.exc import IntegrityError

    from mops_tui.domain.people import validate_person
    from mops_tui.store.models import Person

    person = validate_person(raw, ws.context())
    try:
        with ws.transaction() as s:
            if s.scalar(select(Person.id).where(Person.handle == person.handle)) is not None:
                raise ValidationFailed(
                    [FieldError("handle", f"“{person.handle}” is already someone's handle")]
                )
            row = Person(
                handle=person.handle,
                name=person.name,
                name_key=fold(person.name),
                email=person.email,
                team=person.team,
                active=True,
                created_at=ws.now(),
                created_by=ws.actor,
            )
            s.add(row)
            s.flush()
            audit.record(
                s,
                ws,
                "person",
                row.id,
                "created",
                f"added {person.name} ({person.handle})",
                after=person.model_dump(),
            )
    except IntegrityError as exc:
        raise ValidationFailed(
            [FieldError("handle", f"“{person.handle}” is already someone's handle")]
        ) from exc
    return {"id": row.id, **person.model_dump()}


def resolve(ws: Workspace, text: str | None) -> Row | None:
    """The person ``text`` names (handle or full name), or ``None`` when blank.

    Raises ``ValidationFailed`` on the ``owner`` field when nobody or several match.
    """
    if text is None or not str(text).strip():
        return None
    found = q.find_person(ws.reader, str(text))
    exact = [
        p
        for p in found
        if p["handle"] == str(text).strip().lower() or key_of(p["name"]) == key_of(str(text))
    ]
    if len(exact) == 1:
        return exact[0]
    shown = str(text).strip()[:40]
    if not found:
        raise ValidationFailed(
            [
                FieldError(
                    "owner",
                    f"“{shown}” is not a known person; add them under People "
                    "(mops people add) or choose someone listed",
                )
            ]
        )
    if len(found) > 1:
        names = ", ".join(p["handle"] for p in found[:5])
        raise ValidationFailed(
            [FieldError("owner", f"“{shown}” matches several people ({names}); use a handle")]
        )
    return found[0]


def get_person(ws: Workspace, handle: str) -> Row:
    row = q.person_by_handle(ws.reader, handle)
    if row is None:
        raise NotFound(f"nobody has the handle “{handle}”")
    return row


def handle_of(ws: Workspace, handle: str) -> str | None:
    """``handle`` when such a person exists, else ``None``."""
    row = q.person_by_handle(ws.reader, handle)
    return row["handle"] if row else None


def me(ws: Workspace) -> str | None:
    """The handle of the person using mops: the actor (``MOPS_ACTOR``, else the login
    name), through the ``[people]`` mapping when it names one; ``None`` when that is
    nobody in the team."""
    return handle_of(ws, ws.people_map.get(ws.actor, ws.actor))


# A person's own records, in any list's filter: ``is:mine``, ``owner:me``, ``o:me``.
_MINE = frozenset({"is:mine", "owner:me", "o:me", "owner:mine", "o:mine"})
# An owner no record has: "mine" for someone not in the team. No handle or name can hold
# a control character; not NUL, which PostgreSQL refuses in any text parameter.
NOBODY = "\x01nobody"


def with_mine(ws: Workspace, query: str) -> str:
    """``query`` with its "mine" terms turned into ``owner:HANDLE`` for :func:`me`."""
    terms = query.split()
    if not any(t.lower() in _MINE for t in terms):
        return query
    handle = me(ws) or NOBODY
    return " ".join(f"owner:{handle}" if t.lower() in _MINE else t for t in terms)


def mine_unknown(ws: Workspace, query: str) -> str | None:
    """Why ``query``'s "mine" finds nothing when the person using mops is nobody in the
    team (their login is neither a handle nor mapped in ``[people]``); else ``None``."""
    if not any(t.lower() in _MINE for t in query.split()) or me(ws) is not None:
        return None
    login = ws.actor
    return (
        f"“mine” means the records of the person using mops, and “{login}” is not one of "
        f"the team's people. Map your login to your handle in the [people] table of your "
        f'mops config ({login} = "ana"), or add yourself: mops people add {login} "Your Name"'
    )
