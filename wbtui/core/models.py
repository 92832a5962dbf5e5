"""Typed records with the attribute names of the official SDK's objects.

Records are plain slotted dataclasses built from GraphQL nodes. Where the SDK fetches lazily
behind a property (`run.files()`, `artifact.logged_by()`, `sweep.best_run()` ...), the record
has a coroutine method of the same name that asks its Api. Lists are light: a field that was
not fetched raises NotLoadedError; `await obj.load()` fetches the details.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import fastjson
from . import paths
from .errors import NotLoadedError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from .api import Api
    from .pages import Paginator

WANDB_INTERNAL_KEYS = frozenset({"_wandb", "wandb_version"})
_VERSION_ALIAS = re.compile(r"^v\d+$")
_NOT_FETCHED: Any = object()  # a field whose value (None included) the query did not ask for


def json_dict(value: Any) -> dict[str, Any]:
    """A JSONString (or already-decoded JSON) as a dict; None and "" as {}."""
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        return value
    decoded = fastjson.loads(value, strict=False)  # control characters too, as the SDK tolerates
    return decoded if isinstance(decoded, dict) else {}


def split_config(raw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """W&B's stored config -> (config, rawconfig) as the SDK's `Run._load_from_attrs`:
    `{"k": {"value": v, "desc": d}}` becomes `{"k": v}`; `_wandb` and `wandb_version` stay
    out of `config` but are kept, with everything else, in `rawconfig`."""
    user: dict[str, Any] = {}
    internal: dict[str, Any] = {}
    for key, value in json_dict(raw).items():
        target = internal if key in WANDB_INTERNAL_KEYS else user
        target[key] = value["value"] if isinstance(value, dict) and "value" in value else value
    return user, {**internal, **user}


def _edges(connection: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [e["node"] for e in (connection or {}).get("edges") or [] if e and e.get("node")]


class _Record:
    __slots__ = ()

    def _not_loaded(self, what: str) -> NotLoadedError:
        return NotLoadedError(
            f"{type(self).__name__}.{what} was not fetched with this list; await .load() first"
        )


# accounts -----------------------------------------------------------------------------------

@dataclass(slots=True, eq=False)
class User(_Record):
    id: str | None = None
    name: str | None = None
    username: str | None = None
    email: str | None = None
    admin: bool | None = None
    entity: str | None = None
    deleted_at: str | None = None
    teams: list[str] = field(default_factory=list)
    api_keys: list[str] = field(default_factory=list)  # key names are not fetched: always []

    @classmethod
    def from_node(cls, node: dict[str, Any] | None) -> User | None:
        if not node:
            return None
        return cls(
            id=node.get("id"),
            name=node.get("name"),
            username=node.get("username"),
            email=node.get("email"),
            admin=node.get("admin"),
            entity=node.get("entity"),
            deleted_at=node.get("deletedAt"),
            teams=[t["name"] for t in _edges(node.get("teams"))],
        )


def _run_user(node: dict[str, Any] | None) -> User | None:
    """The user of a run. A list's runs share a handful of users: those that carry only a
    name and username (what lists ask for) share one record each: 3.5 of the 21 MiB a
    10,000-run list took. Shared, so not to be changed in place."""
    if not node or node.keys() - {"name", "username"}:
        return User.from_node(node)
    return _named_user(node.get("name"), node.get("username"))


@lru_cache(maxsize=1024)
def _named_user(name: str | None, username: str | None) -> User:
    return User(name=name, username=username)


@dataclass(slots=True, eq=False)
class Member(_Record):
    team: str
    id: str | None = None
    name: str | None = None
    username: str | None = None
    email: str | None = None
    admin: bool | None = None
    pending: bool | None = None
    photo_url: str | None = None
    account_type: str | None = None


@dataclass(slots=True, eq=False)
class Team(_Record):
    name: str
    id: str | None = None
    available: bool | None = None
    photo_url: str | None = None
    read_only: bool | None = None
    is_team: bool | None = None
    private_only: bool | None = None
    default_access: str | None = None
    members: list[Member] = field(default_factory=list)

    @classmethod
    def from_node(cls, node: dict[str, Any]) -> Team:
        name = node["name"]
        return cls(
            name=name,
            id=node.get("id"),
            available=node.get("available"),
            photo_url=node.get("photoUrl"),
            read_only=node.get("readOnly"),
            is_team=node.get("isTeam"),
            private_only=node.get("privateOnly"),
            default_access=node.get("defaultAccess"),
            members=[
                Member(
                    team=name,
                    id=m.get("id"),
                    name=m.get("name"),
                    username=m.get("username"),
                    email=m.get("email"),
                    admin=m.get("admin"),
                    pending=m.get("pending"),
                    photo_url=m.get("photoUrl"),
                    account_type=m.get("accountType"),
                )
                for m in node.get("members") or []
            ],
        )

    def __repr__(self) -> str:
        return f"<Team {self.name}>"


# projects -----------------------------------------------------------------------------------

@dataclass(slots=True, eq=False)
class Project(_Record):
    entity: str
    name: str
    id: str | None = None
    description: str | None = None
    created_at: str | None = None
    is_benchmark: bool | None = None
    owner: User | None = None
    run_count: int | None = None  # extension: not part of wandb's Project
    _api: Api | None = field(default=None, repr=False)

    @classmethod
    def from_node(cls, api: Api | None, node: dict[str, Any], entity: str | None = None) -> Project:
        return cls(
            entity=node.get("entityName") or entity or "",
            name=node["name"],
            id=node.get("id"),
            description=node.get("description"),
            created_at=node.get("createdAt"),
            is_benchmark=node.get("isBenchmark"),
            owner=User.from_node(node.get("user")),
            run_count=node.get("runCount"),
            _api=api,
        )

    @property
    def entity_name(self) -> str:
        return self.entity

    @property
    def path(self) -> list[str]:
        return [self.entity, self.name]

    @property
    def url(self) -> str:
        assert self._api is not None
        return paths.project_url(self._api.settings.app_url, self.entity, self.name)

    def sweeps(self, per_page: int = 50) -> Paginator[Sweep]:
        assert self._api is not None
        return self._api._project_sweeps(self.entity, self.name, per_page)

    def artifacts_types(self, per_page: int = 50) -> Paginator[ArtifactType]:
        assert self._api is not None
        return self._api.artifact_types(f"{self.entity}/{self.name}", per_page=per_page)

    def __repr__(self) -> str:
        return f"<Project {self.entity}/{self.name}>"


# runs ---------------------------------------------------------------------------------------

@dataclass(slots=True, eq=False)
class Run(_Record):
    """A run. `id` is the run's id in its path (e.g. "3k9x2q1a"), `name` its display name,
    `storage_id` the GraphQL node id -- the SDK's naming."""

    entity: str
    project: str
    id: str
    storage_id: str | None = None
    name: str | None = None
    state: str = "not found"
    created_at: str | None = None
    heartbeat_at: str | None = None
    tags: list[str] = field(default_factory=list)
    group: str | None = None
    job_type: str | None = None
    sweep_name: str | None = None
    notes: str | None = None
    description: str | None = None
    commit: str | None = None
    host: str | None = None
    read_only: bool | None = None
    history_line_count: int | None = None
    project_internal_id: int | None = None
    user: User | None = None
    _config: dict[str, Any] | None = field(default=None, repr=False)
    _rawconfig: dict[str, Any] | None = field(default=None, repr=False)
    _summary: dict[str, Any] | None = field(default=None, repr=False)
    _system_metrics: dict[str, Any] | None = field(default=None, repr=False)
    _history_keys: dict[str, Any] | None = field(default=None, repr=False)
    _api: Api | None = field(default=None, repr=False)

    @classmethod
    def from_node(cls, api: Api | None, entity: str, project: str, node: dict[str, Any]) -> Run:
        run = cls(entity=entity, project=project, id=node["name"], _api=api)
        run._update(node)
        return run

    def _update(self, node: dict[str, Any]) -> None:
        get = node.get
        self.storage_id = get("id", self.storage_id)
        self.name = get("displayName", self.name)
        self.state = get("state") or self.state
        self.created_at = get("createdAt", self.created_at)
        self.heartbeat_at = get("heartbeatAt", self.heartbeat_at)
        self.tags = list(get("tags") or []) if "tags" in node else self.tags
        self.group = get("group", self.group)
        self.job_type = get("jobType", self.job_type)
        self.sweep_name = get("sweepName", self.sweep_name)
        self.notes = get("notes", self.notes)
        self.description = get("description", self.description)
        self.commit = get("commit", self.commit)
        self.host = get("host", self.host)
        self.read_only = get("readOnly", self.read_only)
        self.history_line_count = get("historyLineCount", self.history_line_count)
        if get("projectId") is not None:
            self.project_internal_id = int(get("projectId"))
        if "user" in node:
            self.user = _run_user(get("user"))
        if "config" in node:
            self._config, self._rawconfig = split_config(get("config"))
        if "summaryMetrics" in node:
            self._summary = json_dict(get("summaryMetrics"))
        if "systemMetrics" in node:
            self._system_metrics = json_dict(get("systemMetrics"))
        if "historyKeys" in node:
            self._history_keys = json_dict(get("historyKeys"))

    # fields a light list may not carry
    @property
    def config(self) -> dict[str, Any]:
        if self._config is None:
            raise self._not_loaded("config")
        return self._config

    @property
    def rawconfig(self) -> dict[str, Any]:
        if self._rawconfig is None:
            raise self._not_loaded("rawconfig")
        return self._rawconfig

    @property
    def summary(self) -> dict[str, Any]:
        if self._summary is None:
            raise self._not_loaded("summary")
        return self._summary

    summary_metrics = summary

    @property
    def system_metrics(self) -> dict[str, Any]:
        if self._system_metrics is None:
            raise self._not_loaded("system_metrics")
        return self._system_metrics

    @property
    def history_keys(self) -> dict[str, Any]:
        if self._history_keys is None:
            raise self._not_loaded("history_keys")
        return self._history_keys

    @property
    def display_name(self) -> str | None:
        return self.name

    @property
    def username(self) -> str:
        """Deprecated in wandb too: the run's entity, not its user (see `user.username`)."""
        warnings.warn("Run.username is deprecated; use Run.entity", DeprecationWarning, stacklevel=2)
        return self.entity

    @property
    def path(self) -> list[str]:
        from urllib.parse import quote

        return [quote(str(p), safe="") for p in (self.entity, self.project, self.id)]

    @property
    def url(self) -> str:
        assert self._api is not None
        return paths.run_url(self._api.settings.app_url, self.entity, self.project, self.id)

    @property
    def json_config(self) -> str:
        config: dict[str, Any] = {}
        if "_wandb" in self.rawconfig:
            config["_wandb"] = {"value": self.rawconfig["_wandb"], "desc": None}
        for key, value in self.config.items():
            config[key] = {"value": value, "desc": None}
        return json.dumps(config)

    # coroutines that fetch
    async def load(self, force: bool = False) -> Run:
        """Fetch every field (config, summary, system metrics, history keys)."""
        if force or self._config is None or self._summary is None or self._history_keys is None:
            assert self._api is not None
            self._update(await self._api._run_node(self.entity, self.project, self.id))
        return self

    load_full_data = load

    async def history(
        self,
        samples: int = 500,
        keys: list[str] | None = None,
        x_axis: str = "_step",
        pandas: bool = False,
        stream: str = "default",
    ) -> Any:
        assert self._api is not None
        from .history import sampled_history

        rows = await sampled_history(self._api, self, samples, keys, x_axis, stream)
        if pandas:
            import pandas as pd

            return pd.DataFrame.from_records(rows)
        return rows

    def scan_history(
        self,
        keys: list[str] | None = None,
        page_size: int = 1000,
        min_step: int | None = None,
        max_step: int | None = None,
        use_cache: bool = True,  # wandb's parquet cache; accepted for compatibility, nothing to cache here
    ) -> AsyncIterator[dict[str, Any]]:
        """Every history row in step order, fetched a few pages ahead (see history.py)."""
        assert self._api is not None
        from .history import scan_history

        return scan_history(self._api, self, keys, page_size, min_step, max_step)

    async def last_history_step(self) -> int:
        """The SDK's `lastHistoryStep`: the last step logged, or -1."""
        assert self._api is not None
        from .history import history_keys

        return (await history_keys(self._api, self)).get("lastStep", -1)

    def files(self, names: list[str] | None = None, pattern: str | None = None, per_page: int = 50) -> Paginator[File]:
        assert self._api is not None
        return self._api._run_files(self, names, pattern, per_page)

    async def file(self, name: str) -> File:
        page = await self.files([name]).first_page()
        if not page.items:
            from .errors import NotFoundError

            raise NotFoundError(f"File {name!r} not found in run {'/'.join(self.path)}")
        return page.items[0]

    def console_logs(self, *, per_page: int = 1000, last: int | None = None) -> Paginator[ConsoleLogLine]:
        assert self._api is not None
        return self._api._console_logs(self, per_page, last)

    def logged_artifacts(self, per_page: int = 100) -> Paginator[Artifact]:
        assert self._api is not None
        return self._api._run_artifacts(self, "logged", per_page)

    def used_artifacts(self, per_page: int = 100) -> Paginator[Artifact]:
        assert self._api is not None
        return self._api._run_artifacts(self, "used", per_page)

    async def sweep(self) -> Sweep | None:
        if not self.sweep_name:
            return None
        assert self._api is not None
        return await self._api.sweep(f"{self.entity}/{self.project}/{self.sweep_name}")

    async def metadata(self) -> dict[str, Any] | None:
        """wandb-metadata.json of the run (host, program, git, GPUs...), or None."""
        assert self._api is not None
        return await self._api._run_metadata(self)

    async def update(self) -> None:
        """Persist changes to name, tags, notes, description, group, job type, config and
        summary, as the SDK's `Run.update()`."""
        assert self._api is not None
        await self._api._update_run(self)

    save = update

    async def wait_until_finished(self, poll: float = 5.0) -> None:
        assert self._api is not None
        await self._api._wait_until_finished(self, poll)

    def __repr__(self) -> str:
        return f"<Run {'/'.join(self.path)} ({self.state})>"


