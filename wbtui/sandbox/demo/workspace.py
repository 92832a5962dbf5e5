"""The demo's people, teams, projects and runs.

Who is there: the sandbox's admin (the user whose key the sandbox generated) and seven
colleagues; two teams, `vision-lab` and `nlp-research`, the admin in both; seven projects, two
of the admin's own and five of the teams (`nlp-research/red-team-evals` private to its team),
with about 320 runs: preprocessing, training and evaluation runs per project, in experiment
groups, with realistic configs, tags, notes and states (finished, failed, crashed, killed).

Everything is drawn from generators seeded by project and run, so every build is the same. The
other demo modules read what they need with `Workspace.load(store)`:

    ws = Workspace.load(sandbox.store)
    p = ws.project("vision-lab/imagenet-classification")
    p.id, p.task, p.runs("preprocess"), p.runs("train"), p.runs("eval")   # DemoRun records, by time
    ws.users  # username -> user id
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import accounts
from ..store import Store
from .runmaker import RunSpec, iso, make_runs
from .training import TASKS, outlook

if TYPE_CHECKING:
    from ..app import Sandbox

DAY = 86400.0
COLLEAGUES = (  # username, name, email
    ("maya-chen", "Maya Chen", "maya.chen@example.com"),
    ("tomas-novak", "Tomás Novák", "tomas.novak@example.com"),
    ("priya-raman", "Priya Raman", "priya.raman@example.com"),
    ("kenji-watanabe", "Kenji Watanabe", "kenji.watanabe@example.com"),
    ("jonas-weber", "Jonas Weber", "jonas.weber@example.com"),
    ("lena-fischer", "Lena Fischer", "lena.fischer@example.com"),
    ("sam-okafor", "Sam Okafor", "sam.okafor@example.com"),
)
TEAMS = {  # team -> (member, role); the first is the team's creator
    "vision-lab": (("maya-chen", "admin"), ("admin", "admin"), ("tomas-novak", "member"),
                   ("priya-raman", "member"), ("kenji-watanabe", "member")),
    "nlp-research": (("jonas-weber", "admin"), ("admin", "member"), ("lena-fischer", "member"),
                     ("sam-okafor", "member"), ("priya-raman", "member")),
}


@dataclass(frozen=True)
class Experiment:
    """A batch of similar runs: one W&B group."""

    job_type: str
    count: int
    archs: tuple[str, ...] = ()
    lr_factors: tuple[float, ...] = (0.5, 1.0, 2.0)  # times the optimizer's best learning rate
    optimizers: tuple[str, ...] = ()
    group: str | None = None
    tags: tuple[str, ...] = ()
    notes: str | None = None
    config: dict[str, Any] = field(default_factory=dict)  # overrides
    steps: tuple[int, int] = (1000, 1200)  # history rows of a finished run


@dataclass(frozen=True)
class ProjectPlan:
    entity: str
    name: str
    description: str
    access: str
    task: str
    users: tuple[str, ...]  # who runs things here (the first most)
    hosts: tuple[str, ...]
    repo: str
    days: tuple[float, float]  # the project's activity, in days after EPOCH
    experiments: tuple[Experiment, ...]

    @property
    def path(self) -> str:
        return f"{self.entity}/{self.name}"


E = Experiment
PROJECTS = (
    ProjectPlan(
        "admin", "mnist-baselines", "Quick MLP and CNN baselines on MNIST: a sanity check for the training loop.",
        "USER_READ", "mnist", ("admin",), ("workstation",), "https://github.com/example-ml/mnist-baselines.git",
        (0, 9), (
            E("train", 8, ("mlp-2x512",), (0.3, 1.0, 3.0), ("adam", "sgd"), "mlp", ("baseline",),
              config={"epochs": 10, "batch_size": 128, "gpus": 1}),
            E("train", 10, ("lenet5", "cnn-small"), (0.5, 1.0, 2.0), ("adam", "adamw"), "cnn",
              config={"epochs": 15, "batch_size": 128, "gpus": 1}),
            E("eval", 6, ("lenet5", "cnn-small"), group="eval"),
        )),
    ProjectPlan(
        "admin", "cifar10-resnet", "ResNet, WRN and ViT-S on CIFAR-10: learning rates, augmentation and"
        " regularisation.", "PRIVATE", "cifar10", ("admin",), ("workstation", "gpu-node-07"),
        "https://github.com/example-ml/cifar-experiments.git", (6, 40), (
            E("preprocess", 2, group="data", config={"num_workers": 16}, steps=(1000, 1100)),
            E("train", 14, ("resnet18", "resnet50"), (0.5, 1.0, 2.0), ("sgd",), "resnet-baseline", ("baseline",),
              "Torchvision recipe: SGD with momentum 0.9, cosine schedule, 5e-4 weight decay.",
              steps=(1000, 1500)),
            E("train", 6, ("resnet18",), (0.1, 0.3, 1.0, 3.0, 10.0, 30.0), ("sgd",), "lr-range-test", ("lr-sweep",),
              "One run per learning rate, everything else fixed. 3.0 is expected to blow up."),
            E("train", 8, ("resnet18", "resnet50"), (1.0,), ("sgd", "adamw"), "no-augmentation",
              ("ablation", "overfitting"), "No augmentation, no weight decay, no dropout: how fast does it overfit?",
              {"augment": False, "weight_decay": 0.0, "dropout": 0.0, "epochs": 60}, (1500, 2000)),
            E("train", 6, ("wide-resnet-28-10",), (0.5, 1.0), ("sgd",), "wide-resnet", ("wrn",),
              config={"epochs": 100, "gpus": 2}, steps=(3000, 5000)),
            E("train", 6, ("vit-s16",), (0.5, 1.0, 2.0), ("adamw", "lamb"), "vit-small", ("vit",),
              config={"epochs": 100, "batch_size": 512, "gpus": 2}, steps=(1200, 1800)),
            E("eval", 6, ("resnet50", "wide-resnet-28-10", "vit-s16"), group="eval", tags=("test-set",)),
        )),
    ProjectPlan(
        "vision-lab", "imagenet-classification", "ImageNet-1k classification: ResNet-50, ViT-B/16, ConvNeXt-T"
        " and EfficientNet-B3 recipes on 8xA100.", "ENTITY_WRITE", "imagenet",
        ("maya-chen", "tomas-novak", "kenji-watanabe", "admin"),
        ("dgx-a100-01", "dgx-a100-02", "dgx-a100-03", "dgx-a100-04"),
        "https://github.com/example-ml/vision-lab.git", (3, 70), (
            E("preprocess", 4, group="data", tags=("webdataset",), config={"num_workers": 64}, steps=(1000, 1100)),
            E("train", 16, ("resnet50",), (0.5, 1.0, 2.0), ("sgd", "lamb"), "resnet50-recipes", ("baseline",),
              "ResNet strikes back, procedure A2 (LAMB, 300 epochs) against the classic SGD recipe.",
              {"epochs": 90, "batch_size": 1024}, (1000, 1500)),
            E("train", 18, ("vit-b16",), (0.3, 1.0, 3.0), ("adamw",), "vit-b16-deit", ("vit", "deit"),
              "DeiT recipe: AdamW, RandAugment, mixup 0.8, cutmix 1.0, repeated augmentation.",
              {"epochs": 300, "batch_size": 1024, "drop_path": 0.1}, (1000, 1600)),
            E("train", 14, ("convnext-t",), (0.5, 1.0, 2.0), ("adamw",), "convnext-t", ("convnext",),
              config={"epochs": 300, "batch_size": 4096, "drop_path": 0.1}),
            E("train", 10, ("efficientnet-b3",), (0.5, 1.0, 2.0), ("sgd", "adamw"), "efficientnet",
              config={"epochs": 350, "batch_size": 2048}),
            E("train", 4, ("resnet50",), (1.0,), ("sgd",), "no-regularisation", ("ablation", "overfitting"),
              "Sanity check: no augmentation, no weight decay.",
              {"augment": False, "weight_decay": 0.0, "dropout": 0.0, "epochs": 90, "batch_size": 1024}),
            E("eval", 14, ("resnet50", "vit-b16", "convnext-t", "efficientnet-b3"), group="eval",
              tags=("imagenet-v2",)),
        )),
    ProjectPlan(
        "vision-lab", "coco-detection", "Object detection on COCO 2017: YOLOv8, DETR and RT-DETR.",
        "ENTITY_WRITE", "detection", ("tomas-novak", "priya-raman", "maya-chen"),
        ("dgx-a100-02", "dgx-a100-03", "gpu-node-11"), "https://github.com/example-ml/vision-lab.git", (20, 75), (
            E("preprocess", 2, group="data", config={"num_workers": 32}, steps=(1000, 1100)),
            E("train", 18, ("yolov8s", "yolov8m"), (0.5, 1.0, 2.0), ("sgd", "adamw"), "yolov8", ("yolo",),
              config={"epochs": 300, "batch_size": 64, "log_every": 50}),
            E("train", 10, ("detr-r50",), (0.5, 1.0), ("adamw",), "detr", ("transformer",),
              "DETR converges slowly: 500 epochs, lr drop at 400.",
              {"epochs": 500, "batch_size": 64, "scheduler": "step", "log_every": 20}, (1800, 2400)),
            E("train", 8, ("rtdetr-l",), (0.5, 1.0, 2.0), ("adamw",), "rt-detr", ("transformer", "realtime"),
              config={"epochs": 72, "batch_size": 32, "log_every": 50}),
            E("eval", 6, ("yolov8m", "detr-r50", "rtdetr-l"), group="eval", tags=("val2017",)),
        )),
    ProjectPlan(
        "nlp-research", "llm-finetune", "Instruction tuning of 7-8B models with LoRA and QLoRA on UltraChat.",
        "ENTITY_WRITE", "llm", ("jonas-weber", "lena-fischer", "sam-okafor", "admin"),
        ("h100-node-01", "h100-node-02", "a100-node-05"), "https://github.com/example-ml/llm-finetune.git", (15, 80), (
            E("preprocess", 3, group="tokenize", tags=("llama3-tokenizer",), config={"num_workers": 48},
              steps=(1000, 1100)),
            E("train", 20, ("llama-3-8b",), (0.5, 1.0, 2.0), ("adamw", "paged-adamw-8bit"), "llama3-lora",
              ("lora",), "LoRA on all attention projections; rank and learning rate vary.", steps=(1000, 1400)),
            E("train", 14, ("mistral-7b",), (0.5, 1.0, 2.0), ("adamw",), "mistral-qlora", ("qlora", "4bit"),
              config={"quantization": "nf4"}),
            E("train", 10, ("qwen2.5-7b",), (0.5, 1.0, 3.0), ("adamw", "lion"), "qwen-lora", ("lora",)),
            E("train", 5, ("phi-3-mini",), (1.0, 2.0), ("adamw",), "phi3-full-ft", ("full-finetune",),
              "Full fine-tune of the small model as a reference.", {"lora": None}),
            E("eval", 8, ("llama-3-8b", "mistral-7b", "qwen2.5-7b"), group="eval", tags=("mt-bench", "mmlu")),
        )),
    ProjectPlan(
        "nlp-research", "sentiment-bert", "SST-2 sentiment with BERT-family encoders: the team's teaching"
        " project.", "USER_READ", "sentiment", ("lena-fischer", "sam-okafor", "priya-raman"),
        ("a100-node-05", "gpu-node-11"), "https://github.com/example-ml/sentiment.git", (1, 50), (
            E("train", 10, ("bert-base",), (0.5, 1.0, 2.0), ("adamw",), "bert-base", ("baseline",),
              config={"epochs": 3, "batch_size": 32, "log_every": 1}),
            E("train", 10, ("roberta-base",), (0.5, 1.0, 2.0), ("adamw",), "roberta",
              config={"epochs": 3, "batch_size": 32, "log_every": 1}),
            E("train", 8, ("deberta-v3-base",), (0.5, 1.0, 3.0), ("adamw",), "deberta", ("best-model",),
              config={"epochs": 3, "batch_size": 32, "log_every": 1}),
            E("train", 6, ("distilbert",), (1.0, 2.0), ("adam",), "distilbert", ("small",),
              config={"epochs": 3, "batch_size": 64, "log_every": 1}),
            E("eval", 6, ("bert-base", "roberta-base", "deberta-v3-base"), group="eval", tags=("sst2-test",)),
        )),
    ProjectPlan(
        "nlp-research", "red-team-evals", "Safety evaluations of fine-tuned checkpoints. Team only: contains"
        " harmful prompts.", "PRIVATE", "llm", ("sam-okafor", "jonas-weber"), ("h100-node-02",),
        "https://github.com/example-ml/llm-finetune.git", (45, 80), (
            E("eval", 22, ("llama-3-8b", "mistral-7b", "qwen2.5-7b"), group="red-team", tags=("safety",),
              config={"eval_sets": ["harmbench", "advbench", "xstest", "toxigen"]}),
        )),
)

STATE_ODDS = (("finished", 0.80), ("failed", 0.08), ("crashed", 0.08), ("killed", 0.04))
PARAMS_M = {"mlp-2x512": 0.67, "lenet5": 0.06, "cnn-small": 0.42, "resnet18": 11.2, "resnet50": 25.6,
            "wide-resnet-28-10": 36.5, "vit-s16": 21.7, "vit-b16": 86.6, "convnext-t": 28.6, "efficientnet-b3": 12.2,
            "yolov8s": 11.2, "yolov8m": 25.9, "detr-r50": 41.3, "rtdetr-l": 32.0, "llama-3-8b": 8030.0,
            "mistral-7b": 7240.0, "qwen2.5-7b": 7620.0, "phi-3-mini": 3820.0, "bert-base": 110.0,
            "roberta-base": 125.0, "deberta-v3-base": 184.0, "distilbert": 66.0}


# --------------------------------------------------------------------------- reading it back
@dataclass(frozen=True)
class DemoRun:
    id: int
    name: str           # the run id
    display_name: str
    job_type: str
    state: str
    group: str | None
    created_at: str
    user_id: int
    config: dict[str, Any]   # plain values
    summary: dict[str, Any]


@dataclass
class DemoProject:
    id: int
    entity: str
    name: str
    task: str                # a key of training.TASKS
    all_runs: list[DemoRun]  # by creation time

    @property
    def path(self) -> str:
        return f"{self.entity}/{self.name}"

    def runs(self, job_type: str | None = None, state: str | None = None) -> list[DemoRun]:
        return [r for r in self.all_runs if (job_type is None or r.job_type == job_type)
                and (state is None or r.state == state)]


@dataclass
class Workspace:
    users: dict[str, int]            # username -> user id (the admin is "admin")
    teams: dict[str, int]            # team name -> entity id
    projects: dict[str, DemoProject]  # "entity/project" -> project

    def project(self, path: str) -> DemoProject:
        return self.projects[path]

    @classmethod
    def load(cls, store: Store) -> Workspace:
        """The demo workspace as the database holds it (after `build`)."""
        users = {r["username"]: r["id"] for r in store.query("SELECT id, username FROM users ORDER BY id")}
        teams = {r["name"]: r["id"] for r in store.query("SELECT id, name FROM entities WHERE is_team = 1")}
        projects = {}
        for plan in PROJECTS:
            row = store.one("SELECT p.id FROM projects p JOIN entities e ON e.id = p.entity_id"
                            " WHERE e.name = ? AND p.name = ?", (plan.entity, plan.name))
            if row is None:
                continue
            runs = [DemoRun(r["id"], r["name"], r["display_name"], r["job_type"], r["state"], r["group_name"],
                            r["created_at"], r["user_id"],
                            {k: v.get("value") for k, v in json.loads(r["config"]).items()
                             if k != "_wandb" and isinstance(v, dict)},
                            json.loads(r["summary"]))
                    for r in store.query("SELECT * FROM runs WHERE project_id = ? ORDER BY created_at, id",
                                         (row["id"],))]
            projects[plan.path] = DemoProject(row["id"], plan.entity, plan.name, plan.task, runs)
        return cls(users, teams, projects)


# --------------------------------------------------------------------------- building it
def build(sandbox: Sandbox) -> None:
    """Users, teams, projects and their runs (call inside one transaction)."""
    store = sandbox.store
    for username, name, email in COLLEAGUES:
        accounts.create_user(store, username=username, name=name, email=email)
    users = {r["username"]: r for r in store.query("SELECT * FROM users")}
    for name, members in TEAMS.items():
        team = accounts.create_team(store, name, users[members[0][0]]["id"], "ENTITY_WRITE")
        for username, role in members[1:]:
            accounts.add_member(store, team["id"], users[username]["id"], role)
    _move_accounts_to_demo_time(store, ["admin", *(u for u, _, _ in COLLEAGUES)], list(TEAMS))
    for plan in PROJECTS:
        owner = accounts.Viewer(users[plan.users[0]], admin_mode=True)
        project, _ = accounts.upsert_project(store, owner, plan.entity, plan.name, description=plan.description,
                                             access=plan.access)
        when = iso(plan.days[0] * DAY - 3600)
        store.execute("UPDATE projects SET created_at = ?, updated_at = ? WHERE id = ?", (when, when, project["id"]))
        make_runs(sandbox, project["id"], plan_runs(plan))


def _move_accounts_to_demo_time(store: Store, usernames: list[str], teams: list[str]) -> None:
    """The accounts helpers stamp the real time; the demo's people joined well before its runs."""
    for i, username in enumerate(usernames):
        when = iso(-400 * DAY + i * 11 * DAY)
        store.execute("UPDATE users SET created_at = ? WHERE username = ?", (when, username))
        store.execute("UPDATE entities SET created_at = ? WHERE name = ?", (when, username))
    for team in teams:
        store.execute("UPDATE entities SET created_at = ? WHERE name = ?", (iso(-200 * DAY), team))
        store.execute("UPDATE members SET created_at = ? WHERE entity_id = (SELECT id FROM entities WHERE name = ?)",
                      (iso(-200 * DAY), team))
    store.execute("UPDATE members SET created_at = (SELECT created_at FROM users WHERE users.id = members.user_id)"
                  " WHERE entity_id IN (SELECT id FROM entities WHERE is_team = 0 AND name IN"
                  f" ({','.join('?' * len(usernames))}))", usernames)


