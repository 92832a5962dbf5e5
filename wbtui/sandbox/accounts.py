"""Users, API keys, entities (personal and team), membership, projects and who may see them."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from .store import Row, Store, now

# project access values that make a project readable by everyone (W&B: "public" projects)
PUBLIC_ACCESS = frozenset({"USER_READ", "USER_WRITE"})
PROJECT_ACCESS = frozenset({"PRIVATE", "ENTITY_READ", "ENTITY_WRITE"}) | PUBLIC_ACCESS
NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")
# W&B's rule for project names, as the SDK checks it (wandb_settings.validate_project):
# at most 128 characters, none of / \ # ? % :
PROJECT_NAME_RE = re.compile(r"^[^/\\#?%:\x00-\x1f]{1,128}$")


class SandboxError(Exception):
    """A client error whose message is safe to show (becomes a GraphQL error)."""


@dataclass
class Viewer:
    """The authenticated user of one request."""

    user: Row
    admin_mode: bool = False  # an instance admin who sent Use-Admin-Privileges: true
    _entity_ids: set[int] | None = field(default=None, repr=False)

    @property
    def id(self) -> int:
        return self.user["id"]

    @property
    def is_admin(self) -> bool:
        return bool(self.user["admin"])


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    # the on-prem form the SDK accepts: "<prefix>-<40+ word characters>"
    return "local-" + secrets.token_hex(20)


def check_name(name: str | None, what: str) -> str:
    if not name or not NAME_RE.match(name):
        raise SandboxError(f"invalid {what} name {name!r}: use letters, digits, '-', '_' or '.'")
    return name


# --------------------------------------------------------------------------- users and keys
def create_user(
    store: Store, *, email: str | None = None, username: str | None = None,
    name: str = "", admin: bool = False,
) -> Row:
    """A user with a personal entity of the same name (names are unique across entities)."""
    if username is None:
        if not email or "@" not in email:
            raise SandboxError(f"invalid email {email!r}")
        username = _free_name(store, re.sub(r"[^A-Za-z0-9_-]", "-", email.split("@")[0]) or "user")
    check_name(username, "user")
    with store.transaction():
        if email and store.one("SELECT 1 FROM users WHERE email = ?", (email,)):
            raise SandboxError(f"a user with email {email} already exists")
        if store.one("SELECT 1 FROM entities WHERE name = ?", (username,)):
            raise SandboxError(f"the name {username} is already taken")
        ts = now()
        uid = store.insert(
            "INSERT INTO users (username, name, email, admin, created_at) VALUES (?, ?, ?, ?, ?)",
            (username, name or username, email, int(admin), ts))
        eid = store.insert("INSERT INTO entities (name, is_team, created_at) VALUES (?, 0, ?)", (username, ts))
        store.execute("INSERT INTO members (entity_id, user_id, role, created_at) VALUES (?, ?, 'admin', ?)",
                      (eid, uid, ts))
    return store.one("SELECT * FROM users WHERE id = ?", (uid,))


def _free_name(store: Store, base: str) -> str:
    name, n = base, 1
    while store.one("SELECT 1 FROM entities WHERE name = ?", (name,)):
        n += 1
        name = f"{base}{n}"
    return name


def create_api_key(store: Store, user_id: int, secret: str | None = None, description: str | None = None) -> str:
    """Store a key's hash for a user; return the secret (the only time it is known)."""
    secret = secret or new_secret()
    store.execute(
        "INSERT INTO api_keys (user_id, name, key_hash, description, created_at) VALUES (?, ?, ?, ?, ?)",
        (user_id, "key-" + secrets.token_hex(4), hash_key(secret), description, now()))
    return secret


def user_for_key(store: Store, secret: str) -> Row | None:
    return store.one(
        "SELECT u.* FROM api_keys k JOIN users u ON u.id = k.user_id"
        " WHERE k.key_hash = ? AND u.deleted_at IS NULL", (hash_key(secret),))


def bootstrap_admin(store: Store, api_key: str | None = None) -> str | None:
    """Make sure an admin exists and `api_key` (if given) logs in as one.

    Returns a newly generated secret on a fresh database without `api_key`, else None.
    """
    admin = store.one("SELECT * FROM users WHERE admin = 1 ORDER BY id LIMIT 1")
    if admin is None:
        admin = create_user(store, username="admin", email="admin@localhost", name="Admin", admin=True)
    if api_key:
        if user_for_key(store, api_key) is None:
            create_api_key(store, admin["id"], api_key, "given with --api-key")
        return None
    if store.one("SELECT 1 FROM api_keys WHERE user_id = ?", (admin["id"],)):
        return None
    return create_api_key(store, admin["id"], description="created on first start")


# --------------------------------------------------------------------------- entities
def entity_by_name(store: Store, name: str | None) -> Row | None:
    return store.one("SELECT * FROM entities WHERE name = ?", (name,)) if name else None


