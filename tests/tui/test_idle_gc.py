"""The TUI's garbage collector: generations 1 and 2 run when input is quiet, never mid-burst
(but at the latest after LONGEST seconds of it), and the thresholds come back on exit."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from wbtui import cli
from wbtui.config import Settings
from wbtui.tui import idle_gc
from wbtui.tui.app import WbtuiApp
from wbtui.tui.idle_gc import (
    FULL_EVERY,
    LONGEST,
    NEVER,
    QUIET,
    STARTUP,
    IdleCollector,
    pause_for_startup,
)


@contextmanager
def started() -> Iterator[IdleCollector]:
    """A started collector, stopped afterwards (its thresholds given back)."""
    collector = IdleCollector()
    collector.start()
    try:
        yield collector
    finally:
        collector.stop()


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(idle_gc, "monotonic", lambda: now[0])
    return now


@pytest.fixture
def collections():
    """The generations the real collector collects, as it reports them."""
    seen: list[int] = []

    def record(phase: str, info: dict) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(record)
    yield seen
    gc.callbacks.remove(record)


def test_the_older_generations_wait_for_quiet_input(clock, collections):
    saved = gc.get_threshold()
    with started() as collector:
        assert gc.get_threshold() == (saved[0], NEVER, NEVER)
        gc.collect(0)  # something reached generation 1
        collector.input()
        clock[0] += QUIET / 2
        collector.tick()
        assert 1 not in collections  # input came just now: nothing but generation 0
        clock[0] += QUIET
        collector.tick()
        assert collections[-1] == 1
    assert gc.get_threshold() == saved


def test_a_long_burst_of_input_is_collected_anyway(clock, collections):
    with started() as collector:
        gc.collect(0)
        for _ in range(int(LONGEST / 0.1) - 1):  # a key every 0.1 s, just under LONGEST
            clock[0] += 0.1
            collector.input()
            collector.tick()
        assert 1 not in collections
        clock[0] += 0.2
        collector.input()
        collector.tick()
        assert collections[-1] == 1


def test_a_full_collection_only_when_quiet_and_not_too_often(clock, collections):
    with started() as collector:
        gc.collect(1)  # generation 2 has something new
        clock[0] += FULL_EVERY
        collector.input()
        collector.tick()
        assert 2 not in collections  # not while keys come in
        clock[0] += QUIET
        collector.tick()
        assert collections[-1] == 2
        gc.collect(1)
        collections.clear()
        clock[0] += QUIET
        collector.tick()
        assert 2 not in collections  # the last one was just now


class Cycle:
    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def paused():
    """Collection paused as the launcher pauses it; afterwards as it was, nothing left frozen."""
    pause_for_startup()
    yield
    gc.unfreeze()
    gc.enable()


def test_a_paused_start_up_ends_after_startup_seconds_frozen(clock, collections, paused):
    with started() as collector:
        clock[0] += STARTUP - 0.1
        collector.tick()
        assert not gc.isenabled() and gc.get_freeze_count() == 0 and not collections
        clock[0] += 0.1
        collector.tick()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 1000  # everything start-up made, out of the way
        assert 2 not in collections
        # the first full collection, once quiet, takes start-up's objects back and frees its garbage
        garbage = Cycle()
        freed = weakref.ref(garbage)
        gc.freeze()  # as if start-up had made it
        del garbage
        gc.collect(1)
        assert freed() is not None  # frozen: the young collections leave it
        clock[0] += FULL_EVERY
        collector.tick()
        assert collections[-1] == 2 and gc.get_freeze_count() == 0
        assert freed() is None


def test_the_first_key_ends_a_paused_start_up_at_once(clock, paused):
    with started() as collector:
        collector.input()
        assert gc.isenabled() and gc.get_freeze_count() > 0


def test_an_unpaused_start_freezes_nothing(clock):
    with started() as collector:
        clock[0] += STARTUP
        collector.tick()
        assert gc.isenabled() and gc.get_freeze_count() == 0


def test_stop_resumes_collection_if_start_up_never_ended(paused):
    collector = IdleCollector()
    collector.start()
    collector.stop()
    assert gc.isenabled()


async def test_the_app_hands_the_collector_back_on_exit():
    saved = gc.get_threshold()
    app = WbtuiApp(Settings(), None)  # no credentials: the welcome screen, no server needed
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert gc.get_threshold()[1:] == (NEVER, NEVER)
    assert gc.get_threshold() == saved


@pytest.mark.parametrize("command", [["demo"], ["--api-key", "x" * 40]])
def test_the_launcher_pauses_collection_before_the_app_starts(monkeypatch, command):
    seen = []
    monkeypatch.setattr(WbtuiApp, "run", lambda app: seen.append(gc.isenabled()))
    try:
        cli.main(command)
    finally:
        gc.enable()
    assert seen == [False]
