"""Write the core's test data set with the official wandb SDK, as a user would.

Run in a subprocess (wandb keeps global state): `python seed_sdk.py URL KEY OUT_JSON`.
Each stage is independent; a stage the sandbox cannot serve yet is recorded as failed (with
its error) in OUT_JSON, and the tests that need it skip with that reason.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import traceback
from pathlib import Path

PROJECT = "parity"
OTHER_PROJECT = "parity-other"
N_RUNS = 12
FAILED = {5, 9}


def run_config(i: int) -> dict:
    return {
        "lr": [0.1, 0.01, 0.001][i % 3],
        "bs": [16, 32, 64, 128][i % 4],
        "optimizer": ["adam", "sgd"][i % 2],
        "arch": {"depth": i % 5, "width": 64 * (1 + i % 2)},
        "seed": i,
    }


def stage_runs(wandb, entity: str, out: dict) -> None:
    ids = []
    for i in range(N_RUNS):
        run = wandb.init(
            entity=entity,
            project=PROJECT,
            id=f"prt{i:05d}",
            name=f"run-{i:02d} [b]x[/b]" if i == 3 else f"run-{i:02d}",
            config=run_config(i),
            tags=["base", "even" if i % 2 == 0 else "odd"] + (["special"] if i % 4 == 0 else []),
            group="alpha" if i % 2 == 0 else "beta",
            job_type="train" if i < 8 else "eval",
            notes=f"notes of run {i}",
        )
        steps = 60 + 10 * i
        for step in range(steps):
            row = {"loss": round(1.0 / (step + 1 + i), 6), "acc": round(step / steps, 6)}
            if step % 10 == 0:
                row["val_loss"] = round(2.0 / (step + 2 + i), 6)
            run.log(row)
        for line in range(5):
            print(f"run {i} console line {line}")
        run.summary["best_acc"] = round(0.5 + i / 100, 4)
        run.summary["nested"] = {"a": i, "b": {"c": i * 2}}
        if i == 0:
            path = Path(run.dir) / "notes.txt"
            path.write_text("hello from run 0\n")
            run.save(str(path), base_path=run.dir, policy="now")
        run.finish(exit_code=1 if i in FAILED else 0)
        ids.append(run.id)
    other = wandb.init(entity=entity, project=OTHER_PROJECT, id="othr0001", config={"x": 1})
    other.log({"loss": 1.0})
    other.finish()
    out["runs"] = ids


def stage_long_run(wandb, entity: str, out: dict) -> None:
    """A run with keys logged at different steps and a gap, for scan_history."""
    run = wandb.init(entity=entity, project=PROJECT, id="longrun1", name="long", config={"lr": 0.5})
    for step in range(2500):
        row = {"loss": 1.0 / (step + 1)}
        if step % 7 == 0:
            row["sparse"] = step
        run.log(row, step=step if step < 2000 else step + 100)
    run.finish()
    out["long_run"] = run.id


def stage_artifacts(wandb, entity: str, out: dict) -> None:
    tmp = Path(tempfile.mkdtemp())
    (tmp / "train.csv").write_text("a,b\n1,2\n")
    (tmp / "sub").mkdir()
    (tmp / "sub" / "test.csv").write_text("a,b\n3,4\n")
    run = wandb.init(entity=entity, project=PROJECT, id="artlog01", job_type="data")
    art = wandb.Artifact("dataset-a", type="dataset", description="first", metadata={"rows": 2})
    art.add_file(str(tmp / "train.csv"))
    art.add_dir(str(tmp / "sub"), name="sub")
    run.log_artifact(art, aliases=["latest", "best"])
    run.finish()
    run = wandb.init(entity=entity, project=PROJECT, id="artlog02", job_type="data")
    (tmp / "train.csv").write_text("a,b\n1,2\n5,6\n")
    art = wandb.Artifact("dataset-a", type="dataset", description="second", metadata={"rows": 3})
    art.add_file(str(tmp / "train.csv"))
    run.log_artifact(art, aliases=["production"])
    model = wandb.Artifact("model-a", type="model")
    (tmp / "weights.bin").write_bytes(bytes(range(256)) * 4)
    model.add_file(str(tmp / "weights.bin"))
    run.log_artifact(model)
    run.finish()
    run = wandb.init(entity=entity, project=PROJECT, id="artuse01", job_type="train")
    run.use_artifact(f"{entity}/{PROJECT}/dataset-a:v0")
    run.use_artifact(f"{entity}/{PROJECT}/model-a:latest")
    run.finish()
    out["artifacts"] = True


def stage_jobs(wandb, entity: str, out: dict) -> None:
    """A launch job as wandb's job builder stores it: a "job" artifact with wandb-job.json."""
    tmp = Path(tempfile.mkdtemp())
    info = {
        "_version": "v0",
        "source_type": "image",
        "source": {"image": "python:3.11-slim", "args": [], "entrypoint": ["python", "train.py"]},
        "input_types": {"wb_type": "typedDict", "params": {"type_map": {"lr": {"wb_type": "number"}}}},
        "output_types": {"wb_type": "typedDict", "params": {"type_map": {}}},
        "runtime": "3.11.7",
    }
    (tmp / "wandb-job.json").write_text(json.dumps(info))
    (tmp / "requirements.frozen.txt").write_text("numpy==2.0.0\n")
    run = wandb.init(entity=entity, project=PROJECT, id="jobmake1", job_type="job")
    from wandb.sdk.artifacts._internal_artifact import (
        InternalArtifact,  # wandb's job builder uses it
    )

    job = InternalArtifact("job-train", "job")
    job.add_file(str(tmp / "wandb-job.json"))
    job.add_file(str(tmp / "requirements.frozen.txt"))
    run.log_artifact(job)
    run.finish()
    out["jobs"] = True