@dataclass(slots=True, eq=False)
class File(_Record):
    id: str | None
    name: str
    url: str | None = None
    direct_url: str | None = None
    size: int = 0
    mimetype: str | None = None
    updated_at: str | None = None
    md5: str | None = None
    run: Run | None = field(default=None, repr=False)
    _api: Api | None = field(default=None, repr=False)

    @classmethod
    def from_node(cls, api: Api, node: dict[str, Any], run: Run | None = None) -> File:
        return cls(
            id=node.get("id"),
            name=node["name"],
            url=node.get("url"),
            direct_url=node.get("directUrl"),
            size=int(node.get("sizeBytes") or 0),
            mimetype=node.get("mimetype"),
            updated_at=node.get("updatedAt"),
            md5=node.get("md5"),
            run=run,
            _api=api,
        )

    async def download(self, root: str | Path = ".", replace: bool = False, exist_ok: bool = False) -> Path:
        """Write the file under `root`; return its path (the SDK returns an open file)."""
        assert self._api is not None
        from .downloads import download_file

        return await download_file(self._api, self, Path(root), replace=replace, exist_ok=exist_ok)


@dataclass(frozen=True, slots=True)
class ConsoleLogLine:
    number: int
    timestamp: datetime | None
    level: str
    label: str
    content: str

    @classmethod
    def from_node(cls, node: dict[str, Any]) -> ConsoleLogLine:
        return cls(
            number=int(node.get("number") or 0),
            timestamp=parse_timestamp(node.get("timestamp")),
            level=node.get("level") or "",
            label=node.get("label") or "",
            content=node.get("line") or "",
        )


