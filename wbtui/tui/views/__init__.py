"""One view per kind of object; `view_for` picks it."""

from __future__ import annotations

from importlib import import_module

from ..refs import Kind, Ref
from .base import View

# kind -> "module:View class", imported when a view of that kind first opens (start-up stays light)
VIEWS: dict[Kind, str] = {
    Kind.ENTITY: "entity:EntityView",
    Kind.PROJECT: "project:ProjectView",
    Kind.RUNS: "runs:RunsView",
    Kind.RUN: "run:RunView",
    Kind.ARTIFACTS: "artifacts:ArtifactsView",
    Kind.ARTIFACT_TYPE: "artifacts:ArtifactTypeView",
    Kind.COLLECTION: "artifacts:CollectionView",
    Kind.ARTIFACT: "artifact:ArtifactView",
    Kind.QUEUES: "queues:QueuesView",
    Kind.QUEUE: "queues:QueueView",
    Kind.QUEUED_RUN: "queues:QueuedRunView",
    Kind.REPORTS: "reports:ReportsView",
    Kind.REPORT: "reports:ReportView",
    Kind.SWEEPS: "sweeps:SweepsView",
    Kind.SWEEP: "sweeps:SweepView",
    Kind.JOBS: "jobs:JobsView",
    Kind.JOB: "jobs:JobView",
    Kind.TEAM: "accounts:TeamView",
    Kind.USERS: "accounts:UsersView",
}


def view_class(kind: Kind) -> type[View]:
    module, _, name = VIEWS[kind].partition(":")
    return getattr(import_module(f".{module}", __name__), name)


def view_for(ref: Ref) -> View:
    return view_class(ref.kind)(ref)
