"""``?``: every key of the current screen, grouped, as the keymap has them now."""

from __future__ import annotations

from rich.text import Text
from textual.app import App
from textual.screen import Screen

from mops_tui.ui.screens.modals import TextScreen

NAVIGATION = [
    ("↑ ↓  j k", "move the cursor"),
    ("PgUp PgDn", "move a page"),
    ("Home End  g G", "first / last row"),
    ("Enter", "open the selected record"),
    ("Tab", "switch between the table and the detail pane"),
    ("< >", "sort by the previous / next column"),
    ("I", "invert the sort"),
    ("Esc", "back: close the detail, clear the filter"),
]


def help_text(app: App[object], screen: Screen[object]) -> Text:
    text = Text()
    seen: set[str] = set()
    groups: dict[str, list[tuple[str, str]]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description or binding.action in seen:
            continue
        seen.add(binding.action)
        node = active.node
        if isinstance(node, App):
            group = "Everywhere"
        elif node is screen:
            group = screen.__class__.__name__.removesuffix("Screen") or "This screen"
        else:
            group = node.__class__.__name__
        if group == "RecordTable":
            continue  # covered by the navigation list
        groups.setdefault(group, []).append((app.get_key_display(binding), binding.description))
    order = [g for g in groups if g not in ("Everywhere",)] + ["Everywhere"]
    for group in order:
        if group not in groups:
            continue
        text.append(f"{group}\n", style="bold underline")
        for key, desc in groups[group]:
            text.append(f"  {key:<14}", style="bold")
            text.append(f"{desc}\n")
        text.append("\n")
    text.append("Tables\n", style="bold underline")
    for key, desc in NAVIGATION:
        text.append(f"  {key:<14}", style="bold")
        text.append(f"{desc}\n")
    hint = getattr(screen, "FILTER_HELP", None) or getattr(screen, "FILTER_HINT", "")
    if hint:
        text.append("\nFilter (/)\n", style="bold underline")
        text.append(f"  {hint.removeprefix('filter: ')}\n")
    text.append(
        "\nRemap any key with a [keymap] table in the config file, using the ids "
        'below, e.g. "stack.new" = "a". Ctrl+P opens the command palette: jump to any '
        "record by name, or run a common action.\n",
        style="dim",
    )
    ids = sorted({a.binding.id for a in screen.active_bindings.values() if a.binding.id})
    text.append("  " + ", ".join(ids) + "\n", style="dim")
    return text


def help_screen(app: App[object], screen: Screen[object]) -> TextScreen:
    return TextScreen(
        f"Keys · {screen.__class__.__name__.removesuffix('Screen')}", help_text(app, screen)
    )
