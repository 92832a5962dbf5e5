"""Runs: create and update (W&B's upsertBucket), state changes, and the crashed-run sweep."""

from __future__ import annotations

import json
import secrets
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from typing import Any

from . import accounts
from .accounts import SandboxError, Viewer
from .relay import parse_id
from .storage import Storage
from .store import Row, Store, json_text, now

STATES = frozenset({"running", "pending", "finished", "failed", "crashed", "killed", "preempted", "preempting"})
TERMINAL = frozenset({"finished", "failed", "crashed", "killed", "preempted"})

# upsertBucket input field -> runs column, for the fields stored as given
_COLUMNS = {
    "display_name": "display_name", "description": "description", "notes": "notes",
    "group_name": "group_name", "job_type": "job_type", "commit": "commit_hash", "host": "host",
    "job_program": "program", "job_repo": "repo",
}
_ADJECTIVES = ("amber", "brisk", "calm", "dark", "eager", "fancy", "gentle", "hardy", "icy", "jolly",
               "keen", "lively", "misty", "noble", "olive", "proud", "quiet", "rosy", "sunny", "tidy")
_NOUNS = ("aurora", "breeze", "cloud", "dawn", "ember", "forest", "glade", "harbor", "island", "jungle",
          "lake", "meadow", "night", "ocean", "pine", "river", "sky", "thunder", "valley", "wave")


def _json_object(text: str | None, what: str) -> str | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        raise SandboxError(f"{what} is not valid JSON") from None
    if not isinstance(value, dict):
        raise SandboxError(f"{what} must be a JSON object")
    return json_text(value)


def _friendly_name(store: Store, project_id: int) -> str:
    n = store.scalar("SELECT COUNT(*) FROM runs WHERE project_id = ?", (project_id,)) + 1
    return f"{secrets.choice(_ADJECTIVES)}-{secrets.choice(_NOUNS)}-{n}"


def run_by_id(store: Store, run_id: int) -> Row | None:
    return store.one("SELECT * FROM runs WHERE id = ?", (run_id,))


def find_run(store: Store, viewer: Viewer, entity: str | None, project: str | None, name: str) -> Row | None:
    p = accounts.find_project(store, viewer, entity, project)
    return None if p is None else store.one(
        "SELECT * FROM runs WHERE project_id = ? AND name = ?", (p["id"], name))


def upsert(store: Store, viewer: Viewer, data: dict[str, Any]) -> tuple[Row, bool]:
    """W&B's upsertBucket: update the run `id` names, else create or update by project and name.

    Fields left out or null stay as they are; config, summary and tags are replaced whole.
    """
    with store.transaction():
        if data.get("id"):
            run = run_by_id(store, parse_id(data["id"], "Run"))
            if run is None:
                raise SandboxError("run not found")
            project = store.one("SELECT * FROM projects WHERE id = ?", (run["project_id"],))
            if not accounts.can_write_project(store, viewer, project):
                raise SandboxError("permission denied")
        else:
            project = _writable_project(store, viewer, data.get("entity_name"), data.get("model_name"))
            name = data.get("name") or secrets.token_hex(4)
            run = store.one("SELECT * FROM runs WHERE project_id = ? AND name = ?", (project["id"], name))
        inserted = run is None
        if inserted:
            ts = now()
            state = data.get("state") or "running"
            _check_state(state)
            run_id = store.insert(
                "INSERT INTO runs (project_id, name, display_name, state, user_id, created_at, updated_at,"
                " heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (project["id"], name, data.get("display_name") or _friendly_name(store, project["id"]),
                 state, viewer.id, ts, ts, ts))
            run = run_by_id(store, run_id)
        updates = {col: data[key] for key, col in _COLUMNS.items() if data.get(key) is not None}
        if data.get("config") is not None:
            updates["config"] = _json_object(data["config"], "config")
        if data.get("summary_metrics") is not None:
            updates["summary"] = _json_object(data["summary_metrics"], "summaryMetrics")
        if data.get("tags") is not None:
            updates["tags"] = json.dumps([t for t in data["tags"] if t is not None])
        if data.get("state") is not None and not inserted:
            _check_state(data["state"])
            updates["state"] = data["state"]
        if data.get("sweep"):
            updates["sweep_id"] = _sweep_id(store, project["id"], data["sweep"])
        if updates:
            update_run(store, run["id"], **updates)
            run = run_by_id(store, run["id"])
        return run, inserted


def update_run(store: Store, run_id: int, **columns: Any) -> None:
    sets = ", ".join(f"{c} = ?" for c in columns)
    store.execute(f"UPDATE runs SET {sets}, updated_at = ? WHERE id = ?", (*columns.values(), now(), run_id))


def _check_state(state: str) -> None:
    if state not in STATES:
        raise SandboxError(f"invalid run state {state!r}")


def _writable_project(store: Store, viewer: Viewer, entity_name: str | None, name: str | None) -> Row:
    entity = accounts.entity_by_name(store, entity_name) if entity_name else accounts.user_entity(store, viewer.user)
    if entity is None:
        raise SandboxError(f"entity {entity_name} not found")
    name = name or "uncategorized"
    project = store.one("SELECT * FROM projects WHERE entity_id = ? AND name = ?", (entity["id"], name))
    if project is not None and accounts.can_write_project(store, viewer, project):
        return project
    return accounts.upsert_project(store, viewer, entity["name"], name)[0]


def _sweep_id(store: Store, project_id: int, sweep: str) -> int:
    row = store.one("SELECT id FROM sweeps WHERE project_id = ? AND name = ?", (project_id, sweep))
    if row is None:
        raise SandboxError(f"sweep {sweep} not found")
    return row["id"]


def mark_stale(store: Store, after_seconds: float) -> int:
    """Runs whose heartbeat stopped without a `complete` become crashed (or preempted)."""
    cutoff = (datetime.now(timezone.utc) - timedelta(seconds=after_seconds)).strftime("%Y-%m-%dT%H:%M:%S")
    cur = store.execute(
        "UPDATE runs SET state = CASE WHEN preempting THEN 'preempted' ELSE 'crashed' END, updated_at = ?"
        " WHERE state = 'running' AND heartbeat_at < ?", (now(), cutoff))
    return cur.rowcount


def files_key(run_id: int, name: str = "") -> str:
    """The storage key of a run file (or, without a name, of the run's folder)."""
    return f"runs/{run_id}/{name}".rstrip("/")


def delete(store: Store, storage: Storage, run: Row) -> None:
    """Delete a run with its history, logs and files (rows go by ON DELETE CASCADE)."""
    try:
        store.execute("DELETE FROM runs WHERE id = ?", (run["id"],))
    except sqlite3.IntegrityError:
        raise SandboxError("the run is still referenced (e.g. by artifacts) and cannot be deleted") from None
    shutil.rmtree(storage.path(files_key(run["id"])), ignore_errors=True)
