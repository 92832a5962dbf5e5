"""A project's artifacts: its types, a type's collections, a collection's versions.

Each list is one request per page: the counts, aliases and logging runs come with it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from ...core.errors import NotLoadedError
from ...core.models import Artifact, ArtifactCollection, ArtifactType, Run, RunRef
from ..refs import Kind, Ref
from ..text import plain, size, when
from ..widgets.paged_table import Cell, Column, Row
from .listing import ListView


def artifact_ref(artifact: Artifact) -> Ref:
    """The view of one artifact version."""
    return Ref(Kind.ARTIFACT, artifact.entity, artifact.project, f"{artifact.collection_name}:{artifact.version}",
               parent=artifact.type)


def run_label(run: Run | RunRef | None) -> str:
    return f"{run.display_name or run.id} ({run.id})" if run else ""


def count(value: int | None) -> str:
    return f"{value:,}" if value is not None else "?"


class ArtifactsView(ListView[ArtifactType]):
    HELP = "A project's artifact types with how many collections each has; Enter opens one."
    COLUMNS = [Column("type", "Type", 20), Column("collections", "Collections", 11, True),
               Column("created", "Created", 16), Column("description", "Description", 40, grow=True)]
    NOUN = "artifact types"
    EMPTY = "No artifacts logged in this project yet."

    @property
    def heading(self) -> str:
        return f"Artifacts · {self.ref.entity}/{self.ref.project}"

    def source(self):
        return self.api.artifact_types(f"{self.ref.entity}/{self.ref.project}", per_page=100)

    def make_row(self, item: ArtifactType) -> Row:
        return Row(item.name, (Cell(plain(item.name)), Cell(count(item.collection_count)),
                               Cell(when(item.created_at)), Cell(plain(item.description))), item)

    def open_ref(self, row: Row) -> Ref:
        return Ref(Kind.ARTIFACT_TYPE, self.ref.entity, self.ref.project, row.key)


class ArtifactTypeView(ListView[ArtifactCollection]):
    HELP = "The collections of an artifact type: versions, aliases, tags; Enter opens one."
    COLUMNS = [Column("name", "Collection", 24, grow=True), Column("versions", "Versions", 8, True),
               Column("aliases", "Aliases", 26), Column("tags", "Tags", 10), Column("created", "Created", 16),
               Column("description", "Description", 30, grow=True)]
    NOUN = "collections"
    EMPTY = "No collections of this type."

    @property
    def heading(self) -> str:
        return f"Artifact type {self.ref.name} · {self.ref.entity}/{self.ref.project}"

    def source(self):
        return self.api.artifact_collections(f"{self.ref.entity}/{self.ref.project}", self.ref.name, per_page=100)

    def make_row(self, item: ArtifactCollection, aliases: str | None = None) -> Row:
        if aliases is None:
            try:
                aliases = ", ".join(a for a in item.aliases if not _is_version(a))
            except NotLoadedError:  # too many for the list: `details` fetches them
                aliases = "…"
        cells = (Cell(plain(item.name)), Cell(count(item.version_count)),
                 Cell(plain(aliases), "muted" if aliases in ("…", "?") else ""), Cell(plain(", ".join(item.tags))),
                 Cell(when(item.created_at)), Cell(plain(item.description)))
        return Row(item.name, cells, item)

    async def details(self, items: list[ArtifactCollection]) -> None:
        async def detail(item: ArtifactCollection) -> Row:
            return self.make_row(await item.load())

        unlisted = [item for item in items if getattr(item, "aliases", None) is None]
        assert self.feed is not None
        await self.feed.fill(unlisted, detail, lambda item: self.make_row(item, "?"))

    def open_ref(self, row: Row) -> Ref:
        return Ref(Kind.COLLECTION, self.ref.entity, self.ref.project, row.key, parent=self.ref.name)


class CollectionView(ListView[Artifact]):
    HELP = "The versions of an artifact collection; Enter opens a version."
    COLUMNS = [Column("version", "Version", 7), Column("aliases", "Aliases", 20),
               Column("run", "Logged by", 22, grow=True),
               Column("size", "Size", 9, True), Column("files", "Files", 6, True), Column("created", "Created", 16),
               Column("tags", "Tags", 12)]
    NOUN = "versions"
    EMPTY = "This collection has no committed versions."

    @property
    def heading(self) -> str:
        return f"Collection {self.ref.name} ({self.ref.parent}) · {self.ref.entity}/{self.ref.project}"

    def compose_header(self) -> ComposeResult:
        yield Static("", classes="summary")

    @property
    def path(self) -> str:
        return f"{self.ref.entity}/{self.ref.project}/{self.ref.name}"

    def source(self):
        return self.api.artifacts(self.ref.parent, self.path, per_page=100)

    async def load(self) -> None:
        await super().load()
        collection = await self.api.artifact_collection(self.ref.parent, self.path)
        lines = [("Type", collection.type), ("Aliases", ", ".join(a for a in collection.aliases if not _is_version(a))),
                 ("Tags", ", ".join(collection.tags)), ("Created", when(collection.created_at)),
                 ("Description", collection.description)]
        summary = Text()
        for label, value in lines:
            if value:
                summary.append(f"{label}: ", style="bold")
                summary.append(plain(value) + "  ")
        self.query_one(".summary", Static).update(summary)

    def make_row(self, item: Artifact) -> Row:
        cells = (Cell(item.version), Cell(plain(", ".join(item.aliases))), Cell(plain(run_label(item.logged_by_run) or "—")),
                 Cell(size(item.size)), Cell(f"{item.file_count:,}"), Cell(when(item.created_at)),
                 Cell(plain(", ".join(item.tags))))
        return Row(item.version, cells, item)

    def open_ref(self, row: Row) -> Ref:
        return artifact_ref(row.data)  # type: ignore[arg-type]


def _is_version(alias: str) -> bool:
    return alias[:1] == "v" and alias[1:].isdigit()
