"""Garbage collection of the older generations while nobody waits for the screen.

A collection of Python's generation 1 walks every young tracked object, one of generation 2
every object: while scrolling 10,000 runs, drawing's churn made them pause key presses for
20-60 ms (generation 1) and 100-300 ms (generation 2). Generation 0 stays automatic (about a
millisecond); the older ones run once input has been quiet for half a second, and at the latest
after half a minute of continuous input, so memory stays bounded.

Start-up is different: it makes objects that live as long as the app (modules, classes, the
sandbox's schema), and collecting them is wasted work (60-80 ms of a one-second start, and a
generation-1 pass over all of them half a second in). So the launcher pauses collection
(`pause_for_startup`); when start-up ends (STARTUP seconds after mount, or at the first key)
what it made is frozen, out of the young collections' way, and collection resumes; the first
full collection (quiet, a minute in) takes them back, and frees the few garbage among them.
"""

from __future__ import annotations

import gc
from time import monotonic

QUIET = 0.5  # seconds without input after which the young generations are collected
LONGEST = 30.0  # seconds of continuous input after which they are collected anyway
FULL_EVERY = 60.0  # a full collection (every object) at most this often, and only when quiet
NEVER = 1 << 30  # a threshold the automatic collector does not reach
STARTUP = 2.0  # seconds after mount that still count as start-up, unless input comes first


def pause_for_startup() -> None:
    """For the launcher, before it imports the app: no collections until start-up has ended."""
    gc.disable()


class IdleCollector:
    """`start()` takes generations 1 and 2 over from the automatic collector (and ends a paused
    start-up later); `input()` on every key or mouse event; `tick()` a few times a second;
    `stop()` gives them back."""

    def __init__(self) -> None:
        self._saved = gc.get_threshold()
        self._input = self._young = self._full = self._started = monotonic()
        self._starting = False

    def start(self) -> None:
        self._saved = gc.get_threshold()  # what stop() gives back
        gc.set_threshold(self._saved[0], NEVER, NEVER)
        self._starting = not gc.isenabled()  # paused by the launcher
        self._started = monotonic()

    def stop(self) -> None:
        self._end_startup()
        gc.set_threshold(*self._saved)

    def input(self) -> None:
        self._input = monotonic()
        self._end_startup()

    def _end_startup(self) -> None:
        if self._starting:
            self._starting = False
            gc.freeze()  # out of the young collections' way until the next full one
            gc.enable()

    def tick(self) -> None:
        now = monotonic()
        if self._starting:
            if now - self._started < STARTUP:
                return
            self._end_startup()
        quiet = now - self._input >= QUIET
        _, young_collections, older_collections = gc.get_count()  # since the last of the next generation
        if quiet and older_collections and now - self._full >= FULL_EVERY:
            gc.unfreeze()  # start-up's objects too: the garbage among them is freed now
            gc.collect(2)
            self._full = self._young = now
        elif young_collections and (quiet or now - self._young >= LONGEST):
            gc.collect(1)
            self._young = now
