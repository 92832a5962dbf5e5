"""An entity (a user or a team): its projects."""

from __future__ import annotations

from ...core.models import Project
from ..refs import Kind, Ref
from ..text import plain, when
from ..widgets.nav_tree import CHILD_LIMIT
from ..widgets.paged_table import Cell, Column, Row
from .listing import ListView


class EntityView(ListView[Project]):
    HELP = "An entity's projects; Enter opens one."
    COLUMNS = [Column("name", "Project", 28, grow=True), Column("runs", "Runs", 7, True),
               Column("created", "Created", 16),
               Column("description", "Description", 40, grow=True)]
    NOUN = "projects"
    EMPTY = "No projects yet."

    @property
    def heading(self) -> str:
        return f"Entity · {self.ref.entity}"

    def source(self):
        # the tree's page size: the tree and this view then share one request (and its cache)
        return self.api.projects(self.ref.entity, per_page=CHILD_LIMIT)

    def make_row(self, project: Project) -> Row:
        runs = f"{project.run_count:,}" if project.run_count is not None else ""
        return Row(project.name, (Cell(plain(project.name)), Cell(runs), Cell(when(project.created_at)),
                                  Cell(plain(project.description))), project)

    def open_ref(self, row: Row) -> Ref | None:
        return Ref(Kind.PROJECT, self.ref.entity, row.key)
