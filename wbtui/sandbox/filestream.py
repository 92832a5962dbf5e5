"""Apply one file_stream request to a run (history, system metrics, summary, console, state).

Lines are keyed by their file_stream line index, so a chunk the SDK re-sends at the same
offset replaces what is stored instead of adding to it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from .runs import TERMINAL, update_run
from .store import Row, Store, json_text, now

HISTORY, EVENTS, SUMMARY, OUTPUT = "wandb-history.jsonl", "wandb-events.jsonl", "wandb-summary.json", "output.log"
_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?$")


def value_type(value: Any) -> str:
    """The type name W&B's historyKeys reports for a logged value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return str(value.get("_type") or "map")
    if isinstance(value, list):
        return "list"
    return "nil"


def _chunk(files: dict[str, Any], name: str) -> tuple[int, list[str]]:
    part = files.get(name) or {}
    return int(part.get("offset") or 0), [c for c in part.get("content") or [] if isinstance(c, str)]


def _parse(line: str) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def keyset_ids(store: Store, keysets: set[str]) -> dict[str, int]:
    """Ids of `keysets` (JSON arrays of sorted keys), adding the new ones."""
    store.executemany("INSERT OR IGNORE INTO keysets (keys) VALUES (?)", [(k,) for k in keysets])
    return {k: store.scalar("SELECT id FROM keysets WHERE keys = ?", (k,)) for k in keysets}


def _history(store: Store, run: Row, offset: int, lines: list[str]) -> dict[str, Any]:
    parsed, counts = [], Counter()
    for i, line in enumerate(lines):
        data = _parse(line)
        parsed.append((data, json.dumps(sorted(data))))
        if offset + i >= run["history_line_count"]:  # count keys of new lines only
            counts.update((k, value_type(v)) for k, v in data.items())
    ids = keyset_ids(store, {keys for _, keys in parsed})
    store.executemany(
        "INSERT OR REPLACE INTO history (run_id, line, step, keyset, data) VALUES (?, ?, ?, ?, ?)",
        [(run["id"], offset + i, step if isinstance(step := data.get("_step"), int) else None, ids[keys], line)
         for i, ((data, keys), line) in enumerate(zip(parsed, lines))])
    store.executemany(
        "INSERT INTO history_keys (run_id, key, type, count) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (run_id, key, type) DO UPDATE SET count = count + excluded.count",
        [(run["id"], k, t, n) for (k, t), n in counts.items()])
    return {"history_line_count": max(run["history_line_count"], offset + len(lines))}


def _events(store: Store, run: Row, offset: int, lines: list[str]) -> dict[str, Any]:
    store.executemany("INSERT OR REPLACE INTO events (run_id, line, data) VALUES (?, ?, ?)",
                      [(run["id"], offset + i, line) for i, line in enumerate(lines)])
    changes: dict[str, Any] = {"events_line_count": max(run["events_line_count"], offset + len(lines))}
    if offset + len(lines) >= run["events_line_count"]:
        latest = {k: v for k, v in _parse(lines[-1]).items() if k != "_wandb"}
        changes["system_metrics"] = json_text(latest)
    return changes


def log_line(line: str) -> tuple[str | None, str, str, str]:
    """-> (timestamp, level, label, content) of a console line.

    Plain lines are "<ISO time> <text>", stderr text prefixed "ERROR "; with the
    STRUCTURED_CONSOLE_LOGS feature each line is JSON {"ts", "level", "label", "content"}.
    """
    if line.startswith("{"):
        data = _parse(line)
        if "content" in data:
            return data.get("ts"), str(data.get("level") or ""), str(data.get("label") or ""), str(data["content"])
    ts, _, rest = line.partition(" ")
    if not _TIMESTAMP.match(ts):
        ts, rest = None, line
    if rest.startswith("ERROR "):
        return ts, "error", "", rest[len("ERROR "):]
    return ts, "", "", rest


def _output(store: Store, run: Row, offset: int, lines: list[str]) -> dict[str, Any]:
    store.executemany(
        "INSERT OR REPLACE INTO log_lines (run_id, line, timestamp, level, label, content) VALUES (?, ?, ?, ?, ?, ?)",
        [(run["id"], offset + i, *log_line(line)) for i, line in enumerate(lines)])
    return {"log_line_count": max(run["log_line_count"], offset + len(lines))}


def apply(store: Store, run: Row, body: dict[str, Any]) -> dict[str, Any]:
    """Store one request's data; -> the response body the SDK expects."""
    files = body.get("files") if isinstance(body.get("files"), dict) else {}
    with store.transaction():
        run = store.one("SELECT * FROM runs WHERE id = ?", (run["id"],))  # fresh counts inside the lock
        changes: dict[str, Any] = {"heartbeat_at": now()}
        for name, ingest in ((HISTORY, _history), (EVENTS, _events), (OUTPUT, _output)):
            offset, lines = _chunk(files, name)
            if lines:
                changes |= ingest(store, run, offset, lines)
        _, summary = _chunk(files, SUMMARY)
        if summary and _parse(summary[-1]):
            changes["summary"] = json_text(_parse(summary[-1]))
        if body.get("preempting"):
            changes["preempting"] = 1
        if body.get("complete"):
            exitcode = body.get("exitcode")
            changes["exitcode"] = exitcode
            # a run stopped from the server (stopRun) ends with the SDK's exit code 255
            changes["state"] = "finished" if not exitcode else "killed" if run["should_stop"] else "failed"
        elif run["state"] in TERMINAL:
            # a resumed run, or a crashed one whose heartbeat came back: a stop asked of its
            # earlier life does not apply
            changes |= {"state": "running", "exitcode": None, "should_stop": 0,
                        "preempting": int(bool(body.get("preempting")))}
        elif run["state"] == "pending":
            # its first data; a stop asked before it (right after wandb.init) still applies
            changes |= {"state": "running", "preempting": int(bool(body.get("preempting")))}
        update_run(store, run["id"], **changes)
    response: dict[str, Any] = {"exitcode": None, "limits": {}}
    if changes.get("should_stop", run["should_stop"]):
        response["stopped"] = True  # the SDK then interrupts the script and finishes the run
    return response
