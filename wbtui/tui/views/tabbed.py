"""Views whose parts sit in tabs that load when first shown; number keys switch tabs."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.widgets import Input, TabbedContent, TabPane, TextArea

from ..text import plain
from .base import View


def tab_bindings(prefix: str, tabs: list[str]) -> list[Binding]:
    """Keys 1..n for the tabs, with ids like `artifact.tab.files` (remappable)."""
    return [Binding(str(i + 1), f"tab('{tab}')", tab.capitalize(), show=False, id=f"{prefix}.tab.{tab}")
            for i, tab in enumerate(tabs)]


def detail_grid(rows: list[tuple[str, Any]]) -> Table:
    """Label / value lines; empty values are left out, server strings stay plain text (their
    line breaks kept)."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for label, value in rows:
        if value is None or value == "" or value == []:
            continue
        lines = str(value).splitlines() or [""]
        table.add_row(label, value if isinstance(value, Text) else Text("\n".join(plain(line) for line in lines)))
    return table


class TabbedView(View, can_focus=False):
    """Subclasses compose a `TabbedContent` whose pane ids are `TABS`, fetch their object in
    `load()` and then `await self.reset_tabs()`; `load_tab(tab)` fills one tab."""

    def __init__(self, ref) -> None:
        super().__init__(ref)
        self.loaded_tabs: set[str] = set()
        self.ready = False

    def focus_first(self) -> None:
        tabs = self.query("Tabs")  # composed once the TabbedContent is mounted
        (tabs.first() if tabs else self).focus()

    def loading_body(self, loading: bool) -> None:
        """The panes show that they load; the tabs stay usable (and focusable)."""
        for pane in self.query(TabPane):
            pane.loading = loading

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active or self.TABS[0]

    def action_tab(self, tab: str) -> None:
        """Show the tab and put the focus in it, so its keys (Enter on a list...) work at once."""
        self.query_one(TabbedContent).active = tab
        pane = self.query_one(f"TabPane#{tab}", TabPane)
        # not a text field: it would take the next number key instead of switching tabs
        target = next((w for w in pane.query("*") if w.can_focus and w.display
                       and not isinstance(w, (Input, TextArea))), None)
        if target is not None:
            self.call_after_refresh(target.focus)

    async def reset_tabs(self) -> None:
        """After a (re)load: forget which tabs are filled and fill the one on screen."""
        self.ready = True
        self.loaded_tabs = set()
        await self._show_tab(self.active_tab)

    async def _show_tab(self, tab: str) -> None:
        if tab not in self.loaded_tabs:
            self.loaded_tabs.add(tab)
            try:
                await self.load_tab(tab)
            except BaseException:
                self.loaded_tabs.discard(tab)  # r, or showing the tab again, retries
                raise

    async def load_tab(self, tab: str) -> None:
        """Fetch and show what one tab needs (runs in a worker)."""

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        if self.ready and event.pane.id not in self.loaded_tabs:
            self._tab_worker(event.pane.id or self.TABS[0])

    @work(group="tab", exit_on_error=False)
    async def _tab_worker(self, tab: str) -> None:
        await self._show_tab(tab)
