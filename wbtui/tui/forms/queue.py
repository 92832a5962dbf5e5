"""Launch queues: create one (create_run_queue), or edit one (upsert_run_queue, prefilled).

The resource config is typed as JSON or YAML; its `{{var}}` placeholders each need a template
variable with a schema (type string / number / integer, default, minimum, maximum, enum), and
every variable must be used. All of it is checked here, then again by wbtui.core, before
anything is sent.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Static

from ...core import launch
from ...core.errors import WandbError
from ..refs import Kind, Ref
from . import rules
from .base import Conflict, Created, FormScreen, exists, python_call
from .fields import (
    ConfigEditor,
    Field,
    LinksEditor,
    Row,
    VariablesEditor,
    choice,
    text_input,
)
from .suggest import EntitySuggester

RESOURCES = [(r, r) for r in launch.RESOURCE_TYPES]


class QueueFormBase(FormScreen):
    """What creating and editing a queue share: type, prioritization, config, variables."""

    PRIORITIES: ClassVar[list[tuple[str, str]]] = []

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        self._row_problems: list[tuple[Row, str]] = []

    def compose_queue_fields(self, config: dict[str, Any]) -> ComposeResult:
        v = self.values
        yield Field("Resource", choice(RESOURCES, v.get("resource") or "local-container", id="resource"),
                    name="resource")
        yield Field("Priorities", choice(self.PRIORITIES, v.get("prioritization", self.PRIORITIES[0][1]),
                                         id="prioritization"), name="prioritization")
        yield Field("Config", name="config")
        yield ConfigEditor(config, v.get("format", "json"), id="config")
        yield Field("Variables", name="variables", hint="one schema per {{var}}")
        yield VariablesEditor(id="variables")

    # -- values ---------------------------------------------------------------------------------

    def config(self) -> dict[str, Any]:
        return self.query_one(ConfigEditor).value()

    def variables(self) -> dict[str, dict[str, Any]]:
        return self.query_one(VariablesEditor).collect()[0]

    def queue_problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        editor = self.query_one(VariablesEditor)
        variables, self._row_problems = editor.collect()
        if self._row_problems:
            count = len(self._row_problems)
            found["variables"] = f"{count} variable{'s' if count > 1 else ''} to fix (see below)"
        try:
            config = self.config()
        except rules.SyntaxProblem as error:
            found["config"] = f"{'YAML' if self.query_one(ConfigEditor).fmt == 'yaml' else 'JSON'} {error}"
            return found
        used, bad = rules.placeholders(config)
        if bad:
            found["config"] = "not a variable name: " + ", ".join("{{" + b + "}}" for b in bad)
        elif missing := sorted(used - variables.keys()):
            found["config"] = "no schema for " + ", ".join("{{" + m + "}}" for m in missing) + \
                " (press “+ Add the config's {{vars}}”)"
        if "variables" not in found:
            if unused := sorted(variables.keys() - used - {""}):
                found["variables"] = "not used in the config: " + ", ".join(unused)
            elif "config" not in found:
                try:  # the core's own check, the last word before sending
                    launch.check_template_variables(config, variables)
                except ValueError as error:
                    found["variables"] = str(error)
        return found

    def show_problems(self, problems: dict[str, str]) -> None:
        super().show_problems(problems)
        bad = {id(row): message for row, message in self._row_problems}
        for row in self.query_one(VariablesEditor).rows:
            row.show_error(bad.get(id(row)))

    @on(VariablesEditor.AddMissing)
    def _add_missing(self) -> None:
        try:
            used, _ = rules.placeholders(self.config())
        except rules.SyntaxProblem as error:
            self.field("config").show_error(str(error))
            return
        editor = self.query_one(VariablesEditor)
        have = set(editor.names())
        for name in sorted(used - have):
            editor.add(name=name)
        if not used - have:
            self.notify("Every {{var}} of the config has a schema", timeout=3)

    @on(ConfigEditor.Changed)
    @on(Row.Removed)
    def _structure_changed(self) -> None:
        if self.query_one(".form-call").display:
            self._refresh_call()

    def resource(self) -> str:
        return self.get("resource")


class QueueForm(QueueFormBase):
    TITLE = "New launch queue"
    WATCH = ("entity", "name")
    PRIORITIES: ClassVar[list[tuple[str, str]]] = [("Disabled", ""), ("V0: items have priorities", "V0")]

    def compose_fields(self) -> ComposeResult:
        v = self.values
        yield Field("Entity", text_input(v.get("entity", ""), "team or username", id="entity",
                                         suggester=EntitySuggester(self.api)), name="entity")
        yield Field("Name", text_input(v.get("name", ""), "my-queue", id="name"), name="name",
                    hint="1 to 64 characters")
        yield from self.compose_queue_fields({})

    def problems(self) -> dict[str, str]:
        checks = {"entity": rules.entity_name(self.get("entity")), "name": rules.queue_name(self.get("name"))}
        return {k: v for k, v in checks.items() if v} | self.queue_problems()

    def identity(self) -> tuple[str, ...]:
        return (self.get("entity"), self.get("name"))

    async def existing(self) -> Conflict | None:
        entity, name = self.identity()
        if await exists(self.api.run_queue(entity, name)):
            return Conflict("name", f"{entity} already has a queue {name}")
        return None

    async def send(self) -> Created:
        entity, name = self.identity()
        queue = await self.api.create_run_queue(
            name, self.resource(), entity=entity, prioritization_mode=self.get("prioritization") or None,
            config=self.config(), template_variables=self.variables() or None)
        return created(queue.entity, queue.name, "Created")

    async def recovered(self) -> Created:
        return created(*self.identity(), "Created")

    def python_call(self) -> str:
        entity, name = self.identity()
        args: dict[str, Any] = {"name": name, "type": self.resource(), "entity": entity}
        if self.get("prioritization"):
            args["prioritization_mode"] = self.get("prioritization")
        args["config"] = self.config()
        if variables := self.variables():
            args["template_variables"] = variables
        return python_call("create_run_queue", args)


class EditQueueForm(QueueFormBase):
    """Prefilled from the queue; sends upsert_run_queue (everything it takes)."""

    TITLE = "Edit launch queue"
    VERB = "Save"
    CONFIRM = "Change this queue?"
    PRIORITIES: ClassVar[list[tuple[str, str]]] = [("Disabled", "DISABLED"), ("V0: items have priorities", "V0")]

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        self.queue_entity, self.queue_name = values.get("entity", ""), values.get("name", "")

    def compose_fields(self) -> ComposeResult:
        yield Static(Text(f"{self.queue_entity}/{self.queue_name}"), classes="form-subject")
        yield Static(Text("loading the queue…"), classes="form-loading")

    def on_mount(self) -> None:
        super().on_mount()
        self.busy = True
        self._load()

    @work(exclusive=True, group="form-load", exit_on_error=False)
    async def _load(self) -> None:
        try:
            queue = await self.api.run_queue(self.queue_entity, self.queue_name)
        except WandbError as error:
            self.query_one(".form-loading", Static).update(Text(f"⚠ cannot load the queue: {error}"))
            return
        stored = queue.default_resource_config or {}
        args = stored.get("resource_args") if isinstance(stored.get("resource_args"), dict) else None
        config = args.get(queue.type or "", {}) if args is not None else stored
        variables = {}
        for item in queue.template_variables or []:
            schema = item.get("schema")
            variables[item.get("name", "")] = json.loads(schema) if isinstance(schema, str) else schema or {}
        links = [(x.get("label", ""), x.get("url", "")) for x in (queue.external_links or {}).get("links", [])]
        self.values |= {"resource": queue.type or "local-container",
                        "prioritization": (queue.prioritization_mode or "DISABLED").upper()}
        body = self.query_one(".form-body")
        await self.query_one(".form-loading").remove()
        await body.mount_all(list(self.compose_queue_fields(config)))
        for name, schema in variables.items():
            await self.query_one(VariablesEditor).add(name=name, schema=schema)
        await body.mount(Field("Links", name="links", hint="external links shown with the queue"))
        editor = LinksEditor(id="links")
        await body.mount(editor)
        for label, address in links:
            await editor.add(label=label, url=address)
        self.busy = False
        self.focus_first()

    def focus_first(self) -> None:
        if self.query("#resource"):
            self.query_one("#resource").focus()

    def problems(self) -> dict[str, str]:
        found = self.queue_problems()
        _, link_problems = self.query_one(LinksEditor).collect()
        self._row_problems += link_problems
        if link_problems:
            found["links"] = f"{len(link_problems)} link(s) to fix (see below)"
        return found

    def show_problems(self, problems: dict[str, str]) -> None:
        super().show_problems(problems)
        bad = {id(row): message for row, message in self._row_problems}
        for row in self.query_one(LinksEditor).rows:
            row.show_error(bad.get(id(row)))

    def confirm_question(self) -> str:
        return (f"Change the queue {self.queue_entity}/{self.queue_name}? Launch agents and everyone using it "
                "get the new config from now on.")

    def links(self) -> dict[str, str]:
        return self.query_one(LinksEditor).collect()[0]

    async def send(self) -> Created:
        queue = await self.api.upsert_run_queue(
            self.queue_name, resource_config=self.config(), resource_type=self.resource(), entity=self.queue_entity,
            template_variables=self.variables() or None, external_links=self.links() or None,
            prioritization_mode=self.get("prioritization"))
        result = created(queue.entity, queue.name, "Saved")
        if warnings := queue.config_schema_validation_errors:
            return Created(result.ref, result.parent, result.message + " — the server warns: " + "; ".join(warnings))
        return result

    def python_call(self) -> str:
        args: dict[str, Any] = {"name": self.queue_name, "resource_config": self.config(),
                                "resource_type": self.resource(), "entity": self.queue_entity}
        if variables := self.variables():
            args["template_variables"] = variables
        if links := self.links():
            args["external_links"] = links
        args["prioritization_mode"] = self.get("prioritization")
        return python_call("upsert_run_queue", args)


def created(entity: str, name: str, verb: str) -> Created:
    return Created(Ref(Kind.QUEUE, entity, name=name), Ref(Kind.QUEUES, entity, label="Launch queues"),
                   f"{verb} launch queue {entity}/{name}")

