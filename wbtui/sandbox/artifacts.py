"""Artifacts: types, collections (sequences), versions, aliases, tags, manifests, files, lineage.

How W&B does it, and so the sandbox (the SDK's write path, see `resolvers/artifacts.py`):

* `create` makes a PENDING version in a collection (created with its type on first use). With
  digest deduplication (the SDK always asks for it) a committed version of the collection with
  the same digest is returned instead, and the requested aliases move to it: no new version.
* File contents are stored once per project, addressed by their MD5 (`blob_key`); a file the
  project already has is not uploaded again.  The manifest (JSON) is such a blob too.
* `commit` reads the manifest, records its entries as the version's files, gives the version the
  next `versionIndex` and moves its aliases (`latest` always) from their previous holders: an
  alias names one version of a collection at a time.
* Lineage: the run that logged a version (`run_id`; `user_id` when no run did) and the runs that
  used it (`artifact_usage`).

`log_artifact` and `use_artifact` do all of it in-process (the demo and tests use them).
"""

from __future__ import annotations

import base64
import hashlib
import json
import mimetypes
import re
from collections.abc import Iterable, Mapping
from typing import Any

from . import accounts, store as store_module
from .accounts import SandboxError, Viewer
from .relay import global_id, parse_id
from .storage import Storage, on_upload
from .store import Row, Store, json_text, now

store_module.register_tables("""
CREATE TABLE IF NOT EXISTS artifact_types (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  description TEXT,
  created_at  TEXT NOT NULL,
  UNIQUE (project_id, name)
);
CREATE TABLE IF NOT EXISTS artifact_collections (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  type_id     INTEGER NOT NULL REFERENCES artifact_types(id),
  name        TEXT NOT NULL,
  description TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  UNIQUE (project_id, name)
);
CREATE INDEX IF NOT EXISTS artifact_collections_type ON artifact_collections(type_id);
CREATE TABLE IF NOT EXISTS artifacts (
  id               INTEGER PRIMARY KEY,
  collection_id    INTEGER NOT NULL REFERENCES artifact_collections(id) ON DELETE CASCADE,
  version_index    INTEGER,                 -- given at commit
  state            TEXT NOT NULL,           -- PENDING | COMMITTED | DELETED
  digest           TEXT NOT NULL,           -- the manifest digest (md5 hex) the client computed
  description      TEXT,
  metadata         TEXT,                    -- a JSON object, or NULL
  size             INTEGER NOT NULL DEFAULT 0,
  file_count       INTEGER NOT NULL DEFAULT 0,
  history_step     INTEGER,
  ttl_seconds      INTEGER NOT NULL DEFAULT -2,   -- W&B: -2 = no TTL
  ttl_inherited    INTEGER NOT NULL DEFAULT 1,
  run_id           INTEGER REFERENCES runs(id) ON DELETE SET NULL,  -- the run that logged it
  user_id          INTEGER REFERENCES users(id),  -- who created it
  client_id        TEXT UNIQUE,             -- the SDK's id for this save: a retried create is not doubled
  manifest_digest  TEXT,                    -- base64 md5 of the manifest blob
  manifest_type    TEXT NOT NULL DEFAULT 'FULL',  -- FULL | INCREMENTAL
  base_id          INTEGER,                 -- the version an incremental manifest extends
  pending_aliases  TEXT NOT NULL DEFAULT '[]',    -- aliases to take at commit
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  UNIQUE (collection_id, version_index)
);
CREATE INDEX IF NOT EXISTS artifacts_digest ON artifacts(collection_id, digest);
CREATE INDEX IF NOT EXISTS artifacts_run ON artifacts(run_id);
CREATE TABLE IF NOT EXISTS artifact_aliases (
  id             INTEGER PRIMARY KEY,
  collection_id  INTEGER NOT NULL REFERENCES artifact_collections(id) ON DELETE CASCADE,
  alias          TEXT NOT NULL,
  artifact_id    INTEGER NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
  UNIQUE (collection_id, alias)
);
CREATE INDEX IF NOT EXISTS artifact_aliases_artifact ON artifact_aliases(artifact_id);
CREATE TABLE IF NOT EXISTS artifact_tags (
  id           INTEGER PRIMARY KEY,
  artifact_id  INTEGER NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  UNIQUE (artifact_id, name)
);
CREATE TABLE IF NOT EXISTS artifact_blobs (
  project_id         INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  md5                TEXT NOT NULL,       -- base64, as W&B reports digests
  size               INTEGER NOT NULL DEFAULT 0,
  birth_artifact_id  INTEGER,             -- the version that first stored it
  uploaded           INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, md5)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS artifact_files (
  id                 INTEGER PRIMARY KEY,
  artifact_id        INTEGER NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
  name               TEXT NOT NULL,       -- the path inside the artifact
  digest             TEXT NOT NULL,       -- base64 md5 (or a reference's digest)
  size               INTEGER NOT NULL DEFAULT 0,
  ref                TEXT,                -- a reference entry's URI (not stored here)
  birth_artifact_id  INTEGER,
  mimetype           TEXT,
  UNIQUE (artifact_id, name)
);
CREATE TABLE IF NOT EXISTS artifact_usage (     -- rowid: the order of use
  artifact_id  INTEGER NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
  run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  created_at   TEXT NOT NULL,
  PRIMARY KEY (artifact_id, run_id)
);
CREATE INDEX IF NOT EXISTS artifact_usage_run ON artifact_usage(run_id);
""")

