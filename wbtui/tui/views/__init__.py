"""One view per kind of object; `view_for` picks it."""

from __future__ import annotations

from ..refs import Kind, Ref
from .base import View


def _registry() -> dict[Kind, type[View]]:
    from .entity import EntityView
    from .placeholder import PendingView
    from .project import ProjectView
    from .run import RunView
    from .runs import RunsView

    views: dict[Kind, type[View]] = {
        Kind.ENTITY: EntityView,
        Kind.PROJECT: ProjectView,
        Kind.RUNS: RunsView,
        Kind.RUN: RunView,
    }
    return {kind: views.get(kind, PendingView) for kind in Kind}


def view_for(ref: Ref) -> View:
    return _registry()[ref.kind](ref)
