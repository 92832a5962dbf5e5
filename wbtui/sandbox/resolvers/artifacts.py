"""Artifacts: the SDK's write path (createArtifact ... commitArtifact, useArtifact, updates) and
every read: types, collections, versions by alias, files, manifests, lineage (jobs are
artifacts of type `job`, read the same way).

Listings attach aliases and tags with one query per page, and a version's collection, type and
project come from the request's cache: no query per row. What a list asks of each row (a type's
collection count, a collection's version count and aliases, who logged a version) is read for
the whole page at once (see `context.py`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ariadne import InterfaceType, MutationType, ObjectType, QueryType, UnionType

from .. import accounts
from .. import artifacts as arts
from ..accounts import SandboxError
from ..context import Context, ctx, mark_page, page_of
from ..relay import connection, global_id, lazy, limit_of, parse_id
from ..store import Row

FEATURES = ("TOTAL_COUNT_IN_FILE_CONNECTION",)

query, mutation = QueryType(), MutationType()
project, run = ObjectType("Project"), ObjectType("Run")
artifact, sequence, atype = ObjectType("Artifact"), ObjectType("ArtifactSequence"), ObjectType("ArtifactType")
alias_type, membership, manifest = ObjectType("ArtifactAlias"), ObjectType("ArtifactCollectionMembership"), \
    ObjectType("ArtifactManifest")
file_type, tag = ObjectType("File"), ObjectType("Tag")
collection_iface, initiator = InterfaceType("ArtifactCollection"), UnionType("Initiator")

_SQL = {"project": "SELECT * FROM projects WHERE id = ?", "artifact_type": "SELECT * FROM artifact_types WHERE id = ?",
        "artifact_collection": "SELECT * FROM artifact_collections WHERE id = ?"}
# orders the SDK documents for versions (`api.artifacts(order=...)`) and W&B's default
_VERSION_ORDERS = {"version_index": "a.version_index", "versionIndex": "a.version_index",
                   "created_at": "a.created_at", "createdAt": "a.created_at", "updatedAt": "a.updated_at"}
_COLLECTION_ORDERS = {"createdAt": "created_at", "created_at": "created_at", "updatedAt": "updated_at",
                      "name": "name", "id": "id"}


@collection_iface.type_resolver
def resolve_collection_type(*_):
    return "ArtifactSequence"  # portfolios (linked collections) are not modelled


@initiator.type_resolver
def resolve_initiator_type(obj, *_):
    return "Run" if "project_id" in obj else "User"


# --------------------------------------------------------------------------- helpers
def _row(c: Context, kind: str, pk: int) -> Row | None:
    """A project, artifact type or collection by id, read once per request."""
    return c.cached(kind, pk, _SQL[kind])


def _with_labels(c: Context, rows: list[Row]) -> list[Row]:
    """Attach aliases and tags to versions (one query each for the whole list)."""
    todo = [r for r in rows if "_aliases" not in r]
    if todo:
        aliases, tags = arts.labels(c.store, (r["id"] for r in todo))
        for r in todo:
            r["_aliases"], r["_tags"] = aliases[r["id"]], tags[r["id"]]
    return rows


def _readable(c: Context, row: Row | None) -> Row | None:
    """The row (a version or a collection) if the viewer may read its project."""
    if row is None:
        return None
    project_row = _row(c, "project", row["project_id"])
    return row if project_row and accounts.can_read_project(c.store, c.viewer, project_row) else None


def _visible_projects(c: Context, column: str) -> tuple[str, list[Any]]:
    """A WHERE fragment: the project id in `column` is one the viewer may read."""
    visible, params = accounts.visible_projects_sql(c.store, c.viewer)
    return f"{column} IN (SELECT projects.id FROM projects WHERE {visible})", params


def _writable_project(c: Context, entity: str | None, name: str | None) -> Row:
    """The project to write to (created on first use, as W&B does when a run logs)."""
    project_row = c.project(entity, name)
    if project_row is None:
        return accounts.upsert_project(c.store, c.viewer, entity, name)[0]
    if not accounts.can_write_project(c.store, c.viewer, project_row):
        raise SandboxError("permission denied")
    return project_row


def _writable_artifact(c: Context, gid: str | None) -> Row:
    row = _readable(c, arts.by_gid(c.store, gid))
    if row is None:
        raise SandboxError(f"artifact {gid} not found")
    if not accounts.can_write_project(c.store, c.viewer, _row(c, "project", row["project_id"])):
        raise SandboxError("permission denied")
    return row


def _run_of(c: Context, project_row: Row, name: str | None) -> Row:
    row = name and c.store.one("SELECT * FROM runs WHERE project_id = ? AND name = ?", (project_row["id"], name))
    if not row:
        raise SandboxError(f"run {name} not found")
    return row


def _sql_order(order: str, columns: dict[str, str], tiebreak: str) -> str:
    """ORDER BY for W&B's `[+-]key` (ties broken by `tiebreak` in the same direction)."""
    direction = "DESC" if order.startswith("-") else "ASC"
    column = columns.get(order.lstrip("+-"))
    if column is None:
        raise SandboxError(f"invalid order {order!r}: use one of {', '.join(sorted(columns))}")
    return f"{column} {direction}, {tiebreak} {direction}"