def parse_timestamp(value: str | None) -> datetime | None:
    """ISO-8601 from W&B (no zone means UTC) as an aware datetime, or None."""
    if not value:
        return None
    text = value.replace("Z", "+00:00").replace("z", "+00:00")
    if (dot := text.find(".")) != -1:  # fromisoformat wants at most 6 fraction digits
        end = dot + 1
        while end < len(text) and text[end].isdigit():
            end += 1
        text = f"{text[:dot]}.{text[dot + 1:end][:6].ljust(6, '0')}{text[end:]}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


# sweeps and reports -------------------------------------------------------------------------

@dataclass(slots=True, eq=False)
class Sweep(_Record):
    entity: str
    project: str
    id: str  # the sweep's short id, as in its path
    storage_id: str | None = None
    display_name: str | None = None
    method: str | None = None
    state: str | None = None
    description: str | None = None
    best_loss: float | None = None
    config: dict[str, Any] = field(default_factory=dict)
    created_at: str | None = None
    updated_at: str | None = None
    run_count: int | None = None
    expected_run_count: int | None = None
    _api: Api | None = field(default=None, repr=False)

    @classmethod
    def from_node(cls, api: Api | None, entity: str, project: str, node: dict[str, Any]) -> Sweep:
        import yaml

        return cls(
            entity=entity,
            project=project,
            id=node["name"],
            storage_id=node.get("id"),
            display_name=node.get("displayName"),
            method=node.get("method"),
            state=node.get("state"),
            description=node.get("description"),
            best_loss=node.get("bestLoss"),
            config=yaml.safe_load(node.get("config") or "") or {},
            created_at=node.get("createdAt"),
            updated_at=node.get("updatedAt"),
            run_count=node.get("runCount"),
            expected_run_count=node.get("runCountExpected"),
            _api=api,
        )

    @property
    def name(self) -> str:
        return self.display_name or self.config.get("name") or self.id

    @property
    def order(self) -> str | None:
        """The runs order that ranks them by the sweep's metric, as the SDK computes it."""
        metric = self.config.get("metric")
        if not metric:
            return None
        prefix = "+" if metric.get("goal", "minimize") == "minimize" else "-"
        return format_order_key(prefix + metric["name"])

    @property
    def path(self) -> list[str]:
        from urllib.parse import quote_plus

        return [quote_plus(self.entity), quote_plus(self.project), quote_plus(self.id)]

    @property
    def url(self) -> str:
        assert self._api is not None
        return paths.sweep_url(self._api.settings.app_url, self.entity, self.project, self.id)

    def runs(self, order: str = "+created_at", per_page: int = 50) -> Paginator[Run]:
        assert self._api is not None
        return self._api.runs(
            f"{self.entity}/{self.project}", {"$and": [{"sweep": self.id}]}, order, per_page
        )

    async def best_run(self, order: str | None = None) -> Run | None:
        order = self.order if order is None else format_order_key(order)
        page = await self.runs(order=order or "+created_at", per_page=1).first_page()
        return page.items[0] if page.items else None

    def __repr__(self) -> str:
        return f"<Sweep {'/'.join(self.path)} ({self.state or 'Unknown State'})>"


