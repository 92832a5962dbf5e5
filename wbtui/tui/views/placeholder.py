"""Temporary: kinds whose view is still being built say so plainly."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from .base import View


class PendingView(View):
    def compose_body(self) -> ComposeResult:
        yield Static(Text(f"The {self.ref.kind.value} view is not built yet."))
