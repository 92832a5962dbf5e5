"""The demo workspace: `populate(sandbox, scale=None)` fills a data dir once and starts the live runs.

    stop = populate(sandbox)     # build (the first time: a few seconds; then instant), start the live runs
    ...
    stop()                       # the live runs stop logging; nothing is written after this returns
    build(sandbox)               # the data alone, no live thread (test fixtures)

Parts are built in order, each once per data dir and in its own transaction (a `demo.<part>` row
in `settings` records it), so a data dir made before a part existed gets that part on the next
start:

    workspace   users, teams, projects and their runs, the live runs (workspace.py, live.py)
    artifacts, sweeps, launch, reports
                the module of that name in this package, when it exists: its
                `populate(sandbox, ws)` gets the `workspace.Workspace` (see its docstring; runs are
                made with `runmaker.make_runs`)

`scale=N` adds the project `admin/scale-N` of N runs (scale.py), once.

All times are fixed offsets from `runmaker.EPOCH` (2026-09-01T08:00:00Z) except the live runs',
so every build of the same code is identical.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..app import Sandbox

VERSION = "1"
DOMAIN_MODULES = ("artifacts", "sweeps", "launch", "reports")


def populate(sandbox: Sandbox, scale: int | None = None) -> Callable[[], None] | None:
    """`build`, then start the live runs; -> a function that stops them (None if there are none)."""
    build(sandbox, scale)
    return start_live(sandbox)


def start_live(sandbox: Sandbox) -> Callable[[], None] | None:
    """Start the live runs (once per data dir and process); -> stop them (None if there are none)."""
    from . import live

    return live.start(sandbox)


def build(sandbox: Sandbox, scale: int | None = None) -> None:
    """Add whatever part of the demo the data dir lacks (nothing, quickly, when it has them all:
    the modules that build are imported only when they build)."""
    store = sandbox.store
    if store.setting("demo.workspace") is None:
        from . import live, workspace

        with store.transaction():
            workspace.build(sandbox)
            live.create(sandbox)
            store.set_setting("demo.workspace", VERSION)
    for name in DOMAIN_MODULES:
        if store.setting(f"demo.{name}") is not None:  # built: not even imported
            continue
        if (module := domain_module(name)) is not None:
            from .workspace import Workspace

            with store.transaction():
                module.populate(sandbox, Workspace.load(store))
                store.set_setting(f"demo.{name}", VERSION)
    if scale:
        from . import scale as scaled

        scaled.ensure(sandbox, scale)


def domain_module(name: str) -> ModuleType | None:
    """This package's module `name`, or None while it does not exist (its errors propagate)."""
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as e:
        if e.name == f"{__name__}.{name}":
            return None
        raise
