"""The navigation tree: entities → projects → runs, artifacts, reports, sweeps, jobs; queues.

Children load lazily in workers: a node gets a "loading…" placeholder when first expanded, and
the worker replaces it. Counts show where the server gives them.
"""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...core import Api
from ...core.errors import WandbError
from ..refs import Kind, Ref, entity, project, section
from ..text import job_versions, plain, when

PLACEHOLDER = "loading…"
# Kinds whose children come from the server when the node is expanded.
LAZY = {Kind.ENTITY, Kind.PROJECT, Kind.ARTIFACTS, Kind.ARTIFACT_TYPE, Kind.COLLECTION,
        Kind.QUEUES, Kind.QUEUE, Kind.REPORTS, Kind.SWEEPS, Kind.JOBS}
PROJECT_SECTIONS = [(Kind.RUNS, "Runs"), (Kind.ARTIFACTS, "Artifacts"), (Kind.REPORTS, "Reports"),
                    (Kind.SWEEPS, "Sweeps"), (Kind.JOBS, "Jobs")]
# Tree children are for browsing; long lists live in the view beside the tree.
CHILD_LIMIT = 200


class NavTree(Tree[Ref]):
    """Where everything on the server can be reached from."""

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False, id="tree.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="tree.down"),
        Binding("right,l", "expand", "Expand", show=False, id="tree.expand"),
        Binding("left,h", "collapse", "Collapse", show=False, id="tree.collapse"),
    ]

    class Opened(Message):
        """A node was chosen (or, `initial`, the first one loaded): show its view."""

        def __init__(self, ref: Ref, initial: bool = False) -> None:
            super().__init__()
            self.ref = ref
            self.initial = initial

    def __init__(self, **kwargs) -> None:
        super().__init__("server", **kwargs)
        self.auto_expand = False  # Enter opens and expands; only left (or space) collapses
        self.show_root = False
        self.guide_depth = 2

    @property
    def api(self) -> Api:
        return self.app.api  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        self.load_roots()

    def action_expand(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand:
            node.expand()

    def action_collapse(self) -> None:
        """Collapse the node, or go up to its parent when it is collapsed already."""
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    @work(exclusive=True, group="tree-roots", exit_on_error=False)
    async def load_roots(self) -> None:
        self.loading = True
        try:
            viewer = await self.api.viewer()
            self.root.remove_children()
            names = [viewer.entity or viewer.username or ""] + [t for t in viewer.teams if t != viewer.entity]
            for name in filter(None, names):
                label = f"{name} (you)" if name == viewer.entity else name
                self._add(self.root, Ref(Kind.ENTITY, name, label=label), expand=name == names[0])
            if viewer.admin:
                self._add(self.root, Ref(Kind.USERS, label="Users (admin)"))
            self.cursor_line = 0
            if self.root.children:  # show your own entity's projects beside the tree at once
                self.post_message(self.Opened(self.root.children[0].data, initial=True))
        finally:
            self.loading = False
            if self.screen.focused is None:
                self.focus()

    def _add(self, parent: TreeNode[Ref], ref: Ref, count: int | None = None, expand: bool = False) -> TreeNode[Ref]:
        label = Text(plain(ref.title))
        if count is not None:
            label.append(f" {count:,}", style="dim")
        if ref.kind in LAZY:
            node = parent.add(label, data=ref)
            node.add_leaf(PLACEHOLDER)
            if expand:
                node.expand()
        else:
            node = parent.add_leaf(label, data=ref)
        return node

    @on(Tree.NodeExpanded)
    def _expanded(self, event: Tree.NodeExpanded[Ref]) -> None:
        node = event.node
        if node.data is not None and _is_placeholder(node):
            self.load_children(node)

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[Ref]) -> None:
        if event.node.allow_expand:
            event.node.expand()
        if event.node.data is not None:
            self.post_message(self.Opened(event.node.data))

    def reload(self, node: TreeNode[Ref] | None = None) -> None:
        """Fetch a node's children again (all roots when None), keeping it expanded."""
        if node is None or node is self.root:
            self.load_roots()
        elif node.data is not None and node.data.kind in LAZY:
            node.remove_children()
            node.add_leaf(PLACEHOLDER)
            self.load_children(node)

    @work(group="tree-children", exit_on_error=False)
    async def load_children(self, node: TreeNode[Ref]) -> None:
        ref = node.data
        assert ref is not None
        try:
            children = await self._children(ref)
        except WandbError as error:
            node.remove_children()
            node.add_leaf(Text(f"⚠ {error}", style="red"))
            return
        node.remove_children()
        for index, (child, count) in enumerate(children):
            self._add(node, child, count)
            if index % 50 == 49:
                await asyncio.sleep(0)  # keep the UI answering while a long list goes in
        if not children:
            node.add_leaf(Text("(none)", style="dim"))

    async def _children(self, ref: Ref) -> list[tuple[Ref, int | None]]:
        api = self.api
        match ref.kind:
            case Kind.ENTITY:
                projects = api.projects(ref.entity, per_page=CHILD_LIMIT)
                page = await projects.first_page()
                items = [(project(ref.entity, p.name), p.run_count) for p in page.items]
                items.append((Ref(Kind.QUEUES, ref.entity, label="Launch queues"), None))
                if ref.entity in (await api.viewer()).teams:
                    items.append((Ref(Kind.TEAM, ref.entity, label="Members"), None))
                return items
            case Kind.PROJECT:
                runs = (await api.project(ref.project, ref.entity)).run_count
                return [(Ref(kind, ref.entity, ref.project, label=label), runs if kind is Kind.RUNS else None)
                        for kind, label in PROJECT_SECTIONS]
            case Kind.ARTIFACTS:
                types = await api.artifact_types(f"{ref.entity}/{ref.project}").first_page()
                return [(Ref(Kind.ARTIFACT_TYPE, ref.entity, ref.project, t.name), None) for t in types.items]
            case Kind.ARTIFACT_TYPE:
                page = await api.artifact_collections(f"{ref.entity}/{ref.project}", ref.name, per_page=CHILD_LIMIT).first_page()
                return [(Ref(Kind.COLLECTION, ref.entity, ref.project, c.name, parent=ref.name), None) for c in page.items]
            case Kind.COLLECTION:
                path = f"{ref.entity}/{ref.project}/{ref.name}"
                page = await api.artifacts(ref.parent, path, per_page=CHILD_LIMIT).first_page()
                return [(_artifact_ref(ref, a.version, a.aliases), None) for a in page.items]
            case Kind.QUEUES:
                queues = await api.run_queues(ref.entity)
                return [(Ref(Kind.QUEUE, ref.entity, name=q.name), None) for q in queues]
            case Kind.QUEUE:
                queue = await api.run_queue(ref.entity, ref.name)
                page = await queue.items(per_page=CHILD_LIMIT).first_page()
                return [(Ref(Kind.QUEUED_RUN, ref.entity, name=item.id, parent=ref.name,
                             label=f"{when(item.created_at)[5:] or item.id} {item.state or ''}"), None) for item in page.items]
            case Kind.REPORTS:
                page = await api.reports(f"{ref.entity}/{ref.project}", per_page=CHILD_LIMIT).first_page()
                return [(Ref(Kind.REPORT, ref.entity, ref.project, r.id, label=r.display_name or r.id), None)
                        for r in page.items]
            case Kind.SWEEPS:
                proj = await api.project(ref.project, ref.entity)
                page = await proj.sweeps(per_page=CHILD_LIMIT).first_page()
                return [(Ref(Kind.SWEEP, ref.entity, ref.project, s.id, label=s.display_name or s.id), s.run_count)
                        for s in page.items]
            case Kind.JOBS:
                jobs = await api.list_jobs(ref.entity, ref.project)
                return [(Ref(Kind.JOB, ref.entity, ref.project, name), len(versions))
                        for name, versions in job_versions(jobs).items()]
        return []

    def loaded_refs(self) -> list[Ref]:
        return [node.data for node in _walk(self.root) if node.data is not None]

    def select_ref(self, ref: Ref) -> None:
        """Move the cursor to the node showing `ref`, if it is loaded."""
        for node in _walk(self.root):
            if node.data == ref:
                self.move_cursor(node)
                return


def _artifact_ref(collection: Ref, version: str, aliases: list[str]) -> Ref:
    label = version + (f" ({', '.join(aliases)})" if aliases else "")
    return Ref(Kind.ARTIFACT, collection.entity, collection.project, f"{collection.name}:{version}",
               parent=collection.parent, label=label)


def _is_placeholder(node: TreeNode[Ref]) -> bool:
    return len(node.children) == 1 and node.children[0].data is None and str(node.children[0].label) == PLACEHOLDER


def _walk(node: TreeNode[Ref]):
    for child in node.children:
        yield child
        yield from _walk(child)


__all__ = ["NavTree", "entity", "project", "section"]
