"""Relay-style ids (base64 "Type:<int>") and offset-cursor connections, as W&B returns them.

Keys are snake_case: the schema is bound with ariadne's `convert_names_case`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from .accounts import SandboxError

PAGE_SIZE = 50  # nodes of a connection asked for without `first`


def global_id(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def parse_id(gid: str | None, type_name: str) -> int:
    """The integer key of `gid`, which must name `type_name`."""
    try:
        kind, _, pk = base64.b64decode(gid or "", validate=True).decode().partition(":")
        if kind == type_name:
            return int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise SandboxError(f"invalid {type_name} id {gid!r}")


def _cursor(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def start_of(after: str | None) -> int:
    """The offset of the first item after cursor `after` (0 without a cursor)."""
    if not after:
        return 0
    try:
        kind, _, n = base64.b64decode(after, validate=True).decode().partition(":")
        if kind == "offset":
            return int(n) + 1
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise SandboxError(f"invalid cursor {after!r}")


def connection(
    fetch: Callable[[int, int], Sequence[Any]], first: int | None, after: str | None, default: int = PAGE_SIZE,
    start: int | None = None,
) -> dict[str, Any]:
    """A connection of up to `first` nodes after `after` (or from offset `start`).

    `fetch(offset, limit)` returns at most `limit` items; one extra is asked for to know
    whether another page follows.
    """
    start = start_of(after) if start is None else start
    limit = limit_of(first, default)
    rows = list(fetch(start, limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    edges = [{"cursor": _cursor(start + i), "node": row} for i, row in enumerate(rows)]
    return {
        "edges": edges,
        "page_info": {"end_cursor": edges[-1]["cursor"] if edges else after, "has_next_page": more},
    }


def limit_of(first: int | None, default: int = PAGE_SIZE) -> int:
    """How many nodes `connection` answers for `first`."""
    return default if first is None else max(0, first)


def lazy(page: Callable[[], dict[str, Any]], total: Callable[[], int] | None = None) -> dict[str, Any]:
    """A connection read only as far as the query asks (`page()` gives the whole page once):
    a list that asks each row for `totalCount` alone never fetches those rows' edges."""
    page = cache(page)
    conn: dict[str, Any] = {"edges": lambda _info: page()["edges"], "page_info": lambda _info: page()["page_info"]}
    if total is not None:
        conn["total_count"] = lambda _info: total()
    return conn


def edges(nodes: Sequence[Any]) -> dict[str, Any]:
    """A whole list as one page of a connection."""
    return connection(lambda offset, limit: nodes[offset:offset + limit], len(nodes), None)
