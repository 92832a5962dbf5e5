"""An entity (a user or a team): its projects, and a team's members."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Static

from ..refs import Kind, Ref
from ..text import plain, when
from ..widgets.paged_table import Cell, Column, PagedTable, Row
from .base import View

COLUMNS = [Column("name", "Project", 28), Column("runs", "Runs", 7, True), Column("created", "Created", 16),
           Column("description", "Description", 40)]


class EntityView(View):
    HELP = "An entity's projects; Enter opens one."

    @property
    def heading(self) -> str:
        return f"Entity · {self.ref.entity}"

    def compose_body(self) -> ComposeResult:
        yield Static("", classes="status")
        yield PagedTable(classes="view-body", sortable=False, markable=False)

    def focus_first(self) -> None:
        self.query_one(PagedTable).focus()

    async def load(self) -> None:
        table = self.query_one(PagedTable)
        table.set_columns(COLUMNS)
        projects = self.api.projects(self.ref.entity, per_page=500)
        table.clear()
        count = 0
        async for page in projects.pages():
            rows = [Row(p.name, (Cell(plain(p.name)), Cell(f"{p.run_count:,}" if p.run_count is not None else ""),
                                 Cell(when(p.created_at)), Cell(plain(p.description))), p) for p in page.items]
            table.add_rows(rows, has_more=page.has_next)
            count += len(rows)
        table.empty_text = "No projects yet."
        self.query_one(".status", Static).update(f"{count:,} projects")

    @on(PagedTable.Selected)
    def _open(self, event: PagedTable.Selected) -> None:
        event.stop()
        self.screen.open(Ref(Kind.PROJECT, self.ref.entity, event.row.key), focus=True)  # type: ignore[attr-defined]
