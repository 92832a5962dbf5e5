"""The official SDK logs a run to the sandbox (wandb.init in a subprocess) and reads it back
with wandb.Api: every value written comes back exactly."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets

import pytest

STEPS = 2000
SCRIPT = """
import json, sys, wandb
run = wandb.init(entity="admin", project=%(project)r, name="full-run", notes="some notes",
                 config={"lr": 0.001, "layers": [64, 32], "opt": {"name": "adam"}},
                 tags=["baseline", "t2"], group="grp", job_type="train")
for i in range(%(steps)d):
    row = {"loss": 1.0 / (i + 1), "acc": i / %(steps)d}
    if i %% 100 == 0:
        row["val"] = i
    run.log(row)
print("hello from stdout", flush=True)
print("a warning on stderr", file=sys.stderr, flush=True)
run.summary["best_acc"] = 0.99
with open("notes.txt", "w") as f:
    f.write("saved by run.save")
run.save("notes.txt", policy="now")
run.alert(title="done", text="training finished")
run_id = run.id
run.finish()
print(json.dumps({"id": run_id}))
"""


@pytest.fixture(scope="module")
def logged(sdk_script, tmp_path_factory, api):
    """One run written by the official SDK; -> wandb.Api's Run."""
    project = "sdk-runs-" + secrets.token_hex(3)
    out = sdk_script(SCRIPT % {"project": project, "steps": STEPS}, tmp_path_factory.mktemp("sdk"))
    run_id = json.loads(out.stdout.strip().splitlines()[-1])["id"]
    return api.run(f"admin/{project}/{run_id}")


@pytest.fixture(scope="module")
def api(sandbox):  # module scope: one wandb.Api for the module's tests
    import wandb
    return wandb.Api(api_key=sandbox.api_key, overrides={"base_url": sandbox.url})


def test_init_arguments_and_final_state_are_stored(logged):
    assert logged.state == "finished"
    assert logged.name == "full-run"
    assert logged.notes == "some notes"
    assert logged.config == {"lr": 0.001, "layers": [64, 32], "opt": {"name": "adam"}}
    assert logged.tags == ["baseline", "t2"]
    assert (logged.group, logged.job_type) == ("grp", "train")
    assert logged.user.username == "admin"
    assert logged.lastHistoryStep == STEPS - 1


def test_summary_holds_the_last_values_and_updates(logged):
    assert logged.summary["loss"] == 1.0 / STEPS
    assert logged.summary["acc"] == (STEPS - 1) / STEPS
    assert logged.summary["_step"] == STEPS - 1
    assert logged.summary["best_acc"] == 0.99


def test_history_is_sampled_evenly_with_first_and_last_rows(logged):
    rows = logged.history(samples=100, pandas=False)
    steps = [r["_step"] for r in rows]
    assert len(rows) == 100 and steps[0] == 0 and steps[-1] == STEPS - 1
    assert steps == sorted(steps)
    assert all(r["loss"] == 1.0 / (r["_step"] + 1) for r in rows)
    assert len(logged.history(samples=STEPS + 10, pandas=False)) == STEPS


def test_history_with_keys_returns_only_rows_having_every_key(logged):
    rows = logged.history(keys=["val"], samples=500, pandas=False)
    assert rows == [{"_step": s, "val": s} for s in range(0, STEPS, 100)]
    loss = logged.history(keys=["loss", "acc"], samples=5, pandas=False)
    assert [r["_step"] for r in loss] == [0, 500, 1000, 1499, 1999]
    assert set(loss[0]) == {"_step", "loss", "acc"}


def test_scan_history_returns_every_row(logged):
    rows = list(logged.scan_history(page_size=700))
    assert [r["_step"] for r in rows] == list(range(STEPS))
    assert all(r["loss"] == 1.0 / (r["_step"] + 1) for r in rows)
    assert [r["_step"] for r in logged.scan_history(keys=["val"])] == list(range(0, STEPS, 100))
    assert [r["_step"] for r in logged.scan_history(min_step=10, max_step=20)] == list(range(10, 20))


def test_system_metrics_are_stored(logged):
    events = logged.history(stream="system", pandas=False)
    assert events and all(e.get("_wandb") is True for e in events)
    assert any(k.startswith("system.") for k in logged.system_metrics)


def test_saved_and_run_files_download(logged, tmp_path):
    files = {f.name: f for f in logged.files()}
    assert {"notes.txt", "output.log", "wandb-summary.json", "config.yaml", "wandb-metadata.json"} <= set(files)
    content = b"saved by run.save"
    assert files["notes.txt"].size == len(content)
    assert files["notes.txt"].md5 == base64.b64encode(hashlib.md5(content).digest()).decode()
    logged.file("notes.txt").download(root=str(tmp_path))
    assert (tmp_path / "notes.txt").read_bytes() == content
    assert logged.metadata["program"].endswith(".py")


def test_console_output_is_stored_line_by_line(logged):
    lines = list(logged.console_logs())
    assert [line.number for line in lines] == list(range(len(lines)))
    assert ("", "hello from stdout") in [(line.level, line.content) for line in lines]
    assert ("error", "a warning on stderr") in [(line.level, line.content) for line in lines]
    assert all(line.timestamp is not None for line in lines)
    tail = list(logged.console_logs(last=1))
    assert [(t.number, t.content) for t in tail] == [(lines[-1].number, lines[-1].content)]


def test_alert_is_stored(logged, sandbox):
    rows = sandbox.store.query(
        "SELECT a.title, a.text, a.severity FROM alerts a JOIN runs r ON r.id = a.run_id WHERE r.name = ?",
        (logged.id,))
    assert rows == [{"title": "done", "text": "training finished", "severity": "INFO"}]
