"""Sweeps: W&B's upsertSweep and the sweep controller behind `wandb.agent`.

A sweep is created PENDING (as W&B does) with its config stored as sent (YAML). An agent
(`createAgent`) sets it RUNNING; each `agentHeartbeat` of an idle agent gets the next run
command: grid points not yet covered by the sweep's runs or handed-out proposals, or random
draws (`bayes` draws at random too, see `sweep_search`). When a grid or `run_cap` is used up
the sweep is FINISHED and agents are told to exit. `wandb sweep --pause/--resume/--stop/
--cancel` set PAUSED, RUNNING, FINISHED and CANCELED through upsertSweep.
"""

from __future__ import annotations

import json
import random
import string
from typing import Any


from . import accounts, sweep_search
from .accounts import SandboxError, Viewer
from .filters import FilterError, compile_filters
from .relay import parse_id
from .store import Row, Store, json_text, now, register_tables

STATES = frozenset({"PENDING", "RUNNING", "PAUSED", "FINISHED", "CANCELED", "CRASHED", "FAILED"})
METHODS = frozenset({"grid", "random", "bayes"})
DONE = frozenset({"FINISHED", "CANCELED", "CRASHED", "FAILED"})
# top-level keys of W&B's sweep config schema (others are accepted with a warning)
CONFIG_KEYS = frozenset({"name", "description", "program", "command", "method", "metric", "parameters",
                         "early_terminate", "run_cap", "project", "entity", "controller", "job", "image_uri",
                         "scheduler", "launch"})

_TABLES = """
CREATE TABLE IF NOT EXISTS sweep_agents (
  id            INTEGER PRIMARY KEY,
  sweep_id      INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
  user_id       INTEGER REFERENCES users(id),
  name          TEXT NOT NULL,
  host          TEXT NOT NULL,
  state         TEXT NOT NULL DEFAULT 'RUNNING',
  created_at    TEXT NOT NULL,
  heartbeat_at  TEXT
);
-- runs the controller handed out, before (and after) they exist as runs
CREATE TABLE IF NOT EXISTS sweep_proposals (
  id          INTEGER PRIMARY KEY,
  sweep_id    INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
  agent_id    INTEGER REFERENCES sweep_agents(id) ON DELETE SET NULL,
  run_name    TEXT NOT NULL,
  args        TEXT NOT NULL,     -- the command's {"name": {"value": v}}
  created_at  TEXT NOT NULL,
  UNIQUE (sweep_id, run_name)
);
"""


def _setup(store: Store) -> None:
    store.ensure_columns("sweeps", {
        "user_id": "INTEGER REFERENCES users(id)", "display_name": "TEXT", "description": "TEXT",
        "method": "TEXT NOT NULL DEFAULT 'random'", "state": "TEXT NOT NULL DEFAULT 'PENDING'",
        "config": "TEXT NOT NULL DEFAULT ''", "controller": "TEXT", "scheduler": "TEXT",
        "created_at": "TEXT NOT NULL DEFAULT ''", "updated_at": "TEXT NOT NULL DEFAULT ''", "heartbeat_at": "TEXT",
    })
    store.conn.executescript(_TABLES)


register_tables(_setup)


# --------------------------------------------------------------------------- config
def load_config(text: str | None) -> dict[str, Any]:
    import yaml  # imported here, not at every start (15 ms)

    try:
        config = yaml.safe_load(text or "")
    except yaml.YAMLError as e:
        raise SandboxError(f"invalid sweep config: not YAML ({e.__class__.__name__})") from None
    if not isinstance(config, dict):
        raise SandboxError("invalid sweep config: expected a mapping")
    return config


