"""Parity for sweeps, reports and launch queues written by the official SDK (wandb.sweep with
its runs, wandb-workspaces Report.save, create_run_queue and launch_add)."""

from __future__ import annotations

from typing import Any

import pytest

from wbtui.core import Api, NotFoundError

Seeded = Any  # the `seeded` fixture of conftest.py


async def test_sweep(api: Api, wandb_api: Any, seeded: Seeded) -> None:
    seeded.need("stage_sweeps")
    path = f"{seeded.path}/{seeded.data['sweep']}"
    sdk = wandb_api.sweep(path)
    core = await api.sweep(path)
    assert (core.id, core.name, core.state, core.config, core.order, core.url, core.path, core.expected_run_count) == (
        sdk.id, sdk.name, sdk.state, sdk.config, sdk.order, sdk.url, sdk.path, sdk.expected_run_count
    )
    run_ids = [r.id async for r in core.runs()]
    assert run_ids == [r.id for r in sdk.runs] and len(run_ids) == 3
    best = await core.best_run()
    assert best is not None and best.id == sdk.best_run().id
    assert (await best.load()).config["lr"] == 0.001  # the lowest loss
    assert (await core.best_run(order="-loss")).id == sdk.best_run(order="-loss").id
    run = await api.run(f"{seeded.path}/{run_ids[0]}")
    assert run.sweep_name == sdk.id and (await run.sweep()).id == sdk.id
    from_path = await api.from_path(f"{seeded.entity}/{seeded.data['project']}/sweeps/{sdk.id}")
    assert from_path.id == sdk.id


async def test_project_sweeps(api: Api, wandb_api: Any, seeded: Seeded) -> None:
    seeded.need("stage_sweeps")
    expected = [s.id for s in wandb_api.project(seeded.data["project"], seeded.entity).sweeps()]
    project = await api.project(seeded.data["project"], seeded.entity)
    assert [s.id async for s in project.sweeps()] == expected and expected


@pytest.mark.parametrize("name", [None, "Parity report"])
async def test_reports(api: Api, wandb_api: Any, seeded: Seeded, name: str | None) -> None:
    seeded.need("stage_reports")
    fields = ("id", "name", "display_name", "description", "spec", "url", "created_at", "updated_at", "user")
    expected = [tuple(getattr(r, f) for f in fields) for r in wandb_api.reports(seeded.path, name=name)]
    got = [tuple(getattr(r, f) for f in fields) async for r in api.reports(seeded.path, name=name)]
    assert got == expected and (got or name)


async def test_report_from_path(api: Api, seeded: Seeded) -> None:
    seeded.need("stage_reports")
    report = await api.from_path(seeded.data["report_url"])
    assert report.display_name == "Parity report" and report.spec.get("blocks")
    assert report.url == seeded.data["report_url"]
    with pytest.raises(NotFoundError):
        await api.from_path(f"{seeded.path}/reports/Nothing--Vmlldzo5OTk5OQ")


async def test_run_queue_and_items(api: Api, wandb_api: Any, seeded: Seeded) -> None:
    seeded.need("stage_launch")
    sdk = wandb_api.run_queue(seeded.entity, "seed-queue")
    core = await api.run_queue(seeded.entity, "seed-queue")
    assert (core.id, core.name, core.entity, core.type, core.access, core.prioritization_mode,
            core.default_resource_config, core.template_variables, core.external_links) == (
        sdk.id, sdk.name, sdk.entity, sdk.type, sdk.access, sdk.prioritization_mode,
        sdk.default_resource_config, sdk.template_variables, sdk.external_links)
    items = [i async for i in core.items()]
    assert [i.id for i in items] == [i.id for i in sdk.items]
    assert sorted(i.id for i in items) == sorted(seeded.data["queue_items"])
    assert "seed-queue" in [q.name for q in await api.run_queues(seeded.entity)]


async def test_run_queues_carry_their_resource_and_item_counts(api: Api, wandb_api: Any, seeded: Seeded) -> None:
    seeded.need("stage_launch")
    start = api.round_trips
    queues = await api.run_queues(seeded.entity)
    assert api.round_trips - start == 1  # resource types and item states came with the list
    for queue in queues:
        sdk = wandb_api.run_queue(seeded.entity, queue.name)
        states = [wandb_api.queued_run(seeded.entity, seeded.data["project"], queue.name, item.id, "model-registry").state
                  for item in sdk.items]
        assert (queue.type, queue.item_counts, queue.item_counts_complete) == (
            sdk.type, {state: states.count(state) for state in set(states)}, True)
    seed = next(q for q in queues if q.name == "seed-queue")
    assert seed.item_counts == {"pending": 2}
    capped = next(q for q in await api.run_queues(seeded.entity, items_per_queue=1) if q.name == "seed-queue")
    assert (capped.item_counts, capped.item_counts_complete) == ({"pending": 1}, False)


@pytest.mark.parametrize("index", [0, 1])
async def test_queued_run(api: Api, wandb_api: Any, seeded: Seeded, index: int) -> None:
    seeded.need("stage_launch")
    item_id = seeded.data["queue_items"][index]
    sdk = wandb_api.queued_run(seeded.entity, seeded.data["project"], "seed-queue", item_id, "model-registry")
    core = await api.queued_run(seeded.entity, seeded.data["project"], "seed-queue", item_id)
    assert (core.id, core.state, core.queue_name, core.entity, core.project) == (
        sdk.id, sdk.state, sdk.queue_name, sdk.entity, sdk.project)
    assert await core.run() is None  # no agent ran it
    # the run spec launch_add queued (wandb's QueuedRun does not read it): where its run will be
    assert core.run_spec is not None
    assert (core.run_spec["entity"], core.run_spec["project"], core.run_spec["job"]) == (
        seeded.entity, seeded.data["project"], f"{seeded.path}/job-train:v0")
    assert core.run_spec["resource"] == "local-container"
