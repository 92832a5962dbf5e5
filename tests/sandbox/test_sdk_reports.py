"""Reports through wandb-workspaces and the official SDK: Report(...).save(), Report.from_url,
api.reports (with name=), api.from_path for a report path, re-save, drafts, delete, visibility."""

from __future__ import annotations

import base64
import json
import re
import secrets

import httpx
import pytest
import wandb_workspaces.reports.v2 as wr


@pytest.fixture
def ws_env(sandbox, monkeypatch):
    """wandb-workspaces makes its own `wandb.Api()` from the environment on every call."""
    monkeypatch.setenv("WANDB_BASE_URL", sandbox.url)
    monkeypatch.setenv("WANDB_API_KEY", sandbox.api_key)


def blocks(entity: str, project: str) -> list:
    return [
        wr.H1("Learning-rate study"), wr.H2("Setup"),
        wr.P("ResNet-18 on CIFAR-10, five learning rates."),
        wr.MarkdownBlock("**Result:** 0.1 wins; 3.0 *diverges*.\n\n- cosine schedule\n- 30 epochs"),
        wr.CodeBlock(code=["for lr in (0.01, 0.1, 1.0):", "    train(lr=lr)"], language="python"),
        wr.PanelGrid(panels=[wr.LinePlot(title="Loss", x="Step", y=["loss", "val_loss"]),
                             wr.LinePlot(title="Accuracy", x="Step", y=["val_accuracy"])],
                     runsets=[wr.Runset(entity=entity, project=project, name="All runs")]),
    ]


def spec_of(report: wr.Report) -> dict:
    """The spec wandb-workspaces writes for a report (what save() sends)."""
    return json.loads(report._to_model().spec.model_dump_json(by_alias=True, exclude_none=True))


@pytest.fixture
def saved(api, project_name, ws_env):
    api.create_run(run_id="r1", project=project_name, entity="admin")
    report = wr.Report(project=project_name, entity="admin", title="LR study: part 1", description="What we learned",
                       blocks=blocks("admin", project_name))
    return report.save()


def test_a_saved_report_loads_back_equal(saved, project_name):
    assert base64.b64decode(saved.id).decode().startswith("View:")
    loaded = wr.Report.from_url(saved.url)
    assert (loaded.title, loaded.description, loaded.entity, loaded.project) == (
        "LR study: part 1", "What we learned", "admin", project_name)
    assert [type(b).__name__ for b in loaded.blocks] == ["H1", "H2", "P", "MarkdownBlock", "CodeBlock", "PanelGrid"]
    assert spec_of(loaded) == spec_of(saved)  # every block, panel and runset setting round-trips
    grid = loaded.blocks[5]
    assert [p.title for p in grid.panels] == ["Loss", "Accuracy"]
    assert grid.runsets[0].name == "All runs" and grid.runsets[0].project == project_name


def test_api_reports_lists_them_with_their_fields(api_as, sandbox, saved, project_name):
    api = api_as(sandbox.api_key)  # a fresh Api: wandb.Api caches api.reports() per path
    reports = list(api.reports(f"admin/{project_name}"))
    assert len(reports) == 1
    report = reports[0]
    assert (report.id, report.display_name, report.description) == (saved.id, "LR study: part 1", "What we learned")
    assert report.user == {"username": "admin", "photoUrl": None, "email": "admin@localhost"}
    assert report.spec == spec_of(saved)
    # the name is the slug wandb-workspaces made up (base 36, up to 12 characters), kept as sent
    assert re.fullmatch(r"[0-9a-z]{1,12}", report.name) and report.created_at <= report.updated_at
    assert report.url.endswith(f"/admin/{project_name}/reports/LR-study-part-1--{saved.id.rstrip('=')}")
    assert [r.id for r in api.reports(f"admin/{project_name}", name=report.name)] == [saved.id]
    assert list(api.reports(f"admin/{project_name}", name="no-such-name")) == []
    with pytest.raises(ValueError, match="does not exist"):
        list(api.reports("admin/no-project-" + secrets.token_hex(3)))


def test_from_path_and_from_url_accept_ids_without_padding(api, saved, project_name):
    path = f"admin/{project_name}/reports/LR-study-part-1--{saved.id.rstrip('=')}"
    report = api.from_path(path)  # sends nothing: a lazy BetaReport
    assert (report.id, report.display_name) == (saved.id.rstrip("="), "LR study part 1")
    assert wr.Report.from_url(report.url).title == "LR study: part 1"


def test_resaving_updates_in_place_and_drafts_are_not_listed(api_as, sandbox, saved, project_name):
    saved.title = "LR study (final)"
    saved.blocks = saved.blocks + [wr.P("Appendix.")]
    saved.save()
    reports = list(api_as(sandbox.api_key).reports(f"admin/{project_name}"))
    assert [(r.id, r.display_name) for r in reports] == [(saved.id, "LR study (final)")]
    assert reports[0].spec["blocks"][-2] == {"type": "paragraph", "children": [{"text": "Appendix."}]}
    draft = wr.Report(project=project_name, entity="admin", title="Draft", blocks=[wr.P("wip")]).save(draft=True)
    assert [r.id for r in api_as(sandbox.api_key).reports(f"admin/{project_name}")] == [saved.id]
    assert wr.Report.from_url(draft.url).title == "Draft"
    assert saved.delete() is True
    assert list(api_as(sandbox.api_key).reports(f"admin/{project_name}")) == []


def test_saving_into_a_new_project_creates_it(api, project_name, ws_env):
    wr.Report(project=project_name, entity="admin", title="First", blocks=[wr.H1("hello")]).save()
    assert api.project(project_name, "admin").name == project_name


def test_reports_of_a_private_team_project_are_invisible_to_outsiders(api, api_as, sandbox, make_user, project_name,
                                                                      ws_env):
    team = "team-" + secrets.token_hex(3)
    api.create_team(team, admin_username="admin")
    api.create_project(project_name, team)
    report = wr.Report(project=project_name, entity=team, title="Secret", blocks=[wr.P("x")]).save()
    assert [r.display_name for r in api_as(sandbox.api_key).reports(f"{team}/{project_name}")] == ["Secret"]
    _, key = make_user()
    with pytest.raises(ValueError, match="does not exist"):
        list(api_as(key).reports(f"{team}/{project_name}"))
    answer = httpx.post(f"{sandbox.url}/graphql", auth=("api", key), json={
        "query": "query($id: ID!) { view(id: $id) { id displayName } }", "variables": {"id": report.id}}).json()
    assert answer == {"data": {"view": None}}
    refused = httpx.post(f"{sandbox.url}/graphql", auth=("api", key), json={
        "query": 'mutation($id: ID) { upsertView(input: {id: $id, spec: "{}", displayName: "pwned"}) { inserted } }',
        "variables": {"id": report.id}}).json()
    assert refused["errors"][0]["message"] == "report not found"


def test_an_invalid_spec_is_refused(sandbox, api, project_name):
    api.create_project(project_name, "admin")
    answer = httpx.post(f"{sandbox.url}/graphql", auth=("api", sandbox.api_key), json={
        "query": 'mutation($p: String) { upsertView(input: {entityName: "admin", projectName: $p, type: "runs",'
                 ' spec: "[1, 2"}) { inserted } }', "variables": {"p": project_name}}).json()
    assert answer["errors"][0]["message"] == "spec is not valid JSON"
