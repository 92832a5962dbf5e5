"""The runs filter bar: the compact filter language with key completion and located errors."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from ...core import filterlang
from ..text import plain

HINT = "Enter apply · Esc cancel · Tab complete · e.g. state:running tag:base config.lr>=1e-3 loss<0.2 name~resnet"


class FilterBar(Vertical):
    """An input for `wbtui.core.filterlang`; posts `Applied` with the compiled filter."""

    BINDINGS = [
        Binding("tab", "complete", "Complete", id="filter.complete", priority=True),
        Binding("escape", "cancel", "Cancel", id="filter.cancel"),
    ]

    class Applied(Message):
        def __init__(self, text: str, filters: dict[str, Any]) -> None:
            super().__init__()
            self.text = text
            self.filters = filters

    class Cancelled(Message):
        pass

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.config_keys: list[str] = []
        self.summary_keys: list[str] = []
        self._cycle: tuple[str, list[str], int] | None = None  # (text before, candidates, index)

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter runs…  (? for the language)", id="filter-input")
        yield Static(HINT, classes="filter-hint")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    def open(self, text: str) -> None:
        self.display = True
        self.input.value = text
        self.input.cursor_position = len(text)
        self.input.focus()
        self._show_hint(HINT)

    def _show_hint(self, message: str | Text) -> None:
        self.query_one(".filter-hint", Static).update(message if isinstance(message, Text) else Text(message))

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._cycle and event.value == self._current_cycle_value():
            return
        self._cycle = None
        candidates = self._candidates(event.value, min(self.input.cursor_position, len(event.value)))
        if candidates:
            self._show_hint(Text("Tab: " + "  ".join(plain(c) for c in candidates[:8]), style="dim"))
        else:
            self._show_hint(HINT)

    def _candidates(self, text: str, cursor: int) -> list[str]:
        return filterlang.complete(text, cursor, self.config_keys, self.summary_keys)

    def _current_cycle_value(self) -> str:
        assert self._cycle is not None
        before, candidates, index = self._cycle
        return before + candidates[index]

    def action_complete(self) -> None:
        """Complete the word at the cursor; Tab again cycles through the candidates."""
        text = self.input.value
        cursor = min(self.input.cursor_position, len(text))
        if self._cycle is not None and text == self._current_cycle_value():
            before, candidates, index = self._cycle
            self._cycle = (before, candidates, (index + 1) % len(candidates))
        else:
            candidates = self._candidates(text, cursor)
            if not candidates:
                return
            start, end = filterlang.word_span(text, cursor)
            self._cycle = (text[:start], candidates, 0)
            text = text[:start] + text[end:]
        value = self._current_cycle_value()
        self.input.value = value
        self.input.cursor_position = len(value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        try:
            filters = filterlang.parse(text) if text else {}
        except filterlang.FilterSyntaxError as error:
            pointer = Text(" " * error.position + "^ ", style="bold red")
            pointer.append(plain(error.message), style="red")
            self._show_hint(pointer)
            self.input.cursor_position = error.position
            return  # the text stays as typed, to be fixed
        self.post_message(self.Applied(text, filters))

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled())
