"""Screen updates after a slow frame: Textual's timer waits a frame too long, SteadyTimer does not."""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
from collections.abc import Callable

import pytest
from textual import _time
from textual import timer as textual_timer
from textual._context import active_app
from textual.screen import Screen
from textual.timer import Timer

import wbtui.tui
from wbtui.tui.frames import SteadyFrames, SteadyTimer
from wbtui.tui.screens.browser import BrowserScreen

from scenes import demo_app, settle
from tui_helpers import screen_text


class _App:
    """What a timer asks of the running app (it is also the timer's target)."""

    _exit = False
    features: frozenset[str] = frozenset()

    def _handle_exception(self, error: Exception) -> None:
        raise error


class Clock:
    """A fake clock for Textual's timers: sleeping moves it on at once."""

    def __init__(self) -> None:
        self.now = 0.0

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0)
        await asyncio.sleep(0)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(_time, "get_time", lambda: clock.now)
    monkeypatch.setattr(_time, "sleep", clock.sleep)
    monkeypatch.setattr(textual_timer, "sleep", clock.sleep)
    active_app.set(_App())
    return clock


async def ticks_of(timer_class: type[Timer], clock: Clock,
                   on_tick: Callable[[Timer, int], None]) -> list[float]:
    """When a 1 s timer ticks, the first three times; `on_tick(timer, n)` runs in tick n."""
    ticks: list[float] = []

    def tick() -> None:
        ticks.append(clock.now)
        on_tick(timer, len(ticks))

    timer = timer_class(active_app.get(), 1.0, callback=tick)
    timer._start()
    for _ in range(1000):
        if len(ticks) == 3 or timer._task.done():
            break
        await asyncio.sleep(0)
    timer.stop()
    return ticks


def slow_first(clock: Clock) -> Callable[[Timer, int], None]:
    def on_tick(timer: Timer, n: int) -> None:
        if n == 1:
            clock.now += 1.3  # a frame that takes longer than the interval
    return on_tick


async def test_after_a_slow_tick_the_next_comes_as_soon_as_an_interval_has_passed(clock: Clock) -> None:
    assert await ticks_of(SteadyTimer, clock, slow_first(clock)) == [1.0, 2.3, 3.3]


async def test_textual_timer_still_skips_one_boundary_too_many(clock: Clock) -> None:
    """Why SteadyTimer exists. When this fails, Textual has changed its timer: see wbtui/tui/frames.py."""
    assert await ticks_of(Timer, clock, slow_first(clock)) == [1.0, 4.0, 5.0]


async def test_ticks_stay_an_interval_apart(clock: Clock) -> None:
    def on_tick(timer: Timer, n: int) -> None:
        clock.now += 0.25
    assert await ticks_of(SteadyTimer, clock, on_tick) == [1.0, 2.0, 3.0]


async def test_a_paused_timer_resumed_late_ticks_at_once(clock: Clock) -> None:
    """As a screen uses it: each tick pauses it, the next change resumes it."""
    def on_tick(timer: Timer, n: int) -> None:
        timer.pause()
        asyncio.get_running_loop().call_soon(resume, timer)

    def resume(timer: Timer) -> None:
        clock.now += 3.0  # the next change comes long after the tick
        timer.resume()

    assert await ticks_of(SteadyTimer, clock, on_tick) == [1.0, 5.0, 9.0]


async def test_a_hurried_timer_ticks_without_waiting_for_the_interval(clock: Clock) -> None:
    def on_tick(timer: Timer, n: int) -> None:
        if n == 1:
            timer.hurry()  # type: ignore[attr-defined]  (a key came: its frame goes at once)
    assert await ticks_of(SteadyTimer, clock, on_tick) == [1.0, 1.0, 2.0]


async def test_hurrying_cuts_the_wait_short_in_real_time() -> None:
    active_app.set(_App())
    loop = asyncio.get_running_loop()
    ticks: list[float] = []
    timer = SteadyTimer(active_app.get(), 0.5, callback=lambda: ticks.append(loop.time()))
    started = loop.time()
    timer._start()
    while not ticks:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)
    timer.hurry()  # while it waits out the interval after the first tick
    while len(ticks) < 2:
        await asyncio.sleep(0.01)
    timer.stop()
    assert ticks[0] - started >= 0.45 and ticks[1] - ticks[0] < 0.3


def test_every_screen_of_wbtui_paints_on_a_steady_timer() -> None:
    for module in pkgutil.walk_packages(wbtui.tui.__path__, "wbtui.tui."):
        importlib.import_module(module.name)

    def subclasses(cls: type) -> set[type]:
        return {cls} | {s for sub in cls.__subclasses__() for s in subclasses(sub)}

    ours = {cls for cls in subclasses(Screen) if cls.__module__.startswith("wbtui.")}
    assert len(ours) >= 8 and all(issubclass(cls, SteadyFrames) for cls in ours)


async def test_the_browser_screen_updates_on_a_steady_timer(demo_sandbox) -> None:
    app = demo_app(demo_sandbox.sandbox)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert isinstance(app.screen._update_timer, SteadyTimer)
        assert "cifar10-resnet" in screen_text(app)  # painted by it
        hurried = []
        timer = app.screen._update_timer
        original = timer.hurry
        timer.hurry = lambda: hurried.append(True) or original()
        await pilot.press("down")
        assert hurried  # a key's frame does not wait behind another's
