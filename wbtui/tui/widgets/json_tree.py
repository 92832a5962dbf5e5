"""A config or summary as a tree you can search: type to keep the keys or values that match."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Tree
from textual.widgets.tree import TreeNode

from ..text import plain, value

# Past this many nodes the tree starts collapsed, so a huge summary opens instantly.
EXPAND_LIMIT = 300


class JsonTree(Vertical):
    BINDINGS = [Binding("slash", "search", "Search", id="json.search", tooltip="Search keys and values")]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.data: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        search = Input(placeholder="/ search keys and values", classes="json-search")
        search.can_focus = False  # only `/` goes there: number keys and Tab stay with the tree
        yield search
        tree: Tree[str] = Tree("root")
        tree.show_root = False
        yield tree

    def show(self, data: dict[str, Any]) -> None:
        self.data = data
        self._build(self.query_one(Input).value)

    def action_search(self) -> None:
        search = self.query_one(Input)
        search.can_focus = True
        search.focus()

    def on_descendant_blur(self, event) -> None:
        if isinstance(event.widget, Input):
            event.widget.can_focus = False

    @on(Input.Changed)
    def _search(self, event: Input.Changed) -> None:
        event.stop()
        self._build(event.value)

    @on(Input.Submitted)
    def _to_tree(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(Tree).focus()

    def key_escape(self, event) -> None:
        """Esc in the search goes back to the tree (elsewhere it goes back a view)."""
        if self.query_one(Input).has_focus:
            event.stop()
            self.query_one(Tree).focus()

    def _build(self, search: str) -> None:
        tree = self.query_one(Tree)
        tree.clear()
        needle = search.strip().lower()
        count = _add(tree.root, self.data, "", needle)
        expand = bool(needle) or count <= EXPAND_LIMIT
        if expand:
            tree.root.expand_all()
        if not self.data:
            tree.root.add_leaf(Text("(empty)", style="dim"))
        elif count == 0:
            tree.root.add_leaf(Text("nothing matches", style="dim"))
        tree.cursor_line = 0


def _add(node: TreeNode[str], data: Any, path: str, needle: str) -> int:
    """Add the entries of `data` that match `needle` (or contain a match); return how many."""
    added = 0
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, item in sorted(items, key=lambda kv: str(kv[0])) if isinstance(data, dict) else items:
        child_path = f"{path}.{key}" if path else str(key)
        if isinstance(item, (dict, list)) and item:
            label = Text(plain(key), style="bold")
            label.append(f" {len(item)}", style="dim")
            child = node.add(label, data=child_path)
            inner = _add(child, item, child_path, "" if needle and needle in child_path.lower() else needle)
            if inner == 0 and needle:
                child.remove()
            added += inner + 1 if inner or not needle else 0
        else:
            text = value(item, exact=True)  # a detail view: every digit
            if needle and needle not in child_path.lower() and needle not in text.lower():
                continue
            label = Text(plain(key), style="bold")
            label.append(" = ")
            label.append(text)
            node.add_leaf(label, data=child_path)
            added += 1
    return added
