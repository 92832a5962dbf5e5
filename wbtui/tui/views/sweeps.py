"""A project's sweeps, and one sweep: its state, config, runs and best run by its metric."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static, TabbedContent, TabPane

from ...core.models import Run, Sweep
from ..refs import Kind, Ref
from ..text import plain, state_tone, value, when
from ..widgets.json_tree import JsonTree
from ..widgets.paged_table import Cell, Column, PagedTable, Row
from .listing import FeedPane, ListView
from .run import TONE_STYLE
from .runs import BASE_COLUMNS, column, order_key, run_row, sorted_column
from .tabbed import TabbedView, detail_grid, tab_bindings


def metric_of(sweep: Sweep) -> tuple[str | None, str]:
    """The sweep's metric name and goal ("minimize" unless it says otherwise, as W&B)."""
    metric = sweep.config.get("metric") if isinstance(sweep.config, dict) else None
    if not isinstance(metric, dict) or not metric.get("name"):
        return None, ""
    return str(metric["name"]), str(metric.get("goal") or "minimize")


def run_ref(run: Run) -> Ref:
    return Ref(Kind.RUN, run.entity, run.project, run.id, label=run.display_name or "")


class SweepsView(ListView[Sweep]):
    HELP = "A project's sweeps with their method, state, runs and best metric value; Enter opens one."
    COLUMNS = [Column("id", "Sweep", 10), Column("name", "Name", 20, grow=True), Column("method", "Method", 7),
               Column("state", "State", 9), Column("runs", "Runs", 7, True), Column("best", "Best", 22, grow=True),
               Column("created", "Created", 16)]
    NOUN = "sweeps"
    EMPTY = "No sweeps in this project."

    @property
    def heading(self) -> str:
        return f"Sweeps · {self.ref.entity}/{self.ref.project}"

    async def source(self):
        project = await self.api.project(self.ref.project, self.ref.entity)
        return project.sweeps(per_page=100)

    def make_row(self, sweep: Sweep) -> Row:
        metric, goal = metric_of(sweep)
        best = f"{metric} {value(sweep.best_loss)}" if metric and sweep.best_loss is not None else (metric or "")
        runs = f"{sweep.run_count or 0}" + (f"/{sweep.expected_run_count}" if sweep.expected_run_count else "")
        cells = (Cell(plain(sweep.id)), Cell(plain(sweep.display_name or sweep.config.get("name") or "")),
                 Cell(plain(sweep.method)), Cell(plain((sweep.state or "").lower()), state_tone(sweep.state)),
                 Cell(runs), Cell(plain(best)), Cell(when(sweep.created_at)))
        return Row(sweep.id, cells, sweep)

    def open_ref(self, row: Row) -> Ref:
        sweep: Sweep = row.data  # type: ignore[assignment]
        return Ref(Kind.SWEEP, self.ref.entity, self.ref.project, sweep.id, label=sweep.name if sweep.name != sweep.id else "")


TABS = ["overview", "config", "runs"]


