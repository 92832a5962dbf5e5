"""Walks through the demo workspace, shared by the snapshot tests and `screenshots/make.py`.

Each scene drives the app with keys, as a person would, and waits until every worker is done,
so what it shows is deterministic: the demo is seeded, its live runs are still (no lifespan in
process), times show in UTC, and the client talks to the sandbox in process under a fixed URL.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from wbtui.config import Settings
from wbtui.core import Api
from wbtui.sandbox.app import Sandbox, create_app
from wbtui.tui.app import WbtuiApp
from wbtui.tui.refs import Kind, Ref

BASE_URL = "http://wbtui-demo"
PROJECT = ("admin", "cifar10-resnet")

Steps = Callable[[Any], Awaitable[None]]


def use_utc() -> None:
    os.environ["TZ"] = "UTC"
    time.tzset()


def demo_app(sandbox: Sandbox, **settings: Any) -> WbtuiApp:
    """The app on `sandbox` in process (ASGI), as the admin, under `BASE_URL`."""
    use_utc()
    transport = httpx.ASGITransport(create_app(sandbox))

    def make_api() -> Api:
        return Api(overrides={"base_url": BASE_URL}, api_key=sandbox.admin_key, transport=transport)

    return WbtuiApp(Settings(**settings), make_api)


async def settle(pilot: Any, rounds: int = 20) -> None:
    """Until no worker runs (a load may start more), then a repaint. A worker that was
    cancelled (an exclusive one replaced by a newer) or failed (shown as a message) counts as
    done."""
    await pilot.pause()  # pending messages first: a screen being pushed starts its workers on mount
    for _ in range(rounds):
        running = [worker for worker in pilot.app.workers if worker.is_running]
        if not running:
            break
        await asyncio.gather(*(worker.wait() for worker in running), return_exceptions=True)
        await pilot.pause(0.05)
    await pilot.pause(0.1)


async def keys(pilot: Any, *pressed: str) -> None:
    for key in pressed:
        await pilot.press(key)
        await settle(pilot)


def open_ref(ref: Ref) -> Steps:
    async def steps(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.screen.open(ref, focus=True)
        await settle(pilot)

    return steps


def then(first: Steps, *pressed: str) -> Steps:
    async def steps(pilot: Any) -> None:
        await first(pilot)
        await keys(pilot, *pressed)

    return steps


RUNS = Ref(Kind.RUNS, *PROJECT)


@dataclass(frozen=True)
class Scene:
    name: str
    caption: str
    steps: Steps
    size: tuple[int, int] = (100, 30)


async def _start(pilot: Any) -> None:
    await settle(pilot)
    await keys(pilot, "down", "enter", "right")


async def _filtered_runs(pilot: Any) -> None:
    await open_ref(RUNS)(pilot)
    await keys(pilot, "slash")
    await pilot.press(*"state:finished accuracy>0.9")
    await keys(pilot, "enter")


async def _charts(pilot: Any) -> None:
    await open_ref(RUNS)(pilot)
    await keys(pilot, "down", "space", "space", "space", "up", "up", "up", "enter", "4")


def form(which: str, where: Ref, /, **values: str) -> Steps:
    """Open the form `which` from the view of `where`, with some fields filled in."""
    async def steps(pilot: Any) -> None:
        await open_ref(where)(pilot)
        pilot.app.screen.open_form(which, **values)
        await settle(pilot)

    return steps


SCENES = [
    Scene("project", "The tree and a project", _start),
    Scene("runs", "Runs: pages load as you scroll, sort on the server", open_ref(RUNS)),
    Scene("runs-filter", "The filter language: state:finished accuracy>0.9", _filtered_runs),
    Scene("run", "A run's overview", then(open_ref(RUNS), "down", "enter")),
    Scene("run-charts", "Charts of marked runs overlaid", _charts),
    Scene("run-logs", "A run's console log", then(open_ref(RUNS), "down", "enter", "6")),
    Scene("artifact", "An artifact version: aliases, metadata, files, lineage",
          open_ref(Ref(Kind.ARTIFACT, *PROJECT, "resnet50-cifar10:v0", parent="model"))),
    Scene("queue", "A launch queue: config, template variables, items",
          open_ref(Ref(Kind.QUEUE, "vision-lab", name="a100-k8s"))),
    Scene("report", "A report rendered from its spec", then(open_ref(Ref(Kind.REPORTS, *PROJECT)), "enter")),
    Scene("sweep", "A sweep and its best run", open_ref(Ref(Kind.SWEEP, *PROJECT, "qqkye7f4"))),
    Scene("help", "Every key of the screen (?)", then(open_ref(RUNS), "question_mark")),
    Scene("form-queue", "New launch queue", form("queue", Ref(Kind.QUEUES, "admin"), name="gpu-a100")),
    Scene("form-edit-queue", "Editing a launch queue (upsert_run_queue)",
          form("edit-queue", Ref(Kind.QUEUE, "vision-lab", name="a100-k8s"))),
    Scene("form-project", "New project", form("project", Ref(Kind.ENTITY, "vision-lab"), name="segmentation",
                                             description="Semantic segmentation on ADE20K")),
    Scene("form-team", "New team (admins)", form("team", Ref(Kind.ENTITY, "admin"), name="robotics")),
    Scene("form-user", "New user (admins)", form("user", Ref(Kind.USERS), email="dana@example.com")),
    Scene("form-run", "New run", form("run", RUNS, run_id="baseline-rerun-1")),
    Scene("form-tensorboard", "Import TensorBoard logs",
          form("tensorboard", RUNS, directory="./runs/exp1", run_id="tb-exp1")),
]


def by_name(name: str) -> Scene:
    return next(scene for scene in SCENES if scene.name == name)


