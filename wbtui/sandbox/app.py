"""The sandbox's ASGI app: /graphql, file_stream and signed storage URLs (Starlette).

Requests run in the sandbox's thread pool (`blocking`): resolvers and the store are synchronous
(SQLite), so a slow query never blocks the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gzip
import hashlib
import logging
import os
import pickle
import zlib
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ariadne import (
    convert_schema_names,
    graphql_sync,
    repair_schema_default_enum_values,
    validate_schema_default_enum_values,
)
from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    assert_valid_schema,
    build_ast_schema,
    parse,
    validate,
)
from graphql import version as graphql_version
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from .. import config, fastjson
from . import accounts, artifacts, filestream, launch, resolvers, runs
from .accounts import SandboxError, Viewer
from .auth import viewer_for
from .context import Context
from .execution import FastExecutor
from .storage import Storage
from .store import Store

log = logging.getLogger("wbtui.sandbox")
SCHEMA_PATH = Path(__file__).with_name("schema.graphql")
KEY_FILE = "admin-api-key"  # the generated admin key of a data dir (mode 0600)


def build_schema() -> GraphQLSchema:
    """schema.graphql with the resolvers bound, as ariadne's `make_executable_schema(...,
    convert_names_case=True)` builds it, but without validating the SDL at every start (15-20 ms
    of it): the file ships with wbtui, and a test validates it."""
    schema = build_ast_schema(schema_document(), assume_valid_sdl=True)
    for bindable in resolvers.bindables():
        bindable.bind_to_schema(schema)
    convert_schema_names(schema, None)
    validate_schema_default_enum_values(schema)
    assert_valid_schema(schema)
    repair_schema_default_enum_values(schema)
    return schema


def schema_document() -> DocumentNode:
    """schema.graphql parsed. Parsing takes 20-30 ms of every start, so the document is kept
    pickled in the cache dir, under a name made of the text and graphql-core's version, and
    loaded from there (4 ms) when it is that very text; a cache that cannot be read or written
    only means parsing again."""
    text = SCHEMA_PATH.read_text(encoding="utf-8")
    digest = hashlib.sha256(f"{graphql_version}\0{text}".encode()).hexdigest()[:20]
    cached = config.cache_dir() / f"sandbox-schema-{digest}.pickle"
    with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        document = pickle.loads(cached.read_bytes())
        if isinstance(document, DocumentNode):
            return document
    document = parse(text, no_location=True)
    with contextlib.suppress(OSError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(cached)  # whole or not at all, even with two starts at once
    return document


class _ClientErrors(logging.Filter):
    """Keep the log for real failures: errors a resolver raised for the client are not logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else record.msg
        original = getattr(error, "original_error", None)
        return not (isinstance(error, GraphQLError) and (original is None or isinstance(original, SandboxError)))


class Documents:
    """Parsed and validated GraphQL documents by query text: clients repeat a handful of them."""

    def __init__(self, size: int = 512):
        self.size = size
        self._docs: OrderedDict[str, DocumentNode] = OrderedDict()
        self._errors: dict[int, list[GraphQLError]] = {}

    def parse(self, _context: Any, data: dict[str, Any]) -> DocumentNode:
        text = data["query"]
        doc = self._docs.get(text)
        if doc is None:
            doc = self._docs[text] = parse(text)
            if len(self._docs) > self.size:
                _, old = self._docs.popitem(last=False)
                self._errors.pop(id(old), None)
        else:
            self._docs.move_to_end(text)
        return doc

    def validate(self, schema: GraphQLSchema, document: DocumentNode, rules=None, **kwargs) -> list[GraphQLError]:
        if id(document) not in self._errors:
            self._errors[id(document)] = validate(schema, document, rules, **kwargs)
        return self._errors[id(document)]


@dataclass
class Sandbox:
    """The server's state: the database, blob storage, the executable schema."""

    data_dir: Path
    store: Store
    storage: Storage
    schema: GraphQLSchema
    admin_key: str | None  # the key given, or the one generated for this data dir
    new_admin_key: bool    # True on the first start without --api-key
    stale_after: float

    @classmethod
    def open(cls, data_dir: Path, api_key: str | None = None, stale_after: float = 300.0) -> Sandbox:
        data_dir.mkdir(parents=True, exist_ok=True)
        schema = build_schema()  # first: importing the resolvers registers their tables
        store = Store(data_dir / "sandbox.db")
        storage = Storage(data_dir / "files", store)
        key_file = data_dir / KEY_FILE
        generated = accounts.bootstrap_admin(store, api_key)
        if generated:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(generated + "\n")
        admin_key = api_key or generated or (key_file.read_text().strip() if key_file.exists() else None)
        return cls(data_dir, store, storage, schema, admin_key, bool(generated), stale_after)


_THREADS = ThreadPoolExecutor(max_workers=40, thread_name_prefix="wbtui-sandbox")  # as many as Starlette's


async def blocking(fn, *args, **kwargs):
    """`fn(*args, **kwargs)` in the sandbox's threads. Starlette's run_in_threadpool does the same
    through anyio, whose event-loop backend costs `wbtui demo` 15-25 ms of start-up to import."""
    return await asyncio.get_running_loop().run_in_executor(_THREADS, functools.partial(fn, *args, **kwargs))


def _json(payload: Any, status: int = 200) -> Response:
    return Response(fastjson.dumps(payload), status_code=status, media_type="application/json")


_NOT_JSON = object()


def _unauthorized() -> Response:
    return _json({"errors": [{"message": "authentication failed: invalid or missing API key"}]}, 401)


async def _body(request: Request) -> Any:
    raw = await request.body()
    if request.headers.get("content-encoding", "").lower() == "gzip" or raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return fastjson.loads(raw)


def create_app(sandbox: Sandbox) -> Starlette:
    documents = Documents()
    gql_log = logging.getLogger("wbtui.sandbox.graphql")
    gql_log.addFilter(_ClientErrors())

    def base_url(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    async def authenticated(request: Request) -> tuple[Viewer | None, Any]:
        """(viewer, parsed JSON body); the body is read only for a known key."""
        viewer = await blocking(viewer_for, sandbox.store, request.headers)
        if viewer is None:
            return None, None
        try:
            return viewer, await _body(request)
        except (OSError, EOFError, zlib.error, ValueError):
            return viewer, _NOT_JSON

    async def graphql(request: Request) -> Response:
        viewer, data = await authenticated(request)
        if viewer is None:
            return _unauthorized()
        if data is _NOT_JSON:
            return _json({"errors": [{"message": "the request body is not JSON"}]}, 400)
        if isinstance(data, dict) and not data.get("operationName"):
            data["operationName"] = None  # the SDK sends "" for "the only operation"
        launch.fill_queue_project(data)
        context = Context(sandbox.store, sandbox.storage, viewer, base_url(request))
        ok, result = await blocking(
            graphql_sync, sandbox.schema, data, context_value=context, query_parser=documents.parse,
            query_validator=documents.validate, logger=gql_log.name, execution_context_class=FastExecutor)
        return _json(result, 200 if ok else 400)

    async def file_stream(request: Request) -> Response:
        viewer, body = await authenticated(request)
        if viewer is None:
            return _unauthorized()
        if body is _NOT_JSON:
            return _json({"error": "the request body is not JSON"}, 400)
        p = request.path_params

        def run() -> Response:
            row = runs.find_run(sandbox.store, viewer, p["entity"], p["project"], p["run"])
            if row is None:
                return _json({"error": f"run {p['entity']}/{p['project']}/{p['run']} not found"}, 404)
            project = sandbox.store.one("SELECT * FROM projects WHERE id = ?", (row["project_id"],))
            if not accounts.can_write_project(sandbox.store, viewer, project):
                return _json({"error": "permission denied"}, 403)
            return _json(filestream.apply(sandbox.store, row, body if isinstance(body, dict) else {}))
        return await blocking(run)

    async def upload(request: Request) -> Response:
        payload = sandbox.storage.verify(request.path_params["token"], "PUT")
        if payload is None:
            return _json({"error": "invalid or expired upload URL"}, 403)
        writer = await blocking(sandbox.storage.writer, payload["k"])
        try:
            async for chunk in request.stream():
                writer.write(chunk)
        except BaseException:
            writer.abort()
            raise
        size, md5 = writer.commit()
        await blocking(sandbox.storage.finish_upload, payload, size, md5)
        return Response(status_code=200)

    async def download(request: Request) -> Response:
        payload = sandbox.storage.verify(request.path_params["token"], "GET")
        if payload is None:
            return _json({"error": "invalid or expired download URL"}, 403)
        path = sandbox.storage.path(payload["k"])
        if not path.is_file():
            return _json({"error": "not found"}, 404)
        return FileResponse(path, filename=path.name)

    async def artifact_file(request: Request) -> Response:
        """W&B's authenticated artifact file URL (the SDK's fallback to signed URLs)."""
        def run() -> Response:
            viewer = viewer_for(sandbox.store, request.headers)
            if viewer is None:
                return _unauthorized()
            key = artifacts.file_url_key(sandbox.store, viewer, request.path_params["path"])
            return _json({"error": "not found"}, 404) if key is None else FileResponse(sandbox.storage.path(key))
        return await blocking(run)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette):
        async def sweep() -> None:
            interval = max(1.0, min(30.0, sandbox.stale_after / 3))
            while True:
                try:
                    await blocking(runs.mark_stale, sandbox.store, sandbox.stale_after)
                except Exception:  # keep sweeping; the next round may succeed
                    log.exception("marking stale runs failed")
                await asyncio.sleep(interval)
        task = asyncio.create_task(sweep())
        try:
            yield
        finally:
            task.cancel()

    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["POST"]),
            Route("/files/{entity}/{project}/{run}/file_stream", file_stream, methods=["POST"]),
            Route("/storage/{token}", upload, methods=["PUT"]),
            Route("/storage/{token}", download, methods=["GET"]),
            Route("/artifactsV2/{path:path}", artifact_file, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
