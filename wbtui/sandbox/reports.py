"""Reports: W&B stores them as views of a project (`upsertView`, type "runs"; drafts are
"runs/draft"), each with a JSON spec that wandb-workspaces writes and reads back whole.

A report is visible to whoever can read its project; writing needs write access to it.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import string
from typing import Any

from . import accounts
from .accounts import SandboxError, Viewer
from .store import Row, Store, now, register_tables

VIEW_SOURCES = frozenset({"WANDB_SDK", "WANDB_UI", "WANDB_UI_SHARE_PANEL", "WEAVE_UI"})

register_tables("""
CREATE TABLE IF NOT EXISTS views (
  id             INTEGER PRIMARY KEY,
  project_id     INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id        INTEGER REFERENCES users(id),
  type           TEXT NOT NULL DEFAULT 'runs',   -- runs (a report) | runs/draft | ...
  name           TEXT NOT NULL,                  -- a random slug, not the title
  display_name   TEXT NOT NULL DEFAULT '',
  description    TEXT NOT NULL DEFAULT '',
  spec           TEXT NOT NULL DEFAULT '{}',
  created_using  TEXT NOT NULL DEFAULT 'WANDB_UI',
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS views_project ON views(project_id, type, name);
""")


def view_id(gid: str | None) -> int | None:
    """The key of a View id, with or without its base64 `=` padding (report URLs drop it)."""
    text = (gid or "").strip()
    try:
        kind, _, pk = base64.b64decode(text + "=" * (-len(text) % 4), validate=True).decode().partition(":")
        return int(pk) if kind == "View" else None
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def new_name(rng: random.Random | None = None) -> str:
    """A view name as wandb-workspaces makes them: 11 characters of [0-9a-z]."""
    return "".join((rng or random.SystemRandom()).choices(string.digits + string.ascii_lowercase, k=11))


def _spec(text: str | None) -> str:
    try:
        spec = json.loads(text or "")
    except ValueError:
        raise SandboxError("spec is not valid JSON") from None
    if not isinstance(spec, dict):
        raise SandboxError("spec must be a JSON object")
    return text


def find(store: Store, viewer: Viewer, gid: str | None) -> Row | None:
    """The view, if the viewer may read its project."""
    row = store.one("SELECT * FROM views WHERE id = ?", (view_id(gid),))
    project = row and store.one("SELECT * FROM projects WHERE id = ?", (row["project_id"],))
    return row if project and accounts.can_read_project(store, viewer, project) else None


def _writable_project(store: Store, viewer: Viewer, project_id: int) -> Row:
    project = store.one("SELECT * FROM projects WHERE id = ?", (project_id,))
    if not accounts.can_read_project(store, viewer, project):
        raise SandboxError("report not found")
    if not accounts.can_write_project(store, viewer, project):
        raise SandboxError("permission denied")
    return project


def upsert(store: Store, viewer: Viewer, data: dict[str, Any]) -> tuple[Row, bool]:
    """W&B's upsertView: update the view `id` names, else the project's view of that type and
    name, else create one; -> (view, inserted). Fields left out or null stay as they are."""
    fields = {"name": data.get("name"), "display_name": data.get("display_name"),
              "description": data.get("description"), "type": data.get("type"),
              "spec": None if data.get("spec") is None else _spec(data["spec"])}
    source = data.get("created_using") or "WANDB_UI"
    if source not in VIEW_SOURCES:
        raise SandboxError(f"invalid createdUsing {source!r}")
    with store.transaction():
        if data.get("id"):
            row = find(store, viewer, data["id"])
            if row is None:
                raise SandboxError("report not found")
        else:
            project = accounts.find_project(store, viewer, data.get("entity_name") or viewer.user["username"],
                                            data.get("project_name"))
            if project is None:
                raise SandboxError(f"project {data.get('entity_name')}/{data.get('project_name')} not found")
            row = fields["name"] and store.one("SELECT * FROM views WHERE project_id = ? AND type = ? AND name = ?",
                                               (project["id"], fields["type"] or "runs", fields["name"]))
        if row:
            _writable_project(store, viewer, row["project_id"])
            updates = {k: v for k, v in fields.items() if v is not None}
            sets = "".join(f", {k} = ?" for k in updates)
            store.execute(f"UPDATE views SET updated_at = ?{sets} WHERE id = ?", (now(), *updates.values(), row["id"]))
            return store.one("SELECT * FROM views WHERE id = ?", (row["id"],)), False
        _writable_project(store, viewer, project["id"])
        ts = now()
        vid = store.insert(
            "INSERT INTO views (project_id, user_id, type, name, display_name, description, spec, created_using,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (project["id"], viewer.id, fields["type"] or "runs", fields["name"] or new_name(),
             fields["display_name"] or "", fields["description"] or "", fields["spec"] or "{}", source, ts, ts))
        return store.one("SELECT * FROM views WHERE id = ?", (vid,)), True


def delete(store: Store, viewer: Viewer, gid: str | None) -> None:
    row = find(store, viewer, gid)
    if row is None:
        raise SandboxError("report not found")
    _writable_project(store, viewer, row["project_id"])
    store.execute("DELETE FROM views WHERE id = ?", (row["id"],))

