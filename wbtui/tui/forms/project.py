"""New project: entity, name, description, visibility."""

from __future__ import annotations

import inspect

from textual.app import ComposeResult
from textual.widgets import TextArea

from ..refs import Kind, Ref
from . import rules
from .base import Conflict, Created, FormScreen, exists, python_call
from .fields import Field, choice, text_input
from .suggest import EntitySuggester

# W&B's visibility scopes (docs: "Manage access control for projects") as the `access` values
# of UpsertModelInput; "" sends none, so the entity's default applies.
VISIBILITY = [("The entity's default", ""), ("Team: members only", "PRIVATE"),
              ("Public: anyone can view", "USER_READ"), ("Open: anyone can view and write", "USER_WRITE")]


def supports(method: object, parameter: str) -> bool:
    """Whether the core's write method takes this (optional) argument."""
    try:
        return parameter in inspect.signature(method).parameters  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


class ProjectForm(FormScreen):
    TITLE = "New project"
    WATCH = ("entity", "name")

    def compose_fields(self) -> ComposeResult:
        v = self.values
        extras = supports(self.api.create_project, "description")
        yield Field("Entity", text_input(v.get("entity", ""), "team or username", id="entity",
                                         suggester=EntitySuggester(self.api)), name="entity")
        yield Field("Name", text_input(v.get("name", ""), "my-project", id="name"), name="name",
                    hint="at most 128 characters, none of / \\ # ? % :")
        yield Field("Description", TextArea(v.get("description", ""), id="description", compact=True,
                                            classes="short-text", disabled=not extras), name="description")
        yield Field("Visibility", choice(VISIBILITY, v.get("visibility", ""), id="visibility", disabled=not extras), name="visibility",
                    hint="" if extras else "this wbtui's core cannot send description or visibility yet")

    def problems(self) -> dict[str, str]:
        checks = {"entity": rules.entity_name(self.get("entity")), "name": rules.project_name(self.get("name")),
                  "description": rules.description(self.get("description"))}
        return {k: v for k, v in checks.items() if v}

    def identity(self) -> tuple[str, ...]:
        return (self.get("entity"), self.get("name"))

    async def existing(self) -> Conflict | None:
        entity, name = self.identity()
        if await exists(self.api.project(name, entity)):
            return Conflict("name", f"{entity}/{name} already exists")
        return None

    def _extras(self) -> dict[str, str]:
        if not supports(self.api.create_project, "description"):
            return {}
        extras = {"description": self.get("description") or None, "access": self.get("visibility") or None}
        return {k: v for k, v in extras.items() if v}

    async def send(self) -> Created:
        entity, name = self.identity()
        project = await self.api.create_project(name, entity, **self._extras())
        return self.created(project.entity or entity, project.name or name)

    async def recovered(self) -> Created:
        return self.created(*self.identity())

    def created(self, entity: str, name: str) -> Created:
        return Created(Ref(Kind.PROJECT, entity, name), Ref(Kind.ENTITY, entity), f"Created project {entity}/{name}")

    def python_call(self) -> str:
        entity, name = self.identity()
        note = ""
        if self.get("description") or self.get("visibility"):
            note = "wandb.Api has no description or visibility arguments: set them in the W&B web UI"
        return python_call("create_project", {"name": name, "entity": entity}, note)
