"""Projects: lookup, listing, creation (upsertModel) and visibility."""

from __future__ import annotations

from ariadne import MutationType, ObjectType, QueryType

from .. import accounts
from ..context import Context, ctx
from ..relay import connection, global_id, parse_id

query, mutation = QueryType(), MutationType()
project, entity = ObjectType("Project"), ObjectType("Entity")


@query.field("project")
@query.field("model")
def resolve_project(_, info, name=None, entity_name=None):
    return ctx(info).project(entity_name, name)


def _projects(c: Context, entity_name: str | None, first: int | None, after: str | None):
    visible, params = accounts.visible_projects_sql(c.store, c.viewer)
    entity_row = accounts.entity_by_name(c.store, entity_name or c.viewer.user["username"])
    if entity_row is None:
        return None

    def fetch(offset: int, limit: int):
        return c.store.query(
            f"SELECT * FROM projects WHERE entity_id = ? AND {visible}"
            " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?", [entity_row["id"], *params, limit, offset])
    return connection(fetch, first, after)


@query.field("models")
def resolve_models(_, info, entity_name=None, first=None, after=None):
    return _projects(ctx(info), entity_name, first, after)


@entity.field("projects")
def resolve_entity_projects(obj, info, first=None, after=None):
    return _projects(ctx(info), obj["name"], first, after)


@mutation.field("upsertModel")
def resolve_upsert_model(_, info, input):
    c = ctx(info)
    if input.get("id"):
        row = c.store.one("SELECT p.*, e.name AS entity_name FROM projects p JOIN entities e"
                          " ON e.id = p.entity_id WHERE p.id = ?", (parse_id(input["id"], "Project"),))
        if row is None:
            raise accounts.SandboxError("project not found")
        entity_name, name = row["entity_name"], input.get("name") or row["name"]
    else:
        entity_name, name = input.get("entity_name"), input.get("name")
    row, inserted = accounts.upsert_project(
        c.store, c.viewer, entity_name, name, description=input.get("description"), access=input.get("access"))
    return {"project": row, "model": row, "inserted": inserted}


@project.field("id")
def resolve_project_id(obj, _):
    return global_id("Project", obj["id"])


@project.field("internalId")
def resolve_internal_id(obj, _):
    return str(obj["id"])


def _entity_of(info, obj):
    return ctx(info).cached("entity", obj["entity_id"], "SELECT * FROM entities WHERE id = ?")


@project.field("entity")
def resolve_project_entity(obj, info):
    return _entity_of(info, obj)


@project.field("entityName")
def resolve_entity_name(obj, info):
    return _entity_of(info, obj)["name"]


@project.field("user")
def resolve_project_user(obj, info):
    return ctx(info).cached("user", obj["user_id"], "SELECT * FROM users WHERE id = ?")


@project.field("readOnly")
def resolve_project_read_only(obj, info):
    c = ctx(info)
    return not accounts.can_write_project(c.store, c.viewer, obj)


@project.field("isBenchmark")
def resolve_is_benchmark(*_):
    return False


bindables = [query, mutation, project, entity]
