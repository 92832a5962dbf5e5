"""Parity on the demo workspace (hundreds of realistic runs, teams, artifacts, sweeps, launch
queues, reports): every read method of wbtui.core against the official wandb.Api, per domain."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from wbtui.core import Api

RUN_FIELDS = ["id", "name", "state", "created_at", "heartbeat_at", "tags", "group", "job_type", "notes",
              "sweep_name", "entity", "project", "commit", "storage_id", "url"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, wandb_dirs: dict[str, str]) -> Iterator[Any]:
    demo_mod = pytest.importorskip("wbtui.sandbox.demo")
    from wbtui.sandbox.server import SandboxServer

    with SandboxServer(tmp_path_factory.mktemp("demo")) as server:
        stop = demo_mod.populate(server.sandbox)
        if stop:
            stop()  # the live runs stop writing: both clients must read the same data
        server.domains = {n for n in demo_mod.DOMAIN_MODULES if demo_mod.domain_module(n) is not None}
        yield server


def need(demo: Any, domain: str) -> None:
    if domain not in demo.domains:
        pytest.skip(f"the sandbox's demo has no {domain} yet")


@pytest.fixture(scope="module")
def sdk(demo: Any) -> Any:
    wandb = pytest.importorskip("wandb")
    return wandb.Api(api_key=demo.api_key, overrides={"base_url": demo.url}, timeout=60)


@pytest.fixture
async def core(demo: Any) -> AsyncIterator[Api]:
    async with Api(api_key=demo.api_key, overrides={"base_url": demo.url}, timeout=60) as client:
        yield client


def entities(sdk: Any) -> list[str]:
    viewer = sdk.viewer
    return [viewer.entity, *viewer.teams]


def projects(sdk: Any) -> list[str]:
    return [f"{e}/{p.name}" for e in entities(sdk) for p in sdk.projects(e)]


def run_fields(run: Any) -> dict[str, Any]:
    return {f: getattr(run, f) for f in RUN_FIELDS}


async def test_demo_projects(core: Api, sdk: Any) -> None:
    for entity in entities(sdk):
        expected = [(p.id, p.name, p.entity, p.created_at) for p in sdk.projects(entity)]
        assert [(p.id, p.name, p.entity, p.created_at) async for p in core.projects(entity)] == expected


@pytest.mark.parametrize(
    ("filters", "order"),
    [({}, "-created_at"), ({"state": {"$in": ["failed", "crashed"]}}, "+created_at"),
     ({"jobType": "train"}, "-summary_metrics.epoch")],
)
async def test_demo_runs(core: Api, sdk: Any, filters: dict, order: str) -> None:
    total = 0
    for path in projects(sdk):
        expected = list(sdk.runs(path, filters=filters, order=order, per_page=100, lazy=False))
        got = await core.runs(path, filters=filters, order=order, per_page=100, lazy=False).list()
        assert [run_fields(r) for r in got] == [run_fields(r) for r in expected], path
        assert [r.config for r in got] == [r.config for r in expected]
        assert [r.summary for r in got] == [r.summary_metrics for r in expected]
        total += len(got)
    assert total > 0


async def test_demo_history(core: Api, sdk: Any) -> None:
    for path in projects(sdk)[:4]:
        for sdk_run in list(sdk.runs(path, per_page=3))[:2]:
            run = await core.run(f"{path}/{sdk_run.id}")
            assert await run.history(samples=100) == sdk_run.history(samples=100, pandas=False)
            keys = [k for k in sorted(run.history_keys.get("keys", {})) if not k.startswith("_")][:2]
            if keys:
                assert await run.history(keys=keys, samples=50) == sdk_run.history(keys=keys, samples=50, pandas=False)
                assert [r async for r in run.scan_history(keys=keys[:1], page_size=500)] == list(
                    sdk_run.scan_history(keys=keys[:1], page_size=500))


async def test_demo_teams(core: Api, sdk: Any) -> None:
    for team_name in sdk.viewer.teams:
        expected = sdk.team(team_name)
        team = await core.team(team_name)
        assert [(m.id, m.username, m.email, m.admin, m.pending, m.account_type) for m in team.members] == [
            (m.id, m.username, m.email, m.admin, m.pending, m.account_type) for m in expected.members]


async def test_demo_artifacts(core: Api, sdk: Any, demo: Any) -> None:
    need(demo, "artifacts")
    seen = 0
    for path in projects(sdk):
        counts = {t.name: t.collection_count async for t in core.artifact_types(path)}
        for atype in sdk.artifact_types(path):
            listed = {c.name: c async for c in core.artifact_collections(path, atype.name)}
            assert counts[atype.name] == len(listed)
            for coll in sdk.artifact_collections(path, atype.name):
                mine = await core.artifact_collection(atype.name, f"{path}/{coll.name}")
                assert (mine.id, sorted(mine.aliases)) == (coll.id, sorted(coll.aliases))
                assert sorted(listed[coll.name].aliases) == sorted(coll.aliases)
                sdk_versions = list(sdk.artifacts(atype.name, f"{path}/{coll.name}"))
                expected = [(a.id, a.name, a.version, a.aliases, a.size, a.digest, a.metadata,
                             (run := a.logged_by()) and (run.entity, run.project, run.id, run.name))
                            for a in sdk_versions]
                got = [(a.id, a.name, a.version, a.aliases, a.size, a.digest, a.metadata,
                        (run := a.logged_by_run) and (run.entity, run.project, run.id, run.display_name))
                       async for a in core.artifacts(atype.name, f"{path}/{coll.name}")]
                assert got == expected and listed[coll.name].version_count == len(sdk_versions)
                seen += len(got)
    assert seen > 0


async def test_demo_sweeps(core: Api, sdk: Any, demo: Any) -> None:
    need(demo, "sweeps")
    seen = 0
    for path in projects(sdk):
        entity, project = path.split("/")
        expected_sweeps = list(sdk.project(project, entity).sweeps())
        got_sweeps = [s async for s in (await core.project(project, entity)).sweeps()]
        assert [s.id for s in got_sweeps] == [s.id for s in expected_sweeps]
        for expected in expected_sweeps:
            sweep = await core.sweep(f"{path}/{expected.id}")
            assert (sweep.id, sweep.name, sweep.state, sweep.config, sweep.order, sweep.url) == (
                expected.id, expected.name, expected.state, expected.config, expected.order, expected.url)
            assert [r.id async for r in sweep.runs()] == [r.id for r in expected.runs]
            best_sdk, best = expected.best_run(), await sweep.best_run()
            assert (best and best.id) == (best_sdk and best_sdk.id)
            seen += 1
    assert seen > 0


async def test_demo_reports(core: Api, sdk: Any, demo: Any) -> None:
    need(demo, "reports")
    seen = 0
    for path in projects(sdk):
        expected = [(r.id, r.name, r.display_name, r.description, r.spec, r.url) for r in sdk.reports(path)]
        got = [(r.id, r.name, r.display_name, r.description, r.spec, r.url) async for r in core.reports(path)]
        assert got == expected
        for report in expected:
            loaded = await core.from_path(report[5])
            assert (loaded.id, loaded.spec) == (report[0], report[4])
        seen += len(got)
    assert seen > 0


async def test_demo_run_queues(core: Api, sdk: Any, demo: Any) -> None:
    need(demo, "launch")
    seen = 0
    for entity in entities(sdk):
        for queue in await core.run_queues(entity):
            expected = sdk.run_queue(entity, queue.name)
            states = [sdk.queued_run(entity, i.project, queue.name, i.id, "model-registry").state for i in expected.items]
            assert (queue.type, queue.item_counts) == (expected.type, {s: states.count(s) for s in set(states)})
            mine = await core.run_queue(entity, queue.name)
            assert (mine.id, mine.type, mine.access, mine.prioritization_mode, mine.default_resource_config,
                    mine.template_variables) == (expected.id, expected.type, expected.access,
                                                 expected.prioritization_mode, expected.default_resource_config,
                                                 expected.template_variables)
            items = [i async for i in mine.items()]
            assert [i.id for i in items] == [i.id for i in expected.items]
            for item in items:
                qr = await core.queued_run(entity, item.project, queue.name, item.id)
                assert qr.state == sdk.queued_run(entity, item.project, queue.name, item.id, "model-registry").state
                if qr.associated_run_id:  # its run is in the project its run spec names
                    run = await core.run(f"{qr.run_spec['entity']}/{qr.run_spec['project']}/{qr.associated_run_id}")
                    assert run.id == qr.associated_run_id
            seen += 1
    assert seen > 0
