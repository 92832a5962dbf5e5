"""What a tree node or a view points at: a kind and the names that locate it on the server."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ..core import paths


class Kind(str, Enum):
    ENTITY = "entity"
    PROJECT = "project"
    RUNS = "runs"
    RUN = "run"
    ARTIFACTS = "artifacts"
    ARTIFACT_TYPE = "artifact type"
    COLLECTION = "collection"
    ARTIFACT = "artifact"
    QUEUES = "queues"
    QUEUE = "queue"
    QUEUED_RUN = "queued run"
    REPORTS = "reports"
    REPORT = "report"
    SWEEPS = "sweeps"
    SWEEP = "sweep"
    JOBS = "jobs"
    JOB = "job"
    TEAM = "team"
    USERS = "users"


@dataclass(frozen=True)
class Ref:
    kind: Kind
    entity: str = ""
    project: str = ""
    # the object's own name: run id, artifact type, "collection", "collection:v3", queue name,
    # report id, sweep id, job name; `parent` carries the type of a collection or artifact and
    # the queue of a queued run
    name: str = ""
    parent: str = ""
    # what to call it on screen; not part of its identity (the tree, lists and `:` name the
    # same object differently, and the history and the tree's cursor must still match)
    label: str = field(default="", compare=False)

    @property
    def path(self) -> str:
        """The path `Api.from_path` and the official SDK accept for this object."""
        base = "/".join(part for part in (self.entity, self.project) if part)
        match self.kind:
            case Kind.RUN:
                return f"{base}/runs/{self.name}"
            case Kind.SWEEP:
                return f"{base}/sweeps/{self.name}"
            case Kind.REPORT:
                return f"{base}/reports/{self.name}"
            case Kind.COLLECTION | Kind.ARTIFACT | Kind.JOB:
                return f"{base}/{self.name}"
            case Kind.QUEUE:
                return f"{self.entity}/launch/{self.name}"
            case Kind.QUEUED_RUN:
                return f"{self.entity}/launch/{self.parent}/{self.name}"
            case _:
                return base

    def web_url(self, app_url: str) -> str:
        """Where the W&B web app shows this object (`app_url` ends with "/")."""
        e, p = self.entity, self.project
        collection, _, version = self.name.partition(":")
        match self.kind:
            case Kind.RUN:
                return paths.run_url(app_url, e, p, self.name)
            case Kind.SWEEP:
                return paths.sweep_url(app_url, e, p, self.name)
            case Kind.REPORT:
                return paths.report_url(app_url, e, p, self.label, self.name)
            case Kind.ARTIFACT | Kind.COLLECTION | Kind.JOB:
                return paths.artifact_url(app_url, e, p, self.parent or "job", collection, version or "latest")
            case Kind.QUEUE | Kind.QUEUED_RUN | Kind.QUEUES:
                return f"{app_url}{e}/launch"
            case _ if p:
                return paths.project_url(app_url, e, p)
            case _:
                return app_url + e

    @property
    def title(self) -> str:
        return self.label or self.name or self.project or self.entity or self.kind.value


def entity(name: str) -> Ref:
    return Ref(Kind.ENTITY, name)


def project(entity_name: str, name: str) -> Ref:
    return Ref(Kind.PROJECT, entity_name, name)


def section(kind: Kind, project_ref: Ref) -> Ref:
    return Ref(kind, project_ref.entity, project_ref.project)