def _state_filter(filters: str | None) -> tuple[str, list[Any]]:
    """W&B version filters as the SDK sends them: `{"state": ...}` (a value or `{"$in": [...]}`)."""
    try:
        spec = json.loads(filters) if filters else {}
    except ValueError:
        raise SandboxError("invalid filters: not JSON") from None
    if not isinstance(spec, dict) or set(spec) - {"state"}:
        raise SandboxError("invalid filters: the sandbox filters versions by state only")
    if "state" not in spec:
        return "1", []
    states = spec["state"]["$in"] if isinstance(spec["state"], dict) and "$in" in spec["state"] else [spec["state"]]
    return f"a.state IN ({','.join('?' * len(states))})", list(states)


def _versions(c: Context, where: str, params: list[Any], order_by: str, first: int | None, after: str | None,
              edge: Callable[[Row], dict[str, Any]] | None = None,
              total: Callable[[], int] | None = None) -> dict[str, Any]:
    """A connection of versions with totalCount (`total()`, else a count of `where`); `edge(node)`
    gives fields to add to each edge."""
    def fetch(offset: int, limit: int) -> list[Row]:
        return mark_page(_with_labels(c, c.store.query(
            f"{arts.SELECT} WHERE {where} ORDER BY {order_by} LIMIT ? OFFSET ?", [*params, limit, offset])))

    def page() -> dict[str, Any]:
        conn = connection(fetch, first, after)
        for e in conn["edges"]:
            e.update(edge(e["node"]) if edge else {})
        return conn

    return lazy(page, total or (lambda: c.store.scalar(
        f"SELECT COUNT(*) FROM artifacts a JOIN artifact_collections c ON c.id = a.collection_id WHERE {where}",
        params)))


def _membership(art: Row | None) -> dict[str, Any] | None:
    return None if art is None else {"artifact": art}


# --------------------------------------------------------------------------- entry points
@query.field("artifact")
def resolve_artifact_by_id(_, info, id):
    c = ctx(info)
    try:
        return _readable(c, arts.by_gid(c.store, id))
    except SandboxError:
        return None


@query.field("artifactCollection")
def resolve_collection_by_id(_, info, id):
    c = ctx(info)
    try:
        pk = parse_id(id, "ArtifactCollection")
    except SandboxError:
        return None
    return _readable(c, _row(c, "artifact_collection", pk))


@project.field("artifactType")
def resolve_project_type(obj, info, name):
    return ctx(info).store.one("SELECT * FROM artifact_types WHERE project_id = ? AND name = ?", (obj["id"], name))


@project.field("artifactTypes")
def resolve_project_types(obj, info, after=None, first=None):
    store = ctx(info).store
    return connection(lambda offset, limit: mark_page(store.query(
        "SELECT * FROM artifact_types WHERE project_id = ? ORDER BY id LIMIT ? OFFSET ?",
        (obj["id"], limit, offset))), first, after)


@project.field("artifactCollection")
def resolve_project_collection(obj, info, name):
    return arts.collection(ctx(info).store, obj["id"], name)


@project.field("artifactCollectionMembership")
def resolve_project_membership(obj, info, name=None):
    return _membership(arts.by_name(ctx(info).store, obj["id"], name or ""))


@project.field("artifact")
def resolve_project_artifact(obj, info, name):
    return arts.by_name(ctx(info).store, obj["id"], name)


