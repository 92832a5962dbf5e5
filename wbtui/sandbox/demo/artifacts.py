"""The demo's artifacts: datasets, models and launch jobs, with lineage between the demo's runs.

    populate(sandbox, ws)    # ws = workspace.Workspace.load(sandbox.store); called by demo/__init__.py

Per project, in the order of its runs:

* dataset `<dataset>` (e.g. `cifar10`): a version logged by each preprocessing run (projects
  without one get a v0 uploaded by their owner, no run); `production` on the newest.
* model `<arch>-<dataset>`: a version logged by each finished training run, which used the
  dataset version that was latest when it started; `best` on the version with the best
  validation metric of each collection, `production` on the project's best model overall.
* evaluation runs use the best model version of their arch that existed when they started
  (across the entity's projects: red-team-evals evaluates llm-finetune's models) and the dataset.
* job `job-<repo>_<program>` (type `job`, wandb-job.json + requirements.frozen.txt, as the SDK's
  job builder makes them): a version per git commit, logged by the first run at that commit.

Files are small real CSV/JSON/Markdown (the metrics CSV samples the run's own history). Every
choice comes from generators seeded by the project, so each build is the same.
"""

from __future__ import annotations

import json
import random
import re
from typing import TYPE_CHECKING, Any

from .. import artifacts as arts
from ..store import Row
from .training import TASKS
from .workspace import DemoProject, DemoRun, Workspace

if TYPE_CHECKING:
    from ..app import Sandbox

CLASSES = {
    "mnist": [str(d) for d in range(10)],
    "cifar10": ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"],
    "imagenet-1k": ["tench", "goldfish", "great white shark", "tiger shark", "hammerhead", "electric ray",
                    "stingray", "cock", "hen", "ostrich", "brambling", "goldfinch"],
    "coco-2017": ["person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat",
                  "traffic light", "fire hydrant", "stop sign"],
    "sst2": ["negative", "positive"],
}
WORDS = ("a", "charming", "dull", "film", "story", "acting", "plot", "brilliant", "slow", "the", "with",
         "moving", "tedious", "script", "funny", "predictable", "score", "ending", "cast", "visually")
REQUIREMENTS = {
    "llm": ["torch==2.4.1", "transformers==4.44.2", "peft==0.12.0", "bitsandbytes==0.43.3", "accelerate==0.34.2",
            "datasets==2.21.0", "wandb==0.31.0"],
    "sentiment": ["torch==2.4.1", "transformers==4.44.2", "datasets==2.21.0", "scikit-learn==1.5.1",
                  "wandb==0.31.0"],
}
VISION_REQUIREMENTS = ["torch==2.4.1", "torchvision==0.19.1", "timm==1.0.9", "numpy==1.26.4", "pillow==10.4.0",
                       "wandb==0.31.0"]


def populate(sandbox: Sandbox, ws: Workspace) -> None:
    """Add the demo's artifacts (inside the caller's transaction).  Runs still running (the live
    ones) take no part: their times are the wall clock's, and a run logs its job at the end."""
    models_by_arch: dict[str, list[tuple[Row, float]]] = {}  # entity/arch -> (version, metric), in time order
    for demo_project in ws.projects.values():
        _Project(sandbox, demo_project, models_by_arch).build()


