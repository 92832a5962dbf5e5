"""Launch: run queues, their default resource configs with `{{var}}` template variables, and items.

W&B keeps an entity's queues in its `model-registry` project. A queue points at a default
resource config `{"resource_args": {<type>: {...}}}` whose strings may hold `{{var}}`
placeholders; each variable has a JSON-schema-like description (`type` string/number/integer,
`default`, `minimum`, `maximum`, `enum`). Items move PENDING → LEASED (a launch agent popped
it) → CLAIMED (acked with the run it started), or FAILED.
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import accounts
from .accounts import SandboxError, Viewer
from .store import Row, Store, json_text, now, register_tables

QUEUE_PROJECT = "model-registry"
RESOURCE_TYPES = ("local-container", "local-process", "kubernetes", "sagemaker", "gcp-vertex")
ACCESS = frozenset({"PROJECT", "USER"})
PRIORITIZATION = frozenset({"DISABLED", "V0"})
ITEM_STATES = frozenset({"PENDING", "LEASED", "CLAIMED", "FAILED"})
PRIORITIES = range(4)  # W&B: 0 critical, 1 high, 2 medium (default), 3 low
DEFAULT_PRIORITY = 2
VARIABLE_TYPES = {"string": (str,), "integer": (int,), "number": (int, float)}
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s]+)\s*\}\}")

register_tables("""
CREATE TABLE IF NOT EXISTS default_resource_configs (
  id                  INTEGER PRIMARY KEY,
  entity_id           INTEGER NOT NULL REFERENCES entities(id),
  resource            TEXT NOT NULL,
  config              TEXT NOT NULL,             -- {"resource_args": {<resource>: {...}}}
  template_variables  TEXT NOT NULL DEFAULT '[]', -- [{"name": ..., "schema": {...}}]
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_queues (
  id                           INTEGER PRIMARY KEY,
  project_id                   INTEGER NOT NULL REFERENCES projects(id),
  name                         TEXT NOT NULL,
  access                       TEXT NOT NULL,
  prioritization_mode          TEXT NOT NULL DEFAULT 'DISABLED',
  default_resource_config_id   INTEGER REFERENCES default_resource_configs(id),
  external_links               TEXT NOT NULL DEFAULT '{"links": []}',
  created_by                   INTEGER REFERENCES users(id),
  created_at                   TEXT NOT NULL,
  updated_at                   TEXT NOT NULL,
  UNIQUE (project_id, name)
);
CREATE TABLE IF NOT EXISTS run_queue_items (
  id                        INTEGER PRIMARY KEY,
  run_queue_id              INTEGER NOT NULL REFERENCES run_queues(id) ON DELETE CASCADE,
  state                     TEXT NOT NULL DEFAULT 'PENDING',
  priority                  INTEGER NOT NULL DEFAULT 2,
  run_spec                  TEXT NOT NULL,
  template_variable_values  TEXT NOT NULL DEFAULT '{}',
  associated_run_id         TEXT,           -- the run's name (its id in paths)
  launch_agent_id           TEXT,
  error                     TEXT,           -- {"message", "stage", "filePaths"} of a failure
  created_by                INTEGER REFERENCES users(id),
  created_at                TEXT NOT NULL,
  updated_at                TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS run_queue_items_queue ON run_queue_items(run_queue_id, state);
""")


def fill_queue_project(data: Any) -> None:
    """SDK 0.31's `api.queued_run(...)` without `project_queue` sends `projectName: null` for a
    `String!` in its GetRunQueueItem query, which W&B accepts: read it as the queue project."""
    variables = data.get("variables") if isinstance(data, dict) else None
    if isinstance(variables, dict) and {"runQueue", "itemId"} <= variables.keys() \
            and "projectName" in variables and variables["projectName"] is None:
        variables["projectName"] = QUEUE_PROJECT


# --------------------------------------------------------------------------- template variables
def _json(text: str | None, what: str, default: Any = None) -> Any:
    if text is None:
        return default
    try:
        return json.loads(text)
    except ValueError:
        raise SandboxError(f"{what} is not valid JSON") from None


def _typed(value: Any, kind: str) -> bool:
    return isinstance(value, VARIABLE_TYPES[kind]) and not isinstance(value, bool)


def check_schema(name: str, schema: Any) -> dict[str, Any]:
    """A template variable's schema, checked: a known type, and bounds, enum and default that fit it."""
    if not isinstance(schema, dict):
        raise SandboxError(f"template variable {name}: the schema must be an object")
    kind = schema.get("type")
    if kind not in VARIABLE_TYPES:
        raise SandboxError(f"template variable {name}: type must be one of string, number, integer, not {kind!r}")
    bounds = {k: schema[k] for k in ("minimum", "maximum") if k in schema}
    if bounds and kind == "string":
        raise SandboxError(f"template variable {name}: minimum and maximum apply to numbers only")
    for key, bound in bounds.items():
        if not _typed(bound, kind):
            raise SandboxError(f"template variable {name}: {key} must be of type {kind}")
    if len(bounds) == 2 and bounds["minimum"] > bounds["maximum"]:
        raise SandboxError(f"template variable {name}: minimum is greater than maximum")
    if "enum" in schema:
        enum = schema["enum"]
        if not isinstance(enum, list) or not enum or not all(_typed(v, kind) for v in enum):
            raise SandboxError(f"template variable {name}: enum must be a non-empty list of {kind} values")
    if "default" in schema:
        problem = value_problem(schema, schema["default"])
        if problem:
            raise SandboxError(f"template variable {name}: the default {problem}")
    return schema


def value_problem(schema: dict[str, Any], value: Any) -> str | None:
    """Why `value` does not fit the variable's schema (None when it does)."""
    kind = schema["type"]
    if not _typed(value, kind):
        return f"{value!r} is not of type {kind}"
    if "minimum" in schema and value < schema["minimum"]:
        return f"{value!r} is less than the minimum {schema['minimum']}"
    if "maximum" in schema and value > schema["maximum"]:
        return f"{value!r} is greater than the maximum {schema['maximum']}"
    if "enum" in schema and value not in schema["enum"]:
        return f"{value!r} is not one of {schema['enum']}"
    return None


def parse_template_variables(text: str | None) -> list[dict[str, Any]]:
    """`{"var": {"schema": {...}}, ...}` as the SDK sends it -> `[{"name", "schema"}]`, checked."""
    data = _json(text, "templateVariables", {}) or {}
    if not isinstance(data, dict):
        raise SandboxError("templateVariables must be a JSON object")
    out = []
    for name, spec in data.items():
        if not isinstance(spec, dict) or "schema" not in spec:
            raise SandboxError(f'template variable {name}: expected {{"schema": {{...}}}}')
        out.append({"name": name, "schema": check_schema(name, spec["schema"])})
    return out


def placeholders(config: Any) -> set[str]:
    """The `{{var}}` names used anywhere in a resource config."""
    if isinstance(config, str):
        return set(_PLACEHOLDER.findall(config))
    if isinstance(config, dict):
        return set().union(*map(placeholders, config.keys()), *map(placeholders, config.values()))
    if isinstance(config, list):
        return set().union(*map(placeholders, config))
    return set()


def render(config: Any, values: dict[str, Any]) -> Any:
    """Fill `{{var}}` placeholders: a string that is only a placeholder takes the value's type."""
    if isinstance(config, str):
        whole = _PLACEHOLDER.fullmatch(config.strip())
        if whole and whole.group(1) in values:
            return values[whole.group(1)]
        return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), config)
    if isinstance(config, dict):
        return {render(k, values): render(v, values) for k, v in config.items()}
    if isinstance(config, list):
        return [render(v, values) for v in config]
    return config


