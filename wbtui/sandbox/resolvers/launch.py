"""Launch: run queues, default resource configs, queue items, and the mutations the SDK and a
launch agent send (create/upsert queues, push, pop, ack, fail, delete).

The list of queues reads the first items of all its queues in one query (see `context.py`)."""

from __future__ import annotations

import json

from ariadne import MutationType, ObjectType

from .. import launch
from ..accounts import SandboxError
from ..context import ctx, mark_page, page_of
from ..relay import connection, global_id, limit_of, parse_id
from ..store import Row

mutation = MutationType()
project, entity = ObjectType("Project"), ObjectType("Entity")
queue, item, config = ObjectType("RunQueue"), ObjectType("RunQueueItem"), ObjectType("DefaultResourceConfig")


def _maybe_id(gid: str | None, type_name: str) -> int | None:
    try:
        return parse_id(gid, type_name)
    except SandboxError:
        return None


# --------------------------------------------------------------------------- lookups
@project.field("runQueue")
def resolve_run_queue(obj, info, name):
    return launch.find_queue(ctx(info).store, obj["id"], name)


@project.field("runQueues")
def resolve_run_queues(obj, info):
    return mark_page(ctx(info).store.query("SELECT * FROM run_queues WHERE project_id = ? ORDER BY id", (obj["id"],)))


@entity.field("defaultResourceConfig")
def resolve_default_resource_config(obj, info, id):
    return ctx(info).store.one("SELECT * FROM default_resource_configs WHERE id = ? AND entity_id = ?",
                               (_maybe_id(id, "DefaultResourceConfig"), obj["id"]))


@entity.field("defaultResourceConfigs")
def resolve_default_resource_configs(obj, info, first=None, after=None):
    store = ctx(info).store
    return connection(lambda offset, limit: store.query(
        "SELECT * FROM default_resource_configs WHERE entity_id = ? ORDER BY id LIMIT ? OFFSET ?",
        (obj["id"], limit, offset)), first, after)


# --------------------------------------------------------------------------- RunQueue
@queue.field("id")
def resolve_queue_id(obj, _):
    return global_id("RunQueue", obj["id"])


@queue.field("defaultResourceConfigID")
def resolve_queue_config_id(obj, _):
    pk = obj["default_resource_config_id"]
    return None if pk is None else global_id("DefaultResourceConfig", pk)


@queue.field("externalLinks")
def resolve_external_links(obj, _):
    return json.loads(obj["external_links"])  # W&B answers an object here, though typed JSONString


@queue.field("runQueueItem")
def resolve_queue_item(obj, info, id):
    return ctx(info).store.one("SELECT * FROM run_queue_items WHERE id = ? AND run_queue_id = ?",
                               (_maybe_id(id, "RunQueueItem"), obj["id"]))


@queue.field("runQueueItems")
def resolve_queue_items(obj, info, first=None, after=None, **_):
    c = ctx(info)
    if after is None:  # the first items of every queue of the list, in one query
        wanted = limit_of(first) + 1  # one more tells whether another page follows
        rows = c.batch(("first items", wanted), obj["id"], [q["id"] for q in page_of(obj)],
                       lambda ids: launch.first_items(c.store, ids, wanted), [])
        return connection(lambda offset, limit: rows[offset:offset + limit], first, None)

    def fetch(offset: int, limit: int) -> list[Row]:
        return c.store.query(
            f"SELECT * FROM run_queue_items WHERE run_queue_id = ? ORDER BY {launch.item_order(obj)} LIMIT ? OFFSET ?",
            (obj["id"], limit, offset))
    return connection(fetch, first, after)


# --------------------------------------------------------------------------- RunQueueItem
@item.field("id")
def resolve_item_id(obj, _):
    return global_id("RunQueueItem", obj["id"])


@item.field("runSpec")
def resolve_item_spec(obj, _):
    return json.loads(obj["run_spec"])


# --------------------------------------------------------------------------- DefaultResourceConfig
@config.field("id")
def resolve_config_id(obj, _):
    return global_id("DefaultResourceConfig", obj["id"])


@config.field("config")
def resolve_config(obj, _):
    return json.loads(obj["config"])


