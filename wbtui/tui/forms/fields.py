"""The pieces every form is made of: a labelled field with its error line, a config editor
(JSON or YAML) with syntax checking, and editable lists (template variables, external links)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import AwaitMount, Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from ...core import launch
from . import rules


class ErrorLine(Static):
    """A field's problem, shown under it (hidden when there is none)."""

    def show(self, message: str | None) -> None:
        self.update(Text(f"⚠ {message}") if message else "")
        self.display = bool(message)


class Field(Vertical):
    """A label, the widgets that take the value, an error line and an optional hint."""

    def __init__(self, label: str, *widgets: Widget, name: str, hint: str = "") -> None:
        super().__init__(classes="field", id=f"field-{name}")
        self.label, self.widgets, self.hint = label, widgets, hint

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(Text(self.label), classes="field-label")
            yield from self.widgets
        yield ErrorLine(classes="field-error")
        if self.hint:
            yield Static(Text(self.hint), classes="field-hint")

    def show_error(self, message: str | None) -> None:
        self.query_one(ErrorLine).show(message)
        self.set_class(bool(message), "-invalid")

    def focus_input(self) -> None:
        focusable = [w for w in self.query("*") if w.focusable]
        if focusable:
            focusable[0].focus()


def text_input(value: str = "", placeholder: str = "", *, id: str, **kwargs: Any) -> Input:
    return Input(value, placeholder, id=id, compact=True, select_on_focus=False, **kwargs)


def choice(options: list[tuple[str, str]], value: str, *, id: str, disabled: bool = False) -> Select[str]:
    return Select(options, value=value, allow_blank=False, id=id, compact=True, disabled=disabled)


class ConfigEditor(Vertical):
    """A resource config typed as JSON or YAML, checked as it changes."""

    class Changed(Message):
        pass

    def __init__(self, data: dict[str, Any] | None = None, fmt: str = "json", *, id: str) -> None:
        super().__init__(classes="config-editor", id=id)
        self._initial, self.fmt = data or {}, fmt

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label("Format", classes="field-label")
            yield choice([("JSON", "json"), ("YAML", "yaml")], self.fmt, id=f"{self.id}-format")
        yield TextArea(rules.dump_config(self._initial, self.fmt), id=f"{self.id}-text", classes="config-text",
                       tab_behavior="focus", show_line_numbers=True, soft_wrap=False,
                       placeholder='the resource\'s arguments, e.g. {"image": "{{image}}"}')

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def value(self) -> dict[str, Any]:
        """The parsed config (raises rules.SyntaxProblem)."""
        return rules.parse_config(self.text, self.fmt)

    def set_value(self, data: dict[str, Any]) -> None:
        self.query_one(TextArea).load_text(rules.dump_config(data, self.fmt))

    @on(Select.Changed)
    def _format(self, event: Select.Changed) -> None:
        event.stop()
        new = str(event.value)
        if new == self.fmt:
            return
        try:  # convert what parses; leave anything else as typed
            data = rules.parse_config(self.text, self.fmt)
        except rules.SyntaxProblem:
            data = None
        self.fmt = new
        if data is not None:
            self.set_value(data)
        self.post_message(self.Changed())

    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.post_message(self.Changed())


class Row(Vertical):
    """One entry of an editable list, with a button that removes it."""

    class Removed(Message):
        pass

    def compose(self) -> ComposeResult:
        yield from self.compose_row()
        yield ErrorLine(classes="field-error")

    def compose_row(self) -> ComposeResult:
        yield from ()

    def remove_button(self) -> Button:
        return Button("✕", classes="row-remove", compact=True, tooltip="Remove this entry")

    @on(Button.Pressed, ".row-remove")
    def _remove(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Removed())
        self.remove()

    def show_error(self, message: str | None) -> None:
        self.query_one(ErrorLine).show(message)
        self.set_class(bool(message), "-invalid")


class RowList(Vertical):
    """An editable list of rows with an "add" button."""

    ADD_LABEL = "+ Add"

    def __init__(self, *, id: str) -> None:
        super().__init__(classes="row-list", id=id)

    def compose(self) -> ComposeResult:
        yield Vertical(classes="rows")
        with Horizontal(classes="row-buttons"):
            yield Button(self.ADD_LABEL, classes="row-add", compact=True)
            yield from self.extra_buttons()

    def extra_buttons(self) -> ComposeResult:
        yield from ()

    def new_row(self, **values: Any) -> Row:
        raise NotImplementedError

    def add(self, **values: Any) -> AwaitMount:
        """Add a row (await the result to have it mounted)."""
        return self.query_one(".rows").mount(self.new_row(**values))

    @property
    def rows(self) -> list[Row]:
        return list(self.query_one(".rows").query_children(Row))

    @on(Button.Pressed, ".row-add")
    async def _add(self, event: Button.Pressed) -> None:
        event.stop()
        row = self.new_row()
        await self.query_one(".rows").mount(row)
        row.query(Input).first().focus()


