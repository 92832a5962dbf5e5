"""The main screen: the tree on the left, the chosen object's view beside it, and history."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Header

from ...core.errors import WandbError
from ..forms import FORMS, forms_for, prefill
from ..frames import SteadyFrames
from ..refs import Kind, Ref
from ..views import view_for
from ..views.base import View
from ..widgets.footer import Footer
from ..widgets.nav_tree import PLACEHOLDER, NavTree
from .jump import ref_for_object
from .pick import PickScreen

if TYPE_CHECKING:
    from ..forms import Created


FIRST_PAINT_WITHIN = 0.3  # seconds: how long the first paint may wait for data


class BrowserScreen(SteadyFrames, Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back", id="back", tooltip="Back to the previous view"),
        Binding("backslash,ctrl+backslash", "toggle_tree", "Tree", id="toggle_tree",
                tooltip="Show or hide the tree"),
        Binding("tab", "app.focus_next", "Next pane", show=False, id="focus.next"),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False, id="focus.previous"),
        Binding("y", "copy_path", "Copy path", id="copy_path", tooltip="Copy the path (OSC 52)"),
        Binding("Y", "copy_url", "Copy URL", show=False, id="copy_url", tooltip="Copy the web URL"),
        Binding("R", "section('runs')", "Runs", show=False, id="section.runs", tooltip="This project's runs"),
        Binding("A", "section('artifacts')", "Artifacts", show=False, id="section.artifacts",
                tooltip="This project's artifacts"),
        Binding("P", "section('reports')", "Reports", show=False, id="section.reports",
                tooltip="This project's reports"),
        Binding("S", "section('sweeps')", "Sweeps", show=False, id="section.sweeps", tooltip="This project's sweeps"),
        Binding("J", "section('jobs')", "Jobs", show=False, id="section.jobs", tooltip="This project's jobs"),
        Binding("n", "new", "New…", id="new", tooltip="Create something here (project, queue, run, team, user…)"),
        Binding("e", "edit_queue", "Edit queue", id="edit_queue", tooltip="Edit this launch queue"),
        # from the tree too: the view's own number keys only work while it has the focus
        *[Binding(str(n), f"view_tab({n})", f"Tab {n}", show=False, id=f"view.tab.{n}",
                  tooltip="Show this tab of the view beside the tree") for n in range(1, 10)],
    ]

    # Below 100 columns the tree steps aside while a view has focus (Esc or Tab brings it back).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(self) -> None:
        super().__init__()
        self._holding_paint = True  # see _compositor_refresh
        self.history: list[Ref] = []
        self.current: Ref | None = None
        # runs marked in a project's runs list ("entity/project" -> runs), overlaid in charts
        self.marks: dict[str, list] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield NavTree(id="nav")
            yield Container(id="pane")
        yield Footer()

    def on_mount(self) -> None:
        self.set_timer(FIRST_PAINT_WITHIN, self._paint)
        self.query_one(NavTree).focus()
        if initial := self.app.initial:  # type: ignore[attr-defined]
            self.jump_to_path(initial)

    def _compositor_refresh(self) -> None:
        """Paint holding: the screen's first paint waits for its first view's data (at most
        FIRST_PAINT_WITHIN), so a quick server shows one finished frame rather than four partial
        ones (a loading tree, its roots, an empty view...) drawn while the data loads: about
        75 ms of CPU of a start-up."""
        if not self._holding_paint:
            super()._compositor_refresh()

    def _paint(self) -> None:
        if self._holding_paint:
            self._holding_paint = False
            self.refresh(layout=True)

    @on(View.Loaded)
    def _view_loaded(self) -> None:
        self._paint()

    def on_descendant_focus(self) -> None:
        self.set_class(self.query_one("#pane").has_focus_within, "-pane-focus")

    @on(NavTree.Opened)
    def _tree_opened(self, event: NavTree.Opened) -> None:
        if not (event.initial and self.current is not None):  # a path given at start-up wins
            self.open(event.ref)

    def open(self, ref: Ref, *, remember: bool = True, focus: bool = False) -> None:
        """Show `ref`'s view beside the tree."""
        if ref == self.current:
            return
        if remember and self.current is not None:
            self.history.append(self.current)
            del self.history[:-100]
        self.current = ref
        pane = self.query_one("#pane")
        removed = pane.remove_children()
        view = view_for(ref)
        mounted = pane.mount(view)
        if focus:
            async def focus_view() -> None:
                # after the old view is gone (its focus moves on) and the new one has its widgets
                await removed
                await mounted
                view.focus_first()

            self.run_worker(focus_view(), group="focus-view", exclusive=True, exit_on_error=False)
        self.query_one(NavTree).select_ref(ref)
        self.refresh_bindings()  # what `n`, `e` and R/A/P/S/J offer depends on the view

    @property
    def view(self) -> View | None:
        views = self.query_one("#pane").query_children(View)
        return views.first() if views else None

    def action_back(self) -> None:
        if self.history:
            self.open(self.history.pop(), remember=False, focus=True)
        elif self.focused is not None and not isinstance(self.focused, NavTree):
            self.query_one(NavTree).focus()

    def action_toggle_tree(self) -> None:
        tree = self.query_one(NavTree)
        tree.display = not tree.display
        if not tree.display and self.view is not None:
            self.view.focus_first()

    def action_copy_path(self) -> None:
        if self.current is not None:
            self.app.copy_to_clipboard(self.current.path)
            self.notify(f"Copied {self.current.path}", timeout=3, markup=False)

    def action_copy_url(self) -> None:
        if self.current is not None:
            url = self.current.web_url(self.app.api.settings.app_url)  # type: ignore[attr-defined]
            self.app.copy_to_clipboard(url)
            self.notify(f"Copied {url}", timeout=3, markup=False)

    @work(exclusive=True, group="jump", exit_on_error=False)
    async def jump_to_path(self, path: str | None) -> None:
        """Open whatever a path or W&B URL names (from `:` or the command palette)."""
        if not path:
            return
        try:
            obj = await self.app.api.from_path(path)  # type: ignore[attr-defined]
        except (WandbError, ValueError) as error:
            self.notify(f"Cannot open {path}: {error}", severity="error", timeout=8, markup=False)
            return
        self.open(ref_for_object(obj), focus=True)

    def action_section(self, kind: str) -> None:
        """Open a section (runs, artifacts...) of the project the current view belongs to."""
        if self.current is not None and self.current.project:
            self.open(Ref(Kind(kind), self.current.entity, self.current.project), focus=True)

    # -- forms (writes; none of this exists in read-only mode) ---------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "view_tab":
            view = self.view
            return view is not None and parameters[0] <= len(view.TABS)
        if action == "section":
            return self.current is not None and bool(self.current.project)
        if action in ("new", "edit_queue", "form"):
            if self.app.read_only:  # type: ignore[attr-defined]
                return False
            if action == "new":
                return any(spec.kinds & {self.current.kind} for spec in FORMS.values()) if self.current else False
            if action == "edit_queue":
                return self.current is not None and self.current.kind is Kind.QUEUE
        return True

    def action_view_tab(self, number: int) -> None:
        view = self.view
        if view is not None and number <= len(view.TABS):  # only a TabbedView has tabs
            view.action_tab(view.TABS[number - 1])  # type: ignore[attr-defined]

    def action_new(self) -> None:
        self._offer_forms()

    def action_edit_queue(self) -> None:
        self.open_form("edit-queue")

    def action_form(self, name: str) -> None:
        """Open a form by name (`FORMS`), e.g. from the palette or a script: `form('queue')`."""
        self.open_form(name)

    @work(exclusive=True, group="forms", exit_on_error=False)
    async def _offer_forms(self) -> None:
        try:
            admin = bool((await self.app.api.viewer()).admin)  # type: ignore[attr-defined]
        except WandbError:
            admin = False
        specs = forms_for(self.current, admin)
        if len(specs) == 1:
            self.open_form(specs[0].name)
        elif specs:
            by_label = {spec.label: spec.name for spec in specs}
            self.app.push_screen(PickScreen("New…", list(by_label)),
                                 lambda label: label and self.open_form(by_label[label]))

    def open_form(self, form: str, /, **values: str) -> None:
        """Open the form named `form` (see `FORMS`), prefilled from the current view and `values`."""
        if self.app.read_only:  # type: ignore[attr-defined]
            self.notify("Read-only mode: writes are turned off", severity="warning")
            return
        spec = FORMS[form]
        if spec.needs_queue and (self.current is None or self.current.kind is not Kind.QUEUE) and "name" not in values:
            self.notify("Open a launch queue first", severity="warning")
            return
        self.app.push_screen(spec.make(**(prefill(self.current, form) | values)), self._form_closed)

    def _form_closed(self, created: Created | None) -> None:
        if created is not None:
            self.notify(created.message, timeout=6, markup=False)
            self._show_created(created)

    @work(group="forms-created", exit_on_error=False)
    async def _show_created(self, created: Created) -> None:
        """Refresh the tree where the object appeared, then open and select it."""
        self.app.api.flush()  # type: ignore[attr-defined]
        tree = self.query_one(NavTree)
        if created.parent is None:
            tree.reload()
        else:
            chain = [Ref(Kind.ENTITY, created.parent.entity)]
            chain += [created.parent] if created.parent.kind is not Kind.ENTITY else []
            for index, ref in enumerate(chain):
                node = _find(tree, ref)
                if node is None:
                    break
                if index == len(chain) - 1 and node.is_expanded:
                    tree.reload(node)
                elif index == len(chain) - 1 or not node.is_expanded:
                    node.remove_children()  # load afresh on expanding
                    node.add_leaf(PLACEHOLDER)
                    node.expand()
                await _settled(tree)
        await _settled(tree)
        if created.ref == self.current and self.view is not None:
            self.view.reload()
        else:
            self.open(created.ref)
            await _focus_view(self)
        if node := _find(tree, created.ref):
            tree.move_cursor(node)


def _same_place(a: Ref, b: Ref) -> bool:
    kinds = {a.kind, b.kind}
    same_kind = a.kind is b.kind or kinds == {Kind.TEAM, Kind.ENTITY}
    return same_kind and (a.entity, a.project, a.name) == (b.entity, b.project, b.name)


def _find(tree: NavTree, ref: Ref):
    pending = list(tree.root.children)
    while pending:
        node = pending.pop(0)
        if node.data is not None and _same_place(node.data, ref):
            return node
        pending.extend(node.children)
    return None


async def _focus_view(screen: BrowserScreen, attempts: int = 40) -> None:
    """Focus the new view once it has composed its widgets (mounting is not awaited by open)."""
    for _ in range(attempts):
        await asyncio.sleep(0.05)
        if screen.view is None:
            return
        try:
            screen.view.focus_first()
            return
        except NoMatches:
            continue


async def _settled(tree: NavTree, timeout: float = 15.0) -> None:
    """Wait until the tree has loaded what it was asked to (its loading workers ended)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    await asyncio.sleep(0.05)  # let an expansion's message start its worker
    while loop.time() < end:
        busy = [w for w in tree.app.workers if w.node is tree and not w.is_finished]
        if not busy:
            return
        await asyncio.sleep(0.05)
