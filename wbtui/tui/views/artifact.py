"""One artifact version: overview, metadata, files with download, lineage, the other versions.

`[` and `]` move to the previous and next version of the collection; in Lineage, Enter opens
the run that logged the version or one that used it.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static, TabbedContent, TabPane

from ...config import downloads_dir
from ...core.models import Artifact, Run
from ..refs import Kind, Ref
from ..screens.prompt import PromptScreen
from ..text import plain, size, state_tone, when
from ..widgets.json_tree import JsonTree
from ..widgets.paged_table import Cell, Column, PagedTable, Row
from .artifacts import artifact_ref, run_label
from .listing import FeedPane, counted
from .run_panes import FilesPane
from .tabbed import TabbedView, detail_grid, tab_bindings

TABS = ["overview", "metadata", "files", "lineage", "versions"]
VERSION_COLUMNS = [Column("version", "Version", 8), Column("aliases", "Aliases", 24), Column("size", "Size", 9, True),
                   Column("files", "Files", 6, True), Column("created", "Created", 16)]
LINEAGE_COLUMNS = [Column("relation", "Relation", 10), Column("name", "Run", 26, grow=True),
                   Column("state", "State", 9),
                   Column("created", "Created", 16), Column("project", "Project", 20, grow=True)]


def version_row(artifact: Artifact) -> Row:
    cells = (Cell(artifact.version), Cell(plain(", ".join(artifact.aliases))), Cell(size(artifact.size)),
             Cell(f"{artifact.file_count:,}"), Cell(when(artifact.created_at)))
    return Row(artifact.version, cells, artifact)


def lineage_row(relation: str, run: Run) -> Row:
    cells = (Cell(relation, "good" if relation == "logged by" else "muted"), Cell(run_label(run)),
             Cell(run.state, state_tone(run.state)), Cell(when(run.created_at)), Cell(plain(f"{run.entity}/{run.project}")))
    return Row(f"{relation}:{run.entity}/{run.project}/{run.id}", cells, run)


class ArtifactView(TabbedView):
    HELP = "An artifact version. 1-5 switch tabs; [ and ] move between versions; D downloads every file."
    TABS = TABS
    BINDINGS = tab_bindings("artifact", TABS) + [
        Binding("left_square_bracket", "version(-1)", "Older", id="artifact.previous", tooltip="The previous version"),
        Binding("right_square_bracket", "version(1)", "Newer", id="artifact.next", tooltip="The next version"),
        Binding("D", "download_all", "Download all", id="artifact.download", tooltip="Download every file of this version"),
    ]

    def __init__(self, ref: Ref) -> None:
        super().__init__(ref)
        self.artifact: Artifact | None = None
        self.versions: list[Artifact] = []

    @property
    def heading(self) -> str:
        return f"Artifact {self.ref.name} ({self.ref.parent or 'artifact'}) · {self.ref.entity}/{self.ref.project}"

    def compose_body(self) -> ComposeResult:
        with TabbedContent(classes="view-body"):
            with TabPane("1 Overview", id="overview"), VerticalScroll():
                yield Static("", classes="details")
            with TabPane("2 Metadata", id="metadata"):
                yield JsonTree(id="metadata-tree")
            with TabPane("3 Files", id="files"):
                yield FilesPane()
            with TabPane("4 Lineage", id="lineage"):
                yield FeedPane("runs", lambda link: lineage_row(*link), LINEAGE_COLUMNS,
                               empty="No run logged or used this version.", describe=self._lineage_summary,
                               table_id="lineage-table", classes="pane")
            with TabPane("5 Versions", id="versions"):
                yield FeedPane("versions", version_row, VERSION_COLUMNS, describe=lambda: "Enter opens one",
                               table_id="versions-table", classes="pane")

    async def load(self) -> None:
        artifact = await self.api.artifact(f"{self.ref.entity}/{self.ref.project}/{self.ref.name}", type=self.ref.parent or None)
        self.artifact = artifact
        self._show_overview(artifact, None)
        self.query_one("#metadata-tree", JsonTree).show(artifact.metadata)
        await self.reset_tabs()
        await self._load_versions(artifact)
        self._show_overview(artifact, await artifact.logged_by())

    def _show_overview(self, artifact: Artifact, logged_by: Run | None) -> None:
        position = ""
        if self.versions:
            index = self._index()
            position = f" ({index + 1} of {len(self.versions)}; [ and ] move)" if index is not None else ""
        rows = [
            ("Type", artifact.type), ("Collection", artifact.collection_name), ("Version", artifact.version + position),
            ("Aliases", ", ".join(artifact.aliases)), ("Tags", ", ".join(artifact.tags)),
            ("Size", size(artifact.size)), ("Files", f"{artifact.file_count:,}"), ("Digest", artifact.digest),
            ("State", artifact.state), ("Created", when(artifact.created_at)), ("Updated", when(artifact.updated_at)),
            ("Logged by", run_label(logged_by) + (" — Lineage (4) opens it" if logged_by else "")),
            ("Source", artifact.source_qualified_name if artifact.is_link else ""),
            ("Description", artifact.description), ("URL", artifact.url),
        ]
        self.query_one(".details", Static).update(detail_grid(rows))

    async def _load_versions(self, artifact: Artifact) -> None:
        pane = self.query_one("#versions FeedPane", FeedPane)
        path = f"{artifact.entity}/{artifact.project}/{artifact.collection_name}"
        items = await pane.show(self.api.artifacts(artifact.type, path, per_page=500))
        self.versions = sorted(items, key=_version_number)
        pane.table.move_to_key(artifact.version)

    async def load_tab(self, tab: str) -> None:
        artifact = self.artifact
        assert artifact is not None
        match tab:
            case "files":
                await self.query_one(FilesPane).load(artifact)  # type: ignore[arg-type]
            case "lineage":
                await self._load_lineage(artifact)

    async def _load_lineage(self, artifact: Artifact) -> None:
        logged_by = await artifact.logged_by()
        used_by = await artifact.used_by()
        links = ([("logged by", logged_by)] if logged_by else []) + [("used by", run) for run in used_by]
        await self.query_one("#lineage FeedPane", FeedPane).show(links)

    def _lineage_summary(self) -> str:
        feed = self.query_one("#lineage FeedPane", FeedPane).feed
        relations = [row.key.partition(":")[0] for row in feed.rows] if feed else []
        used = counted(relations.count("used by"), "runs")
        return f"logged by {'a run' if 'logged by' in relations else 'no run'}, used by {used} · Enter opens a run"

    @on(PagedTable.Selected, "#lineage-table")
    def _open_run(self, event: PagedTable.Selected) -> None:
        event.stop()
        run: Run = event.row.data  # type: ignore[assignment]
        self.screen.open(Ref(Kind.RUN, run.entity, run.project, run.id, label=run.display_name or ""), focus=True)  # type: ignore[attr-defined]

    @on(PagedTable.Selected, "#versions-table")
    def _open_version(self, event: PagedTable.Selected) -> None:
        event.stop()
        self.screen.open(artifact_ref(event.row.data), focus=True)  # type: ignore[arg-type, attr-defined]

    # -- moving between versions ------------------------------------------------------------

    def _index(self) -> int | None:
        current = self.artifact.version if self.artifact else None
        return next((i for i, a in enumerate(self.versions) if a.version == current), None)

    def action_version(self, step: int) -> None:
        index = self._index()
        if index is None:
            self.notify("The versions of this collection are still loading.")
            return
        target = index + step
        if not 0 <= target < len(self.versions):
            self.notify("This is the " + ("oldest" if step < 0 else "newest") + " version.")
            return
        self.screen.open(artifact_ref(self.versions[target]), focus=True)  # type: ignore[attr-defined]

    # -- download ---------------------------------------------------------------------------

    def action_download_all(self) -> None:
        artifact = self.artifact
        if artifact is None:
            return
        default = str(downloads_dir() / artifact.source_name.replace(":", "-"))

        def chosen(folder: str | None) -> None:
            if folder:
                self._download_all(artifact, Path(folder).expanduser())

        self.app.push_screen(PromptScreen(f"Download {artifact.name} ({artifact.file_count} files) to", default,
                                          "a directory; files keep their paths inside it"), chosen)

    @work(group="download", exit_on_error=False)
    async def _download_all(self, artifact: Artifact, folder: Path) -> None:
        self.notify(f"Downloading {artifact.name}…", timeout=3, markup=False)
        try:
            root = await artifact.download(root=folder)
        except Exception as error:  # disk full, no permission, server error: say so
            self.notify(f"Download failed: {plain(error)}", severity="error", timeout=10, markup=False)
            return
        self.notify(f"Saved {artifact.name} to {root}", timeout=6, markup=False)


def _version_number(artifact: Artifact) -> int:
    return int(artifact.version[1:]) if artifact.version[1:].isdigit() else -1
