"""Launch queues through the official SDK: create_run_queue, upsert_run_queue, run_queue,
queued_run, launch_add, and the requests a launch agent sends (pop, ack, fail)."""

from __future__ import annotations

import base64
import json
import secrets

import httpx
import pytest
import wandb
from wandb.sdk.launch import launch_add
from wandb.sdk.launch.api import LaunchApi
from wandb.sdk.lib.service.service_connection import WandbApiFailedError

from wbtui.core import Api as CoreApi
from wbtui.sandbox import launch
from wbtui.sandbox.accounts import Viewer

RESOURCES = ["local-container", "local-process", "kubernetes", "sagemaker", "gcp-vertex"]
CPU = {"cpu": {"schema": {"type": "integer", "minimum": 1, "maximum": 8, "default": 2}}}


@pytest.fixture
def queue_name() -> str:
    return "q-" + secrets.token_hex(4)


@pytest.fixture
def launch_env(sandbox, monkeypatch):
    """`launch_add` builds its own `LaunchApi()` from the environment."""
    monkeypatch.setenv("WANDB_BASE_URL", sandbox.url)
    monkeypatch.setenv("WANDB_API_KEY", sandbox.api_key)


@pytest.fixture
def agent(sandbox) -> LaunchApi:
    """The API a launch agent uses (pop, ack, fail)."""
    return LaunchApi(api_key=sandbox.api_key, overrides={"base_url": sandbox.url})


def graphql(sandbox, query, variables=None, key=None):
    r = httpx.post(f"{sandbox.url}/graphql", json={"query": query, "variables": variables or {}},
                   auth=("api", key or sandbox.api_key))
    return r.json()


def decoded(gid: str) -> str:
    return base64.b64decode(gid).decode()


@pytest.mark.parametrize("resource", RESOURCES)
def test_create_run_queue_of_each_resource_type(api, resource, queue_name):
    api.create_run_queue(queue_name, resource, entity="admin")
    queue = api.run_queue("admin", queue_name)
    assert decoded(queue.id).startswith("RunQueue:")
    assert (queue.type, queue.access, queue.prioritization_mode) == (resource, "PROJECT", "DISABLED")
    assert queue.default_resource_config == {"resource_args": {resource: {}}}
    assert queue.template_variables == []
    assert queue.external_links == {"links": []}
    assert queue.items == []
    assert api.project("model-registry", "admin").name == "model-registry"  # created on demand, as W&B does


def test_create_run_queue_with_template_variables_and_prioritization(api, queue_name):
    config = {"env": ["CPU={{cpu}}"], "image": "{{image}}"}
    variables = CPU | {"image": {"schema": {"type": "string", "enum": ["train:1", "train:2"], "default": "train:1"}}}
    api.create_run_queue(queue_name, "kubernetes", entity="admin", prioritization_mode="v0", config=config,
                         template_variables=variables)
    queue = api.run_queue("admin", queue_name)
    assert queue.prioritization_mode == "V0"
    assert queue.default_resource_config == {"resource_args": {"kubernetes": config}}
    # W&B returns each schema as a compact JSON string
    assert queue.template_variables == [
        {"name": "cpu", "schema": '{"type":"integer","minimum":1,"maximum":8,"default":2}'},
        {"name": "image", "schema": '{"type":"string","enum":["train:1","train:2"],"default":"train:1"}'},
    ]


@pytest.mark.parametrize("kwargs, message", [
    ({"config": {"cpu": "{{cpu}}"}}, "template variables without a schema: cpu"),
    ({"template_variables": {"cpu": {"schema": {"type": "float"}}}},
     "template variable cpu: type must be one of string, number, integer, not 'float'"),
    ({"template_variables": {"cpu": {"schema": {"type": "integer", "maximum": 4, "default": 6}}}},
     "template variable cpu: the default 6 is greater than the maximum 4"),
    ({"template_variables": {"cpu": {"schema": {"type": "integer", "minimum": 4, "maximum": 2}}}},
     "template variable cpu: minimum is greater than maximum"),
    ({"template_variables": {"gpu": {"schema": {"type": "string", "enum": ["a100"], "default": "h100"}}}},
     "template variable gpu: the default 'h100' is not one of ['a100']"),
])
def test_create_run_queue_rejects_invalid_configs(api, queue_name, kwargs, message):
    with pytest.raises(WandbApiFailedError, match=message.replace("[", r"\[").replace("]", r"\]")):
        api.create_run_queue(queue_name, "local-container", entity="admin", **kwargs)


