"""Modal screens shared by every mode: pick one, confirm, and the form screen."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from mops_tui.domain.errors import DomainError, FieldError, StaleRecord, ValidationFailed
from mops_tui.domain.text import key_of, visible
from mops_tui.ui.widgets.form import FieldSpec, FormBody, ModelForm
from mops_tui.ui.widgets.keybar import KeyBar


@dataclass(frozen=True)
class Choice:
    label: str
    value: Any
    detail: str = ""
    disabled: bool = False


class PickerScreen(ModalScreen[Any]):
    """Choose one item from a list, typing to narrow it. Returns the value or ``None``."""

    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen > Vertical {
        width: 80%; max-width: 90; height: auto; max-height: 85%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    PickerScreen .picker-title { text-style: bold; padding: 0 0 1 0; }
    PickerScreen OptionList { height: auto; max-height: 20; border: none; }
    PickerScreen .picker-hint { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(self, title: str, choices: Sequence[Choice], hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="picker-title")
            if len(self.choices) > 7:
                yield Input(placeholder="type to narrow the list", id="picker-filter")
            yield OptionList(*self._options(""), id="picker-options")
            if self.hint:
                yield Static(Text(self.hint), classes="picker-hint")

    def _options(self, text: str) -> list[Option]:
        needle = key_of(text)
        options = []
        for i, choice in enumerate(self.choices):
            if needle and needle not in key_of(choice.label + " " + choice.detail):
                continue
            prompt = Text(visible(choice.label))
            if choice.detail:
                prompt.append("  " + visible(choice.detail), style="dim")
            options.append(Option(prompt, id=str(i), disabled=choice.disabled))
        return options

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = 0
        if self.query("#picker-filter"):
            self.query_one("#picker-filter").focus()
        else:
            options.focus()

    @on(Input.Changed, "#picker-filter")
    def _narrow(self, event: Input.Changed) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options(event.value))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Submitted, "#picker-filter")
    def _pick_first(self, event: Input.Submitted) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            option = options.get_option_at_index(options.highlighted)
            if not option.disabled and option.id is not None:
                self.dismiss(self.choices[int(option.id)].value)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(self.choices[int(event.option.id)].value)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question. ``y`` or Enter on the confirm button says yes."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 70%; max-width: 80; height: auto;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    ConfirmScreen .confirm-title { text-style: bold; }
    ConfirmScreen .confirm-body { margin: 1 0; }
    ConfirmScreen Horizontal { height: auto; align-horizontal: right; }
    ConfirmScreen Button { margin-left: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", "No"),
        Binding("y", "answer(True)", "Yes"),
    ]

    def __init__(self, title: str, body: str, confirm: str = "Yes") -> None:
        super().__init__()
        self.title_text, self.body, self.confirm = title, body, confirm

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="confirm-title")
            yield Static(Text(visible(self.body, keep_newlines=True)), classes="confirm-body")
            with Horizontal():
                yield Button("Cancel (n)", id="no")
                yield Button(f"{self.confirm} (y)", id="yes", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#no").focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


SaveFn = Callable[[dict[str, str]], Any]
ValidateFn = Callable[[dict[str, str]], list[FieldError] | None]


class FormScreen(ModalScreen[Any]):
    """A ModelForm in a dialog. ``save`` runs in a worker; refusals stay on the form.

    ``save`` receives the raw values and returns the saved record (dismissed as the
    result) or raises a domain error. A ``StaleRecord`` shows who changed the record;
    the typed values stay, and ``on_stale`` may refresh the version to save over it.
    """

    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen > Vertical {
        width: 90%; max-width: 100; height: 90%;
        border: thick $primary; background: $surface;
    }
    FormScreen .form-title { text-style: bold; padding: 0 1; background: $panel; width: 1fr; }
    FormScreen .form-banner {
        display: none; padding: 0 1; color: $text; background: $error 30%;
    }
    FormScreen .form-banner.-shown { display: block; }
    FormScreen .form-intro { color: $text-muted; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "save", "Save", priority=True, id="form.save_screen"),
    ]

    def __init__(
        self,
        title: str,
        specs: Sequence[FieldSpec],
        values: dict[str, str] | None,
        *,
        save: SaveFn,
        validate: ValidateFn | None = None,
        intro: str = "",
        on_stale: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.specs = specs
        self.values = values or {}
        self.save_fn = save
        self.validate_fn = validate
        self.intro = intro
        self.on_stale = on_stale
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="form-title")
            yield Static("", classes="form-banner", id="form-banner")
            if self.intro:
                yield Static(Text(visible(self.intro, keep_newlines=True)), classes="form-intro")
            with FormBody():
                yield ModelForm(self.specs, self.values, validate=self.validate_fn, id="form")
            yield KeyBar()

    @property
    def form(self) -> ModelForm:
        return self.query_one(ModelForm)

    def on_mount(self) -> None:
        first = self.form.query("Input, TextArea, Select, Checkbox").first()
        first.focus()

    def action_save(self) -> None:
        self.form.action_submit()

    @on(ModelForm.Submitted)
    def _submitted(self, event: ModelForm.Submitted) -> None:
        event.stop()
        if self.saving:
            return
        self.saving = True
        self._save(event.values)

    @work(thread=True, exclusive=True, group="form-save")
    def _save(self, values: dict[str, str]) -> None:
        try:
            result = self.save_fn(values)
        except ValidationFailed as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        except StaleRecord as exc:
            self.app.call_from_thread(self._stale, exc)
            return
        except DomainError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        except Exception as exc:  # never a traceback on screen; say what happened
            self.app.call_from_thread(self._failed, f"Could not save: {exc}")
            return
        self.app.call_from_thread(self.dismiss, result)

    def _refused(self, exc: ValidationFailed) -> None:
        self.saving = False
        self.form.show_errors(exc)
        self.notify(
            "Nothing was saved. Each refused field says why.",
            severity="warning",
            title="Not saved",
        )

    def _stale(self, exc: StaleRecord) -> None:
        self.saving = False
        banner = self.query_one("#form-banner", Static)
        text = str(exc)
        if self.on_stale is not None:
            self.on_stale()
            text += " Press ctrl+s to save your values over theirs, or esc to keep theirs."
        banner.update(Text(visible(text)))
        banner.add_class("-shown")

    def _failed(self, message: str) -> None:
        self.saving = False
        banner = self.query_one("#form-banner", Static)
        banner.update(Text(visible(message)))
        banner.add_class("-shown")

    def action_cancel(self) -> None:
        if self.form.dirty and not getattr(self, "_confirmed_cancel", False):

            def answer(yes: bool | None) -> None:
                if yes:
                    self.dismiss(None)

            self.app.push_screen(
                ConfirmScreen(
                    "Discard your changes?",
                    "What you typed in this form will be lost.",
                    confirm="Discard",
                ),
                answer,
            )
            return
        self.dismiss(None)


class TextScreen(ModalScreen[None]):
    """A scrolling page of plain text (help, history)."""

    DEFAULT_CSS = """
    TextScreen { align: center middle; }
    TextScreen > Vertical {
        width: 90%; max-width: 100; height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    TextScreen .text-title { text-style: bold; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close"),
    ]

    def __init__(self, title: str, body: RenderableType) -> None:
        super().__init__()
        self.title_text, self.body = title, body

    def compose(self) -> ComposeResult:
        from textual.containers import VerticalScroll

        with Vertical():
            yield Static(Text(self.title_text), classes="text-title")
            with VerticalScroll():
                yield Static(self.body, classes="text-screen-body")
            yield KeyBar()

    def action_close(self) -> None:
        self.dismiss(None)