def _check_resource(resource: str | None) -> str:
    if resource not in RESOURCE_TYPES:
        raise SandboxError(f"invalid resource type {resource!r}: must be one of {', '.join(RESOURCE_TYPES)}")
    return resource


def _resource_config(text: str | None, resource: str, variables: list[dict[str, Any]]) -> tuple[dict, list[str]]:
    """The stored form of a resource config, and the problems worth a warning (unused variables)."""
    config = _json(text, "the resource config", {})
    if not isinstance(config, dict) or not isinstance(config.get("resource_args", {}), dict):
        raise SandboxError('the resource config must be a JSON object {"resource_args": {...}}')
    used, declared = placeholders(config), {v["name"] for v in variables}
    if used - declared:
        raise SandboxError("template variables without a schema: " + ", ".join(sorted(used - declared)))
    return config, [f"template variable {name} is not used in the resource config" for name in sorted(declared - used)]


# --------------------------------------------------------------------------- queues
def _writable_entity(store: Store, viewer: Viewer, entity_name: str | None) -> Row:
    entity = accounts.entity_by_name(store, entity_name) if entity_name else accounts.user_entity(store, viewer.user)
    if entity is None:
        raise SandboxError(f"entity {entity_name} not found")
    if not accounts.can_write_entity(store, viewer, entity["id"]):
        raise SandboxError(f"permission denied: you are not a member of {entity['name']}")
    return entity


