"""What every view beside the tree shares: a title, loading in a worker, errors with a retry."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from ...core import Api
from ...core.errors import WandbError
from ..refs import Ref
from ..text import plain


class View(Vertical, can_focus=True):
    """Shows one `Ref`. Subclasses compose their widgets and fill them in `load()`.

    `load()` runs in an exclusive worker, so a refresh or a quick move to another view drops
    the stale request. A failure replaces nothing: the error shows above the last data, with
    the key that retries.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Refresh", id="refresh", tooltip="Load again from the server"),
    ]
    # a short line for the help screen
    HELP: ClassVar[str] = ""
    # whether the view keeps the focus itself though its widgets could take it (see allow_focus)
    FOCUS_ITSELF: ClassVar[bool] = False
    # a tabbed view's tabs (tabbed.TabbedView), which the number keys switch to
    TABS: ClassVar[list[str]] = []

    def __init__(self, ref: Ref) -> None:
        super().__init__(classes="view")
        self.ref = ref

    @property
    def api(self) -> Api:
        return self.app.api  # type: ignore[attr-defined]

    @property
    def heading(self) -> str:
        return f"{self.ref.kind.value.capitalize()} · {self.ref.path or self.ref.title}"

    def compose(self) -> ComposeResult:
        yield Static(Text(plain(self.heading)), classes="view-title")
        yield Static("", classes="view-error")
        yield from self.compose_body()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def focus_first(self) -> None:
        """Focus the view's main widget (the first focusable one, else the view itself)."""
        target = next((w for w in self.query("*") if w.focusable), self)
        target.focus()

    def allow_focus(self) -> bool:
        """The view itself takes the focus only while none of its widgets can (a view of text,
        one that loads), or where its own keys are the main ones (FOCUS_ITSELF): Tab from the
        tree then lands on its table or tabs, where keys work."""
        return super().allow_focus() and (self.FOCUS_ITSELF or not any(w.focusable for w in self.query("*")))

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.query_one(".view-error", Static).display = False
        self._load()

    class Loaded(Message):
        """A load ended: what came is shown (or the error)."""

    @work(exclusive=True, group="view", exit_on_error=False)
    async def _load(self) -> None:
        self.loading_body(True)
        try:
            await self.load()
        finally:
            self.loading_body(False)
            self.post_message(self.Loaded())

    async def load(self) -> None:
        """Fetch from the server and fill the widgets (runs in a worker)."""

    def loading_body(self, loading: bool) -> None:
        """Show a loading indicator while `load()` runs; views with their own say so here."""
        for widget in self.query(".view-body"):
            widget.loading = loading

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            event.stop()
            self.show_error(event.worker.error)

    def show_error(self, error: BaseException | None) -> None:
        if isinstance(error, WandbError):
            message = str(error)
        else:  # a bug: say what and where without a traceback on screen
            message = f"{type(error).__name__}: {error}"
            self.log.error(repr(error))
        banner = self.query_one(".view-error", Static)
        banner.update(Text(f"⚠ {plain(message)} — press r to retry"))
        banner.display = True
        self.loading_body(False)

    def action_refresh(self) -> None:
        self.api.flush()
        self.reload()