def user_entity(store: Store, user: Row) -> Row:
    return store.one("SELECT * FROM entities WHERE name = ? AND is_team = 0", (user["username"],))


def create_team(store: Store, name: str, admin_user_id: int, default_access: str | None = None) -> Row:
    check_name(name, "team")
    access = default_access or "PRIVATE"
    if access not in PROJECT_ACCESS:
        raise SandboxError(f"invalid access {access!r}")
    with store.transaction():
        if store.one("SELECT 1 FROM entities WHERE name = ?", (name,)):
            raise SandboxError(f"the name {name} is already taken")
        ts = now()
        eid = store.insert(
            "INSERT INTO entities (name, is_team, default_access, created_at) VALUES (?, 1, ?, ?)",
            (name, access, ts))
        add_member(store, eid, admin_user_id, "admin")
    return store.one("SELECT * FROM entities WHERE id = ?", (eid,))


def add_member(store: Store, entity_id: int, user_id: int, role: str = "member") -> None:
    store.execute(
        "INSERT OR REPLACE INTO members (entity_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
        (entity_id, user_id, role, now()))


def entity_ids_of(store: Store, viewer: Viewer) -> set[int]:
    if viewer._entity_ids is None:
        rows = store.query("SELECT entity_id FROM members WHERE user_id = ?", (viewer.id,))
        viewer._entity_ids = {r["entity_id"] for r in rows}
    return viewer._entity_ids


def can_write_entity(store: Store, viewer: Viewer, entity_id: int) -> bool:
    return viewer.admin_mode or entity_id in entity_ids_of(store, viewer)


# --------------------------------------------------------------------------- projects
def can_read_project(store: Store, viewer: Viewer, project: Row) -> bool:
    return (project["access"] in PUBLIC_ACCESS or viewer.admin_mode
            or project["entity_id"] in entity_ids_of(store, viewer))


def can_write_project(store: Store, viewer: Viewer, project: Row) -> bool:
    return project["access"] == "USER_WRITE" or can_write_entity(store, viewer, project["entity_id"])


def visible_projects_sql(store: Store, viewer: Viewer) -> tuple[str, list[Any]]:
    """A WHERE fragment over `projects` that keeps what the viewer may read."""
    if viewer.admin_mode:
        return "1", []
    ids = sorted(entity_ids_of(store, viewer))
    marks = ",".join("?" * len(ids)) or "NULL"
    public = ",".join("?" * len(PUBLIC_ACCESS))
    return f"(projects.entity_id IN ({marks}) OR projects.access IN ({public}))", [*ids, *sorted(PUBLIC_ACCESS)]


def find_project(store: Store, viewer: Viewer, entity_name: str | None, name: str | None) -> Row | None:
    """The project, or None when it does not exist or the viewer may not see it."""
    row = store.one(
        "SELECT p.* FROM projects p JOIN entities e ON e.id = p.entity_id WHERE e.name = ? AND p.name = ?",
        (entity_name, name))
    return row if row is not None and can_read_project(store, viewer, row) else None


def upsert_project(
    store: Store, viewer: Viewer, entity_name: str | None, name: str, **fields: Any,
) -> tuple[Row, bool]:
    """Create the project (or update the given fields); -> (row, inserted)."""
    entity = entity_by_name(store, entity_name) if entity_name else user_entity(store, viewer.user)
    if entity is None:
        raise SandboxError(f"entity {entity_name} not found")
    if not can_write_entity(store, viewer, entity["id"]):
        raise SandboxError(f"permission denied: you are not a member of {entity['name']}")
    if fields.get("access") is not None and fields["access"] not in PROJECT_ACCESS:
        raise SandboxError(f"invalid access {fields['access']!r}")
    updates = {k: v for k, v in fields.items() if v is not None}
    with store.transaction():
        row = store.one("SELECT * FROM projects WHERE entity_id = ? AND name = ?", (entity["id"], name))
        if row is None:
            if not name or not PROJECT_NAME_RE.match(name) or name != name.strip():
                raise SandboxError(f"invalid project name {name!r}: at most 128 characters, none of / \\ # ? % :")
            ts = now()
            pid = store.insert(
                "INSERT INTO projects (entity_id, name, description, access, user_id, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (entity["id"], name, updates.get("description"), updates.get("access") or entity["default_access"],
                 viewer.id, ts, ts))
            return store.one("SELECT * FROM projects WHERE id = ?", (pid,)), True
        if updates:
            sets = ", ".join(f"{k} = ?" for k in updates)
            store.execute(f"UPDATE projects SET {sets}, updated_at = ? WHERE id = ?",
                          (*updates.values(), now(), row["id"]))
            row = store.one("SELECT * FROM projects WHERE id = ?", (row["id"],))
        return row, False
