"""Parity: on the same sandbox data, wbtui.core.Api returns what the official wandb.Api returns.

One parametrised test per read method; the data was written by the official SDK
(seed_sdk.py). Each case compares ids, names, order, counts and values field by field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from wbtui.core import Api, NotFoundError

Seeded = Any  # the `seeded` fixture of conftest.py

RUN_FIELDS = [
    "id", "name", "display_name", "state", "created_at", "heartbeat_at", "tags", "group",
    "job_type", "notes", "description", "sweep_name", "entity", "project", "commit", "url",
    "path", "storage_id", "read_only",
]


def sdk_run_fields(run: Any) -> dict[str, Any]:
    return {f: getattr(run, f) for f in RUN_FIELDS}


def core_run_fields(run: Any) -> dict[str, Any]:
    return {f: getattr(run, f) for f in RUN_FIELDS}


# projects -----------------------------------------------------------------------------------

@pytest.mark.parametrize("per_page", [1, 200])
async def test_projects(api: Api, wandb_api: Any, seeded: Seeded, per_page: int) -> None:
    expected = [(p.name, p.entity, p.id, p.created_at, p.is_benchmark) for p in wandb_api.projects(seeded.entity, per_page=per_page)]
    got = [(p.name, p.entity, p.id, p.created_at, p.is_benchmark) async for p in api.projects(seeded.entity, per_page=per_page)]
    assert got == expected and len(got) >= 2


@pytest.mark.parametrize("name", ["parity", "parity-other"])
async def test_project(api: Api, wandb_api: Any, seeded: Seeded, name: str) -> None:
    sdk = wandb_api.project(name, seeded.entity)
    core = await api.project(name, seeded.entity)
    assert (core.id, core.name, core.entity, core.created_at, core.path, core.url) == (
        sdk.id, sdk.name, sdk.entity, sdk.created_at, sdk.path, sdk.url
    )
    assert core.owner is not None and core.owner.username == sdk.owner.username


async def test_project_missing(api: Api, wandb_api: Any, seeded: Seeded) -> None:
    with pytest.raises(ValueError):
        wandb_api.project("no-such-project", seeded.entity).id
    with pytest.raises(NotFoundError):
        await api.project("no-such-project", seeded.entity)


# runs ---------------------------------------------------------------------------------------

RUNS_CASES = [
    ({}, "+created_at", 50),
    ({}, "-created_at", 4),
    ({"config.lr": {"$gt": 0.005}}, "+created_at", 5),
    ({"config.lr.value": 0.01}, "-created_at", 50),
    ({"state": "failed"}, "+created_at", 50),
    ({"state": {"$in": ["finished", "failed"]}, "jobType": "eval"}, "+created_at", 2),
    ({"tags": {"$in": ["special"]}}, "+created_at", 50),
    ({"$or": [{"group": "alpha"}, {"config.optimizer": "sgd"}]}, "+created_at", 3),
    ({"summary_metrics.best_acc": {"$gte": 0.55}}, "-summary_metrics.best_acc", 50),
    ({"display_name": {"$regex": "^run-0"}}, "+config.bs.value", 50),
    ({"summary_metrics.nested.b.c": {"$lt": 10}}, "-summary_metrics.loss", 50),
    ({"config.optimizer": {"$ne": "adam"}, "$nor": [{"state": "failed"}]}, "+heartbeat_at", 50),
    ({"username": "admin", "createdAt": {"$gte": "2000-01-01T00:00:00"}}, "-config.lr.value", 7),
    ({"summary_metrics.val_loss": {"$exists": True}, "tags": "odd"}, "+summary_metrics.nested.a", 50),
    ({"$and": [{"config.arch.depth": {"$lte": 2}}, {"config.bs": {"$nin": [16, 64]}}]}, "-created_at", 50),
]


@pytest.mark.parametrize(("filters", "order", "per_page"), RUNS_CASES)
@pytest.mark.parametrize("lazy", [True, False])
async def test_runs(
    api: Api, wandb_api: Any, seeded: Seeded, filters: dict, order: str, per_page: int, lazy: bool
) -> None:
    sdk_runs = wandb_api.runs(seeded.path, filters=filters, order=order, per_page=per_page, lazy=lazy)
    expected = [sdk_run_fields(r) for r in sdk_runs]
    core_runs = api.runs(seeded.path, filters=filters, order=order, per_page=per_page, lazy=lazy)
    got = [core_run_fields(r) async for r in core_runs]
    assert got == expected
    assert await core_runs.count() == len(sdk_runs)
    if not lazy:
        assert [r.config for r in sdk_runs] == [r.config for r in await core_runs.list()]
        assert [r.summary_metrics for r in sdk_runs] == [r.summary for r in await core_runs.list()]
        assert [r.system_metrics for r in sdk_runs] == [r.system_metrics for r in await core_runs.list()]


async def test_runs_keys_extension_matches_full_config(api: Api, wandb_api: Any, seeded: Seeded) -> None:
    sdk = {r.id: r for r in wandb_api.runs(seeded.path, lazy=False)}
    async for run in api.runs(seeded.path, summary_keys=["best_acc", "loss"], config_keys=["lr"]):
        full = sdk[run.id]
        assert run.config == {k: v for k, v in full.config.items() if k == "lr"}
        assert run.summary == {k: v for k, v in full.summary_metrics.items() if k in ("best_acc", "loss")}


@pytest.mark.parametrize("which", ["prt00000", "prt00003", "prt00005", "longrun1"])
@pytest.mark.parametrize("form", ["full", "short"])
async def test_run(api: Api, wandb_api: Any, seeded: Seeded, which: str, form: str) -> None:
    path = f"{seeded.path}/{which}" if form == "full" else f"{seeded.entity}/{seeded.data['project']}/runs/{which}"
    sdk = wandb_api.run(path)
    core = await api.run(path)
    assert core_run_fields(core) == sdk_run_fields(sdk)
    assert core.config == sdk.config
    assert core.rawconfig == sdk.rawconfig
    assert core.summary == sdk.summary_metrics
    assert core.system_metrics == sdk.system_metrics
    assert core.history_keys == sdk.history_keys
    assert core.json_config == sdk.json_config
    assert core.user is not None and (core.user.username, core.user.name) == (sdk.user.username, sdk.user.name)
    assert await core.last_history_step() == sdk.lastHistoryStep


async def test_run_missing(api: Api, wandb_api: Any, seeded: Seeded) -> None:
    with pytest.raises(Exception, match="Could not find run"):  # wandb: CommError
        wandb_api.run(f"{seeded.path}/nosuchrun")
    with pytest.raises(NotFoundError):
        await api.run(f"{seeded.path}/nosuchrun")


HISTORY_CASES = [
    dict(samples=500),
    dict(samples=7),
    dict(samples=500, keys=["loss"]),
    dict(samples=5, keys=["loss", "acc"]),
    dict(samples=500, keys=["val_loss"]),
    dict(samples=500, keys=["val_loss", "loss"], x_axis="_runtime"),
    dict(samples=500, keys=["nope"]),
    dict(samples=100, stream="system"),
]


@pytest.mark.parametrize("kwargs", HISTORY_CASES, ids=repr)
@pytest.mark.parametrize("which", ["prt00002", "longrun1"])
async def test_run_history(api: Api, wandb_api: Any, seeded: Seeded, kwargs: dict, which: str) -> None:
    path = f"{seeded.path}/{which}"
    expected = wandb_api.run(path).history(pandas=False, **kwargs)
    got = await (await api.run(path)).history(**kwargs)
    assert got == expected


def test_run_history_pandas_like_sdk(seeded: Seeded, wandb_api: Any) -> None:
    import asyncio

    pd = pytest.importorskip("pandas")

    async def core() -> Any:
        async with Api(api_key=seeded.key, overrides={"base_url": seeded.url}) as client:
            return await (await client.run(f"{seeded.path}/prt00001")).history(keys=["loss"], pandas=True)

    expected = wandb_api.run(f"{seeded.path}/prt00001").history(keys=["loss"])
    pd.testing.assert_frame_equal(asyncio.run(core()), expected)


SCAN_CASES = [
    dict(),
    dict(page_size=97),
    dict(page_size=100, min_step=30, max_step=2050),
    dict(keys=["loss"], page_size=333),
    dict(keys=["sparse"], page_size=500),
    dict(keys=["sparse", "loss"], page_size=1000, min_step=10),
    dict(max_step=5000),
]


@pytest.mark.parametrize("kwargs", SCAN_CASES, ids=repr)
@pytest.mark.parametrize("which", ["prt00004", "longrun1"])
async def test_run_scan_history(api: Api, wandb_api: Any, seeded: Seeded, kwargs: dict, which: str) -> None:
    seeded.need("stage_long_run")
    path = f"{seeded.path}/{which}"
    expected = list(wandb_api.run(path).scan_history(**kwargs))
    got = [row async for row in (await api.run(path)).scan_history(**kwargs)]
    assert got == expected
    assert got or (which != "longrun1" and "sparse" in kwargs.get("keys", []))


@pytest.mark.parametrize("kwargs", [dict(), dict(per_page=2), dict(names=["notes.txt"]), dict(pattern="%.json")], ids=repr)
async def test_run_files(api: Api, wandb_api: Any, seeded: Seeded, kwargs: dict, tmp_path: Path) -> None:
    path = f"{seeded.path}/prt00000"
    sdk_files = wandb_api.run(path).files(**kwargs)
    expected = [(f.id, f.name, f.size, f.md5, f.mimetype, f.updated_at) for f in sdk_files]
    core_files = (await api.run(path)).files(**kwargs)
    got = [(f.id, f.name, f.size, f.md5, f.mimetype, f.updated_at) async for f in core_files]
    assert got == expected and got
    assert await core_files.count() == len(sdk_files)
    for sdk_file in sdk_files:
        sdk_file.download(root=str(tmp_path / "sdk"), replace=True).close()
    async for file in core_files:
        written = await file.download(tmp_path / "core")
        assert written.read_bytes() == (tmp_path / "sdk" / file.name).read_bytes()


async def test_run_file(api: Api, wandb_api: Any, seeded: Seeded) -> None:
    path = f"{seeded.path}/prt00000"
    sdk = wandb_api.run(path).file("notes.txt")
    core = await (await api.run(path)).file("notes.txt")
    assert (core.id, core.name, core.size, core.md5) == (sdk.id, sdk.name, sdk.size, sdk.md5)


@pytest.mark.parametrize("kwargs", [dict(), dict(per_page=2), dict(last=3), dict(last=100)], ids=repr)
async def test_run_console_logs(api: Api, wandb_api: Any, seeded: Seeded, kwargs: dict) -> None:
    path = f"{seeded.path}/prt00001"
    expected = [(x.number, x.timestamp, x.level, x.label, x.content) for x in wandb_api.run(path).console_logs(**kwargs)]
    got = [(x.number, x.timestamp, x.level, x.label, x.content) async for x in (await api.run(path)).console_logs(**kwargs)]
    assert got == expected and got


# accounts -----------------------------------------------------------------------------------

async def test_viewer(api: Api, wandb_api: Any) -> None:
    sdk = wandb_api.viewer
    core = await api.viewer()
    assert (core.id, core.username, core.name, core.email, core.admin, core.entity, core.teams) == (
        sdk.id, sdk.username, sdk.name, sdk.email, sdk.admin, sdk.entity, sdk.teams
    )
    assert await api.default_entity() == wandb_api.default_entity


@pytest.mark.parametrize("query", ["admin", "adm", "localhost", "nobody-by-that-name"])
async def test_users(api: Api, wandb_api: Any, query: str) -> None:
    expected = [(u.id, u.username, u.email, u.admin, u.teams) for u in wandb_api.users(query)]
    got = [(u.id, u.username, u.email, u.admin, u.teams) for u in await api.users(query)]
    assert got == expected
    one_sdk, one_core = wandb_api.user(query), await api.user(query)
    assert (one_core and one_core.id) == (one_sdk and one_sdk.id)


# from_path ----------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", ["", "/runs/prt00002", "/prt00002"])
async def test_from_path(api: Api, wandb_api: Any, seeded: Seeded, suffix: str) -> None:
    sdk = wandb_api.from_path(seeded.path + suffix)
    core = await api.from_path(seeded.path + suffix)
    assert type(core).__name__ == type(sdk).__name__
    assert (core.id, core.name, core.path) == (sdk.id, sdk.name, sdk.path)
