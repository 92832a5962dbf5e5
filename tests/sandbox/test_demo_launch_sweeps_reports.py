"""The demo's launch queues, sweeps and reports (demo/launch.py, sweeps.py, reports.py) as the
official SDK and wandb-workspaces read them."""

from __future__ import annotations

import itertools
import json

import pytest
import wandb
import wandb_workspaces.reports.v2 as wr

from wbtui.core import Api as CoreApi
from wbtui.sandbox.demo.sweeps import SWEEPS


@pytest.fixture(scope="module")
def api(demo_sandbox):
    return wandb.Api(api_key=demo_sandbox.api_key, overrides={"base_url": demo_sandbox.url}, timeout=60)


@pytest.fixture
def ws_env(demo_sandbox, monkeypatch):
    monkeypatch.setenv("WANDB_BASE_URL", demo_sandbox.url)
    monkeypatch.setenv("WANDB_API_KEY", demo_sandbox.api_key)


def states(api, entity, project, queue):
    return [api.queued_run(entity, project, queue.name, item.id, project_queue="model-registry").state
            for item in queue.items]


def test_the_prioritized_kubernetes_queue(api):
    queue = api.run_queue("vision-lab", "a100-k8s")
    assert (queue.type, queue.access, queue.prioritization_mode) == ("kubernetes", "PROJECT", "V0")
    assert [v["name"] for v in queue.template_variables] == ["gpus", "image", "memory_gb"]
    assert json.loads(queue.template_variables[0]["schema"]) == {"type": "integer", "minimum": 1, "maximum": 8,
                                                                 "default": 8}
    limits = queue.default_resource_config["resource_args"]["kubernetes"]["spec"]["template"]["spec"]["containers"]
    assert limits[0]["resources"]["limits"] == {"nvidia.com/gpu": "{{gpus}}", "memory": "{{memory_gb}}Gi"}
    assert [link["label"] for link in queue.external_links["links"]] == ["Grafana", "Runbook"]
    # by priority (critical first), then in the order pushed
    assert states(api, "vision-lab", "imagenet-classification", queue) == [
        "pending", "claimed", "claimed", "claimed", "failed", "leased", "pending", "pending"]


def test_claimed_items_lead_to_the_runs_they_launched(api):
    queue = api.run_queue("vision-lab", "a100-k8s")
    item = api.queued_run("vision-lab", "imagenet-classification", "a100-k8s", queue.items[1].id,
                          project_queue="model-registry")
    run = item.wait_until_running()
    assert run.state == "finished" and run.sweep_name is None
    assert run.config["arch"] in ("resnet50", "vit-b16", "convnext-t", "efficientnet-b3")


def test_the_other_queues(api):
    workstation = api.run_queue("admin", "workstation")
    assert (workstation.type, workstation.prioritization_mode, workstation.template_variables) == (
        "local-container", "DISABLED", [])
    assert states(api, "admin", "cifar10-resnet", workstation) == ["claimed", "claimed", "failed", "pending"]
    sagemaker = api.run_queue("nlp-research", "h100-sagemaker")
    assert sagemaker.type == "sagemaker"
    assert states(api, "nlp-research", "llm-finetune", sagemaker) == ["claimed", "claimed", "pending"]


async def test_the_wbtui_client_lists_the_teams_queues(demo_sandbox):
    async with CoreApi(overrides={"base_url": demo_sandbox.url}, api_key=demo_sandbox.api_key) as core:
        assert [q.name for q in await core.run_queues("vision-lab")] == ["a100-k8s"]


def sweep_named(api, path, name):
    return next(s for s in api.project(path.split("/")[1], path.split("/")[0]).sweeps() if s.name == name)


def test_the_grid_sweep_covered_its_grid_and_finished(api):
    plan = SWEEPS[0]
    sweep = sweep_named(api, plan.path, plan.config["name"])
    assert (sweep.state, sweep.expected_run_count, sweep.config) == ("FINISHED", 6, plan.config)
    runs = list(sweep.runs)
    points = {(r.config["lr"], r.config["weight_decay"]) for r in runs}
    assert points == set(itertools.product([0.03, 0.1, 0.3], [0.0005, 0.0]))
    assert all(r.config["arch"] == "resnet18" and r.sweep_name == sweep.id for r in runs)
    best = sweep.best_run()
    assert best.summary["val_accuracy"] == max(r.summary["val_accuracy"] for r in runs)


def test_the_bayes_and_random_sweeps_drew_from_their_distributions(api):
    bayes, random_ = (sweep_named(api, plan.path, plan.config["name"]) for plan in SWEEPS[1:])
    assert (bayes.state, bayes.expected_run_count, len(bayes.runs)) == ("RUNNING", None, 8)
    for run in bayes.runs:
        c = run.config
        assert 5e-6 <= c["lr"] <= 1e-4 and c["batch_size"] in (16, 32, 64) and 0 <= c["warmup_frac"] <= 0.1
        assert round(c["dropout"] / 0.05, 6).is_integer() and 0 <= c["dropout"] <= 0.3 + 1e-9  # q * round(x / q)
    assert bayes.best_run().summary["val_loss"] == min(r.summary["val_loss"] for r in bayes.runs)
    assert (random_.state, len(random_.runs)) == ("PAUSED", 4)
    assert all(3e-4 <= r.config["lr"] <= 3e-3 and r.config["drop_path"] in (0.0, 0.1, 0.2) for r in random_.runs)


@pytest.mark.parametrize("path, title, kinds", [
    ("admin/cifar10-resnet", "CIFAR-10: what learning rate?",
     ["H1", "P", "H2", "MarkdownBlock", "CodeBlock", "H2", "PanelGrid", "P"]),
    ("vision-lab/imagenet-classification", "ImageNet recipes compared",
     ["H1", "P", "MarkdownBlock", "H2", "PanelGrid", "H3", "CodeBlock"]),
    ("nlp-research/llm-finetune", "LoRA rank and learning rate", ["H1", "P", "H2", "PanelGrid", "MarkdownBlock",
                                                                   "CodeBlock"]),
])
def test_reports_load_in_wandb_workspaces_exactly_as_stored(api, ws_env, path, title, kinds):
    (listed,) = api.reports(path)
    assert listed.display_name == title and listed.user["username"]
    report = wr.Report.from_url(listed.url)
    assert [type(b).__name__ for b in report.blocks] == kinds
    grid = next(b for b in report.blocks if isinstance(b, wr.PanelGrid))
    assert all(isinstance(p, wr.LinePlot) and p.y for p in grid.panels)
    assert {rs.project for rs in grid.runsets} == {path.split("/")[1]}
    # what wandb-workspaces writes for the blocks it read is the stored spec, key for key
    written = json.loads(report._to_model().spec.model_dump_json(by_alias=True, exclude_none=True))
    assert written == listed.spec
