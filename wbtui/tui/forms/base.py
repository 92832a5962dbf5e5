"""What every form shares: layout, keys, checks before sending, one request at a time, honest
outcomes, retries that never duplicate, and the equivalent official `wandb` call.

A form subclass composes its fields and says four things: its problems (local checks, no
network), whether the object already exists (`existing`, also run debounced while typing),
how to send it (`send`), and the official SDK call that does the same (`python_call`).
"""

from __future__ import annotations

import pprint
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.syntax import Syntax
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Input, Select, Static, TextArea

from ...core import Api
from ...core.errors import NotFoundError, TransportError, WandbError
from .. import styles
from ..frames import SteadyFrames
from ..refs import Ref
from ..text import plain
from .fields import Field

DEBOUNCE = 0.4  # seconds of quiet typing before the existence check asks the server


@dataclass(frozen=True)
class Created:
    """What a form made: the view to open, the tree node whose children changed (None: the
    roots), and a line for the notification."""

    ref: Ref
    parent: Ref | None
    message: str


@dataclass(frozen=True)
class Conflict:
    """The object a form would create is already there."""

    field: str
    message: str


class ConfirmScreen(SteadyFrames, ModalScreen[bool]):
    """Yes or no before a write that affects other people."""

    CSS_PATH = styles.FORMS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "dismiss(False)", "No", id="confirm.no"),
        Binding("y", "dismiss(True)", "Yes", id="confirm.yes"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Static(Text(self.question), classes="confirm-question")
            with Horizontal(classes="form-buttons"):
                yield Button("Yes (y)", id="yes", variant="warning", compact=True)
                yield Button("No (n)", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class CallPreview(VerticalScroll, can_focus=True):
    """The official `wandb` call that does what the form does; `y` copies it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("y", "copy", "Copy the call", id="form.copy_call")]

    def compose(self) -> ComposeResult:
        yield Static("", classes="call-code")

    def show(self, code: str) -> None:
        self.code = code
        self.query_one(".call-code", Static).update(Syntax(code, "python", word_wrap=True, theme="ansi_dark"))

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(getattr(self, "code", ""))
        self.notify("Copied the wandb call", timeout=3)


def python_call(method: str, args: dict[str, Any], note: str = "") -> str:
    """`import wandb` and `wandb.Api().method(k=v, ...)` with the values filled in (valid Python)."""
    parts = []
    for key, value in args.items():
        text = pprint.pformat(value, width=60, sort_dicts=False)
        parts.append(f"    {key}=" + text.replace("\n", "\n    "))
    call = f"wandb.Api().{method}(\n" + ",\n".join(parts) + ",\n)" if parts else f"wandb.Api().{method}()"
    return "import wandb\n\n" + (f"# {note}\n" if note else "") + call


class FormScreen(SteadyFrames, ModalScreen[Created | None]):
    """A modal form; dismissed with what it created, or None when cancelled."""

    CSS_PATH = styles.FORMS

    TITLE: ClassVar[str] = ""
    VERB: ClassVar[str] = "Create"
    # asked before sending, for writes that affect other people (None: no question)
    CONFIRM: ClassVar[str | None] = None
    # fields whose change re-runs the (debounced) existence check
    WATCH: ClassVar[tuple[str, ...]] = ()

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close the form; nothing is sent"),
        Binding("ctrl+s,f2", "submit", "Send", id="form.submit", priority=True,
                tooltip="Check and send (Enter in a one-line field does too)"),
        Binding("f3,ctrl+o", "toggle_call", "wandb call", id="form.call", priority=True,
                tooltip="Show the equivalent official wandb call (y copies it)"),
    ]

    busy: reactive[bool] = reactive(False, init=False)

    def __init__(self, **values: str) -> None:
        super().__init__()
        self.values = values  # prefilled field values
        self._sent: set[tuple[str, ...]] = set()  # identities sent while absent: a retry finds them
        self._conflict: Conflict | None = None
        self._debounce: Timer | None = None
        self._escapes = 0
        self._checked = False  # problems were shown once: keep them current as the user types

    @property
    def api(self) -> Api:
        return self.app.api  # type: ignore[attr-defined]

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form") as dialog:
            dialog.border_subtitle = f"{self.VERB.lower()}: ctrl+s or F2 · cancel: Esc · wandb call: F3"
            yield Static(Text(self.TITLE), classes="dialog-title")
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()
            yield Static("", classes="form-outcome")
            yield CallPreview(classes="form-call")
            with Horizontal(classes="form-buttons"):
                yield Button(self.VERB, id="form-submit", variant="primary", compact=True)
                yield Button("Cancel", id="form-cancel", compact=True)

    def compose_fields(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        if getattr(self.app, "read_only", False):  # never a write in read-only mode, however opened
            self.app.notify("Read-only mode: writes are turned off", severity="warning")
            self.dismiss(None)
            return
        self.outcome("")
        self.call_after_refresh(self.focus_first)
        self.schedule_check()

    def focus_first(self) -> None:
        """The first field left to fill in (one prefilled from where the form was opened, such
        as the entity, is skipped), else the first."""
        fields = list(self.query(Field))
        empty = [field for field in fields if any(not box.value for box in field.query(Input))]
        if fields:
            (empty or fields)[0].focus_input()

    def field(self, name: str) -> Field:
        return self.query_one(f"#field-{name}", Field)

    def get(self, name: str) -> str:
        """The value of the field widget with id `name` (Input, Select, TextArea)."""
        widget = self.query_one(f"#{name}")
        if isinstance(widget, Input):
            return widget.value  # as typed: surrounding spaces are reported, not silently dropped
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else str(widget.value)
        if isinstance(widget, TextArea):
            return widget.text
        raise TypeError(name)

    def outcome(self, message: str, tone: str = "") -> None:
        line = self.query_one(".form-outcome", Static)
        line.update(Text(plain(message)))
        line.set_classes(f"form-outcome {tone}".strip())
        line.display = bool(message)

    # -- what subclasses provide ----------------------------------------------------------------

    def problems(self) -> dict[str, str]:
        """Field name -> what is wrong, from the typed values alone (no network)."""
        return {}

    def identity(self) -> tuple[str, ...]:
        """What names the object to create (compared across retries)."""
        return ()

    async def existing(self) -> Conflict | None:
        """The object already exists on the server (a conflict), or None."""
        return None

    async def send(self) -> Created:
        raise NotImplementedError

    async def recovered(self) -> Created:
        """A retry found the object an earlier attempt sent: what it created."""
        return await self.send()

    def python_call(self) -> str:
        return ""

    # -- checking -------------------------------------------------------------------------------

    def show_problems(self, problems: dict[str, str]) -> None:
        for field in self.query(Field):
            name = (field.id or "").removeprefix("field-")
            message = problems.get(name)
            if message is None and self._conflict and self._conflict.field == name:
                message = self._conflict.message
            field.show_error(message)

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def _edited(self, event: Input.Changed | Select.Changed | TextArea.Changed) -> None:
        if self.query_one(CallPreview).display:
            self._refresh_call()
        if self._checked:
            self.show_problems(self.problems())
        widget_id = event.control.id if event.control is not None else None
        if widget_id in self.WATCH:
            self.schedule_check()

    def schedule_check(self) -> None:
        if not self.WATCH:
            return
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE, self._check_existing)

    def _check_existing(self) -> None:
        self._debounce = None
        problems = self.problems()
        if any(name in problems for name in self.WATCH):
            self._conflict = None
            return
        self._existence_worker()

    @work(exclusive=True, group="form-exists", exit_on_error=False)
    async def _existence_worker(self) -> None:
        asked = self.identity()
        try:
            conflict = await self.existing()
        except WandbError:
            return  # only a hint; sending checks again and reports failures
        if self.identity() != asked:
            return  # the names changed meanwhile: a newer check follows
        self._conflict = conflict
        if self._checked:
            self.show_problems(self.problems())
        else:  # before the first send only the conflict is news; typing is not yet an error
            for name in self.WATCH:
                field = self.query(f"#field-{name}")
                if field:
                    field.first(Field).show_error(conflict.message if conflict and conflict.field == name else None)

    # -- sending --------------------------------------------------------------------------------

    def watch_busy(self, busy: bool) -> None:
        self.query_one("#form-submit", Button).disabled = busy
        self.set_class(busy, "-busy")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit" and self.busy:
            return None  # shown, but disabled while a request is in flight
        return True

    def action_submit(self) -> None:
        if self.busy:
            return
        problems = self.problems()
        self._conflict = None
        self._checked = True
        self.show_problems(problems)
        if problems:
            count = len(problems)
            self.outcome(f"⚠ {count} field{'s' if count > 1 else ''} to fix — nothing was sent", "-error")
            first = next(f for f in self.query(Field) if (f.id or "").removeprefix("field-") in problems)
            first.focus_input()
            first.scroll_visible()
            return
        self.busy = True  # at once: a second key press before the worker starts sends nothing
        if self.CONFIRM:
            self.app.push_screen(ConfirmScreen(self.confirm_question()), self._confirmed)
        else:
            self._submit()

    def confirm_question(self) -> str:
        return self.CONFIRM or ""

    def _confirmed(self, yes: bool | None) -> None:
        if yes:
            self._submit()
        else:
            self.busy = False
            self.outcome("Not sent.")

    @work(group="form-submit", exit_on_error=False)  # never exclusive: a request is not cancelled
    async def _submit(self) -> None:
        if getattr(self.app, "read_only", False):
            self.busy = False
            return
        self.busy = True
        self._escapes = 0
        self.outcome("Sending…", "-busy")
        identity = self.identity()
        try:
            conflict = await self.existing()
            if conflict is not None and identity in self._sent:
                # an earlier attempt failed after sending: the object is ours, not someone else's
                result = await self.recovered()
            elif conflict is not None:
                self._conflict = conflict
                self.show_problems({})
                self.outcome(f"⚠ {conflict.message} — nothing was sent", "-error")
                return
            else:
                self._sent.add(identity)
                result = await self.send()
        except (WandbError, ValueError, OSError, ImportError) as error:
            self.outcome(f"⚠ {self.describe(error)}", "-error")
            return
        finally:
            self.busy = False
        self.dismiss(result)

    def describe(self, error: BaseException) -> str:
        if isinstance(error, TransportError):
            return f"{error} — send again to retry (nothing will be made twice)"
        if isinstance(error, WandbError):
            return f"The server said: {error}"
        return str(error) or type(error).__name__

    # -- other keys -----------------------------------------------------------------------------

    def action_cancel(self) -> None:
        if self.busy and self._escapes == 0:
            self._escapes += 1
            self.outcome("Still sending: press Esc again to close anyway (the server may still apply it)", "-busy")
            return
        self.dismiss(None)

    def action_toggle_call(self) -> None:
        preview = self.query_one(CallPreview)
        preview.display = not preview.display
        self.query_one(".form").set_class(preview.display, "-call")
        if preview.display:
            self._refresh_call()
            preview.focus()
        else:
            self.focus_first()

    def _refresh_call(self) -> None:
        try:
            code = self.python_call()
        except ValueError as error:  # half-typed values: say what is missing rather than fail
            code = f"# complete the form first ({error})"
        self.query_one(CallPreview).show(code)

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    @on(Button.Pressed, "#form-submit")
    def _submit_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()


async def exists(lookup: Any) -> bool:
    """True if the lookup finds the object, False if the server says it is not there."""
    try:
        await lookup
    except NotFoundError:
        return False
    return True
