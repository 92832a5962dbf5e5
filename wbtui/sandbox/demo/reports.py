"""The demo's reports, with specs in the exact form wandb-workspaces writes (so that
`Report.from_url` reads them back as H1, P, MarkdownBlock, CodeBlock, PanelGrid ... blocks).

    populate(sandbox, ws)    # ws = workspace.Workspace.load(sandbox.store); called by demo/__init__.py

* `admin/cifar10-resnet` "CIFAR-10: what learning rate?" — the lr range test and the grid sweep.
* `vision-lab/imagenet-classification` "ImageNet recipes compared" — ViT-B/16, ConvNeXt-T, ResNet-50.
* `nlp-research/llm-finetune` "LoRA rank and learning rate" — the LoRA runs, with a command to rerun.

The block builders below mirror wandb-workspaces' `Report._to_model()` output (spec version 5);
tests compare them with what wandb-workspaces itself makes for the same blocks.
"""

from __future__ import annotations

import json
import random
from typing import TYPE_CHECKING, Any

from .. import reports
from ..accounts import Viewer
from .runmaker import iso
from .workspace import DAY, Workspace

if TYPE_CHECKING:
    from ..app import Sandbox

Block = dict[str, Any]
FLOW = {"snapToColumns": True, "columnsPerPage": 3, "rowsPerPage": 2, "gutterWidth": 16, "boxWidth": 460,
        "boxHeight": 300}
LOCAL_PANEL_SETTINGS = {"smoothingWeight": 0, "smoothingType": "exponential", "xAxis": "_step",
                        "ignoreOutliers": False, "useRunsTableGroupingInPanels": True, "smoothingActive": True,
                        "xAxisActive": False}


# --------------------------------------------------------------------------- blocks
def heading(level: int, text: str) -> Block:
    return {"type": "heading", "children": [{"text": text}], "level": level}


def paragraph(text: str = "") -> Block:
    return {"type": "paragraph", "children": [{"text": text}]}


def markdown(content: str) -> Block:
    return {"type": "markdown-block", "children": [{"text": ""}], "content": content}


def code(text: str, language: str = "python") -> Block:
    return {"type": "code-block", "children": [{"type": "code-line", "children": [{"text": text}],
                                                "language": language}], "language": language}