STATES = frozenset({"PENDING", "COMMITTED", "DELETED"})
NAME_RE = re.compile(r"^[\w.-]{1,128}$")  # collection names (the SDK allows the same)
TYPE_RE = re.compile(r"^[-\w]+([ ]*[-.\w]+)*$")
TAG_RE = re.compile(r"^[-\w]+([ ]+[-\w]+)*$")
VERSION_RE = re.compile(r"^v(\d+)$")
MANIFEST_HEADER = {"version": 1, "storagePolicy": "wandb-storage-policy-v1",
                   "storagePolicyConfig": {"storageLayout": "V2"}}
# an artifact row with what every reader needs: its collection's name, project and type
SELECT = ("SELECT a.*, c.name AS collection_name, c.project_id, c.type_id FROM artifacts a"
          " JOIN artifact_collections c ON c.id = a.collection_id")


# --------------------------------------------------------------------------- names and digests
def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def blob_key(project_id: int, md5: str) -> str:
    """The storage key of a file's content in a project (content-addressed by MD5)."""
    try:
        hexdigest = base64.b64decode(md5, validate=True).hex()
    except ValueError:
        raise SandboxError(f"invalid md5 {md5!r}") from None
    if len(hexdigest) != 32:
        raise SandboxError(f"invalid md5 {md5!r}")
    return f"artifacts/{project_id}/{hexdigest}"


def manifest_digest(entries: Mapping[str, Mapping[str, Any]]) -> str:
    """The artifact digest the SDK computes from a manifest (artifact_manifest_v1.digest)."""
    h = hashlib.md5(b"wandb-artifact-manifest-v1\n")
    for path in sorted(entries):
        h.update(f"{path}:{entries[path]['digest']}\n".encode())
    return h.hexdigest()


def commit_hash(artifact: Row) -> str | None:
    """A short id of a committed version (W&B shows a hash per version)."""
    if artifact["state"] != "COMMITTED":
        return None
    return hashlib.sha1(f"{artifact['id']}:{artifact['digest']}".encode()).hexdigest()[:20]


def check_alias(alias: str) -> str:
    if not alias or len(alias) > 128 or "/" in alias or ":" in alias:
        raise SandboxError(f"invalid alias {alias!r}: aliases cannot be empty or contain '/' or ':'")
    if VERSION_RE.match(alias):
        raise SandboxError(f"invalid alias {alias!r}: version names are not aliases")
    return alias


def check_tag(tag: str) -> str:
    if not tag or len(tag) > 128 or not TAG_RE.match(tag):
        raise SandboxError(f"invalid tag {tag!r}: use letters, digits, '-', '_' and single spaces")
    return tag


