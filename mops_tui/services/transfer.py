"""The whole workspace to one JSON file and back: ``mops export --all`` / ``mops import --all``.

The file holds every table's rows (people, tools, integrations, KPIs and their
versions, budget lines, spend entries, period closes, import profiles, briefs and
their transitions, snoozes, renewal decisions, workspace settings and the audit log),
each row as an object of its columns, one row per line. It says which format it is
(:data:`FORMAT`, :data:`FORMAT_VERSION`) and which database schema it was exported
from (the Alembic revision; the ``alembic_version`` table itself is not copied).

An import restores such a file into an *empty* database, in one transaction: the
rows keep their ids, so every link (owner, budget line, reversal, KPI successor,
audit entry) holds, and the audit history arrives exactly as it was. A database that
already holds records is refused, and so is a file from a newer mops, or one that was
cut short or edited by hand into something mops cannot store: the refusal names the
table, row and field, and nothing is written.

The tables and columns come from the models (``store/models.py``), so a column a
migration adds is exported and checked without a change here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mops_tui.domain.errors import DomainError

if TYPE_CHECKING:
    from sqlalchemy import Column, Connection, Table

    from mops_tui.services.workspace import Workspace

FORMAT = "mops-workspace"
FORMAT_VERSION = 1
# Workspace settings exist in a freshly migrated database (the currency): they do
# not make it non-empty, and an import replaces them with the file's.
SETTINGS_TABLE = "workspace_settings"
# How many problems a refusal lists (all are counted).
MAX_PROBLEMS = 30
CHUNK = 5000

LABELS: dict[str, str] = {
    "workspace_settings": "workspace settings",
    "people": "people",
    "tools": "tools",
    "integrations": "integrations",
    "kpis": "KPIs",
    "kpi_versions": "KPI versions",
    "budget_lines": "budget lines",
    "spend_entries": "spend entries",
    "period_closes": "period closes",
    "import_profiles": "import profiles",
    "briefs": "briefs",
    "brief_transitions": "brief transitions",
    "snoozes": "snoozes",
    "renewal_decisions": "renewal decisions",
    "audit_log": "audit entries",
}


class TransferError(DomainError):
    """The file cannot be imported (or the export cannot be written); nothing was
    written. ``problems`` lists what is wrong, one line each."""

    exit_code = 2

    def __init__(self, headline: str, problems: list[str] | None = None, total: int = 0) -> None:
        self.headline = headline
        self.problems = list(problems or [])
        self.total = max(total, len(self.problems))
        lines = [headline]
        lines.extend(f"  {p}" for p in self.problems)
        if self.total > len(self.problems):
            lines.append(f"  … and {self.total - len(self.problems)} more")
        super().__init__("\n".join(lines))


class NotEmpty(TransferError):
    """The target database already holds records."""

    exit_code = 1


def label(table: str) -> str:
    return LABELS.get(table, table.replace("_", " "))


def describe_counts(counts: Mapping[str, int]) -> str:
    """``8 people, 60 tools, …`` for the tables that hold rows."""
    parts = [f"{n:,} {label(t)}" for t, n in counts.items() if n and t != SETTINGS_TABLE]
    return ", ".join(parts) if parts else "no records"


def _tables() -> list[Table]:
    """Every table of the schema, parents before children."""
    from mops_tui.store.models import Base

    return list(Base.metadata.sorted_tables)


def _file_order() -> list[Table]:
    """The tables in the order the file lists them: settings and people first, the
    audit log last (an import inserts them parents first, whatever the order)."""
    tables = _tables()
    rank = {name: i for i, name in enumerate(LABELS)}
    return sorted(tables, key=lambda t: (rank.get(t.name, len(rank)), tables.index(t)))


def _pk(table: Table) -> list[Column[Any]]:
    return list(table.primary_key.columns)


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    schema_revision: str
    counts: dict[str, int]


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _revision(conn: Connection) -> str:
    from sqlalchemy import text

    value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(value) if value else ""


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def export_workspace(ws: Workspace, path: Path) -> ExportSummary:
    """Write every table of the workspace to ``path`` as JSON, in one read
    transaction (a consistent snapshot). The file is created with mode 0600: it holds
    the audit history and people's names and emails. An existing file is replaced
    only once the new one is complete."""
    from sqlalchemy import select

    path = Path(path)
    db = ws.sqlite_path
    if db is not None and any(_same_file(path, p) for p in (db, db.with_name(db.name + "-wal"))):
        raise TransferError(f"{path} is the database itself; choose another file for the export")
    if path.is_dir():
        raise TransferError(f"{path} is a folder; give the name of the file to write")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise TransferError(f"there is no folder {parent} to write {path.name} into")
    tmp = parent / f".{path.name}.{os.getpid()}.part"
    counts: dict[str, int] = {}
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise TransferError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out, ws.transaction() as s:
            os.fchmod(out.fileno(), 0o600)  # whatever the umask, and if the file was there
            conn = s.connection()
            revision = _revision(conn)
            header = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "schema_revision": revision,
                "exported_at": ws.now().isoformat(),
                "exported_by": ws.actor,
            }
            out.write("{\n")
            for key, value in header.items():
                out.write(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
            out.write('  "tables": {')
            for index, table in enumerate(_file_order()):
                out.write("," if index else "")
                out.write(f"\n    {json.dumps(table.name)}: [")
                names = [c.name for c in table.columns]
                result = conn.execute(select(table).order_by(*_pk(table)))
                n = 0
                for row in result:
                    record = {k: _jsonable(v) for k, v in zip(names, row, strict=True)}
                    out.write("," if n else "")
                    out.write("\n      " + json.dumps(record, ensure_ascii=False))
                    n += 1
                counts[table.name] = n
                out.write("\n    ]" if n else "]")
            out.write("\n  }\n}\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise TransferError(f"cannot write {path}: {exc.strerror}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return ExportSummary(path, revision, counts)


# ---------------------------------------------------------------------------
# Reading and checking a file
# ---------------------------------------------------------------------------


@dataclass
class ImportSummary:
    schema_revision: str
    exported_at: str
    exported_by: str
    counts: dict[str, int] = field(default_factory=dict)
    written: bool = False


class _Bad(Exception):
    """One value a column cannot hold (the message says why)."""


def read_document(data: bytes, name: str = "the file") -> dict[str, Any]:
    """Parse an export; a file that is not complete JSON is refused with where it
    breaks (a file cut short ends too soon)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TransferError(
            f"{name} is not a mops workspace export: it is not UTF-8 text "
            f"(byte {exc.start} cannot be read)"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise TransferError(f"{name} is empty; there is nothing to import")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        # Cut short: the parser ran out of text (inside a string, or in the last token).
        near_end = exc.msg.startswith("Unterminated string") or exc.pos >= len(text.rstrip()) - 8
        why = (
            "it ends too soon, so it was probably cut short (copy the whole file again)"
            if near_end
            else f"{exc.msg}"
        )
        raise TransferError(
            f"{name} is not complete JSON: {why} (line {exc.lineno}, column {exc.colno}). "
            "Nothing was written."
        ) from None
    if not isinstance(doc, dict):
        raise TransferError(f"{name} is not a mops workspace export (it holds no JSON object)")
    return doc


def _known_revision(revision: str) -> int | None:
    return int(revision) if revision.isdigit() else None


def _check_header(doc: Mapping[str, Any], name: str, head: str) -> None:
    if doc.get("format") != FORMAT:
        raise TransferError(
            f"{name} is not a mops workspace export (it has no “format”: “{FORMAT}”); "
            "make one with `mops export --all FILE.json`"
        )
    version = doc.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise TransferError(f"{name} has no valid “format_version” (a whole number such as 1)")
    if version > FORMAT_VERSION:
        raise TransferError(
            f"{name} was written by a newer mops (export format {version}; this mops reads "
            f"format {FORMAT_VERSION}). Upgrade mops, then import it. Nothing was written."
        )
    revision = doc.get("schema_revision")
    if not isinstance(revision, str) or _known_revision(revision) is None:
        raise TransferError(
            f"{name} does not say which database schema it comes from "
            "(“schema_revision”, such as “0006”)"
        )
    mine = _known_revision(head)
    file_rev = _known_revision(revision)
    if mine is not None and file_rev is not None and file_rev > mine:
        raise TransferError(
            f"{name} comes from a newer database schema (revision {revision}) than this mops "
            f"knows (revision {head}). Upgrade mops, then import it. Nothing was written."
        )
    if not isinstance(doc.get("tables"), dict):
        raise TransferError(f"{name} has no “tables” object; it is not a complete export")


def _converter(column: Column[Any]) -> Callable[[Any], Any]:
    """A function that checks one JSON value for ``column`` and returns it as the
    Python value to store (raising :class:`_Bad` with a reason)."""
    from sqlalchemy import Boolean, Date, DateTime, Integer, String

    kind = column.type
    nullable = bool(column.nullable) and not column.primary_key

    def check(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise _Bad("is empty (null), but every row needs it")
        if isinstance(kind, Boolean):
            if isinstance(value, bool):
                return value
            raise _Bad(f"{_shown(value)} is not true or false")
        if isinstance(kind, Integer):  # also BigInteger: money in minor units
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, float):
                raise _Bad(f"{_shown(value)} is not a whole number (money is in minor units)")
            raise _Bad(f"{_shown(value)} is not a whole number")
        if isinstance(kind, DateTime):
            if isinstance(value, str):
                try:
                    return datetime.fromisoformat(value).replace(tzinfo=None)
                except ValueError:
                    pass
            raise _Bad(f"{_shown(value)} is not a date and time such as 2026-11-29T09:00:00")
        if isinstance(kind, Date):
            if isinstance(value, str) and len(value) == 10:
                try:
                    return date.fromisoformat(value)
                except ValueError:
                    pass
            raise _Bad(f"{_shown(value)} is not a date such as 2026-11-29")
        if isinstance(kind, String):  # also Text
            if not isinstance(value, str):
                raise _Bad(f"{_shown(value)} is not text")
            limit = getattr(kind, "length", None)
            if limit is not None and len(value) > limit:
                raise _Bad(f"is {len(value)} characters long; it holds at most {limit}")
            return value
        return value

    return check


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


class _Problems:
    def __init__(self) -> None:
        self.listed: list[str] = []
        self.total = 0

    def add(self, text: str) -> None:
        self.total += 1
        if len(self.listed) < MAX_PROBLEMS:
            self.listed.append(text)

    def __bool__(self) -> bool:
        return self.total > 0


def _where(table: str, number: int, row: Any) -> str:
    ident = row.get("id") if isinstance(row, dict) else None
    if ident is None and isinstance(row, dict) and table == SETTINGS_TABLE:
        ident = row.get("key")
    shown = f" ({'id' if table != SETTINGS_TABLE else 'key'} {ident})" if ident is not None else ""
    return f"{table}, row {number}{shown}"


def check_document(
    doc: Mapping[str, Any], name: str = "the file", head: str | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows as the values to store, once the whole file is checked: its
    format and schema, each table, row and field, duplicate ids and keys, and links
    between rows. Raises :class:`TransferError` listing what is wrong."""
    from sqlalchemy import UniqueConstraint

    from mops_tui.store.migrate import HEAD

    head = head or HEAD
    _check_header(doc, name, head)
    tables_in = doc["tables"]
    revision = str(doc["schema_revision"])
    problems = _Problems()
    known = {t.name: t for t in _file_order()}
    for extra in sorted(set(tables_in) - set(known)):
        problems.add(f"the file has a table mops does not know: “{extra}”")
    for missing in [t for t in known if t not in tables_in]:
        problems.add(f"the file has no “{missing}” table (an export lists every table)")
    out: dict[str, list[dict[str, Any]]] = {}
    numbered: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    # Every value each column has in the file, valid or not: a link to a row that is
    # in the file but broken is reported once, on that row, not on every row linking.
    present: dict[str, dict[str, set[Any]]] = {}
    for table in known.values():
        rows = tables_in.get(table.name)
        if rows is None:
            continue
        if not isinstance(rows, list):
            problems.add(f"{table.name}: the table is not a list of rows")
            continue
        columns = {c.name: _converter(c) for c in table.columns}
        wanted = list(columns)
        clean: list[tuple[int, dict[str, Any]]] = []
        seen_values: dict[str, set[Any]] = {c: set() for c in columns}
        for number, row in enumerate(rows, start=1):
            where = _where(table.name, number, row)
            if not isinstance(row, dict):
                problems.add(f"{where}: the row is not an object of fields")
                continue
            missing_fields = [c for c in wanted if c not in row]
            unknown = sorted(k for k in row if k not in columns)
            for c in missing_fields:
                problems.add(f"{where}: the field “{c}” is missing")
            for k in unknown:
                problems.add(f"{where}: the field “{k}” is not a column of {table.name}")
            values: dict[str, Any] = {}
            broken = bool(missing_fields or unknown)
            for c, convert in columns.items():
                if c not in row:
                    continue
                raw = row[c]
                if isinstance(raw, (int, str)):
                    seen_values[c].add(raw)
                try:
                    values[c] = convert(raw)
                except _Bad as exc:
                    problems.add(f"{where}: the field “{c}” {exc}")
                    broken = True
            if not broken:
                clean.append((number, values))
        numbered[table.name] = clean
        present[table.name] = seen_values
        out[table.name] = [values for _n, values in clean]
        # Keys: the primary key and every unique column or constraint.
        keys: list[tuple[str, ...]] = [tuple(c.name for c in _pk(table))]
        keys += [(c.name,) for c in table.columns if c.unique]
        keys += [
            tuple(c.name for c in con.columns)
            for con in table.constraints
            if isinstance(con, UniqueConstraint)
        ]
        for key in dict.fromkeys(keys):
            seen: dict[tuple[Any, ...], int] = {}
            for number, values in clean:
                value = tuple(values.get(c) for c in key)
                if any(v is None for v in value):
                    continue
                if value in seen:
                    what = ", ".join(
                        f"{c} {_shown(_jsonable(v))}" for c, v in zip(key, value, strict=True)
                    )
                    problems.add(
                        f"{_where(table.name, number, values)}: {what} is also in row "
                        f"{seen[value]}; it must be unique"
                    )
                else:
                    seen[value] = number
    # Links: every foreign key points at a row of the file.
    for table in known.values():
        for column in table.columns:
            for fk in column.foreign_keys:
                target = fk.column
                ids = present.get(target.table.name, {}).get(target.name, set())
                for number, values in numbered.get(table.name, []):
                    link = values.get(column.name)
                    if link is not None and link not in ids:
                        problems.add(
                            f"{_where(table.name, number, values)}: the field “{column.name}” "
                            f"points at {target.table.name} {target.name} {link}, which is "
                            "not in the file"
                        )
    if problems:
        head_note = (
            f" (it was exported from schema revision {revision}; this database is at {head})"
            if revision != head
            else ""
        )
        raise TransferError(
            f"{name} cannot be imported{head_note}; nothing was written. "
            f"{problems.total} problem{'s' if problems.total != 1 else ''}:",
            problems.listed,
            problems.total,
        )
    return out


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------


def _counts(conn: Connection) -> dict[str, int]:
    from sqlalchemy import func, select

    return {
        t.name: int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)
        for t in _file_order()
    }


def occupied(ws: Workspace) -> dict[str, int]:
    """How many rows each table other than the workspace settings holds (only those
    that hold some): empty means an import may go ahead."""
    counts = {
        t.name: int(ws.reader.scalar(f"SELECT COUNT(*) AS n FROM {t.name}") or 0)
        for t in _file_order()
    }
    return {t: n for t, n in counts.items() if n and t != SETTINGS_TABLE}


def _refuse_occupied(ws: Workspace, held: Mapping[str, int]) -> NotEmpty:
    where = str(ws.sqlite_path) if ws.sqlite_path is not None else "the database"
    return NotEmpty(
        f"{where} already holds {describe_counts(held)}. `mops import --all` restores a "
        "workspace into an empty database only, so that nothing is mixed or overwritten; "
        "point --db at a new file (it is created), or back this one up and use another. "
        "Nothing was written."
    )


def import_workspace(
    ws: Workspace, doc: Mapping[str, Any], *, name: str = "the file", dry_run: bool = False
) -> ImportSummary:
    """Restore an export into this empty workspace, all or nothing, keeping every id.

    Writes no audit entry of its own: the audit log arrives as the file holds it, so
    the database is the one exported. With ``dry_run`` everything is checked (the file
    and that the database is empty) and nothing is written."""
    from sqlalchemy import delete
    from sqlalchemy.exc import DBAPIError, IntegrityError

    rows = check_document(doc, name)
    summary = ImportSummary(
        schema_revision=str(doc.get("schema_revision")),
        exported_at=str(doc.get("exported_at") or ""),
        exported_by=str(doc.get("exported_by") or ""),
        counts={t: len(r) for t, r in rows.items()},
    )
    held = occupied(ws)
    if held:
        raise _refuse_occupied(ws, held)
    if dry_run:
        return summary
    try:
        with ws.transaction() as s:
            conn = s.connection()
            # Checked again inside the write: someone may have added a record since.
            held = {t: n for t, n in _counts(conn).items() if n and t != SETTINGS_TABLE}
            if held:
                raise _refuse_occupied(ws, held)
            by_name = {t.name: t for t in _tables()}
            conn.execute(delete(by_name[SETTINGS_TABLE]))
            for table in _tables():
                _insert(conn, table, rows[table.name])
            _reset_sequences(conn)
    except IntegrityError as exc:
        raise TransferError(
            f"{name} cannot be imported: it breaks a rule of the database "
            f"({_db_message(exc)}). Nothing was written."
        ) from None
    except DBAPIError as exc:
        raise TransferError(
            f"{name} could not be written ({_db_message(exc)}). Nothing was written."
        ) from None
    ws.refresh()
    summary.written = True
    return summary


def _db_message(exc: Exception) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc).splitlines()[0]


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` with their ids. Links to the same table (a reversal to the
    entry it reverses, a KPI to its successor) are set once every row is in."""
    from sqlalchemy import bindparam, insert, update

    if not rows:
        return
    self_links = [
        c.name for c in table.columns if any(fk.column.table is table for fk in c.foreign_keys)
    ]
    first = [{**r, **dict.fromkeys(self_links)} for r in rows] if self_links else rows
    for chunk in _chunks(first):
        conn.execute(insert(table), chunk)
    if not self_links:
        return
    [pk] = _pk(table)
    for column in self_links:
        links = [{"_pk": r[pk.name], "_value": r[column]} for r in rows if r[column] is not None]
        statement = (
            update(table)
            .where(table.c[pk.name] == bindparam("_pk"))
            .values({column: bindparam("_value")})
        )
        for chunk in _chunks(links):
            conn.execute(statement, chunk)


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL hands out ids from sequences, which inserted ids do not move: set
    each one past the highest id, so the next record does not collide. (SQLite takes
    the next id from the table itself.)"""
    from sqlalchemy import Integer, text

    if conn.dialect.name != "postgresql":
        return
    for table in _tables():
        pk = _pk(table)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer):
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                f"COALESCE(MAX({pk[0].name}), 1), MAX({pk[0].name}) IS NOT NULL) "
                f"FROM {table.name}"
            )
        )


# ---------------------------------------------------------------------------
# Copying a workspace to another database (``mops db copy --to URL``)
# ---------------------------------------------------------------------------

# The money each copy is checked by, beside every table's row count.
SUMS: tuple[tuple[str, str], ...] = (
    ("spend_entries", "amount"),
    ("budget_lines", "planned"),
    ("tools", "annual_cost"),
)


@dataclass
class CopySummary:
    counts: dict[str, int]
    sums: dict[str, int]


def figures(ws: Workspace) -> CopySummary:
    """Every table's row count and the money sums a copy must keep."""
    from sqlalchemy import text

    with ws.engine.connect() as conn:
        counts = _counts(conn)
        sums = {
            f"{table}.{column}": int(
                conn.execute(text(f"SELECT COALESCE(SUM({column}), 0) FROM {table}")).scalar() or 0
            )
            for table, column in SUMS
        }
    return CopySummary(counts, sums)


def copy_workspace(source: Workspace, target: Workspace, scratch: Path) -> CopySummary:
    """Copy everything in ``source`` (history included) into the empty, migrated
    ``target``, then check that every table's count and the money sums agree. The
    export passes through ``scratch`` (a private folder), and is removed after."""
    path = scratch / "workspace.json"
    try:
        export_workspace(source, path)
        import_workspace(target, read_document(path.read_bytes(), "the copy"), name="the copy")
    finally:
        path.unlink(missing_ok=True)
    before, after = figures(source), figures(target)
    wrong = [
        f"{label(t)}: {before.counts[t]:,} rows here, {after.counts.get(t, 0):,} there"
        for t in before.counts
        if before.counts[t] != after.counts.get(t)
    ] + [
        f"{name}: {before.sums[name]} here, {after.sums.get(name)} there"
        for name in before.sums
        if before.sums[name] != after.sums.get(name)
    ]
    if wrong:
        raise TransferError("the copy does not match: " + "; ".join(wrong))
    return after