@run.field("outputArtifacts")
def resolve_output_artifacts(obj, info, after=None, first=None):
    return _versions(ctx(info), "a.run_id = ? AND a.state = 'COMMITTED'", [obj["id"]], "a.id", first, after)


@run.field("inputArtifacts")
def resolve_input_artifacts(obj, info, after=None, first=None):
    c = ctx(info)
    visible, params = _visible_projects(c, "c.project_id")  # a run may use another project's artifact
    where = f"a.id IN (SELECT artifact_id FROM artifact_usage WHERE run_id = ?) AND {visible}"
    in_use_order = f"(SELECT u.rowid FROM artifact_usage u WHERE u.artifact_id = a.id AND u.run_id = {int(obj['id'])})"
    return _versions(c, where, [obj["id"], *params], in_use_order, first, after, lambda _: {"used_as": []})


# --------------------------------------------------------------------------- ArtifactType
@atype.field("artifactCollection")
def resolve_type_collection(obj, info, name):
    found = arts.collection(ctx(info).store, obj["project_id"], name)
    return found if found and found["type_id"] == obj["id"] else None


@atype.field("artifactCollections")
def resolve_type_collections(obj, info, after=None, first=None, filters=None, order=None):
    if filters and json.loads(filters):
        raise SandboxError("filtering artifact collections is not supported by the sandbox")
    c = ctx(info)
    order_by = _sql_order(order or "-id", _COLLECTION_ORDERS, "id")  # W&B: newest collection first

    def fetch(offset: int, limit: int) -> list[Row]:
        return mark_page(c.store.query(f"SELECT * FROM artifact_collections WHERE type_id = ? ORDER BY {order_by}"
                                       " LIMIT ? OFFSET ?", (obj["id"], limit, offset)))

    def total() -> int:  # the types of a list page are counted together
        return c.batch("collections of type", obj["id"], [t["id"] for t in page_of(obj)], lambda ids: dict(
            c.store.tuples("SELECT type_id, COUNT(*) FROM artifact_collections WHERE type_id IN"
                           " (SELECT value FROM json_each(?)) GROUP BY type_id", (json.dumps(ids),))), 0)
    return lazy(lambda: connection(fetch, first, after), total)


# --------------------------------------------------------------------------- ArtifactSequence
@sequence.field("tags")
def resolve_collection_tags(*_, **__):
    return {"edges": []}  # collection tags are not modelled (version tags are)


@sequence.field("aliases")
def resolve_collection_aliases(obj, info, after=None, first=None):
    c = ctx(info)
    if after is None:  # the first aliases of every collection of a list page, in one query
        wanted = limit_of(first) + 1  # one more tells whether another page follows

        def load(ids: list[int]) -> dict[int, list[Row]]:
            found: dict[int, list[Row]] = {}
            for row in c.store.query(
                    "SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY collection_id ORDER BY id) AS n"
                    " FROM artifact_aliases WHERE collection_id IN (SELECT value FROM json_each(?))) WHERE n <= ?"
                    " ORDER BY collection_id, id", (json.dumps(ids), wanted)):
                found.setdefault(row["collection_id"], []).append(row)
            return found
        rows = c.batch(("first aliases", wanted), obj["id"], [s["id"] for s in page_of(obj)], load, [])
        return connection(lambda offset, limit: rows[offset:offset + limit], first, None)
    return connection(lambda offset, limit: c.store.query(
        "SELECT * FROM artifact_aliases WHERE collection_id = ? ORDER BY id LIMIT ? OFFSET ?",
        (obj["id"], limit, offset)), first, after)


@sequence.field("artifactMembership")
def resolve_collection_membership(obj, info, alias_name):
    return _membership(arts.version(ctx(info).store, obj["id"], alias_name))


@sequence.field("latestArtifact")
def resolve_latest(obj, info):
    return arts.latest(ctx(info).store, obj["id"])


