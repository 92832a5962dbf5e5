"""The tabs of a run's view that load on their own: charts, files, console log, artifacts.

Each pane gets the run with `load(run)` (called in the run view's worker) when its tab is
first shown, and again on refresh; it never fetches outside that call or its own workers.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Log, SelectionList, Static
from textual.widgets.selection_list import Selection

from ...config import downloads_dir
from ...core.models import Artifact, Run
from ..refs import Kind, Ref
from ..screens.prompt import PromptScreen
from ..text import plain, size, when
from ..widgets.metric_chart import MetricChart, series_from_rows
from ..widgets.paged_table import Cell, Column, PagedTable, Row

X_AXES = ["_step", "_runtime", "_timestamp"]
SMOOTHING = [0.0, 0.6, 0.8, 0.9, 0.95, 0.99]
MAX_CHARTS = 8


class ChartsPane(Horizontal):
    """Choose metrics on the left; each chosen metric is a chart of this run and the marked runs."""

    BINDINGS = [
        Binding("x", "x_axis", "X axis", id="charts.x_axis", tooltip="Step, runtime or wall time"),
        Binding("L", "log_scale", "Log", id="charts.log", tooltip="Log scale on the y axis"),
        Binding("plus,equals_sign", "smooth(1)", "Smooth+", id="charts.smooth_more"),
        Binding("minus", "smooth(-1)", "Smooth−", id="charts.smooth_less"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.run: Run | None = None
        self.others: list[Run] = []
        self.x_axis = "_step"
        self.log_y = False
        self.smoothing = 0.0
        self.data: dict[str, dict[str, list[dict]]] = {}

    def compose(self) -> ComposeResult:
        yield SelectionList[str](classes="metric-list")
        with Vertical():
            yield Static("", classes="status")
            yield VerticalScroll(classes="charts")

    async def load(self, run: Run, others: list[Run]) -> None:
        self.run, self.others = run, [o for o in others if o.id != run.id]
        keys = await _metric_keys(run)
        chosen = set(self.chosen) or set(keys[:2])
        metrics = self.query_one(SelectionList)
        metrics.clear_options()
        metrics.add_options([Selection(plain(k), k, k in chosen) for k in keys])
        await self._fetch()

    @property
    def chosen(self) -> list[str]:
        return list(self.query_one(SelectionList).selected)[:MAX_CHARTS]

    async def _fetch(self) -> None:
        assert self.run is not None
        keys = self.chosen
        if keys:
            api = self.run._api
            assert api is not None
            self.data = await api.sampled_histories([self.run, *self.others], keys, x_axis=self.x_axis)
        self.draw()

    def draw(self) -> None:
        assert self.run is not None
        runs = [self.run, *self.others]
        box = self.query_one(".charts", VerticalScroll)
        charts = list(box.query(MetricChart))
        keys = self.chosen
        for extra in charts[len(keys):]:
            extra.remove()
        for index, key in enumerate(keys):
            if index >= len(charts):
                chart = MetricChart()
                box.mount(chart)
            else:
                chart = charts[index]
            series = [series_from_rows(r.display_name or r.id, self.data.get(_path(r), {}).get(key, []), self.x_axis, key)
                      for r in runs]
            chart.show(key, series, x_label=self.x_axis, log_y=self.log_y, smoothing=self.smoothing)
        overlay = f" · with {len(self.others)} marked run(s)" if self.others else " · mark runs in the list to overlay them"
        self.query_one(".status", Static).update(Text(
            f"x: {self.x_axis} · {'log' if self.log_y else 'linear'} · smoothing {self.smoothing:g}{overlay}"
            + ("" if keys else " · choose metrics with space")))

    @on(SelectionList.SelectedChanged)
    def _metrics_changed(self) -> None:
        if self.run is not None:
            self._refetch()

    @work(exclusive=True, group="charts", exit_on_error=False)
    async def _refetch(self) -> None:
        await self._fetch()

    def action_x_axis(self) -> None:
        self.x_axis = X_AXES[(X_AXES.index(self.x_axis) + 1) % len(X_AXES)]
        self._refetch()

    def action_log_scale(self) -> None:
        self.log_y = not self.log_y
        self.draw()

    def action_smooth(self, step: int) -> None:
        index = SMOOTHING.index(self.smoothing) + step
        self.smoothing = SMOOTHING[max(0, min(index, len(SMOOTHING) - 1))]
        self.draw()


async def _metric_keys(run: Run) -> list[str]:
    """Numeric history keys, user metrics first, then system ones (`_` keys last)."""
    if run._history_keys is None:
        await run.load()
    keys = run.history_keys.get("keys", {}) if run.history_keys else {}
    numeric = [k for k, info in keys.items()
               if any(t.get("type") == "number" for t in (info or {}).get("typeCounts", []))] or list(keys)
    return sorted((k for k in numeric if k not in X_AXES), key=lambda k: (k.startswith("_"), k.startswith("system"), k))


def _path(run: Run) -> str:
    return f"{run.entity}/{run.project}/{run.id}"


class FilesPane(Vertical):
    BINDINGS = [Binding("d", "download", "Download", id="files.download", tooltip="Download the file")]

    def compose(self) -> ComposeResult:
        yield Static("", classes="status")
        yield PagedTable(sortable=False, markable=False)

    async def load(self, run: Run) -> None:
        table = self.query_one(PagedTable)
        table.set_columns([Column("name", "File", 36, grow=True), Column("size", "Size", 10, True),
                           Column("updated", "Updated", 16)])
        table.clear()
        total = 0
        async for page in run.files(per_page=500).pages():
            table.add_rows([Row(f.name, (Cell(plain(f.name)), Cell(size(f.size)), Cell(when(f.updated_at))), f)
                            for f in page.items], has_more=page.has_next)
            total += len(page.items)
        table.empty_text = "No files."
        self.query_one(".status", Static).update(f"{total} files · Enter or d downloads")

    @on(PagedTable.Selected)
    def _selected(self, event: PagedTable.Selected) -> None:
        event.stop()
        self.action_download()

    def action_download(self) -> None:
        row = self.query_one(PagedTable).current_row
        if row is None:
            return

        def chosen(folder: str | None) -> None:
            if folder:
                self._download(row.data, Path(folder).expanduser())

        self.app.push_screen(PromptScreen(f"Download {row.key} to", str(downloads_dir()),
                                          "a directory; the file keeps its name"), chosen)

    @work(group="download", exit_on_error=False)
    async def _download(self, file, folder: Path) -> None:
        try:
            path = await file.download(root=folder, replace=True)
        except Exception as error:  # disk full, no permission, server error: say so
            self.notify(f"Download failed: {error}", severity="error", timeout=10, markup=False)
            return
        self.notify(f"Saved {path}", timeout=6, markup=False)  # file names are server text


class LogsPane(Vertical):
    """The console log's last lines; a running run's log grows as it logs."""

    TAIL = 2000

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.shown = 0  # line numbers below this are on screen

    def compose(self) -> ComposeResult:
        yield Static("", classes="status")
        yield Log(max_lines=20_000, auto_scroll=True)

    async def load(self, run: Run, *, follow: bool = False) -> None:
        log = self.query_one(Log)
        if not follow:
            log.clear()
            self.shown = 0
        lines = []
        async for line in run.console_logs(last=self.TAIL):
            if line.number >= self.shown:
                prefix = "ERROR " if line.level == "error" else ""
                lines.append(f"{prefix}{line.content}".translate({27: "␛"}))
                self.shown = line.number + 1
        if lines:
            log.write_lines(lines)
        self.query_one(".status", Static).update(
            f"{self.shown:,} lines" + (" · following" if run.state == "running" else "") + " · End/G: newest")


class ArtifactsPane(Vertical):
    def compose(self) -> ComposeResult:
        yield Static("", classes="status")
        yield PagedTable(sortable=False, markable=False)

    async def load(self, run: Run) -> None:
        table = self.query_one(PagedTable)
        table.set_columns([Column("dir", "", 6), Column("name", "Artifact", 30, grow=True),
                           Column("type", "Type", 10),
                           Column("aliases", "Aliases", 18), Column("size", "Size", 9, True)])
        table.clear()
        rows = []
        for direction, paginator in (("logged", run.logged_artifacts()), ("used", run.used_artifacts())):
            async for artifact in paginator:
                rows.append(_artifact_row(direction, artifact))
        table.empty_text = "This run logged and used no artifacts."
        table.add_rows(rows, has_more=False)
        self.query_one(".status", Static).update(f"{len(rows)} artifacts · Enter opens one")

    @on(PagedTable.Selected)
    def _open(self, event: PagedTable.Selected) -> None:
        event.stop()
        artifact: Artifact = event.row.data  # type: ignore[assignment]
        self.screen.open(Ref(Kind.ARTIFACT, artifact.entity, artifact.project,  # type: ignore[attr-defined]
                             f"{artifact.collection_name}:{artifact.version}", parent=artifact.type), focus=True)


def _artifact_row(direction: str, artifact: Artifact) -> Row:
    cells = (Cell(direction, "good" if direction == "logged" else "muted"),
             Cell(plain(f"{artifact.collection_name}:{artifact.version}")), Cell(plain(artifact.type)),
             Cell(plain(", ".join(artifact.aliases))), Cell(size(artifact.size)))
    return Row(f"{direction}:{artifact.id}", cells, artifact)