@config.field("templateVariables")
def resolve_template_variables(obj, _):
    # W&B returns each schema as a compact JSON string
    return [{"name": v["name"], "schema": json.dumps(v["schema"], separators=(",", ":"))}
            for v in json.loads(obj["template_variables"])]


# --------------------------------------------------------------------------- mutations
@mutation.field("createDefaultResourceConfig")
def resolve_create_default_resource_config(_, info, input):
    c = ctx(info)
    row = launch.create_default_resource_config(c.store, c.viewer, input["entity_name"], input["resource"],
                                                input["config"], input.get("template_variables"))
    return {"default_resource_config_id": global_id("DefaultResourceConfig", row["id"]), "success": True}


@mutation.field("createRunQueue")
def resolve_create_run_queue(_, info, input):
    c = ctx(info)
    config_id = input.get("default_resource_config_id")
    row = launch.create_queue(
        c.store, c.viewer, input["entity_name"], input["project_name"], input["queue_name"], input["access"],
        input.get("prioritization_mode"), None if config_id is None else parse_id(config_id, "DefaultResourceConfig"))
    return {"success": True, "queue_id": global_id("RunQueue", row["id"])}


@mutation.field("upsertRunQueue")
def resolve_upsert_run_queue(_, info, input=None):
    c, input = ctx(info), input or {}
    _, warnings = launch.upsert_queue(
        c.store, c.viewer, input.get("entity_name"), input.get("project_name"), input.get("queue_name"),
        input.get("resource_type"), input.get("resource_config"), input.get("template_variables"),
        input.get("prioritization_mode"), input.get("external_links"))
    return {"success": True, "config_schema_validation_errors": warnings}


@mutation.field("deleteRunQueues")
def resolve_delete_run_queues(_, info, input):
    c = ctx(info)
    launch.delete_queues(c.store, c.viewer, [parse_id(q, "RunQueue") for q in input["queue_i_ds"]])
    return {"success": True}


def _pushed(row: Row) -> dict:
    return {"run_queue_item_id": global_id("RunQueueItem", row["id"]), "run_spec": row["run_spec"]}


@mutation.field("pushToRunQueueByName")
def resolve_push_by_name(_, info, input):
    c = ctx(info)
    q = launch.queue_by_name(c.store, c.viewer, input["entity_name"], input["project_name"], input["queue_name"])
    return _pushed(launch.push(c.store, c.viewer, q, input["run_spec"]))


@mutation.field("pushToRunQueue")
def resolve_push(_, info, input):
    c = ctx(info)
    q = launch.writable_queue(c.store, c.viewer, parse_id(input["queue_id"], "RunQueue"))
    return _pushed(launch.push(c.store, c.viewer, q, input["run_spec"]))


@mutation.field("popFromRunQueue")
def resolve_pop(_, info, input):
    c = ctx(info)
    q = launch.queue_by_name(c.store, c.viewer, input["entity_name"], input["project_name"], input["queue_name"])
    row = launch.pop(c.store, c.viewer, q, input.get("launch_agent_id"))
    if row is None:
        return {"run_queue_item_id": None, "run_spec": None}
    return {"run_queue_item_id": global_id("RunQueueItem", row["id"]), "run_spec": json.loads(row["run_spec"])}


@mutation.field("ackRunQueueItem")
def resolve_ack(_, info, input):
    c = ctx(info)
    return {"success": launch.ack(c.store, c.viewer, parse_id(input["run_queue_item_id"], "RunQueueItem"),
                                  input["run_name"])}


@mutation.field("failRunQueueItem")
def resolve_fail(_, info, input):
    c = ctx(info)
    launch.fail(c.store, c.viewer, parse_id(input["run_queue_item_id"], "RunQueueItem"), input.get("message"),
                input.get("stage"), input.get("file_paths"))
    return {"success": True}


@mutation.field("deleteFromRunQueue")
def resolve_delete_from_run_queue(_, info, input):
    c = ctx(info)
    launch.delete_item(c.store, c.viewer, parse_id(input["queue_id"], "RunQueue"),
                       parse_id(input["run_queue_item_id"], "RunQueueItem"))
    return {"success": True}


bindables = [mutation, project, entity, queue, item, config]