class _Project:
    def __init__(self, sandbox: Sandbox, project: DemoProject, models_by_arch: dict[str, list[tuple[Row, float]]]):
        self.task = TASKS[project.task]
        self.dataset = self.task.dataset
        self.sandbox, self.store = sandbox, sandbox.store
        self.p = DemoProject(project.id, project.entity, project.name, project.task,
                             [r for r in project.all_runs if r.state != "running"])
        self.models_by_arch = models_by_arch
        self.rows = {r["id"]: r for r in self.store.query(  # what DemoRun does not carry
            "SELECT id, heartbeat_at, history_line_count, tags, program, repo, commit_hash FROM runs"
            " WHERE project_id = ?", (project.id,))}
        self.datasets: list[Row] = []

    def log(self, run: DemoRun | None, name: str, type: str, files: dict[str, bytes], at: str,
            **kw: Any) -> Row:
        owner = self.store.scalar("SELECT user_id FROM projects WHERE id = ?", (self.p.id,))
        return arts.log_artifact(self.store, self.sandbox.storage, self.p.id, name=name, type=type, files=files,
                                 user_id=run.user_id if run else owner, run_id=run.id if run else None, at=at, **kw)

    def build(self) -> None:
        if not self.p.runs("train"):  # an evaluation project: its own prompts, not training data
            self.dataset = f"{self.p.name}-prompts"
        preprocess = self.p.runs("preprocess", "finished")
        for i, run in enumerate(preprocess or [None]):
            at = self.rows[run.id]["heartbeat_at"] if run else self.p.all_runs[0].created_at
            self.datasets.append(self.log(run, self.dataset, "dataset", self.dataset_files(i), at,
                                          description=f"{self.dataset}, build {i + 1}",
                                          metadata=self.dataset_metadata(run, i)))
        arts.set_aliases(self.store, self.datasets[-1], add=["production"])
        self.models()
        self.evaluations()
        self.jobs()

    # ------------------------------------------------------------------ datasets
    def dataset_at(self, when: str) -> Row:
        """The dataset version that was latest at `when` (the first one before any)."""
        return next((d for d in reversed(self.datasets) if d["created_at"] <= when), self.datasets[0])

    def dataset_files(self, build: int) -> dict[str, bytes]:
        rng = random.Random(f"{self.p.path}:dataset:{build}")
        if not self.p.runs("train"):
            rows = [json.dumps({"id": i, "category": rng.choice(("harmbench", "advbench", "xstest", "toxigen")),
                                "prompt": "[redacted]"}) for i in range(60)]
            sample, classes = ("prompts.jsonl", "\n".join(rows) + "\n"), []
        elif self.p.task == "llm":
            rows = [json.dumps({"messages": [{"role": "user", "content": _sentence(rng, 9) + "?"},
                                             {"role": "assistant", "content": _sentence(rng, 24) + "."}]})
                    for _ in range(24)]
            sample = ("train_sample.jsonl", "\n".join(rows) + "\n")
            classes: list[str] = []
        elif self.p.task == "sentiment":
            lines = [f'"{_sentence(rng, rng.randint(6, 14))}",{rng.randint(0, 1)}' for _ in range(80)]
            sample, classes = ("train_sample.csv", "sentence,label\n" + "\n".join(lines) + "\n"), CLASSES["sst2"]
        else:
            classes = CLASSES[self.dataset]
            lines = [f"train/{rng.randrange(10**6):06d}.jpg,{rng.randrange(len(classes))}" for _ in range(150)]
            sample = ("train_sample.csv", "image,label\n" + "\n".join(lines) + "\n")
        stats = {"rows": {"train": rng.randint(40, 60) * 1000 * (build + 1), "val": rng.randint(5, 10) * 1000},
                 "shards": rng.choice((16, 32, 64)), "build": build + 1}
        files = {sample[0]: sample[1].encode(), "stats.json": json.dumps(stats, indent=2).encode(),
                 "README.md": (f"# {self.dataset}\n\nBuild {build + 1}: {stats['rows']['train']} rows"
                               f" in {stats['shards']} shards.\n").encode()}
        if classes:
            files["classes.json"] = json.dumps(classes).encode()
        return files

    def dataset_metadata(self, run: DemoRun | None, build: int) -> dict[str, Any]:
        meta: dict[str, Any] = {"dataset": self.dataset, "build": build + 1}
        if run:
            meta |= {k: run.config[k] for k in ("output", "tokenizer", "image_format", "max_seq_len") if k in run.config}
        return meta

    # ------------------------------------------------------------------ models
    def models(self) -> None:
        metric = f"best_val_{self.task.metric}"
        by_collection: dict[str, list[tuple[Row, float]]] = {}
        for run in self.p.runs("train", "finished"):
            score = run.summary.get(metric)
            if not isinstance(score, (int, float)) or score != score:  # NaN: a diverged run keeps no model
                continue
            arts.use(self.store, self.dataset_at(run.created_at), run.id, at=run.created_at)
            arch = run.config["arch"]
            tags = [t for t in json.loads(self.rows[run.id]["tags"]) if arts.TAG_RE.match(t)][:2]
            version = self.log(run, f"{arch}-{self.dataset}", "model", self.model_files(run, metric),
                               self.rows[run.id]["heartbeat_at"], tags=tags,
                               metadata={"arch": arch, "run": run.display_name, metric: score,
                                         "lr": run.config.get("lr"), "optimizer": run.config.get("optimizer")})
            by_collection.setdefault(version["collection_name"], []).append((version, score))
            self.models_by_arch.setdefault(f"{self.p.entity}/{arch}", []).append((version, score))
        best = [max(versions, key=lambda v: v[1]) for versions in by_collection.values()]
        for version, _ in best:
            arts.set_aliases(self.store, version, add=["best"])
        if best:
            arts.set_aliases(self.store, max(best, key=lambda v: v[1])[0], add=["production"])

    def model_files(self, run: DemoRun, metric: str) -> dict[str, bytes]:
        card = {"arch": run.config["arch"], "config": run.config, metric: run.summary.get(metric),
                "best_step": run.summary.get("best_step"), "run": run.name}
        return {"model.json": json.dumps(card, indent=2, default=str).encode(),
                "metrics.csv": self.metrics_csv(run).encode(),
                "README.md": (f"# {run.config['arch']} on {self.dataset}\n\nTrained by run `{run.display_name}`"
                              f" ({run.name}).\n\n{metric}: {run.summary.get(metric):.4f}\n").encode()}

    def metrics_csv(self, run: DemoRun) -> str:
        """About 40 rows of the run's own history: step, loss, lr and the task's metric."""
        count = self.rows[run.id]["history_line_count"]
        lines = range(0, count, max(1, count // 40))
        rows = self.store.query(f"SELECT data FROM history WHERE run_id = ? AND line IN ({','.join(map(str, lines))})"
                                " ORDER BY line", (run.id,))
        keys = ("_step", "loss", "lr", self.task.metric)
        lines = [",".join(("step", *keys[1:]))]
        for row in rows:
            data = json.loads(row["data"])
            lines.append(",".join("" if data.get(k) is None else f"{data[k]:.6g}" if isinstance(data[k], float)
                                  else str(data[k]) for k in keys))
        return "\n".join(lines) + "\n"

    # ------------------------------------------------------------------ evaluations
    def evaluations(self) -> None:
        for run in self.p.runs("eval"):
            arts.use(self.store, self.dataset_at(run.created_at), run.id, at=run.created_at)
            known = [(v, s) for v, s in self.models_by_arch.get(f"{self.p.entity}/{run.config.get('arch')}", [])
                     if v["created_at"] <= run.created_at]
            if known:
                arts.use(self.store, max(known, key=lambda v: v[1])[0], run.id, at=run.created_at)

    # ------------------------------------------------------------------ jobs
    def jobs(self) -> None:
        """A job per program, a version per commit (what the SDK's job builder logs)."""
        seen: set[tuple[str, str]] = set()
        for run in self.p.all_runs:
            row = self.rows[run.id]
            if not row["repo"] or (row["program"], row["commit_hash"]) in seen:
                continue
            seen.add((row["program"], row["commit_hash"]))
            name = re.sub(r"[^a-zA-Z0-9_\-.]", "_", f"job-{row['repo']}_{row['program']}")[:128]
            info = {"_version": "v0", "source_type": "repo",
                    "source": {"git": {"remote": row["repo"], "commit": row["commit_hash"]},
                               "entrypoint": ["python3.11", row["program"]], "notebook": False},
                    "input_types": _wb_type(run.config), "output_types": _wb_type(run.summary), "runtime": "3.11"}
            requirements = REQUIREMENTS.get(self.p.task, VISION_REQUIREMENTS)
            self.log(run, name, "job", {"wandb-job.json": json.dumps(info, indent=4).encode(),
                                        "requirements.frozen.txt": ("\n".join(requirements) + "\n").encode()},
                     self.rows[run.id]["heartbeat_at"])


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def _wb_type(value: Any) -> dict[str, Any]:
    """The W&B type description the SDK's job builder writes for config and summary values."""
    if isinstance(value, bool):
        return {"wb_type": "boolean"}
    if isinstance(value, (int, float)):
        return {"wb_type": "number"}
    if isinstance(value, str):
        return {"wb_type": "string"}
    if isinstance(value, dict):
        return {"wb_type": "typedDict", "params": {"type_map": {k: _wb_type(v) for k, v in value.items()}}}
    if isinstance(value, list):
        return {"wb_type": "list", "params": {"element_type": _wb_type(value[0]) if value else {"wb_type": "unknown"},
                                              "length": len(value)}}
    return {"wb_type": "none"}
