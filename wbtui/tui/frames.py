"""Screen updates as soon as they are due, even after a slow frame.

A Textual screen repaints on a timer (60 per second) that ticks on a fixed grid of frame
boundaries. When a repaint takes longer than its interval — a full page of a wide runs table
can take 20-25 ms on a slow core — Textual 8.2's `Timer` skips to the *second* boundary after
it, not the next one (`count = int((now - start) / interval + 1)`, then it waits for
`start + (count + 1) * interval`). The next key's frame then waited up to three intervals
(50 ms at 60 fps) instead of one: a third of the slowest keys' latency while scrolling 10,000
runs.

`SteadyTimer` paces its ticks instead of aligning them: a tick comes one interval after the
previous one *started* (so never more than 60 a second), and at once if that time has passed
when the timer is resumed — after a slow frame, the next change is painted as soon as it is
made. `SteadyFrames` gives a screen one for its updates; every wbtui screen has it. Drop both
when Textual's timer stops skipping (tests/tui/test_frames.py fails then).

A key press hurries the timer: its frame comes as soon as the key has changed something, not
an interval after a frame drawn for something else a moment before (a page of runs arriving,
say), which made the slowest keys wait 12-17 ms more. Pacing still holds other updates to 60 a
second.
"""

from __future__ import annotations

import asyncio
from functools import cached_property

from textual import _time
from textual.screen import UPDATE_PERIOD
from textual.timer import EventTargetGone, Timer


class SteadyTimer(Timer):
    """A `Timer` whose ticks are at least an interval apart, each as early as that allows, unless
    hurried: then the next tick comes as soon as the timer is active."""

    _hurried = False
    _pacing: asyncio.Future | None = None

    def hurry(self) -> None:
        self._hurried = True
        if self._pacing is not None:
            self._pacing.cancel()

    async def _run(self) -> None:
        count = 0
        await self._active.wait()
        last = _time.get_time()  # the start: the first tick comes one interval later, as Textual's
        while self._repeat is None or count <= self._repeat:
            due = last + self._interval
            if not self._hurried:
                self._pacing = asyncio.ensure_future(_time.sleep(max(0, due - _time.get_time())))
                await asyncio.wait([self._pacing])  # ends early if hurried; a stop() still cancels us
                self._pacing = None
            self._hurried = False
            count += 1
            await self._active.wait()
            if self._reset:
                last, count, self._reset = _time.get_time(), 0, False
                continue
            last = _time.get_time()
            try:
                await self._tick(next_timer=due, count=count)
            except EventTargetGone:
                break


class SteadyFrames:
    """A mixin for a `Screen`: its updates run on a `SteadyTimer`."""

    def hurry_frame(self) -> None:
        """Paint the next change at once (the app calls it for every key press)."""
        self._update_timer.hurry()

    @cached_property
    def _update_timer(self) -> Timer:  # replaces Screen._update_timer (same timer, same use)
        timer = SteadyTimer(self, UPDATE_PERIOD, name="screen_update",
                            callback=self._on_timer_update, pause=True)  # type: ignore[attr-defined]
        timer._start()
        self._timers.add(timer)  # type: ignore[attr-defined]
        return timer
