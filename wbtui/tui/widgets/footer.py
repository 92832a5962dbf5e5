"""The key hints at the bottom of the screen, drawn as one line of text."""

from __future__ import annotations

from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget


class Hint(NamedTuple):
    key: str
    display: str
    description: str
    enabled: bool


class Footer(Widget, can_focus=False):
    """The keys the focused widget, its ancestors and the screen offer, as Textual's footer
    shows them (one per action, dimmed when unavailable, the command palette's on the right).

    Textual's footer mounts a widget per key whenever the bindings change: ~70 ms for 17 keys at
    120 columns, each time a view opens, and a key pressed meanwhile waited. This draws the same
    line as text (~1 ms). A click on a hint presses its key."""

    COMPONENT_CLASSES = {"footer-key--key", "footer-key--description"}
    DEFAULT_CSS = """
    Footer {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, Hint]] = []  # where each hint was drawn, for clicks

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen) -> None:
        self.refresh()

    def hints(self) -> tuple[list[Hint], Hint | None]:
        """(the hints in order, the command palette's), from the screen's active bindings."""
        active = self.screen.active_bindings
        seen: set[str] = set()
        hints = []
        for _node, binding, enabled, _tooltip in active.values():
            if binding.show and binding.action not in seen:
                seen.add(binding.action)
                hints.append(Hint(binding.key, self.app.get_key_display(binding), binding.description, enabled))
        palette = None
        if self.app.ENABLE_COMMAND_PALETTE and (found := active.get(self.app.COMMAND_PALETTE_BINDING)):
            _node, binding, enabled, _tooltip = found
            palette = Hint(binding.key, self.app.get_key_display(binding), binding.description, enabled)
            hints = [hint for hint in hints if hint.key != binding.key]
        return hints, palette

    def render(self) -> Text:
        key_style = self.get_component_rich_style("footer-key--key", partial=True)
        description_style = self.get_component_rich_style("footer-key--description", partial=True)
        dim = Style(dim=True)
        hints, palette = self.hints()
        width = self.size.width
        right = Text()
        if palette is not None:
            right = Text.assemble("▏", (palette.display, key_style), " ", (palette.description, description_style))
        room = max(0, width - right.cell_len - 1)
        line, spans = Text(), []
        for hint in hints:
            part = Text.assemble((f" {hint.display} ", key_style), (hint.description, description_style), " ")
            if not hint.enabled:
                part.stylize(dim)
            if line.cell_len + part.cell_len > room:
                break
            spans.append((line.cell_len, line.cell_len + part.cell_len, hint))
            line.append_text(part)
        line.pad_right(room - line.cell_len + (width - room - right.cell_len))
        if palette is not None:
            spans.append((line.cell_len, line.cell_len + right.cell_len, palette))
            line.append_text(right)
        self._spans = spans
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, hint in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(hint.key) if hint.enabled else self.app.bell()
                return