def format_order_key(key: str) -> str:
    """The SDK's `QueryGenerator.format_order_key`: a bare metric name means a summary metric."""
    direction, key = (key[0], key[1:]) if key.startswith(("+", "-")) else ("-", key)
    parts = key.split(".")
    if len(parts) == 1 and parts[0] not in ("createdAt", "updatedAt", "name", "sweep"):
        return f"{direction}summary_metrics.{parts[0]}"
    if len(parts) > 1 and parts[0] not in ("config", "summary_metrics", "tags"):
        return direction + ".".join(["summary_metrics", *parts])
    return direction + key


@dataclass(slots=True, eq=False)
class Report(_Record):
    """wandb's BetaReport: `name` is the report's slug name, `display_name` its title."""

    entity: str
    project: str
    id: str
    name: str | None = None
    display_name: str | None = None
    description: str | None = None
    spec: dict[str, Any] = field(default_factory=dict)
    user: dict[str, Any] | None = None
    created_at: str | None = None
    updated_at: str | None = None
    _api: Api | None = field(default=None, repr=False)

    @classmethod
    def from_node(cls, api: Api | None, entity: str, project: str, node: dict[str, Any]) -> Report:
        return cls(
            entity=entity,
            project=project,
            id=node["id"],
            name=node.get("name"),
            display_name=node.get("displayName"),
            description=node.get("description"),
            spec=json_dict(node.get("spec")),
            user=node.get("user"),
            created_at=node.get("createdAt"),
            updated_at=node.get("updatedAt"),
            _api=api,
        )

    @property
    def sections(self) -> list[dict[str, Any]]:
        return self.spec.get("panelGroups", [])

    @property
    def title(self) -> str | None:
        return self.display_name

    @property
    def url(self) -> str | None:
        if self._api is None or not self.display_name:
            return None
        return paths.report_url(self._api.settings.app_url, self.entity, self.project, self.display_name, self.id)


