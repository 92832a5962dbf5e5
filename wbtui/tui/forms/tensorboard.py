"""Import TensorBoard logs as a run (sync_tensorboard): a directory, entity, project, run id."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.widgets import ProgressBar, Static

from ...core.ids import generate_id
from ...core.tensorboard import event_files
from ..refs import Kind, Ref
from . import rules
from .base import Conflict, Created, FormScreen, exists, python_call
from .fields import Field, text_input
from .suggest import EntitySuggester


class TensorBoardForm(FormScreen):
    TITLE = "Import TensorBoard logs"
    VERB = "Import"
    WATCH = ("entity", "project", "run_id", "directory")

    def __init__(self, **values: str) -> None:
        super().__init__(**values)
        # chosen once: a retry streams into the same run (file_stream offsets make it idempotent)
        self.auto_id = generate_id()
        self._scanned: tuple[str, int] | None = None  # (directory, number of event files)

    def compose_fields(self) -> ComposeResult:
        v = self.values
        yield Field("Directory", text_input(v.get("directory", ""), "~/runs/exp1 (searched recursively)",
                                            id="directory"), name="directory")
        yield Field("Entity", text_input(v.get("entity", ""), "team or username", id="entity",
                                         suggester=EntitySuggester(self.api)), name="entity")
        yield Field("Project", text_input(v.get("project", ""), "created if it does not exist", id="project"),
                    name="project")
        yield Field("Run id", text_input(v.get("run_id", ""), f"{self.auto_id} (generated)", id="run_id"),
                    name="run_id", hint="optional; a new run is made, never an existing one changed")
        yield Static("", classes="form-progress-label")
        yield ProgressBar(total=None, show_eta=False, classes="form-progress")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(ProgressBar).display = False

    @property
    def run_id(self) -> str:
        return self.get("run_id") or self.auto_id

    def path(self) -> Path:
        return Path(self.get("directory")).expanduser()

    def problems(self) -> dict[str, str]:
        directory = self.get("directory")
        checks = {
            "directory": None if directory else "enter the directory that holds the event files",
            "entity": rules.entity_name(self.get("entity")),
            "project": rules.project_name(self.get("project")),
            "run_id": rules.run_id(self.get("run_id")) if self.get("run_id") else None,
        }
        if directory and not self.path().exists():
            checks["directory"] = f"{self.path()} does not exist"
        elif self._scanned and self._scanned == (directory, 0):
            checks["directory"] = "no TensorBoard event files (*tfevents*) there"
        return {k: v for k, v in checks.items() if v}

    def identity(self) -> tuple[str, ...]:
        return (self.get("entity"), self.get("project"), self.run_id)

    async def existing(self) -> Conflict | None:
        self._scan()
        entity, project, run_id = self.identity()
        if await exists(self.api.run(f"{entity}/{project}/{run_id}")):
            return Conflict("run_id", f"run {run_id} already exists in {entity}/{project}")
        return None

    @work(exclusive=True, group="form-scan", exit_on_error=False)
    async def _scan(self) -> None:
        """Count the event files (in a thread: a big tree takes a while) and say so."""
        directory = self.get("directory")
        if not directory or not self.path().exists():
            return
        try:
            count = len(await asyncio.to_thread(event_files, self.path()))
        except ValueError:
            count = 0
        except OSError as error:
            self.field("directory").show_error(str(error))
            return
        self._scanned = (directory, count)
        self.field("directory").show_error(None if count else "no TensorBoard event files (*tfevents*) there")
        if count:
            self.query_one(".form-progress-label", Static).update(
                Text(f"{count} event file{'s' if count > 1 else ''} found", style="dim"))

    async def send(self) -> Created:
        entity, project, run_id = self.identity()
        bar = self.query_one(ProgressBar)
        label = self.query_one(".form-progress-label", Static)
        bar.update(total=None, progress=0)
        bar.display = True
        label.update(Text("reading the event files…"))

        def progress(done: int, total: int) -> None:
            bar.update(total=total, progress=done)
            label.update(Text(f"streamed {done:,} of {total:,} history rows"))

        try:
            run = await self.api.sync_tensorboard(self.path(), run_id=run_id, project=project, entity=entity,
                                                  progress=progress)
        finally:
            bar.display = False
        return Created(Ref(Kind.RUN, run.entity, run.project, run.id), Ref(Kind.ENTITY, run.entity),
                       f"Imported {self.path()} as run {run.entity}/{run.project}/{run.id}")

    def python_call(self) -> str:
        entity, project, run_id = self.identity()
        note = ("wandb 0.31 removed this method's module (wandb.sync): it needs wandb<=0.29; "
                "newer: wandb.init(sync_tensorboard=True)")
        return python_call("sync_tensorboard", {"root_dir": self.get("directory"), "run_id": run_id,
                                                "project": project, "entity": entity}, note)
