"""`--scale N`: the project `admin/scale-N` of N runs, for benchmarks (issue 4 uses N = 10,000).

Runs are shorter than the demo's (50 history steps, no run files) so 10,000 build in well under a
minute (about 20 s of CPU) and take about 200 MB, but each has a full config, summary, tags,
group, user and state, so filters and sorts over them mean something.
"""

from __future__ import annotations

import math
import random
from typing import TYPE_CHECKING

from .. import accounts
from .runmaker import RunSpec, iso, make_runs
from .workspace import DAY, commit_of, draw_state, run_id

if TYPE_CHECKING:
    from ..app import Sandbox

STEPS = 50
ARCHS = ("resnet18", "resnet50", "wide-resnet-28-10", "vit-s16")
OPTIMIZERS = ("sgd", "adamw", "lamb")
TAGS = ("baseline", "ablation", "bf16", "ddp", "ema", "debug", "sweep", "augmix")
REPO = "https://github.com/example-ml/cifar-experiments.git"


def project_name(n: int) -> str:
    return f"scale-{n}"


def ensure(sandbox: Sandbox, n: int) -> None:
    """Add the project of `n` runs unless this data dir has it."""
    store = sandbox.store
    marker = f"demo.scale.{n}"
    if store.setting(marker) is not None:
        return
    with store.transaction():
        admin = store.one("SELECT * FROM users WHERE admin = 1 ORDER BY id LIMIT 1")
        project, _ = accounts.upsert_project(
            store, accounts.Viewer(admin), admin["username"], project_name(n),
            description=f"{n:,} short CIFAR-10 runs for benchmarks (wbtui sandbox --demo --scale {n}).")
        store.execute("UPDATE projects SET created_at = ?, updated_at = ? WHERE id = ?",
                      (iso(-DAY), iso(-DAY), project["id"]))
        users = [r["username"] for r in store.query("SELECT username FROM users WHERE deleted_at IS NULL ORDER BY id")]
        make_runs(sandbox, project["id"], specs(n, users))
        store.set_setting(marker, "1")


def specs(n: int, users: list[str]) -> list[RunSpec]:
    """The project's runs, by whom of `users` (the demo's people when it has been built)."""
    rng = random.Random(f"scale-{n}")
    out, names = [], set()
    for i in range(n):
        arch, optimizer = rng.choice(ARCHS), rng.choice(OPTIMIZERS)
        lr = float(f"{math.exp(rng.uniform(math.log(1e-4), math.log(0.5))):.2g}")
        config = {"arch": arch, "lr": lr, "optimizer": optimizer, "batch_size": rng.choice((128, 256, 512)),
                  "epochs": rng.choice((30, 60, 100)), "weight_decay": rng.choice((0.0, 5e-4, 0.05)),
                  "dropout": rng.choice((0.0, 0.1, 0.3)), "augment": rng.random() < 0.8, "seed": rng.randint(0, 9999),
                  "gpus": 1, "evals": 5, "log_every": 50,
                  "model": {"arch": arch, "width": rng.choice((1, 2, 4))}, "data": {"dataset": "cifar10"}}
        name = run_id(rng)
        while name in names:
            name = run_id(rng)
        names.add(name)
        out.append(RunSpec(
            name=name, display_name=f"{arch}-{optimizer}-lr{lr:g}-{i:05d}", task="cifar10", config=config,
            steps=STEPS, state=draw_state(rng), start=i * 60 * DAY / n, user=rng.choice(users),
            tags=[t for t in TAGS if rng.random() < 0.15], group=f"exp-{i // 50:03d}", host=f"gpu-node-{i % 16:02d}",
            repo=REPO, commit=commit_of(REPO, i * 12 // n), seed=i, files=False))
    return out
