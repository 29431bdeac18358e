"""The key bar: the screen's shown bindings on one line, like Textual's compact Footer.

Textual's Footer rebuilds a widget per key every time the bindings change (each focus
move, each refreshed list), which costs the first screens of a session tens of
milliseconds. This bar is one widget that draws one line, and it redraws only when the
keys it shows actually change. A click on a key presses it, as the Footer does.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widget import Widget

Item = tuple[str, str, str, bool]  # key as pressed, key as shown, description, enabled


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyBar > .keybar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .keybar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyBar > .keybar--disabled {
        color: $text-disabled;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "keybar--key",
        "keybar--description",
        "keybar--disabled",
    }

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._items: tuple[Item, ...] = ()
        self._palette: Item | None = None
        self._spans: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Any) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        items, palette = self._collect()
        if items != self._items or palette != self._palette:
            self._items, self._palette = items, palette
            self.refresh()

    def _collect(self) -> tuple[tuple[Item, ...], Item | None]:
        active = self.screen.active_bindings
        seen: set[str] = set()
        items: list[Item] = []
        for _node, binding, enabled, _tooltip in active.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            shown = self.app.get_key_display(binding)
            items.append((binding.key, shown, binding.description, enabled))
        palette: Item | None = None
        if self.app.ENABLE_COMMAND_PALETTE:
            found = active.get(self.app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, _tooltip = found
                palette = (
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    enabled,
                )
        return tuple(items), palette

    @property
    def keys_shown(self) -> list[str]:
        """The descriptions on the bar, in order (for tests)."""
        return [description for _key, _shown, description, _enabled in self._items]

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key", partial=True)
        description_style = self.get_component_rich_style("keybar--description", partial=True)
        disabled_style = self.get_component_rich_style("keybar--disabled", partial=True)
        width = self.size.width
        text = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, str]] = []

        def add(item: Item, into: Text, offset: int) -> None:
            key, shown, description, enabled = item
            start = offset + into.cell_len
            into.append(" ")
            into.append(shown, disabled_style if not enabled else key_style)
            if description:
                into.append(" ")
                into.append(description, disabled_style if not enabled else description_style)
            spans.append((start, offset + into.cell_len, key))
            into.append(" ")

        for item in self._items:
            add(item, text, 0)
        if self._palette is not None:
            right = Text(no_wrap=True, end="")
            right.append("▏")
            tail = Text(no_wrap=True, end="")
            offset = max(text.cell_len + 1, width - right.cell_len - self._palette_width())
            add(self._palette, tail, offset + right.cell_len)
            right.append_text(tail)
            if offset + right.cell_len <= width:
                text.append(" " * (offset - text.cell_len))
                text.append_text(right)
        self._spans = spans
        return text

    def _palette_width(self) -> int:
        assert self._palette is not None
        _key, shown, description, _enabled = self._palette
        return cell_len(shown) + 3 + cell_len(description)

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
