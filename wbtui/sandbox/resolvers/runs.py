"""Runs: listing with filters and orders, lookup, upsertBucket and the run mutations."""

from __future__ import annotations

import json

from ariadne import MutationType, ObjectType

from ... import fastjson
from .. import accounts, runs
from ..accounts import SandboxError
from ..context import Context, ctx
from ..execution import precomputed, pure
from ..filters import FilterError, compile_filters, compile_order
from ..relay import connection, global_id, parse_id
from ..store import Row, now

mutation = MutationType()
project, run = ObjectType("Project"), ObjectType("Run")


# --------------------------------------------------------------------------- lookup and listing
@project.field("run")
def resolve_run(obj, info, name):
    row = ctx(info).store.one("SELECT * FROM runs WHERE project_id = ? AND name = ?", (obj["id"], name))
    return _with_relations(ctx(info), [row])[0] if row else None


@project.field("bucket")
def resolve_bucket(obj, info, name, missing_ok=None):
    return resolve_run(obj, info, name)


def _where(filters: str | None) -> tuple[str, list]:
    try:
        return compile_filters(json.loads(filters) if filters else None)
    except (FilterError, ValueError) as e:
        raise SandboxError(f"invalid filters: {e}") from None


@project.field("runs")
def resolve_runs(obj, info, filters=None, order=None, first=None, after=None):
    c = ctx(info)
    where, params = _where(filters)
    try:
        order_by = compile_order(order)
    except FilterError as e:
        raise SandboxError(f"invalid order: {e}") from None

    def fetch(offset: int, limit: int) -> list[Row]:
        rows = c.store.query(
            f"SELECT * FROM runs WHERE project_id = ? AND {where} ORDER BY {order_by} LIMIT ? OFFSET ?",
            [obj["id"], *params, limit, offset])
        return _precompute(c, obj, _with_relations(c, rows))
    return connection(fetch, first, after)


@project.field("runCount")
def resolve_run_count(obj, info, filters=None):
    where, params = _where(filters)
    return ctx(info).store.scalar(f"SELECT COUNT(*) FROM runs WHERE project_id = ? AND {where}", [obj["id"], *params])


def _with_relations(c: Context, rows: list[Row]) -> list[Row]:
    """Attach each run's user and sweep name with one query each per page (no N+1)."""
    for key, table, column in (("user_id", "users", "*"), ("sweep_id", "sweeps", "id, name")):
        ids = sorted({r[key] for r in rows if r[key] is not None})
        found = {}
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            found |= {x["id"]: x for x in c.store.query(
                f"SELECT {column} FROM {table} WHERE id IN ({','.join('?' * len(part))})", part)}
        for r in rows:
            r["_" + table] = found.get(r[key])
    return rows


def _precompute(c: Context, project: Row, rows: list[Row]) -> list[Row]:
    """Fill in, for a whole page, the values of the `@precomputed` Run fields below: the executor
    then reads them instead of calling a resolver per run and field."""
    read_only = not accounts.can_write_project(c.store, c.viewer, project)
    project_id = str(project["id"])
    for r in rows:
        r["_gid"] = global_id("Run", r["id"])
        r["_project_id"] = project_id
        r["_tags"] = fastjson.loads(r["tags"])
        r["_sweep_name"] = r["_sweeps"]["name"] if r["_sweeps"] else None
        r["_read_only"] = read_only
    return rows


# --------------------------------------------------------------------------- Run fields
run.set_alias("group", "group_name")
run.set_alias("commit", "commit_hash")


@run.field("id")
@precomputed("_gid")
def resolve_run_id(obj, _):
    return global_id("Run", obj["id"])


@run.field("projectId")
@precomputed("_project_id")
def resolve_project_id(obj, _):
    return str(obj["project_id"])


@run.field("project")
def resolve_run_project(obj, info):
    return ctx(info).cached("project", obj["project_id"], "SELECT * FROM projects WHERE id = ?")


@run.field("user")
@precomputed("_users")
def resolve_run_user(obj, info):
    if "_users" in obj:
        return obj["_users"]
    return ctx(info).cached("user", obj["user_id"], "SELECT * FROM users WHERE id = ?")