def create_default_resource_config(
    store: Store, viewer: Viewer, entity_name: str, resource: str, config: str, template_variables: str | None,
) -> Row:
    entity = _writable_entity(store, viewer, entity_name)
    variables = parse_template_variables(template_variables)
    parsed, _ = _resource_config(config, _check_resource(resource), variables)
    return store.one("SELECT * FROM default_resource_configs WHERE id = ?",
                     (_insert_config(store, entity["id"], resource, parsed, variables),))


def _insert_config(store: Store, entity_id: int, resource: str, config: dict, variables: list[dict]) -> int:
    ts = now()
    return store.insert(
        "INSERT INTO default_resource_configs (entity_id, resource, config, template_variables, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)", (entity_id, resource, json_text(config), json_text(variables), ts, ts))


def find_queue(store: Store, project_id: int, name: str) -> Row | None:
    return store.one("SELECT * FROM run_queues WHERE project_id = ? AND name = ?", (project_id, name))


def _queue_project(store: Store, viewer: Viewer, entity_name: str | None, project_name: str | None) -> Row:
    entity = _writable_entity(store, viewer, entity_name)
    return accounts.upsert_project(store, viewer, entity["name"], project_name or QUEUE_PROJECT)[0]


def _check_queue_name(name: str | None) -> str:
    if not name or len(name) > 64:
        raise SandboxError("a queue name must have 1 to 64 characters")
    return name


def _check_mode(mode: str | None) -> str:
    mode = mode or "DISABLED"
    if mode not in PRIORITIZATION:
        raise SandboxError(f"invalid prioritization mode {mode!r}")
    return mode


def create_queue(
    store: Store, viewer: Viewer, entity_name: str, project_name: str, name: str, access: str,
    prioritization_mode: str | None = None, default_resource_config_id: int | None = None,
) -> Row:
    if access not in ACCESS:
        raise SandboxError(f"invalid access {access!r}")
    with store.transaction():
        project = _queue_project(store, viewer, entity_name, project_name)
        if find_queue(store, project["id"], _check_queue_name(name)):
            raise SandboxError(f"a run queue named {name} already exists in {entity_name}")
        if default_resource_config_id is not None:
            _own_config(store, project, default_resource_config_id)
        ts = now()
        qid = store.insert(
            "INSERT INTO run_queues (project_id, name, access, prioritization_mode, default_resource_config_id,"
            " created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (project["id"], name, access, _check_mode(prioritization_mode), default_resource_config_id, viewer.id,
             ts, ts))
    return store.one("SELECT * FROM run_queues WHERE id = ?", (qid,))


def _own_config(store: Store, project: Row, config_id: int) -> Row:
    row = store.one("SELECT * FROM default_resource_configs WHERE id = ? AND entity_id = ?",
                    (config_id, project["entity_id"]))
    if row is None:
        raise SandboxError("default resource config not found")
    return row


def _external_links(text: str | None) -> str:
    links = _json(text, "externalLinks", {"links": []}) or {"links": []}
    items = links.get("links") if isinstance(links, dict) else None
    if not isinstance(items, list) or not all(isinstance(x, dict) and {"label", "url"} <= x.keys() for x in items):
        raise SandboxError('externalLinks must be {"links": [{"label": ..., "url": ...}, ...]}')
    return json_text(links)


