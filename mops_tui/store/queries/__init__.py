"""Portable read SQL (SQLite and PostgreSQL), one module per area, run by ``Reader``."""
