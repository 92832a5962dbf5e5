"""Turning server values into short, safe display text.

Everything here returns plain strings; widgets put them in `Text(...)` or `Content(...)`
objects, never in markup, so a run called "[b]x" shows as "[b]x".
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from typing import Any

CONTROL = dict.fromkeys(range(32), " ") | {0x7F: " "}


def plain(value: Any) -> str:
    """A single line of text with control characters (escape sequences) made harmless."""
    return str(value if value is not None else "").translate(CONTROL)


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def when(value: str | None) -> str:
    """An ISO time as local "YYYY-MM-DD HH:MM"."""
    moment = parse_time(value)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def duration(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return ""
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {seconds:02d}s"
    return f"{seconds}s"


def size(num: int | float | None) -> str:
    if num is None:
        return ""
    value = float(num)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(value) < 1024 or unit == "TB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return str(num)


def value(item: Any, width: int = 0, exact: bool = False) -> str:
    """A config or summary value: floats to 6 significant digits (all of them if `exact`),
    whole ones such as timestamps without an exponent; dicts as JSON."""
    if item is None:
        return ""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, float):
        if exact:
            return repr(item)
        return f"{item:.0f}" if item.is_integer() and abs(item) < 1e15 else f"{item:.6g}"
    if isinstance(item, (dict, list)):
        text = json.dumps(item, separators=(",", ":"), default=str)
    else:
        text = plain(item)
    return text if not width or len(text) <= width else text[: width - 1] + "…"


def username(run: Any) -> str:
    """Who made the run (`run.user`; wandb deprecates `run.username`)."""
    return plain(run.user.username if run.user is not None else "")


def runtime(run: Any) -> float | None:
    """Seconds a run has run: the `_runtime` it reported, else heartbeat minus creation."""
    try:
        reported = run.summary.get("_runtime") if run._summary is not None else None
    except Exception:
        reported = None
    if isinstance(reported, (int, float)):
        return float(reported)
    start, end = parse_time(run.created_at), parse_time(run.heartbeat_at)
    return (end - start).total_seconds() if start and end else None


def state_tone(state: str | None) -> str:
    """The PagedTable tone of a run, queue item or sweep state."""
    match (state or "").lower():
        case "finished" | "claimed" | "completed":
            return "good"
        case "failed" | "crashed" | "killed" | "error":
            return "bad"
        case "running" | "pending" | "preempting" | "leased":
            return "busy"
        case _:
            return "muted"


def job_versions(jobs: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """`Api.list_jobs()` output (the SDK's raw shape) as job name → version nodes."""
    by_name: dict[str, list[dict[str, Any]]] = {}
    for collection in jobs:
        for edge in collection.get("edges") or []:
            node = edge.get("node") or {}
            name = (node.get("artifactSequence") or {}).get("name")
            if name:
                by_name.setdefault(name, []).append(node)
    return by_name