def test_duplicate_queue_names_and_unknown_resource_types_fail(sandbox, api, queue_name):
    api.create_run_queue(queue_name, "local-process", entity="admin")
    with pytest.raises(WandbApiFailedError, match=f"a run queue named {queue_name} already exists in admin"):
        api.create_run_queue(queue_name, "local-container", entity="admin")
    with pytest.raises(ValueError, match="resource_type must be one of"):  # the SDK checks first
        api.create_run_queue(queue_name + "x", "slurm", entity="admin")
    answer = graphql(sandbox, """mutation { createDefaultResourceConfig(input: {entityName: "admin",
        resource: "slurm", config: "{}"}) { success } }""")
    assert answer["errors"][0]["message"] == (
        "invalid resource type 'slurm': must be one of local-container, local-process, kubernetes, sagemaker, gcp-vertex")


def test_upsert_run_queue_creates_then_replaces_the_queue(sandbox, api, queue_name):
    # the same steps as W&B's own system test (test_launch_public_api.py)
    queue = api.upsert_run_queue(queue_name, {"cpu": "{{cpu}}"}, "local-container", entity="admin",
                                 template_variables={"cpu": {"schema": {"type": "integer", "minimum": 1, "maximum": 4}}},
                                 external_links={"google": "https://google.com"})
    assert queue.access == "PROJECT" and queue.type == "local-container"
    assert queue.default_resource_config == {"resource_args": {"local-container": {"cpu": "{{cpu}}"}}}
    assert queue.template_variables == [{"name": "cpu", "schema": '{"type":"integer","minimum":1,"maximum":4}'}]
    assert queue.external_links == {"links": [{"label": "google", "url": "https://google.com"}]}
    first_id = queue.id

    queue = api.upsert_run_queue(queue_name, {"cpu": 2}, "local-container", entity="admin",
                                 external_links={"yahoo": "https://yahoo.com"}, template_variables={},
                                 prioritization_mode="V0")
    assert queue.id == first_id
    assert queue.default_resource_config == {"resource_args": {"local-container": {"cpu": 2}}}
    assert queue.template_variables == []
    assert queue.external_links == {"links": [{"label": "yahoo", "url": "https://yahoo.com"}]}
    assert queue.prioritization_mode == "V0"

    # an unused variable is worth a warning (configSchemaValidationErrors), not a failure
    answer = graphql(sandbox, """mutation($tv: JSONString) { upsertRunQueue(input: {entityName: "admin",
        projectName: "model-registry", queueName: "%s", resourceType: "local-container",
        resourceConfig: "{}", templateVariables: $tv}) { success configSchemaValidationErrors } }""" % queue_name,
        {"tv": json.dumps({"mem": {"schema": {"type": "number"}}})})
    assert answer["data"]["upsertRunQueue"] == {
        "success": True, "configSchemaValidationErrors": ["template variable mem is not used in the resource config"]}
    queue.delete()
    with pytest.raises(wandb.errors.CommError, match="NoneType"):  # how the SDK reports a missing queue
        api.run_queue("admin", queue_name).id


def test_launch_add_fills_the_spec_from_the_queue_config(sandbox, api, queue_name, launch_env):
    api.create_run_queue(queue_name, "kubernetes", entity="admin", config={"cpu": "{{cpu}}", "label": "cpu-{{cpu}}"},
                         template_variables=CPU)
    queued = launch_add(docker_image="train:1", queue_name=queue_name, entity="admin", project="proj",
                        config={"overrides": {"run_config": {"lr": 0.1}}})
    assert (queued.project, queued.queue_name, queued.state) == ("proj", queue_name, "pending")
    answer = graphql(sandbox, """query($q: String!, $id: ID!) { project(name: "model-registry", entityName: "admin")
        { runQueue(name: $q) { runQueueItem(id: $id) { runSpec } } } }""", {"q": queue_name, "id": queued.id})
    spec = answer["data"]["project"]["runQueue"]["runQueueItem"]["runSpec"]
    assert spec["resource"] == "kubernetes"
    assert spec["resource_args"] == {"kubernetes": {"cpu": 2, "label": "cpu-2"}}  # defaults, typed where whole
    assert spec["overrides"] == {"run_config": {"lr": 0.1}}
    assert spec["docker"] == {"docker_image": "train:1"}


def test_items_move_through_every_state(sandbox, api, agent, queue_name, launch_env):
    api.create_run_queue(queue_name, "local-process", entity="admin")
    queued = [launch_add(docker_image=f"img:{i}", queue_name=queue_name, entity="admin", project="proj")
              for i in range(4)]
    assert [q.id for q in api.run_queue("admin", queue_name).items] == [q.id for q in queued]

    leased = agent.pop_from_run_queue(queue_name, "admin", "model-registry")
    assert leased["runQueueItemId"] == queued[0].id and leased["runSpec"]["docker"] == {"docker_image": "img:0"}
    claimed = agent.pop_from_run_queue(queue_name, "admin", "model-registry")
    assert agent.ack_run_queue_item(claimed["runQueueItemId"], "run-xyz") is True
    with pytest.raises(wandb.errors.CommError, match="already been acknowledged"):
        agent.ack_run_queue_item(claimed["runQueueItemId"], "run-xyz")
    failed = agent.pop_from_run_queue(queue_name, "admin", "model-registry")
    assert agent.fail_run_queue_item(failed["runQueueItemId"], "image not found", "run") is True

    states = [api.queued_run("admin", "proj", queue_name, q.id, project_queue="model-registry").state for q in queued]
    assert states == ["leased", "claimed", "failed", "pending"]
    assert agent.pop_from_run_queue(queue_name, "admin", "model-registry")["runQueueItemId"] == queued[3].id
    assert agent.pop_from_run_queue(queue_name, "admin", "model-registry") == {"runQueueItemId": None, "runSpec": None}


