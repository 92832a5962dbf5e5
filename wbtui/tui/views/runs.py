"""A project's runs: no cap, pages load as you scroll, server-side sort and filter."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...core.models import Run
from ..refs import Kind, Ref
from ..screens.pick import PickScreen
from ..text import duration, plain, runtime, state_tone, username, value, when
from ..widgets.filter_bar import FilterBar
from ..widgets.paged_table import Cell, Column, LazyRow, PagedTable, Row
from .base import View

FIRST_PAGE = 100
# column key -> (label, width, the server's order key or None when it cannot sort by it)
BASE_COLUMNS: dict[str, tuple[str, int, str | None]] = {
    "name": ("Name", 24, "display_name"),
    "state": ("State", 9, "state"),
    "created": ("Created", 16, "created_at"),
    "runtime": ("Runtime", 8, "summary_metrics._runtime"),
    "user": ("User", 10, "username"),
    "tags": ("Tags", 16, None),
    "group": ("Group", 12, "group"),
}
GROWING = {"name", "tags", "group"}  # they take the room a wide terminal leaves


def order_key(column: str) -> str | None:
    """The server order key for a column: base columns, `config:<k>` and `summary:<k>`."""
    if column in BASE_COLUMNS:
        return BASE_COLUMNS[column][2]
    section, _, key = column.partition(":")
    return f"config.{key}.value" if section == "config" else f"summary_metrics.{key}"


def sorted_column(columns: list[str], order: str) -> str | None:
    """The column a server order (`-created_at`) sorts by, if it is shown."""
    return next((c for c in columns if order_key(c) == order.lstrip("+-")), None)


def column(key: str) -> Column:
    """The table column of a base column, `config:<k>` or `summary:<k>`."""
    if key in BASE_COLUMNS:
        label, width, _ = BASE_COLUMNS[key]
        return Column(key, label, width, grow=key in GROWING)
    name = key.partition(":")[2]
    return Column(key, name, max(8, min(len(name), 16)), align_right=True)


def run_row(run: Run, columns: list[str]) -> Row:
    return Row(run.id, run_cells(run, columns), run)


def run_cells(run: Run, columns: list[str] | tuple[str, ...]) -> tuple[Cell, ...]:
    cells = []
    for column in columns:
        match column:
            case "name":
                cells.append(Cell(plain(run.display_name or run.id)))
            case "state":
                cells.append(Cell(run.state, state_tone(run.state)))
            case "created":
                cells.append(Cell(when(run.created_at)))
            case "runtime":
                cells.append(Cell(duration(runtime(run))))
            case "user":
                cells.append(Cell(username(run)))
            case "tags":
                cells.append(Cell(plain(",".join(run.tags))))
            case "group":
                cells.append(Cell(plain(run.group)))
            case _:
                section, _, key = column.partition(":")
                source = run.config if section == "config" else run.summary
                cells.append(Cell(value(_dig(source, key), 40)))
    return tuple(cells)


def _dig(data: dict[str, Any], key: str) -> Any:
    if key in data:
        return data[key]
    for part in key.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


class RunsView(View):
    HELP = "Runs of a project. Filter with / (the filter language), sort with s, add columns with c."
    BINDINGS = [
        Binding("slash,f", "filter", "Filter", id="runs.filter", tooltip="Filter runs"),
        Binding("c", "add_column", "Column+", id="runs.add_column", tooltip="Add a config or summary column"),
        Binding("x", "remove_column", "Column−", id="runs.remove_column",
                tooltip="Remove the column under the cursor"),
        Binding("w", "toggle_sweeps", "Sweeps", id="runs.toggle_sweeps", tooltip="Show or hide sweep runs"),
        Binding("m", "compare", "Compare", id="runs.compare", tooltip="Chart the marked runs together"),
    ]

    def __init__(self, ref: Ref) -> None:
        super().__init__(ref)
        self.filter_text = ""
        self.filters: dict[str, Any] = {}
        self.order = "-created_at"
        self.columns = list(BASE_COLUMNS)
        self.hide_sweeps = False
        self.keys: dict[str, list[str]] = {"config": [], "summary": []}
        self._paginator = None
        self._cursor: str | None = None
        self.total: int | None = None
        self._fetching = False

    @property
    def heading(self) -> str:
        return f"Runs · {self.ref.entity}/{self.ref.project}"

    def compose_body(self) -> ComposeResult:
        yield Static("", classes="status")
        bar = FilterBar(classes="filter-bar")
        bar.display = False
        yield bar
        yield PagedTable(classes="view-body")

    @property
    def table(self) -> PagedTable:
        return self.query_one(PagedTable)

    def focus_first(self) -> None:
        self.table.focus()

    def loading_body(self, loading: bool) -> None:
        """The status line says so; the table keeps its rows and its focus."""
        if loading:
            self.query_one(".status", Static).update(Text("loading…", style="dim"))

    def _effective_filters(self) -> dict[str, Any]:
        if not self.hide_sweeps:
            return self.filters
        no_sweep = {"sweep": None}
        return {"$and": [self.filters, no_sweep]} if self.filters else no_sweep

    async def load(self) -> None:
        table = self.table
        table.set_columns([column(key) for key in self.columns])
        table.show_sort(sorted_column(self.columns, self.order), self.order.startswith("-"))
        extra = [c for c in self.columns if c not in BASE_COLUMNS]
        summary_keys = ["_runtime"] + [c.partition(":")[2] for c in extra if c.startswith("summary:")]
        config_keys = [c.partition(":")[2] for c in extra if c.startswith("config:")]
        query = dict(path=f"{self.ref.entity}/{self.ref.project}", filters=self._effective_filters(),
                     order=self.order, summary_keys=summary_keys, config_keys=config_keys or None)
        # A small first page shows rows at once; the rest come in big pages from its cursor.
        page_size = self.app.settings.runs_page_size  # type: ignore[attr-defined]
        first = self.api.runs(**query, per_page=min(FIRST_PAGE, page_size))
        page = await first.first_page()
        self.total = first.total
        self._paginator = self.api.runs(**query, per_page=page_size, start=page.cursor)
        self._fetching = False  # a fetch for the previous list may still run: its page is dropped
        table.clear()
        table.empty_text = "No runs match this filter." if self.filters else "No runs in this project yet."
        self._cursor = page.cursor
        await self._add(page.items, page.has_next)
        self._load_keys()

    @work(group="keys", exclusive=True, exit_on_error=False)
    async def _load_keys(self) -> None:
        """The project's config and summary keys, for completion and the column picker."""
        if not self.keys["config"] and not self.keys["summary"]:
            self.keys = await self.api.project_keys(f"{self.ref.entity}/{self.ref.project}")
            bar = self.query_one(FilterBar)
            bar.config_keys, bar.summary_keys = self.keys["config"], self.keys["summary"]

    @on(PagedTable.NeedMore)
    def _need_more(self, event: PagedTable.NeedMore) -> None:
        event.stop()
        if not self._fetching:
            self._load_more()

    @work(group="more", exit_on_error=False)
    async def _load_more(self) -> None:
        paginator, cursor = self._paginator, self._cursor
        if paginator is None or cursor is None:
            return
        self._fetching = True
        try:
            page = await paginator.page(cursor)
        finally:
            self._fetching = False
        if paginator is self._paginator:  # not a page of a list that was since reloaded
            self._cursor = page.cursor
            await self._add(page.items, page.has_next)

    async def _add(self, runs: list[Run], has_more: bool) -> None:
        """A page's rows at once (one layout pass, not one per slice); their cells are made
        only when drawn, so a 1,000-run page costs ~1,000 small objects and no formatting."""
        columns = tuple(self.columns)

        def cells_of(run: Run) -> tuple[Cell, ...]:
            return run_cells(run, columns)

        self.table.add_rows([LazyRow(run.id, run, cells_of) for run in runs], has_more=has_more)
        self._show_status()

    def _show_status(self) -> None:
        table = self.table
        total = self.total
        shown = f"{len(table.rows):,} of {total:,}" if total is not None else f"{len(table.rows):,}"
        parts = [f"{shown} runs", f"sort {self.order}"]
        if self.filter_text:
            parts.append(f"filter: {self.filter_text}")
        if self.hide_sweeps:
            parts.append("sweep runs hidden")
        if table.marked:
            parts.append(f"{len(table.marked)} marked (m compares)")
        self.query_one(".status", Static).update(Text(plain(" · ".join(parts))), layout=False)  # one line


    # -- events and actions -----------------------------------------------------------------

    @on(PagedTable.Selected)
    def _open_run(self, event: PagedTable.Selected) -> None:
        event.stop()
        run: Run = event.row.data  # type: ignore[assignment]
        self.screen.open(Ref(Kind.RUN, run.entity, run.project, run.id, label=run.display_name or ""), focus=True)  # type: ignore[attr-defined]

    @on(PagedTable.SortRequested)
    def _sort(self, event: PagedTable.SortRequested) -> None:
        event.stop()
        key = order_key(event.column.key)
        if key is None:
            self.notify(f"The server cannot sort by {event.column.label.lower()}.", severity="warning", markup=False)
            return
        self.order = ("-" if event.descending else "+") + key
        self.reload()

    @on(PagedTable.MarksChanged)
    def _marks(self, event: PagedTable.MarksChanged) -> None:
        event.stop()
        self.screen.marks[f"{self.ref.entity}/{self.ref.project}"] = [  # type: ignore[attr-defined]
            row.data for row in self.table.rows if row.key in event.marked
        ]
        self._show_status()

    def action_filter(self) -> None:
        self.query_one(FilterBar).open(self.filter_text)

    @on(FilterBar.Applied)
    def _filter_applied(self, event: FilterBar.Applied) -> None:
        event.stop()
        self.filter_text, self.filters = event.text, event.filters
        self.query_one(FilterBar).display = False
        self.table.focus()
        self.reload()

    @on(FilterBar.Cancelled)
    def _filter_cancelled(self, event: FilterBar.Cancelled) -> None:
        event.stop()
        self.query_one(FilterBar).display = False
        self.table.focus()

    def action_toggle_sweeps(self) -> None:
        self.hide_sweeps = not self.hide_sweeps
        self.reload()

    def action_add_column(self) -> None:
        options = [f"summary:{k}" for k in self.keys["summary"]] + [f"config:{k}" for k in self.keys["config"]]
        options = [o for o in options if o not in self.columns]
        if not options:
            self.notify("No more config or summary keys found in recent runs.")
            return

        def add(choice: str | None) -> None:
            if choice:
                self.columns.append(choice)
                self.reload()

        self.app.push_screen(PickScreen("Add a column", options), add)

    def action_remove_column(self) -> None:
        table = self.table
        if not table.columns:
            return
        key = table.columns[table.cursor_column].key
        if key == "name":
            self.notify("The name column stays.", severity="warning")
            return
        self.columns.remove(key)
        self.reload()

    def action_compare(self) -> None:
        runs = self.screen.marks.get(f"{self.ref.entity}/{self.ref.project}") or []  # type: ignore[attr-defined]
        if len(runs) < 1:
            self.notify("Mark runs with space first, then press m to chart them together.")
            return
        first: Run = runs[0]
        self.screen.open(Ref(Kind.RUN, first.entity, first.project, first.id, parent="charts"), focus=True)  # type: ignore[attr-defined]