def check_config(config: dict[str, Any]) -> list[str]:
    """Errors raise (as W&B refuses such sweeps); the returned strings are warnings."""
    method = config.get("method")
    if method not in METHODS:
        raise SandboxError(f"invalid sweep config: method must be one of grid, random, bayes, not {method!r}")
    metric = config.get("metric")
    if metric is not None and (not isinstance(metric, dict) or not metric.get("name")
                               or metric.get("goal", "minimize") not in ("minimize", "maximize")):
        raise SandboxError("invalid sweep config: metric needs a name and a goal of minimize or maximize")
    if method == "bayes" and metric is None:
        raise SandboxError("invalid sweep config: bayes search needs a metric")
    run_cap = config.get("run_cap")
    if run_cap is not None and (not isinstance(run_cap, int) or isinstance(run_cap, bool) or run_cap < 1):
        raise SandboxError("invalid sweep config: run_cap must be a positive integer")
    try:
        params = sweep_search.parameters(config)
        if method == "grid":
            sweep_search.grid_size(params)
    except sweep_search.SweepConfigError as e:
        raise SandboxError(f"invalid sweep config: {e}") from None
    return [f"unknown sweep config key {key!r}" for key in sorted(config.keys() - CONFIG_KEYS)]


def expected_run_count(config: dict[str, Any]) -> int | None:
    """Grid sweeps end after their last point (or run_cap); other methods run until stopped."""
    if config.get("method") != "grid":
        return None
    size = sweep_search.grid_size(sweep_search.parameters(config))
    return min(size, config.get("run_cap") or size)


def metric(config: dict[str, Any]) -> tuple[str, str] | None:
    """(name, goal) of the sweep's metric."""
    m = config.get("metric")
    return (m["name"], m.get("goal", "minimize")) if isinstance(m, dict) and m.get("name") else None


# --------------------------------------------------------------------------- sweeps
def new_name(rng: random.Random | None = None) -> str:
    """A sweep or run id as W&B makes them: 8 lowercase letters and digits."""
    return "".join((rng or random.SystemRandom()).choices(string.ascii_lowercase + string.digits, k=8))


def find(store: Store, project_id: int, name: str) -> Row | None:
    return store.one("SELECT * FROM sweeps WHERE project_id = ? AND name = ?", (project_id, name))


def _writable(store: Store, viewer: Viewer, sweep: Row) -> Row:
    project = store.one("SELECT * FROM projects WHERE id = ?", (sweep["project_id"],))
    if not accounts.can_read_project(store, viewer, project):
        raise SandboxError("sweep not found")
    if not accounts.can_write_project(store, viewer, project):
        raise SandboxError("permission denied")
    return project


def upsert(store: Store, viewer: Viewer, data: dict[str, Any], rng: random.Random | None = None,
           ) -> tuple[Row, bool, list[str]]:
    """W&B's upsertSweep: update the sweep `id` names, else create one; -> (sweep, inserted, warnings)."""
    warnings: list[str] = []
    if data.get("config") is not None:
        warnings = check_config(load_config(data["config"]))
    if data.get("state") is not None and data["state"] not in STATES:
        raise SandboxError(f"invalid sweep state {data['state']!r}")
    fields = {"config": data.get("config"), "description": data.get("description"),
              "display_name": data.get("display_name"), "state": data.get("state"),
              "controller": data.get("controller"), "scheduler": data.get("scheduler")}
    with store.transaction():
        if data.get("id"):
            sweep = store.one("SELECT * FROM sweeps WHERE id = ?", (parse_id(data["id"], "Sweep"),))
            if sweep is None:
                raise SandboxError("sweep not found")
            _writable(store, viewer, sweep)
            if fields["config"] is not None:
                fields["method"] = load_config(fields["config"])["method"]
            updates = {k: v for k, v in fields.items() if v is not None}
            if updates:
                sets = ", ".join(f"{k} = ?" for k in updates)
                store.execute(f"UPDATE sweeps SET {sets}, updated_at = ? WHERE id = ?",
                              (*updates.values(), now(), sweep["id"]))
            inserted = False
        else:
            if fields["config"] is None:
                raise SandboxError("invalid sweep config: a new sweep needs a config")
            project = accounts.upsert_project(store, viewer, data.get("entity_name"),
                                              data.get("project_name") or "uncategorized")[0]
            name = new_name(rng)
            while find(store, project["id"], name):
                name = new_name(rng)
            ts = now()
            sid = store.insert(
                "INSERT INTO sweeps (project_id, name, user_id, display_name, description, method, state, config,"
                " controller, scheduler, created_at, updated_at, heartbeat_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (project["id"], name, viewer.id, fields["display_name"], fields["description"],
                 load_config(fields["config"])["method"], fields["state"] or "PENDING", fields["config"],
                 fields["controller"], fields["scheduler"], ts, ts, ts))
            sweep, inserted = {"id": sid}, True
        sweep = store.one("SELECT * FROM sweeps WHERE id = ?", (sweep["id"],))
        prior = link_prior_runs(store, sweep, data.get("prior_runs_filters")) if inserted else 0
    return sweep | {"_prior_runs": prior}, inserted, warnings


