"""Reusable widgets: the record table, the schema-driven form, the detail view."""
