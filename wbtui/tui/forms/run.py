"""New run: entity, project and an optional run id (a generated one otherwise)."""

from __future__ import annotations

from textual.app import ComposeResult

from ...core.ids import generate_id
from ..refs import Kind, Ref
from . import rules
from .base import Conflict, Created, FormScreen, exists, python_call
from .fields import Field, text_input
from .suggest import EntitySuggester


class RunForm(FormScreen):
    TITLE = "New run"
    WATCH = ("entity", "project", "run_id")

    def __init__(self, **values: str) -> None:
        super().__init__(**values)
        # chosen once: every retry sends the same id, so the server's upsert makes one run
        self.auto_id = generate_id()

    def compose_fields(self) -> ComposeResult:
        v = self.values
        yield Field("Entity", text_input(v.get("entity", ""), "team or username", id="entity",
                                         suggester=EntitySuggester(self.api)), name="entity")
        yield Field("Project", text_input(v.get("project", ""), "created if it does not exist", id="project"),
                    name="project")
        yield Field("Run id", text_input(v.get("run_id", ""), f"{self.auto_id} (generated)", id="run_id"),
                    name="run_id", hint="optional; none of : ; , # ? / '")

    @property
    def run_id(self) -> str:
        return self.get("run_id") or self.auto_id

    def problems(self) -> dict[str, str]:
        checks = {"entity": rules.entity_name(self.get("entity")), "project": rules.project_name(self.get("project")),
                  "run_id": rules.run_id(self.get("run_id")) if self.get("run_id") else None}
        return {k: v for k, v in checks.items() if v}

    def identity(self) -> tuple[str, ...]:
        return (self.get("entity"), self.get("project"), self.run_id)

    async def existing(self) -> Conflict | None:
        entity, project, run_id = self.identity()
        if await exists(self.api.run(f"{entity}/{project}/{run_id}")):
            return Conflict("run_id", f"run {run_id} already exists in {entity}/{project}")
        return None

    async def send(self) -> Created:
        entity, project, run_id = self.identity()
        run = await self.api.create_run(run_id=run_id, project=project, entity=entity)
        return self.created(run.entity, run.project, run.id)

    async def recovered(self) -> Created:
        return self.created(*self.identity())

    def created(self, entity: str, project: str, run_id: str) -> Created:
        return Created(Ref(Kind.RUN, entity, project, run_id), Ref(Kind.ENTITY, entity),
                       f"Created run {entity}/{project}/{run_id}")

    def python_call(self) -> str:
        entity, project, run_id = self.identity()
        return python_call("create_run", {"run_id": run_id, "project": project, "entity": entity})