@sequence.field("artifacts")
def resolve_collection_versions(obj, info, after=None, first=None, filters=None, order=None):
    c = ctx(info)
    where, params = _state_filter(filters)
    order_by = _sql_order(order or "-version_index", _VERSION_ORDERS, "a.id")  # W&B: newest first

    def total() -> int:  # the collections of a list page are counted together
        return c.batch(("versions of collection", where, *params), obj["id"], [s["id"] for s in page_of(obj)],
                       lambda ids: dict(c.store.tuples(
                           f"SELECT a.collection_id, COUNT(*) FROM artifacts a WHERE a.collection_id IN"
                           f" (SELECT value FROM json_each(?)) AND {where} GROUP BY a.collection_id",
                           [json.dumps(ids), *params])), 0)

    def version(node: Row) -> dict[str, Any]:
        return {"version": "" if node["version_index"] is None else f"v{node['version_index']}"}
    return _versions(c, f"a.collection_id = ? AND {where}", [obj["id"], *params], order_by, first, after, version,
                     total)


# --------------------------------------------------------------------------- Artifact
@artifact.field("aliases")
@membership.field("aliases")
def resolve_aliases(obj, info, artifact_collection_name=None):
    art = obj.get("artifact", obj)
    return _with_labels(ctx(info), [art])[0]["_aliases"]


@artifact.field("tags")
def resolve_artifact_tags(obj, info):
    return _with_labels(ctx(info), [obj])[0]["_tags"]


@artifact.field("ttlDurationSeconds")
def resolve_ttl(obj, _):
    return obj["ttl_seconds"]


@artifact.field("ttlIsInherited")
def resolve_ttl_inherited(obj, _):
    return bool(obj["ttl_inherited"])


@artifact.field("commitHash")
def resolve_commit_hash(obj, _):
    return arts.commit_hash(obj)


@artifact.field("currentManifest")
def resolve_current_manifest(obj, _):
    return {"artifact": obj} if obj["state"] == "COMMITTED" else None


@artifact.field("createdBy")
def resolve_created_by(obj, info):
    c = ctx(info)
    if obj["run_id"] is not None:
        c.cache_rows("run", "runs", (a["run_id"] for a in page_of(obj)))  # the runs of the whole page
        return c.cached("run", obj["run_id"], "SELECT * FROM runs WHERE id = ?")
    c.cache_rows("user", "users", (a["user_id"] for a in page_of(obj) if a["run_id"] is None))
    return c.cached("user", obj["user_id"], "SELECT * FROM users WHERE id = ?")


@artifact.field("usedBy")
def resolve_used_by(obj, info, after=None, first=None):
    c = ctx(info)
    visible, params = _visible_projects(c, "r.project_id")
    return connection(lambda offset, limit: c.store.query(
        f"SELECT r.* FROM artifact_usage u JOIN runs r ON r.id = u.run_id WHERE u.artifact_id = ? AND {visible}"
        " ORDER BY u.rowid LIMIT ? OFFSET ?", (obj["id"], *params, limit, offset)), first, after)


@artifact.field("files")
@membership.field("files")
def resolve_files(obj, info, after=None, first=None, names=None):
    c = ctx(info)
    art = obj.get("artifact", obj)
    where, params = "artifact_id = ?", [art["id"]]
    if names:
        where += f" AND name IN ({','.join('?' * len(names))})"
        params += names

    def fetch(offset: int, limit: int) -> list[dict]:
        rows = c.store.query(f"SELECT * FROM artifact_files WHERE {where} ORDER BY name LIMIT ? OFFSET ?",
                             [*params, limit, offset])
        return [_file_node(c, art, r) for r in rows]
    conn = connection(fetch, first, after)
    conn["total_count"] = c.store.scalar(f"SELECT COUNT(*) FROM artifact_files WHERE {where}", params)
    return conn


def _file_node(c: Context, art: Row, row: Row) -> dict[str, Any]:
    """An artifact file as a `File` (see resolvers/files.py); a reference's URL is its URI."""
    key = None if row["ref"] else arts.blob_key(art["project_id"], row["digest"])
    url = row["ref"] or c.storage.download_url(c.base_url, key)
    return {
        "id": global_id("ArtifactFile", row["id"]), "name": row["name"], "display_name": row["name"],
        "url": url, "direct_url": url, "upload_url": None, "size_bytes": row["size"], "md5": row["digest"],
        "digest": row["digest"], "mimetype": row["mimetype"], "updated_at": art["updated_at"],
        "storage_path": key, "artifact": art,
    }


@file_type.field("displayName")
def resolve_display_name(obj, _):
    return obj.get("display_name") or obj["name"]


# --------------------------------------------------------------------------- small types
def _related(kind: str, key: str):
    """A resolver of the `kind` row that `obj[key]` names (once per request)."""
    return lambda obj, info: _row(ctx(info), kind, obj[key])


