"""One view per kind of object; `view_for` picks it."""

from __future__ import annotations

from ..refs import Kind, Ref
from .base import View


def _registry() -> dict[Kind, type[View]]:
    from .accounts import TeamView, UsersView
    from .artifact import ArtifactView
    from .artifacts import ArtifactsView, ArtifactTypeView, CollectionView
    from .entity import EntityView
    from .jobs import JobsView, JobView
    from .project import ProjectView
    from .queues import QueuedRunView, QueuesView, QueueView
    from .reports import ReportsView, ReportView
    from .run import RunView
    from .runs import RunsView
    from .sweeps import SweepsView, SweepView

    return {
        Kind.ENTITY: EntityView,
        Kind.PROJECT: ProjectView,
        Kind.RUNS: RunsView,
        Kind.RUN: RunView,
        Kind.ARTIFACTS: ArtifactsView,
        Kind.ARTIFACT_TYPE: ArtifactTypeView,
        Kind.COLLECTION: CollectionView,
        Kind.ARTIFACT: ArtifactView,
        Kind.QUEUES: QueuesView,
        Kind.QUEUE: QueueView,
        Kind.QUEUED_RUN: QueuedRunView,
        Kind.REPORTS: ReportsView,
        Kind.REPORT: ReportView,
        Kind.SWEEPS: SweepsView,
        Kind.SWEEP: SweepView,
        Kind.JOBS: JobsView,
        Kind.JOB: JobView,
        Kind.TEAM: TeamView,
        Kind.USERS: UsersView,
    }


def view_for(ref: Ref) -> View:
    return _registry()[ref.kind](ref)
