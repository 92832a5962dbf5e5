"""Sweeps through the official SDK: wandb.sweep, wandb.agent (grid and random), WANDB_SWEEP_ID,
api.sweep and the agent protocol (createAgent / agentHeartbeat) with its state transitions."""

from __future__ import annotations

import json
import math
import secrets
import sys

import httpx
import pytest
import wandb

GRID = {"name": "grid-search", "method": "grid", "metric": {"name": "loss", "goal": "minimize"},
        "parameters": {"lr": {"values": [0.1, 0.01]}, "bs": {"values": [16, 32]}, "opt": {"value": "adam"}},
        "run_cap": 3}
RANDOM = {"method": "random", "metric": {"name": "acc", "goal": "maximize"}, "parameters": {
    "lr": {"distribution": "log_uniform_values", "min": 1e-4, "max": 1e-1},
    "layers": {"min": 2, "max": 6},
    "dropout": {"distribution": "q_uniform", "min": 0, "max": 0.5, "q": 0.1},
    "model": {"parameters": {"kind": {"values": ["cnn", "mlp"], "probabilities": [0.5, 0.5]},
                             "width": {"value": 128}}},
}}
TRAIN = """
import json, sys, wandb
seen = []
def train():
    run = wandb.init()
    seen.append({"id": run.id, "config": dict(run.config)})
    run.log({"loss": run.config.get("lr", 0) * run.config.get("bs", 1), "acc": 0.5})
    run.finish()
"""


def graphql(sandbox, query, variables=None, key=None):
    r = httpx.post(f"{sandbox.url}/graphql", json={"query": query, "variables": variables or {}},
                   auth=("api", key or sandbox.api_key))
    return r.json()


def upsert_sweep(sandbox, project, config, key=None, **extra):
    answer = graphql(sandbox, """mutation($input: UpsertSweepInput!) { upsertSweep(input: $input) {
        sweep { id name state } configValidationWarnings insertedPriorRuns } }""",
                     {"input": {"entityName": "admin", "projectName": project, "config": json.dumps(config)} | extra},
                     key)
    return answer


def heartbeat(sandbox, agent_id, run_state=None):
    answer = graphql(sandbox, """mutation($id: ID!, $rs: JSONString) { agentHeartbeat(input: {id: $id,
        metrics: "{}", runState: $rs}) { commands } }""", {"id": agent_id, "rs": json.dumps(run_state or {})})
    return json.loads(answer["data"]["agentHeartbeat"]["commands"])


def create_agent(sandbox, project, sweep):
    answer = graphql(sandbox, """mutation($p: String, $s: String!) { createAgent(input: {host: "h1",
        entityName: "admin", projectName: $p, sweep: $s}) { agent { id } } }""", {"p": project, "s": sweep})
    return answer["data"]["createAgent"]["agent"]["id"]


def state_of(api, path):
    return api.sweep(path).load(force=True)["state"]  # api.sweep caches each path's Sweep


def set_state(sandbox, sweep_gid, state):
    return graphql(sandbox, """mutation($id: ID, $s: String) { upsertSweep(input: {id: $id, state: $s}) {
        sweep { state } } }""", {"id": sweep_gid, "s": state})


