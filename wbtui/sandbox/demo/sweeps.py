"""The demo's sweeps, run the way `wandb.sweep` + `wandb.agent` would have run them.

    populate(sandbox, ws)    # ws = workspace.Workspace.load(sandbox.store); called by demo/__init__.py

Each sweep is created with `sweeps.upsert`, an agent with `sweeps.create_agent`, and every run
comes from the controller's own `sweeps.heartbeat` command (its run id and parameters), then
is written by `runmaker.make_runs` with that config and `sweep_id`:

* `admin/cifar10-resnet`: a grid over learning rate and weight decay (6 points), FINISHED.
* `nlp-research/sentiment-bert`: bayes over lr, batch size, warmup and dropout (run_cap 20,
  8 runs so far; the sandbox draws bayes parameters at random), RUNNING.
* `vision-lab/imagenet-classification`: random search for ViT-B/16, 4 runs, PAUSED.

Every choice comes from generators seeded by the sweep, and times are offsets from EPOCH.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from .. import sweeps
from ..accounts import Viewer
from .runmaker import RunSpec, iso, make_runs
from .workspace import DAY, Workspace

if TYPE_CHECKING:
    from ..app import Sandbox

ADJECTIVES = ("amber", "brisk", "cosmic", "dainty", "earnest", "fluent", "gallant", "hearty", "ideal", "jumping",
              "kind", "lucid", "mellow", "nimble", "ornate", "polished", "quiet", "robust", "sleek", "tidy")


@dataclass(frozen=True)
class SweepPlan:
    path: str            # entity/project (a workspace project)
    user: str            # who runs it
    host: str
    day: float           # when it starts, in days after EPOCH
    runs: int | None     # runs its agent started (None: until the controller says exit)
    state: str           # where it stands now
    config: dict[str, Any]


SWEEPS = (
    SweepPlan("admin/cifar10-resnet", "admin", "gpu-node-07", 30.0, None, "FINISHED", {
        "name": "resnet18-lr-wd-grid", "program": "train.py", "method": "grid",
        "description": "ResNet-18 on CIFAR-10: which learning rate and weight decay for SGD?",
        "metric": {"name": "val_accuracy", "goal": "maximize"},
        "parameters": {"arch": {"value": "resnet18"}, "optimizer": {"value": "sgd"},
                       "lr": {"values": [0.03, 0.1, 0.3]}, "weight_decay": {"values": [0.0005, 0.0]},
                       "epochs": {"value": 30}, "batch_size": {"value": 256}},
    }),
    SweepPlan("nlp-research/sentiment-bert", "lena-fischer", "a100-node-05", 40.0, 8, "RUNNING", {
        "name": "roberta-bayes", "program": "train.py", "method": "bayes", "run_cap": 20,
        "metric": {"name": "val_loss", "goal": "minimize"},
        "early_terminate": {"type": "hyperband", "min_iter": 3},
        "parameters": {"arch": {"value": "roberta-base"}, "optimizer": {"value": "adamw"},
                       "lr": {"distribution": "log_uniform_values", "min": 5e-6, "max": 1e-4},
                       "batch_size": {"values": [16, 32, 64]},
                       "warmup_frac": {"distribution": "uniform", "min": 0.0, "max": 0.1},
                       "dropout": {"distribution": "q_uniform", "min": 0.0, "max": 0.3, "q": 0.05},
                       "epochs": {"value": 3}, "log_every": {"value": 1}},
    }),
    SweepPlan("vision-lab/imagenet-classification", "tomas-novak", "dgx-a100-03", 58.0, 4, "PAUSED", {
        "name": "vit-b16-random", "program": "train.py", "method": "random",
        "metric": {"name": "val_accuracy", "goal": "maximize"},
        "parameters": {"arch": {"value": "vit-b16"}, "optimizer": {"value": "adamw"},
                       "lr": {"distribution": "log_uniform_values", "min": 3e-4, "max": 3e-3},
                       "drop_path": {"values": [0.0, 0.1, 0.2]}, "batch_size": {"value": 1024},
                       "epochs": {"value": 300}, "gpus": {"value": 8}},
    }),
)
RUN_HOURS = 2.5  # between the starts of a sweep's runs


def populate(sandbox: Sandbox, ws: Workspace) -> None:
    """Add the demo's sweeps and their runs (inside the caller's transaction)."""
    for plan in SWEEPS:
        _run_sweep(sandbox, ws, plan)


def _run_sweep(sandbox: Sandbox, ws: Workspace, plan: SweepPlan) -> None:
    store, project = sandbox.store, ws.project(plan.path)
    rng = random.Random(f"sweeps:{plan.path}:{plan.config['name']}")
    viewer = Viewer(store.one("SELECT * FROM users WHERE username = ?", (plan.user,)))
    entity, name = plan.path.split("/")
    sweep, _, _ = sweeps.upsert(store, viewer, {"entity_name": entity, "project_name": name,
                                                "config": yaml.dump(plan.config)}, rng)  # as wandb.sweep sends it
    agent = sweeps.create_agent(store, viewer, entity, name, sweep["name"], plan.host)
    specs, start = [], plan.day * DAY
    while plan.runs is None or len(specs) < plan.runs:
        command = sweeps.heartbeat(store, viewer, agent["id"], "{}", rng)[0]
        if command["type"] == "exit":  # a grid run to its end: the sweep is FINISHED
            break
        k = len(specs)
        config = {key: arg["value"] for key, arg in command["args"].items()}
        state = "crashed" if rng.random() < 0.1 else "finished"
        specs.append(RunSpec(
            name=command["run_id"], display_name=f"{rng.choice(ADJECTIVES)}-sweep-{k + 1}", task=project.task,
            config=config, steps=rng.randint(1000, 1200), state=state, start=start + k * RUN_HOURS * 3600,
            user=plan.user, host=plan.host, sweep_id=sweep["id"], seed=k))
    make_runs(sandbox, project.id, specs)
    if plan.runs is not None:
        sweeps.set_state(store, sweep["id"], plan.state)
    created, last = iso(start - 600), iso(specs[-1].start + 900)
    store.execute("UPDATE sweeps SET created_at = ?, updated_at = ?, heartbeat_at = ? WHERE id = ?",
                  (created, last, last, sweep["id"]))
    store.execute("UPDATE sweep_agents SET created_at = ?, heartbeat_at = ? WHERE id = ?", (created, last, agent["id"]))
    for spec in specs:
        store.execute("UPDATE sweep_proposals SET created_at = ? WHERE sweep_id = ? AND run_name = ?",
                      (iso(spec.start - 30), sweep["id"], spec.name))