def stage_sweeps(wandb, entity: str, out: dict) -> None:
    """A grid sweep run by `wandb.agent`, as users run sweeps."""
    config = {"method": "grid", "metric": {"name": "loss", "goal": "minimize"},
              "parameters": {"lr": {"values": [0.1, 0.01, 0.001]}}}
    sweep_id = wandb.sweep(config, entity=entity, project=PROJECT)

    def train() -> None:
        run = wandb.init()
        run.log({"loss": run.config["lr"] * 10})
        run.finish()

    wandb.agent(sweep_id, function=train, entity=entity, project=PROJECT, count=3)
    out["sweep"] = sweep_id


def stage_reports(wandb, entity: str, out: dict) -> None:
    import wandb_workspaces.reports.v2 as wr

    report = wr.Report(entity=entity, project=PROJECT, title="Parity report", description="made by the seed",
                       blocks=[wr.H1(text="Heading"), wr.P(text="Some text")])
    report.save()
    out["report_url"] = report.url


def stage_launch(wandb, entity: str, out: dict) -> None:
    from wandb.sdk.launch import launch_add

    api = wandb.Api()
    api.create_run_queue("seed-queue", "local-container", entity=entity, config={"env": {"LR": "{{lr}}"}},
                         template_variables={"lr": {"schema": {"type": "number", "default": 0.1, "minimum": 0}}})
    items = [launch_add(job=f"{entity}/{PROJECT}/job-train:v0", queue_name="seed-queue", entity=entity,
                        project=PROJECT) for _ in range(2)]
    out["queue"] = "seed-queue"
    out["queue_items"] = [item.id for item in items]


def main() -> None:
    url, key, out_path = sys.argv[1:4]
    os.environ.update(
        WANDB_BASE_URL=url, WANDB_API_KEY=key, WANDB_SILENT="true", WANDB_CONSOLE="wrap",
        WANDB_DISABLE_GIT="true",
    )
    import wandb

    entity = wandb.Api().default_entity
    out: dict = {"entity": entity, "project": PROJECT, "other_project": OTHER_PROJECT, "errors": {}}
    for stage in (stage_runs, stage_long_run, stage_artifacts, stage_jobs, stage_sweeps, stage_reports, stage_launch):
        try:
            stage(wandb, entity, out)
        except Exception:  # recorded: the tests that need the stage skip with this reason
            out["errors"][stage.__name__] = traceback.format_exc(limit=3)[-2000:]
            if wandb.run is not None:
                wandb.run.finish(exit_code=1)
    Path(out_path).write_text(json.dumps(out))


if __name__ == "__main__":
    main()
