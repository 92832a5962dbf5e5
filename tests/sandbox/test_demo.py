"""The demo workspace (`wbtui sandbox --demo`, `wbtui demo`): the issue's numbers, realism checks
(summaries match histories, the SDK's run files), determinism, idempotency, what the official
`wandb.Api` reads back, the live runs, and `--scale`."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from wbtui.sandbox import demo
from wbtui.sandbox.app import Sandbox
from wbtui.sandbox.demo import live, scale
from wbtui.sandbox.demo.runmaker import EPOCH_TS
from wbtui.sandbox.demo.training import simulate
from wbtui.sandbox.demo.workspace import PROJECTS, plan_runs
from wbtui.sandbox.server import SandboxServer

SDK_FILES = {"config.yaml", "output.log", "requirements.txt", "wandb-metadata.json", "wandb-summary.json"}


@pytest.fixture(scope="module")
def store(demo_sandbox):
    return demo_sandbox.store


@pytest.fixture(scope="module")
def api(demo_sandbox):
    import wandb
    return wandb.Api(api_key=demo_sandbox.api_key, overrides={"base_url": demo_sandbox.url}, timeout=60)


def live_ids(store) -> list[int]:
    return json.loads(store.setting(live.SETTING))


def planned_specs() -> dict[str, tuple[str, object]]:
    """run id -> (project path, RunSpec) of every run the workspace plans."""
    return {spec.name: (plan.path, spec) for plan in PROJECTS for spec in plan_runs(plan)}


# --------------------------------------------------------------------------- the issue's numbers
def test_demo_has_the_issues_numbers(store):
    runs = store.query("SELECT r.*, p.name AS project FROM runs r JOIN projects p ON p.id = r.project_id")
    assert len(runs) >= 300
    assert store.scalar("SELECT COUNT(*) FROM projects") >= 6
    teams = store.query("SELECT e.name, COUNT(m.user_id) AS members FROM entities e JOIN members m"
                        " ON m.entity_id = e.id WHERE e.is_team = 1 GROUP BY e.id")
    assert len(teams) >= 2 and all(t["members"] >= 3 for t in teams)
    assert {"finished", "failed", "crashed", "running"} <= {r["state"] for r in runs}
    planned = planned_specs()
    base = [r for r in runs if r["name"] in planned]
    assert len(base) == len(planned) >= 300
    assert all(1000 <= r["history_line_count"] <= 5000 for r in base)
    assert all(r["events_line_count"] > 0 and r["log_line_count"] > 0 for r in runs)
    assert {r["job_type"] for r in base} == {"preprocess", "train", "eval"}
    assert sum(bool(r["notes"]) for r in base) >= 20 and sum(r["tags"] != "[]" for r in base) >= 100
    # one project is private to its team, and teams have both admins and members
    private = store.one("SELECT p.* FROM projects p JOIN entities e ON e.id = p.entity_id"
                        " WHERE e.is_team = 1 AND p.access = 'PRIVATE'")
    assert private is not None
    assert {r["role"] for r in store.query("SELECT role FROM members m JOIN entities e ON e.id = m.entity_id"
                                           " WHERE e.is_team = 1")} == {"admin", "member"}


def test_summaries_hold_the_histories_last_and_best_values(store):
    skipped = set(live_ids(store))
    runs = store.query("SELECT id, job_type, summary, history_line_count FROM runs")
    for run in runs:
        if run["id"] in skipped:
            continue
        summary = json.loads(run["summary"])
        rows = [json.loads(r["data"]) for r in store.query(
            "SELECT data FROM history WHERE run_id = ? ORDER BY step", (run["id"],))]
        assert len(rows) == run["history_line_count"]
        latest = {}
        for row in rows:
            latest |= row
        for key, value in latest.items():
            got = summary[key]
            if isinstance(value, float) and not math.isfinite(value):
                assert got in ("NaN", "Infinity"), (run["id"], key)  # how the sandbox stores them
            elif key == "_runtime":  # whole seconds in the summary, as the SDK sends it
                assert abs(got - value) <= 1, run["id"]
            else:
                assert got == value, (run["id"], key)
        best_key = next((k for k in summary if k.startswith("best_val_")), None)
        if run["job_type"] == "train" and best_key:
            metric = best_key.removeprefix("best_")
            vals = [(r["_step"], r[metric]) for r in rows if metric in r and math.isfinite(r["val_loss"])]
            assert summary[best_key] == max(v for _, v in vals)
            assert summary["best_step"] in [s for s, v in vals if v == summary[best_key]]


def test_states_times_and_exit_codes_are_consistent(store):
    skipped = set(live_ids(store))
    for run in store.query("SELECT * FROM runs"):
        summary = json.loads(run["summary"])
        if run["id"] in skipped:
            assert run["state"] == "running" and run["exitcode"] is None
            continue
        first, last = (json.loads(store.scalar(f"SELECT data FROM history WHERE run_id = ? ORDER BY step {o} LIMIT 1",
                                               (run["id"],))) for o in ("ASC", "DESC"))
        created = datetime.fromisoformat(run["created_at"] + "+00:00").timestamp()
        heartbeat = datetime.fromisoformat(run["heartbeat_at"] + "+00:00").timestamp()
        assert created <= first["_timestamp"] <= last["_timestamp"] < heartbeat + 1, run["name"]
        assert abs(last["_timestamp"] - created - last["_runtime"]) < 1.001, run["name"]
        assert summary["_wandb"]["runtime"] == summary["_runtime"] and abs(summary["_runtime"] - last["_runtime"]) <= 1
        # a crashed run's heartbeat stops a little after its last step; the others end with an exit code
        assert (heartbeat - last["_timestamp"] > 10) == (run["state"] == "crashed"), run["name"]
        assert {"finished": 0, "failed": 1, "killed": 255, "crashed": None}[run["state"]] == run["exitcode"]
        errors = [r["content"] for r in store.query(
            "SELECT content FROM log_lines WHERE run_id = ? AND level = 'error'", (run["id"],))]
        if run["state"] == "failed":
            assert any(line.split(":")[0].endswith("Error") for line in errors), run["name"]


def test_run_files_are_stored_as_the_sdk_uploads_them(demo_sandbox, store):
    storage = demo_sandbox.sandbox.storage
    skipped = set(live_ids(store))
    for run in store.query("SELECT * FROM runs"):
        files = {f["name"]: f for f in store.query("SELECT * FROM run_files WHERE run_id = ?", (run["id"],))}
        if run["state"] in ("crashed", "running"):  # they never reached the end-of-run uploads
            assert set(files) == {"requirements.txt", "wandb-metadata.json"}
        else:
            assert set(files) == SDK_FILES
        for name, f in files.items():
            data = storage.path(f"runs/{run['id']}/{name}").read_bytes()
            assert f["uploaded"] == 1 and f["size"] == len(data)
            assert f["md5"] == base64.b64encode(hashlib.md5(data).digest()).decode()
        if "config.yaml" in files:
            assert yaml.safe_load(storage.path(f"runs/{run['id']}/config.yaml").read_text()) == json.loads(run["config"])
        meta = json.loads(storage.path(f"runs/{run['id']}/wandb-metadata.json").read_text())
        assert meta["host"] == run["host"] and meta["git"]["commit"] == run["commit_hash"]
        assert meta["os"].startswith("Linux") and meta["python"].startswith("CPython")
        if "output.log" in files and run["id"] not in skipped:
            lines = [r["content"] for r in store.query(
                "SELECT content FROM log_lines WHERE run_id = ? ORDER BY line", (run["id"],))]
            assert storage.path(f"runs/{run['id']}/output.log").read_text().splitlines() == lines


# --------------------------------------------------------------------------- determinism and idempotency
def digest(data_dir: Path) -> dict[str, str]:
    """A hash of every table and blob of a data dir, without the live runs and the secrets."""
    con = sqlite3.connect(data_dir / "sandbox.db")
    skipped = json.loads(con.execute("SELECT value FROM settings WHERE key = ?", (live.SETTING,)).fetchone()[0])
    marks = ",".join("?" * len(skipped))
    out = {}
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                        " AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    for table in set(tables) - {"settings", "api_keys"}:
        columns = con.execute(f"PRAGMA table_info({table})").fetchall()
        names = [c[1] for c in columns]
        order = ", ".join(c[1] for c in sorted(columns, key=lambda c: c[5]) if c[5]) or ", ".join(names)
        where = (f"WHERE run_id NOT IN ({marks})" if "run_id" in names
                 else f"WHERE id NOT IN ({marks})" if table == "runs" else "")
        rows = con.execute(f"SELECT * FROM {table} {where} ORDER BY {order}", skipped if where else ())
        out[table] = hashlib.sha256(repr(rows.fetchall()).encode()).hexdigest()
    con.close()
    files = hashlib.sha256()
    live_dirs = {str(data_dir / "files" / "runs" / str(i)) for i in skipped}
    for root, dirs, names in sorted(os.walk(data_dir / "files")):
        dirs.sort()
        if root in live_dirs:
            continue
        for name in sorted(names):
            path = Path(root, name)
            files.update(str(path.relative_to(data_dir)).encode() + hashlib.md5(path.read_bytes()).digest())
    out["files"] = files.hexdigest()
    return out


def test_two_builds_are_identical(demo_copy, tmp_path):
    """The shared template (built by whichever worker came first) against a fresh build in this
    process: equal row for row and file for file, but for the live runs."""
    sandbox = Sandbox.open(tmp_path / "again")
    demo.build(sandbox)
    sandbox.store.close()
    assert digest(demo_copy) == digest(tmp_path / "again")


def test_populate_again_adds_nothing_and_is_fast(demo_copy):
    before = digest(demo_copy)
    sandbox = Sandbox.open(demo_copy)
    counts = {t: sandbox.store.scalar(f"SELECT COUNT(*) FROM {t}") for t in ("users", "projects", "runs")}
    started = time.perf_counter()
    stop = demo.populate(sandbox)
    elapsed = time.perf_counter() - started
    try:
        assert elapsed < 2.0, f"a second populate took {elapsed:.2f}s: it must not build again"
        assert {t: sandbox.store.scalar(f"SELECT COUNT(*) FROM {t}") for t in counts} == counts
    finally:
        stop()
        sandbox.store.close()
    assert digest(demo_copy) == before


# --------------------------------------------------------------------------- read through the official SDK
def test_wandb_api_reads_back_what_was_generated(api, store, tmp_path):
    specs = planned_specs()
    row = store.one("SELECT r.name FROM runs r JOIN projects p ON p.id = r.project_id"
                    " WHERE p.name = 'imagenet-classification' AND r.state = 'finished' AND r.job_type = 'train'"
                    " ORDER BY r.id LIMIT 1")
    path, spec = specs[row["name"]]
    trace = simulate(spec, EPOCH_TS + spec.start)
    run = api.run(f"{path}/{spec.name}")
    assert (run.name, run.state, run.group, run.job_type) == (spec.display_name, "finished", spec.group, spec.job_type)
    assert run.config == spec.config and run.tags == list(spec.tags) and run.user.username == spec.user
    assert run.summary["best_val_accuracy"] == trace.summary["best_val_accuracy"]
    assert list(run.scan_history(page_size=400)) == [json.loads(line) for line in trace.history]
    sampled = run.history(keys=["val_accuracy"], samples=1000, pandas=False)
    assert [r["val_accuracy"] for r in sampled] == [
        json.loads(line)["val_accuracy"] for line in trace.history if '"val_accuracy"' in line]
    system = run.history(stream="system", samples=10_000, pandas=False)
    assert len(system) == len(trace.events) and all(r["system.gpu.0.gpu"] > 0 for r in system)
    assert [line.content for line in run.console_logs()] == [text for _, _, text in trace.console]
    assert {f.name for f in run.files()} == SDK_FILES
    run.file("wandb-summary.json").download(root=str(tmp_path), replace=True)
    assert json.loads((tmp_path / "wandb-summary.json").read_text()) == trace.summary


def test_wandb_api_filters_and_sorts_the_demo(api, store):
    path = "vision-lab/imagenet-classification"
    pid = store.scalar("SELECT p.id FROM projects p JOIN entities e ON e.id = p.entity_id"
                       " WHERE e.name = 'vision-lab' AND p.name = 'imagenet-classification'")
    failed = store.scalar("SELECT COUNT(*) FROM runs WHERE project_id = ? AND state = 'failed'", (pid,))
    assert failed > 0 and len(api.runs(path, filters={"state": "failed"})) == failed
    vit = api.runs(path, filters={"config.arch": "vit-b16", "jobType": "train"})
    assert len(vit) > 10 and all(r.config["arch"] == "vit-b16" for r in vit)
    best = [r.summary.get("best_val_accuracy") for r in api.runs(
        path, filters={"jobType": "train"}, order="-summary_metrics.best_val_accuracy", per_page=500)]
    ranked = [b for b in best if isinstance(b, float)]
    assert ranked == sorted(ranked, reverse=True) and 0.75 < ranked[0] < 0.85


def test_a_diverged_run_logs_nan(store):
    rows = store.query("SELECT id, summary FROM runs WHERE summary LIKE '%\"loss\": \"NaN\"%'")
    assert rows, "the learning-rate range test has a run that diverges"
    data = store.scalar("SELECT data FROM history WHERE run_id = ? ORDER BY step DESC LIMIT 1", (rows[0]["id"],))
    assert math.isnan(json.loads(data)["loss"])


# --------------------------------------------------------------------------- the live runs
def test_live_runs_advance_while_served_and_stop_when_told(demo_copy, wandb_dirs):
    import wandb

    with SandboxServer(demo_copy) as server:
        store = server.store
        ids = live_ids(store)
        start = {i: store.one("SELECT * FROM runs WHERE id = ?", (i,)) for i in ids}
        stop = demo.populate(server.sandbox)
        deadline = time.time() + 20
        while time.time() < deadline and not all(
                store.scalar("SELECT history_line_count FROM runs WHERE id = ?", (i,))
                >= start[i]["history_line_count"] + 3 for i in ids):
            time.sleep(0.2)
        api = wandb.Api(api_key=server.api_key, overrides={"base_url": server.url})
        name = store.one("SELECT r.name, p.name AS project, e.name AS entity FROM runs r JOIN projects p"
                         " ON p.id = r.project_id JOIN entities e ON e.id = p.entity_id WHERE r.id = ?", (ids[0],))
        run = api.run(f"{name['entity']}/{name['project']}/{name['name']}")
        assert run.state == "running" and run.lastHistoryStep >= start[ids[0]]["history_line_count"] + 2
        rows = list(run.scan_history(min_step=start[ids[0]]["history_line_count"]))
        assert rows and all(r["_step"] == start[ids[0]]["history_line_count"] + k for k, r in enumerate(rows))
        assert run.summary["_step"] >= rows[-1]["_step"]
        began = time.perf_counter()
        stop()
        assert time.perf_counter() - began < 3
        frozen = [store.one("SELECT history_line_count, log_line_count, events_line_count, heartbeat_at"
                            " FROM runs WHERE id = ?", (i,)) for i in ids]
        time.sleep(2.5)
        assert frozen == [store.one("SELECT history_line_count, log_line_count, events_line_count, heartbeat_at"
                                    " FROM runs WHERE id = ?", (i,)) for i in ids]


def test_sandbox_cli_with_the_demo_serves_live_runs_and_exits_promptly(demo_copy):
    proc = subprocess.Popen([sys.executable, "-m", "wbtui.cli", "sandbox", "--demo", "--port", "0",
                             "--data-dir", str(demo_copy)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "serving" in proc.stdout.readline()
        time.sleep(2.5)
    finally:
        proc.send_signal(signal.SIGINT)
        asked = time.perf_counter()
        _, stderr = proc.communicate(timeout=20)
    assert time.perf_counter() - asked < 10
    # uvicorn shuts down gracefully, then exits by the signal it caught
    assert proc.returncode in (0, -signal.SIGINT), stderr
    assert "live demo run" not in stderr
    con = sqlite3.connect(demo_copy / "sandbox.db")
    steps = con.execute("SELECT history_line_count FROM runs WHERE state = 'running'").fetchall()
    assert steps and all(n > live.PREFILL for (n,) in steps)


# --------------------------------------------------------------------------- --scale
def test_scale_adds_a_project_of_n_runs_once(demo_copy):
    sandbox = Sandbox.open(demo_copy)
    try:
        demo.build(sandbox, scale=250)
        demo.build(sandbox, scale=250)
        store = sandbox.store
        pid = store.scalar("SELECT id FROM projects WHERE name = ?", (scale.project_name(250),))
        runs = store.query("SELECT * FROM runs WHERE project_id = ?", (pid,))
        assert len(runs) == 250 and len({r["name"] for r in runs}) == 250
        assert {r["history_line_count"] for r in runs} == {scale.STEPS}
        assert len({r["state"] for r in runs}) >= 3 and len({r["user_id"] for r in runs}) >= 5
        configs = [{k: v["value"] for k, v in json.loads(r["config"]).items() if k != "_wandb"} for r in runs]
        assert len({c["lr"] for c in configs}) > 50 and all("model" in c for c in configs)
        assert all("loss" in json.loads(r["summary"]) for r in runs)
        assert store.scalar("SELECT COUNT(*) FROM run_files WHERE run_id IN (SELECT id FROM runs WHERE"
                            " project_id = ?)", (pid,)) == 0
    finally:
        sandbox.store.close()


# --------------------------------------------------------------------------- the other demo modules
def needs(module: str) -> None:
    if demo.domain_module(module) is None:
        pytest.skip(f"wbtui/sandbox/demo/{module}.py has not landed yet")


def test_demo_artifacts(api):
    needs("artifacts")
    types, aliases, lineage = set(), set(), 0
    for path in ("vision-lab/imagenet-classification", "nlp-research/llm-finetune"):
        for atype in api.artifact_types(path):
            types.add(atype.name)
            for collection in atype.collections():
                versions = list(api.artifacts(atype.name, f"{path}/{collection.name}"))
                assert versions
                for artifact in versions:
                    aliases.update(artifact.aliases)
                    lineage += artifact.logged_by() is not None
    assert {"dataset", "model", "job"} <= types
    assert {"latest", "best", "production"} <= aliases
    assert lineage > 0


def test_demo_sweeps(api, store):
    needs("sweeps")
    sweeps = store.query("SELECT s.*, COUNT(r.id) AS runs FROM sweeps s JOIN runs r ON r.sweep_id = s.id"
                         " GROUP BY s.id")
    assert len(sweeps) >= 2 and all(s["runs"] >= 2 for s in sweeps)


def test_demo_launch_queues(store):
    needs("launch")
    queues = store.query("SELECT q.id, COUNT(i.id) AS items, COUNT(DISTINCT i.state) AS states FROM run_queues q"
                         " JOIN run_queue_items i ON i.run_queue_id = q.id GROUP BY q.id")
    assert len(queues) >= 2 and max(q["states"] for q in queues) >= 2


def test_demo_reports(api):
    needs("reports")
    reports = [r for plan in PROJECTS for r in api.reports(plan.path)]
    assert len(reports) >= 2
