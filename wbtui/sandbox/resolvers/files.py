"""Run files: upload URLs (createRunFiles), listing, and the `File` type.

`File` is shared with artifact files.  Whoever returns a File returns a dict with: `id`, `name`,
`url` and `direct_url` (signed download URLs), `upload_url` (or None), `size_bytes`, `md5`
(base64), `mimetype`, `updated_at`, and optionally `storage_path`, `upload_headers`, `artifact`.
"""

from __future__ import annotations

import mimetypes

from ariadne import MutationType, ObjectType

from .. import accounts, runs, storage
from ..accounts import SandboxError
from ..context import Context, ctx
from ..relay import connection, global_id
from ..store import Row, Store, now

mutation = MutationType()
run, file = ObjectType("Run"), ObjectType("File")


def _mark_uploaded(store: Store, file_id: int, size: int, md5: str) -> None:
    store.execute("UPDATE run_files SET size = ?, md5 = ?, uploaded = 1, updated_at = ? WHERE id = ?",
                  (size, md5, now(), file_id))


storage.on_upload("run_file", _mark_uploaded)


@mutation.field("createRunFiles")
def resolve_create_run_files(_, info, input=None):
    c = ctx(info)
    input = input or {}
    row = runs.find_run(c.store, c.viewer, input.get("entity_name"), input.get("project_name"),
                        input.get("run_name") or "")
    if row is None:
        raise SandboxError("run not found")
    project = c.cached("project", row["project_id"], "SELECT * FROM projects WHERE id = ?")
    if not accounts.can_write_project(c.store, c.viewer, project):
        raise SandboxError("permission denied")
    out = []
    for name in input.get("files") or []:
        key = runs.files_key(row["id"], name)
        try:
            c.storage.path(key)
        except ValueError:
            raise SandboxError(f"invalid file name {name!r}") from None
        ts = now()
        c.store.execute(
            "INSERT INTO run_files (run_id, name, mimetype, created_at, updated_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (run_id, name) DO UPDATE SET updated_at = excluded.updated_at",
            (row["id"], name, mimetypes.guess_type(name)[0], ts, ts))
        file_id = c.store.scalar("SELECT id FROM run_files WHERE run_id = ? AND name = ?", (row["id"], name))
        out.append({"name": name, "upload_url": c.storage.upload_url(c.base_url, key, "run_file", file_id)})
    return {"run_id": global_id("Run", row["id"]), "upload_headers": [], "files": out}


def file_node(c: Context, run_id: int, row: Row) -> dict:
    url = c.storage.download_url(c.base_url, runs.files_key(run_id, row["name"]))
    return {
        "id": global_id("File", row["id"]), "name": row["name"], "url": url, "direct_url": url,
        "upload_url": None, "size_bytes": row["size"], "md5": row["md5"], "mimetype": row["mimetype"],
        "updated_at": row["updated_at"],
    }


@run.field("files")
def resolve_files(obj, info, names=None, pattern=None, first=None, after=None):
    c = ctx(info)
    where, params = ["run_id = ?", "uploaded = 1"], [obj["id"]]
    names = [n for n in names or [] if n]
    if names:
        where.append(f"name IN ({','.join('?' * len(names))})")
        params += names
    elif pattern:
        where.append("name LIKE ?")
        params.append(pattern)

    def fetch(offset: int, limit: int):
        rows = c.store.query(f"SELECT * FROM run_files WHERE {' AND '.join(where)} ORDER BY name LIMIT ? OFFSET ?",
                             [*params, limit, offset])
        return [file_node(c, obj["id"], r) for r in rows]
    return connection(fetch, first, after)


@run.field("fileCount")
def resolve_file_count(obj, info):
    return ctx(info).store.scalar("SELECT COUNT(*) FROM run_files WHERE run_id = ? AND uploaded = 1", (obj["id"],))


@file.field("url")
def resolve_url(obj, _, upload=False):
    return obj.get("upload_url") if upload else obj.get("url")


@file.field("md5")
def resolve_md5(obj, _):
    return obj.get("md5")


bindables = [mutation, run, file]
