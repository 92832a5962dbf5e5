"""Sweeps: lookup and listing, upsertSweep, and the agent protocol (createAgent, agentHeartbeat)."""

from __future__ import annotations

import json

from ariadne import MutationType, ObjectType

from .. import sweeps
from ..accounts import SandboxError
from ..context import ctx
from ..filters import FilterError, compile_order
from ..relay import connection, global_id, parse_id

mutation = MutationType()
project, sweep, agent, run = ObjectType("Project"), ObjectType("Sweep"), ObjectType("Agent"), ObjectType("Run")


@project.field("sweep")
def resolve_sweep(obj, info, sweep_name):
    return sweeps.find(ctx(info).store, obj["id"], sweep_name)


@project.field("sweeps")
def resolve_sweeps(obj, info, first=None, after=None):
    def fetch(offset: int, limit: int):
        return ctx(info).store.query("SELECT * FROM sweeps WHERE project_id = ? ORDER BY created_at DESC, id DESC"
                                     " LIMIT ? OFFSET ?", (obj["id"], limit, offset))
    return connection(fetch, first, after)


@project.field("totalSweeps")
def resolve_total_sweeps(obj, info):
    return ctx(info).store.scalar("SELECT COUNT(*) FROM sweeps WHERE project_id = ?", (obj["id"],))


# --------------------------------------------------------------------------- Sweep
@sweep.field("id")
def resolve_sweep_id(obj, _):
    return global_id("Sweep", obj["id"])


@sweep.field("runCount")
def resolve_run_count(obj, info):
    return sweeps.run_count(ctx(info).store, obj["id"])


@sweep.field("runCountExpected")
def resolve_run_count_expected(obj, _):
    return sweeps.expected_run_count(sweeps.load_config(obj["config"]))


@sweep.field("bestLoss")
def resolve_best_loss(obj, info):
    return sweeps.best_loss(ctx(info).store, obj)


@sweep.field("runs")
def resolve_sweep_runs(obj, info, first=None, after=None, order=None, **_):
    """The sweep's runs (the CLI agent's SweepWithRuns reads them with their state flags)."""
    try:
        order_by = compile_order(order)
    except FilterError as e:
        raise SandboxError(f"invalid order: {e}") from None

    def fetch(offset: int, limit: int):
        return ctx(info).store.query(f"SELECT * FROM runs WHERE sweep_id = ? ORDER BY {order_by} LIMIT ? OFFSET ?",
                                     (obj["id"], limit, offset))
    return connection(fetch, first, after)


@sweep.field("earlyStopJobRunning")
def resolve_early_stop_job_running(*_):
    return False  # early termination (hyperband) is not run by the sandbox


@sweep.field("project")
def resolve_sweep_project(obj, info):
    return ctx(info).cached("project", obj["project_id"], "SELECT * FROM projects WHERE id = ?")


@sweep.field("user")
def resolve_sweep_user(obj, info):
    return ctx(info).cached("user", obj["user_id"], "SELECT * FROM users WHERE id = ?")


# --------------------------------------------------------------------------- mutations
@mutation.field("upsertSweep")
def resolve_upsert_sweep(_, info, input):
    c = ctx(info)
    row, inserted, warnings = sweeps.upsert(c.store, c.viewer, input)
    return {"sweep": row, "inserted": inserted, "config_validation_warnings": warnings,
            "inserted_prior_runs": row["_prior_runs"]}


@mutation.field("createAgent")
def resolve_create_agent(_, info, input):
    c = ctx(info)
    return {"agent": sweeps.create_agent(c.store, c.viewer, input.get("entity_name"), input.get("project_name"),
                                         input["sweep"], input["host"])}


@mutation.field("agentHeartbeat")
def resolve_agent_heartbeat(_, info, input):
    c = ctx(info)
    agent_id = parse_id(input["id"], "Agent")
    commands = sweeps.heartbeat(c.store, c.viewer, agent_id, input.get("run_state"))
    row = c.store.one("SELECT * FROM sweep_agents WHERE id = ?", (agent_id,))
    return {"agent": row, "commands": json.dumps(commands)}  # the SDK json.loads this string


@agent.field("id")
def resolve_agent_id(obj, _):
    return global_id("Agent", obj["id"])


# --------------------------------------------------------------------------- Run flags the sweep agent reads
@run.field("shouldStop")
def resolve_should_stop(obj, _):
    return bool(obj["should_stop"])


@run.field("running")
def resolve_running(obj, _):
    return obj["state"] == "running"


@run.field("failed")
def resolve_failed(obj, _):
    return obj["state"] in ("failed", "crashed")


@run.field("stopped")
def resolve_stopped(obj, _):
    return obj["state"] == "killed"


bindables = [mutation, project, sweep, agent, run]
