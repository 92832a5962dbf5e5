"""A run's history, system-metric events and console lines."""

from __future__ import annotations

import json

from ariadne import ObjectType

from .. import history
from ..accounts import SandboxError
from ..context import ctx
from ..relay import connection

run = ObjectType("Run")


@run.field("history")
def resolve_history(obj, info, samples=None, min_step=None, max_step=None):
    return history.full(ctx(info).store, "history", obj["id"], samples, min_step, max_step)


@run.field("events")
def resolve_events(obj, info, samples=None):
    return history.full(ctx(info).store, "events", obj["id"], samples)


@run.field("sampledHistory")
def resolve_sampled_history(obj, info, specs):
    out = []
    for spec in specs:
        try:
            spec = json.loads(spec)
        except ValueError:
            raise SandboxError("a sampledHistory spec must be a JSON object") from None
        if not isinstance(spec, dict):
            raise SandboxError("a sampledHistory spec must be a JSON object")
        out.append(history.sampled(ctx(info).store, obj["id"], spec))
    return out


@run.field("historyKeys")
def resolve_history_keys(obj, info):
    return history.keys(ctx(info).store, obj)


@run.field("parquetHistory")
def resolve_parquet_history(obj, info, live_keys):
    # no parquet export: with no URLs and no live rows the SDK reads every page live (HistoryPage)
    return {"parquet_urls": [], "live_data": []}


@run.field("historyTail")
def resolve_history_tail(obj, info):
    return history.tail(ctx(info).store, "history", obj["id"])


@run.field("eventsTail")
def resolve_events_tail(obj, info):
    return history.tail(ctx(info).store, "events", obj["id"])


@run.field("logLines")
def resolve_log_lines(obj, info, first=None, after=None, last=None, use_improved_pagination=None):
    store = ctx(info).store
    start = None
    if last is not None and after is None:  # the tail: the last `last` lines
        total = store.scalar("SELECT COUNT(*) FROM log_lines WHERE run_id = ?", (obj["id"],))
        first, start = max(0, last), max(0, total - max(0, last))

    def fetch(offset: int, limit: int):
        return store.query(
            "SELECT line AS number, timestamp, level, label, content AS line FROM log_lines"
            " WHERE run_id = ? ORDER BY log_lines.line LIMIT ? OFFSET ?", (obj["id"], limit, offset))
    return connection(fetch, first, after, default=1000, start=start)


bindables = [run]
