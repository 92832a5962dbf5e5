"""A project's reports, and one report's content rendered as Markdown from its spec."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import MarkdownViewer, Static

from ...core.models import Report
from ..refs import Kind, Ref
from ..text import plain, when
from ..widgets.paged_table import Cell, Column, Row
from .base import View
from .listing import ListView
from .report_markdown import escape, spec_to_markdown


def author(report: Report) -> str:
    user = report.user or {}
    return str(user.get("username") or user.get("name") or "")


class ReportsView(ListView[Report]):
    HELP = "A project's reports; Enter reads one."
    COLUMNS = [Column("title", "Title", 28, grow=True), Column("author", "Author", 12),
               Column("updated", "Updated", 16),
               Column("description", "Description", 30, grow=True), Column("name", "Name", 12)]
    NOUN = "reports"
    EMPTY = "No reports in this project."

    @property
    def heading(self) -> str:
        return f"Reports · {self.ref.entity}/{self.ref.project}"

    def source(self):
        return self.api.reports(f"{self.ref.entity}/{self.ref.project}", per_page=100)

    def make_row(self, report: Report) -> Row:
        cells = (Cell(plain(report.display_name or report.name)), Cell(plain(author(report))),
                 Cell(when(report.updated_at or report.created_at)), Cell(plain(report.description)),
                 Cell(plain(report.name)))
        return Row(report.id, cells, report)

    def open_ref(self, row: Row) -> Ref:
        report: Report = row.data  # type: ignore[assignment]
        return Ref(Kind.REPORT, self.ref.entity, self.ref.project, report.id, label=report.display_name or "")


class ReportView(View):
    HELP = "A report's content: headings, text, code and a summary of each panel grid. t toggles the contents."
    BINDINGS = [Binding("t", "toc", "Contents", id="report.toc", tooltip="Show or hide the table of contents")]

    @property
    def heading(self) -> str:
        return f"Report {self.ref.label or self.ref.name} · {self.ref.entity}/{self.ref.project}"

    def compose_body(self) -> ComposeResult:
        yield Static("", classes="status")
        yield MarkdownViewer(show_table_of_contents=False, open_links=False, classes="view-body report")

    def focus_first(self) -> None:
        self.query_one(MarkdownViewer).document.focus()

    async def load(self) -> None:
        report = await self.api.from_path(f"{self.ref.entity}/{self.ref.project}/reports/{self.ref.name}")
        assert isinstance(report, Report)
        by = author(report)
        meta = " · ".join(filter(None, [f"by {by}" if by else "", f"updated {when(report.updated_at)}" if report.updated_at else ""]))
        self.query_one(".status", Static).update(Text(plain(meta)))
        header = f"# {escape(report.display_name or report.name or report.id)}"
        if report.description:
            header += f"\n\n*{escape(report.description)}*"
        await self.query_one(MarkdownViewer).document.update(header + "\n\n" + spec_to_markdown(report.spec))

    def action_toc(self) -> None:
        viewer = self.query_one(MarkdownViewer)
        viewer.show_table_of_contents = not viewer.show_table_of_contents