def run_id(rng: random.Random) -> str:
    """A W&B-style run id: 8 characters of [a-z0-9]."""
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8))


def commit_of(repo: str, n: int) -> str:
    return hashlib.sha1(f"{repo}#{n}".encode()).hexdigest()


def plan_runs(plan: ProjectPlan) -> list[RunSpec]:
    """The runs of a project, in creation order."""
    rng = random.Random(plan.path)
    drafts = [(rng.random(), exp, k) for exp in plan.experiments for k in range(exp.count)]
    # preprocessing first, evaluations after most training: experiments overlap in time otherwise
    order = {"preprocess": 0.0, "train": 0.1, "eval": 0.55}
    drafts.sort(key=lambda d: order[d[1].job_type] + d[0] * (0.45 if d[1].job_type != "eval" else 0.4))
    first, last = plan.days
    specs, names = [], set()
    for i, (_, exp, k) in enumerate(drafts):
        start = (first + (last - first) * (i + rng.random() * 0.8) / len(drafts)) * DAY
        spec = _spec(plan, exp, k, rng, start, i * 12 // len(drafts))
        while spec.name in names:  # ids are unique per project
            spec.name = run_id(rng)
        names.add(spec.name)
        specs.append(spec)
    _unique_display_names(specs)
    return specs


def _spec(plan: ProjectPlan, exp: Experiment, k: int, rng: random.Random, start: float, commit: int) -> RunSpec:
    task = TASKS[plan.task]
    arch = exp.archs[k % len(exp.archs)] if exp.archs else next(iter(task.archs))
    users = plan.users
    user = users[0] if rng.random() < 0.5 else rng.choice(users)
    seed = rng.choice((0, 1, 2, 42, 1234))
    if exp.job_type == "preprocess":
        config, name = _preprocess_config(plan, k), f"build-{task.dataset}-shards-v{k + 1}"
    elif exp.job_type == "eval":
        config = {"arch": arch, "checkpoint": f"checkpoints/{arch}/best.pt", "batch_size": 256,
                  "eval_set": f"{task.dataset}-test", "precision": "bf16", "gpus": 1} | exp.config
        name = f"eval-{arch}-{config.get('eval_set')}"
    else:
        optimizer = exp.optimizers[(k // len(exp.archs)) % len(exp.optimizers)]
        factor = exp.lr_factors[k % len(exp.lr_factors)]
        config = _train_config(plan, task, arch, optimizer, factor, seed, rng) | exp.config
        name = _train_name(config)
    lo, hi = exp.steps
    steps = planned = rng.randint(lo, hi)
    state = draw_state(rng)
    if exp.job_type == "train" and outlook(task, config).diverges:
        state = "failed" if k % 2 == 0 else "finished"  # diverges: NaN check stops it, or it logs NaN to the end
        planned = max(planned, 2400)
    if state != "finished":
        planned = max(planned, 1400)
        steps = max(1000, int(planned * rng.uniform(0.45, 0.95)))
    notes = exp.notes if k == 0 else _run_note(state, rng)
    tags = list(exp.tags) + [t for t in ("bf16", "ddp", "ema", "debug") if rng.random() < 0.12]
    gpus = config.get("gpus", 1)
    host = plan.hosts[0] if gpus == 1 and len(plan.hosts) > 1 and rng.random() < 0.5 else rng.choice(plan.hosts)
    return RunSpec(
        name=run_id(rng), display_name=name, task=plan.task, config=config, job_type=exp.job_type, steps=steps,
        planned=planned, state=state, start=start, user=user, tags=tags, group=exp.group, notes=notes,
        host=host, program={"preprocess": "scripts/preprocess.py", "eval": "eval.py"}.get(exp.job_type, "train.py"),
        repo=plan.repo, commit=commit_of(plan.repo, commit), seed=seed)


def _train_config(plan: ProjectPlan, task: Any, arch: str, optimizer: str, factor: float, seed: int,
                  rng: random.Random) -> dict[str, Any]:
    lr = float(f"{task.best_lr[optimizer] * factor:.1g}")
    text = plan.task in ("llm", "sentiment")
    config: dict[str, Any] = {
        "arch": arch, "lr": lr, "optimizer": optimizer,
        "batch_size": 16 if plan.task == "llm" else 256, "epochs": 3 if plan.task == "llm" else 30,
        "weight_decay": 0.0 if plan.task == "llm" else (0.05 if optimizer.startswith("adamw") else 5e-4),
        "dropout": 0.05 if text else 0.0, "scheduler": "cosine", "warmup_frac": 0.03 if text else 0.05,
        "precision": "bf16", "gpus": 8 if plan.task in ("imagenet", "llm") else 1,
        "seed": seed, "num_workers": rng.choice((8, 8, 16)), "log_every": 1 if plan.task == "llm" else 10,
        "model": {"arch": arch, "params_m": PARAMS_M[arch], "pretrained": text},
    }
    if plan.task == "llm":
        r = rng.choice((8, 16, 64))
        config |= {"seq_len": 2048, "gradient_accumulation_steps": 4,
                   "lora": {"r": r, "alpha": 2 * r, "dropout": 0.05,
                            "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"]},
                   "data": {"dataset": task.dataset, "max_seq_len": 2048, "packing": True}}
    elif text:
        config |= {"data": {"dataset": task.dataset, "max_seq_len": 128}}
    else:
        size = 32 if plan.task in ("cifar10", "mnist") else 640 if plan.task == "detection" else 224
        config |= {"label_smoothing": 0.1 if plan.task == "imagenet" else 0.0,
                   "data": {"dataset": task.dataset, "image_size": size,
                            "augment": {"random_crop": True, "hflip": plan.task != "mnist",
                                        "randaugment": "rand-m9-mstd0.5" if plan.task == "imagenet" else None,
                                        "mixup": 0.2 if plan.task == "imagenet" else 0.0}}}
    return config


def _train_name(config: dict[str, Any]) -> str:
    lr = f"{config['lr']:g}".replace("e-0", "e-")
    lora = config.get("lora")
    if lora:
        return f"{config['arch']}-lora-r{lora['r']}-lr{lr}"
    if config.get("seq_len") or config["arch"].endswith(("base", "distilbert", "mini")):
        return f"{config['arch']}-lr{lr}-bs{config['batch_size']}"
    return f"{config['arch']}-{config['optimizer']}-lr{lr}-bs{config['batch_size']}"


def _preprocess_config(plan: ProjectPlan, k: int) -> dict[str, Any]:
    task = TASKS[plan.task]
    config = {"dataset": task.dataset, "version": k + 1, "num_workers": 32, "dedupe": True,
              "output": f"s3://example-ml-data/{task.dataset}/v{k + 1}/"}
    if plan.task == "llm":
        return config | {"tokenizer": "meta-llama/Meta-Llama-3-8B", "max_seq_len": 2048}
    return config | {"image_format": "jpeg", "quality": 95}


def draw_state(rng: random.Random) -> str:
    """A run's final state, at the demo's odds."""
    x = rng.random()
    for state, p in STATE_ODDS:
        if x < p:
            return state
        x -= p
    return STATE_ODDS[0][0]


RUN_NOTES = {
    "failed": ("OOM at this batch size; retry with gradient accumulation.", "Data loader died on a corrupt shard.",
               "NCCL timeout on dgx-a100-03 again, filed an infra ticket."),
    "crashed": ("Node was preempted overnight.", "Lost the node; checkpoint at the last epoch is fine."),
    "killed": ("Stopped early: wrong dataset version.", "Killed to free GPUs for the deadline runs."),
    "finished": ("Looks good, promote if eval agrees.", "Rerun of the earlier run with the fixed seed.", None, None,
                 None, None),
}


def _run_note(state: str, rng: random.Random) -> str | None:
    return rng.choice(RUN_NOTES[state]) if rng.random() < 0.35 else None


def _unique_display_names(specs: list[RunSpec]) -> None:
    seen: dict[str, int] = {}
    for spec in specs:
        n = seen[spec.display_name] = seen.get(spec.display_name, 0) + 1
        if n > 1:
            spec.display_name = f"{spec.display_name}-{n}"