for _bindable, _type_name in ((atype, "ArtifactType"), (sequence, "ArtifactCollection"), (artifact, "Artifact"),
                              (alias_type, "ArtifactAlias"), (tag, "Tag")):
    _bindable.set_field("id", lambda obj, _, t=_type_name: global_id(t, obj["id"]))
for _bindable, _field, _kind, _key in (
        (sequence, "project", "project", "project_id"), (sequence, "defaultArtifactType", "artifact_type", "type_id"),
        (artifact, "artifactSequence", "artifact_collection", "collection_id"),
        (artifact, "artifactType", "artifact_type", "type_id"),
        (alias_type, "artifactCollection", "artifact_collection", "collection_id")):
    _bindable.set_field(_field, _related(_kind, _key))


@membership.field("id")
def resolve_membership_id(obj, _):
    return global_id("ArtifactCollectionMembership", obj["artifact"]["id"])


@membership.field("versionIndex")
def resolve_membership_version(obj, _):
    return obj["artifact"]["version_index"]


@membership.field("createdAt")
def resolve_membership_created(obj, _):
    return obj["artifact"]["created_at"]


@membership.field("artifactCollection")
def resolve_membership_collection(obj, info):
    return _row(ctx(info), "artifact_collection", obj["artifact"]["collection_id"])


@manifest.field("id")
def resolve_manifest_id(obj, _):
    return global_id("ArtifactManifest", obj["artifact"]["id"])


@manifest.field("file")
def resolve_manifest_file(obj, info):
    c, art = ctx(info), obj["artifact"]
    # before the client sends the manifest's digest there is nothing to address yet
    key = art["manifest_digest"] and arts.blob_key(art["project_id"], art["manifest_digest"])
    url = key and c.storage.download_url(c.base_url, key)
    return {"id": global_id("ArtifactManifestFile", art["id"]), "name": "wandb_manifest.json",
            "display_name": "wandb_manifest.json", "url": url, "direct_url": url, "upload_url": obj.get("upload_url"),
            "upload_headers": [], "size_bytes": 0, "md5": art["manifest_digest"], "storage_path": key}


# --------------------------------------------------------------------------- the write path
@mutation.field("createArtifact")
def resolve_create_artifact(_, info, input):
    c = ctx(info)
    project_row = _writable_project(c, input.get("entity_name"), input.get("project_name"))
    run_id = _run_of(c, project_row, input["run_name"])["id"] if input.get("run_name") else None
    if input.get("artifact_collection_names"):
        raise SandboxError("logging to several collections at once is not supported by the sandbox")
    name = input.get("artifact_collection_name")
    aliases = [a["alias"] for a in input.get("aliases") or [] if a["artifact_collection_name"] == name]
    tags = [t["tag_name"] for t in input.get("tags") or [] if t.get("tag_name")]
    row = arts.create(
        c.store, project_row["id"], name=name, type=input["artifact_type_name"], digest=input["digest"],
        user_id=c.viewer.id, run_id=run_id, aliases=aliases, tags=tags, description=input.get("description"),
        metadata=input.get("metadata"), history_step=input.get("history_step"),
        ttl_seconds=input.get("ttl_duration_seconds"), client_id=input.get("client_id"),
        dedupe=input.get("enable_digest_deduplication") is not False)
    return {"artifact": row}


def _manifest_payload(c: Context, art: Row, include_upload: bool) -> dict[str, Any]:
    art = arts.artifact(c.store, art["id"])
    out: dict[str, Any] = {"artifact": art}
    if art["manifest_digest"] and include_upload:
        key, _ = arts.request_blob(c.store, art["project_id"], art["manifest_digest"], art["id"])
        out["upload_url"] = c.storage.upload_url(c.base_url, key, "artifact_blob",
                                                 [art["project_id"], art["manifest_digest"]])
    return {"artifact_manifest": out}


@mutation.field("createArtifactManifest")
def resolve_create_manifest(_, info, input):
    c = ctx(info)
    art = _writable_artifact(c, input["artifact_id"])
    base = input.get("base_artifact_id")
    arts.set_manifest(c.store, art, digest=input.get("digest"), manifest_type=input.get("type") or "FULL",
                      base_id=parse_id(base, "Artifact") if base and input.get("type") == "INCREMENTAL" else None)
    return _manifest_payload(c, art, bool(input.get("digest")))