def upsert_queue(
    store: Store, viewer: Viewer, entity_name: str, project_name: str | None, name: str, resource: str,
    resource_config: str, template_variables: str | None = None, prioritization_mode: str | None = None,
    external_links: str | None = None,
) -> tuple[Row, list[str]]:
    """Create the queue or replace its resource config, variables, links and mode; -> (queue, warnings).

    Null template variables mean none (W&B clears them), as the SDK sends null for `{}`.
    """
    variables = parse_template_variables(template_variables)
    config, warnings = _resource_config(resource_config, _check_resource(resource), variables)
    links, mode = _external_links(external_links), _check_mode(prioritization_mode)
    with store.transaction():
        project = _queue_project(store, viewer, entity_name, project_name)
        queue = find_queue(store, project["id"], _check_queue_name(name))
        config_id, ts = _insert_config(store, project["entity_id"], resource, config, variables), now()
        if queue is None:
            qid = store.insert(
                "INSERT INTO run_queues (project_id, name, access, prioritization_mode, default_resource_config_id,"
                " external_links, created_by, created_at, updated_at) VALUES (?, ?, 'PROJECT', ?, ?, ?, ?, ?, ?)",
                (project["id"], name, mode, config_id, links, viewer.id, ts, ts))
        else:
            qid = queue["id"]
            store.execute(
                "UPDATE run_queues SET prioritization_mode = ?, default_resource_config_id = ?, external_links = ?,"
                " updated_at = ? WHERE id = ?", (mode, config_id, links, ts, qid))
    return store.one("SELECT * FROM run_queues WHERE id = ?", (qid,)), warnings


def delete_queues(store: Store, viewer: Viewer, queue_ids: list[int]) -> None:
    with store.transaction():
        for qid in queue_ids:
            store.execute("DELETE FROM run_queues WHERE id = ?", (writable_queue(store, viewer, qid)["id"],))


def writable_queue(store: Store, viewer: Viewer, run_queue_id: int) -> Row:
    queue = store.one("SELECT * FROM run_queues WHERE id = ?", (run_queue_id,))
    project = queue and store.one("SELECT * FROM projects WHERE id = ?", (queue["project_id"],))
    if project is None or not accounts.can_read_project(store, viewer, project):
        raise SandboxError("run queue not found")
    if not accounts.can_write_project(store, viewer, project):
        raise SandboxError("permission denied")
    return queue


def queue_by_name(store: Store, viewer: Viewer, entity_name: str, project_name: str, name: str) -> Row:
    project = accounts.find_project(store, viewer, entity_name, project_name)
    queue = project and find_queue(store, project["id"], name)
    if queue is None:
        raise SandboxError(f"run queue {name} not found in {entity_name}/{project_name}")
    return writable_queue(store, viewer, queue["id"])


def resource_config(store: Store, queue: Row) -> Row | None:
    config_id = queue["default_resource_config_id"]
    return None if config_id is None else store.one("SELECT * FROM default_resource_configs WHERE id = ?", (config_id,))


# --------------------------------------------------------------------------- items
def item_order(queue: Row) -> str:
    """The order a launch agent takes items in: by priority first when the queue prioritizes."""
    return "priority, id" if queue["prioritization_mode"] == "V0" else "id"


def first_items(store: Store, queue_ids: list[int], limit: int) -> dict[int, list[Row]]:
    """The first `limit` items of each queue, in `item_order`, in one query: {queue id: items}."""
    found: dict[int, list[Row]] = {}
    for row in store.query(
            "SELECT * FROM (SELECT i.*, ROW_NUMBER() OVER (PARTITION BY i.run_queue_id ORDER BY"
            " CASE WHEN q.prioritization_mode = 'V0' THEN i.priority END, i.id) AS n"  # as item_order
            " FROM run_queue_items i JOIN run_queues q ON q.id = i.run_queue_id"
            " WHERE i.run_queue_id IN (SELECT value FROM json_each(?))) WHERE n <= ? ORDER BY run_queue_id, n",
            (json.dumps(queue_ids), limit)):
        found.setdefault(row["run_queue_id"], []).append(row)
    return found


def _template_values(variables: list[dict[str, Any]], text: str | None) -> dict[str, Any]:
    given = _json(text, "templateVariableValues", {}) or {}
    if not isinstance(given, dict):
        raise SandboxError("templateVariableValues must be a JSON object")
    schemas = {v["name"]: v["schema"] for v in variables}
    unknown = sorted(given.keys() - schemas.keys())
    if unknown:
        raise SandboxError("the queue has no template variable " + ", ".join(unknown))
    values = {}
    for name, schema in schemas.items():
        if name not in given and "default" not in schema:
            raise SandboxError(f"template variable {name} needs a value")
        value = given.get(name, schema.get("default"))
        problem = value_problem(schema, value)
        if problem:
            raise SandboxError(f"template variable {name}: {problem}")
        values[name] = value
    return values


