"""Paths as wandb.Api accepts them, and the web URLs of objects.

Parsers return None for the parts a path leaves out; the Api fills them from its settings
(and the viewer's default entity), so a default entity is fetched only when a path needs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

DEFAULT_PROJECT = "uncategorized"
LAUNCH_PROJECT = "model-registry"  # where W&B keeps an entity's launch queues


@dataclass(frozen=True)
class RunPath:
    entity: str | None
    project: str | None
    id: str


def split_project_path(path: str | None) -> tuple[str | None, str | None]:
    """`entity/project` or `project` -> (entity, project), as `Api._parse_project_path`."""
    if path is None:
        return None, None
    entity, sep, project = path.partition("/")
    return (entity or None, project or None) if sep else (None, path or None)


def split_run_path(path: str) -> RunPath:
    """`entity/project/runs/id`, `entity/project/id`, `entity/project:id`, `project/id`,
    `project:id` or `id` (also with `/runs/` or `/sweeps/` anywhere), as `Api._parse_path`."""
    text = path.replace("/runs/", "/").replace("/sweeps/", "/").strip("/ ")
    parts = text.split("/")
    entity = project = None
    if len(parts) == 4 and parts[2] == "runs":
        entity, project, id_ = parts[0], parts[1], parts[3]
    elif len(parts) == 3:
        entity, project, id_ = parts
    elif len(parts) == 2:
        if ":" in parts[1]:
            entity = parts[0]
            project, id_ = parts[1].split(":", 1)
        else:
            project, id_ = parts
    elif len(parts) == 1 and parts[0]:
        project, id_ = parts[0].split(":", 1) if ":" in parts[0] else (None, parts[0])
    else:
        raise ValueError(f"Invalid path: {path!r}")
    id_ = id_.strip()
    if not id_:
        raise ValueError(f"Invalid path: {path!r}")
    return RunPath((entity or "").strip() or None, (project or "").strip() or None, id_)


def split_artifact_path(path: str) -> tuple[str | None, str | None, str]:
    """`[entity/][project/]name[:alias]` -> (entity, project, name), as `ArtifactPath.from_str`.

    The alias is split off first, because an alias may itself contain slashes."""
    collection_path, sep, alias = path.partition(":")
    parts = collection_path.split("/")
    if len(parts) > 3:
        raise ValueError(f"Invalid artifact path: {path!r}")
    entity, project = None, None
    if len(parts) == 3:
        entity, project = parts[0], parts[1]
    elif len(parts) == 2:
        project = parts[0]
    return entity or None, project or None, f"{parts[-1]}{sep}{alias}"


# from_path -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ObjectPath:
    kind: str  # project | run | sweep | report | artifact
    entity: str | None
    project: str | None
    name: str | None = None  # run id, sweep id, report id, or "collection:version"
    type: str | None = None  # artifact type, for artifact URLs
    title: str | None = None  # report display name from its URL slug


_KNOWN_APP_PREFIXES = ("/wandb",)  # the web UI under forge.coreweave.com/wandb/...


def strip_url(path: str) -> str:
    """A W&B web URL (any host) -> its `entity/project/...` path; other strings unchanged."""
    if "://" not in path:
        return path.strip()
    url = urlsplit(path.strip())
    route = unquote(url.path)
    for prefix in _KNOWN_APP_PREFIXES:
        if url.hostname and url.hostname.endswith("forge.coreweave.com") and route.startswith(prefix + "/"):
            route = route[len(prefix) :]
    return route


def parse_object_path(path: str) -> ObjectPath:
    """Classify a `from_path` argument: `project`, `entity/project`, `entity/project/run_id`,
    `entity/project/{runs,sweeps,reports}/id`, W&B URLs of those, and (an extension)
    `entity/project/artifacts/type/name/version` artifact URLs."""
    parts = [p for p in strip_url(path).strip("/ ").split("/") if p]
    if parts and parts[-1] in ("workspace", "overview", "table"):
        parts = parts[:-1]
    if len(parts) == 1:
        return ObjectPath("project", None, parts[0])
    if len(parts) == 2:
        return ObjectPath("project", parts[0], parts[1])
    if len(parts) == 3:
        return ObjectPath("run", parts[0], parts[1], parts[2])
    if len(parts) >= 4 and parts[2].startswith("artifacts") and len(parts) in (5, 6):
        version = parts[5] if len(parts) == 6 else "latest"
        return ObjectPath("artifact", parts[0], parts[1], f"{parts[4]}:{version}", type=parts[3])
    if len(parts) == 4:
        kind = parts[2]
        if kind.startswith("run"):
            return ObjectPath("run", parts[0], parts[1], parts[3])
        if kind.startswith("sweep"):
            return ObjectPath("sweep", parts[0], parts[1], parts[3])
        if kind.startswith("report"):
            slug = parts[3]
            if "--" not in slug:
                if "-" in slug:
                    raise ValueError("Invalid report path, should be team/project/reports/Name--XXXX")
                slug = "--" + slug
            title, _, report_id = slug.rpartition("--")
            return ObjectPath(
                "report", parts[0], parts[1], report_id, title=unquote(title.replace("-", " "))
            )
    raise ValueError(
        "Invalid path, should be TEAM/PROJECT/TYPE/ID where TYPE is runs, sweeps, or reports"
    )


# web URLs ------------------------------------------------------------------------------------

def _quoted(*parts: str) -> str:
    return "/".join(quote(str(p), safe="") for p in parts)


def project_url(app_url: str, entity: str, project: str) -> str:
    return app_url + "/".join([entity, project, "workspace"])


def run_url(app_url: str, entity: str, project: str, run_id: str) -> str:
    e, p, r = (quote(str(x), safe="") for x in (entity, project, run_id))
    return app_url + "/".join([e, p, "runs", r])


def sweep_url(app_url: str, entity: str, project: str, sweep_id: str) -> str:
    from urllib.parse import quote_plus

    return app_url + "/".join([quote_plus(entity), quote_plus(project), "sweeps", quote_plus(sweep_id)])


def report_url(app_url: str, entity: str, project: str, title: str, report_id: str) -> str:
    slug = quote(re.sub(r"-+", "-", re.sub(r"\W", "-", title)).strip("-"))
    return app_url + "/".join([entity, project, "reports", f"{slug}--{report_id.replace('=', '')}"])


def artifact_url(app_url: str, entity: str, project: str, type_: str, collection: str, version: str) -> str:
    return app_url + _quoted(entity, project) + "/artifacts/" + _quoted(type_, collection, version)


def report_id_from_slug(report_id: str) -> str:
    """Report URLs drop the base64 padding of the view id; restore it."""
    return report_id + "=" * (-len(report_id) % 4)
