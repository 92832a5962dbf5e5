"""Reports: views of a project (`allViews`, `view`), `upsertView` and `deleteView`."""

from __future__ import annotations

from ariadne import MutationType, ObjectType, QueryType

from .. import reports
from ..context import ctx
from ..relay import connection, global_id

query, mutation = QueryType(), MutationType()
project, view = ObjectType("Project"), ObjectType("View")


@query.field("view")
def resolve_view(_, info, id, type=None):
    c = ctx(info)
    row = reports.find(c.store, c.viewer, id)
    return row if row and type in (None, row["type"]) else None


@project.field("allViews")
def resolve_all_views(obj, info, view_type=None, view_name=None, first=None, after=None):
    where, params = "project_id = ?", [obj["id"]]
    for column, value in (("type", view_type), ("name", view_name)):
        if value is not None:
            where += f" AND {column} = ?"
            params.append(value)

    def fetch(offset: int, limit: int):
        return ctx(info).store.query(f"SELECT * FROM views WHERE {where} ORDER BY created_at DESC, id DESC"
                                     " LIMIT ? OFFSET ?", (*params, limit, offset))
    return connection(fetch, first, after)


@view.field("id")
def resolve_view_id(obj, _):
    return global_id("View", obj["id"])


@view.field("project")
def resolve_view_project(obj, info):
    return ctx(info).cached("project", obj["project_id"], "SELECT * FROM projects WHERE id = ?")


@view.field("projectName")
def resolve_view_project_name(obj, info):
    return resolve_view_project(obj, info)["name"]


@view.field("entityName")
def resolve_view_entity_name(obj, info):
    entity_id = resolve_view_project(obj, info)["entity_id"]
    return ctx(info).cached("entity", entity_id, "SELECT * FROM entities WHERE id = ?")["name"]


@view.field("user")
def resolve_view_user(obj, info):
    return ctx(info).cached("user", obj["user_id"], "SELECT * FROM users WHERE id = ?")


@mutation.field("upsertView")
def resolve_upsert_view(_, info, input):
    c = ctx(info)
    row, inserted = reports.upsert(c.store, c.viewer, input)
    return {"view": row, "inserted": inserted}


@mutation.field("deleteView")
def resolve_delete_view(_, info, input):
    c = ctx(info)
    reports.delete(c.store, c.viewer, input.get("id"))
    return {"success": True, "pending_drafts": False}


bindables = [query, mutation, project, view]