def _fill_resource(spec: dict[str, Any], config: Row, values: dict[str, Any]) -> None:
    """The queue's resource and its rendered resource_args, under what the spec itself sets."""
    resource = config["resource"]
    args = render(json.loads(config["config"]), values).get("resource_args", {}).get(resource, {})
    own = (spec.get("resource_args") or {}).get(resource) or {}
    spec["resource"], spec["resource_args"] = resource, {resource: args | own}


def push(
    store: Store, viewer: Viewer, queue: Row, run_spec: str, template_values: str | None = None,
    priority: int | None = None,
) -> Row:
    """Enqueue a run spec; the queue's resource and rendered resource_args fill the spec (as W&B does)."""
    spec = _json(run_spec, "runSpec")
    if not isinstance(spec, dict):
        raise SandboxError("runSpec must be a JSON object")
    if priority is not None and queue["prioritization_mode"] != "V0":
        raise SandboxError(f"run queue {queue['name']} does not prioritize items; enable prioritization first")
    if priority is not None and priority not in PRIORITIES:
        raise SandboxError("priority must be 0 (critical), 1 (high), 2 (medium) or 3 (low)")
    config = resource_config(store, queue)
    variables = json.loads(config["template_variables"]) if config else []
    values = _template_values(variables, template_values)
    if config is not None:
        _fill_resource(spec, config, values)
    ts = now()
    iid = store.insert(
        "INSERT INTO run_queue_items (run_queue_id, priority, run_spec, template_variable_values, created_by, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (queue["id"], DEFAULT_PRIORITY if priority is None else priority, json_text(spec), json_text(values),
         viewer.id, ts, ts))
    return store.one("SELECT * FROM run_queue_items WHERE id = ?", (iid,))


def set_item_state(store: Store, item_id: int, state: str, **columns: Any) -> None:
    if state not in ITEM_STATES:
        raise SandboxError(f"invalid run queue item state {state!r}")
    sets = "".join(f", {c} = ?" for c in columns)
    store.execute(f"UPDATE run_queue_items SET state = ?{sets}, updated_at = ? WHERE id = ?",
                  (state, *columns.values(), now(), item_id))


def pop(store: Store, viewer: Viewer, queue: Row, agent_id: str | None = None) -> Row | None:
    """A launch agent takes the next pending item: it becomes LEASED."""
    with store.transaction():
        item = store.one(f"SELECT * FROM run_queue_items WHERE run_queue_id = ? AND state = 'PENDING'"
                         f" ORDER BY {item_order(queue)} LIMIT 1", (queue["id"],))
        if item is not None:
            set_item_state(store, item["id"], "LEASED", launch_agent_id=agent_id)
    return item and store.one("SELECT * FROM run_queue_items WHERE id = ?", (item["id"],))


def writable_item(store: Store, viewer: Viewer, item_id: int) -> Row:
    item = store.one("SELECT * FROM run_queue_items WHERE id = ?", (item_id,))
    if item is None:
        raise SandboxError("run queue item not found")
    writable_queue(store, viewer, item["run_queue_id"])
    return item


def ack(store: Store, viewer: Viewer, item_id: int, run_name: str) -> bool:
    """The agent started the item's run: CLAIMED, linked to the run. False unless the item was LEASED."""
    with store.transaction():
        if writable_item(store, viewer, item_id)["state"] != "LEASED":
            return False
        set_item_state(store, item_id, "CLAIMED", associated_run_id=run_name)
    return True


def fail(store: Store, viewer: Viewer, item_id: int, message: str | None, stage: str | None,
         file_paths: list[str] | None = None) -> None:
    writable_item(store, viewer, item_id)
    set_item_state(store, item_id, "FAILED",
                   error=json_text({"message": message, "stage": stage, "filePaths": file_paths or []}))


def delete_item(store: Store, viewer: Viewer, run_queue_id: int, item_id: int) -> None:
    if writable_item(store, viewer, item_id)["run_queue_id"] != run_queue_id:
        raise SandboxError("run queue item not found in this queue")
    store.execute("DELETE FROM run_queue_items WHERE id = ?", (item_id,))