def line_plot(rng: random.Random, index: int, title: str, metrics: list[str], log_y: bool = False) -> Block:
    """A "Run History Line Plot" over steps, laid out three to a row as wandb-workspaces places them."""
    config: dict[str, Any] = {"chartTitle": title, "xAxis": "_step", "metrics": metrics}
    if log_y:
        config["yLogScale"] = True
    return {"__id__": reports.new_name(rng), "layout": {"x": index % 3 * 8, "y": index // 3 * 6, "w": 8, "h": 6},
            "viewType": "Run History Line Plot", "config": config}


def runset(rng: random.Random, name: str, entity: str, project: str, project_id: int,
           group_by: str | None = None) -> Block:
    """A run set over a whole project, newest runs first, optionally grouped by a config key."""
    return {
        "id": reports.new_name(rng),
        "runFeed": {"version": 2, "columnVisible": {}, "columnPinned": {}, "columnWidths": {}, "columnOrder": [],
                    "pageSize": 10, "onlyShowSelected": False},
        "enabled": True, "project": {"name": project, "entityName": entity, "id": str(project_id)}, "name": name,
        "search": {"query": ""}, "filters": {"filterFormat": "filterV2", "filters": []},
        "grouping": [{"section": "config", "name": f"{group_by}.value"}] if group_by else [],
        "sort": {"keys": [{"key": {"section": "run", "name": "createdAt"}, "ascending": False}]},
        "selections": {"root": 1, "bounds": [], "tree": []}, "expandedRowAddresses": [],
    }


def panel_grid(runsets: list[Block], panels: list[Block]) -> Block:
    return {"type": "panel-grid", "children": [{"text": ""}], "metadata": {
        "openViz": True, "openRunSet": 0, "name": "unused-name", "runSets": runsets, "hideRunSets": False,
        "panels": {"views": {"0": {"name": "Panels", "defaults": [], "config": []}}, "tabs": ["0"]},
        "panelBankConfig": {"state": 0, "settings": {"autoOrganizePrefix": 2, "showEmptySections": False,
                                                     "sortAlphabetically": False},
                            "sections": [{"name": "Hidden Panels", "isOpen": False, "type": "flow", "flowConfig": FLOW,
                                          "sorted": 0, "localPanelSettings": LOCAL_PANEL_SETTINGS, "panels": []}]},
        "panelBankSectionConfig": {"name": "Report Panels", "isOpen": False, "panels": panels, "type": "grid",
                                   "flowConfig": FLOW, "sorted": 0, "localPanelSettings": LOCAL_PANEL_SETTINGS},
        "customRunColors": {},
    }}


def spec(blocks: list[Block]) -> dict[str, Any]:
    """A report spec; `Report.save()` wraps the blocks in empty paragraphs, `from_url` drops them."""
    return {"version": 5, "panelSettings": {}, "blocks": [paragraph(), *blocks, paragraph()], "width": "readable",
            "authors": [], "discussionThreads": []}


# --------------------------------------------------------------------------- the reports
def _cifar(rng: random.Random, entity: str, project: str, pid: int) -> list[Block]:
    return [
        heading(1, "What learning rate for ResNet on CIFAR-10?"),
        paragraph("We ran a learning-rate range test with ResNet-18 and then a small grid sweep over learning"
                  " rate and weight decay. Everything else follows the torchvision recipe."),
        heading(2, "Setup"),
        markdown("- **Model:** ResNet-18, SGD with momentum 0.9, cosine schedule, 30 epochs\n"
                 "- **Range test:** one run per learning rate from 0.1x to 30x the default\n"
                 "- **Sweep:** `resnet18-lr-wd-grid`, lr in {0.03, 0.1, 0.3} x weight decay in {5e-4, 0}"),
        code("optimizer = torch.optim.SGD(model.parameters(), lr=config.lr, momentum=0.9,\n"
             "                            weight_decay=config.weight_decay)\n"
             "scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.epochs)"),
        heading(2, "Results"),
        panel_grid([runset(rng, "All runs", entity, project, pid),
                    runset(rng, "By learning rate", entity, project, pid, group_by="lr")],
                   [line_plot(rng, 0, "Training loss", ["loss"]),
                    line_plot(rng, 1, "Validation accuracy", ["val_accuracy"]),
                    line_plot(rng, 2, "Learning rate", ["lr"], log_y=True)]),
        paragraph("0.1 is the sweet spot; 3.0 diverges within the first epoch. Weight decay adds about a point."),
    ]


def _imagenet(rng: random.Random, entity: str, project: str, pid: int) -> list[Block]:
    return [
        heading(1, "ImageNet recipes compared"),
        paragraph("Top-1 accuracy of the team's four recipes on ImageNet-1k, all on 8xA100."),
        markdown("| model | recipe | epochs | top-1 |\n|---|---|---|---|\n"
                 "| ConvNeXt-T | AdamW, drop path 0.1 | 300 | 82.1 |\n"
                 "| ViT-B/16 | DeiT | 300 | 81.2 |\n"
                 "| EfficientNet-B3 | RMSProp-style | 350 | 80.6 |\n"
                 "| ResNet-50 | LAMB (A2) | 300 | 78.7 |"),
        heading(2, "Curves"),
        panel_grid([runset(rng, "Training runs", entity, project, pid, group_by="arch")],
                   [line_plot(rng, 0, "Validation accuracy", ["val_accuracy"]),
                    line_plot(rng, 1, "Loss", ["loss", "val_loss"]),
                    line_plot(rng, 2, "Throughput", ["samples_per_sec"]),
                    line_plot(rng, 3, "Gradient norm", ["grad_norm"], log_y=True)]),
        heading(3, "Reproduce"),
        code("arch: convnext-t\noptimizer: adamw\nlr: 0.004\nbatch_size: 4096\nepochs: 300\ndrop_path: 0.1",
             "yaml"),
    ]


def _llm(rng: random.Random, entity: str, project: str, pid: int) -> list[Block]:
    return [
        heading(1, "LoRA rank and learning rate"),
        paragraph("Does a higher LoRA rank buy anything on UltraChat? Not much: the learning rate matters more."),
        heading(2, "Runs"),
        panel_grid([runset(rng, "LoRA runs", entity, project, pid, group_by="optimizer")],
                   [line_plot(rng, 0, "Training loss", ["loss"]),
                    line_plot(rng, 1, "Validation perplexity", ["val_perplexity"], log_y=True)]),
        markdown("**Takeaways**\n\n1. r=16 matches r=64 within noise.\n2. 2e-4 is best for AdamW;"
                 " 4e-4 is unstable.\n3. QLoRA (nf4) costs about 0.3 points of accuracy."),
        code('{"r": 16, "alpha": 32, "dropout": 0.05, "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"]}',
             "json"),
    ]


REPORTS = (  # project path, author, title, description, day, blocks
    ("admin/cifar10-resnet", "admin", "CIFAR-10: what learning rate?",
     "The lr range test and the lr x weight-decay grid sweep.", 38.0, _cifar),
    ("vision-lab/imagenet-classification", "maya-chen", "ImageNet recipes compared",
     "ViT-B/16, ConvNeXt-T, EfficientNet-B3 and ResNet-50 on 8xA100.", 66.0, _imagenet),
    ("nlp-research/llm-finetune", "jonas-weber", "LoRA rank and learning rate",
     "What matters when instruction-tuning 7-8B models with LoRA.", 78.0, _llm),
)


def populate(sandbox: Sandbox, ws: Workspace) -> None:
    """Add the demo's reports (inside the caller's transaction)."""
    store = sandbox.store
    for path, author, title, description, day, make in REPORTS:
        rng = random.Random(f"reports:{path}")
        entity, name = path.split("/")
        viewer = Viewer(store.one("SELECT * FROM users WHERE username = ?", (author,)))
        blocks = make(rng, entity, name, ws.project(path).id)
        row, _ = reports.upsert(store, viewer, {
            "entity_name": entity, "project_name": name, "name": reports.new_name(rng), "display_name": title,
            "description": description, "type": "runs", "spec": json.dumps(spec(blocks)),
            "created_using": "WANDB_SDK"})
        store.execute("UPDATE views SET created_at = ?, updated_at = ? WHERE id = ?",
                      (iso(day * DAY), iso(day * DAY + 5400), row["id"]))
