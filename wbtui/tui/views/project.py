"""A project: what it is and where its runs, artifacts, reports, sweeps and jobs are."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from ..text import plain, when
from .base import View


class ProjectView(View):
    HELP = "A project. R runs, A artifacts, P reports, S sweeps, J jobs."

    @property
    def heading(self) -> str:
        return f"Project · {self.ref.entity}/{self.ref.project}"

    def compose_body(self) -> ComposeResult:
        yield Static("", classes="view-body details")

    def focus_first(self) -> None:
        self.focus()

    async def load(self) -> None:
        project = await self.api.project(self.ref.project, self.ref.entity)
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        owner = project.owner.username if project.owner else ""
        for label, value in [
            ("Entity", project.entity), ("Name", project.name), ("Description", project.description),
            ("Created", when(project.created_at)), ("Owner", owner),
            ("Runs", f"{project.run_count:,}" if project.run_count is not None else ""),
            ("URL", project.url),
        ]:
            table.add_row(label, Text(plain(value)))
        table.add_row("", "")
        table.add_row("Keys", Text("R runs · A artifacts · P reports · S sweeps · J jobs", style="dim"))
        self.query_one(".details", Static).update(table)
