"""A run: overview, config, summary, charts, files, console log and artifacts, in tabs.

A running run refreshes itself: its overview, summary and the open tab reload every few
seconds, and the console log follows.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.timer import Timer
from textual.widgets import Static, TabbedContent, TabPane

from ...core.models import Run
from ..text import duration, runtime, state_tone, username, when
from ..widgets.json_tree import JsonTree
from .run_panes import ArtifactsPane, ChartsPane, FilesPane, LogsPane
from .tabbed import TabbedView, detail_grid, tab_bindings

LIVE_SECONDS = 5.0
TONE_STYLE = {"good": "green", "bad": "red", "busy": "yellow", "muted": "dim"}


class RunView(TabbedView):
    HELP = "A run. 1-7 switch tabs; charts overlay the runs marked in the runs list."
    TABS = ["overview", "config", "summary", "charts", "files", "logs", "artifacts"]
    BINDINGS = tab_bindings("run", TABS)

    def __init__(self, ref) -> None:
        super().__init__(ref)
        self.run: Run | None = None
        self._live: Timer | None = None

    @property
    def heading(self) -> str:
        name = f" {self.ref.label}" if self.ref.label and self.ref.label != "charts" else ""
        return f"Run{name} · {self.ref.entity}/{self.ref.project}/{self.ref.name}"

    def compose_body(self) -> ComposeResult:
        with TabbedContent(initial="charts" if self.ref.parent == "charts" else "overview"):
            with TabPane("1 Overview", id="overview"):
                yield Static("", classes="details")
            with TabPane("2 Config", id="config"):
                yield JsonTree(id="config-tree")
            with TabPane("3 Summary", id="summary"):
                yield JsonTree(id="summary-tree")
            with TabPane("4 Charts", id="charts"):
                yield ChartsPane()
            with TabPane("5 Files", id="files"):
                yield FilesPane()
            with TabPane("6 Logs", id="logs"):
                yield LogsPane()
            with TabPane("7 Artifacts", id="artifacts"):
                yield ArtifactsPane()

    async def load(self) -> None:
        run = await self.api.run(f"{self.ref.entity}/{self.ref.project}/{self.ref.name}")
        if run._config is None:
            await run.load()
        self.run = run
        await self._show_overview(run)
        await self.reset_tabs()
        self._follow(run.state == "running")

    async def _show_overview(self, run: Run) -> None:
        metadata = await run.metadata() or {}
        git = metadata.get("git") or {}
        state = Text(run.state, style=TONE_STYLE.get(state_tone(run.state), ""))
        rows: list[tuple[str, Any]] = [
            ("State", state), ("Name", run.display_name), ("ID", run.id), ("User", username(run)),
            ("Host", run.host or metadata.get("host")), ("Created", when(run.created_at)),
            ("Heartbeat", when(run.heartbeat_at)), ("Runtime", duration(runtime(run))),
            ("Group", run.group), ("Job type", run.job_type), ("Sweep", run.sweep_name),
            ("Tags", ", ".join(run.tags)), ("Notes", run.notes),
            ("Git", " ".join(filter(None, [git.get("remote"), run.commit or git.get("commit")]))),
            ("Program", metadata.get("program") or metadata.get("codePath")),
            ("Python", metadata.get("python")), ("OS", metadata.get("os")),
            ("URL", run.url),
        ]
        table = detail_grid(rows)
        self.query_one(".details", Static).update(table)
        self.query_one("#config-tree", JsonTree).show(run.config)
        self.query_one("#summary-tree", JsonTree).show(run.summary)

    async def load_tab(self, tab: str, *, follow: bool = False) -> None:
        run = self.run
        assert run is not None
        match tab:
            case "charts":
                marked = self.screen.marks.get(f"{run.entity}/{run.project}", [])  # type: ignore[attr-defined]
                await self.query_one(ChartsPane).load(run, marked)
            case "files":
                await self.query_one(FilesPane).load(run)
            case "logs":
                await self.query_one(LogsPane).load(run, follow=follow)
            case "artifacts":
                await self.query_one(ArtifactsPane).load(run)

    # -- live refresh of a running run ------------------------------------------------------

    def _follow(self, running: bool) -> None:
        if running and self._live is None:
            self._live = self.set_interval(LIVE_SECONDS, self._tick)
        elif not running and self._live is not None:
            self._live.stop()
            self._live = None

    def _tick(self) -> None:
        self._refresh_live()

    @work(exclusive=True, group="live", exit_on_error=False)
    async def _refresh_live(self) -> None:
        if self.run is None:
            return
        self.api.flush()
        run = await self.api.run(f"{self.ref.entity}/{self.ref.project}/{self.ref.name}")
        await run.load()
        self.run = run
        await self._show_overview(run)
        tab = self.active_tab
        if tab in ("charts", "logs") and tab in self.loaded_tabs:
            await self.load_tab(tab, follow=True)
        self._follow(run.state == "running")
