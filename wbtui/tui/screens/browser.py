"""The main screen: the tree on the left, the chosen object's view beside it, and history."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header

from ...core import paths
from ...core.errors import WandbError
from ..refs import Kind, Ref
from ..views import view_for
from ..views.base import View
from ..widgets.nav_tree import NavTree
from .jump import ref_for_object


class BrowserScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back", id="back", tooltip="Back to the previous view"),
        Binding("backslash,ctrl+backslash", "toggle_tree", "Tree", id="toggle_tree",
                tooltip="Show or hide the tree"),
        Binding("tab", "focus_next", "Next pane", show=False, id="focus.next"),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False, id="focus.previous"),
        Binding("y", "copy_path", "Copy path", id="copy_path", tooltip="Copy the path (OSC 52)"),
        Binding("Y", "copy_url", "Copy URL", show=False, id="copy_url", tooltip="Copy the web URL"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.history: list[Ref] = []
        self.current: Ref | None = None
        # runs marked in a project's runs list ("entity/project" -> runs), overlaid in charts
        self.marks: dict[str, list] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield NavTree(id="nav")
            yield Container(id="pane")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(NavTree).focus()
        if initial := self.app.initial:  # type: ignore[attr-defined]
            self.jump_to_path(initial)

    @on(NavTree.Opened)
    def _tree_opened(self, event: NavTree.Opened) -> None:
        self.open(event.ref)

    def open(self, ref: Ref, *, remember: bool = True, focus: bool = False) -> None:
        """Show `ref`'s view beside the tree."""
        if ref == self.current:
            return
        if remember and self.current is not None:
            self.history.append(self.current)
            del self.history[:-100]
        self.current = ref
        pane = self.query_one("#pane")
        pane.remove_children()
        view = view_for(ref)
        pane.mount(view)
        if focus:
            self.call_after_refresh(view.focus_first)
        self.query_one(NavTree).select_ref(ref)

    @property
    def view(self) -> View | None:
        views = self.query_one("#pane").query_children(View)
        return views.first() if views else None

    def action_back(self) -> None:
        if self.history:
            self.open(self.history.pop(), remember=False, focus=True)
        elif self.focused is not None and not isinstance(self.focused, NavTree):
            self.query_one(NavTree).focus()

    def action_toggle_tree(self) -> None:
        tree = self.query_one(NavTree)
        tree.display = not tree.display
        if not tree.display and self.view is not None:
            self.view.focus_first()

    def action_copy_path(self) -> None:
        if self.current is not None:
            self.app.copy_to_clipboard(self.current.path)
            self.notify(f"Copied {self.current.path}", timeout=3)

    def action_copy_url(self) -> None:
        if self.current is not None:
            url = paths.web_url(self.app.api.settings.base_url, self.current.path)  # type: ignore[attr-defined]
            self.app.copy_to_clipboard(url)
            self.notify(f"Copied {url}", timeout=3)

    @work(exclusive=True, group="jump", exit_on_error=False)
    async def jump_to_path(self, path: str | None) -> None:
        """Open whatever a path or W&B URL names (from `:` or the command palette)."""
        if not path:
            return
        try:
            obj = await self.app.api.from_path(path)  # type: ignore[attr-defined]
        except (WandbError, ValueError) as error:
            self.notify(f"Cannot open {path}: {error}", severity="error", timeout=8)
            return
        self.open(ref_for_object(obj), focus=True)

    def open_section(self, kind: Kind) -> None:
        if self.current is not None and self.current.project:
            self.open(Ref(kind, self.current.entity, self.current.project), focus=True)
