"""Persistence: SQLAlchemy models, the engine, migrations glue and read queries.

Write paths use the ORM through :mod:`mops_tui.services`. Read paths go through
:class:`mops_tui.store.reader.Reader`, which runs the portable SQL in
``store/queries`` on stdlib ``sqlite3`` for a SQLite file (no SQLAlchemy import, so
quick CLI lookups and TUI first paint stay fast) and on SQLAlchemy Core otherwise.
"""
