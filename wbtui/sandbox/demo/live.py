"""Runs that keep training while the sandbox is up.

Each live run is created with the demo (a running run with about half an hour of history, ending
now) and then advanced by one background thread, one history step per second, with a console
line every ten steps, validation every few minutes and system metrics every 15 s, all written by
`filestream.apply`, the code behind the file_stream endpoint, so they are stored exactly as the
SDK's would be (heartbeat included: a live run never looks crashed while the thread runs).

After a restart a live run resumes where it stopped, as a resumed W&B run does: its steps go on,
its runtime counts only the time it was running.
"""

from __future__ import annotations

import json
import logging
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import filestream
from .runmaker import EPOCH_TS, RunSpec, make_run
from .training import TASKS, TrainingCurve, iso_micro, system_row, system_template
from .workspace import commit_of

if TYPE_CHECKING:
    from ..app import Sandbox

log = logging.getLogger("wbtui.sandbox.demo")
SETTING = "demo.live"       # JSON list of the live runs' ids
INTERVAL = 1.0              # seconds between steps
PREFILL = 1800              # history rows a live run has when it is created
PLANNED = 100_000           # rows its schedule is planned for (about 28 hours at a step per second)
EVENTS_EVERY, CONSOLE_EVERY = 15.0, 10


@dataclass(frozen=True)
class LiveRun:
    project: str  # entity/project of workspace.PROJECTS
    spec: RunSpec


LIVE_RUNS = (
    LiveRun("vision-lab/imagenet-classification", RunSpec(
        name="v1t16liv", display_name="vit-b16-adamw-lr1e-3-bs1024-ema-long", task="imagenet", user="maya-chen",
        config={"arch": "vit-b16", "lr": 1e-3, "optimizer": "adamw", "batch_size": 1024, "epochs": 800,
                "weight_decay": 0.05, "dropout": 0.0, "drop_path": 0.1, "scheduler": "cosine", "warmup_frac": 0.01,
                "precision": "bf16", "gpus": 8, "seed": 42, "num_workers": 16, "log_every": 6, "evals": 400,
                "ema": {"decay": 0.9999}, "model": {"arch": "vit-b16", "params_m": 86.6, "pretrained": False}},
        tags=("vit", "long-run", "ema"), group="vit-b16-deit", host="dgx-a100-01",
        notes="800-epoch run with EMA weights; should beat the 300-epoch DeiT recipe by ~1%.",
        repo="https://github.com/example-ml/vision-lab.git")),
    LiveRun("nlp-research/llm-finetune", RunSpec(
        name="l3lora64", display_name="llama-3-8b-lora-r64-lr1e-4-long", task="llm", user="jonas-weber",
        config={"arch": "llama-3-8b", "lr": 1e-4, "optimizer": "adamw", "batch_size": 16, "seq_len": 2048,
                "epochs": 10, "weight_decay": 0.0, "dropout": 0.05, "scheduler": "cosine", "warmup_frac": 0.01,
                "precision": "bf16", "gpus": 8, "seed": 7, "log_every": 1, "evals": 400,
                "gradient_accumulation_steps": 4,
                "lora": {"r": 64, "alpha": 128, "dropout": 0.05, "target_modules": ["q_proj", "k_proj", "v_proj",
                                                                                    "o_proj", "gate_proj"]},
                "model": {"arch": "llama-3-8b", "params_m": 8030.0, "pretrained": True}},
        tags=("lora", "long-run"), group="llama3-lora", host="h100-node-01",
        notes="Rank 64 on all projections incl. MLP gate, 10 epochs over the full mix.",
        repo="https://github.com/example-ml/llm-finetune.git")),
)


def create(sandbox: Sandbox) -> None:
    """Create the live runs, their history ending now (inside the demo's transaction)."""
    store, ids = sandbox.store, []
    for live in LIVE_RUNS:
        entity, project = live.project.split("/")
        project_id = store.scalar("SELECT p.id FROM projects p JOIN entities e ON e.id = p.entity_id"
                                  " WHERE e.name = ? AND p.name = ?", (entity, project))
        # started long enough ago for PREFILL steps at the script's pace
        curve = TrainingCurve(TASKS[live.spec.task], live.spec.config, PLANNED)
        started = time.time() - EPOCH_TS - PREFILL * curve.row_seconds * (1 + 6 / curve.eval_every) - 30
        spec = replace(live.spec, state="running", steps=PREFILL, planned=PLANNED, start=started,
                       commit=commit_of(live.spec.repo, 11))
        ids.append(make_run(sandbox, project_id, spec))
    store.set_setting(SETTING, json.dumps(ids))


