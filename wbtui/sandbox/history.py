"""Reading a run's history, system-metric events and console lines as W&B serves them."""

from __future__ import annotations

import json
from typing import Any

from .store import Row, Store

TAIL = 10  # lines of historyTail / eventsTail, which the SDK reads when resuming


def sample_indices(n: int, samples: int) -> list[int]:
    """`samples` indices spread evenly over range(n), always the first and the last."""
    if n <= samples:
        return list(range(n))
    if samples <= 1:
        return [0] if samples == 1 else []
    return sorted({round(i * (n - 1) / (samples - 1)) for i in range(samples)})


def _sampled_rows(store: Store, table: str, run_id: int, where: list[str], params: list[Any],
                  samples: int | None) -> list[str]:
    """The `data` of the matching rows of `table`, in step order, sampled to `samples`."""
    order = "step, line" if table == "history" else "line"
    cond = " AND ".join(["run_id = ?", *where])
    params = [run_id, *params]
    select = f"SELECT data FROM {table} WHERE {cond} ORDER BY {order}"
    if samples is None:
        return [data for data, in store.tuples(select, params)]
    # a page of a scan asks for all its rows: then one query reads them (sampling takes two)
    rows = store.tuples(f"{select} LIMIT ?", [*params, samples + 1])
    if len(rows) <= samples:
        return [data for data, in rows]
    lines = [line for line, in store.tuples(f"SELECT line FROM {table} WHERE {cond} ORDER BY {order}", params)]
    picked = [lines[i] for i in sample_indices(len(lines), samples)]
    data = dict(store.tuples(
        f"SELECT line, data FROM {table} WHERE run_id = ? AND line IN (SELECT value FROM json_each(?))",
        (run_id, json.dumps(picked))))
    return [data[line] for line in picked]


def sampled(store: Store, run_id: int, spec: dict[str, Any]) -> list[dict[str, Any]]:
    """One sampledHistory spec: rows that carry every key in `keys` (W&B's AND semantics),
    reduced to those keys, within `minStep`..`maxStep` (both inclusive, as W&B reads a spec),
    sampled evenly to `samples` rows (first and last kept)."""
    keys = list(dict.fromkeys(k for k in spec.get("keys") or [] if isinstance(k, str)))
    # which key sets (see `keysets`) hold every key: rows are then found without parsing JSON
    sets = store.query("SELECT id, keys FROM keysets WHERE id IN (SELECT DISTINCT keyset FROM history"
                       " WHERE run_id = ?)", (run_id,))
    ids = [s["id"] for s in sets if set(keys) <= set(json.loads(s["keys"]))]
    where, params = [f"keyset IN ({','.join('?' * len(ids)) or 'NULL'})"], list(ids)
    for bound, op in (("minStep", ">="), ("maxStep", "<=")):
        if spec.get(bound) is not None:
            where.append(f"step {op} ?")
            params.append(int(spec[bound]))
    rows = [json.loads(d) for d in _sampled_rows(store, "history", run_id, where, params,
                                                 int(spec.get("samples") or 500))]
    return [{k: row[k] for k in keys} for row in rows] if keys else rows


def full(store: Store, table: str, run_id: int, samples: int | None,
         min_step: int | None = None, max_step: int | None = None) -> list[str]:
    """Every row (as JSON text) of `history` or `events` in step order, sampled to `samples`;
    for history optionally only steps `min_step` <= step < `max_step`."""
    where, params = [], []
    for bound, op in ((min_step, ">="), (max_step, "<")):
        if bound is not None and table == "history":
            where.append(f"step {op} ?")
            params.append(bound)
    return _sampled_rows(store, table, run_id, where, params, samples)


def keys(store: Store, run: Row) -> dict[str, Any]:
    """historyKeys: each key's value types with counts, and the last step logged."""
    out: dict[str, Any] = {}
    for r in store.query("SELECT key, type, count FROM history_keys WHERE run_id = ? ORDER BY key, type",
                         (run["id"],)):
        out.setdefault(r["key"], {"typeCounts": []})["typeCounts"].append({"type": r["type"], "count": r["count"]})
    last = store.scalar("SELECT MAX(step) FROM history WHERE run_id = ?", (run["id"],))
    return {"keys": out, "lastStep": -1 if last is None else last}


def tail(store: Store, table: str, run_id: int) -> str:
    """The last lines of `history`/`events` as W&B's historyTail: a JSON list of JSON lines."""
    rows = store.query(f"SELECT data FROM {table} WHERE run_id = ? ORDER BY line DESC LIMIT ?", (run_id, TAIL))
    return json.dumps([r["data"] for r in reversed(rows)])
