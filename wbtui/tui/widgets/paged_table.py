"""A table whose rows arrive page by page and are drawn line by line.

Textual's DataTable measures every cell when rows are added (10k rows take about a second and
100k freeze the UI), so lists that can be long use this Line API table instead: only the visible
lines are rendered, and the owner is asked for more rows as the cursor nears the end of what has
loaded. It never fetches anything itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

# How close to the last loaded row the cursor may get before more rows are requested.
PREFETCH_ROWS = 200
# Rows whose texts size the growing columns (the first ones: a list's width stays put as it pages).
MEASURED_ROWS = 200


class Column(NamedTuple):
    key: str
    label: str
    width: int
    align_right: bool = False
    # takes what it needs of the room a wide terminal leaves (up to 3x its width): names, descriptions
    grow: bool = False


class Cell(NamedTuple):
    text: str
    # a component class suffix such as "good" or "bad"; see COMPONENT_CLASSES
    tone: str = ""


@dataclass(frozen=True, eq=False, slots=True)  # compared and hashed by identity: a cheap cache key
class Row:
    key: str
    cells: tuple[Cell, ...]
    data: object = None


class LazyRow:
    """A row whose cells are made from its data when it is drawn (or asked for). A list of
    10,000 runs then holds one small object per run, not a row, a tuple and a cell per column,
    which the garbage collector would walk through again and again while you scroll."""

    __slots__ = ("_cells_of", "data", "key")

    def __init__(self, key: str, data: Any, cells_of: Callable[[Any], tuple[Cell, ...]]) -> None:
        self.key, self.data, self._cells_of = key, data, cells_of

    @property
    def cells(self) -> tuple[Cell, ...]:
        return self._cells_of(self.data)


class PagedTable(ScrollView, can_focus=True):
    """Rows with a cursor, marks and a sortable column; it asks for more rows as you scroll."""

    ALLOW_SELECT = False  # rows are not text to select, as in Textual's DataTable

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="table.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="table.down"),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False, id="table.page_up"),
        Binding("pagedown,ctrl+f", "page(1)", "Page down", show=False, id="table.page_down"),
        Binding("home,g", "home", "First", show=False, id="table.first"),
        Binding("end,G", "end", "Last", show=False, id="table.last"),
        Binding("left,h", "column(-1)", "Column left", show=False, id="table.left"),
        Binding("right,l", "column(1)", "Column right", show=False, id="table.right"),
        Binding("enter", "select", "Open", id="table.open", tooltip="Open the row"),
        Binding("space", "mark", "Mark", id="table.mark", tooltip="Mark or unmark the row"),
        Binding("s", "sort", "Sort", id="table.sort", tooltip="Sort by the column under the cursor"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paged-table--header",
        "paged-table--header-cursor",
        "paged-table--cursor",
        "paged-table--marked",
        "paged-table--good",
        "paged-table--bad",
        "paged-table--busy",
        "paged-table--muted",
    }

    DEFAULT_CSS = """
    PagedTable { height: 1fr; }
    PagedTable > .paged-table--header { text-style: bold; background: $panel; }
    PagedTable > .paged-table--header-cursor { text-style: bold reverse; background: $panel; }
    PagedTable > .paged-table--cursor { background: $block-cursor-blurred-background; }
    PagedTable:focus > .paged-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    PagedTable > .paged-table--marked { text-style: bold; color: $accent; }
    PagedTable > .paged-table--good { color: $success; }
    PagedTable > .paged-table--bad { color: $error; }
    PagedTable > .paged-table--busy { color: $warning; }
    PagedTable > .paged-table--muted { color: $text-muted; }
    """

    # the watchers redraw what a move changes (two lines; the header): not the whole table
    cursor_row: reactive[int] = reactive(0, init=False, repaint=False)
    cursor_column: reactive[int] = reactive(0, init=False, repaint=False)

    class _TableMessage(Message):
        def __init__(self, table: PagedTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> PagedTable:
            return self.table

    class NeedMore(_TableMessage):
        """The cursor is near the end of the loaded rows and more exist."""

    class Viewed(_TableMessage):
        """Other rows are on screen (scrolled, resized, rows added): see `visible_rows`."""

        def can_replace(self, message: Message) -> bool:  # one is enough while a scroll goes on
            return isinstance(message, PagedTable.Viewed) and message.table is self.table

    class _RowMessage(_TableMessage):
        def __init__(self, table: PagedTable, row: Row | LazyRow) -> None:
            super().__init__(table)
            self.row = row

    class Selected(_RowMessage):
        """Enter (or a double click) on a row."""

    class Highlighted(_RowMessage):
        """The cursor moved to a row."""

    class SortRequested(_TableMessage):
        def __init__(self, table: PagedTable, column: Column, descending: bool) -> None:
            super().__init__(table)
            self.column = column
            self.descending = descending

    class MarksChanged(_TableMessage):
        def __init__(self, table: PagedTable, marked: frozenset[str]) -> None:
            super().__init__(table)
            self.marked = marked

    def __init__(self, *, sortable: bool = True, markable: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.columns: list[Column] = []
        self.widths: list[int] = []  # the columns' widths as drawn (growing columns take the room left)
        self._needs: list[int] = []  # each column's widest text among the first rows
        self.rows: list[Row | LazyRow] = []
        self.has_more = False
        self.sortable = sortable
        self.markable = markable
        self.sort_key: str | None = None
        self.sort_descending = False
        self.marked: set[str] = set()
        self.empty_text = "Nothing here."
        self._more_requested = False
        self._styles: dict[str, Style] = {}
        # strips of rows drawn lately: two screens of 50 lines (each keeps its crops alive, young objects
        # that every garbage collection of the first generations walks through)
        self._strips: LRUCache[tuple[Row | LazyRow, bool, bool], Strip] = LRUCache(100)

    # -- data from the owner ---------------------------------------------------------------

    def set_columns(self, columns: list[Column]) -> None:
        self.columns = list(columns)
        self.cursor_column = min(self.cursor_column, max(len(self.columns) - 1, 0))
        self._strips.clear()
        self._measure()
        self._resize()

    def _measure(self) -> None:
        """How wide each column's texts are among the first rows (then fit the columns)."""
        needs = [cell_len(column.label) + 2 for column in self.columns]  # a sort arrow
        for row in self.rows[:MEASURED_ROWS]:
            for i, cell in enumerate(row.cells):
                needs[i] = max(needs[i], cell_len(cell.text))
        self._needs = needs
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Give the growing columns what their texts need of the width the columns leave free,
        a fair share each while there is not enough for all, at most 3x their declared width."""
        widths = [column.width for column in self.columns]
        wants = {i: min(need, 3 * width) - width for i, (column, width, need)
                 in enumerate(zip(self.columns, widths, self._needs)) if column.grow and need > width}
        # room for a vertical scroll bar either way: rows that arrive later must not need a horizontal one
        room = self.size.width - self.styles.scrollbar_size_vertical - (sum(w + 1 for w in widths) + 2)
        while room > 0 and wants:
            share = max(room // len(wants), 1)
            for i in list(wants):
                given = min(share, wants[i], room)
                widths[i] += given
                room -= given
                wants[i] -= given
                if not wants[i]:
                    del wants[i]
        if widths != self.widths:
            self.widths = widths
            self._strips.clear()
            self._resize()

    def clear(self) -> None:
        self.rows = []
        self.has_more = False
        self._more_requested = False
        self.cursor_row = 0
        self.scroll_to(0, 0, animate=False)
        self._resize()

    def add_rows(self, rows: list[Row | LazyRow], *, has_more: bool) -> None:
        first = len(self.rows)
        self.rows.extend(rows)
        self.has_more = has_more
        self._more_requested = False
        if first < MEASURED_ROWS:
            self._measure()
        # drawn again only if the new rows (or the line they replace) are on screen
        self._resize(repaint=first <= round(self.scroll_y) + self.size.height)
        self._maybe_need_more()
        self.post_message(self.Viewed(self))
        if rows and len(self.rows) == len(rows):
            self.post_message(self.Highlighted(self, self.rows[0]))

    def replace_row(self, row: Row | LazyRow) -> None:
        for index, old in enumerate(self.rows):
            if old.key == row.key:
                self.rows[index] = row
                self.refresh_line(index)
                if index < MEASURED_ROWS:  # details filled in may be wider
                    needs = [max(need, cell_len(cell.text)) for need, cell in zip(self._needs, row.cells)]
                    if needs != self._needs:
                        self._needs = needs
                        self._fit_columns()

    @property
    def visible_rows(self) -> list[Row | LazyRow]:
        """The rows on screen (under the header)."""
        top = round(self.scroll_y)
        return self.rows[top:top + self._body_height]

    @property
    def current_row(self) -> Row | LazyRow | None:
        if 0 <= self.cursor_row < len(self.rows):
            return self.rows[self.cursor_row]
        return None

    def move_to_key(self, key: str) -> bool:
        for index, row in enumerate(self.rows):
            if row.key == key:
                self.cursor_row = index
                return True
        return False

    # -- geometry ---------------------------------------------------------------------------

    def _resize(self, *, repaint: bool = True) -> None:
        size = Size(sum(w + 1 for w in self.widths) + 2, len(self.rows) + 1)
        old = self.virtual_size
        if self.show_vertical_scrollbar and size.width == old.width and size.height >= old.height:
            # more rows below a scroll bar already shown: Textual's own scroll bar update, without
            # the layout of the whole screen that setting `virtual_size` asks for (12 ms a page)
            self.set_reactive(PagedTable.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size
        if repaint:
            self.refresh()

    def refresh_line(self, index: int) -> None:
        y = index - round(self.scroll_y) + 1
        if 0 < y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    @property
    def _body_height(self) -> int:
        """Lines for rows: under the header, above the horizontal scroll bar (if shown)."""
        return max(self.scrollable_content_region.height - 1, 0)

    def _column_x(self, index: int) -> tuple[int, int]:
        start = 2 + sum(w + 1 for w in self.widths[:index])
        return start, start + self.widths[index]

    def _scroll_cursor_into_view(self) -> None:
        body = max(self._body_height, 1)
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + body:
            self.scroll_to(y=self.cursor_row - body + 1, animate=False)
        if self.columns:
            start, end = self._column_x(self.cursor_column)
            left = round(self.scroll_x)
            if start < left:
                self.scroll_to(x=start - 2, animate=False)
            elif end > left + self.size.width:
                self.scroll_to(x=end - self.size.width + 1, animate=False)

    # -- rendering --------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        base = self._style("")
        if y == 0:
            strip = self._header_strip()
        else:
            index = scroll_y + y - 1
            if index < len(self.rows):
                row = self.rows[index]
                # rows are drawn again on every scroll: keep the strips of what did not change
                key = (row, index == self.cursor_row, row.key in self.marked)
                strip = self._strips.get(key)
                if strip is None:
                    strip = self._strips[key] = self._row_strip(index)
            elif index == len(self.rows) and (self.has_more or not self.rows):
                text = "loading…" if self.has_more else self.empty_text
                strip = Strip([Segment("  " + text, self._style("muted"))])
            else:
                return Strip.blank(width, base)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _style(self, name: str) -> Style:
        """A component class's style ("" for the widget's own), computed once per theme."""
        style = self._styles.get(name)
        if style is None:
            style = self.rich_style if not name else self.get_component_rich_style(f"paged-table--{name}")
            self._styles[name] = style
        return style

    def _header_strip(self) -> Strip:
        header = self._style("header")
        segments = [Segment("  ", header)]
        for index, (column, width) in enumerate(zip(self.columns, self.widths)):
            label = column.label
            if column.key == self.sort_key:
                label += " ▼" if self.sort_descending else " ▲"
            style = header
            if index == self.cursor_column and self.sortable:
                style = self._style("header-cursor")
            segments.append(Segment(_fit(label, width, column.align_right), style))
            segments.append(Segment(" ", header))
        return Strip(Segment.simplify(segments), self._line_length())

    def _row_strip(self, index: int) -> Strip:
        row = self.rows[index]
        base = self._style("")
        marked = row.key in self.marked
        if marked:
            base += self._style("marked")
        on_cursor = index == self.cursor_row
        if on_cursor:
            base += self._style("cursor")
        segments = [Segment("● " if marked else "  ", base)]
        for column, width, cell in zip(self.columns, self.widths, row.cells):
            style = base
            if cell.tone and not on_cursor:
                style = base + self._style(cell.tone)
            segments.append(Segment(_fit(cell.text, width, column.align_right), style))
            segments.append(Segment(" ", base))
        # one segment per run of equal style: every later step (crop, filters) costs per segment
        return Strip(Segment.simplify(segments), self._line_length())

    def _line_length(self) -> int:
        """The cells of a header or row line (the mark, each column and a space): given to its
        Strip, which would otherwise measure it character by character ("…" is not ASCII)."""
        return 2 + sum(self.widths) + len(self.widths)

    # -- actions ----------------------------------------------------------------------------

    def watch_cursor_row(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        self._scroll_cursor_into_view()
        self._maybe_need_more()
        if (row := self.current_row) is not None:
            self.post_message(self.Highlighted(self, row))

    def watch_cursor_column(self) -> None:
        self.refresh(Region(0, 0, self.size.width, 1))
        self._scroll_cursor_into_view()

    def _maybe_need_more(self) -> None:
        if self.has_more and not self._more_requested:
            visible_end = round(self.scroll_y) + self.size.height
            if max(self.cursor_row, visible_end) >= len(self.rows) - PREFETCH_ROWS:
                self._more_requested = True
                self.post_message(self.NeedMore(self))

    def _move(self, row: int) -> None:
        self.cursor_row = max(0, min(row, len(self.rows) - 1))

    def action_cursor(self, delta: int) -> None:
        self._move(self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        self._move(self.cursor_row + direction * max(self._body_height - 1, 1))

    def action_home(self) -> None:
        self._move(0)

    def action_end(self) -> None:
        self._move(len(self.rows) - 1)

    def action_column(self, delta: int) -> None:
        if self.columns:
            self.cursor_column = max(0, min(self.cursor_column + delta, len(self.columns) - 1))

    def action_select(self) -> None:
        if (row := self.current_row) is not None:
            self.post_message(self.Selected(self, row))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A table that cannot mark or sort neither offers those keys nor takes them."""
        if (action == "mark" and not self.markable) or (action == "sort" and not self.sortable):
            return False
        return True

    def action_mark(self) -> None:
        if not self.markable or (row := self.current_row) is None:
            return
        self.marked.symmetric_difference_update({row.key})
        self.refresh_line(self.cursor_row)
        self.post_message(self.MarksChanged(self, frozenset(self.marked)))
        self.action_cursor(1)

    def action_sort(self) -> None:
        if not self.sortable or not self.columns:
            return
        column = self.columns[self.cursor_column]
        descending = not self.sort_descending if column.key == self.sort_key else True
        self.post_message(self.SortRequested(self, column, descending))

    def show_sort(self, key: str | None, descending: bool) -> None:
        self.sort_key, self.sort_descending = key, descending
        self.refresh(Region(0, 0, self.size.width, 1))

    def on_resize(self) -> None:
        self._fit_columns()
        self._maybe_need_more()
        self.post_message(self.Viewed(self))

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._maybe_need_more()
        if round(old) != round(new):
            self.post_message(self.Viewed(self))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            return
        index = round(self.scroll_y) + event.y - 1
        if index < len(self.rows):
            if index == self.cursor_row and event.chain == 2:
                self.action_select()
            self.cursor_row = index


def _fit(text: str, width: int, align_right: bool) -> str:
    """Cut or pad `text` to `width` cells (server strings are never markup)."""
    text = text.replace("\n", " ")
    if cell_len(text) > width:
        text = set_cell_size(text, width - 1) + "…"
    pad = " " * (width - cell_len(text))
    return pad + text if align_right else text + pad