class _Run:
    """One live run's position, read back from the database (so restarts resume it)."""

    def __init__(self, store: Any, run_id: int, spec: RunSpec):
        row = store.one("SELECT * FROM runs WHERE id = ?", (run_id,))
        last = store.scalar("SELECT data FROM history WHERE run_id = ? ORDER BY line DESC LIMIT 1", (run_id,))
        self.id, self.spec = run_id, spec
        self.curve = TrainingCurve(TASKS[spec.task], spec.config, PLANNED)
        self.step = row["history_line_count"]
        self.logs, self.events = row["log_line_count"], row["events_line_count"]
        self.summary = json.loads(row["summary"])
        self.runtime = json.loads(last)["_runtime"] if last else 0.0
        self.best = self.summary.get(f"best_val_{self.curve.task.metric}", -1.0)
        self.rng = random.Random(f"{spec.name}:{self.step}")  # fresh noise after a restart
        self.last_events = 0.0

    def advance(self, store: Any, now: float, elapsed: float) -> None:
        """Log one step, as the SDK would send it over file_stream."""
        self.runtime += elapsed
        curve = self.curve
        block = curve.block(self.step, [now], [self.runtime], self.rng)
        line = block.lines[0]
        files: dict[str, Any] = {filestream.HISTORY: {"offset": self.step, "content": [line]}}
        console = []
        if self.step % CONSOLE_EVERY == 0:
            console.append(f"{iso_micro(now)} {curve.progress_text(block, 0, self.step)}")
        self.summary |= json.loads(line)
        if block.val:
            improved = block.val[0][1] > self.best
            if improved:
                self.best = block.val[0][1]
                self.summary |= {f"best_val_{curve.task.metric}": self.best, "best_step": self.step}
            console.append(f"{iso_micro(now)} {curve.val_text(block, 0, improved)}")
        if console:
            files[filestream.OUTPUT] = {"offset": self.logs, "content": console}
            self.logs += len(console)
        if now - self.last_events >= EVENTS_EVERY:
            gpus = self.spec.config.get("gpus", 1)
            values = system_row(gpus, True, self.rng, int(self.runtime * 4e6), int(self.runtime * 6e7))
            files[filestream.EVENTS] = {"offset": self.events,
                                        "content": [system_template(gpus) % (*values, now, self.runtime)]}
            self.events, self.last_events = self.events + 1, now
        runtime = int(self.runtime)
        self.summary |= {"_runtime": runtime, "_wandb": {"runtime": runtime}}
        files[filestream.SUMMARY] = {"offset": 0, "content": [json.dumps(self.summary)]}
        filestream.apply(store, {"id": self.id}, {"files": files})
        self.step += 1


class LiveRuns:
    """The thread that advances the live runs of one data dir."""

    def __init__(self, sandbox: Sandbox, run_ids: list[int]):
        specs = {live.spec.name: live.spec for live in LIVE_RUNS}
        names = {r["id"]: r["name"] for r in sandbox.store.query(
            f"SELECT id, name FROM runs WHERE id IN ({','.join('?' * len(run_ids))})", run_ids)}
        self.store = sandbox.store
        self.runs = [_Run(self.store, i, specs[names[i]]) for i in run_ids if names.get(i) in specs]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="wbtui-demo-live", daemon=True)

    def start(self) -> LiveRuns:
        self._thread.start()
        return self

    def alive(self) -> bool:
        return self._thread.is_alive()

    def _loop(self) -> None:
        last = time.time()
        while not self._stop.wait(INTERVAL):
            now = time.time()
            try:
                for run in self.runs:
                    run.advance(self.store, now, now - last)
            except sqlite3.ProgrammingError:  # the database was closed: the sandbox is stopping
                return
            except Exception:  # keep the demo alive; the next step may succeed
                log.exception("a live demo run failed to log a step")
            last = now

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not threading.current_thread() and self._thread.ident is not None:
            self._thread.join()


_running: dict[Path, LiveRuns] = {}
_lock = threading.Lock()


def start(sandbox: Sandbox) -> Callable[[], None] | None:
    """Start advancing the data dir's live runs (once per data dir and process); -> stop."""
    ids = json.loads(sandbox.store.setting(SETTING) or "[]")
    if not ids:
        return None
    key = sandbox.store.path.resolve()
    with _lock:
        runner = _running.get(key)
        if runner is None or not runner.alive():
            runner = _running[key] = LiveRuns(sandbox, ids).start()

    def stop() -> None:
        runner.stop()
        with _lock:
            if _running.get(key) is runner:
                del _running[key]
    return stop