class VariableRow(Row):
    """A template variable: name, type, default, minimum, maximum, enum."""

    def __init__(self, name: str = "", schema: dict[str, Any] | None = None) -> None:
        super().__init__(classes="variable-row")
        schema = schema or {}
        self.values = {
            "name": name, "type": str(schema.get("type") or "string"),
            "default": _text(schema.get("default")), "minimum": _text(schema.get("minimum")),
            "maximum": _text(schema.get("maximum")), "enum": ", ".join(map(_text, schema.get("enum") or [])),
        }

    def compose_row(self) -> ComposeResult:
        v = self.values
        with Horizontal(classes="field-row"):
            yield Input(v["name"], "name", classes="var-name", compact=True)
            yield Select([(t, t) for t in launch.VARIABLE_TYPES], value=v["type"], allow_blank=False,
                         classes="var-type", compact=True)
            yield Input(v["default"], "default", classes="var-default", compact=True)
            yield self.remove_button()
        with Horizontal(classes="field-row"):
            yield Input(v["minimum"], "min", classes="var-minimum", compact=True)
            yield Input(v["maximum"], "max", classes="var-maximum", compact=True)
            yield Input(v["enum"], "enum: a, b, c", classes="var-enum", compact=True)

    def field(self, key: str) -> str:
        if key == "type":
            return str(self.query_one(".var-type", Select).value)
        return self.query_one(f".var-{key}", Input).value

    def schema(self) -> tuple[str, dict[str, Any], dict[str, str]]:
        """(name, schema, problems by field)."""
        name = self.field("name").strip()
        schema, problems = rules.variable_schema(self.field("type"), self.field("default"), self.field("minimum"),
                                                 self.field("maximum"), self.field("enum"))
        if not name:
            problems = {"name": "enter the variable's name", **problems}
        elif not rules.VARIABLE_NAME.fullmatch(name):
            problems = {"name": "a name has letters, digits, _ . - and starts with a letter or _", **problems}
        return name, schema, problems


class VariablesEditor(RowList):
    """The template variables of a queue's resource config, one schema each."""

    ADD_LABEL = "+ Add variable"

    def extra_buttons(self) -> ComposeResult:
        yield Button("+ Add the config's {{vars}}", classes="vars-missing", compact=True)

    class AddMissing(Message):
        pass

    def new_row(self, name: str = "", schema: dict[str, Any] | None = None) -> Row:
        return VariableRow(name, schema)

    @on(Button.Pressed, ".vars-missing")
    def _missing(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.AddMissing())

    def names(self) -> list[str]:
        return [row.field("name").strip() for row in self.rows if isinstance(row, VariableRow)]

    def collect(self) -> tuple[dict[str, dict[str, Any]], list[tuple[Row, str]]]:
        """({name: {"schema": {...}}} as W&B takes them, [(row, problem)])."""
        variables: dict[str, dict[str, Any]] = {}
        problems: list[tuple[Row, str]] = []
        for row in self.rows:
            assert isinstance(row, VariableRow)
            name, schema, errors = row.schema()
            if name and name in variables:
                errors = {"name": f"{name} is defined twice", **errors}
            if errors:
                problems.append((row, "; ".join(f"{k}: {v}" for k, v in errors.items())))
            variables[name] = {"schema": schema}
        return variables, problems


class LinkRow(Row):
    def __init__(self, label: str = "", url: str = "") -> None:
        super().__init__(classes="link-row")
        self.label_text, self.url_text = label, url

    def compose_row(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Input(self.label_text, "label", classes="link-label", compact=True)
            yield Input(self.url_text, "https://…", classes="link-url", compact=True)
            yield self.remove_button()

    def pair(self) -> tuple[str, str]:
        return self.query_one(".link-label", Input).value.strip(), self.query_one(".link-url", Input).value.strip()


class LinksEditor(RowList):
    """A queue's external links, label → URL."""

    ADD_LABEL = "+ Add link"

    def new_row(self, label: str = "", url: str = "") -> Row:
        return LinkRow(label, url)

    def collect(self) -> tuple[dict[str, str], list[tuple[Row, str]]]:
        links: dict[str, str] = {}
        problems: list[tuple[Row, str]] = []
        for row in self.rows:
            assert isinstance(row, LinkRow)
            label, address = row.pair()
            problem = None
            if not label:
                problem = "enter a label"
            elif label in links:
                problem = f"the label {label} is used twice"
            elif bad := rules.url(address):
                problem = bad
            if problem:
                problems.append((row, problem))
            links[label] = address
        return links, problems


def _text(value: Any) -> str:
    return "" if value is None else str(value)