def link_prior_runs(store: Store, sweep: Row, filters: str | None) -> int:
    """Attach the project's runs matching `filters` (`prior_runs=[ids]` in the SDK) to the sweep."""
    if not filters or filters == "null":
        return 0
    try:
        where, params = compile_filters(json.loads(filters))
    except (FilterError, ValueError) as e:
        raise SandboxError(f"invalid priorRunsFilters: {e}") from None
    return store.execute(f"UPDATE runs SET sweep_id = ? WHERE project_id = ? AND sweep_id IS NULL AND {where}",
                         [sweep["id"], sweep["project_id"], *params]).rowcount


def set_state(store: Store, sweep_id: int, state: str) -> None:
    store.execute("UPDATE sweeps SET state = ?, updated_at = ? WHERE id = ?", (state, now(), sweep_id))


def run_count(store: Store, sweep_id: int) -> int:
    return store.scalar("SELECT COUNT(*) FROM runs WHERE sweep_id = ?", (sweep_id,))


def best_loss(store: Store, sweep: Row) -> float | None:
    """The best value of the sweep's metric among its runs' summaries."""
    found = metric(load_config(sweep["config"]))
    if found is None:
        return None
    name, goal = found
    path = "$." + json.dumps(name)
    return store.scalar(
        f"SELECT {'MAX' if goal == 'maximize' else 'MIN'}(json_extract(summary, ?)) FROM runs"
        " WHERE sweep_id = ? AND json_valid(summary) AND json_type(summary, ?) IN ('integer', 'real')",
        (path, sweep["id"], path))


# --------------------------------------------------------------------------- the controller
def _taken(store: Store, sweep: Row, paths: list[sweep_search.Path]) -> set[str]:
    """Grid points already covered by the sweep's runs or by commands handed out."""
    configs = [json.loads(r["config"]) for r in store.query("SELECT config FROM runs WHERE sweep_id = ?", (sweep["id"],))]
    configs += [json.loads(r["args"]) for r in store.query(
        "SELECT args FROM sweep_proposals WHERE sweep_id = ?", (sweep["id"],))]
    points = (sweep_search.point_of(c, paths) for c in configs)
    return {sweep_search.point_key(p) for p in points if p is not None}


def next_args(store: Store, sweep: Row, rng: random.Random | None = None) -> dict[str, Any] | None:
    """The parameters of the sweep's next run, or None when it has run its course."""
    config = load_config(sweep["config"])
    handed_out = store.scalar(
        "SELECT COUNT(*) FROM (SELECT name FROM runs WHERE sweep_id = ?"
        " UNION SELECT run_name FROM sweep_proposals WHERE sweep_id = ?)", (sweep["id"], sweep["id"]))
    if config.get("run_cap") and handed_out >= config["run_cap"]:
        return None
    params = sweep_search.parameters(config)
    if config["method"] == "grid":
        taken = _taken(store, sweep, [path for path, _ in params])
        point = next((p for p in sweep_search.grid(params) if sweep_search.point_key(p) not in taken), None)
    else:
        point = sweep_search.draw(params, rng or random.Random())
    return None if point is None else sweep_search.as_args(point)


