"""The one schema-driven form every screen uses.

A form is built from field specs, which come from a pydantic input model's metadata
(``domain.schema.form_fields``): title, help, widget kind, choices. It never holds a
rule of its own: ``validate`` is a callable that runs the domain's validation on the
raw text and raises ``ValidationFailed``; the form shows each message under its field.

- Validation runs when a field loses focus (for the fields touched so far) and on
  submit (for all of them).
- Saving happens outside the form. When the save is refused, the screen hands the
  error back with :meth:`ModelForm.show_errors`; the user's input stays as typed.

Widget kinds: text, money, date, int (Input); textarea (TextArea); select, person,
tool (Select with type-to-search); bool (Checkbox).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from mops_tui.domain.errors import FieldError, ValidationFailed
from mops_tui.domain.text import visible

PLACEHOLDERS = {
    "money": "12000, 12,000.50 or £12k",
    "date": "2027-03-31, 31 Mar, +3m or today",
    "int": "a whole number",
}


@dataclass
class FieldSpec:
    name: str
    label: str
    widget: str = "text"
    help: str = ""
    required: bool = False
    placeholder: str = ""
    choices: Sequence[tuple[str, str]] | None = None  # (label, value)
    allow_blank: bool = True

    @classmethod
    def from_meta(
        cls, meta: Mapping[str, Any], choices: Sequence[tuple[str, str]] | None = None
    ) -> FieldSpec:
        raw_choices = choices
        if raw_choices is None and meta.get("choices"):
            raw_choices = [(str(c).replace("_", " "), str(c)) for c in meta["choices"]]
        return cls(
            name=meta["name"],
            label=meta["label"],
            widget=meta.get("widget", "text"),
            help=meta.get("help", ""),
            required=bool(meta.get("required")),
            placeholder=meta.get("placeholder", ""),
            choices=raw_choices,
            allow_blank=not bool(meta.get("required")),
        )


@dataclass
class FormState:
    touched: set[str] = field(default_factory=set)
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    # Refusals that came back from saving (a duplicate name, …), with the value they
    # refer to: they stay on show until the user changes that field.
    saved_errors: dict[str, tuple[str, list[FieldError]]] = field(default_factory=dict)


def _id(name: str) -> str:
    return f"field-{name}"


class ModelForm(Widget):
    """Fields, their errors, and a submit; the rules come from ``validate``."""

    DEFAULT_CSS = """
    ModelForm { height: auto; }
    ModelForm .form-field { height: auto; }
    ModelForm .form-row { height: auto; }
    ModelForm .form-label { width: 24; color: $text; text-style: bold; padding-right: 1; }
    ModelForm .form-under { padding-left: 24; height: auto; }
    ModelForm .form-help { color: $text-muted; }
    ModelForm .form-error { color: $error; text-style: bold; display: none; }
    ModelForm .form-error.-shown { display: block; }
    ModelForm .form-warning { color: $warning; display: none; }
    ModelForm .form-warning.-shown { display: block; }
    ModelForm Input { width: 1fr; background: $boost; }
    ModelForm Input:focus { background: $primary 25%; }
    ModelForm Input.-invalid { background: $error 25%; }
    ModelForm TextArea { height: 4; width: 1fr; border: none; background: $boost; }
    ModelForm TextArea:focus { background: $primary 25%; border: none; }
    ModelForm TextArea.-invalid { background: $error 25%; }
    ModelForm Select { width: 1fr; }
    ModelForm Select.-invalid > SelectCurrent { background: $error 25%; }
    ModelForm Checkbox { border: none; padding: 0; background: $surface; }
    ModelForm Checkbox:focus { background: $primary 25%; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Save", priority=True, id="form.save"),
    ]

    class Submitted(Message):
        def __init__(self, form: ModelForm, values: dict[str, str]) -> None:
            super().__init__()
            self.form = form
            self.values = values

        @property
        def control(self) -> ModelForm:
            return self.form

    def __init__(
        self,
        specs: Sequence[FieldSpec],
        values: Mapping[str, str] | None = None,
        *,
        validate: Callable[[dict[str, str]], list[FieldError] | None] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.specs = list(specs)
        self.initial = {k: ("" if v is None else str(v)) for k, v in (values or {}).items()}
        self.validate_fn = validate
        self.state = FormState()

    # ------------------------------------------------------------- building

    def compose(self) -> ComposeResult:
        for spec in self.specs:
            with Vertical(classes="form-field", id=f"wrap-{spec.name}"):
                with Horizontal(classes="form-row"):
                    label = Text(spec.label + (" *" if spec.required else ""))
                    yield Label(label, classes="form-label")
                    yield self._input_for(spec)
                with Vertical(classes="form-under"):
                    if spec.help:
                        yield Static(Text(spec.help), classes="form-help")
                    yield Static("", classes="form-error", id=f"error-{spec.name}")
                    yield Static("", classes="form-warning", id=f"warning-{spec.name}")

    def _input_for(self, spec: FieldSpec) -> Widget:
        value = self.initial.get(spec.name, "")
        if spec.widget == "textarea":
            return TextArea(
                value, id=_id(spec.name), soft_wrap=True, tab_behavior="focus", compact=True
            )
        if spec.widget in ("select", "person", "tool"):
            options = [(Text(label), val) for label, val in (spec.choices or [])]
            known = {val for _label, val in (spec.choices or [])}
            if value and value not in known:
                # Never lose a stored value because it is not among today's choices.
                options.insert(0, (Text(value), value))
                known.add(value)
            current: Any = value if value in known else Select.NULL
            if current is Select.NULL and not spec.allow_blank and options:
                current = Select.NULL
            return Select(
                options,
                value=current,
                allow_blank=True,
                prompt="choose…" if spec.required else "(none)",
                id=_id(spec.name),
                type_to_search=True,
                compact=True,
            )
        if spec.widget == "bool":
            checked = value.strip().lower() in ("yes", "true", "1", "y")
            return Checkbox("yes", checked, id=_id(spec.name), compact=True)
        placeholder = spec.placeholder or PLACEHOLDERS.get(spec.widget, "")
        return Input(
            value,
            placeholder=placeholder,
            id=_id(spec.name),
            select_on_focus=False,
            compact=True,
        )

    # -------------------------------------------------------------- values

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for spec in self.specs:
            widget = self.query_one(f"#{_id(spec.name)}")
            if isinstance(widget, TextArea):
                out[spec.name] = widget.text
            elif isinstance(widget, Select):
                out[spec.name] = "" if widget.value is Select.NULL else str(widget.value)
            elif isinstance(widget, Checkbox):
                out[spec.name] = "yes" if widget.value else "no"
            elif isinstance(widget, Input):
                out[spec.name] = widget.value
        return out

    def set_values(self, values: Mapping[str, str]) -> None:
        for spec in self.specs:
            if spec.name not in values:
                continue
            widget = self.query_one(f"#{_id(spec.name)}")
            value = values[spec.name]
            if isinstance(widget, TextArea):
                widget.text = value
            elif isinstance(widget, Select):
                known = {v for _l, v in (spec.choices or [])} | {self.initial.get(spec.name)}
                widget.value = value if value in known else Select.NULL
            elif isinstance(widget, Checkbox):
                widget.value = value.strip().lower() in ("yes", "true", "1", "y")
            elif isinstance(widget, Input):
                widget.value = value

    @property
    def dirty(self) -> bool:
        current = self.values()
        return any(current.get(k, "") != self.initial.get(k, current.get(k, "")) for k in current)

    # ---------------------------------------------------------- validation

    def _field_of(self, widget: Widget) -> str | None:
        node: Widget | None = widget
        while node is not None and node is not self:
            if node.id and node.id.startswith("field-"):
                return node.id.removeprefix("field-")
            node = node.parent  # type: ignore[assignment]
        return None

    def run_validation(self, show_all: bool = False) -> bool:
        """Validate through the domain; show messages; True when nothing is refused."""
        if self.validate_fn is None:
            return True
        errors: list[FieldError] = []
        try:
            extra = self.validate_fn(self.values())
            errors.extend(extra or [])
        except ValidationFailed as exc:
            errors.extend(exc.fields)
            errors.extend(exc.warnings)
        except Exception as exc:  # a bug must not lose the user's typing
            self.log.error(f"form validation failed: {exc!r}")
            self.notify(
                f"Could not check this form ({exc}); your input is kept.",
                severity="error",
                markup=False,
            )
            return False
        if show_all:
            self.state.touched.update(s.name for s in self.specs)
        self._display(errors)
        return not any(not e.warning for e in errors)

    def show_errors(self, failure: ValidationFailed) -> None:
        """Show a refusal that came back from the service (duplicate name, …)."""
        self.state.touched.update(s.name for s in self.specs)
        values = self.values()
        self.state.saved_errors = {}
        for err in failure.fields:
            snapshot, found = self.state.saved_errors.get(
                err.field, (values.get(err.field, ""), [])
            )
            self.state.saved_errors[err.field] = (snapshot, [*found, err])
        self._display(list(failure.fields) + list(failure.warnings))
        self.focus_first_error()

    def _display(self, errors: Sequence[FieldError]) -> None:
        values = self.values()
        errors = list(errors)
        for name, (snapshot, saved) in list(self.state.saved_errors.items()):
            if values.get(name, "") != snapshot:
                del self.state.saved_errors[name]
                continue
            known = {(e.field, e.message) for e in errors}
            errors += [e for e in saved if (e.field, e.message) not in known]
        by_field: dict[str, list[str]] = {}
        warn_field: dict[str, list[str]] = {}
        names = {s.name for s in self.specs}
        stray: list[str] = []
        for err in errors:
            target = warn_field if err.warning else by_field
            if err.field in names:
                target.setdefault(err.field, []).append(err.message)
            elif not err.warning:
                stray.append(str(err))
        self.state.errors, self.state.warnings = by_field, warn_field
        for spec in self.specs:
            shown = spec.name in self.state.touched
            messages = by_field.get(spec.name, []) if shown else []
            warnings = warn_field.get(spec.name, []) if shown else []
            error_box = self.query_one(f"#error-{spec.name}", Static)
            error_box.update(Text(visible("; ".join(messages))))
            error_box.set_class(bool(messages), "-shown")
            warning_box = self.query_one(f"#warning-{spec.name}", Static)
            warning_box.update(Text(visible("Check: " + "; ".join(warnings)) if warnings else ""))
            warning_box.set_class(bool(warnings), "-shown")
            self.query_one(f"#{_id(spec.name)}").set_class(bool(messages), "-invalid")
        if stray:
            self.notify(
                "\n".join(visible(s) for s in stray),
                severity="error",
                title="Not saved",
                markup=False,
            )

    def focus_first_error(self) -> None:
        for spec in self.specs:
            if self.state.errors.get(spec.name):
                self.query_one(f"#{_id(spec.name)}").focus()
                return

    def error_for(self, name: str) -> str:
        return "; ".join(self.state.errors.get(name, []))

    # -------------------------------------------------------------- events

    @on(Input.Blurred)
    def _blurred(self, event: Input.Blurred) -> None:
        name = self._field_of(event.input)
        if name:
            self.state.touched.add(name)
            self.run_validation()

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self, event: Select.Changed | Checkbox.Changed) -> None:
        name = self._field_of(event.control)
        if name and self.is_mounted:
            self.state.touched.add(name)
            self.run_validation()

    def on_descendant_blur(self, event: Any) -> None:
        widget = getattr(event, "widget", None) or getattr(event, "control", None)
        if isinstance(widget, TextArea):
            name = self._field_of(widget)
            if name:
                self.state.touched.add(name)
                self.run_validation()

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.focus_next()

    def action_submit(self) -> None:
        if self.run_validation(show_all=True):
            self.post_message(self.Submitted(self, self.values()))
        else:
            self.focus_first_error()
            count = sum(1 for v in self.state.errors.values() if v)
            self.notify(
                f"{count} field{'s' if count != 1 else ''} need attention; each says why under it.",
                severity="warning",
                title="Not saved",
            )


class FormBody(VerticalScroll):
    """The scrolling area a form sits in (so long forms work at 80x24)."""

    DEFAULT_CSS = """
    FormBody { height: 1fr; padding: 0 1; }
    """
