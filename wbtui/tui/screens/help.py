"""Every key of the screen underneath, grouped by the widget that owns it."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ..frames import SteadyFrames
from ..widgets.filter_bar import HINT as FILTER_HINT

LANGUAGE = """Filter language (press / in a runs list):
  state:running,failed   tag:baseline   -tag:bad   name~resnet   user:alice   group:exp1
  config.lr>=1e-3   loss<0.2 (a summary metric)   created>2026-01-01   has:summary.acc
  a | b  or  a or b for alternatives, ( ) to group, a leading - negates, {"raw": "json"} too."""


class HelpScreen(SteadyFrames, ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(Text("Keys (Esc closes)", style="bold"), classes="dialog-title")
            yield Static(self._table())
            yield Static(Text(LANGUAGE + "\n" + FILTER_HINT, style="dim"))

    def _table(self) -> Table:
        """One row per action, its keys together, grouped by the widget that owns it."""
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        rows: dict[tuple[str, str], tuple[list[str], str]] = {}
        for key, active in self.under.active_bindings.items():
            binding = active.binding
            if not binding.description:
                continue
            owner = type(active.node).__name__
            keys, text = rows.setdefault((owner, binding.action), ([], binding.tooltip or binding.description))
            keys.append(self.app.get_key_display(binding.__class__(key, binding.action, binding.description)))
        owner_seen = None
        for (owner, _), (keys, text) in rows.items():
            if owner != owner_seen:
                table.add_row(Text(owner, style="underline"), Text(""))
                owner_seen = owner
            table.add_row(Text(", ".join(dict.fromkeys(keys))), Text(text))
        return table