def propose(store: Store, sweep: Row, agent_id: int | None, rng: random.Random | None = None,
            ) -> tuple[str, dict[str, Any]] | None:
    """Hand out the next run: (run id, args), recorded so a grid point is not given twice."""
    args = next_args(store, sweep, rng)
    if args is None:
        return None
    name = new_name(rng)  # the run's id
    store.execute("INSERT INTO sweep_proposals (sweep_id, agent_id, run_name, args, created_at) VALUES (?,?,?,?,?)",
                  (sweep["id"], agent_id, name, json_text(args), now()))
    return name, args


def create_agent(store: Store, viewer: Viewer, entity: str | None, project: str | None, sweep_name: str,
                 host: str) -> Row:
    p = accounts.find_project(store, viewer, entity or viewer.user["username"], project or "uncategorized")
    sweep = p and find(store, p["id"], sweep_name)
    if sweep is None:
        raise SandboxError(f"sweep {entity}/{project}/{sweep_name} not found")
    _writable(store, viewer, sweep)
    ts = now()
    with store.transaction():
        n = store.scalar("SELECT COUNT(*) FROM sweep_agents WHERE sweep_id = ?", (sweep["id"],)) + 1
        aid = store.insert(
            "INSERT INTO sweep_agents (sweep_id, user_id, name, host, created_at, heartbeat_at) VALUES (?,?,?,?,?,?)",
            (sweep["id"], viewer.id, f"{sweep['name']}-agent-{n}", host, ts, ts))
        if sweep["state"] == "PENDING":
            set_state(store, sweep["id"], "RUNNING")
    return store.one("SELECT * FROM sweep_agents WHERE id = ?", (aid,))


def heartbeat(store: Store, viewer: Viewer, agent_id: int, run_state: str | None,
              rng: random.Random | None = None) -> list[dict[str, Any]]:
    """The commands for an agent: `run` when it is idle and the sweep runs, `stop` for runs to
    end, `exit` when the sweep is over (W&B's agent protocol, `wandb/agents/pyagent.py`)."""
    agent = store.one("SELECT * FROM sweep_agents WHERE id = ?", (agent_id,))
    if agent is None:
        raise SandboxError("agent not found")
    try:
        active = [r for r, live in (json.loads(run_state or "{}") or {}).items() if live]
    except (ValueError, AttributeError):
        raise SandboxError("runState must be a JSON object") from None
    with store.transaction():
        sweep = store.one("SELECT * FROM sweeps WHERE id = ?", (agent["sweep_id"],))
        _writable(store, viewer, sweep)
        ts = now()
        store.execute("UPDATE sweep_agents SET heartbeat_at = ? WHERE id = ?", (ts, agent_id))
        store.execute("UPDATE sweeps SET heartbeat_at = ? WHERE id = ?", (ts, sweep["id"]))
        stopping = {r["name"] for r in store.query(
            f"SELECT name FROM runs WHERE sweep_id = ? AND should_stop = 1 AND name IN ({','.join('?' * len(active))})",
            (sweep["id"], *active))} if active else set()
        if sweep["state"] == "CANCELED":
            stopping = set(active)
        if stopping:
            return [{"type": "stop", "run_id": r} for r in sorted(stopping)]
        if active or sweep["state"] == "PAUSED":
            return []
        if sweep["state"] in DONE:
            return [{"type": "exit"}]
        proposal = propose(store, sweep, agent_id, rng)
        if proposal is None:
            set_state(store, sweep["id"], "FINISHED")
            return [{"type": "exit"}]
        if sweep["state"] != "RUNNING":
            set_state(store, sweep["id"], "RUNNING")
        run_id, args = proposal
        return [{"type": "run", "run_id": run_id, "program": load_config(sweep["config"]).get("program"),
                 "args": args}]
