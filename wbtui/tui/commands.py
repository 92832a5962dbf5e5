"""The command palette (ctrl+p): this screen's actions, loaded places, and any path or URL."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .refs import Ref


class ViewCommands(Provider):
    """Every action the current screen offers by key, by its description."""

    def _commands(self) -> list[tuple[str, str, object]]:
        seen: dict[str, tuple[str, str, object]] = {}
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if binding.description and binding.action not in ("command_palette",):
                label = binding.tooltip or binding.description
                keys = self.app.get_key_display(binding)
                seen.setdefault(binding.action, (label, keys, partial(active.node.run_action, binding.action)))
        return list(seen.values())

    async def discover(self) -> Hits:
        for label, keys, run in self._commands():
            yield DiscoveryHit(label, run, help=f"key: {keys}")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, keys, run in self._commands():
            if (score := matcher.match(label)) > 0:
                yield Hit(score, matcher.highlight(label), run, help=f"key: {keys}")


class JumpCommands(Provider):
    """Places already loaded in the tree, and whatever path or W&B URL is typed."""

    def _places(self) -> list[Ref]:
        from .widgets.nav_tree import NavTree

        trees = self.screen.query(NavTree)
        return trees.first().loaded_refs() if trees else []

    def _open(self, ref: Ref) -> None:
        self.app.open_ref(ref)  # type: ignore[attr-defined]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for ref in self._places():
            text = f"Open {ref.kind.value} {ref.path or ref.title}"
            if (score := matcher.match(text)) > 0:
                yield Hit(score, matcher.highlight(text), partial(self._open, ref))
        if "/" in query:
            screen = self.screen
            if hasattr(screen, "jump_to_path"):
                yield Hit(1.0, f"Go to {query}", partial(screen.jump_to_path, query.strip()),
                          help="a path or W&B URL")


class FormCommands(Provider):
    """Every form that fits the current view ("New project…", "Edit launch queue…"); none in
    read-only mode."""

    def _forms(self) -> list[tuple[str, str]]:
        from .forms import FORMS

        screen = self.screen
        if getattr(self.app, "read_only", True) or not hasattr(screen, "open_form"):
            return []
        current = getattr(screen, "current", None)
        return [(spec.label, spec.name) for spec in FORMS.values()
                if not spec.needs_queue or (current is not None and spec.fits(current, True))]

    def _open(self, name: str) -> None:
        self.screen.open_form(name)  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        for label, name in self._forms():
            yield DiscoveryHit(label, partial(self._open, name), help="a form; nothing is sent until you submit")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, name in self._forms():
            if (score := matcher.match(label)) > 0:
                yield Hit(score, matcher.highlight(label), partial(self._open, name), help="a form")
