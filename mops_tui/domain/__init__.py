"""The process standards of mops, stated once.

Nothing here imports SQLAlchemy, Textual or Rich. Modules that only compute (tools,
money, dates, text) import nothing heavier than the standard library, so the quick CLI
path can use them; the pydantic input schemas live in ``schemas`` modules.
"""