# artifacts ----------------------------------------------------------------------------------

@dataclass(slots=True, eq=False)
class ArtifactType(_Record):
    entity: str
    project: str
    name: str
    id: str | None = None
    description: str | None = None
    created_at: str | None = None
    collection_count: int | None = None  # extension: the list of types carries it
    _api: Api | None = field(default=None, repr=False)

    @classmethod
    def from_node(cls, api: Api, entity: str, project: str, node: dict[str, Any]) -> ArtifactType:
        return cls(entity, project, node["name"], node.get("id"), node.get("description"),
                   node.get("createdAt"), (node.get("artifactCollections") or {}).get("totalCount"), api)

    @property
    def type(self) -> str:
        return self.name

    def collections(self, per_page: int = 50, order: str | None = None) -> Paginator[ArtifactCollection]:
        assert self._api is not None
        return self._api.artifact_collections(f"{self.entity}/{self.project}", self.name, order, per_page)

    async def collection(self, name: str) -> ArtifactCollection:
        assert self._api is not None
        return await self._api.artifact_collection(self.name, f"{self.entity}/{self.project}/{name}")

    def __repr__(self) -> str:
        return f"<ArtifactType {self.name}>"


@dataclass(slots=True, eq=False)
class ArtifactCollection(_Record):
    entity: str
    project: str
    name: str
    type: str
    id: str | None = None
    description: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    tags: list[str] = field(default_factory=list)
    version_count: int | None = None  # extension: committed versions, carried by the list
    _is_sequence: bool = field(default=True, repr=False)
    _aliases: list[str] | None = field(default=None, repr=False)
    _api: Api | None = field(default=None, repr=False)

    @classmethod
    def from_node(cls, api: Api, node: dict[str, Any]) -> ArtifactCollection:
        project = node.get("project") or {}
        coll = cls(
            entity=(project.get("entity") or {}).get("name", ""),
            project=project.get("name", ""),
            name=node["name"],
            type=(node.get("defaultArtifactType") or {}).get("name", ""),
            id=node.get("id"),
            description=node.get("description"),
            created_at=node.get("createdAt"),
            updated_at=node.get("updatedAt"),
            tags=[t["name"] for t in _edges(node.get("tags"))],
            version_count=(node.get("artifacts") or {}).get("totalCount"),
            _is_sequence=node.get("__typename", "ArtifactSequence") == "ArtifactSequence",
            _api=api,
        )
        aliases = node.get("aliases")
        if aliases is not None and not (aliases.get("pageInfo") or {}).get("hasNextPage"):
            coll._aliases = [a["alias"] for a in _edges(aliases)]  # all of them
        return coll

    @property
    def aliases(self) -> list[str]:
        """Aliases of the collection's versions (fetched by `Api.artifact_collection`; a list of
        collections carries them unless a collection has very many: then `await .load()`)."""
        if self._aliases is None:
            raise self._not_loaded("aliases")
        return self._aliases

    def is_sequence(self) -> bool:
        return self._is_sequence

    def artifacts(self, per_page: int = 50) -> Paginator[Artifact]:
        assert self._api is not None
        return self._api.artifacts(self.type, f"{self.entity}/{self.project}/{self.name}", per_page=per_page)

    async def load(self) -> ArtifactCollection:
        assert self._api is not None
        fresh = await self._api.artifact_collection(self.type, f"{self.entity}/{self.project}/{self.name}")
        self._aliases = fresh._aliases
        return self

    def __repr__(self) -> str:
        return f"<ArtifactCollection {self.name} ({self.type})>"