def _metadata(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        raise SandboxError("metadata is not valid JSON") from None
    if value is not None and not isinstance(value, dict):
        raise SandboxError("metadata must be a JSON object")
    return None if value is None else json_text(value)


# --------------------------------------------------------------------------- lookup
def artifact(store: Store, artifact_id: int) -> Row | None:
    return store.one(f"{SELECT} WHERE a.id = ?", (artifact_id,))


def by_gid(store: Store, gid: str | None) -> Row | None:
    return artifact(store, parse_id(gid, "Artifact"))


def collection(store: Store, project_id: int, name: str) -> Row | None:
    return store.one("SELECT * FROM artifact_collections WHERE project_id = ? AND name = ?", (project_id, name))


def version(store: Store, collection_id: int, alias: str) -> Row | None:
    """The committed version of a collection that `alias` names: `vN` or an alias."""
    if m := VERSION_RE.match(alias):
        return store.one(f"{SELECT} WHERE a.collection_id = ? AND a.version_index = ? AND a.state = 'COMMITTED'",
                         (collection_id, int(m.group(1))))
    return store.one(f"{SELECT} JOIN artifact_aliases l ON l.artifact_id = a.id"
                     " WHERE l.collection_id = ? AND l.alias = ? AND a.state = 'COMMITTED'", (collection_id, alias))


def by_name(store: Store, project_id: int, name: str) -> Row | None:
    """The version `collection:alias` (or `collection:vN`; no alias means `latest`) of a project."""
    coll_name, _, alias = name.partition(":")
    coll = collection(store, project_id, coll_name)
    return version(store, coll["id"], alias or "latest") if coll else None


def file_url_key(store: Store, viewer: Viewer, path: str) -> str | None:
    """The blob behind W&B's authenticated file URL `/artifactsV2/<path>`, path =
    `<region>/<entity>/<project>/<collection>/<birth artifact id>/<md5 hex>/<file name>` (what the
    SDK builds for a manifest entry it has no signed URL for: `artifact.get_entry(name).download()`)."""
    parts = path.split("/")
    if len(parts) != 7:
        return None
    _, entity, project_name, _, _, hexhash, _ = parts
    project = accounts.find_project(store, viewer, entity, project_name)
    try:
        md5 = base64.b64encode(bytes.fromhex(hexhash)).decode()
    except ValueError:
        return None
    found = project and store.one("SELECT 1 FROM artifact_blobs WHERE project_id = ? AND md5 = ? AND uploaded = 1",
                                  (project["id"], md5))
    return blob_key(project["id"], md5) if found else None


def latest(store: Store, collection_id: int) -> Row | None:
    return store.one(f"{SELECT} WHERE a.collection_id = ? AND a.state = 'COMMITTED'"
                     " ORDER BY a.version_index DESC LIMIT 1", (collection_id,))


def labels(store: Store, artifact_ids: Iterable[int]) -> tuple[dict[int, list[Row]], dict[int, list[Row]]]:
    """The aliases and tags of many versions at once: ({id: alias rows}, {id: tag rows})."""
    ids = sorted(set(artifact_ids))
    aliases: dict[int, list[Row]] = {i: [] for i in ids}
    tags: dict[int, list[Row]] = {i: [] for i in ids}
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        marks = ",".join("?" * len(part))
        for row in store.query(f"SELECT * FROM artifact_aliases WHERE artifact_id IN ({marks}) ORDER BY id", part):
            aliases[row["artifact_id"]].append(row)
        for row in store.query(f"SELECT * FROM artifact_tags WHERE artifact_id IN ({marks}) ORDER BY id", part):
            tags[row["artifact_id"]].append(row)
    return aliases, tags


# --------------------------------------------------------------------------- writing
def _type_id(store: Store, project_id: int, name: str, at: str) -> int:
    if not TYPE_RE.match(name) or len(name) > 128:
        raise SandboxError(f"invalid artifact type {name!r}")
    store.execute("INSERT OR IGNORE INTO artifact_types (project_id, name, created_at) VALUES (?, ?, ?)",
                  (project_id, name, at))
    return store.scalar("SELECT id FROM artifact_types WHERE project_id = ? AND name = ?", (project_id, name))


def _collection_for(store: Store, project_id: int, name: str, type_name: str, at: str) -> Row:
    if not NAME_RE.match(name or ""):
        raise SandboxError(f"invalid artifact name {name!r}: use letters, digits, '-', '_' or '.'")
    coll = collection(store, project_id, name)
    type_id = _type_id(store, project_id, type_name, at)
    if coll is None:
        store.execute("INSERT INTO artifact_collections (project_id, type_id, name, created_at, updated_at)"
                      " VALUES (?, ?, ?, ?, ?)", (project_id, type_id, name, at, at))
        return collection(store, project_id, name)
    if coll["type_id"] != type_id:
        have = store.scalar("SELECT name FROM artifact_types WHERE id = ?", (coll["type_id"],))
        raise SandboxError(f"artifact {name} already exists with type '{have}'; "
                           f"cannot create another with type '{type_name}'")
    return coll


def create(
    store: Store, project_id: int, *, name: str, type: str, digest: str, user_id: int | None,
    run_id: int | None = None, aliases: Iterable[str] = (), tags: Iterable[str] = (),
    description: str | None = None, metadata: str | None = None, history_step: int | None = None,
    ttl_seconds: int | None = None, client_id: str | None = None, dedupe: bool = True, at: str | None = None,
) -> Row:
    """A new PENDING version of collection `name` (W&B's createArtifact), or, with `dedupe`, the
    committed version that has the same digest, which takes the aliases and tags now."""
    aliases = [check_alias(a) for a in dict.fromkeys(aliases)]
    tags = [check_tag(t) for t in dict.fromkeys(tags)]
    metadata = _metadata(metadata)
    at = at or now()
    with store.transaction():
        if client_id and (row := store.one(f"{SELECT} WHERE a.client_id = ?", (client_id,))):
            return row  # the same save sent again
        coll = _collection_for(store, project_id, name, type, at)
        same = dedupe and store.one(
            f"{SELECT} WHERE a.collection_id = ? AND a.digest = ? AND a.state = 'COMMITTED'"
            " ORDER BY a.version_index DESC LIMIT 1", (coll["id"], digest))
        if same:
            _take_aliases(store, same, aliases)
            add_tags(store, same["id"], tags)
            return same
        ttl = -2 if ttl_seconds in (None, -1) else ttl_seconds
        art_id = store.insert(
            "INSERT INTO artifacts (collection_id, state, digest, description, metadata, history_step, ttl_seconds,"
            " ttl_inherited, run_id, user_id, client_id, pending_aliases, created_at, updated_at)"
            " VALUES (?, 'PENDING', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (coll["id"], digest, description, metadata, history_step, ttl, int(ttl_seconds in (None, -1)),
             run_id, user_id, client_id, json.dumps(aliases), at, at))
        add_tags(store, art_id, tags)
        return artifact(store, art_id)