@run.field("sweepName")
@precomputed("_sweep_name")
def resolve_sweep_name(obj, info):
    sweep = obj["_sweeps"] if "_sweeps" in obj else ctx(info).cached(
        "sweep", obj["sweep_id"], "SELECT id, name FROM sweeps WHERE id = ?")
    return sweep["name"] if sweep else None


@run.field("tags")
@precomputed("_tags")
def resolve_tags(obj, _):
    return fastjson.loads(obj["tags"])


def _pick(text: str, keys: list[str] | None) -> str:
    return text if keys is None else fastjson.subset(text, keys)  # a list asks it of every run


@run.field("config")
@pure
def resolve_config(obj, _, keys=None):
    return _pick(obj["config"], keys)


@run.field("summaryMetrics")
@pure
def resolve_summary(obj, _, keys=None):
    return _pick(obj["summary"], keys)


@run.field("wandbConfig")
@pure
def resolve_wandb_config(obj, _, keys=None):
    """The `_wandb` entry of the config (the SDK asks for its telemetry key "t" on resume)."""
    wandb = json.loads(obj["config"]).get("_wandb") or {}
    if isinstance(wandb, dict) and "value" in wandb:
        wandb = wandb["value"]
    return _pick(json.dumps(wandb if isinstance(wandb, dict) else {}), keys)


@run.field("readOnly")
@precomputed("_read_only")
def resolve_run_read_only(obj, info):
    c = ctx(info)
    return not accounts.can_write_project(c.store, c.viewer, resolve_run_project(obj, info))


# --------------------------------------------------------------------------- mutations
@mutation.field("upsertBucket")
def resolve_upsert_bucket(_, info, input):
    c = ctx(info)
    row, inserted = runs.upsert(c.store, c.viewer, input)
    return {"bucket": row, "inserted": inserted}


def _writable_run(c: Context, gid: str) -> Row:
    row = runs.run_by_id(c.store, parse_id(gid, "Run"))
    project = row and c.store.one("SELECT * FROM projects WHERE id = ?", (row["project_id"],))
    if row is None or not accounts.can_read_project(c.store, c.viewer, project):
        raise SandboxError("run not found")
    if not accounts.can_write_project(c.store, c.viewer, project):
        raise SandboxError("permission denied")
    return row


@mutation.field("stopRun")
def resolve_stop_run(_, info, input):
    c = ctx(info)
    runs.update_run(c.store, _writable_run(c, input["id"])["id"], should_stop=1)
    return {"success": True}


# W&B's allowed transitions for updateRunState (from the SDK's Run.update_state docstring)
_TRANSITIONS = {"pending": {"running", "failed", "crashed", "preempted"}, "failed": {"pending", "running"}}


@mutation.field("updateRunState")
def resolve_update_run_state(_, info, input=None):
    c = ctx(info)
    row = _writable_run(c, (input or {}).get("id"))
    state = input.get("state")
    if row["sweep_id"] is not None:
        raise SandboxError("the state of a sweep run cannot be changed")
    if row["state"] not in _TRANSITIONS.get(state, ()):
        raise SandboxError(f"cannot change run state from {row['state']} to {state}")
    runs.update_run(c.store, row["id"], state=state)
    return {"success": True}


@mutation.field("deleteRun")
def resolve_delete_run(_, info, input):
    c = ctx(info)
    runs.delete(c.store, c.storage, _writable_run(c, input["id"]))
    return {"client_mutation_id": None}


@mutation.field("notifyScriptableRunAlert")
def resolve_alert(_, info, input):
    c = ctx(info)
    row = runs.find_run(c.store, c.viewer, input["entity_name"], input["project_name"], input["run_name"])
    if row is None:
        raise SandboxError("run not found")
    c.store.execute(
        "INSERT INTO alerts (run_id, title, text, severity, wait_duration, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (row["id"], input["title"], input["text"], input.get("severity") or "INFO", input.get("wait_duration"),
         now()))
    return {"success": True}


bindables = [mutation, project, run]
