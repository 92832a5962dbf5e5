"""Lazy, cursor-paged collections: `async for x in api.runs(...)`, or a page at a time.

A screen that scrolls through 10,000 runs asks for `await runs.page(cursor)` with the cursor
of the last page it has, and never re-reads earlier pages. Pages are kept (by cursor) until
`Api.flush()`, and concurrent requests for the same page share one round trip. A page is
converted to records a slice at a time, letting the event loop run between slices: a
1,000-run page never holds up a UI's keys for the whole conversion.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .errors import NotFoundError

if TYPE_CHECKING:
    from .api import Api

T = TypeVar("T")
R = TypeVar("R")
SLICE = 100  # records converted between two turns of the event loop


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    start: str | None  # the cursor this page was asked with (None: the first page)
    cursor: str | None  # pass it to `page()` for the next page
    has_next: bool
    total: int | None  # the collection's size, where the server says it


class Paginator(Generic[T]):
    """A GraphQL connection read page by page.

    `connection(data)` finds the connection (`edges`, `pageInfo`) in a response, or None when
    its parent does not exist; `convert(edge, variables)` turns an edge into a record (None
    skips it); `total(data)` reads a total count, if the query asks for one. With
    `resolve_entity`, a missing `entity` variable becomes the default entity at the first fetch.
    """

    def __init__(
        self,
        api: Api,
        operation: str,
        variables: Mapping[str, Any],
        *,
        connection: Callable[[dict[str, Any]], dict[str, Any] | None],
        convert: Callable[[dict[str, Any], dict[str, Any]], T | None],
        total: Callable[[dict[str, Any]], int | None] | None = None,
        per_page: int = 50,
        start: str | None = None,
        missing: str = "not found",
        cursor_var: str = "cursor",
        per_page_var: str = "perPage",
        count_var: str | None = None,
        resolve_entity: bool = False,
    ) -> None:
        self._api = api
        self._operation = operation
        self.variables = dict(variables)
        self._connection = connection
        self._convert = convert
        self._total = total
        self.per_page = per_page
        self.start = start
        self._missing = missing
        self._cursor_var = cursor_var
        self._per_page_var = per_page_var
        self._count_var = count_var
        self._resolve_entity = resolve_entity
        self._pages: dict[str | None, Page[T]] = {}  # converted pages, by the cursor asked with
        self._requests: dict[str | None, asyncio.Future[_Raw]] = {}  # responses not converted yet
        self._generation = api._generation
        self.total: int | None = None
        self.cursor: str | None = start  # end cursor of the furthest page read, as the SDK's

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._operation} {self.variables}>"

    async def page(self, cursor: str | None = None) -> Page[T]:
        """The page after `cursor` (None: the collection's first page)."""
        cursor = cursor if cursor is not None else self.start
        self._forget_if_flushed()
        return self._pages.get(cursor) or await self._store(cursor, await self._response(cursor))

    async def first_page(self) -> Page[T]:
        return await self.page(None)

    async def next_page(self, page: Page[T]) -> Page[T] | None:
        return await self.page(page.cursor) if page.has_next and page.cursor else None

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Every page in order. The next page is requested as soon as the previous response
        arrives, so the server works on it while this one is converted and consumed."""
        cursor = self.start
        while True:
            self._forget_if_flushed()
            page = self._pages.get(cursor)
            if page is None:
                raw = await self._response(cursor)
                if raw.has_next:
                    self._request(raw.end)  # on its way while this page is converted
                page = await self._store(cursor, raw)
            elif page.has_next and page.cursor not in self._pages:
                self._request(page.cursor)
            yield page
            if not page.has_next:
                return
            cursor = page.cursor

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def list(self) -> list[T]:
        return [item async for item in self]

    async def count(self) -> int | None:
        """The total the server reports (None if it reports none)."""
        if self.total is None:
            await self.first_page()
        return self.total

    def _forget_if_flushed(self) -> None:
        if self._generation != self._api._generation:  # Api.flush() since we fetched
            self._pages.clear()
            self._requests.clear()
            self._generation = self._api._generation

    def _request(self, cursor: str | None) -> asyncio.Future[_Raw]:
        """The response for `cursor`, fetched once however many callers want it."""
        future = self._requests.get(cursor)
        if future is None:
            future = self._requests[cursor] = spawn(self._fetch(cursor))
        return future

    async def _response(self, cursor: str | None) -> _Raw:
        future = self._request(cursor)
        try:
            return await asyncio.shield(future)
        except BaseException:
            if self._requests.get(cursor) is future and future.done():
                del self._requests[cursor]  # a later call tries again
            raise

    async def _store(self, cursor: str | None, raw: _Raw) -> Page[T]:
        items: list[T] = []
        convert, variables, edges, generation = self._convert, raw.variables, raw.edges, self._api._generation
        for start in range(0, len(edges), SLICE):
            await asyncio.sleep(0)  # keys, and a request just made, go first
            items += [item for edge in edges[start:start + SLICE]
                      if edge and (item := convert(edge, variables)) is not None]
        if (page := self._pages.get(cursor)) is not None:  # a concurrent caller was first
            return page
        page = Page(items, cursor, raw.end, raw.has_next, self.total)
        if generation != self._api._generation:  # flushed meanwhile: not to be kept
            return page
        self._pages[cursor] = page
        self._requests.pop(cursor, None)  # keep the records, not the response
        if raw.has_next:
            self.cursor = raw.end
        return page

    async def _fetch(self, cursor: str | None) -> _Raw:
        if self._resolve_entity and not self.variables.get("entity"):
            self.variables["entity"] = await self._api._entity(None)
        variables = {**self.variables, self._cursor_var: cursor, self._per_page_var: self.per_page}
        if self._count_var:  # counting costs the server: only with the first page
            variables[self._count_var] = self.total is None and (cursor == self.start or not self._pages)
        data = await self._api._query(self._operation, variables)
        connection = self._connection(data)
        if connection is None:
            raise NotFoundError(self._missing)
        if self._total is not None and (total := self._total(data)) is not None:
            self.total = total
        edges = connection.get("edges") or []
        info = connection.get("pageInfo") or {}
        end = info.get("endCursor") or ((edges or [{}])[-1] or {}).get("cursor")
        return _Raw(variables, edges, end, bool(info.get("hasNextPage")) and bool(end))


@dataclass(frozen=True, slots=True)
class _Raw:
    variables: dict[str, Any]
    edges: list[dict[str, Any]]
    end: str | None
    has_next: bool


def spawn(awaitable: Awaitable[R]) -> asyncio.Future[R]:
    """A task whose failure is seen even if nobody awaits it (a prefetched page the caller
    never asked for): no "exception was never retrieved" warnings."""
    future = asyncio.ensure_future(awaitable)
    future.add_done_callback(lambda f: f.cancelled() or f.exception())
    return future


def dig(data: Any, *keys: str) -> Any:
    """data[k1][k2]... or None as soon as one is missing."""
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data