def add_tags(store: Store, artifact_id: int, tags: Iterable[str]) -> None:
    store.executemany("INSERT OR IGNORE INTO artifact_tags (artifact_id, name) VALUES (?, ?)",
                      [(artifact_id, check_tag(t)) for t in tags])


def remove_tags(store: Store, artifact_id: int, tags: Iterable[str]) -> None:
    store.executemany("DELETE FROM artifact_tags WHERE artifact_id = ? AND name = ?",
                      [(artifact_id, t) for t in tags])


def _take_aliases(store: Store, art: Row, aliases: Iterable[str]) -> None:
    """Point each alias of the version's collection at this version (moving it if held)."""
    store.executemany(
        "INSERT INTO artifact_aliases (collection_id, alias, artifact_id) VALUES (?, ?, ?)"
        " ON CONFLICT (collection_id, alias) DO UPDATE SET artifact_id = excluded.artifact_id",
        [(art["collection_id"], check_alias(a), art["id"]) for a in aliases])


def set_aliases(store: Store, art: Row, add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
    with store.transaction():
        _take_aliases(store, art, add)
        store.executemany("DELETE FROM artifact_aliases WHERE artifact_id = ? AND alias = ?",
                          [(art["id"], a) for a in remove])


def update(store: Store, art: Row, *, description: str | None = None, metadata: str | None = None,
           ttl_seconds: int | None = None) -> None:
    """Edit a version's description, metadata and TTL (fields left None stay as they are)."""
    changes: dict[str, Any] = {}
    if description is not None:
        changes["description"] = description
    if metadata is not None:
        changes["metadata"] = _metadata(metadata)
    if ttl_seconds is not None:
        changes |= {"ttl_seconds": -2 if ttl_seconds == -1 else ttl_seconds, "ttl_inherited": int(ttl_seconds == -1)}
    if changes:
        sets = ", ".join(f"{k} = ?" for k in changes)
        store.execute(f"UPDATE artifacts SET {sets}, updated_at = ? WHERE id = ?", (*changes.values(), now(), art["id"]))


def request_blob(store: Store, project_id: int, md5: str, birth_artifact_id: int) -> tuple[str, Row]:
    """Note that a version wants to store content `md5`: -> (storage key, blob row).  The row's
    `uploaded` says whether the project has it already (then nothing is uploaded)."""
    key = blob_key(project_id, md5)
    store.execute("INSERT OR IGNORE INTO artifact_blobs (project_id, md5, birth_artifact_id) VALUES (?, ?, ?)",
                  (project_id, md5, birth_artifact_id))
    return key, store.one("SELECT * FROM artifact_blobs WHERE project_id = ? AND md5 = ?", (project_id, md5))


def _blob_uploaded(store: Store, ref: Any, size: int, md5: str) -> None:
    project_id, claimed = ref
    if md5 == claimed:  # bytes that do not match their address are not taken as that content
        store.execute("UPDATE artifact_blobs SET uploaded = 1, size = ? WHERE project_id = ? AND md5 = ?",
                      (size, project_id, md5))


on_upload("artifact_blob", _blob_uploaded)


def store_blob(store: Store, storage: Storage, project_id: int, data: bytes, birth_artifact_id: int) -> Row:
    """Store content directly (no upload URL), unless the project has it already."""
    md5 = md5_b64(data)
    key, blob = request_blob(store, project_id, md5, birth_artifact_id)
    if not blob["uploaded"]:
        storage.write(key, data)
        _blob_uploaded(store, (project_id, md5), len(data), md5)
    return store.one("SELECT * FROM artifact_blobs WHERE project_id = ? AND md5 = ?", (project_id, md5))


def set_manifest(store: Store, art: Row, *, digest: str | None = None, manifest_type: str | None = None,
                 base_id: int | None = None) -> None:
    if art["state"] != "PENDING":
        raise SandboxError("the artifact is already committed")
    if manifest_type not in (None, "FULL", "INCREMENTAL"):
        raise SandboxError(f"manifest type {manifest_type} is not supported by the sandbox")
    store.execute(
        "UPDATE artifacts SET manifest_digest = COALESCE(?, manifest_digest), manifest_type = COALESCE(?, manifest_type),"
        " base_id = COALESCE(?, base_id), updated_at = ? WHERE id = ?",
        (digest or None, manifest_type, base_id, now(), art["id"]))


def read_manifest(storage: Storage, art: Row) -> dict[str, Any]:
    key = blob_key(art["project_id"], art["manifest_digest"])
    try:
        manifest = json.loads(storage.path(key).read_bytes())
    except (OSError, ValueError):
        raise SandboxError("the artifact's manifest was not uploaded or is not valid JSON") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("contents"), dict):
        raise SandboxError("the artifact's manifest has no contents")
    return manifest