class SweepView(TabbedView):
    HELP = "A sweep. 1-3 switch tabs; b opens the best run; in Runs, s sorts and Enter opens a run."
    TABS = TABS
    BINDINGS = tab_bindings("sweep", TABS) + [
        Binding("b", "best_run", "Best run", id="sweep.best", tooltip="Open the best run by the sweep's metric"),
    ]

    def __init__(self, ref: Ref) -> None:
        super().__init__(ref)
        self.sweep: Sweep | None = None
        self.best: Run | None = None
        self.order = "-created_at"
        self.columns: list[str] = []

    @property
    def heading(self) -> str:
        name = f" {self.ref.label}" if self.ref.label else ""
        return f"Sweep{name} · {self.ref.entity}/{self.ref.project}/{self.ref.name}"

    def compose_body(self) -> ComposeResult:
        with TabbedContent(classes="view-body"):
            with TabPane("1 Overview", id="overview"), VerticalScroll():
                yield Static("", classes="details")
            with TabPane("2 Config", id="config"):
                yield JsonTree(id="sweep-config")
            with TabPane("3 Runs", id="runs"):
                yield FeedPane("runs", lambda run: run_row(run, self.columns), [], empty="No runs in this sweep yet.",
                               describe=lambda: f"sort {self.order} · Enter opens a run", sortable=True,
                               table_id="sweep-runs", classes="pane")

    async def load(self) -> None:
        sweep = await self.api.sweep(f"{self.ref.entity}/{self.ref.project}/{self.ref.name}")
        self.sweep = sweep
        metric, _ = metric_of(sweep)
        base = list(BASE_COLUMNS)
        self.columns = base[:2] + [f"summary:{metric}"] + base[2:] if metric else base  # the metric in view
        self.query_one("#sweep-config", JsonTree).show(sweep.config if isinstance(sweep.config, dict) else {})
        self._show_overview(sweep)
        await self.reset_tabs()
        self.best = await self._best_run(sweep)
        self._show_overview(sweep)

    async def _best_run(self, sweep: Sweep) -> Run | None:
        """The run with the best value of the sweep's metric (runs without it do not count)."""
        metric, _ = metric_of(sweep)
        if not metric or not sweep.order:
            return None
        filters = {"$and": [{"sweep": sweep.id}, {f"summary_metrics.{metric}": {"$exists": True}}]}
        page = await self.api.runs(f"{sweep.entity}/{sweep.project}", filters=filters, order=sweep.order,
                                   per_page=1, summary_keys=[metric]).first_page()
        return page.items[0] if page.items else None

    def _show_overview(self, sweep: Sweep) -> None:
        metric, goal = metric_of(sweep)
        best: Any = ""
        if self.best is not None and metric:
            best = Text(plain(f"{self.best.display_name or self.best.id} ({self.best.id}) "
                              f"{metric}={value(self.best.summary.get(metric))}"))
            best.append("  b opens it", style="dim")
        runs = f"{sweep.run_count or 0}" + (f" of {sweep.expected_run_count} expected" if sweep.expected_run_count else "")
        rows = [
            ("Sweep", sweep.id), ("Name", sweep.display_name or sweep.config.get("name")),
            ("State", Text(plain((sweep.state or "").lower()), style=TONE_STYLE.get(state_tone(sweep.state), ""))),
            ("Method", sweep.method), ("Metric", f"{metric} ({goal})" if metric else "none"),
            ("Best run", best), ("Best value", value(sweep.best_loss)), ("Runs", runs),
            ("Program", sweep.config.get("program")), ("Created", when(sweep.created_at)),
            ("Updated", when(sweep.updated_at)), ("Description", sweep.description), ("URL", sweep.url),
        ]
        self.query_one(".details", Static).update(detail_grid(rows))

    async def load_tab(self, tab: str) -> None:
        if tab == "runs":
            await self._load_runs()

    async def _load_runs(self) -> None:
        sweep = self.sweep
        assert sweep is not None
        pane = self.query_one(FeedPane)
        pane.columns = [column(key) for key in self.columns]
        summary_keys = ["_runtime"] + [c.partition(":")[2] for c in self.columns if c.startswith("summary:")]
        await pane.show(self.api.runs(f"{sweep.entity}/{sweep.project}", filters={"sweep": sweep.id},
                                      order=self.order, per_page=200, summary_keys=summary_keys))
        pane.table.show_sort(sorted_column(self.columns, self.order), self.order.startswith("-"))

    @on(PagedTable.SortRequested, "#sweep-runs")
    def _sort(self, event: PagedTable.SortRequested) -> None:
        event.stop()
        key = order_key(event.column.key)
        if key is None:
            self.notify(f"The server cannot sort by {event.column.label.lower()}.", severity="warning", markup=False)
            return
        self.order = ("-" if event.descending else "+") + key
        self._resort()

    @work(group="tab", exclusive=True, exit_on_error=False)
    async def _resort(self) -> None:
        await self._load_runs()

    @on(PagedTable.Selected, "#sweep-runs")
    def _open_run(self, event: PagedTable.Selected) -> None:
        event.stop()
        self.screen.open(run_ref(event.row.data), focus=True)  # type: ignore[arg-type, attr-defined]

    def action_best_run(self) -> None:
        if self.best is None:
            self.notify("No run of this sweep has a value of its metric yet.")
            return
        self.screen.open(run_ref(self.best), focus=True)  # type: ignore[attr-defined]

