"""Writes through wbtui.core, checked with the official wandb.Api reading the sandbox; invalid
arguments fail before anything is sent."""

from __future__ import annotations

from typing import Any

import pytest

from wbtui.core import Api

Seeded = Any  # the `seeded` fixture of conftest.py


async def test_create_project(api: Api, wandb_api: Any, seeded: Seeded) -> None:
    project = await api.create_project("made-by-core", seeded.entity)
    assert (project.name, project.entity) == ("made-by-core", seeded.entity)
    assert wandb_api.project("made-by-core", seeded.entity).id == project.id
    again = await api.create_project("made-by-core", seeded.entity)  # an upsert: no duplicate
    assert again.id == project.id


async def test_create_project_with_description_and_access(api: Api, wandb_api: Any, seeded: Seeded) -> None:
    project = await api.create_project("described", seeded.entity, description="what it is for", access="PRIVATE")
    assert project.description == "what it is for"
    api.flush()
    assert (await api.project("described", seeded.entity)).description == "what it is for"
    assert wandb_api.project("described", seeded.entity).id == project.id


async def test_create_run_and_update_it(api: Api, wandb_api: Any, seeded: Seeded) -> None:
    run = await api.create_run(run_id="corerun1", project="core-writes", entity=seeded.entity)
    assert (run.id, run.entity, run.project, run.state) == ("corerun1", seeded.entity, "core-writes", "running")
    assert run.config == {} and run.summary == {}
    sdk = wandb_api.run(f"{seeded.entity}/core-writes/corerun1")
    assert (sdk.id, sdk.state, sdk.storage_id) == ("corerun1", "running", run.storage_id)

    await run.load()
    run.tags = ["from-core"]
    run.notes = "updated by wbtui"
    run.name = "renamed"
    run.config["lr"] = 0.5
    run.summary["score"] = 3
    await run.update()
    wandb_api.flush()
    sdk = wandb_api.run(f"{seeded.entity}/core-writes/corerun1")
    assert (sdk.tags, sdk.notes, sdk.name, sdk.config["lr"], sdk.summary_metrics["score"]) == (
        ["from-core"], "updated by wbtui", "renamed", 0.5, 3
    )


async def test_create_run_with_a_generated_id(api: Api, seeded: Seeded) -> None:
    run = await api.create_run(project="core-writes")
    assert len(run.id) == 8 and run.entity == seeded.entity
    assert (await api.run(f"{seeded.entity}/core-writes/{run.id}")).state == "running"


async def test_create_team(api: Api, wandb_api: Any, seeded: Seeded) -> None:
    team = await api.create_team("core-team", admin_username=seeded.entity)
    assert team.name == "core-team"
    sdk = wandb_api.team("core-team")
    assert sorted(m.username for m in team.members) == sorted(m.username for m in sdk.members)
    assert seeded.entity in [m.username for m in team.members]


async def test_create_user(api: Api, wandb_api: Any) -> None:
    user = await api.create_user("core-user@example.com", admin=False)
    assert user.email == "core-user@example.com" and user.admin is False
    sdk = wandb_api.user("core-user@example.com")
    assert sdk is not None and sdk.id == user.id


QUEUE_ERRORS = [
    (dict(name="", type="local-container"), "name must be non-empty"),
    (dict(name="q" * 65, type="local-container"), "less than 64"),
    (dict(name="q", type="slurm"), "resource_type must be one of"),
    (dict(name="q", type="kubernetes", prioritization_mode="V1"), "prioritization_mode"),
    (dict(name="q", type="kubernetes", config={"image": "{{img}}"}), "without a schema: img"),
    (dict(name="q", type="kubernetes", config={}, template_variables={"x": {"type": "string"}}), "not used"),
    (dict(name="q", type="kubernetes", config={"gpus": "{{gpus}}"},
          template_variables={"gpus": {"type": "integer", "minimum": 4, "maximum": 1}}), "minimum is greater"),
    (dict(name="q", type="kubernetes", config={"gpus": "{{gpus}}"},
          template_variables={"gpus": {"schema": {"type": "integer", "default": 9, "maximum": 8}}}), "above the maximum"),
    (dict(name="q", type="kubernetes", config={"a": "{{a}}"},
          template_variables={"a": {"type": "string", "enum": ["x", "y"], "default": "z"}}), "not one of the enum"),
    (dict(name="q", type="kubernetes", config={"a": "{{a}}"}, template_variables={"a": {"type": "boolean"}}),
     "type must be one of"),
    (dict(name="q", type="kubernetes", config={"a": "{{a}}"},
          template_variables={"a": {"type": "number", "minimum": "0"}}), "minimum must be a number"),
]


@pytest.mark.parametrize(("kwargs", "message"), QUEUE_ERRORS)
async def test_create_run_queue_rejects_bad_arguments_before_sending(
    api: Api, seeded: Seeded, kwargs: dict, message: str
) -> None:
    start = api.round_trips
    with pytest.raises(ValueError, match=message):
        await api.create_run_queue(entity=seeded.entity, **kwargs)
    with pytest.raises(ValueError):
        await api.upsert_run_queue(
            kwargs["name"], kwargs.get("config", {}), kwargs["type"], entity=seeded.entity,
            template_variables=kwargs.get("template_variables"),
            prioritization_mode=kwargs.get("prioritization_mode"),
        )
    assert api.round_trips == start


async def test_create_and_upsert_run_queue(api: Api, wandb_api: Any, seeded: Seeded) -> None:
    config = {"resource_args": {"namespace": "ml", "gpus": "{{gpus}}"}}
    variables = {"gpus": {"type": "integer", "default": 1, "minimum": 0, "maximum": 8}}
    seeded.serves("Mutation", "createDefaultResourceConfig", "createRunQueue", "upsertRunQueue")
    queue = await api.create_run_queue(
        "core-queue", "kubernetes", entity=seeded.entity, config=config, template_variables=variables,
        prioritization_mode="v0",
    )
    assert (queue.name, queue.type, queue.prioritization_mode, queue.access) == ("core-queue", "kubernetes", "V0", "PROJECT")
    assert queue.default_resource_config == {"resource_args": {"kubernetes": config}}
    sdk = wandb_api.run_queue(seeded.entity, "core-queue")
    assert (sdk.id, sdk.type, sdk.default_resource_config, sdk.template_variables) == (
        queue.id, queue.type, queue.default_resource_config, queue.template_variables
    )
    updated = await api.upsert_run_queue(
        "core-queue", {"namespace": "other"}, "kubernetes", entity=seeded.entity,
        external_links={"docs": "https://example.com"},
    )
    assert updated.default_resource_config == {"resource_args": {"kubernetes": {"namespace": "other"}}}