def _write_manifest(store: Store, storage: Storage, art: Row, entries: Mapping[str, Mapping[str, Any]]) -> str:
    data = json.dumps(MANIFEST_HEADER | {"contents": dict(entries)}, separators=(",", ":")).encode()
    return store_blob(store, storage, art["project_id"], data, art["id"])["md5"]


def _entries_of(store: Store, artifact_id: int) -> dict[str, dict[str, Any]]:
    """A committed version's files as manifest entries."""
    entries = {}
    for f in store.query("SELECT * FROM artifact_files WHERE artifact_id = ?", (artifact_id,)):
        entry: dict[str, Any] = {"digest": f["digest"], "size": f["size"]}
        if f["ref"]:
            entry["ref"] = f["ref"]
        if f["birth_artifact_id"]:
            entry["birthArtifactID"] = global_id("Artifact", f["birth_artifact_id"])
        entries[f["name"]] = entry
    return entries


def _birth_id(entry: Mapping[str, Any]) -> int | None:
    try:
        return parse_id(entry.get("birthArtifactID"), "Artifact")
    except SandboxError:
        return None


def commit(store: Store, storage: Storage, art: Row, at: str | None = None) -> Row:
    """Commit a PENDING version: its files from the manifest, the next version index, its
    aliases (and `latest`).  Committing a committed version changes nothing."""
    with store.transaction():
        art = artifact(store, art["id"])  # as of now: a commit sent twice must not apply twice
        if art["state"] == "COMMITTED":
            return art
        if art["state"] != "PENDING":
            raise SandboxError(f"cannot commit an artifact in state {art['state']}")
        if not art["manifest_digest"]:
            raise SandboxError("the artifact has no manifest")
        entries = read_manifest(storage, art)["contents"]
        if art["manifest_type"] == "INCREMENTAL":  # the manifest holds changes to the base version
            base = art["base_id"] or (latest(store, art["collection_id"]) or {}).get("id")
            entries = (_entries_of(store, base) if base else {}) | entries
            md5 = _write_manifest(store, storage, art, entries)
            store.execute("UPDATE artifacts SET manifest_digest = ?, digest = ? WHERE id = ?",
                          (md5, manifest_digest(entries), art["id"]))
        missing = [name for name, e in entries.items() if not e.get("ref") and not store.one(
            "SELECT 1 FROM artifact_blobs WHERE project_id = ? AND md5 = ? AND uploaded = 1",
            (art["project_id"], e.get("digest")))]
        if missing:
            raise SandboxError(f"cannot commit: {len(missing)} file(s) were not uploaded, e.g. {sorted(missing)[0]!r}")
        store.executemany(
            "INSERT INTO artifact_files (artifact_id, name, digest, size, ref, birth_artifact_id, mimetype)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(art["id"], name, str(e.get("digest") or ""), int(e.get("size") or 0), e.get("ref"), _birth_id(e),
              mimetypes.guess_type(name)[0]) for name, e in sorted(entries.items())])
        at = at or now()
        store.execute(
            "UPDATE artifacts SET state = 'COMMITTED', size = ?, file_count = ?, updated_at = ?,"
            " version_index = (SELECT COALESCE(MAX(version_index), -1) + 1 FROM artifacts WHERE collection_id = ?)"
            " WHERE id = ?",
            (sum(int(e.get("size") or 0) for e in entries.values()), len(entries), at, art["collection_id"],
             art["id"]))
        _take_aliases(store, art, ["latest", *json.loads(art["pending_aliases"])])
        store.execute("UPDATE artifact_collections SET updated_at = ? WHERE id = ?", (at, art["collection_id"]))
        return artifact(store, art["id"])


