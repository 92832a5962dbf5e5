"""`sync_tensorboard`: import TensorBoard event files as a W&B run.

Event files are read with TensorBoard's own loader (the `tensorboard` extra, imported only
here). Scalars become history rows the way wandb's TensorBoard integration makes them: the key
is the tag, prefixed with the event file's directory under root_dir ("train/loss"), events of
the same step are rolled up into one row, and the row carries `global_step`. Rows are streamed
over file_stream with line offsets (a re-sent chunk is not stored twice), then the summary, then
`complete` with exit code 0 -- the requests `wandb sync` sends.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import paths
from .errors import WandbError
from .ids import generate_id

if TYPE_CHECKING:
    from .api import Api
    from .models import Run

CHUNK_LINES = 1000  # history lines per file_stream request
HISTORY, SUMMARY = "wandb-history.jsonl", "wandb-summary.json"


def event_files(root: Path) -> list[Path]:
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*tfevents*") if p.is_file())
    if not files:
        raise ValueError(f"No TensorBoard event files under {root}")
    return files


def read_scalars(root: Path) -> list[dict[str, Any]]:
    """History rows from every event file under root, ordered by step."""
    try:
        from tensorboard.backend.event_processing.event_file_loader import (
            EventFileLoader,
        )
        from tensorboard.util import tensor_util
    except ImportError as error:
        raise ImportError("sync_tensorboard needs TensorBoard: pip install 'wbtui[tensorboard]'") from error

    rows: dict[int, dict[str, Any]] = {}
    base = root if root.is_dir() else root.parent
    for path in event_files(root):
        namespace = path.parent.relative_to(base).as_posix()
        prefix = "" if namespace == "." else namespace + "/"
        for event in EventFileLoader(str(path)).Load():
            for value in event.summary.value:
                scalar = _scalar(value, tensor_util)
                if scalar is None:
                    continue
                row = rows.setdefault(event.step, {"global_step": event.step})
                row[prefix + value.tag] = scalar
                row["_timestamp"] = max(row.get("_timestamp", 0.0), event.wall_time)
    ordered = [rows[step] for step in sorted(rows)]
    start = min((r["_timestamp"] for r in ordered), default=0.0)
    for index, row in enumerate(ordered):
        row["_step"] = index
        row["_runtime"] = row["_timestamp"] - start
    return ordered


def _scalar(value: Any, tensor_util: Any) -> float | None:
    if value.HasField("simple_value"):
        number = float(value.simple_value)
    elif value.HasField("tensor") and value.metadata.plugin_data.plugin_name in ("scalars", ""):
        array = tensor_util.make_ndarray(value.tensor)
        if array.size != 1 or array.dtype.kind not in "fiub":
            return None
        number = float(array.reshape(()).item())
    else:
        return None
    return number if math.isfinite(number) else None  # JSON has no NaN or Infinity


def summary_of(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for row in rows:
        summary.update(row)
    return summary


async def sync_tensorboard(
    api: Api,
    root_dir: str | Path,
    *,
    run_id: str | None,
    project: str | None,
    entity: str | None,
    progress: Callable[[int, int], None] | None = None,
) -> Run:
    root = Path(root_dir).expanduser()
    if not root.exists():
        raise ValueError(f"{root} does not exist")
    rows = await asyncio.to_thread(read_scalars, root)  # blocking file reads off the event loop
    entity = await api._entity(entity)
    project = project or api.settings.project or paths.DEFAULT_PROJECT
    run_id = run_id or generate_id()
    config = {"_wandb": {"value": {"tensorboard": {"root_dir": str(root)}}}}
    bucket = (await api._query("UpsertRun", {
        "entity": entity, "project": project, "name": run_id, "config": json.dumps(config),
        "jobType": "tensorboard",
    }, idempotent=True)).get("upsertBucket", {}).get("bucket")
    if not bucket:
        raise WandbError(f"The server did not create run {entity}/{project}/{run_id}")
    # file_stream is addressed by the names the server returned, as wandb-core does
    where = bucket.get("project") or {}
    entity = (where.get("entity") or {}).get("name") or entity
    project = where.get("name") or project
    url = f"{api.settings.base_url}/files/{entity}/{project}/{bucket['name']}/file_stream"

    async def post(payload: dict[str, Any]) -> None:
        await api._transport.post_json(url, payload, idempotent=True)  # offsets make resends harmless

    for offset in range(0, len(rows), CHUNK_LINES):
        chunk = rows[offset : offset + CHUNK_LINES]
        await post({"files": {HISTORY: {"offset": offset, "content": [json.dumps(r) for r in chunk]}}})
        if progress:
            progress(offset + len(chunk), len(rows))
    summary = json.dumps(summary_of(rows))  # the last value of every key, as wandb's summary
    await post({"files": {SUMMARY: {"offset": 0, "content": [summary]}}, "complete": True, "exitcode": 0})
    api.flush()
    return await api.run(f"{entity}/{project}/{bucket['name']}")
