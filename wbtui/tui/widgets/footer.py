"""Textual's footer, redrawn once for a burst of binding changes."""

from __future__ import annotations

from functools import partial

from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer as TextualFooter

SETTLE = 0.1  # seconds without another change before the footer redraws


class Footer(TextualFooter):
    """Opening a view changes the bindings two or three times within ~80 ms (the view, the focus
    leaving the old view, the focus entering the new one), and each time Textual's footer mounts
    a widget per key again (~30 ms): a key pressed meanwhile waited for all of them. This one
    redraws once the changes settle (bench_tui: worst key 108-148 ms -> 83 ms)."""

    _pending: Timer | None = None

    @property
    def redraw_pending(self) -> bool:
        return self._pending is not None

    def bindings_changed(self, screen: Screen) -> None:
        if self._pending is not None:
            self._pending.stop()
        self._pending = self.set_timer(SETTLE, partial(self._redraw, screen))

    def _redraw(self, screen: Screen) -> None:
        self._pending = None
        super().bindings_changed(screen)
