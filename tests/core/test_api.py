"""The core's own behaviour against the sandbox: paging by cursor, caching and flush, lazy
fields, defaults, credentials, chart data in one round trip, and the key-completion helper."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from wbtui.core import Api, AuthenticationError, NotFoundError, NotLoadedError

Seeded = Any  # the `seeded` fixture of conftest.py


async def test_pages_by_cursor_without_rereading(api: Api, seeded: Seeded) -> None:
    everything = [r.id async for r in api.runs(seeded.path, per_page=100)]
    runs = api.runs(seeded.path, per_page=3)
    start = api.round_trips
    page = await runs.first_page()
    assert page.start is None and len(page.items) == 3 and page.has_next
    assert page.total == len(everything) and runs.total == len(everything)
    ids = [r.id for r in page.items]
    while page.has_next:
        page = await runs.page(page.cursor)
        ids += [r.id for r in page.items]
    assert ids == everything
    pages = -(-len(everything) // 3)
    assert api.round_trips - start == pages  # one request per page, never an earlier page again
    again = await runs.page(None)
    assert [r.id for r in again.items] == everything[:3] and api.round_trips - start == pages
    assert [r.id async for r in runs] == everything and api.round_trips - start == pages


async def test_resume_from_a_cursor(api: Api, seeded: Seeded) -> None:
    first = await api.runs(seeded.path, per_page=4).first_page()
    rest = [r.id async for r in api.runs(seeded.path, per_page=4, start=first.cursor)]
    everything = [r.id async for r in api.runs(seeded.path, per_page=50)]
    assert [r.id for r in first.items] + rest == everything


async def test_concurrent_requests_for_a_page_share_one_round_trip(api: Api, seeded: Seeded) -> None:
    runs = api.runs(seeded.path, per_page=5)
    start = api.round_trips
    pages = await asyncio.gather(*(runs.first_page() for _ in range(5)))
    assert api.round_trips - start == 1 and all(p is pages[0] for p in pages)


async def test_objects_are_cached_until_flush(api: Api, seeded: Seeded) -> None:
    start = api.round_trips
    run = await api.run(f"{seeded.path}/prt00001")
    assert await api.run(f"{seeded.path}/prt00001") is run
    assert api.runs(seeded.path) is api.runs(seeded.path)
    viewer_and_run = api.round_trips - start
    api.flush()
    fresh = await api.run(f"{seeded.path}/prt00001")
    assert fresh is not run and fresh.id == run.id
    assert api.round_trips - start == viewer_and_run + 1


async def test_flush_drops_pages_of_a_paginator_held_by_the_caller(api: Api, seeded: Seeded) -> None:
    runs = api.runs(seeded.path, per_page=50)
    await runs.first_page()
    start = api.round_trips
    api.flush()
    await runs.first_page()
    assert api.round_trips - start == 1


async def test_light_lists_and_loading_details(api: Api, seeded: Seeded) -> None:
    run = (await api.runs(seeded.path, per_page=2).first_page()).items[0]
    with pytest.raises(NotLoadedError, match="config"):
        run.config
    assert getattr(run, "summary", None) is None  # an AttributeError, so getattr defaults work
    await run.load()
    assert run.config["seed"] == 0 and "best_acc" in run.summary


async def test_in_process_and_over_the_port(any_api: Api, seeded: Seeded) -> None:
    runs = await any_api.runs(seeded.path, {"state": "failed"}).list()
    assert sorted(r.id for r in runs) == ["prt00005", "prt00009"]
    run = await any_api.run(f"{seeded.path}/prt00000")
    file = await run.file("notes.txt")
    assert file.size == len("hello from run 0\n")


async def test_defaults_from_viewer_and_overrides(seeded: Seeded) -> None:
    async with Api(api_key=seeded.key, overrides={"base_url": seeded.url}) as api:
        assert await api.default_entity() == seeded.entity
        run = await api.run(f"{seeded.data['project']}/prt00002")  # project/run_id: viewer's entity
        assert run.entity == seeded.entity
    overrides = {"base_url": seeded.url, "entity": seeded.entity, "project": seeded.data["project"]}
    async with Api(overrides, api_key=seeded.key) as api:
        assert (await api.run("prt00002")).id == "prt00002"
        assert await api.runs().count() == await api.runs(seeded.path).count()


async def test_wrong_key_is_an_authentication_error(seeded: Seeded) -> None:
    async with Api(api_key="local-wrong", overrides={"base_url": seeded.url}) as api:
        with pytest.raises(AuthenticationError) as caught:
            await api.viewer()
    assert "local-wrong" not in str(caught.value) and "local-wrong" not in repr(caught.value)


def test_no_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in ("WANDB_API_KEY", "WANDB_BASE_URL", "WANDB_CONFIG_DIR", "NETRC"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(AuthenticationError, match="wandb login"):
        Api()


async def test_missing_objects(api: Api, seeded: Seeded) -> None:
    with pytest.raises(NotFoundError):
        await api.runs(f"{seeded.entity}/no-such-project").first_page()
    with pytest.raises(NotFoundError):
        await api.sweep(f"{seeded.path}/nosweep")
    assert not await api.artifact_exists(f"{seeded.path}/no-such-artifact:v0")


async def test_chart_data_of_many_runs_in_one_round_trip(api: Api, seeded: Seeded) -> None:
    runs = await api.runs(seeded.path, {"name": {"$regex": "^prt"}}).list()
    start = api.round_trips
    data = await api.sampled_histories(runs, ["loss", "acc", "val_loss"], samples=20)
    assert api.round_trips - start == 1
    assert set(data) == {f"{seeded.path}/{r.id}" for r in runs}
    for run in runs[:3]:
        for key in ("loss", "val_loss"):
            assert data[f"{seeded.path}/{run.id}"][key] == await run.history(keys=[key], samples=20)


async def test_project_keys_for_completion(api: Api, seeded: Seeded) -> None:
    keys = await api.project_keys(seeded.path)
    assert {"lr", "bs", "optimizer", "arch", "seed"} <= set(keys["config"])
    assert {"best_acc", "loss", "acc", "nested.a", "nested.b.c"} <= set(keys["summary"])
    assert not any(k.startswith("_") for k in keys["summary"])


async def test_history_argument_errors(api: Api, seeded: Seeded) -> None:
    run = await api.run(f"{seeded.path}/prt00000")
    start = api.round_trips
    with pytest.raises(ValueError):
        await run.history(keys="loss")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        await run.history(keys=["loss"], stream="system")
    with pytest.raises(ValueError):
        [r async for r in run.scan_history(keys=[1])]  # type: ignore[list-item]
    assert api.round_trips == start


async def test_scan_history_can_stop_early(api: Api, seeded: Seeded) -> None:
    run = await api.run(f"{seeded.path}/longrun1")
    rows = []
    async for row in run.scan_history(page_size=100):
        rows.append(row)
        if len(rows) == 150:
            break
    assert [r["_step"] for r in rows] == list(range(150))