@dataclass(frozen=True, slots=True)
class RunRef:
    """A run as another object names it (the run that logged an artifact): enough to show it
    and to fetch it (`await api.run(ref.path)`)."""

    entity: str
    project: str
    id: str
    display_name: str | None = None

    @classmethod
    def from_node(cls, node: dict[str, Any] | None) -> RunRef | None:
        """W&B's `Initiator` (`createdBy`): None unless it is a run."""
        project = (node or {}).get("project")
        if not node or node.get("__typename", "Run") != "Run" or not project:
            return None
        return cls(project["entity"]["name"], project["name"], node["name"], node.get("displayName"))

    @property
    def path(self) -> str:
        return f"{self.entity}/{self.project}/{self.id}"


@dataclass(slots=True, eq=False)
class Artifact(_Record):
    """A logged artifact version. `name` is "collection:version-or-alias" as it was asked for,
    `version` is "vN", `aliases` are the other aliases (not the version) -- the SDK's semantics."""

    entity: str
    project: str
    name: str
    id: str
    type: str
    version: str
    aliases: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    description: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    state: str | None = None
    size: int = 0
    digest: str | None = None
    commit_hash: str | None = None
    file_count: int = 0
    created_at: str | None = None
    updated_at: str | None = None
    history_step: int | None = None
    source_entity: str = ""
    source_project: str = ""
    source_name: str = ""
    _logged_by_run: Any = field(default=_NOT_FETCHED, repr=False)
    _api: Api | None = field(default=None, repr=False)

    @classmethod
    def from_node(
        cls,
        api: Api,
        node: dict[str, Any],
        *,
        entity: str | None = None,
        project: str | None = None,
        name: str | None = None,
        membership: dict[str, Any] | None = None,
    ) -> Artifact:
        sequence = node.get("artifactSequence") or {}
        source_project = sequence.get("project") or {}
        source_entity = (source_project.get("entity") or {}).get("name", "")
        source_name = f"{sequence.get('name')}:v{node.get('versionIndex')}"
        entity = entity or source_entity
        project = project or source_project.get("name", "")
        name = name or source_name
        collection = name.split(":")[0]
        if membership is not None:
            aliases = [a["alias"] for a in membership.get("aliases") or []]
        else:  # only the aliases that belong to this collection
            aliases = [
                a["alias"]
                for a in node.get("aliases") or []
                if (c := a.get("artifactCollection") or {}).get("name") == collection
                and ((c.get("project") or {}).get("name")) == project
                and (((c.get("project") or {}).get("entity") or {}).get("name")) == entity
            ]
        versions = [a for a in aliases if _VERSION_ALIAS.match(a)]
        if len(versions) > 1:
            raise ValueError(f"Expected at most one version alias, got {len(versions)}: {versions!r}")
        if versions:
            version = versions[0]
        elif membership is not None and membership.get("versionIndex") is not None:
            version = f"v{membership['versionIndex']}"
        else:
            version = f"v{node.get('versionIndex')}"
        return cls(
            entity=entity,
            project=project,
            name=name if ":" in name else f"{name}:{version}",
            id=node["id"],
            type=(node.get("artifactType") or {}).get("name", ""),
            version=version,
            aliases=[a for a in aliases if not _VERSION_ALIAS.match(a)],
            tags=[t["name"] for t in node.get("tags") or []],
            description=node.get("description"),
            metadata=json_dict(node.get("metadata")),
            state=node.get("state"),
            size=int(node.get("size") or 0),
            digest=node.get("digest"),
            commit_hash=node.get("commitHash"),
            file_count=int(node.get("fileCount") or 0),
            created_at=node.get("createdAt"),
            updated_at=node.get("updatedAt") or node.get("createdAt"),
            history_step=node.get("historyStep"),
            source_entity=source_entity,
            source_project=source_project.get("name", ""),
            source_name=source_name,
            _logged_by_run=RunRef.from_node(node["createdBy"]) if "createdBy" in node else _NOT_FETCHED,
            _api=api,
        )

    @property
    def collection_name(self) -> str:
        return self.name.split(":")[0]

    @property
    def qualified_name(self) -> str:
        return f"{self.entity}/{self.project}/{self.name}"

    @property
    def source_version(self) -> str:
        return self.source_name.split(":")[-1]

    @property
    def source_qualified_name(self) -> str:
        return f"{self.source_entity}/{self.source_project}/{self.source_name}"

    @property
    def is_link(self) -> bool:
        return (self.entity, self.project, self.collection_name) != (
            self.source_entity, self.source_project, self.source_name.split(":")[0]
        )

    @property
    def url(self) -> str:
        assert self._api is not None
        return paths.artifact_url(
            self._api.settings.app_url, self.entity, self.project, self.type, self.collection_name, self.version
        )

    async def collection(self) -> ArtifactCollection:
        assert self._api is not None
        return await self._api.artifact_collection(self.type, f"{self.entity}/{self.project}/{self.collection_name}")

    def files(self, names: list[str] | None = None, per_page: int = 50) -> Paginator[File]:
        assert self._api is not None
        return self._api._artifact_files(self, names, per_page)

    async def download(self, root: str | Path | None = None, path_prefix: str | None = None) -> Path:
        """Download every file (or those under `path_prefix`) to `root`, default
        ./artifacts/<source name>, as the SDK; return the directory."""
        assert self._api is not None
        from .downloads import download_artifact

        return await download_artifact(self._api, self, root, path_prefix)

    async def manifest(self) -> dict[str, Any]:
        """The artifact's manifest JSON (`contents`: path -> digest, size, ref...)."""
        assert self._api is not None
        return await self._api._artifact_manifest(self)

    @property
    def logged_by_run(self) -> RunRef | None:
        """The run that logged this version, known without a request where the list carried it
        (`api.artifacts(...)` does); None if a user logged it. Extension."""
        if self._logged_by_run is _NOT_FETCHED:
            raise self._not_loaded("logged_by_run")
        return self._logged_by_run

    async def logged_by(self) -> Run | None:
        assert self._api is not None
        return await self._api._artifact_logged_by(self)

    async def used_by(self) -> list[Run]:
        assert self._api is not None
        return await self._api._artifact_used_by(self)

    def __repr__(self) -> str:
        return f"<Artifact {self.qualified_name} ({self.type})>"


