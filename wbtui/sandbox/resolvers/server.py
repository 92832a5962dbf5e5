"""serverInfo: the W&B server features the sandbox implements (the SDK picks code paths by them)."""

from __future__ import annotations

from ariadne import QueryType

from . import features

query = QueryType()

# file_stream bodies may be gzip-compressed (Content-Encoding: gzip); console lines may be JSON
FEATURES = ("FILESTREAM_GZIP", "STRUCTURED_CONSOLE_LOGS")


@query.field("serverInfo")
def resolve_server_info(*_):
    return {"features": [{"name": name, "is_enabled": True} for name in features()]}


bindables = [query]