def test_wandb_agent_walks_a_grid_sweep_to_its_end(api, run_sdk, project_name):
    # an agent with count=2, then one without a count that takes the last run (run_cap 3 of 4 grid
    # points) and is told to exit
    out = run_sdk(TRAIN + f"""
sid = wandb.sweep({GRID!r}, entity="admin", project={project_name!r})
wandb.agent(sid, function=train, count=2)
after_two = len(seen)
wandb.agent(sid, function=train)
print(json.dumps({{"sweep": sid, "seen": seen, "after_two": after_two}}))
""")
    out = json.loads(out.stdout.strip().splitlines()[-1])
    assert out["after_two"] == 2
    assert [s["config"] for s in out["seen"]] == [  # W&B's grid order: names sorted, the last fastest
        {"bs": 16, "lr": 0.1, "opt": "adam"}, {"bs": 16, "lr": 0.01, "opt": "adam"},
        {"bs": 32, "lr": 0.1, "opt": "adam"},
    ]

    sweep = api.sweep(f"admin/{project_name}/{out['sweep']}")
    assert (sweep.id, sweep.name, sweep.state) == (out["sweep"], "grid-search", "FINISHED")
    assert sweep.config == GRID
    assert sweep.expected_run_count == 3
    assert sweep.url.endswith(f"/admin/{project_name}/sweeps/{out['sweep']}")
    assert sorted(r.id for r in sweep.runs) == sorted(s["id"] for s in out["seen"])
    assert all(r.sweep_name == out["sweep"] and r.state == "finished" for r in sweep.runs)
    best = sweep.best_run()
    assert best.config == {"bs": 16, "lr": 0.01, "opt": "adam"} and best.summary["loss"] == pytest.approx(0.16)
    assert sweep.best_loss == pytest.approx(0.16)
    assert api.from_path(f"admin/{project_name}/sweeps/{out['sweep']}").id == out["sweep"]


def test_project_sweeps_lists_them_newest_first(api, sandbox, project_name):
    first = upsert_sweep(sandbox, project_name, GRID)["data"]["upsertSweep"]["sweep"]["name"]
    second = upsert_sweep(sandbox, project_name, RANDOM)["data"]["upsertSweep"]["sweep"]["name"]
    listed = api.project(project_name, "admin").sweeps()
    assert len(listed) == 2
    assert [s.id for s in listed] == [second, first]  # same second: the later one first
    api.create_project("empty-" + project_name, "admin")
    assert len(api.project("empty-" + project_name, "admin").sweeps()) == 0


def test_the_cli_agent_runs_the_program_and_wandb_sweep_pauses_it(api, run_sdk, project_name):
    config = {"method": "grid", "program": "train.py", "parameters": {"a": {"values": [1, 2, 3]}},
              "command": ["${env}", sys.executable, "${program}", "${args}"]}  # this venv's python
    out = run_sdk(f"""
import json, subprocess, sys, wandb
with open("train.py", "w") as f:
    f.write("import wandb\\nrun = wandb.init()\\nrun.log({{'loss': 1.0 / run.config.a}})\\nrun.finish()\\n")
sid = wandb.sweep({config!r}, entity="admin", project={project_name!r})
wandb.agent(sid, count=1)  # no function: the CLI agent, which runs `python train.py --a=1`
subprocess.run([sys.executable, "-m", "wandb", "sweep", "--pause", f"admin/{project_name}/{{sid}}"], check=True,
               capture_output=True)
print(json.dumps({{"sweep": sid}}))
""")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    sweep = api.sweep(f"admin/{project_name}/{result['sweep']}")
    assert sweep.state == "PAUSED"  # `wandb sweep --pause`: SweepWithRuns, then upsertSweep(id, state)
    (run,) = sweep.runs
    assert run.config == {"a": 1} and run.summary["loss"] == 1.0 and run.state == "finished"


def test_random_sweep_runs_draw_from_the_configured_distributions(api, run_sdk, project_name):
    out = run_sdk(TRAIN + f"""
sid = wandb.sweep({RANDOM!r}, entity="admin", project={project_name!r})
wandb.agent(sid, function=train, count=1)
print(json.dumps({{"sweep": sid, "seen": seen}}))
""")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert len(result["seen"]) == 1  # the distributions themselves: test_sweep_search.py
    for seen in result["seen"]:
        c = seen["config"]
        assert 1e-4 <= c["lr"] <= 1e-1
        assert c["layers"] in range(2, 7)
        assert any(math.isclose(c["dropout"], k / 10) for k in range(6))
        assert c["model"]["kind"] in ("cnn", "mlp") and c["model"]["width"] == 128
    sweep = api.sweep(f"admin/{project_name}/{result['sweep']}")
    assert sweep.state == "RUNNING" and sweep.expected_run_count is None
    assert sweep.best_run().summary["acc"] == 0.5


