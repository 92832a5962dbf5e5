"""The demo's launch queues, in each entity's `model-registry` project as W&B keeps them.

    populate(sandbox, ws)    # ws = workspace.Workspace.load(sandbox.store); called by demo/__init__.py

Queues are made with `launch.upsert_queue`, and items go through what `launch_add` and a
launch agent do (`launch.push`, `pop`, `ack`, `fail`), so each ends in a real state:

* `vision-lab/a100-k8s` (kubernetes, prioritized): `{{gpus}}`, `{{image}}` and `{{memory_gb}}`
  template variables with schemas; CLAIMED items that launched the project's latest training
  runs, a FAILED one (image pull), a LEASED one and PENDING ones at priorities critical, medium, low.
* `admin/workstation` (local-container): items that launched CIFAR-10 runs, one FAILED, one PENDING.
* `nlp-research/h100-sagemaker` (sagemaker): `{{instance_type}}` and `{{max_runtime}}`; items
  that launched LoRA runs and a PENDING one.

Times are offsets from EPOCH; the items of a run sit a few minutes before its start.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .. import launch
from ..accounts import Viewer
from ..store import Row
from .runmaker import iso
from .workspace import DAY, DemoRun, Workspace

if TYPE_CHECKING:
    from ..app import Sandbox

VISION_IMAGES = ["ghcr.io/example-ml/vision:2.4", "ghcr.io/example-ml/vision:2.5"]


@dataclass(frozen=True)
class QueuePlan:
    entity: str
    name: str
    user: str                     # who set it up and pushes to it
    resource: str
    config: dict[str, Any]
    variables: dict[str, Any] = field(default_factory=dict)
    prioritized: bool = False
    links: dict[str, str] = field(default_factory=dict)
    launched: tuple[str, int] = ("", 0)   # (project path, how many of its latest finished training runs)
    failed: tuple[str, ...] = ()          # failure messages of items that never started a run
    leased: int = 0                       # items an agent holds right now
    pending: tuple[int, ...] = ()         # priorities of items still waiting
    values: dict[str, Any] = field(default_factory=dict)  # template values the items carry


QUEUES = (
    QueuePlan(
        "vision-lab", "a100-k8s", "maya-chen", "kubernetes",
        {"namespace": "vision-lab", "metadata": {"labels": {"team": "vision-lab"}},
         "spec": {"backoffLimit": 0, "template": {"spec": {
             "nodeSelector": {"nvidia.com/gpu.product": "A100-SXM4-80GB"},
             "containers": [{"image": "{{image}}", "resources": {"limits": {
                 "nvidia.com/gpu": "{{gpus}}", "memory": "{{memory_gb}}Gi"}}}]}}}},
        {"gpus": {"schema": {"type": "integer", "minimum": 1, "maximum": 8, "default": 8}},
         "image": {"schema": {"type": "string", "enum": VISION_IMAGES, "default": VISION_IMAGES[1]}},
         "memory_gb": {"schema": {"type": "number", "minimum": 32, "maximum": 1024, "default": 512}}},
        prioritized=True,
        links={"Grafana": "https://grafana.example.com/d/a100-k8s", "Runbook": "https://wiki.example.com/launch"},
        launched=("vision-lab/imagenet-classification", 3),
        failed=("ImagePullBackOff: ghcr.io/example-ml/vision:2.6 not found",), leased=1, pending=(0, 2, 3),
        values={"gpus": 8, "image": VISION_IMAGES[1]}),
    QueuePlan(
        "admin", "workstation", "admin", "local-container",
        {"env": ["CUDA_VISIBLE_DEVICES=0"], "volume": ["/data:/data"], "shm-size": "16g"},
        launched=("admin/cifar10-resnet", 2), failed=("docker: Error response from daemon: no space left on device",),
        pending=(2,)),
    QueuePlan(
        "nlp-research", "h100-sagemaker", "jonas-weber", "sagemaker",
        {"RoleArn": "arn:aws:iam::123456789012:role/wandb-launch",
         "ResourceConfig": {"InstanceType": "{{instance_type}}", "InstanceCount": 1, "VolumeSizeInGB": 512},
         "StoppingCondition": {"MaxRuntimeInSeconds": "{{max_runtime}}"},
         "OutputDataConfig": {"S3OutputPath": "s3://example-ml-launch/outputs"}},
        {"instance_type": {"schema": {"type": "string", "enum": ["ml.p5.48xlarge", "ml.p4d.24xlarge"],
                                      "default": "ml.p4d.24xlarge"}},
         "max_runtime": {"schema": {"type": "integer", "minimum": 3600, "maximum": 432000, "default": 86400}}},
        launched=("nlp-research/llm-finetune", 2), pending=(2,), values={"instance_type": "ml.p5.48xlarge"}),
)


def populate(sandbox: Sandbox, ws: Workspace) -> None:
    """Add the demo's queues and their items (inside the caller's transaction)."""
    for day, plan in enumerate(QUEUES):
        _Queue(sandbox, ws, plan, day).build()


def _spec(entity: str, project: str, image: str, config: dict[str, Any]) -> str:
    """A run spec as `launch_add(docker_image=..., config=...)` sends it."""
    return json.dumps({"overrides": {"run_config": config}, "entity": entity, "project": project,
                       "docker": {"docker_image": image}, "resource": None, "git": {}})


class _Queue:
    def __init__(self, sandbox: Sandbox, ws: Workspace, plan: QueuePlan, index: int):
        self.store, self.ws, self.plan = sandbox.store, ws, plan
        self.viewer = Viewer(self.store.one("SELECT * FROM users WHERE username = ?", (plan.user,)))
        self.queue, _ = launch.upsert_queue(
            self.store, self.viewer, plan.entity, launch.QUEUE_PROJECT, plan.name, plan.resource,
            json.dumps({"resource_args": {plan.resource: plan.config}}), json.dumps(plan.variables),
            "V0" if plan.prioritized else "DISABLED",
            json.dumps({"links": [{"label": k, "url": v} for k, v in plan.links.items()]}))
        self.created = iso((2 + index) * DAY)
        for table, row_id in (("run_queues", self.queue["id"]), ("projects", self.queue["project_id"]),
                              ("default_resource_configs", self.queue["default_resource_config_id"])):
            self.store.execute(f"UPDATE {table} SET created_at = ?, updated_at = ? WHERE id = ?",
                               (self.created, self.created, row_id))
        self.image = plan.values.get("image", "ghcr.io/example-ml/train:latest")

    def touch(self, item: Row, when: str) -> None:
        self.store.execute("UPDATE run_queue_items SET updated_at = ? WHERE id = ?", (when, item["id"]))

    def push(self, project: str, config: dict[str, Any], when: str, priority: int | None = None) -> Row:
        entity, name = project.split("/")
        item = launch.push(self.store, self.viewer, self.queue, _spec(entity, name, self.image, config),
                           json.dumps(self.plan.values), priority if self.plan.prioritized else None)
        self.store.execute("UPDATE run_queue_items SET created_at = ?, updated_at = ? WHERE id = ?",
                           (when, when, item["id"]))
        return item

    def take(self, when: str) -> Row:
        """A launch agent pops the oldest pending item (the one just pushed)."""
        item = launch.pop(self.store, self.viewer, self.queue, agent_id=f"{self.plan.name}-agent")
        self.touch(item, when)
        return item

    def launched_runs(self, path: str) -> list[DemoRun]:
        """The project's finished training runs that no sweep agent started."""
        in_sweeps = {r["id"] for r in self.store.query(
            "SELECT id FROM runs WHERE project_id = ? AND sweep_id IS NOT NULL", (self.ws.project(path).id,))}
        return [r for r in self.ws.project(path).runs("train", "finished") if r.id not in in_sweeps]

    def build(self) -> None:
        path, count = self.plan.launched
        runs = self.launched_runs(path)[-count:] if count else []
        for run in runs:
            start = datetime.fromisoformat(run.created_at)
            item = self.push(path, run.config, _minus(start, 240))
            self.take(_minus(start, 120))
            launch.ack(self.store, self.viewer, item["id"], run.name)
            self.touch(item, run.created_at)
        late = (runs[-1].created_at if runs else self.created)
        config = dict(runs[-1].config) if runs else {"lr": 1e-3}
        for i, message in enumerate(self.plan.failed):
            item = self.push(path, config | {"seed": 100 + i}, _plus(late, 3600 * (i + 1)))
            self.take(_plus(late, 3600 * (i + 1) + 60))
            launch.fail(self.store, self.viewer, item["id"], message, "run")
            self.touch(item, _plus(late, 3600 * (i + 1) + 90))
        for i in range(self.plan.leased):
            self.push(path, config | {"seed": 200 + i}, _plus(late, 6 * 3600 + i * 60))
            self.take(_plus(late, 6 * 3600 + i * 60 + 30))
        for i, priority in enumerate(self.plan.pending):
            self.push(path, config | {"seed": 300 + i}, _plus(late, 8 * 3600 + i * 600), priority)


def _minus(start: datetime, seconds: float) -> str:
    return (start - timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")


def _plus(when: str, seconds: float) -> str:
    return _minus(datetime.fromisoformat(when), -seconds)
