"""The demo's artifacts (demo/artifacts.py) on a small demo workspace, read with wandb.Api:
datasets, models and jobs with their versions, aliases, files and lineage between the runs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import wandb

from wbtui.sandbox.app import Sandbox
from wbtui.sandbox.demo import artifacts as demo_artifacts, workspace
from wbtui.sandbox.server import SandboxServer

E = workspace.Experiment
PLANS = (
    workspace.ProjectPlan(
        "vision-lab", "tiny-cifar", "d", "ENTITY_WRITE", "cifar10", ("maya-chen", "admin"), ("node-1",),
        "https://github.com/example-ml/tiny.git", (0, 4), (
            E("preprocess", 2, group="data", steps=(1000, 1000)),
            E("train", 6, ("resnet18",), (0.5, 1.0, 2.0), ("sgd",), "rn", steps=(1000, 1000)),
            E("eval", 2, ("resnet18",), group="eval", steps=(1000, 1000)),
        )),
    workspace.ProjectPlan(  # evaluation only: it uses the models of tiny-cifar
        "vision-lab", "tiny-evals", "d", "ENTITY_WRITE", "cifar10", ("tomas-novak",), ("node-2",),
        "https://github.com/example-ml/tiny.git", (5, 6), (E("eval", 2, ("resnet18",), steps=(1000, 1000)),)),
)


def build(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    monkeypatch.setattr(workspace, "PROJECTS", PLANS)
    sandbox = Sandbox.open(data_dir)
    with sandbox.store.transaction():
        workspace.build(sandbox)
        demo_artifacts.populate(sandbox, workspace.Workspace.load(sandbox.store))
    return sandbox


@pytest.fixture(scope="module")
def demo(tmp_path_factory, wandb_dirs):
    with pytest.MonkeyPatch.context() as mp:
        data_dir = tmp_path_factory.mktemp("demo-artifacts")
        build(data_dir, mp).store.close()
        with SandboxServer(data_dir) as server:
            yield server, workspace.Workspace.load(server.store)


@pytest.fixture(scope="module")
def api(demo):
    server, _ = demo
    return wandb.Api(api_key=server.api_key, overrides={"base_url": server.url})


def runs_of(ws, path: str, job_type: str, state: str | None = None) -> list:
    return ws.project(path).runs(job_type, state)


def test_types_and_collections(api):
    assert [t.name for t in api.artifact_types("vision-lab/tiny-cifar")] == ["dataset", "model", "job"]
    assert [c.name for c in api.artifact_collections("vision-lab/tiny-cifar", "dataset")] == ["cifar10"]
    assert [c.name for c in api.artifact_collections("vision-lab/tiny-cifar", "model")] == ["resnet18-cifar10"]
    assert [c.name for c in api.artifact_collections("vision-lab/tiny-evals", "dataset")] == ["tiny-evals-prompts"]


def test_each_preprocessing_run_logs_a_dataset_version(api, demo):
    _, ws = demo
    prep = runs_of(ws, "vision-lab/tiny-cifar", "preprocess", "finished")
    versions = list(api.artifacts("dataset", "vision-lab/tiny-cifar/cifar10", order="version_index"))
    assert [v.logged_by().id for v in versions] == [r.name for r in prep] and prep
    assert [v.aliases for v in versions][-1] == ["latest", "production"]
    assert versions[0].metadata["build"] == 1 and versions[0].metadata["dataset"] == "cifar10"
    evals_data = api.artifact("vision-lab/tiny-evals/tiny-evals-prompts:latest")
    assert evals_data.logged_by() is None  # uploaded by the project's owner, no run


def test_finished_training_runs_log_models_and_best_is_the_best(api, demo):
    _, ws = demo
    trained = [r for r in runs_of(ws, "vision-lab/tiny-cifar", "train", "finished")
               if r.summary.get("best_val_accuracy") == r.summary.get("best_val_accuracy")]  # not NaN
    versions = list(api.artifacts("model", "vision-lab/tiny-cifar/resnet18-cifar10", order="version_index"))
    assert [v.logged_by().id for v in versions] == [r.name for r in trained] and trained
    scores = [v.metadata["best_val_accuracy"] for v in versions]
    assert scores == [r.summary["best_val_accuracy"] for r in trained]
    best = api.artifact("vision-lab/tiny-cifar/resnet18-cifar10:best")
    assert best.metadata["best_val_accuracy"] == max(scores)
    assert "production" in best.aliases  # the project's only model collection: its best is in production
    assert api.artifact("vision-lab/tiny-cifar/resnet18-cifar10:latest").version == f"v{len(versions) - 1}"


def test_training_runs_use_the_dataset_that_was_latest(api, demo):
    _, ws = demo
    datasets = list(api.artifacts("dataset", "vision-lab/tiny-cifar/cifar10", order="version_index"))
    for version in api.artifacts("model", "vision-lab/tiny-cifar/resnet18-cifar10"):
        run = version.logged_by()
        used = [a.name for a in run.used_artifacts()]
        expected = [d for d in datasets if d.created_at <= run.created_at] or datasets[:1]
        assert used == [f"cifar10:{expected[-1].version}"]


def test_evaluations_use_the_best_model_of_their_time_across_projects(api, demo):
    _, ws = demo
    models = list(api.artifacts("model", "vision-lab/tiny-cifar/resnet18-cifar10"))
    with_model = set()
    for path in ("vision-lab/tiny-cifar", "vision-lab/tiny-evals"):
        for run in runs_of(ws, path, "eval"):
            used = {a.type: a for a in api.run(f"{path}/{run.name}").used_artifacts()}
            earlier = [m for m in models if m.created_at <= run.created_at]
            if earlier:
                best = max(earlier, key=lambda m: m.metadata["best_val_accuracy"])
                assert (used["model"].source_project, used["model"].version) == ("tiny-cifar", best.version)
                assert run.name in [r.id for r in best.used_by()]
                with_model.add(path)
            else:
                assert "model" not in used
            assert "dataset" in used
    assert with_model == {"vision-lab/tiny-cifar", "vision-lab/tiny-evals"}


def test_model_files_are_real_and_sample_the_runs_history(api, tmp_path):
    version = api.artifact("vision-lab/tiny-cifar/resnet18-cifar10:v0")
    root = Path(version.download(str(tmp_path), skip_cache=True))
    assert sorted(p.name for p in root.iterdir()) == ["README.md", "metrics.csv", "model.json"]
    card = json.loads((root / "model.json").read_text())
    run = version.logged_by()
    assert card["run"] == run.id and card["arch"] == "resnet18"
    rows = list(csv.DictReader(io.StringIO((root / "metrics.csv").read_text())))
    assert 30 <= len(rows) <= 45 and rows[0]["step"] == "0"
    history = {r["_step"]: r["loss"] for r in run.scan_history(keys=["_step", "loss"])}
    assert all(float(r["loss"]) == pytest.approx(history[int(r["step"])], rel=1e-5) for r in rows if r["loss"])


def test_jobs_have_a_version_per_commit(api, demo):
    _, ws = demo
    jobs = api.list_jobs("vision-lab", "tiny-cifar")
    names = sorted(j["edges"][0]["node"]["artifactSequence"]["name"] for j in jobs)
    assert names == ["job-https___github.com_example-ml_tiny.git_eval.py",
                     "job-https___github.com_example-ml_tiny.git_scripts_preprocess.py",
                     "job-https___github.com_example-ml_tiny.git_train.py"]
    train_jobs = api.artifacts("job", "vision-lab/tiny-cifar/job-https___github.com_example-ml_tiny.git_train.py",
                               order="version_index")
    first = train_jobs[0]
    job = api.job(f"vision-lab/tiny-cifar/{first.name}")
    logger = first.logged_by()
    assert job._job_info["source"]["git"] == {"remote": "https://github.com/example-ml/tiny.git",
                                              "commit": logger.commit}
    assert job._job_info["source"]["entrypoint"] == ["python3.11", "train.py"]
    assert set(job._job_info["input_types"]["params"]["type_map"]) == set(logger.config)
    commits = {r.commit for r in api.runs("vision-lab/tiny-cifar", filters={"jobType": "train"})}
    assert len(train_jobs) == len(commits)


def test_the_build_is_deterministic(tmp_path, monkeypatch, demo):
    server, _ = demo
    again = build(tmp_path / "again", monkeypatch)
    query = ("SELECT c.name, a.version_index, a.digest, a.created_at, a.metadata FROM artifacts a"
             " JOIN artifact_collections c ON c.id = a.collection_id ORDER BY a.id")
    try:
        assert again.store.query(query) == server.store.query(query)
    finally:
        again.store.close()
