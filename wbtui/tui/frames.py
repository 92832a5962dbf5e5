"""Screen updates on time, even after a slow frame.

A Textual screen repaints on a timer (60 per second). When a repaint takes longer than its
interval — a full page of a wide runs table can take 20-25 ms on a slow core — Textual 8.2's
`Timer` skips to the *second* frame boundary after it, not the first: it sets
`count = int((now - start) / interval + 1)` and then waits for `start + (count + 1) * interval`.
The next key's frame then waits up to three intervals (50 ms at 60 fps) instead of one: in the
10,000-run scroll benchmark that was a third of the slowest keys' latency.

`SteadyTimer` is Textual's timer with that skip fixed (its loop, one line changed), and
`SteadyFrames` gives a screen one for its updates. Drop both when Textual fixes its timer
(tests/tui/test_frames.py fails then).
"""

from __future__ import annotations

from functools import cached_property

from textual import _time
from textual.screen import UPDATE_PERIOD
from textual.timer import EventTargetGone, Timer


class SteadyTimer(Timer):
    """A `Timer` whose skipped ticks resume at the next interval boundary."""

    async def _run(self) -> None:
        count = 0
        await self._active.wait()
        start = _time.get_time()
        while self._repeat is None or count <= self._repeat:
            next_timer = start + (count + 1) * self._interval
            now = _time.get_time()
            if self._skip and next_timer < now:
                count = int((now - start) / self._interval)  # the boundary just passed: next is the one after
                continue
            await _time.sleep(max(0, next_timer - _time.get_time()))
            count += 1
            await self._active.wait()
            if self._reset:
                start, count, self._reset = _time.get_time(), 0, False
                continue
            try:
                await self._tick(next_timer=next_timer, count=count)
            except EventTargetGone:
                break


class SteadyFrames:
    """A mixin for a `Screen`: its updates run on a `SteadyTimer`."""

    @cached_property
    def _update_timer(self) -> Timer:  # replaces Screen._update_timer (same timer, same use)
        timer = SteadyTimer(self, UPDATE_PERIOD, name="screen_update",
                            callback=self._on_timer_update, pause=True)  # type: ignore[attr-defined]
        timer._start()
        self._timers.add(timer)  # type: ignore[attr-defined]
        return timer
