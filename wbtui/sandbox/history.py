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


def _key_path(key: str) -> str:
    return '$."' + key.replace('"', '\\"') + '"'


def sampled(store: Store, run_id: int, spec: dict[str, Any]) -> list[dict[str, Any]]:
    """One sampledHistory spec: rows that carry every key in `keys` (W&B's AND semantics),
    reduced to those keys, within `minStep`..`maxStep` (both inclusive, as W&B reads a spec),
    sampled evenly to `samples` rows (first and last kept)."""
    keys = list(dict.fromkeys(k for k in spec.get("keys") or [] if isinstance(k, str)))
    samples = int(spec.get("samples") or 500)
    where, params = ["run_id = ?"], [run_id]
    for bound, op in (("minStep", ">="), ("maxStep", "<=")):
        if spec.get(bound) is not None:
            where.append(f"step {op} ?")
            params.append(int(spec[bound]))
    # rows SQLite cannot parse (NaN, Infinity) are checked in Python instead
    has_keys = " AND ".join(["json_type(data, ?) IS NOT NULL"] * len(keys)) or "1"
    candidates = store.query(
        f"SELECT line, CASE WHEN json_valid(data) THEN NULL ELSE data END AS raw FROM history"
        f" WHERE {' AND '.join(where)} AND CASE WHEN json_valid(data) THEN {has_keys} ELSE 1 END"
        " ORDER BY step, line", [*params, *map(_key_path, keys)])
    lines = [r["line"] for r in candidates if r["raw"] is None or all(k in json.loads(r["raw"]) for k in keys)]
    picked = [lines[i] for i in sample_indices(len(lines), samples)]
    out = []
    for row in _rows_at(store, "history", run_id, picked):
        data = json.loads(row["data"])
        out.append({k: data[k] for k in keys if k in data} if keys else data)
    return out


def _rows_at(store: Store, table: str, run_id: int, lines: list[int]) -> list[Row]:
    """The rows at `lines`, in that order."""
    found: dict[int, Row] = {}
    for i in range(0, len(lines), 500):  # stay below SQLite's bound-parameter limit
        part = lines[i:i + 500]
        for row in store.query(
                f"SELECT line, data FROM {table} WHERE run_id = ? AND line IN ({','.join('?' * len(part))})",
                [run_id, *part]):
            found[row["line"]] = row
    return [found[n] for n in lines if n in found]


def full(store: Store, table: str, run_id: int, samples: int | None,
         min_step: int | None = None, max_step: int | None = None) -> list[str]:
    """Every row (as JSON text) of `history` or `events`, sampled to `samples` rows."""
    where, params = ["run_id = ?"], [run_id]
    if table == "history":
        if min_step is not None:
            where.append("step >= ?")
            params.append(min_step)
        if max_step is not None:
            where.append("step < ?")
            params.append(max_step)
    order = "step, line" if table == "history" else "line"
    sql = f"FROM {table} WHERE {' AND '.join(where)}"
    count = store.scalar(f"SELECT COUNT(*) {sql}", params)
    if samples is None or count <= samples:
        return [r["data"] for r in store.query(f"SELECT data {sql} ORDER BY {order}", params)]
    lines = [r["line"] for r in store.query(f"SELECT line {sql} ORDER BY {order}", params)]
    return [r["data"] for r in _rows_at(store, table, run_id, [lines[i] for i in sample_indices(count, samples)])]


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
