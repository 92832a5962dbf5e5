"""No credentials yet: how to log in, or try the demo."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from ..frames import SteadyFrames
from ..widgets.footer import Footer

HOW = """wbtui uses the same credentials as wandb. Any one of these works:

  wandb login                         (then run wbtui again)
  export WANDB_API_KEY=...            (and WANDB_BASE_URL for W&B Server)
  wbtui --base-url https://wandb.example.com --api-key ...

Keys live in ~/.netrc (written by `wandb login`) or WANDB_API_KEY.
Get yours at <your W&B URL>/authorize."""


STARTING = "Starting the demo sandbox… (the first start builds the demo workspace: a few seconds)"


class WelcomeScreen(SteadyFrames, Screen[None]):
    BINDINGS = [
        Binding("d", "demo", "Try the demo", id="welcome.demo", tooltip="Open a local demo workspace"),
        Binding("q,escape", "app.quit", "Quit", id="welcome.quit"),
    ]

    def __init__(self, *, demo_available: bool, error: str | None = None, starting: bool = False) -> None:
        super().__init__()
        self.demo_available = demo_available
        self.error = error
        self.starting = starting

    def compose(self) -> ComposeResult:
        with Vertical(classes="welcome"):
            yield Static(Text("Welcome to wbtui", style="bold"))
            if self.error:
                yield Static(Text(f"⚠ {self.error}"), classes="view-error")
            yield Static(Text(HOW))
            if self.demo_available:
                yield Static(Text("Press d to explore a demo workspace on a local sandbox server (nothing leaves this machine).", style="bold"))
            yield Static(Text(STARTING) if self.starting else "", id="demo-status")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.demo_available if action == "demo" else True

    def action_demo(self) -> None:
        self.app.start_demo()  # type: ignore[attr-defined]