def test_a_run_joins_a_sweep_through_wandb_sweep_id(sandbox, api, run_sdk, project_name):
    sweep_id = upsert_sweep(sandbox, project_name, GRID)["data"]["upsertSweep"]["sweep"]["name"]
    out = run_sdk(f"""
import os, wandb
os.environ.update(WANDB_SWEEP_ID={sweep_id!r}, WANDB_PROJECT={project_name!r}, WANDB_ENTITY="admin")
run = wandb.init(config={{"lr": 0.5, "bs": 8}})
run.log({{"loss": 4.0}})
run.summary["extra"] = 1   # later UpsertBuckets send sweep: null
run.finish()
print(run.id)
""")
    run_id = out.stdout.strip().splitlines()[-1]
    run = api.run(f"admin/{project_name}/{run_id}")
    assert run.sweep_name == sweep_id and run.config == {"lr": 0.5, "bs": 8}
    sweep = api.sweep(f"admin/{project_name}/{sweep_id}")
    assert [r.id for r in sweep.runs] == [run_id]
    assert sweep.state == "PENDING"  # no agent has started it


def test_prior_runs_join_the_new_sweep(sandbox, api, project_name):
    api.create_run(run_id="old1", project=project_name, entity="admin")
    api.create_run(run_id="old2", project=project_name, entity="admin")
    answer = upsert_sweep(sandbox, project_name, GRID, priorRunsFilters=json.dumps({"$or": [{"name": "old1"}]}))
    created = answer["data"]["upsertSweep"]
    assert created["insertedPriorRuns"] == 1
    assert api.run(f"admin/{project_name}/old1").sweep_name == created["sweep"]["name"]
    assert api.run(f"admin/{project_name}/old2").sweep_name is None


def test_the_agent_protocol_and_state_transitions(sandbox, api, project_name):
    config = GRID | {"parameters": {"a": {"values": [1, 2]}}}
    created = upsert_sweep(sandbox, project_name, config)["data"]["upsertSweep"]
    sweep_gid, name = created["sweep"]["id"], created["sweep"]["name"]
    assert created["sweep"]["state"] == "PENDING" and created["configValidationWarnings"] == []
    agent = create_agent(sandbox, project_name, name)
    assert state_of(api, f"admin/{project_name}/{name}") == "RUNNING"

    first = heartbeat(sandbox, agent)
    assert [(c["type"], c["args"]) for c in first] == [("run", {"a": {"value": 1}})]
    run_id = first[0]["run_id"]
    assert len(run_id) == 8 and run_id.isalnum()
    assert heartbeat(sandbox, agent, {run_id: True}) == []  # busy: nothing new

    assert set_state(sandbox, sweep_gid, "PAUSED")["data"]["upsertSweep"]["sweep"]["state"] == "PAUSED"
    assert heartbeat(sandbox, agent) == []
    set_state(sandbox, sweep_gid, "RUNNING")
    second = heartbeat(sandbox, agent)
    assert second[0]["args"] == {"a": {"value": 2}}  # point 1 was handed out: the grid moves on
    assert heartbeat(sandbox, agent) == [{"type": "exit"}]
    assert state_of(api, f"admin/{project_name}/{name}") == "FINISHED"

    set_state(sandbox, sweep_gid, "CANCELED")
    assert heartbeat(sandbox, agent, {"r1": True, "r2": False}) == [{"type": "stop", "run_id": "r1"}]
    assert heartbeat(sandbox, agent) == [{"type": "exit"}]


