"""`Api`: every method of the official `wandb.Api`, asynchronous.

Single objects are coroutines (`await api.run(path)`); collections are `Paginator`s that page
lazily (`async for run in api.runs(path)`, or `await runs.page(cursor)`). Fetched objects and
pages are cached until `flush()`, as the official API caches runs.
"""

from __future__ import annotations

import asyncio
import json
import warnings
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from . import launch, paths, queries
from .errors import NotFoundError, NotLoadedError, PermissionDeniedError, TransportError, WandbError
from .models import (
    Artifact,
    ArtifactCollection,
    ArtifactType,
    ConsoleLogLine,
    File,
    Job,
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
from .pages import Paginator, dig, spawn
from .settings import Settings, resolve

if TYPE_CHECKING:
    from pathlib import Path

    import httpx

T = TypeVar("T")
ALIASES_PER_COLLECTION = 100  # aliases a list of collections carries (more are fetched by `load()`)
ALIASES_PER_PAGE = 1000  # aliases per request of one collection (as the SDK pages them)
CONFIGS_PER_PAGE = 100  # resource configs per request of `run_queues`


class Api:
    """Async client of a W&B server, with the official `wandb.Api`'s methods.

    `Api(overrides=None, timeout=None, api_key=None)`: credentials and defaults are resolved
    as wandb does (see `wbtui.core.settings`); `overrides` may set base_url, entity, project
    and run. Use `async with Api() as api:` or `await api.close()`.
    """

    def __init__(
        self,
        overrides: Mapping[str, Any] | None = None,
        timeout: float | None = None,
        api_key: str | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        max_retries: int = 5,
        max_concurrency: int = 8,
    ) -> None:
        from .transport import Transport

        self.settings: Settings = resolve(overrides, api_key=api_key, timeout=timeout)
        self._transport: Transport = Transport(
            self.settings, transport=transport, max_retries=max_retries, max_concurrency=max_concurrency
        )
        self._cache: dict[tuple[Any, ...], asyncio.Future[Any]] = {}
        self._generation = 0  # bumped by flush(); paginators drop their pages when it changes
        self._paginators: dict[tuple[Any, ...], Paginator[Any]] = {}
        self._default_entity: str | None = None

    def __repr__(self) -> str:
        return f"<Api {self.settings.base_url}>"

    async def __aenter__(self) -> Api:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._transport.aclose()

    @property
    def user_agent(self) -> str:
        from .transport import user_agent

        return user_agent()

    @property
    def round_trips(self) -> int:
        """GraphQL requests sent so far (for benchmarks and tests)."""
        return self._transport.requests

    def flush(self) -> None:
        """Forget every fetched object and page, so the next calls read fresh data."""
        self._cache.clear()
        self._paginators.clear()
        self._generation += 1

    # plumbing --------------------------------------------------------------------------------

    async def _query(self, operation: str, variables: Mapping[str, Any] | None = None, *,
                     idempotent: bool | None = None) -> dict[str, Any]:
        return await self._transport.graphql(
            queries.document(operation),
            variables,
            operation=operation,
            mutation=queries.is_mutation(operation),
            idempotent=idempotent,
        )

    async def _cached(self, key: tuple[Any, ...], load: Callable[[], Awaitable[T]]) -> T:
        """One fetch per key until flush(); concurrent callers share it; failures are not kept."""
        future = self._cache.get(key)
        if future is None:
            future = self._cache[key] = spawn(load())
        try:
            return await asyncio.shield(future)
        except BaseException:
            if self._cache.get(key) is future and future.done():
                del self._cache[key]
            raise

    def _paginator(self, key: tuple[Any, ...], make: Callable[[], Paginator[T]]) -> Paginator[T]:
        """The same collection object for the same arguments until flush(), as wandb caches."""
        if key not in self._paginators:
            self._paginators[key] = make()
        return self._paginators[key]

    # defaults --------------------------------------------------------------------------------

    async def viewer(self) -> User:
        """The user the API key belongs to (wandb: `api.viewer`)."""

        async def load() -> User:
            data = await self._query("Viewer")
            user = User.from_node(data.get("viewer"))
            if user is None:
                raise PermissionDeniedError(
                    "Unable to fetch user data from W&B, please verify your API key is valid."
                )
            self._default_entity = self._default_entity or user.entity
            return user

        return await self._cached(("viewer",), load)

    async def default_entity(self) -> str | None:
        """The viewer's default entity (wandb: `api.default_entity`)."""
        if self._default_entity is None:
            await self.viewer()
        return self._default_entity

    async def _entity(self, entity: str | None) -> str:
        entity = entity or self.settings.entity or await self.default_entity()
        if not entity:
            raise ValueError("entity must be passed as a parameter, or set in settings")
        return entity

    async def _project_path(self, path: str | None) -> tuple[str, str]:
        entity, project = paths.split_project_path(path)
        return await self._entity(entity), project or self.settings.project or paths.DEFAULT_PROJECT

    async def _run_path(self, path: str) -> paths.RunPath:
        parsed = paths.split_run_path(path)
        entity = parsed.entity or self.settings.entity or await self.default_entity()
        project = parsed.project or self.settings.project
        if not entity:
            raise ValueError(f"Invalid path: {path!r} (missing entity)")
        if not project:
            raise ValueError(f"Invalid path: {path!r} (missing project)")
        return paths.RunPath(entity, project, parsed.id)

    async def _artifact_path(self, name: str) -> tuple[str, str, str]:
        entity, project, artifact = paths.split_artifact_path(name)
        entity = entity or self.settings.entity or await self.default_entity()
        if not entity:
            raise ValueError(
                "Could not determine entity. Please include the entity as part of the artifact name path."
            )
        return entity, project or self.settings.project or paths.DEFAULT_PROJECT, artifact

    # projects --------------------------------------------------------------------------------

    def projects(self, entity: str | None = None, per_page: int = 200) -> Paginator[Project]:
        def make() -> Paginator[Project]:
            return Paginator(
                self, "Projects", {"entity": entity},
                connection=lambda d: d.get("models"),
                convert=lambda e, _: Project.from_node(self, e["node"]),
                per_page=per_page, resolve_entity=True,
                missing=f"Could not find entity {entity!r}",
            )

        return self._paginator(("projects", entity, per_page), make)

    async def project(self, name: str, entity: str | None = None) -> Project:
        entity = await self._entity(entity)

        async def load() -> Project:
            data = await self._query("Project", {"entity": entity, "name": name})
            if not data.get("project"):
                raise NotFoundError(f"Project {entity}/{name} not found")
            return Project.from_node(self, data["project"], entity)

        return await self._cached(("project", entity, name), load)

    def _project_sweeps(self, entity: str, project: str, per_page: int) -> Paginator[Sweep]:
        return Paginator(
            self, "Sweeps", {"entity": entity, "project": project},
            connection=lambda d: dig(d, "project", "sweeps"),
            convert=lambda e, _: Sweep.from_node(self, entity, project, e["node"]),
            total=lambda d: dig(d, "project", "totalSweeps"),
            per_page=per_page, missing=f"Could not find project {entity}/{project}",
        )

    # runs ------------------------------------------------------------------------------------

    def runs(
        self,
        path: str | None = None,
        filters: Mapping[str, Any] | None = None,
        order: str = "+created_at",
        per_page: int = 50,
        include_sweeps: bool = False,
        lazy: bool = True,
        *,
        summary_keys: list[str] | None = None,
        config_keys: list[str] | None = None,
        start: str | None = None,
    ) -> Paginator[Run]:
        """Runs of a project, lazily paged.

        With `lazy=True` (the default, as in wandb) runs carry their light fields only;
        `summary_keys` / `config_keys` add just those summary and config keys (fetched with
        `summaryMetrics(keys:)` and `config(keys:)`, so a big table stays small); `lazy=False`
        fetches every field. `include_sweeps` is accepted for compatibility: a run knows its
        `sweep_name`, and `await run.sweep()` fetches the sweep when wanted.
        """
        entity, project = paths.split_project_path(path)
        filters_json = json.dumps(dict(filters or {}))
        variables = {
            "entity": entity,
            "project": project or self.settings.project or paths.DEFAULT_PROJECT,
            "filters": filters_json,
            "order": order or "+created_at",
            "full": not lazy,
            "withConfig": not lazy or config_keys is not None,
            "configKeys": None if not lazy else config_keys,
            "withSummary": not lazy or summary_keys is not None,
            "summaryKeys": None if not lazy else summary_keys,
        }

        def make() -> Paginator[Run]:
            return Paginator(
                self, "Runs", variables,
                connection=lambda d: dig(d, "project", "runs"),
                convert=lambda e, v: Run.from_node(self, v["entity"], v["project"], e["node"]),
                total=lambda d: dig(d, "project", "runCount"),
                per_page=per_page, start=start, count_var="withCount", resolve_entity=True,
                missing=f"Could not find project {variables['project']}",
            )

        key = ("runs", path, filters_json, order, per_page, lazy, _key(summary_keys), _key(config_keys), start)
        return self._paginator(key, make)

    async def run(self, path: str = "") -> Run:
        """A run by `entity/project/run_id` (or shorter, with defaults), with every field."""
        where = await self._run_path(path)

        async def load() -> Run:
            node = await self._run_node(where.entity, where.project, where.id)
            return Run.from_node(self, where.entity, where.project, node)

        return await self._cached(("run", where.entity, where.project, where.id), load)

    async def _run_node(self, entity: str, project: str, run_id: str) -> dict[str, Any]:
        data = await self._query("Run", {"entity": entity, "project": project, "name": run_id})
        node = dig(data, "project", "run")
        if not node:
            raise NotFoundError(f"Could not find run {entity}/{project}/{run_id}")
        return node

    def _run_files(self, run: Run, names: list[str] | None, pattern: str | None, per_page: int) -> Paginator[File]:
        if names and pattern:
            raise ValueError(
                "Querying for files by both names and pattern is not supported."
                " Please provide either a list of names or a pattern to match.",
            )
        return Paginator(
            self, "RunFiles",
            {"entity": run.entity, "project": run.project, "name": run.id, "names": names or [], "pattern": pattern},
            connection=lambda d: dig(d, "project", "run", "files"),
            convert=lambda e, _: File.from_node(self, e["node"], run),
            total=lambda d: dig(d, "project", "run", "fileCount"),
            per_page=per_page, missing=f"Could not find run {'/'.join(run.path)}",
        )

    def _console_logs(self, run: Run, per_page: int, last: int | None) -> Paginator[ConsoleLogLine]:
        variables = {"entity": run.entity, "project": run.project, "name": run.id}
        convert = lambda e, _: ConsoleLogLine.from_node(e["node"])  # noqa: E731
        total = lambda d: dig(d, "project", "run", "logLineCount")  # noqa: E731
        missing = f"Could not find run {'/'.join(run.path)}"
        if last is not None:  # one request for the tail
            return Paginator(
                self, "RunLogTail", {**variables, "last": last},
                connection=lambda d: dig(d, "project", "run", "logLines"),
                convert=convert, total=total, per_page=last, missing=missing,
                cursor_var="_unused", per_page_var="last",
            )
        return Paginator(
            self, "RunLogPage", variables,
            connection=lambda d: dig(d, "project", "run", "logLines"),
            convert=convert, total=total, per_page=per_page, missing=missing,
            cursor_var="after", per_page_var="first",
        )

    def _run_artifacts(self, run: Run, mode: str, per_page: int) -> Paginator[Artifact]:
        operation = {"logged": "RunOutputArtifacts", "used": "RunInputArtifacts"}[mode]
        return Paginator(
            self, operation, {"entity": run.entity, "project": run.project, "name": run.id},
            connection=lambda d: dig(d, "project", "run", "artifacts"),
            convert=lambda e, _: Artifact.from_node(self, e["node"]),
            total=lambda d: dig(d, "project", "run", "artifacts", "totalCount"),
            per_page=per_page, missing=f"Could not find run {'/'.join(run.path)}",
        )

    async def _run_metadata(self, run: Run) -> dict[str, Any] | None:
        from .downloads import fetch_text

        try:
            file = await run.file("wandb-metadata.json")
            return json.loads(await fetch_text(self, file.url or file.direct_url or ""))
        except (WandbError, ValueError):
            return None

    async def _update_run(self, run: Run) -> None:
        variables = {
            "id": run.storage_id,
            "description": run.description,
            "displayName": run.name,
            "notes": run.notes,
            "tags": run.tags,
            "config": run.json_config,
            "groupName": run.group,
            "jobType": run.job_type,
            "summaryMetrics": json.dumps(run.summary),
        }
        await self._query("UpdateRun", variables, idempotent=True)

    async def _wait_until_finished(self, run: Run, poll: float) -> None:
        while True:
            data = await self._query("RunState", {"entity": run.entity, "project": run.project, "name": run.id})
            node = dig(data, "project", "run") or {}
            run.state = node.get("state") or run.state
            if run.state in ("finished", "crashed", "failed"):
                return
            await asyncio.sleep(poll)

    async def sampled_histories(
        self, runs: list[Run], keys: list[str], *, x_axis: str = "_step", samples: int = 500
    ) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """Chart data of several runs in one round trip per project (an extension):
        {"entity/project/run_id": {key: [{x_axis: .., key: ..}, ...]}}."""
        from .history import sampled_histories

        return await sampled_histories(self, runs, keys, x_axis=x_axis, samples=samples)

    async def project_keys(self, path: str | None = None, *, runs: int = 100) -> dict[str, list[str]]:
        """Config and summary keys of a project, for filter completion (an extension).

        W&B has no cheap, documented project-level key list, so this reads the config and
        summary of the `runs` most recent runs in one request and unions their keys:
        {"config": [...], "summary": [...]} (summary keys nested with dots)."""
        page = await Paginator(
            self, "Runs",
            {**dict(zip(("entity", "project"), await self._project_path(path))), "order": "-created_at",
             "filters": "{}", "withConfig": True, "withSummary": True},
            connection=lambda d: dig(d, "project", "runs"),
            convert=lambda e, v: Run.from_node(self, v["entity"], v["project"], e["node"]),
            per_page=runs, missing=f"Could not find project {path}",
        ).first_page()
        config: set[str] = set()
        summary: set[str] = set()
        for run in page.items:
            config.update(run.config)
            summary.update(_flat_keys(run.summary))
        return {"config": sorted(config), "summary": sorted(k for k in summary if not k.startswith("_"))}

    # sweeps and reports ------------------------------------------------------------------------

    async def sweep(self, path: str = "") -> Sweep:
        where = await self._run_path(path)

        async def load() -> Sweep:
            data = await self._query("Sweep", {"entity": where.entity, "project": where.project, "name": where.id})
            node = dig(data, "project", "sweep")
            if not node:
                raise NotFoundError(f"Could not find sweep {where.entity}/{where.project}/{where.id}")
            return Sweep.from_node(self, where.entity, where.project, node)

        return await self._cached(("sweep", where.entity, where.project, where.id), load)

    def reports(self, path: str = "", name: str | None = None, per_page: int = 50) -> Paginator[Report]:
        """Reports of a project (`entity/project`), optionally only the one named `name`."""
        from urllib.parse import unquote

        entity, project = paths.split_project_path(path or None)
        project = project or self.settings.project
        if not project:
            raise ValueError(f"Invalid path: {path!r} (missing project)")
        name = unquote(name) if name else None
        variables = {"entity": entity, "project": project, "viewName": name}

        def make() -> Paginator[Report]:
            return Paginator(
                self, "Reports", variables,
                connection=lambda d: dig(d, "project", "allViews"),
                convert=lambda e, v: Report.from_node(self, v["entity"], v["project"], e["node"]),
                per_page=per_page, cursor_var="cursor", per_page_var="perPage", resolve_entity=True,
                missing=f"Project {variables['project']} does not exist under entity {entity}",
            )

        return self._paginator(("reports", path, name, per_page), make)

    async def _report(self, entity: str, project: str, report_id: str) -> Report:
        data = await self._query("Report", {"id": paths.report_id_from_slug(report_id)})
        node = data.get("view")
        if not node:
            raise NotFoundError(f"Could not find report {report_id} in {entity}/{project}")
        return Report.from_node(self, node.get("entityName") or entity, node.get("projectName") or project, node)

    # artifacts -------------------------------------------------------------------------------

    def artifact_types(self, project: str | None = None, start: str | None = None, *, per_page: int = 50) -> Paginator[ArtifactType]:
        entity, name = paths.split_project_path(project)
        variables = {"entity": entity, "project": name or self.settings.project or paths.DEFAULT_PROJECT}
        return Paginator(
            self, "ArtifactTypes", variables,
            connection=lambda d: dig(d, "project", "artifactTypes"),
            convert=lambda e, v: ArtifactType.from_node(self, v["entity"], v["project"], e["node"]),
            per_page=per_page, start=start, resolve_entity=True,
            missing=f"Could not find project {project}",
        )

    async def artifact_type(self, type_name: str, project: str | None = None) -> ArtifactType:
        entity, name = await self._project_path(project)
        data = await self._query("ArtifactType", {"entity": entity, "project": name, "type": type_name})
        node = dig(data, "project", "artifactType")
        if not node:
            raise NotFoundError(f"Could not find artifact type {type_name!r}")
        return ArtifactType.from_node(self, entity, name, node)

    def artifact_collections(
        self, project_name: str, type_name: str, order: str | None = None, per_page: int = 50, start: str | None = None
    ) -> Paginator[ArtifactCollection]:
        entity, name = paths.split_project_path(project_name)
        variables = {"entity": entity, "project": name or self.settings.project or paths.DEFAULT_PROJECT,
                     "type": type_name, "order": order, "aliasesPerCollection": ALIASES_PER_COLLECTION}
        return Paginator(
            self, "ArtifactCollections", variables,
            connection=lambda d: dig(d, "project", "artifactType", "artifactCollections"),
            convert=lambda e, _: ArtifactCollection.from_node(self, e["node"]) if e["node"].get("project") else None,
            total=lambda d: dig(d, "project", "artifactType", "artifactCollections", "totalCount"),
            per_page=per_page, start=start, resolve_entity=True,
            missing=f"Could not find artifact type {type_name!r} in {project_name}",
        )

    async def artifact_collection(self, type_name: str, name: str) -> ArtifactCollection:
        entity, project, collection = await self._artifact_path(name)

        async def load() -> ArtifactCollection:
            variables = {"entity": entity, "project": project, "type": type_name, "name": collection,
                         "aliasesPerPage": ALIASES_PER_PAGE}
            data = await self._query("ArtifactCollection", variables)
            node = dig(data, "project", "artifactType", "artifactCollection")
            if not node:
                raise NotFoundError(f"Could not find artifact collection {entity}/{project}/{collection} of type {type_name!r}")
            result = ArtifactCollection.from_node(self, node)
            if result._aliases is None:  # more than a page of them
                first = node.get("aliases") or {}
                rest = self._collection_aliases(result.id or "", start=dig(first, "pageInfo", "endCursor"))
                result._aliases = [e["node"]["alias"] for e in first.get("edges") or []] + [a async for a in rest]
            return result

        return await self._cached(("collection", entity, project, type_name, collection), load)

    def _collection_aliases(self, collection_id: str, start: str | None = None) -> Paginator[str]:
        return Paginator(
            self, "ArtifactCollectionAliases", {"id": collection_id},
            connection=lambda d: dig(d, "artifactCollection", "aliases"),
            convert=lambda e, _: e["node"]["alias"], per_page=ALIASES_PER_PAGE, start=start,
            missing="Could not find artifact collection",
        )

    async def artifact_collection_exists(self, name: str, type: str) -> bool:
        return await _exists(self.artifact_collection(type, name))

    def artifacts(
        self,
        type_name: str,
        name: str,
        order: str | None = None,
        per_page: int = 50,
        tags: list[str] | str | None = None,
        start: str | None = None,
    ) -> Paginator[Artifact]:
        """Versions of an artifact collection (`[entity/][project/]collection`)."""
        entity, project, collection = paths.split_artifact_path(name)
        required = {tags} if isinstance(tags, str) else set(tags or [])
        variables = {
            "entity": entity or self.settings.entity,
            "project": project or self.settings.project or paths.DEFAULT_PROJECT,
            "type": type_name, "collection": collection, "order": order,
            "filters": json.dumps({"state": "COMMITTED"}),
        }

        def convert(edge: dict[str, Any], v: dict[str, Any]) -> Artifact | None:
            artifact = Artifact.from_node(
                self, edge["node"], entity=v["entity"], project=v["project"], name=f"{collection}:{edge['version']}"
            )
            return artifact if required <= set(artifact.tags) else None

        return Paginator(
            self, "Artifacts", variables,
            connection=lambda d: dig(d, "project", "artifactType", "artifactCollection", "artifacts"),
            convert=convert,
            total=lambda d: dig(d, "project", "artifactType", "artifactCollection", "artifacts", "totalCount"),
            per_page=per_page, start=start, resolve_entity=True,
            missing=f"Could not find artifact collection {name!r} of type {type_name!r}",
        )

    def artifact_versions(self, type_name: str, name: str, per_page: int = 50) -> Paginator[Artifact]:
        """Deprecated, as in wandb: use `artifacts(type_name, name)`."""
        warnings.warn(
            "Api.artifact_versions(type_name, name) is deprecated, use Api.artifacts(type_name, name) instead.",
            DeprecationWarning, stacklevel=2,
        )
        return self.artifacts(type_name, name, per_page=per_page)

    async def artifact(self, name: str, type: str | None = None) -> Artifact:
        """An artifact version by `[entity/][project/]collection:alias` (or `:vN`)."""
        if name is None:
            raise ValueError("You must specify name= to fetch an artifact.")
        entity, project, artifact_name = await self._artifact_path(name)

        async def load() -> Artifact:
            data = await self._query("ArtifactByName", {"entity": entity, "project": project, "name": artifact_name})
            if not data.get("project"):
                raise NotFoundError(f"project {project!r} not found under entity {entity!r}")
            membership = data["project"].get("artifactCollectionMembership")
            if not membership or not membership.get("artifact"):
                raise NotFoundError(f"artifact membership {artifact_name!r} not found in '{entity}/{project}'")
            collection_project = dig(membership, "artifactCollection", "project") or {}
            return Artifact.from_node(
                self, membership["artifact"], membership=membership, name=artifact_name,
                entity=dig(collection_project, "entity", "name") or entity,
                project=collection_project.get("name") or project,
            )

        artifact = await self._cached(("artifact", entity, project, artifact_name), load)
        if type is not None and artifact.type != type:
            raise ValueError(f"type {type!r} specified but this artifact is of type {artifact.type!r}")
        return artifact

    async def artifact_exists(self, name: str, type: str | None = None) -> bool:
        return await _exists(self.artifact(name, type))

    def _artifact_files(self, artifact: Artifact, names: list[str] | None, per_page: int) -> Paginator[File]:
        variables = {"entity": artifact.entity, "project": artifact.project,
                     "collection": artifact.collection_name, "alias": artifact.version, "names": names}
        paginator: Paginator[File] = Paginator(
            self, "ArtifactFiles", variables,
            connection=lambda d: dig(d, "project", "artifactCollection", "artifactMembership", "files"),
            convert=lambda e, _: File.from_node(self, e["node"]),
            per_page=per_page, missing=f"Could not find artifact {artifact.qualified_name}",
        )
        paginator.total = artifact.file_count if not names else None
        return paginator

    async def _artifact_manifest(self, artifact: Artifact) -> dict[str, Any]:
        from .downloads import fetch_text

        data = await self._query("ArtifactManifest", {"id": artifact.id})
        url = dig(data, "artifact", "currentManifest", "file", "directUrl")
        if not url:
            raise NotFoundError(f"No manifest for artifact {artifact.qualified_name}")
        return json.loads(await fetch_text(self, url))

    async def _artifact_logged_by(self, artifact: Artifact) -> Run | None:
        try:
            creator = artifact.logged_by_run  # known when the version came in a list
        except NotLoadedError:
            creator = RunRef.from_node(dig(await self._query("ArtifactCreatedBy", {"id": artifact.id}), "artifact", "createdBy"))
        return None if creator is None else await self.run(creator.path)

    async def _artifact_used_by(self, artifact: Artifact) -> list[Run]:
        data = await self._query("ArtifactUsedBy", {"id": artifact.id})
        nodes = [e["node"] for e in dig(data, "artifact", "usedBy", "edges") or [] if e.get("node", {}).get("project")]
        return list(await asyncio.gather(*(
            self.run("/".join([n["project"]["entity"]["name"], n["project"]["name"], n["name"]])) for n in nodes
        )))

    # jobs ------------------------------------------------------------------------------------

    async def job(self, name: str | None, path: str | Path | None = None) -> Job:
        """A launch job `entity/project/job-name:alias`; with `path`, its files are downloaded
        there (wandb downloads to ./artifacts/ otherwise; here only wandb-job.json is read)."""
        from pathlib import Path as _Path

        from .downloads import fetch_text

        if name is None:
            raise ValueError("You must specify name= to fetch a job.")
        if name.count("/") != 2 or ":" not in name:
            raise ValueError(
                "Invalid job specification. A job must be of the form: <entity>/<project>/<job-name>:<alias-or-version>"
            )
        artifact = await self.artifact(name, type="job")
        if path is not None:
            root = await artifact.download(path)
            info = json.loads((root / "wandb-job.json").read_text())
            return Job(name, artifact, info, _Path(root))
        page = await artifact.files(["wandb-job.json"]).first_page()
        if not page.items:
            raise NotFoundError(f"Job {name} has no wandb-job.json")
        info = json.loads(await fetch_text(self, page.items[0].direct_url or page.items[0].url or ""))
        return Job(name, artifact, info)

    async def list_jobs(self, entity: str, project: str) -> list[dict[str, Any]]:
        """Every job version of a project, in the shape wandb.Api returns: one
        `{"edges": [{"node": {id, state, aliases, artifactSequence}}]}` per job."""
        if entity is None:
            raise ValueError("Specify an entity when listing jobs")
        if project is None:
            raise ValueError("Specify a project when listing jobs")
        try:
            data = await self._query("JobArtifacts", {"entity": entity, "project": project})
        except TransportError:
            raise
        except WandbError:
            return []
        collections = dig(data, "project", "artifactType", "artifactCollections", "edges")
        return [edge["node"]["artifacts"] for edge in collections or []]

    # launch ----------------------------------------------------------------------------------

    async def run_queue(self, entity: str, name: str) -> RunQueue:
        """A launch queue with its metadata and default resource config."""

        async def load() -> RunQueue:
            data = await self._query("RunQueue", {"entity": entity, "project": paths.LAUNCH_PROJECT, "name": name})
            node = dig(data, "project", "runQueue")
            if not node:
                raise NotFoundError(f"Could not find run queue {entity}/{name}")
            queue = RunQueue(entity=entity, name=name, _api=self)
            queue._update(node)
            await self._load_resource_config(queue)
            return queue

        return await self._cached(("queue", entity, name), load)

    async def _load_resource_config(self, queue: RunQueue) -> None:
        if queue.default_resource_config_id is None:
            queue._update_resource_config(None)
            return
        data = await self._query("DefaultResourceConfig", {"entity": queue.entity, "id": queue.default_resource_config_id})
        queue._update_resource_config(dig(data, "entity", "defaultResourceConfig"))

    async def run_queues(self, entity: str | None = None, *, items_per_queue: int = 1000) -> list[RunQueue]:
        """Every launch queue of an entity (an extension: wandb.Api has no list of queues), each
        with its resource `type` and `item_counts` (by state, among its first `items_per_queue`
        items): one request, unless the entity has very many resource configs."""
        entity = await self._entity(entity)
        data = await self._query("RunQueues", {"entity": entity, "project": paths.LAUNCH_PROJECT,
                                               "itemsPerQueue": items_per_queue, "configsPerPage": CONFIGS_PER_PAGE})
        queues = []
        for node in dig(data, "project", "runQueues") or []:
            queue = RunQueue(entity=entity, name=node["name"], _api=self)
            queue._update(node)
            items = node.get("runQueueItems") or {}
            states = [(e["node"].get("state") or "").lower() for e in items.get("edges") or []]
            queue.item_counts = {state: states.count(state) for state in sorted(set(states))}
            queue.item_counts_complete = not dig(items, "pageInfo", "hasNextPage")
            queues.append(queue)
        await self._resource_types(entity, queues, dig(data, "entity", "defaultResourceConfigs"))
        return queues

    async def _resource_types(self, entity: str, queues: list[RunQueue], configs: dict[str, Any] | None) -> None:
        """Set each queue's resource `type` from the entity's configs (`configs`: their first page)."""
        wanted = {q.default_resource_config_id for q in queues} - {None}
        resources: dict[str, str] = {}
        while configs is not None:
            resources.update((e["node"]["id"], e["node"]["resource"]) for e in configs.get("edges") or [])
            cursor = dig(configs, "pageInfo", "endCursor")
            if wanted <= resources.keys() or not dig(configs, "pageInfo", "hasNextPage") or not cursor:
                break
            configs = dig(await self._query("DefaultResourceConfigs", {
                "entity": entity, "cursor": cursor, "perPage": CONFIGS_PER_PAGE}), "entity", "defaultResourceConfigs")
        for queue in queues:
            queue.type = resources.get(queue.default_resource_config_id or "")
        # a config the entity's list lacks (another scope) is read on its own
        await asyncio.gather(*(self._load_resource_config(q) for q in queues if q.type is None and q.default_resource_config_id))

    def _queue_items(self, queue: RunQueue, per_page: int) -> Paginator[QueuedRun]:
        def convert(edge: dict[str, Any], _: Any) -> QueuedRun:
            item = QueuedRun(entity=queue.entity, project=paths.LAUNCH_PROJECT, queue_name=queue.name,
                             id=edge["node"]["id"], _api=self)
            item._update(edge["node"])
            return item

        return Paginator(
            self, "RunQueueItems", {"entity": queue.entity, "project": paths.LAUNCH_PROJECT, "name": queue.name},
            connection=lambda d: dig(d, "project", "runQueue", "runQueueItems"),
            convert=convert, per_page=per_page, missing=f"Could not find run queue {queue.entity}/{queue.name}",
        )

    async def queued_run(
        self,
        entity: str,
        project: str,
        queue_name: str,
        run_queue_item_id: str,
        project_queue: str | None = None,
        priority: int | None = None,
    ) -> QueuedRun:
        item = QueuedRun(
            entity=entity, project=project, queue_name=queue_name, id=run_queue_item_id,
            project_queue=project_queue or paths.LAUNCH_PROJECT, priority=priority, _api=self,
        )
        return await item.load()

    async def _queue_item_node(self, item: QueuedRun) -> dict[str, Any]:
        variables = {"entity": item.entity, "project": item.project_queue, "queue": item.queue_name, "id": item.id}
        node = dig(await self._query("RunQueueItem", variables), "project", "runQueue", "runQueueItem")
        if not node:
            raise NotFoundError(
                f"Could not find QueuedRunItem associated with id: {item.id} on queue {item.queue_name}"
            )
        return node

    # teams and users -------------------------------------------------------------------------

    async def team(self, team: str) -> Team:
        async def load() -> Team:
            node = (await self._query("Team", {"name": team})).get("entity")
            if not node:
                raise NotFoundError(f"Could not find team {team!r}")
            return Team.from_node(node)

        return await self._cached(("team", team), load)

    async def users(self, username_or_email: str) -> list[User]:
        data = await self._query("SearchUsers", {"query": username_or_email})
        return [u for e in dig(data, "users", "edges") or [] if (u := User.from_node(e.get("node")))]

    async def user(self, username_or_email: str) -> User | None:
        users = await self.users(username_or_email)
        return users[0] if users else None

    # from_path -------------------------------------------------------------------------------

    async def from_path(self, path: str) -> Project | Run | Sweep | Report | Artifact:
        """A project, run, sweep or report from its path or W&B URL (and artifacts from
        their URLs, `entity/project/artifacts/type/name/version`)."""
        where = paths.parse_object_path(path)
        if where.kind == "project":
            return await self.project(where.project or "", where.entity)
        prefix = f"{where.entity}/{where.project}"
        if where.kind == "run":
            return await self.run(f"{prefix}/{where.name}")
        if where.kind == "sweep":
            return await self.sweep(f"{prefix}/{where.name}")
        if where.kind == "artifact":
            return await self.artifact(f"{prefix}/{where.name}", type=where.type)
        return await self._report(where.entity or "", where.project or "", where.name or "")

    # writes ----------------------------------------------------------------------------------

    async def create_project(
        self, name: str, entity: str, *, description: str | None = None, access: str | None = None
    ) -> Project:
        """Create a project (wandb returns None; the created Project is returned here).

        `description` and `access` (W&B's visibility: PRIVATE, ENTITY_READ, ENTITY_WRITE,
        USER_READ, USER_WRITE) are extensions, sent only when given."""
        extras = {"description": description, "access": access}
        project_input = {"name": name, "entityName": entity, **{k: v for k, v in extras.items() if v is not None}}
        data = await self._query("CreateProject", {"input": project_input}, idempotent=True)
        node = dig(data, "upsertModel", "project")
        self.flush()
        return Project.from_node(self, node, entity) if node else await self.project(name, entity)

    async def create_run(self, *, run_id: str | None = None, project: str | None = None, entity: str | None = None) -> Run:
        from .ids import generate_id

        entity = await self._entity(entity)
        run_id = run_id or generate_id()
        project = project or self.settings.project or paths.DEFAULT_PROJECT
        variables = {"entity": entity, "project": project, "name": run_id, "state": "running"}
        bucket = dig(await self._query("CreateRun", variables, idempotent=True), "upsertBucket", "bucket")
        if not bucket:
            raise WandbError(f"The server did not create run {entity}/{project}/{run_id}")
        where = bucket.get("project") or {}
        run = Run.from_node(self, dig(where, "entity", "name") or entity, where.get("name") or project,
                            {"config": "{}", "summaryMetrics": "{}", "systemMetrics": "{}", "state": "running", **bucket})
        self.flush()
        return run

    async def create_team(self, team: str, admin_username: str | None = None) -> Team:
        data = await self._query("CreateTeam", {"teamName": team, "teamAdminUserName": admin_username})
        self.flush()
        node = dig(data, "createTeam", "entity")
        return Team.from_node(node) if node and node.get("name") else await self.team(team)

    async def create_user(self, email: str, admin: bool | None = False) -> User:
        data = await self._query("CreateUser", {"email": email, "admin": admin})
        user = User.from_node(dig(data, "createUser", "user"))
        if user is None:
            raise WandbError(f"Failed to create user {email!r}.")
        return user

    async def create_run_queue(
        self,
        name: str,
        type: str,
        entity: str | None = None,
        prioritization_mode: str | None = None,
        config: dict[str, Any] | None = None,
        template_variables: dict[str, Any] | None = None,
    ) -> RunQueue:
        """Create a launch queue; every argument is checked before anything is sent."""
        launch.check_queue_name(name)
        launch.check_resource_type(type)
        if prioritization_mode:
            prioritization_mode = prioritization_mode.upper()
            if prioritization_mode not in ("V0",):
                raise ValueError("prioritization_mode must be 'V0' if present")
        config = config or {}
        launch.check_template_variables(config, template_variables)
        entity = await self._entity(entity)
        await self._query("CreateProject", {"input": {"name": paths.LAUNCH_PROJECT, "entityName": entity}}, idempotent=True)
        created = dig(await self._query("CreateDefaultResourceConfig", {
            "entity": entity, "resource": type,
            "config": json.dumps({"resource_args": {type: config}}),
            "templateVariables": json.dumps(launch.wrap_template_variables(template_variables) or {}),
        }), "createDefaultResourceConfig") or {}
        if not created.get("success"):
            raise WandbError("failed to create default resource config")
        queue = dig(await self._query("CreateRunQueue", {
            "entity": entity, "project": paths.LAUNCH_PROJECT, "queueName": name, "access": "PROJECT",
            "prioritizationMode": prioritization_mode, "defaultResourceConfigID": created.get("defaultResourceConfigID"),
        }), "createRunQueue") or {}
        if not queue.get("success"):
            raise WandbError("failed to create run queue")
        self.flush()
        return await self.run_queue(entity, name)

    async def upsert_run_queue(
        self,
        name: str,
        resource_config: dict[str, Any],
        resource_type: str,
        entity: str | None = None,
        template_variables: dict[str, Any] | None = None,
        external_links: dict[str, str] | None = None,
        prioritization_mode: str | None = None,
    ) -> RunQueue:
        """Create or update a launch queue. The server's config schema warnings are kept in
        `config_schema_validation_errors` of the returned queue (wandb prints them)."""
        launch.check_queue_name(name)
        prioritization_mode = (prioritization_mode or "DISABLED").upper()
        if prioritization_mode not in ("V0", "DISABLED"):
            raise ValueError("prioritization_mode must be 'V0' or 'DISABLED' if present")
        launch.check_resource_type(resource_type)
        launch.check_template_variables(resource_config, template_variables)
        entity = await self._entity(entity)
        await self._query("CreateProject", {"input": {"name": paths.LAUNCH_PROJECT, "entityName": entity}}, idempotent=True)
        links = {"links": [{"label": k, "url": v} for k, v in (external_links or {}).items()]}
        result = dig(await self._query("UpsertRunQueue", {
            "entity": entity, "project": paths.LAUNCH_PROJECT, "queueName": name,
            "resourceType": resource_type,
            "resourceConfig": json.dumps({"resource_args": {resource_type: resource_config}}),
            "templateVariables": json.dumps(launch.wrap_template_variables(template_variables)) if template_variables else None,
            "prioritizationMode": prioritization_mode,
            "externalLinks": json.dumps(links),
        }, idempotent=True), "upsertRunQueue") or {}
        if not result.get("success"):
            raise WandbError("failed to create run queue")
        self.flush()
        queue = await self.run_queue(entity, name)
        queue.config_schema_validation_errors = list(result.get("configSchemaValidationErrors") or [])
        return queue

    async def sync_tensorboard(
        self, root_dir: str | Path, run_id: str | None = None, project: str | None = None, entity: str | None = None,
        *, progress: Callable[[int, int], None] | None = None,
    ) -> Run:
        """Create a run from TensorBoard event files under root_dir, streaming every scalar as
        history over file_stream as wandb does. Needs the `tensorboard` extra."""
        from .tensorboard import sync_tensorboard

        return await sync_tensorboard(self, root_dir, run_id=run_id, project=project, entity=entity, progress=progress)


async def _exists(lookup: Awaitable[Any]) -> bool:
    """True if the lookup finds the object; False if the server says it is not there (or
    the path is invalid); transport failures propagate, as in wandb."""
    try:
        await lookup
    except (NotFoundError, ValueError, PermissionDeniedError):
        return False
    return True


def _key(values: list[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(values)


def _flat_keys(data: Mapping[str, Any], prefix: str = "") -> list[str]:
    keys = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and "_type" not in value:
            keys.extend(_flat_keys(value, name + "."))
        else:
            keys.append(name)
    return keys

