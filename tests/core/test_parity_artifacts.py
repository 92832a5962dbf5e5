"""Parity for artifacts and jobs: types, collections, versions, aliases, files, lineage --
wbtui.core against the official wandb.Api on artifacts the official SDK logged."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

from wbtui.core import Api, NotFoundError, NotLoadedError

Seeded = Any  # the `seeded` fixture of conftest.py

ARTIFACT_FIELDS = [
    "id", "name", "type", "version", "aliases", "tags", "description", "metadata", "state", "size",
    "digest", "commit_hash", "file_count", "created_at", "updated_at", "source_name", "source_entity",
    "source_project", "qualified_name", "entity", "project", "history_step", "is_link",
]


def fields(artifact: Any) -> dict[str, Any]:
    return {f: getattr(artifact, f) for f in ARTIFACT_FIELDS}


@pytest.fixture(autouse=True)
def _need_artifacts(seeded: Seeded) -> None:
    seeded.need("stage_artifacts")


async def test_artifact_types(api: Api, wandb_api: Any, seeded: Seeded) -> None:
    expected = [(t.id, t.name) for t in wandb_api.artifact_types(seeded.path)]
    got = [(t.id, t.name) async for t in api.artifact_types(seeded.path)]
    assert got == expected and {"dataset", "model"} <= {name for _, name in got}


async def test_artifact_types_carry_their_collection_counts(api: Api, wandb_api: Any, seeded: Seeded) -> None:
    start = api.round_trips
    types = await api.artifact_types(seeded.path).list()
    assert api.round_trips - start == 1  # the counts came with the list
    expected = {t.name: len(wandb_api.artifact_collections(seeded.path, t.name)) for t in wandb_api.artifact_types(seeded.path)}
    assert {t.name: t.collection_count for t in types} == expected and expected["dataset"] >= 1


@pytest.mark.parametrize("type_name", ["dataset", "model"])
async def test_artifact_type(api: Api, wandb_api: Any, seeded: Seeded, type_name: str) -> None:
    sdk = wandb_api.artifact_type(type_name, seeded.path)
    core = await api.artifact_type(type_name, seeded.path)
    assert (core.id, core.name, core.type) == (sdk.id, sdk.name, sdk.type)
    expected = [(c.id, c.name) for c in sdk.collections()]
    assert [(c.id, c.name) async for c in core.collections()] == expected


@pytest.mark.parametrize(("type_name", "per_page"), [("dataset", 50), ("model", 1), ("job", 50)])
async def test_artifact_collections(api: Api, wandb_api: Any, seeded: Seeded, type_name: str, per_page: int) -> None:
    seeded.need("stage_jobs")
    sdk = wandb_api.artifact_collections(seeded.path, type_name, per_page=per_page)
    expected = [(c.id, c.name, c.type, c.entity, c.project, c.description, c.created_at, c.tags) for c in sdk]
    core = api.artifact_collections(seeded.path, type_name, per_page=per_page)
    got = [(c.id, c.name, c.type, c.entity, c.project, c.description, c.created_at, c.tags) async for c in core]
    assert got == expected and got
    assert await core.count() == len(sdk)


@pytest.mark.parametrize("type_name", ["dataset", "model"])
async def test_artifact_collections_carry_version_counts_and_aliases(api: Api, wandb_api: Any, seeded: Seeded,
                                                                     type_name: str) -> None:
    start = api.round_trips
    collections = await api.artifact_collections(seeded.path, type_name).list()
    assert api.round_trips - start == 1  # counts and aliases came with the list
    expected = {c.name: (len(wandb_api.artifacts(type_name, f"{seeded.path}/{c.name}")), sorted(c.aliases))
                for c in wandb_api.artifact_collections(seeded.path, type_name)}
    assert {c.name: (c.version_count, sorted(c.aliases)) for c in collections} == expected


@pytest.mark.parametrize(("type_name", "name"), [("dataset", "dataset-a"), ("model", "model-a")])
async def test_artifact_collection(api: Api, wandb_api: Any, seeded: Seeded, type_name: str, name: str) -> None:
    sdk = wandb_api.artifact_collection(type_name, f"{seeded.path}/{name}")
    core = await api.artifact_collection(type_name, f"{seeded.path}/{name}")
    assert (core.id, core.name, core.type, core.entity, core.project, core.created_at, core.description, core.tags) == (
        sdk.id, sdk.name, sdk.type, sdk.entity, sdk.project, sdk.created_at, sdk.description, sdk.tags
    )
    assert sorted(core.aliases) == sorted(sdk.aliases)
    assert core.is_sequence() == sdk.is_sequence()


async def test_aliases_beyond_what_a_request_carries(api: Api, wandb_api: Any, seeded: Seeded,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import wbtui.core.api as core_api

    expected = sorted(wandb_api.artifact_collection("dataset", f"{seeded.path}/dataset-a").aliases)
    assert len(expected) > 1
    start = api.round_trips
    assert sorted((await api.artifact_collection("dataset", f"{seeded.path}/dataset-a")).aliases) == expected
    assert api.round_trips - start == 1  # the aliases came with the collection
    monkeypatch.setattr(core_api, "ALIASES_PER_PAGE", 1)
    monkeypatch.setattr(core_api, "ALIASES_PER_COLLECTION", 1)
    api.flush()
    start = api.round_trips
    assert sorted((await api.artifact_collection("dataset", f"{seeded.path}/dataset-a")).aliases) == expected
    assert api.round_trips - start == len(expected)  # a page at a time (the last one says it is the last)
    listed = next(c for c in await api.artifact_collections(seeded.path, "dataset").list() if c.name == "dataset-a")
    with pytest.raises(NotLoadedError):
        _ = listed.aliases  # the list carried only the first one
    assert sorted((await listed.load()).aliases) == expected


@pytest.mark.parametrize(
    ("name", "type_name"),
    [("dataset-a", "dataset"), ("model-a", "model"), ("dataset-a", "model"), ("nope", "dataset")],
)
async def test_artifact_collection_exists(api: Api, wandb_api: Any, seeded: Seeded, name: str, type_name: str) -> None:
    path = f"{seeded.path}/{name}"
    assert await api.artifact_collection_exists(path, type_name) == wandb_api.artifact_collection_exists(path, type_name)


@pytest.mark.parametrize(("type_name", "name", "per_page"), [("dataset", "dataset-a", 50), ("dataset", "dataset-a", 1), ("model", "model-a", 50)])
async def test_artifacts(api: Api, wandb_api: Any, seeded: Seeded, type_name: str, name: str, per_page: int) -> None:
    sdk = wandb_api.artifacts(type_name, f"{seeded.path}/{name}", per_page=per_page)
    expected = [fields(a) for a in sdk]
    core = api.artifacts(type_name, f"{seeded.path}/{name}", per_page=per_page)
    assert [fields(a) async for a in core] == expected and expected
    assert await core.count() == len(sdk)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        versions = api.artifact_versions(type_name, f"{seeded.path}/{name}", per_page=per_page)
    assert [a.id async for a in versions] == [a["id"] for a in expected]


async def test_artifacts_filtered_by_tags(api: Api, wandb_api: Any, seeded: Seeded) -> None:
    for tags in (["nope"], []):
        expected = [a.id for a in wandb_api.artifacts("dataset", f"{seeded.path}/dataset-a", tags=tags)]
        assert [a.id async for a in api.artifacts("dataset", f"{seeded.path}/dataset-a", tags=tags)] == expected


NAMES = ["dataset-a:v0", "dataset-a:v1", "dataset-a:latest", "dataset-a:best", "dataset-a:production", "model-a:v0"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("form", ["entity/project", "project"])
async def test_artifact(api: Api, wandb_api: Any, seeded: Seeded, name: str, form: str) -> None:
    path = f"{seeded.path}/{name}" if form == "entity/project" else f"{seeded.data['project']}/{name}"
    sdk = wandb_api.artifact(path)
    core = await api.artifact(path)
    assert fields(core) == fields(sdk)
    assert core.url == sdk.url


async def test_artifact_errors(api: Api, wandb_api: Any, seeded: Seeded) -> None:
    with pytest.raises(Exception, match="specified but this artifact is of type"):  # wandb: CommError
        wandb_api.artifact(f"{seeded.path}/dataset-a:v0", type="model")
    with pytest.raises(ValueError, match="type 'model' specified but this artifact is of type 'dataset'"):
        await api.artifact(f"{seeded.path}/dataset-a:v0", type="model")
    with pytest.raises(ValueError, match="specify name"):
        await api.artifact(None)  # type: ignore[arg-type]
    with pytest.raises(NotFoundError):
        await api.artifact(f"{seeded.path}/dataset-a:v9")


@pytest.mark.parametrize(
    "name", ["dataset-a:v0", "dataset-a:best", "dataset-a:v7", "missing:v0", "model-a:latest"]
)
@pytest.mark.parametrize("type_name", [None, "dataset"])
async def test_artifact_exists(api: Api, wandb_api: Any, seeded: Seeded, name: str, type_name: str | None) -> None:
    path = f"{seeded.path}/{name}"
    assert await api.artifact_exists(path, type_name) == wandb_api.artifact_exists(path, type_name)


@pytest.mark.parametrize("name", ["dataset-a:v0", "dataset-a:v1", "model-a:v0"])
async def test_artifact_files_and_download(api: Api, wandb_api: Any, seeded: Seeded, name: str, tmp_path: Path) -> None:
    sdk = wandb_api.artifact(f"{seeded.path}/{name}")
    core = await api.artifact(f"{seeded.path}/{name}")
    expected = [(f.id, f.name, f.size, f.md5, f.mimetype) for f in sdk.files()]
    assert [(f.id, f.name, f.size, f.md5, f.mimetype) async for f in core.files()] == expected and expected
    sdk_root = Path(sdk.download(root=str(tmp_path / "sdk")))
    core_root = await core.download(tmp_path / "core")
    sdk_files = sorted(p.relative_to(sdk_root) for p in sdk_root.rglob("*") if p.is_file())
    core_files = sorted(p.relative_to(core_root) for p in core_root.rglob("*") if p.is_file())
    assert core_files == sdk_files
    for rel in sdk_files:
        assert (core_root / rel).read_bytes() == (sdk_root / rel).read_bytes()
    manifest = await core.manifest()
    assert sorted(manifest["contents"]) == sorted(sdk.manifest.entries)


@pytest.mark.parametrize(("type_name", "name"), [("dataset", "dataset-a"), ("model", "model-a")])
async def test_versions_carry_the_run_that_logged_them(api: Api, wandb_api: Any, seeded: Seeded, type_name: str,
                                                       name: str) -> None:
    start = api.round_trips
    versions = await api.artifacts(type_name, f"{seeded.path}/{name}").list()
    assert api.round_trips - start == 1  # who logged each came with the list
    expected = []
    for version in wandb_api.artifacts(type_name, f"{seeded.path}/{name}"):
        run = version.logged_by()
        expected.append(run and (run.entity, run.project, run.id, run.name))
    got = [(r.entity, r.project, r.id, r.display_name) if (r := v.logged_by_run) else None for v in versions]
    assert got == expected and all(expected)
    assert (await versions[0].logged_by()).id == versions[0].logged_by_run.id  # type: ignore[union-attr]
    assert api.round_trips - start == 2  # the run itself, without asking who logged it again


@pytest.mark.parametrize("name", ["dataset-a:v0", "dataset-a:v1", "model-a:v0"])
async def test_artifact_lineage(api: Api, wandb_api: Any, seeded: Seeded, name: str) -> None:
    sdk = wandb_api.artifact(f"{seeded.path}/{name}")
    core = await api.artifact(f"{seeded.path}/{name}")
    logged_sdk, logged_core = sdk.logged_by(), await core.logged_by()
    assert (logged_core and logged_core.path) == (logged_sdk and logged_sdk.path)
    assert sorted(r.id for r in await core.used_by()) == sorted(r.id for r in sdk.used_by())


@pytest.mark.parametrize("run_id", ["artlog01", "artlog02", "artuse01", "prt00000"])
async def test_run_logged_and_used_artifacts(api: Api, wandb_api: Any, seeded: Seeded, run_id: str) -> None:
    sdk = wandb_api.run(f"{seeded.path}/{run_id}")
    core = await api.run(f"{seeded.path}/{run_id}")
    assert [fields(a) async for a in core.logged_artifacts()] == [fields(a) for a in sdk.logged_artifacts()]
    assert [fields(a) async for a in core.used_artifacts()] == [fields(a) for a in sdk.used_artifacts()]


async def test_list_jobs(api: Api, wandb_api: Any, seeded: Seeded) -> None:
    seeded.need("stage_jobs")
    assert await api.list_jobs(seeded.entity, seeded.data["project"]) == wandb_api.list_jobs(seeded.entity, seeded.data["project"])
    assert await api.list_jobs(seeded.entity, "no-such-project") == []


async def test_job(api: Api, wandb_api: Any, seeded: Seeded, tmp_path: Path) -> None:
    seeded.need("stage_jobs")
    name = f"{seeded.path}/job-train:v0"
    sdk = wandb_api.job(name, path=str(tmp_path / "sdk"))
    core = await api.job(name)
    assert core.name == sdk.name and core.info == sdk._job_info
    assert core.entrypoint == sdk._entrypoint and core.source_type == "image"
    downloaded = await api.job(name, path=tmp_path / "core")
    assert downloaded.path is not None and (downloaded.path / "requirements.frozen.txt").exists()
    with pytest.raises(ValueError, match="Invalid job specification"):
        await api.job("job-train:v0")