# launch -------------------------------------------------------------------------------------

@dataclass(slots=True, eq=False)
class QueuedRun(_Record):
    entity: str
    project: str
    queue_name: str
    id: str
    project_queue: str = paths.LAUNCH_PROJECT
    priority: int | None = None
    state: str | None = None  # lower case, as the SDK's QueuedRun.state
    associated_run_id: str | None = None
    created_at: str | None = None
    run_spec: dict[str, Any] | None = None  # extension: the spec it was queued with (`load()` fetches it)
    _api: Api | None = field(default=None, repr=False)

    def _update(self, node: dict[str, Any]) -> None:
        self.state = (node.get("state") or "").lower() or None
        self.associated_run_id = node.get("associatedRunId")
        self.created_at = node.get("createdAt")
        if "runSpec" in node:
            self.run_spec = json_dict(node["runSpec"])

    async def load(self) -> QueuedRun:
        assert self._api is not None
        self._update(await self._api._queue_item_node(self))
        return self

    async def run(self) -> Run | None:
        """The run this item launched, once it has one."""
        if not self.associated_run_id:
            return None
        assert self._api is not None
        return await self._api.run(f"{self.entity}/{self.project}/{self.associated_run_id}")

    async def wait_until_running(self, poll: float = 3.0) -> Run:
        import asyncio

        while True:
            await self.load()
            if run := await self.run():
                return run
            await asyncio.sleep(poll)

    def __repr__(self) -> str:
        return f"<QueuedRun {self.queue_name} ({self.id})"


