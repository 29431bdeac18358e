"""The Stack's input schemas, loaded when a form first opens (not at startup).

Importing pydantic costs about 90 ms; the Stack screen imports this module inside
the actions that open forms, so the first paint does not pay for it.
"""

from mops_tui.domain.schema import form_fields, validate_input
from mops_tui.domain.tool_schema import (
    EDIT_FIELDS,
    IntegrationInput,
    ToolInput,
    TransitionInput,
    validate_integration,
    validate_tool,
)

__all__ = [
    "EDIT_FIELDS",
    "IntegrationInput",
    "ToolInput",
    "TransitionInput",
    "form_fields",
    "validate_input",
    "validate_integration",
    "validate_tool",
]
