"""Launch queues: an entity's queues (one request: their resources and item counts come with
the list), one queue (its config, template variables and items), and one queued run, which leads
to the run it launched (in the project its run spec names)."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

import yaml
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static, TabbedContent, TabPane, TextArea

from ...core.errors import NotFoundError
from ...core.models import QueuedRun, Run, RunQueue
from ..refs import Kind, Ref
from ..text import plain, state_tone, when
from ..widgets.paged_table import Cell, Column, PagedTable, Row
from .base import View
from .listing import FeedPane, ListView
from .run import TONE_STYLE
from .tabbed import TabbedView, detail_grid, tab_bindings

ACTIVE_STATES = ("leased", "claimed")


def prioritization(mode: str | None) -> str:
    return "off" if not mode or mode.upper() == "DISABLED" else f"on ({mode})"


def item_ref(queue: RunQueue | str, entity: str, item: QueuedRun) -> Ref:
    name = queue if isinstance(queue, str) else queue.name
    return Ref(Kind.QUEUED_RUN, entity, name=item.id, parent=name, label=f"item {item.id}")


class QueuesView(ListView[RunQueue]):
    HELP = "An entity's launch queues with their resource type and items; Enter opens one."
    COLUMNS = [Column("name", "Queue", 20, grow=True), Column("items", "Items", 5, True),
               Column("pending", "Pending", 7, True),
               Column("active", "Active", 6, True), Column("resource", "Resource", 15), Column("priority", "Priority", 8),
               Column("access", "Access", 7), Column("created", "Created", 16)]
    NOUN = "queues"
    EMPTY = "This entity has no launch queues."

    @property
    def heading(self) -> str:
        return f"Launch queues · {self.ref.entity}"

    async def source(self):
        return await self.api.run_queues(self.ref.entity)

    def make_row(self, queue: RunQueue) -> Row:
        counts = queue.item_counts or {}
        more = "" if queue.item_counts_complete else "+"  # counted among the first items only

        def number(*states: str) -> Cell:
            return Cell(f"{sum(n for s, n in counts.items() if not states or s in states)}{more}")

        cells = (Cell(plain(queue.name)), number(), number("pending"), number(*ACTIVE_STATES),
                 Cell(plain(queue.type or "")), Cell(prioritization(queue.prioritization_mode)),
                 Cell(plain((queue.access or "").lower())), Cell(when(queue.created_at)))
        return Row(queue.name, cells, queue)

    def open_ref(self, row: Row) -> Ref:
        return Ref(Kind.QUEUE, self.ref.entity, name=row.key)


# -- one queue --------------------------------------------------------------------------------

TABS = ["overview", "config", "items"]
ITEM_COLUMNS = [Column("state", "State", 8), Column("created", "Created", 16), Column("run", "Run", 14, grow=True),
                Column("id", "Item", 30)]


def item_row(item: QueuedRun) -> Row:
    cells = (Cell(item.state or "", state_tone(item.state)), Cell(when(item.created_at)),
             Cell(plain(item.associated_run_id or "—")), Cell(plain(item.id)))
    return Row(item.id, cells, item)


def template_table(variables: list[dict[str, Any]]) -> Table | Text:
    """Each template variable and its schema: type, default, bounds, allowed values."""
    if not variables:
        return Text("none", style="dim")
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    for column in ("Variable", "Type", "Default", "Min", "Max", "Enum"):
        table.add_column(column)
    for variable in variables:
        schema = variable.get("schema")
        if isinstance(schema, str):
            try:
                schema = json.loads(schema)
            except ValueError:
                schema = {"type": schema}
        schema = schema if isinstance(schema, dict) else {}
        values = [variable.get("name"), schema.get("type"), schema.get("default"), schema.get("minimum"),
                  schema.get("maximum"), ", ".join(map(str, schema.get("enum") or []))]
        table.add_row(*(Text(plain("" if v is None else v)) for v in values))
    return table


def links_text(links: dict[str, Any] | None) -> str:
    """External links, stored as {"links": [{"label", "url"}]} (or a plain {label: url})."""
    if not links:
        return ""
    pairs = [(link.get("label"), link.get("url")) for link in links.get("links", [])] if "links" in links else list(links.items())
    return "\n".join(f"{label}: {url}" for label, url in pairs)


class QueueView(TabbedView):
    HELP = ("A launch queue. 1-3 switch tabs; in Config, t shows JSON or YAML; "
            "in Items, Enter opens an item.")
    TABS = TABS
    BINDINGS = tab_bindings("queue", TABS) + [
        Binding("t", "toggle_format", "JSON/YAML", id="queue.format", tooltip="Show the config as JSON or YAML"),
    ]

    def __init__(self, ref: Ref) -> None:
        super().__init__(ref)
        self.queue: RunQueue | None = None
        self.format = "yaml"

    @property
    def heading(self) -> str:
        return f"Launch queue {self.ref.name} · {self.ref.entity}"

    def compose_body(self) -> ComposeResult:
        with TabbedContent(classes="view-body"):
            with TabPane("1 Overview", id="overview"), VerticalScroll():
                yield Static("", classes="details")
                yield Static(Text("Template variables", style="bold"))
                yield Static("", id="template-variables")
            with TabPane("2 Config", id="config"), Vertical(classes="pane"):
                yield Static("", classes="status")
                yield TextArea(read_only=True, show_line_numbers=True, soft_wrap=False, id="queue-config")
            with TabPane("3 Items", id="items"):
                yield FeedPane("items", item_row, ITEM_COLUMNS, empty="This queue has no items.",
                               describe=self._items_summary, table_id="items-table", classes="pane")

    async def load(self) -> None:
        queue = await self.api.run_queue(self.ref.entity, self.ref.name)
        self.queue = queue
        rows = [
            ("Name", queue.name), ("Entity", queue.entity), ("Resource", queue.type),
            ("Prioritization", prioritization(queue.prioritization_mode)), ("Access", queue.access),
            ("Created", when(queue.created_at)), ("Links", links_text(queue.external_links)),
            ("Warnings", "\n".join(queue.config_schema_validation_errors)), ("ID", queue.id),
        ]
        self.query_one(".details", Static).update(detail_grid(rows))
        self.query_one("#template-variables", Static).update(template_table(queue.template_variables or []))
        self._show_config()
        await self.reset_tabs()

    def _show_config(self) -> None:
        config = self.queue.default_resource_config if self.queue else None
        area = self.query_one("#queue-config", TextArea)
        if self.format == "json":
            text = json.dumps(config or {}, indent=2, ensure_ascii=False)
        else:
            text = yaml.safe_dump(config or {}, sort_keys=False, allow_unicode=True)
        area.load_text(text)
        self.query_one("#config .status", Static).update(
            Text(f"default resource config ({self.format.upper()}) · t: {'YAML' if self.format == 'json' else 'JSON'}"))

    def action_toggle_format(self) -> None:
        self.format = "json" if self.format == "yaml" else "yaml"
        self._show_config()

    async def load_tab(self, tab: str) -> None:
        if tab == "items" and self.queue is not None:
            await self.query_one(FeedPane).show(self.queue.items(per_page=100))

    def _items_summary(self) -> str:
        feed = self.query_one(FeedPane).feed
        states = Counter(row.data.state for row in feed.rows) if feed else Counter()  # type: ignore[attr-defined]
        by_state = ", ".join(f"{n} {state}" for state, n in sorted(states.items()) if state)
        return f"{by_state} · Enter opens one" if by_state else ""

    @on(PagedTable.Selected, "#items-table")
    def _open_item(self, event: PagedTable.Selected) -> None:
        event.stop()
        self.screen.open(item_ref(self.ref.name, self.ref.entity, event.row.data), focus=True)  # type: ignore[arg-type, attr-defined]


# -- one queued run ---------------------------------------------------------------------------

class QueuedRunView(View):
    HELP = "A queued run: its state, its run spec, and the run it launched (Enter or o opens it)."
    FOCUS_ITSELF = True  # Enter opens the launched run
    BINDINGS = [
        Binding("enter,o", "open_run", "Open run", id="queued_run.open", tooltip="Open the run this item launched"),
        Binding("u", "open_queue", "Queue", id="queued_run.queue", tooltip="Open the queue of this item"),
    ]

    def __init__(self, ref: Ref) -> None:
        super().__init__(ref)
        self.item: QueuedRun | None = None
        self.run: Run | None = None

    @property
    def heading(self) -> str:
        return f"Queued run {self.ref.name} · {self.ref.entity}/launch/{self.ref.parent}"

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="view-body"):
            yield Static("", classes="details")
            yield Static(Text("Run spec", style="bold"))
            yield TextArea(read_only=True, soft_wrap=False, id="run-spec")

    def focus_first(self) -> None:
        self.focus()

    async def load(self) -> None:
        item = await self.api.queued_run(self.ref.entity, "model-registry", self.ref.parent, self.ref.name)
        self.item = item
        spec = _run_spec(item)
        self.run = await self._launched_run(item, spec)
        if self.run is not None:
            run_text = Text(plain(f"{self.run.display_name or self.run.id} ({self.run.entity}/{self.run.project}/{self.run.id})"))
            run_text.append(f"  {self.run.state}", style="bold")
            run_text.append(" — Enter opens it", style="dim")
        elif item.associated_run_id:
            where = f"{spec.get('entity') or item.entity}/{spec['project']}" if spec.get("project") \
                else f"the projects of {item.entity}"
            run_text = Text(plain(f"{item.associated_run_id} (not found in {where})"), style="dim")
        else:
            run_text = Text("none yet: the item has not started a run", style="dim")
        rows = [
            ("Item", item.id), ("Queue", f"{item.entity}/{item.queue_name}"),
            ("State", Text(item.state or "", style=TONE_STYLE.get(state_tone(item.state), ""))),
            ("Created", when(item.created_at)), ("Run", run_text),
        ]
        if item.priority is not None:  # known only to whoever queued it: W&B's API does not return it
            rows.insert(3, ("Priority", str(item.priority)))
        self.query_one(".details", Static).update(detail_grid(rows))
        area = self.query_one("#run-spec", TextArea)
        area.load_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True) if spec
                       else "# the server gave no run spec for this item")

    async def _launched_run(self, item: QueuedRun, spec: dict[str, Any]) -> Run | None:
        """The run the item launched. It lives in the run spec's project (the SDK's `QueuedRun`
        looks in the queue's project, where launched runs usually are not); a spec that names
        no project has the entity's projects searched."""
        if not item.associated_run_id:
            return None
        entity = spec.get("entity") or item.entity
        if spec.get("project"):
            projects = [spec["project"]]
        else:
            page = await self.api.projects(entity, per_page=100).first_page()
            projects = [p.name for p in page.items]
        gate = asyncio.Semaphore(8)

        async def find(project: str) -> Run | None:
            async with gate:
                try:
                    return await self.api.run(f"{entity}/{project}/{item.associated_run_id}")
                except NotFoundError:
                    return None

        found = [run for run in await asyncio.gather(*(find(p) for p in projects)) if run is not None]
        return found[0] if len(found) == 1 else None

    def action_open_run(self) -> None:
        run = self.run
        if run is None:
            self.notify("This item has no run to open yet.")
            return
        self.screen.open(Ref(Kind.RUN, run.entity, run.project, run.id, label=run.display_name or ""), focus=True)  # type: ignore[attr-defined]

    def action_open_queue(self) -> None:
        self.screen.open(Ref(Kind.QUEUE, self.ref.entity, name=self.ref.parent), focus=True)  # type: ignore[attr-defined]


def _run_spec(item: QueuedRun) -> dict[str, Any]:
    """The item's run spec (wandb's QueuedRun has none; `api.queued_run` fetches it)."""
    return item.run_spec or {}
