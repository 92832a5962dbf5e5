"""Viewer, users, entities, teams and their members."""

from __future__ import annotations

from ariadne import MutationType, ObjectType, QueryType

from .. import accounts
from ..accounts import SandboxError
from ..context import ctx
from ..relay import edges, global_id

query, mutation = QueryType(), MutationType()
user, entity = ObjectType("User"), ObjectType("Entity")


@query.field("viewer")
def resolve_viewer(_, info):
    return ctx(info).viewer.user


@query.field("users")
def resolve_users(_, info, query=None):
    c = ctx(info)
    c.require_admin()
    like = f"%{query or ''}%"
    rows = c.store.query(
        "SELECT * FROM users WHERE deleted_at IS NULL AND (username LIKE ? OR name LIKE ? OR email LIKE ?)"
        " ORDER BY username", (like, like, like))
    return edges(rows)


@query.field("entity")
def resolve_entity(_, info, name=None):
    c = ctx(info)
    return accounts.entity_by_name(c.store, name or c.viewer.user["username"])


@mutation.field("createUser")
def resolve_create_user(_, info, input):
    c = ctx(info)
    c.require_admin()
    return {"user": accounts.create_user(c.store, email=input["email"], admin=bool(input.get("admin")))}


@mutation.field("createTeam")
def resolve_create_team(_, info, input):
    c = ctx(info)
    admin_name = input.get("team_admin_user_name")
    if admin_name:
        admin = c.store.one("SELECT * FROM users WHERE username = ? AND deleted_at IS NULL", (admin_name,))
        if admin is None:
            raise SandboxError(f"user {admin_name} not found")
    else:
        admin = c.viewer.user
    team = accounts.create_team(c.store, input["team_name"], admin["id"], input.get("default_access"))
    return {"entity": team}


# --------------------------------------------------------------------------- User
@user.field("id")
def resolve_user_id(obj, _):
    return global_id("User", obj["id"])


@user.field("entity")
def resolve_user_entity(obj, _):
    return obj["username"]


@user.field("admin")
def resolve_user_admin(obj, _):
    return bool(obj["admin"])


@user.field("photoUrl")
def resolve_photo_url(*_):
    return None


@user.field("apiKeys")
def resolve_api_keys(obj, info):
    """Key labels (never secrets), for the viewer's own account or an admin."""
    c = ctx(info)
    if obj["id"] != c.viewer.id and not c.viewer.admin_mode:
        return None
    rows = c.store.query(
        "SELECT id, name, description FROM api_keys WHERE user_id = ? ORDER BY id", (obj["id"],))
    return edges([{**r, "id": global_id("ApiKey", r["id"])} for r in rows])


@user.field("teams")
def resolve_user_teams(obj, info):
    rows = ctx(info).store.query(
        "SELECT e.* FROM entities e JOIN members m ON m.entity_id = e.id"
        " WHERE m.user_id = ? AND e.is_team = 1 ORDER BY e.name", (obj["id"],))
    return edges(rows)


# --------------------------------------------------------------------------- Entity
@entity.field("id")
def resolve_entity_id(obj, _):
    return global_id("Entity", obj["id"])


@entity.field("isTeam")
def resolve_is_team(obj, _):
    return bool(obj["is_team"])


@entity.field("entityType")
def resolve_entity_type(obj, _):
    return "team" if obj["is_team"] else "user"


@entity.field("members")
def resolve_members(obj, info):
    rows = ctx(info).store.query(
        "SELECT u.*, m.role FROM members m JOIN users u ON u.id = m.user_id"
        " WHERE m.entity_id = ? ORDER BY u.username", (obj["id"],))
    return [{
        "id": global_id("User", r["id"]), "name": r["name"], "username": r["username"], "email": r["email"],
        "admin": r["role"] == "admin", "role": r["role"], "pending": False, "photo_url": None,
        "account_type": "USER", "api_key": None,  # W&B's field exists; the sandbox never reveals keys
    } for r in rows]


@entity.field("readOnly")
def resolve_entity_read_only(obj, info):
    c = ctx(info)
    return not accounts.can_write_entity(c.store, c.viewer, obj["id"])


# fields W&B has for billing and storage that a sandbox answers with fixed values
for name, value in (("available", False), ("photoUrl", None), ("limits", "{}"), ("readOnlyAdmin", False),
                    ("privateOnly", False), ("storageBytes", 0), ("codeSavingEnabled", True),
                    ("isPaid", False), ("organization", None)):
    entity.set_field(name, lambda *_, value=value: value)

bindables = [query, mutation, user, entity]
