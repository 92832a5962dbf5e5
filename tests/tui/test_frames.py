"""Screen updates after a slow frame: Textual's timer waits a frame too long, SteadyTimer does not."""

from __future__ import annotations

import asyncio

import pytest
from textual import _time
from textual import timer as textual_timer
from textual._context import active_app
from textual.timer import Timer

from wbtui.tui.frames import SteadyTimer
from wbtui.tui.screens.browser import BrowserScreen

from scenes import demo_app, settle
from tui_helpers import screen_text


class _App:
    """What a timer asks of the running app (it is also the timer's target)."""

    _exit = False
    features: frozenset[str] = frozenset()

    def _handle_exception(self, error: Exception) -> None:
        raise error


async def _tick_times(timer_class: type[Timer], monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Ticks of a 1 s timer on a fake clock whose first tick takes 1.3 s."""
    clock = [0.0]

    async def sleep(seconds: float) -> None:
        clock[0] += max(seconds, 0)
        await asyncio.sleep(0)

    monkeypatch.setattr(_time, "get_time", lambda: clock[0])
    monkeypatch.setattr(_time, "sleep", sleep)
    monkeypatch.setattr(textual_timer, "sleep", sleep)
    ticks: list[float] = []

    def tick() -> None:
        ticks.append(clock[0])
        if len(ticks) == 1:
            clock[0] += 1.3  # a slow frame

    app = _App()
    active_app.set(app)
    timer = timer_class(app, 1.0, callback=tick)
    timer._start()
    for _ in range(1000):
        if len(ticks) == 3 or timer._task.done():
            break
        await asyncio.sleep(0)
    timer.stop()
    return ticks


async def test_after_a_slow_tick_the_next_comes_at_the_next_boundary(monkeypatch: pytest.MonkeyPatch) -> None:
    assert await _tick_times(SteadyTimer, monkeypatch) == [1.0, 3.0, 4.0]


async def test_textual_timer_still_skips_one_boundary_too_many(monkeypatch: pytest.MonkeyPatch) -> None:
    """Why SteadyTimer exists. When this fails, Textual has fixed its timer: drop wbtui/tui/frames.py."""
    assert await _tick_times(Timer, monkeypatch) == [1.0, 4.0, 5.0]


async def test_the_browser_screen_updates_on_a_steady_timer(demo_sandbox) -> None:
    app = demo_app(demo_sandbox.sandbox)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert isinstance(app.screen._update_timer, SteadyTimer)
        assert "cifar10-resnet" in screen_text(app)  # painted by it
