"""Launch jobs of a project (`list_jobs`), and one job: its source, entrypoint, runtime, input
and output types, and its versions.

The list is one request; a job's source type and runtime are only in its `wandb-job.json` (W&B
keeps neither in the job artifact's metadata, and the job name does not say reliably), so that
file is read for the rows that come on screen, not for every job.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static, TabbedContent, TabPane

from ...core.models import Job
from ..refs import Kind, Ref
from ..text import job_versions, plain, state_tone, when
from ..widgets.json_tree import JsonTree
from ..widgets.paged_table import Cell, Column, PagedTable, Row
from .listing import FeedPane, ListView
from .tabbed import TabbedView, detail_grid, tab_bindings

JobVersions = tuple[str, list[dict[str, Any]]]


def aliases(node: dict[str, Any]) -> list[str]:
    return [a.get("alias", "") for a in node.get("aliases") or [] if isinstance(a, dict)]


def latest(versions: list[dict[str, Any]]) -> dict[str, Any]:
    """The version aliased `latest` (else the last one listed)."""
    return next((v for v in versions if "latest" in aliases(v)), versions[-1] if versions else {})


def pick_alias(node: dict[str, Any]) -> str:
    """An alias that names this version: its `vN` if the server lists it, else another one."""
    names = aliases(node)
    return next((a for a in names if a[:1] == "v" and a[1:].isdigit()), names[0] if names else "latest")


def type_summary(wb_type: Any) -> str:
    """A W&B type description (`{"wb_type": "typedDict", ...}`) in a few words: `lr: number, ...`."""
    if not isinstance(wb_type, dict):
        return ""
    kind = wb_type.get("wb_type", "")
    params = wb_type.get("params") or {}
    if kind == "typedDict":
        fields = params.get("type_map") or {}
        return ", ".join(f"{k}: {type_summary(v) or '?'}" for k, v in fields.items()) or "{}"
    if kind == "union":
        return " | ".join(type_summary(t) for t in params.get("allowed_types") or [])
    if kind == "list":
        return f"list of {type_summary(params.get('element_type')) or '?'}"
    return str(kind)


def middle(text: str, width: int) -> str:
    """Cut from the middle: job names differ at their end (`job-<repo>_<script>`)."""
    if len(text) <= width:
        return text
    head = (width - 1) // 3
    return text[:head] + "…" + text[len(text) - (width - 1 - head):]


def source_text(job: Job) -> str:
    source = job.source
    match job.source_type:
        case "repo":
            git = source.get("git") or {}
            return " @ ".join(filter(None, [git.get("remote"), git.get("commit")]))
        case "artifact":
            return str(source.get("artifact") or "")
        case "image":
            return str(source.get("image") or "")
    return ""


class JobsView(ListView[JobVersions]):
    HELP = "A project's launch jobs: versions, latest aliases and source; Enter opens one."
    COLUMNS = [Column("name", "Job", 34, grow=True), Column("versions", "Versions", 8, True),
               Column("aliases", "Latest aliases", 16), Column("source", "Source", 8), Column("runtime", "Runtime", 8)]
    NOUN = "jobs"
    EMPTY = "No jobs in this project."
    DETAILS_ON_SCREEN = True

    @property
    def heading(self) -> str:
        return f"Jobs · {self.ref.entity}/{self.ref.project}"

    async def source(self):
        return list(job_versions(await self.api.list_jobs(self.ref.entity, self.ref.project)).items())

    def make_row(self, item: JobVersions, job: Job | None = None, failed: bool = False) -> Row:
        name, versions = item
        pending = "?" if failed else "…"
        cells = (Cell(middle(plain(name), 34)), Cell(str(len(versions))), Cell(plain(", ".join(aliases(latest(versions))))),
                 Cell(plain(job.source_type or "") if job else pending, "" if job else "muted"),
                 Cell(plain(job.runtime or "") if job else pending, "" if job else "muted"))
        return Row(name, cells, item)

    async def details(self, items: list[JobVersions]) -> None:
        async def detail(item: JobVersions) -> Row:
            return self.make_row(item, await self.api.job(f"{self.ref.entity}/{self.ref.project}/{item[0]}:latest"))

        assert self.feed is not None
        await self.feed.fill(items, detail, lambda item: self.make_row(item, failed=True))

    def open_ref(self, row: Row) -> Ref:
        return Ref(Kind.JOB, self.ref.entity, self.ref.project, row.key)


TABS = ["overview", "types", "versions"]
VERSION_COLUMNS = [Column("aliases", "Aliases", 30), Column("state", "State", 10),
                   Column("id", "Artifact id", 30, grow=True)]


def version_row(node: dict[str, Any]) -> Row:
    state = (node.get("state") or "").lower()
    cells = (Cell(plain(", ".join(aliases(node)))), Cell(plain(state), state_tone("finished" if state == "committed" else state)),
             Cell(plain(node.get("id"))))
    return Row(node.get("id", ""), cells, node)


class JobView(TabbedView):
    HELP = "A launch job. 1-3 switch tabs; in Versions, Enter shows that version; a opens it as an artifact."
    TABS = TABS
    BINDINGS = tab_bindings("job", TABS) + [
        Binding("a", "artifact", "Artifact", id="job.artifact", tooltip="Open this job version as an artifact"),
    ]

    def __init__(self, ref: Ref) -> None:
        super().__init__(ref)
        self.alias = "latest"
        self.job: Job | None = None

    @property
    def heading(self) -> str:
        return f"Job {self.ref.name} · {self.ref.entity}/{self.ref.project}"

    def compose_body(self) -> ComposeResult:
        with TabbedContent(classes="view-body"):
            with TabPane("1 Overview", id="overview"), VerticalScroll():
                yield Static("", classes="details")
            with TabPane("2 Types", id="types"):
                yield JsonTree(id="job-types")
            with TabPane("3 Versions", id="versions"):
                yield FeedPane("versions", version_row, VERSION_COLUMNS, describe=lambda: "Enter shows one",
                               empty="No versions.", table_id="job-versions", classes="pane")

    async def load(self) -> None:
        versions = job_versions(await self.api.list_jobs(self.ref.entity, self.ref.project)).get(self.ref.name, [])
        await self.query_one(FeedPane).show(versions)
        await self._show_job()
        await self.reset_tabs()

    async def _show_job(self) -> None:
        job = await self.api.job(f"{self.ref.entity}/{self.ref.project}/{self.ref.name}:{self.alias}")
        self.job = job
        artifact = job.artifact
        rows = [
            ("Job", self.ref.name), ("Version", f"{artifact.version} ({self.alias})" if self.alias != artifact.version else artifact.version),
            ("Aliases", ", ".join(artifact.aliases)), ("Source type", job.source_type), ("Source", source_text(job)),
            ("Entrypoint", " ".join(map(str, job.entrypoint or []))), ("Runtime", job.runtime),
            ("Notebook", "yes" if job.source.get("notebook") else ""), ("Partial", "yes" if job.partial else ""),
            ("Inputs", type_summary(job.input_types)), ("Outputs", type_summary(job.output_types)),
            ("Created", when(artifact.created_at)),
            ("Description", artifact.description),
        ]
        self.query_one(".details", Static).update(detail_grid(rows))
        self.query_one("#job-types", JsonTree).show({"input_types": job.input_types, "output_types": job.output_types})

    @on(PagedTable.Selected, "#job-versions")
    def _version(self, event: PagedTable.Selected) -> None:
        event.stop()
        self.alias = pick_alias(event.row.data)  # type: ignore[arg-type]
        self.action_tab("overview")
        self.reload()

    def action_artifact(self) -> None:
        if self.job is not None:
            artifact = self.job.artifact
            self.screen.open(Ref(Kind.ARTIFACT, artifact.entity, artifact.project,  # type: ignore[attr-defined]
                                 f"{artifact.collection_name}:{artifact.version}", parent="job"), focus=True)
