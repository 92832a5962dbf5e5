"""What every resolver gets as `info.context`: the store, blob storage, the viewer, the base URL,
and a per-request cache through which a list's nested fields are read for a whole page at once.

A list resolver marks its rows with `mark_page`; a nested field of one row then loads what it
needs for every row of the page (`Context.batch`, `Context.cache_rows`): one query per page,
not one per row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLResolveInfo

from . import accounts
from .accounts import SandboxError, Viewer
from .storage import Storage
from .store import Row, Store


@dataclass
class Context:
    store: Store
    storage: Storage
    viewer: Viewer
    base_url: str  # e.g. "http://127.0.0.1:8080", for the URLs handed to clients
    memo: dict[Any, Any] = field(default_factory=dict)  # per-request cache

    def project(self, entity: str | None, name: str | None) -> Row | None:
        """A project the viewer may read (None if absent or hidden); entity defaults to the viewer's."""
        entity = entity or self.viewer.user["username"]
        key = ("project", entity, name)
        if key not in self.memo:
            self.memo[key] = accounts.find_project(self.store, self.viewer, entity, name)
        return self.memo[key]

    def cached(self, kind: str, pk: Any, sql: str) -> Row | None:
        """`store.one(sql, (pk,))`, once per request for each (kind, pk)."""
        key = (kind, pk)
        if key not in self.memo:
            self.memo[key] = None if pk is None else self.store.one(sql, (pk,))
        return self.memo[key]

    def cache_rows(self, kind: str, table: str, pks: Iterable[Any]) -> None:
        """Read the rows of `table` with these ids in one query, for `cached(kind, pk, ...)`."""
        todo = sorted({pk for pk in pks if pk is not None and (kind, pk) not in self.memo})
        if todo:
            found = {row["id"]: row for row in self.store.query(
                f"SELECT * FROM {table} WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(todo),))}
            for pk in todo:
                self.memo[(kind, pk)] = found.get(pk)

    def batch(self, kind: Any, key: Any, keys: Iterable[Any], load: Callable[[list[Any]], Mapping[Any, Any]],
              default: Any = None) -> Any:
        """`load(keys)[key]` (else `default`), where `keys` are the page's: the first row asking
        loads the value of every row, once per request."""
        memo = self.memo.setdefault(("batch", kind), {})
        if key not in memo:
            todo = [k for k in dict.fromkeys([key, *keys]) if k not in memo]
            found = load(todo)
            for k in todo:
                memo[k] = found.get(k, default)
        return memo[key]

    def require_admin(self) -> None:
        if not self.viewer.is_admin:
            raise SandboxError("permission denied: this needs an instance admin")


def ctx(info: GraphQLResolveInfo) -> Context:
    return info.context


def mark_page(rows: list[Row]) -> list[Row]:
    """Let each row of a list page find the others (`page_of`)."""
    for row in rows:
        row["_page"] = rows
    return rows


def page_of(row: Row) -> list[Row]:
    """The rows of the page `row` came in (itself alone when it came on its own)."""
    return row.get("_page") or [row]
