"""sync_tensorboard on event files written by TensorBoard's own writer; the history the
official wandb.Api then reads matches the scalars."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import pytest

from wbtui.core import Api

Seeded = Any  # the `seeded` fixture of conftest.py

pytest.importorskip("tensorboard")


def write_events(logdir: Path, scalars: dict[str, list[tuple[int, float]]]) -> None:
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    writer = EventFileWriter(str(logdir))
    start = time.time()
    for tag, points in scalars.items():
        for step, value in points:
            summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, simple_value=value)])
            writer.add_event(event_pb2.Event(step=step, wall_time=start + step, summary=summary))
    writer.close()


def expected_rows(dirs: dict[str, dict[str, list[tuple[int, float]]]]) -> dict[int, dict[str, float]]:
    rows: dict[int, dict[str, float]] = {}
    for namespace, scalars in dirs.items():
        for tag, points in scalars.items():
            for step, value in points:
                key = f"{namespace}/{tag}" if namespace else tag
                rows.setdefault(step, {})[key] = value
    return rows


async def test_sync_tensorboard_streams_scalars_as_history(
    api: Api, wandb_api: Any, seeded: Seeded, tmp_path: Path
) -> None:
    dirs = {
        "train": {"loss": [(s, 1.0 / (s + 1)) for s in range(0, 300, 1)], "lr": [(s, 0.1) for s in range(0, 300, 50)]},
        "eval": {"acc": [(s, s / 300) for s in range(0, 300, 25)]},
    }
    for namespace, scalars in dirs.items():
        write_events(tmp_path / namespace, scalars)
    seen: list[tuple[int, int]] = []
    run = await api.sync_tensorboard(
        tmp_path, run_id="tbsync01", project="tb-import", entity=seeded.entity,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert (run.id, run.project, run.state) == ("tbsync01", "tb-import", "finished")
    assert seen[-1] == (300, 300)

    want = expected_rows(dirs)
    sdk_rows = list(wandb_api.run(f"{seeded.entity}/tb-import/tbsync01").scan_history())
    assert [r["global_step"] for r in sdk_rows] == sorted(want)
    assert [r["_step"] for r in sdk_rows] == list(range(len(want)))
    for row in sdk_rows:
        for key, value in want[row["global_step"]].items():
            assert math.isclose(row[key], value, rel_tol=1e-6)  # float32 in event files
    summary = wandb_api.run(f"{seeded.entity}/tb-import/tbsync01").summary_metrics
    assert math.isclose(summary["train/loss"], 1.0 / 300, rel_tol=1e-6) and summary["global_step"] == 299
    core_rows = [row async for row in run.scan_history()]
    assert core_rows == sdk_rows


async def test_sync_tensorboard_single_directory_and_errors(api: Api, seeded: Seeded, tmp_path: Path) -> None:
    write_events(tmp_path, {"loss": [(0, 2.0), (1, 1.0)]})
    run = await api.sync_tensorboard(tmp_path, project="tb-import", entity=seeded.entity)
    rows = await run.history()
    assert [(r["global_step"], r["loss"]) for r in rows] == [(0, 2.0), (1, 1.0)]
    start = api.round_trips
    with pytest.raises(ValueError, match="does not exist"):
        await api.sync_tensorboard(tmp_path / "missing", project="tb-import")
    with pytest.raises(ValueError, match="No TensorBoard event files"):
        await api.sync_tensorboard(_empty(tmp_path), project="tb-import")
    assert api.round_trips == start


def _empty(base: Path) -> Path:
    empty = base / "empty"
    empty.mkdir()
    return empty
