"""Listing and changing runs through the official wandb.Api: filters, orders, pages, counts,
create_run, run.update(), update_state, delete."""

from __future__ import annotations

import json

import pytest
import wandb

from wbtui.sandbox import runs
from wbtui.sandbox.accounts import Viewer

N = 25


@pytest.fixture
def seeded(sandbox, project_name):
    """N runs written the way upsertBucket writes them; -> [(name, lr, loss, state, tags)]."""
    viewer = Viewer(sandbox.store.one("SELECT * FROM users WHERE username = 'admin'"), admin_mode=True)
    made = []
    for i in range(N):
        lr, loss = [0.1, 0.01, 0.001, 0.0001][i % 4], round(1.0 / (i + 2), 6)
        state, tags = ("finished", "failed", "running")[i % 3], ["even" if i % 2 == 0 else "odd"]
        runs.upsert(sandbox.store, viewer, {
            "entity_name": "admin", "model_name": project_name, "name": f"run{i:02d}", "state": state,
            "config": json.dumps({"lr": {"value": lr, "desc": None}, "i": {"value": i, "desc": None}}),
            "summary_metrics": json.dumps({"loss": loss}), "tags": tags})
        made.append((f"run{i:02d}", lr, loss, state, tags))
    return made


def test_filters_and_order_match_a_plain_evaluation(api, project_name, seeded):
    found = api.runs(f"admin/{project_name}", filters={"config.lr": {"$gt": 0.001}, "state": "finished"},
                     order="-summary_metrics.loss", per_page=3)
    expected = sorted((r for r in seeded if r[1] > 0.001 and r[3] == "finished"), key=lambda r: -r[2])
    assert [r.id for r in found] == [r[0] for r in expected]
    assert len(found) == len(expected)  # runCount(filters) agrees with the list


def test_pages_follow_cursors_to_the_last_run(api, project_name, seeded):
    found = api.runs(f"admin/{project_name}", order="+config.i.value", per_page=7)
    assert [r.id for r in found] == [r[0] for r in seeded]
    assert len(found) == N


def test_tags_filter_and_full_runs(api, project_name, seeded):
    odd = api.runs(f"admin/{project_name}", filters={"tags": "odd"}, order="-created_at", lazy=False)
    assert sorted(r.id for r in odd) == [r[0] for r in seeded if r[4] == ["odd"]]
    first = next(iter(odd))
    assert first.config["lr"] in (0.1, 0.01, 0.001, 0.0001) and "loss" in first.summary


def test_an_invalid_filter_is_a_clear_error(api, project_name, seeded):
    with pytest.raises(Exception, match="invalid filters"):
        list(api.runs(f"admin/{project_name}", filters={"config.lr": {"$bogus": 1}}))


def test_create_run_and_update_it_like_the_sdk(api, project_name):
    run = api.create_run(run_id="upd1", project=project_name, entity="admin")
    assert run.state == "running"
    run = api.run(f"admin/{project_name}/upd1")
    run.summary["extra"] = 1
    run.config["newcfg"] = 2
    run.tags.append("x")
    run.notes = "edited"
    run.update()
    api.flush()
    again = api.run(f"admin/{project_name}/upd1")
    assert again.summary["extra"] == 1
    assert again.config == {"newcfg": 2}
    assert again.tags == ["x"]
    assert again.notes == "edited"


def test_update_state_follows_the_allowed_transitions(api, project_name):
    api.create_run(run_id="st1", project=project_name, entity="admin")
    run = api.run(f"admin/{project_name}/st1")
    assert run.update_state("failed") is True
    with pytest.raises(Exception, match="cannot change run state from failed to failed"):
        run.update_state("failed")
    assert run.update_state("pending") is True
    api.flush()
    assert api.run(f"admin/{project_name}/st1").state == "pending"


def test_delete_removes_the_run(api, project_name):
    api.create_run(run_id="del1", project=project_name, entity="admin")
    api.run(f"admin/{project_name}/del1").delete()
    api.flush()
    with pytest.raises(wandb.errors.CommError, match="Could not find run"):
        api.run(f"admin/{project_name}/del1")
