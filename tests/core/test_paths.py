"""Path parsing matches wandb.Api's, and URLs of objects match the SDK's."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from wbtui.core import paths

RUN_PATHS = [
    "e/p/r", "e/p/runs/r", "/e/p/runs/r/", "e/p:r", "p/r", "p:r", "r", " e / p / r ",
    "runs/r", "e/p/sweeps/s", "a/b/c/d",
]


def resolved(path: str, entity: str | None, project: str | None, default: str) -> tuple | None:
    """What the Api makes of a run path with these settings; None where wandb raises ValueError."""
    try:
        parsed = paths.split_run_path(path)
    except ValueError:
        return None
    filled = (parsed.entity or entity or default, parsed.project or project, parsed.id)
    return filled if all(filled) else None


@pytest.mark.parametrize("path", RUN_PATHS)
@pytest.mark.parametrize(("entity", "project"), [("E", "P"), (None, "P"), (None, None)])
def test_run_paths_like_wandb(path: str, entity: str | None, project: str | None) -> None:
    wandb_api = pytest.importorskip("wandb.apis.public.api")
    fake = SimpleNamespace(settings={"entity": entity, "project": project}, default_entity="D")
    try:
        expected = tuple(wandb_api.Api._parse_path(fake, path))
    except ValueError:
        expected = None
    assert resolved(path, entity, project, "D") == expected


@pytest.mark.parametrize(
    "path", ["c", "c:v1", "p/c:latest", "e/p/c:v0", "e/p/c:alias/with/slash", "c:"]
)
def test_artifact_paths_like_wandb(path: str) -> None:
    validators = pytest.importorskip("wandb.sdk.artifacts._validators")
    parsed = validators.ArtifactPath.from_str(path)
    assert paths.split_artifact_path(path) == (parsed.prefix, parsed.project, parsed.name)


def test_artifact_path_with_too_many_parts() -> None:
    with pytest.raises(ValueError):
        paths.split_artifact_path("a/b/c/d:v0")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("proj", ("project", None, "proj", None)),
        ("ent/proj", ("project", "ent", "proj", None)),
        ("ent/proj/abc", ("run", "ent", "proj", "abc")),
        ("ent/proj/runs/abc", ("run", "ent", "proj", "abc")),
        ("ent/proj/sweeps/sw1", ("sweep", "ent", "proj", "sw1")),
        ("ent/proj/reports/My-Report--Vmlldzox", ("report", "ent", "proj", "Vmlldzox")),
        ("ent/proj/reports/Vmlldzox", ("report", "ent", "proj", "Vmlldzox")),
        ("https://wandb.ai/ent/proj/runs/abc?workspace=user-x", ("run", "ent", "proj", "abc")),
        ("https://forge.coreweave.com/wandb/ent/proj/runs/abc", ("run", "ent", "proj", "abc")),
        ("http://127.0.0.1:8080/ent/proj/workspace", ("project", "ent", "proj", None)),
        ("https://wandb.ai/ent/proj/sweeps/sw1/overview", ("sweep", "ent", "proj", "sw1")),
        ("https://wandb.ai/ent/proj/artifacts/dataset/mnist/v3", ("artifact", "ent", "proj", "mnist:v3")),
    ],
)
def test_from_path_kinds(path: str, expected: tuple) -> None:
    where = paths.parse_object_path(path)
    assert (where.kind, where.entity, where.project, where.name) == expected


def test_report_slug_title_and_padding() -> None:
    where = paths.parse_object_path("e/p/reports/My-first-report--Vmlldzo1")
    assert where.title == "My first report"
    assert paths.report_id_from_slug("Vmlldzo1") == "Vmlldzo1"
    assert paths.report_id_from_slug("Vmlldzox") == "Vmlldzox"
    assert paths.report_id_from_slug("VmlldzoxMg") == "VmlldzoxMg=="


@pytest.mark.parametrize("bad", ["e/p/x/y/z", "e/p/reports/bad-name", "e/p/unknown/x"])
def test_invalid_from_paths(bad: str) -> None:
    with pytest.raises(ValueError):
        paths.parse_object_path(bad)


def test_project_paths_like_wandb() -> None:
    assert paths.split_project_path(None) == (None, None)
    assert paths.split_project_path("p") == (None, "p")
    assert paths.split_project_path("e/p") == ("e", "p")


def test_urls() -> None:
    app = "https://wandb.ai/"
    assert paths.run_url(app, "e", "p", "r 1") == "https://wandb.ai/e/p/runs/r%201"
    assert paths.project_url(app, "e", "p") == "https://wandb.ai/e/p/workspace"
    assert paths.sweep_url(app, "e", "p", "s") == "https://wandb.ai/e/p/sweeps/s"
    assert paths.report_url(app, "e", "p", "My report!", "Vmlldzox==") == "https://wandb.ai/e/p/reports/My-report--Vmlldzox"
    assert paths.artifact_url(app, "e", "p", "model", "m", "v2") == "https://wandb.ai/e/p/artifacts/model/m/v2"
