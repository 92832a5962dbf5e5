"""Helpers of the TUI's pilot tests: the seeded sandbox, the app on it, and the screen as text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from wbtui.config import Settings
from wbtui.core import Api
from wbtui.tui.app import WbtuiApp
from wbtui.tui.refs import Kind, Ref


@dataclass
class TuiSeed:
    url: str
    key: str
    entity: str
    project: str
    markup: str
    stages: dict[str, dict[str, Any]]

    def need(self, stage: str) -> dict[str, Any]:
        """The stage's output; skip when the sandbox could not take it (yet)."""
        out = self.stages[stage]
        if "error" in out:
            last = out["error"].strip().splitlines()[-1]
            pytest.skip(f"the sandbox could not take the {stage} seed from the official SDK: {last}")
        return out

    def app(self, url: str | None = None, **api_options: Any) -> WbtuiApp:
        """The app on the sandbox (or on `url`), as `wbtui` starts it after `wandb login`."""
        options = {"timeout": 20} | api_options
        return WbtuiApp(Settings(), lambda: Api(api_key=self.key, overrides={"base_url": url or self.url}, **options))


def screen_text(app: WbtuiApp) -> str:
    """What the terminal shows, as plain text (styles dropped, markup never interpreted)."""
    return "\n".join("".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips())


def widget_lines(app: WbtuiApp, widget: Any) -> list[str]:
    """The lines of the screen inside a widget's content region."""
    region = widget.content_region
    return [line[region.x:region.right] for line in screen_text(app).splitlines()[region.y:region.bottom]]


def toasts_text(app: WbtuiApp) -> list[str]:
    """The text of each notification on screen, its wrapped lines joined (spaces at the
    ends of lines are lost). Needs `run_test(notifications=True)`."""
    return ["".join(line.strip() for line in widget_lines(app, toast)) for toast in app.screen.query("Toast")]


from scenes import settle  # noqa: E402  (one definition for every TUI test)


async def open_ref(pilot: Any, ref: Ref) -> None:
    """Open a view as the tree or `:` would, with focus in it, and wait for its data."""
    await settle(pilot)
    pilot.app.screen.open(ref, focus=True)
    await pilot.pause()
    await settle(pilot)


def ref(kind: Kind, seed: TuiSeed, name: str = "", parent: str = "", project: str | None = None) -> Ref:
    return Ref(kind, seed.entity, seed.project if project is None else project, name, parent=parent)