@mutation.field("updateArtifactManifest")
def resolve_update_manifest(_, info, input):
    c = ctx(info)
    art = _writable_artifact(c, global_id("Artifact", parse_id(input["artifact_manifest_id"], "ArtifactManifest")))
    base = input.get("base_artifact_id")
    arts.set_manifest(c.store, art, digest=input.get("digest"), base_id=parse_id(base, "Artifact") if base else None)
    return _manifest_payload(c, art, True)


@mutation.field("createArtifactFiles")
def resolve_create_artifact_files(_, info, input):
    c = ctx(info)
    edges, arts_seen = [], {}
    for spec in input["artifact_files"]:
        art = arts_seen.get(spec["artifact_id"]) or _writable_artifact(c, spec["artifact_id"])
        arts_seen[spec["artifact_id"]] = art
        key, blob = arts.request_blob(c.store, art["project_id"], spec["md_5"], art["id"])
        upload = None if blob["uploaded"] else c.storage.upload_url(
            c.base_url, key, "artifact_blob", [art["project_id"], spec["md_5"]])
        birth = arts.artifact(c.store, blob["birth_artifact_id"]) or art
        edges.append({"node": {"name": spec["name"], "storage_path": key, "upload_url": upload,
                               "upload_headers": [], "upload_multipart_urls": None, "artifact": birth}})
    return {"files": {"edges": edges, "page_info": {"end_cursor": None, "has_next_page": False}}}


@mutation.field("commitArtifact")
def resolve_commit_artifact(_, info, input):
    c = ctx(info)
    return {"artifact": arts.commit(c.store, c.storage, _writable_artifact(c, input["artifact_id"]))}


@mutation.field("useArtifact")
def resolve_use_artifact(_, info, input):
    c = ctx(info)
    art = _readable(c, arts.by_gid(c.store, input["artifact_id"]))
    if art is None:
        raise SandboxError(f"artifact {input['artifact_id']} not found")
    project_row = c.project(input["entity_name"], input["project_name"])
    if project_row is None or not accounts.can_write_project(c.store, c.viewer, project_row):
        raise SandboxError(f"project {input['entity_name']}/{input['project_name']} not found")
    arts.use(c.store, art, _run_of(c, project_row, input["run_name"])["id"])
    return {"artifact": art}


def _aliases_of(art: Row, inputs: list[dict]) -> list[str]:
    for a in inputs:
        if a["artifact_collection_name"] != art["collection_name"]:
            raise SandboxError("aliases can only be set in the artifact's own collection (no portfolios)")
    return [a["alias"] for a in inputs]


@mutation.field("addAliases")
def resolve_add_aliases(_, info, input):
    c = ctx(info)
    art = _writable_artifact(c, input["artifact_id"])
    arts.set_aliases(c.store, art, add=_aliases_of(art, input["aliases"]))
    return {"success": True}


@mutation.field("deleteAliases")
def resolve_delete_aliases(_, info, input):
    c = ctx(info)
    art = _writable_artifact(c, input["artifact_id"])
    arts.set_aliases(c.store, art, remove=_aliases_of(art, input["aliases"]))
    return {"success": True}


@mutation.field("updateArtifact")
def resolve_update_artifact(_, info, input):
    c = ctx(info)
    art = _writable_artifact(c, input["artifact_id"])
    with c.store.transaction():
        arts.update(c.store, art, description=input.get("description"), metadata=input.get("metadata"),
                    ttl_seconds=input.get("ttl_duration_seconds"))
        arts.add_tags(c.store, art["id"], [t["tag_name"] for t in input.get("tags_to_add") or [] if t])
        arts.remove_tags(c.store, art["id"], [t["tag_name"] for t in input.get("tags_to_delete") or [] if t])
        if input.get("aliases") is not None:
            wanted = _aliases_of(art, input["aliases"])
            have = [a["alias"] for a in arts.labels(c.store, [art["id"]])[0][art["id"]]]
            arts.set_aliases(c.store, art, add=wanted, remove=set(have) - set(wanted))
    return {"artifact": arts.artifact(c.store, art["id"])}


bindables = [query, mutation, project, run, artifact, sequence, atype, alias_type, membership, manifest, file_type,
             tag, collection_iface, initiator]
