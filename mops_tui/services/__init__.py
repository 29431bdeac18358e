"""Use cases. The only layer that opens a database session.

Each write is one unit of work (``with ws.transaction() as s``): validate through
``domain``, change the rows, append the audit entry, commit all or nothing. Reads
go through ``ws.reader`` so they never need SQLAlchemy on a SQLite file.
"""
