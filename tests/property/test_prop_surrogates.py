"""Promise 3, lone surrogates: bytes that are not UTF-8 in a command-line argument.

Python decodes ``sys.argv`` with ``surrogateescape``, so ``mops brief add $'\\xff'``
hands mops the text ``"\\udcff"``: a lone surrogate that no database, YAML file or
terminal can take. A file's bytes never decode to one (``csv_io.decode`` falls back
to Windows-1252 with replacement), so this is the one way they arrive.

Every field of every input schema must refuse such text with a field message (or drop
it), never raise ``UnicodeEncodeError``. ``domain/schema.py`` ``validate_input`` refuses
any value holding a lone surrogate before pydantic sees it (pydantic-core cannot even
quote one in a message). A search word holding one is looked for as U+FFFD
(``store/reader.py``), never sent to the database as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hostile import (
    GOOD_BRIEF,
    GOOD_ENTRY,
    GOOD_KPI,
    GOOD_LINE,
    GOOD_PERSON,
    GOOD_TOOL,
    SURROGATES,
    TODAY,
    assert_clean_record,
    assert_domain_refusal,
)

from mops_tui.cli import main
from mops_tui.domain.brief_schema import BriefInput, MoveInput, validate_brief
from mops_tui.domain.context import Context
from mops_tui.domain.errors import ValidationFailed
from mops_tui.domain.kpi_schema import KpiEditExtras, KpiInput, KpiMoveInput, validate_kpi
from mops_tui.domain.ledger_schema import (
    EntryInput,
    LineInput,
    ReopenInput,
    ledger_context,
    validate_entry,
    validate_line,
)
from mops_tui.domain.people import PersonInput, validate_person
from mops_tui.domain.schema import validate_input
from mops_tui.domain.tool_schema import (
    IntegrationInput,
    ToolInput,
    TransitionInput,
    validate_integration,
    validate_tool,
)
from mops_tui.services import briefs, kpis, people, stack
from mops_tui.services.workspace import Workspace

CTX = Context(today=TODAY)

Validate = Callable[[dict[str, Any], Context], Any]


def _generic(model: Any) -> Validate:
    return lambda raw, ctx: validate_input(model, raw, ctx)


SCHEMAS: list[tuple[Any, dict[str, Any], Validate | None]] = [
    (ToolInput, GOOD_TOOL, lambda r, c: validate_tool(r, c)),
    (IntegrationInput, {"source": "a", "target": "b", "data": "c"}, validate_integration),
    (TransitionInput, {"status": "retired", "reason": "r", "retired_on": "today"}, None),
    (KpiInput, GOOD_KPI, lambda r, c: validate_kpi(r, c)),
    (KpiMoveInput, {"status": "deprecated", "reason": "r"}, None),
    (KpiEditExtras, {}, None),
    (BriefInput, GOOD_BRIEF, lambda r, c: validate_brief(r, c)),
    (MoveInput, {}, None),
    (PersonInput, GOOD_PERSON, lambda r, c: validate_person(r, c)),
    (LineInput, GOOD_LINE, lambda r, c: validate_line(r, ledger_context(c, 1))),
    (EntryInput, GOOD_ENTRY, lambda r, c: validate_entry(r, ledger_context(c, 1))),
    (ReopenInput, {"reason": "late invoice"}, None),
]


def _cases() -> list[Any]:
    return [
        pytest.param(model, good, validate or _generic(model), name, id=f"{model.__name__}.{name}")
        for model, good, validate in SCHEMAS
        for name in model.model_fields
    ]


@pytest.mark.parametrize(("model", "good", "validate", "name"), _cases())
def test_every_field_refuses_a_lone_surrogate_with_a_message(
    model: Any, good: dict[str, Any], validate: Validate, name: str
) -> None:
    for text in SURROGATES:
        try:
            record = validate({**good, name: text}, CTX)
        except ValidationFailed as exc:
            assert_domain_refusal(exc)
            assert name in {e.field for e in exc.fields}
        else:
            assert_clean_record(record)


def test_the_message_quoting_a_surrogate_is_itself_printable() -> None:
    from mops_tui.domain.dates import DateError, parse_date
    from mops_tui.domain.money import MoneyError, parse_money

    with pytest.raises(MoneyError) as money_exc:
        parse_money("12\udcff")
    with pytest.raises(DateError) as date_exc:
        parse_date("1 Dec\udcff", TODAY)
    for message in (str(money_exc.value), str(date_exc.value)):
        message.encode("utf-8")  # raises if a surrogate slipped through
        assert "\ufffd" in message


# ---------------------------------------------------------------------------
# Through the services, on a real database
# ---------------------------------------------------------------------------


def _counts(ws: Workspace) -> tuple[int, ...]:
    return tuple(
        int(ws.reader.scalar(f"SELECT COUNT(*) FROM {t}") or 0)
        for t in ("tools", "kpis", "briefs", "people", "audit_log")
    )


@pytest.mark.parametrize(
    ("create", "raw"),
    [
        (stack.create, {**GOOD_TOOL, "name": "Hub\udcffSpot"}),
        (stack.create, {**GOOD_TOOL, "name": "Fresh", "purpose": "a\udc80b"}),
        (kpis.create, {**GOOD_KPI, "key": "fresh_rate", "label": "\ud800"}),
        (briefs.create, {"title": "x\udcff"}),
        (briefs.create, {"title": "ok", "kpi": "\udcff"}),
        (briefs.create, {"title": "ok", "owner": "an\udcffa"}),
        (people.add_person, {"handle": "zed", "name": "Z\udcffed"}),
    ],
    ids=[
        "tool-name",
        "tool-purpose",
        "kpi-label",
        "brief-title",
        "brief-kpi",
        "brief-owner",
        "person-name",
    ],
)
def test_services_refuse_a_lone_surrogate_and_write_nothing(
    demo_ws: Workspace, create: Callable[[Workspace, dict[str, Any]], Any], raw: dict[str, Any]
) -> None:
    before = _counts(demo_ws)
    with pytest.raises(ValidationFailed) as exc:
        create(demo_ws, raw)
    assert_domain_refusal(exc.value)
    assert _counts(demo_ws) == before


# ---------------------------------------------------------------------------
# Through the command line
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("brief", "add", "x\udcff"), 2),
        (("spend", "add", "2026-11-03", "\udcff", "--line", "2026-Q4/events", "--payee", "x"), 2),
        (("spend", "add", "3 Nov\udcff", "10", "--line", "2026-Q4/events", "--payee", "x"), 2),
        (("spend", "add", "2026-11-03", "10", "--line", "2026-Q4/events", "--payee", "\udcff"), 2),
        (("stack", "\udcff"), 1),
        (("briefs", "\udcff"), 0),
    ],
    ids=["brief-title", "spend-amount", "spend-date", "spend-payee", "stack-query", "briefs-query"],
)
def test_cli_arguments_with_undecodable_bytes_end_in_a_message(
    capsys: pytest.CaptureFixture[str], demo_db: Path, args: tuple[str, ...], code: int
) -> None:
    assert main(["--db", str(demo_db), *args]) == code
    out, err = capsys.readouterr()
    (out + err).encode("utf-8")  # what mops prints can be printed
    if code == 2:
        assert "nothing was saved" in err or err.startswith("mops:")