def use(store: Store, art: Row, run_id: int, at: str | None = None) -> None:
    """Record that a run used a version (W&B's useArtifact); using it again changes nothing."""
    store.execute("INSERT OR IGNORE INTO artifact_usage (artifact_id, run_id, created_at) VALUES (?, ?, ?)",
                  (art["id"], run_id, at or now()))


# --------------------------------------------------------------------------- in-process logging
def log_artifact(
    store: Store, storage: Storage, project_id: int, *, name: str, type: str, files: Mapping[str, bytes],
    user_id: int | None, run_id: int | None = None, aliases: Iterable[str] = (), tags: Iterable[str] = (),
    description: str | None = None, metadata: Mapping[str, Any] | None = None, at: str | None = None,
) -> Row:
    """What `run.log_artifact` does, in-process: -> the committed version (an existing one when
    the same content was logged before, as W&B deduplicates)."""
    entries = {path: {"digest": md5_b64(data), "size": len(data)} for path, data in files.items()}
    with store.transaction():
        art = create(store, project_id, name=name, type=type, digest=manifest_digest(entries), user_id=user_id,
                     run_id=run_id, aliases=aliases, tags=tags, description=description,
                     metadata=None if metadata is None else json_text(metadata), at=at)
        if art["state"] == "COMMITTED":
            return art
        for path, data in files.items():
            entries[path]["birthArtifactID"] = global_id("Artifact", store_blob(
                store, storage, project_id, data, art["id"])["birth_artifact_id"])
        set_manifest(store, art, digest=_write_manifest(store, storage, art, entries))
        return commit(store, storage, artifact(store, art["id"]), at)