def test_a_prioritized_queue_hands_out_items_by_priority(sandbox, api, agent, queue_name):
    api.create_run_queue(queue_name, "local-process", entity="admin", prioritization_mode="V0")
    project_id = sandbox.store.scalar(
        "SELECT p.id FROM projects p JOIN entities e ON e.id = p.entity_id"
        " WHERE e.name = 'admin' AND p.name = 'model-registry'")
    queue = launch.find_queue(sandbox.store, project_id, queue_name)
    viewer = Viewer(sandbox.store.one("SELECT * FROM users WHERE username = 'admin'"))
    # the SDK's push carries no priority through the schema; the demo and W&B's UI set one
    pushed = [launch.push(sandbox.store, viewer, queue, json.dumps({"name": f"p{p}"}), priority=p) for p in (3, 0, 2, 0)]
    items = [q.id for q in api.run_queue("admin", queue_name).items]
    order = [pushed[i]["id"] for i in (1, 3, 2, 0)]
    assert [int(decoded(i).split(":")[1]) for i in items] == order
    popped = [agent.pop_from_run_queue(queue_name, "admin", "model-registry")["runSpec"]["name"] for _ in range(4)]
    assert popped == ["p0", "p0", "p2", "p3"]


def test_queued_run_leads_to_the_run_it_started(api, agent, queue_name, launch_env, project_name):
    api.create_run_queue(queue_name, "local-container", entity="admin")
    queued = launch_add(docker_image="train:1", queue_name=queue_name, entity="admin", project=project_name)
    run = api.create_run(run_id="launched1", project=project_name, entity="admin")
    item = agent.pop_from_run_queue(queue_name, "admin", "model-registry")
    agent.ack_run_queue_item(item["runQueueItemId"], run.id)
    assert queued.wait_until_running().id == "launched1"
    # without project_queue the SDK sends projectName: null, which W&B reads as model-registry
    found = api.queued_run("admin", project_name, queue_name, queued.id)
    assert found.state == "claimed"
    assert found.wait_until_running().path == ["admin", project_name, "launched1"]


def test_deleting_an_item(api, queue_name, launch_env):
    api.create_run_queue(queue_name, "local-process", entity="admin")
    first, second = (launch_add(docker_image="img", queue_name=queue_name, entity="admin", project="p")
                     for _ in range(2))
    first.delete()
    assert [q.id for q in api.run_queue("admin", queue_name).items] == [second.id]
    with pytest.raises(ValueError, match="Could not find QueuedRunItem"):
        api.queued_run("admin", "p", queue_name, first.id, project_queue="model-registry").state


async def test_the_wbtui_client_lists_an_entitys_queues(sandbox, api, queue_name):
    api.create_run_queue(queue_name, "sagemaker", entity="admin")
    async with CoreApi(overrides={"base_url": sandbox.url}, api_key=sandbox.api_key) as core:
        queues = {q.name: q for q in await core.run_queues("admin")}
        queue = queues[queue_name]
        assert (queue.access, queue.prioritization_mode) == ("PROJECT", "DISABLED")
        assert queue.id == api.run_queue("admin", queue_name).id


def test_a_private_team_queue_is_invisible_to_outsiders(sandbox, api, api_as, make_user, queue_name):
    team = "team-" + secrets.token_hex(3)
    api.create_team(team, admin_username="admin")
    api.create_run_queue(queue_name, "local-container", entity=team)
    assert api.run_queue(team, queue_name).type == "local-container"
    _, key = make_user()
    outsider = api_as(key)
    with pytest.raises(wandb.errors.CommError, match="NoneType"):  # project (model-registry) is null for them
        outsider.run_queue(team, queue_name).id
    answer = graphql(sandbox, """mutation { pushToRunQueueByName(input: {entityName: "%s", projectName:
        "model-registry", queueName: "%s", runSpec: "{}"}) { runQueueItemId } }""" % (team, queue_name), key=key)
    assert answer["errors"][0]["message"] == f"run queue {queue_name} not found in {team}/model-registry"
    with pytest.raises(WandbApiFailedError, match=f"permission denied: you are not a member of {team}"):
        outsider.create_run_queue(queue_name + "x", "local-container", entity=team)