@dataclass(slots=True, eq=False)
class RunQueue(_Record):
    entity: str
    name: str
    id: str | None = None
    access: str | None = None
    prioritization_mode: str | None = None
    external_links: dict[str, Any] | None = None
    created_at: str | None = None
    default_resource_config_id: str | None = None
    type: str | None = None  # the resource type
    default_resource_config: dict[str, Any] | None = None
    template_variables: list[dict[str, Any]] | None = None
    config_schema_validation_errors: list[str] = field(default_factory=list)
    # extensions, from `api.run_queues()`: items by state (lower case), counted among the first
    # `items_per_queue` items; `item_counts_complete` is False when the queue has more
    item_counts: dict[str, int] | None = None
    item_counts_complete: bool = True
    _api: Api | None = field(default=None, repr=False)

    def _update(self, node: dict[str, Any]) -> None:
        self.id = node.get("id")
        self.access = node.get("access")
        self.prioritization_mode = node.get("prioritizationMode")
        self.external_links = json_dict(node.get("externalLinks")) if node.get("externalLinks") else None
        self.created_at = node.get("createdAt")
        self.default_resource_config_id = node.get("defaultResourceConfigID")

    def _update_resource_config(self, node: dict[str, Any] | None) -> None:
        node = node or {}
        self.type = node.get("resource")
        config = node.get("config")
        self.default_resource_config = json_dict(config) if config is not None else {}
        self.template_variables = list(node.get("templateVariables") or [])

    def items(self, per_page: int = 100) -> Paginator[QueuedRun]:
        assert self._api is not None
        return self._api._queue_items(self, per_page)

    def __repr__(self) -> str:
        return f"<RunQueue {self.entity}/{self.name}>"


@dataclass(slots=True, eq=False)
class Job(_Record):
    """A launch job: its artifact and the parsed `wandb-job.json`."""

    name: str
    artifact: Artifact
    info: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None  # where the job artifact was downloaded, if it was

    @property
    def source_type(self) -> str | None:
        return self.info.get("source_type")

    @property
    def source(self) -> dict[str, Any]:
        return self.info.get("source", {})

    @property
    def entrypoint(self) -> list[str] | None:
        return self.source.get("entrypoint")

    @property
    def runtime(self) -> str | None:
        return self.info.get("runtime")

    @property
    def input_types(self) -> dict[str, Any]:
        return self.info.get("input_types", {})

    @property
    def output_types(self) -> dict[str, Any]:
        return self.info.get("output_types", {})

    @property
    def partial(self) -> bool:
        return bool(self.info.get("_partial", False))

    def __repr__(self) -> str:
        return f"<Job {self.name}>"