def test_run_cap_ends_a_random_sweep_and_stopped_runs_are_stopped(sandbox, api, project_name):
    created = upsert_sweep(sandbox, project_name, RANDOM | {"run_cap": 2})["data"]["upsertSweep"]
    name = created["sweep"]["name"]
    agent = create_agent(sandbox, project_name, name)
    run_id = heartbeat(sandbox, agent)[0]["run_id"]
    run = api.create_run(run_id=run_id, project=project_name, entity="admin")
    graphql(sandbox, 'mutation($n: String, $p: String, $s: String) { upsertBucket(input: {name: $n, modelName: $p,'
                     ' entityName: "admin", sweep: $s}) { inserted } }', {"n": run_id, "p": project_name, "s": name})
    run.stop()  # W&B's stopRun: the agent is told to stop it
    assert heartbeat(sandbox, agent, {run_id: True}) == [{"type": "stop", "run_id": run_id}]
    assert heartbeat(sandbox, agent)[0]["type"] == "run"
    assert heartbeat(sandbox, agent) == [{"type": "exit"}]  # two runs handed out: the cap
    assert state_of(api, f"admin/{project_name}/{name}") == "FINISHED"


@pytest.mark.parametrize("config, message", [
    ({"method": "hyperopt", "parameters": {"a": {"value": 1}}},
     "invalid sweep config: method must be one of grid, random, bayes, not 'hyperopt'"),
    ({"method": "bayes", "parameters": {"a": {"values": [1, 2]}}}, "invalid sweep config: bayes search needs a metric"),
    ({"method": "grid", "parameters": {"lr": {"min": 0.0, "max": 1.0}}},
     "invalid sweep config: parameter lr: grid search needs categorical, constant, int_uniform or q_uniform"),
    ({"method": "random", "parameters": {"lr": {"distribution": "weibull"}}},
     "invalid sweep config: parameter lr: unknown distribution 'weibull'"),
])
def test_invalid_sweep_configs_are_refused(sandbox, project_name, config, message):
    answer = upsert_sweep(sandbox, project_name, config)
    assert answer["errors"][0]["message"].startswith(message)


def test_unknown_config_keys_are_warnings_and_expected_counts(sandbox, api, project_name):
    nested = {"name": "n", "method": "grid", "parameters": {
        "param1": {"values": [1, 2, 3]},
        "param2": {"parameters": {"param3": {"values": [1, 2, 3]}, "param4": {"value": 1}}}}}
    answer = upsert_sweep(sandbox, project_name, nested | {"epochs_total": 3})["data"]["upsertSweep"]
    assert answer["configValidationWarnings"] == ["unknown sweep config key 'epochs_total'"]
    assert api.sweep(f"admin/{project_name}/{answer['sweep']['name']}").expected_run_count == 9
    bayes = upsert_sweep(sandbox, project_name, {"method": "bayes", "metric": {"name": "m"},
                                                 "parameters": {"a": {"values": [1]}}})["data"]["upsertSweep"]
    sweep = api.sweep(f"admin/{project_name}/{bayes['sweep']['name']}")
    assert sweep.expected_run_count is None and sweep.name == bayes["sweep"]["name"]  # no name: the id
    agent = create_agent(sandbox, project_name, bayes["sweep"]["name"])
    assert heartbeat(sandbox, agent)[0]["args"] == {"a": {"value": 1}}  # bayes proposes (drawn at random)


def test_a_sweep_in_a_private_team_project_is_invisible_to_outsiders(sandbox, api, api_as, make_user, project_name):
    team = "team-" + secrets.token_hex(3)
    api.create_team(team, admin_username="admin")
    answer = graphql(sandbox, """mutation($c: String) { upsertSweep(input: {entityName: "%s", projectName: "%s",
        config: $c}) { sweep { name } } }""" % (team, project_name), {"c": json.dumps(GRID)})
    name = answer["data"]["upsertSweep"]["sweep"]["name"]
    assert api.sweep(f"{team}/{project_name}/{name}").name == "grid-search"
    _, key = make_user()
    with pytest.raises(wandb.errors.CommError, match="Could not find sweep"):
        api_as(key).sweep(f"{team}/{project_name}/{name}")
    refused = graphql(sandbox, """mutation { createAgent(input: {host: "h", entityName: "%s", projectName: "%s",
        sweep: "%s"}) { agent { id } } }""" % (team, project_name, name), key=key)
    assert refused["errors"][0]["message"] == f"sweep {team}/{project_name}/{name} not found"
