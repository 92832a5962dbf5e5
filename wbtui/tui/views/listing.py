"""Lists of server objects: a PagedTable fed page by page, with `/` to filter what has loaded.

`Feed` binds a `Paginator` (or a plain list) to a `PagedTable`: the first page on `start`, the
next one whenever the table asks (`more`). It keeps every row it received, so a filter can be
applied and removed without another request. `FeedPane` is such a table with its status line
and filter; `ListView` is a view made of one (tabs of other views hold more).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Key
from textual.message import Message
from textual.widgets import Input, Static

from ...core.errors import WandbError
from ...core.pages import Paginator
from ..refs import Ref
from ..text import plain
from ..widgets.paged_table import Column, PagedTable, Row
from .base import View

T = TypeVar("T")


def counted(number: int, noun: str) -> str:
    """"1 run", "2 runs" (`noun` is the plural)."""
    return f"{number:,} {noun[:-1] if number == 1 and noun.endswith('s') else noun}"


class Feed(Generic[T]):
    """Rows for `table` from a paginator, a page at a time; `needle` keeps the matching rows."""

    def __init__(self, table: PagedTable, make_row: Callable[[T], Row]) -> None:
        self.table = table
        self.make_row = make_row
        self.rows: list[Row] = []
        self.needle = ""
        self.total: int | None = None
        self._paginator: Paginator[T] | None = None
        self._cursor: str | None = None
        self._has_more = False

    async def start(self, source: Paginator[T] | Iterable[T]) -> list[T]:
        """Show the first page (or every item of a list); return its items."""
        if isinstance(source, Paginator):
            page = await source.first_page()
            self._paginator, self._cursor, self._has_more = source, page.cursor, page.has_next
            self.total, items = source.total, page.items
        else:
            items = list(source)
            self._paginator, self._cursor, self._has_more = None, None, False
            self.total = len(items)
        self.rows = [self.make_row(item) for item in items]
        self._show()
        return items

    async def more(self) -> list[T]:
        """The next page, if there is one; return its items."""
        if self._paginator is None or not self._has_more or self._cursor is None:
            return []
        page = await self._paginator.page(self._cursor)
        self._cursor, self._has_more = page.cursor, page.has_next
        self.total = self._paginator.total if self._paginator.total is not None else self.total
        rows = [self.make_row(item) for item in page.items]
        self.rows.extend(rows)
        self.table.add_rows([r for r in rows if self._matches(r)], has_more=self._has_more)
        return page.items

    def replace(self, row: Row) -> None:
        """Put a row with more details (counts filled in later) in place of the old one."""
        self.rows = [row if old.key == row.key else old for old in self.rows]
        self.table.replace_row(row)

    async def fill(self, items: Iterable[T], detail: Callable[[T], Awaitable[Row]],
                   fallback: Callable[[T], Row], limit: int = 8) -> None:
        """Replace each item's row with `detail(item)`, a few requests at a time; a row whose
        details fail gets `fallback(item)` (the list itself stays)."""
        gate = asyncio.Semaphore(limit)

        async def one(item: T) -> None:
            async with gate:
                try:
                    row = await detail(item)
                except (WandbError, ValueError):
                    row = fallback(item)
            self.replace(row)

        await asyncio.gather(*(one(item) for item in items))

    def filter(self, needle: str) -> None:
        self.needle = needle.strip().lower()
        self._show()

    @property
    def shown(self) -> int:
        return len(self.table.rows)

    def status(self, noun: str) -> str:
        """"12 of 40 runs", "3 of 12 loaded runs match 'x'"."""
        loaded = len(self.rows)
        if self.needle:
            return f"{self.shown:,} of {counted(loaded, 'loaded ' + noun)} match '{self.needle}'"
        if self.total is not None and self.total != loaded:
            return f"{loaded:,} of {counted(self.total, noun)}"
        return counted(loaded, noun)

    def _matches(self, row: Row) -> bool:
        return not self.needle or any(self.needle in cell.text.lower() for cell in row.cells)

    def _show(self) -> None:
        key = self.table.current_row.key if self.table.current_row else None
        self.table.clear()
        self.table.add_rows([r for r in self.rows if self._matches(r)], has_more=self._has_more)
        if key is not None:
            self.table.move_to_key(key)


class FeedPane(Vertical, Generic[T]):
    """A status line over a table that a `Feed` fills page by page; `/` filters the loaded rows.

    The owner calls `await pane.show(source)`; further pages load as the table asks, and each
    posts `FeedPane.More` with its items. `describe()` adds to the status line ("sort …").
    """

    BINDINGS = [Binding("slash", "filter", "Filter", id="list.filter", tooltip="Keep the rows that contain some text")]

    class More(Message):
        """Another page arrived (its items, for details that need more requests)."""

        def __init__(self, pane: FeedPane, items: list) -> None:
            super().__init__()
            self.pane = pane
            self.items = items

    def __init__(self, noun: str, make_row: Callable[[T], Row], columns: list[Column], *,
                 empty: str = "Nothing here yet.", describe: Callable[[], str] | None = None,
                 sortable: bool = False, table_id: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.noun, self.make_row, self.columns, self.empty = noun, make_row, columns, empty
        self.describe = describe or (lambda: "")
        self.sortable, self.table_id = sortable, table_id
        self.feed: Feed[T] | None = None

    def compose(self) -> ComposeResult:
        yield Static("", classes="status")
        search = Input(placeholder="filter the loaded rows · Enter keeps it · Esc clears", classes="list-filter")
        search.display = False
        yield search
        yield PagedTable(id=self.table_id, sortable=self.sortable, markable=False)

    @property
    def table(self) -> PagedTable:
        return self.query_one(PagedTable)

    async def show(self, source: Paginator[T] | Iterable[T]) -> list[T]:
        """Show the first page of `source` (all of a list); return its items."""
        table = self.table
        table.set_columns(self.columns)
        table.empty_text = self.empty
        feed: Feed[T] = Feed(table, self.make_row)
        if self.feed is not None:
            feed.needle = self.feed.needle  # a reload keeps the filter
        items = await feed.start(source)
        self.feed = feed
        self.refresh_status()
        return items

    def show_loading(self, loading: bool) -> None:
        """Say "loading…"; the table keeps its rows and can take focus meanwhile."""
        if loading:
            self.query_one(".status", Static).update(Text("loading…", style="dim"))
        else:
            self.refresh_status()

    def refresh_status(self) -> None:
        text = " · ".join(filter(None, [self.feed.status(self.noun), self.describe()])) if self.feed else ""
        self.query_one(".status", Static).update(Text(plain(text)))

    @on(PagedTable.NeedMore)
    def _need_more(self, event: PagedTable.NeedMore) -> None:
        event.stop()
        self._more()

    @work(group="more", exclusive=True, exit_on_error=False)
    async def _more(self) -> None:
        if self.feed is None:
            return
        try:
            items = await self.feed.more()
        except WandbError as error:  # the rows so far stay; r loads the list again
            self.query_one(".status", Static).update(Text(f"⚠ {plain(error)} — press r to retry", style="bold"))
            return
        self.refresh_status()
        if items:
            self.post_message(self.More(self, items))

    def action_filter(self) -> None:
        search = self.query_one(".list-filter", Input)
        search.display = True
        search.focus()

    @on(Input.Changed, ".list-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.feed is not None:
            self.feed.filter(event.value)
            self.refresh_status()

    @on(Input.Submitted, ".list-filter")
    def _filter_kept(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            event.input.display = False
        self.table.focus()

    def key_escape(self, event: Key) -> None:
        """Esc in the filter clears it; elsewhere it goes back (the screen's binding)."""
        search = self.query_one(".list-filter", Input)
        if search.has_focus:
            event.stop()
            search.value = ""
            search.display = False
            self.table.focus()


class ListView(View, Generic[T], can_focus=False):
    """A view that is one list: `COLUMNS`, `source()` and `make_row()`; Enter opens `open_ref()`.

    `details(items)` runs after each page in a worker, for what needs more requests per row
    (the list shows at once and fills them in); with `DETAILS_ON_SCREEN`, only for the rows
    that come on screen (when a row's details cost a download).
    """

    COLUMNS: ClassVar[list[Column]] = []
    NOUN: ClassVar[str] = "items"
    EMPTY: ClassVar[str] = "Nothing here yet."
    DETAILS_ON_SCREEN: ClassVar[bool] = False

    def __init__(self, ref: Ref) -> None:
        super().__init__(ref)
        self._detailed: set[str] = set()  # rows whose details were asked for (DETAILS_ON_SCREEN)

    def compose_body(self) -> ComposeResult:
        yield from self.compose_header()
        yield FeedPane(self.NOUN, self.make_row, self.COLUMNS, describe=self.status_extra, classes="pane")

    def compose_header(self) -> ComposeResult:
        """Widgets above the list (a summary of the parent object)."""
        yield from ()

    @property
    def pane(self) -> FeedPane[T]:
        return self.query_one(FeedPane)

    @property
    def feed(self) -> Feed[T] | None:
        return self.pane.feed

    @property
    def table(self) -> PagedTable:
        return self.pane.table

    def focus_first(self) -> None:
        self.table.focus()

    @property
    def empty_text(self) -> str:
        """What the table says when the list is empty."""
        return self.EMPTY

    def status_extra(self) -> str:
        """More for the status line."""
        return ""

    def source(self) -> Paginator[T] | Awaitable[Paginator[T] | Iterable[T]]:
        """The paginator of the list, or a coroutine giving it (or a plain list)."""
        raise NotImplementedError

    def make_row(self, item: T) -> Row:
        raise NotImplementedError

    def open_ref(self, row: Row) -> Ref | None:
        return None

    async def details(self, items: list[T]) -> None:
        """Fill in what the list itself does not carry (runs in a worker after each page)."""

    async def load(self) -> None:
        pane = self.pane
        pane.empty = self.empty_text
        source = self.source()
        items = await pane.show(source if isinstance(source, Paginator) else await source)
        self.workers.cancel_group(self, "details")  # those of the list before this load
        self._detailed = set()
        if self.DETAILS_ON_SCREEN:
            self._details_on_screen()
        else:
            self._details(items)

    def loading_body(self, loading: bool) -> None:
        self.pane.show_loading(loading)

    @on(FeedPane.More)
    def _more_items(self, event: FeedPane.More) -> None:
        event.stop()
        if not self.DETAILS_ON_SCREEN:
            self._details(event.items)

    @on(PagedTable.Viewed)
    def _viewed(self, event: PagedTable.Viewed) -> None:
        event.stop()
        if self.DETAILS_ON_SCREEN:
            self._details_on_screen()

    def _details_on_screen(self) -> None:
        rows = [row for row in self.table.visible_rows if row.key not in self._detailed]
        if rows:
            self._detailed.update(row.key for row in rows)
            self._details([row.data for row in rows])

    @work(group="details", exit_on_error=False)
    async def _details(self, items: list[T]) -> None:
        await self.details(items)

    @on(PagedTable.Selected)
    def _selected(self, event: PagedTable.Selected) -> None:
        event.stop()
        if (ref := self.open_ref(event.row)) is not None:
            self.screen.open(ref, focus=True)  # type: ignore[attr-defined]
