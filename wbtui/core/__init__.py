"""wbtui.core: an async client of W&B servers with the official `wandb.Api`'s methods.

    from wbtui.core import Api
    async with Api() as api:
        async for run in api.runs("entity/project", per_page=500):
            ...

Importing this package is cheap: the client, httpx and the models load on first use.
The core never imports textual or rich.
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import TYPE_CHECKING, Any

# httpx imports its CLI (rich, click, pygments) unless this is blocked; the CLI is not used.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

if TYPE_CHECKING:
    from .api import Api
    from .errors import (
        AuthenticationError,
        NotFoundError,
        NotLoadedError,
        PermissionDeniedError,
        ServerError,
        TransportError,
        ValidationError,
        WandbError,
    )
    from .models import (
        Artifact,
        ArtifactCollection,
        ArtifactType,
        ConsoleLogLine,
        File,
        Job,
        Member,
        Project,
        QueuedRun,
        Report,
        Run,
        RunQueue,
        RunRef,
        Sweep,
        Team,
        User,
    )
    from .pages import Page, Paginator

_EXPORTS = {
    "Api": "api",
    "Page": "pages",
    "Paginator": "pages",
    **dict.fromkeys(
        ["WandbError", "AuthenticationError", "NotFoundError", "NotLoadedError", "PermissionDeniedError",
         "ServerError", "TransportError", "ValidationError"],
        "errors",
    ),
    **dict.fromkeys(
        ["Artifact", "ArtifactCollection", "ArtifactType", "ConsoleLogLine", "File", "Job", "Member",
         "Project", "QueuedRun", "Report", "Run", "RunQueue", "RunRef", "Sweep", "Team", "User"],
        "models",
    ),
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value
