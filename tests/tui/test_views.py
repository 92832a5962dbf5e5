"""Pilot tests: each view of artifacts, launch queues, reports, sweeps, jobs, teams and users,
walked by key against the sandbox at 80x24, asserting on what the screen shows."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from textual.widgets import Input

from wbtui.core import Api
from wbtui.tui.refs import Kind, Ref
from wbtui.tui.views.artifact import ArtifactView
from wbtui.tui.views.base import View
from wbtui.tui.widgets.paged_table import PagedTable

from tui_helpers import TuiSeed, open_ref, ref, screen_text, settle, toasts_text, widget_lines

SIZE = (80, 24)


def view_of(app) -> View:
    view = app.screen.view
    assert view is not None
    return view


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*text)


def lines(app) -> list[str]:
    return screen_text(app).splitlines()


async def requests_to_open(pilot, target: Ref) -> int:
    """Open a view as `open_ref` does; -> the requests it sent until everything was shown."""
    await settle(pilot)
    start = pilot.app.api.round_trips
    await open_ref(pilot, target)
    return pilot.app.api.round_trips - start


async def requests_to_press(pilot, *keys: str) -> int:
    start = pilot.app.api.round_trips
    await press(pilot, *keys)
    return pilot.app.api.round_trips - start


# -- artifacts --------------------------------------------------------------------------------

async def test_artifacts_walk_from_types_to_a_version_and_between_versions(tui_seed: TuiSeed):
    tui_seed.need("artifacts")
    app = tui_seed.app()
    async with app.run_test(size=SIZE) as pilot:
        assert await requests_to_open(pilot, ref(Kind.ARTIFACTS, tui_seed)) == 1  # the counts come with the list
        text = screen_text(app)
        assert "Artifacts · " in text and "dataset" in text and "model" in text
        row = next(line for line in lines(app) if line.strip().startswith("dataset"))
        assert row.split()[1] == "1"  # one collection

        assert app.screen.query_one(PagedTable).move_to_key("dataset")
        assert await requests_to_press(pilot, "enter") == 1  # the dataset type: its collections, counted
        text = screen_text(app)
        assert "Artifact type dataset" in text
        row = next(line for line in lines(app) if "dataset-a" in line)
        assert row.split()[1] == "2" and "best" in row and "production" in row  # versions, aliases

        # the collection: its versions, newest first, with who logged them; and the collection
        assert await requests_to_press(pilot, "enter") == 2
        text = screen_text(app)
        assert "Collection dataset-a (dataset)" in text
        v1, v0 = (next(line for line in lines(app) if line.strip().startswith(v)) for v in ("v1", "v0"))
        assert "production" in v1 and "logger two" in v1 and "best" in v0 and "logger one" in v0

        await press(pilot, "enter")  # v1
        assert isinstance(view_of(app), ArtifactView) and view_of(app).ref.name == "dataset-a:v1"
        assert "Version      v1 (2 of 2; [ and ] move)" in screen_text(app)
        await press(pilot, "left_square_bracket")  # the older version
        assert view_of(app).ref.name == "dataset-a:v0"
        text = screen_text(app)
        assert f"Description  first {tui_seed.markup}" in text  # literally: markup never styles
        assert "Logged by    logger one (artlog01)" in text
        await press(pilot, "left_square_bracket")
        assert view_of(app).ref.name == "dataset-a:v0"  # the oldest: it stays, and says so
        await press(pilot, "right_square_bracket")
        assert view_of(app).ref.name == "dataset-a:v1"
        await press(pilot, "escape")  # back through the history
        assert view_of(app).ref.name == "dataset-a:v0"
        await press(pilot, "escape")
        assert view_of(app).ref.name == "dataset-a:v1"


async def test_artifact_metadata_lineage_and_versions_tabs(tui_seed: TuiSeed):
    tui_seed.need("artifacts")
    app = tui_seed.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_ref(pilot, ref(Kind.ARTIFACT, tui_seed, "dataset-a:v0", "dataset"))
        await press(pilot, "2")
        text = screen_text(app)
        assert "rows = 2" in text and f"name = {tui_seed.markup}" in text

        await press(pilot, "4")
        text = screen_text(app)
        assert "2 runs · logged by a run, used by 1 run · Enter opens a run" in text
        assert "logged by  logger one (artlog01)" in text and "used by    user of v0 (artuse01)" in text
        await press(pilot, "down", "enter")  # the run that used it (a number key focuses its tab)
        assert view_of(app).ref == Ref(Kind.RUN, tui_seed.entity, tui_seed.project, "artuse01", label="user of v0")

        await press(pilot, "escape", "5")
        assert "2 versions · Enter opens one" in screen_text(app)
        table = app.screen.query_one("#versions-table", PagedTable)
        assert table.current_row is not None and table.current_row.key == "v0"  # the cursor starts on this one
        await press(pilot, "up", "enter")
        assert view_of(app).ref.name == "dataset-a:v1"


async def test_artifact_files_download_one_and_all(tui_seed: TuiSeed, tmp_path: Path):
    tui_seed.need("artifacts")
    app = tui_seed.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_ref(pilot, ref(Kind.ARTIFACT, tui_seed, "dataset-a:v0", "dataset"))
        await press(pilot, "3")
        text = screen_text(app)
        assert "2 files · Enter or d downloads" in text and "sub/[b]bold.txt" in text and "train.csv" in text

        table = app.screen.query_one("FilesPane PagedTable", PagedTable)
        assert table.has_focus
        for name, content in (("train.csv", "a,b\n1,2\n"), ("sub/[b]bold.txt", "markup in a file name\n")):
            assert table.move_to_key(name)
            await press(pilot, "d")
            app.screen.query_one("Input").value = str(tmp_path / "one")
            await press(pilot, "enter")
            assert (tmp_path / "one" / name).read_text() == content
        await pilot.pause(0.3)  # the notification is drawn after the download's worker ends
        saved = f"Saved {tmp_path / 'one' / 'sub' / '[b]bold.txt'}".replace(" ", "")
        assert saved in toasts_text(app)  # the name as it is, not made bold

        await press(pilot, "D")
        app.screen.query_one("Input").value = str(tmp_path / "all")
        await press(pilot, "enter")
        assert (tmp_path / "all" / "train.csv").read_text() == "a,b\n1,2\n"
        assert (tmp_path / "all" / "sub" / "[b]bold.txt").read_text() == "markup in a file name\n"


async def test_list_filter_keeps_matching_rows_and_esc_clears_it(tui_seed: TuiSeed):
    tui_seed.need("artifacts")
    app = tui_seed.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_ref(pilot, ref(Kind.ARTIFACTS, tui_seed))
        table = app.screen.query_one(PagedTable)
        before = [row.key for row in table.rows]
        await press(pilot, "slash")
        await type_text(pilot, "mod")
        await settle(pilot)
        assert [row.key for row in table.rows] == ["model"]
        assert "1 of 3 loaded artifact types match 'mod'" in screen_text(app)
        await press(pilot, "enter", "enter")  # keep the filter, then open the row
        assert view_of(app).ref.kind is Kind.ARTIFACT_TYPE and view_of(app).ref.name == "model"
        await press(pilot, "escape")
        await press(pilot, "slash", "escape")  # Esc in the filter clears it and stays in the view
        assert view_of(app).ref.kind is Kind.ARTIFACTS
        assert [row.key for row in app.screen.query_one(PagedTable).rows] == before


# -- launch queues ----------------------------------------------------------------------------

async def test_queues_list_queue_tabs_and_an_item_leading_to_its_run(tui_seed: TuiSeed):
    seed = tui_seed.need("queues")
    queue = seed["queue"]
    app = tui_seed.app()
    async with app.run_test(size=SIZE) as pilot:
        assert await requests_to_open(pilot, Ref(Kind.QUEUES, tui_seed.entity)) == 1  # resources and counts too
        row = next(line for line in lines(app) if line.strip().startswith(queue + " "))
        assert row.split()[1:4] == ["2", "1", "1"]  # items, pending, active
        assert "local-container" in row and "on (V0)" in row
        k8s = next(line for line in lines(app) if line.strip().startswith(f"{queue}-k8s"))
        assert "kubernetes" in k8s and "off" in k8s

        table = app.screen.query_one(PagedTable)
        assert table.move_to_key(queue)
        await press(pilot, "enter")
        text = screen_text(app)
        assert f"Launch queue {queue}" in text and "Resource        local-container" in text
        assert "Prioritization  on (V0)" in text
        assert "cpu       integer  2        1    4" in text  # the template variable's schema

        await press(pilot, "2")
        text = screen_text(app)
        assert "default resource config (YAML) · t: JSON" in text
        assert "- CPU={{cpu}}" in text and f"image: '{tui_seed.markup}'" in text
        await press(pilot, "t")
        assert '"resource_args": {' in screen_text(app)

        await press(pilot, "3")
        text = screen_text(app)
        assert "2 items · 1 claimed, 1 pending · Enter opens one" in text
        assert seed["launched"] in text
        items = app.screen.query_one("#items-table", PagedTable)
        assert items.move_to_key(seed["claimed"])
        assert await requests_to_press(pilot, "enter") == 2  # the item (with its run spec), then its run
        assert view_of(app).ref == Ref(Kind.QUEUED_RUN, tui_seed.entity, name=seed["claimed"], parent=queue,
                                       label=f"item {seed['claimed']}")
        text = screen_text(app)
        assert "State    claimed" in text
        assert f"launched run ({tui_seed.entity}/{tui_seed.project}/{seed['launched']})" in text
        await press(pilot, "enter")
        assert view_of(app).ref.kind is Kind.RUN and view_of(app).ref.name == seed["launched"]
        await press(pilot, "escape", "u")  # back to the item, then up to its queue
        assert view_of(app).ref == Ref(Kind.QUEUE, tui_seed.entity, name=queue)


async def test_a_missing_queue_says_so_and_r_retries(tui_seed: TuiSeed, project_name: str):
    app = tui_seed.app()
    name = f"later-{project_name[-6:]}"
    async with app.run_test(size=SIZE) as pilot:
        await open_ref(pilot, Ref(Kind.QUEUE, tui_seed.entity, name=name))
        text = screen_text(app)
        assert f"⚠ Could not find run queue {tui_seed.entity}/{name} — press r to retry" in text
        assert "Traceback" not in text

        async with Api(api_key=tui_seed.key, overrides={"base_url": tui_seed.url}) as api:
            await api.create_run_queue(name, "local-process", entity=tui_seed.entity)
        await press(pilot, "r")
        text = screen_text(app)
        assert "⚠" not in text and "Resource        local-process" in text


async def test_an_unreachable_server_gives_a_message_not_a_traceback(tui_seed: TuiSeed):
    with socket.socket() as sock:  # a port that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = tui_seed.app(f"http://127.0.0.1:{port}", max_retries=0, timeout=5)
    async with app.run_test(size=SIZE) as pilot:
        for target in (ref(Kind.ARTIFACTS, tui_seed), ref(Kind.SWEEP, tui_seed, "abc"), Ref(Kind.USERS)):
            await open_ref(pilot, target)
            text = screen_text(app)
            assert "⚠ Could not reach" in text and "press r to retry" in text and "Traceback" not in text
            await press(pilot, "r")
            assert "press r to retry" in screen_text(app)


# -- reports ----------------------------------------------------------------------------------

async def test_reports_list_and_a_report_rendered_from_its_spec(tui_seed: TuiSeed):
    seed = tui_seed.need("reports")
    app = tui_seed.app()
    async with app.run_test(size=(120, 50)) as pilot:
        await open_ref(pilot, ref(Kind.REPORTS, tui_seed))
        text = screen_text(app)
        assert f"Findings {tui_seed.markup}" in text and "What we learned" in text
        await press(pilot, "enter")
        assert view_of(app).ref.name == seed["report"]
        text = screen_text(app)
        assert f"Findings {tui_seed.markup}" in text and "What we learned" in text
        assert f"Heading {tui_seed.markup}" in text and f"Some code and {tui_seed.markup} text" in text
        assert "print(1)" in text and "x = [red]2" in text
        assert "Line plot “Loss”: loss, acc (x: _step)" in text
        assert "runset ‘baseline’ (config.lr >= 0.01)" in text
        await press(pilot, "t")  # the table of contents, from the headings
        toc = widget_lines(app, app.screen.query_one("MarkdownTableOfContents"))
        assert any(f"Heading {tui_seed.markup}" in line for line in toc)


# -- sweeps -----------------------------------------------------------------------------------

async def test_sweeps_list_sweep_tabs_and_the_best_run(tui_seed: TuiSeed):
    seed = tui_seed.need("sweeps")
    app = tui_seed.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_ref(pilot, ref(Kind.SWEEPS, tui_seed))
        row = next(line for line in lines(app) if line.strip().startswith(seed["sweep"]))
        assert f"sweep {tui_seed.markup}"[:19] in row and "grid" in row and " 3/3 " in row

        await press(pilot, "enter")
        text = screen_text(app)
        assert f"Sweep       {seed['sweep']}" in text and f"Name        sweep {tui_seed.markup}" in text
        assert "Method      grid" in text and "Metric      loss (minimize)" in text
        assert f"({seed['best_run']}) loss=0.01" in text and "Runs        3 of 3 expected" in text

        await press(pilot, "2")
        assert "goal = minimize" in screen_text(app)
        await press(pilot, "3")
        text = screen_text(app)
        assert "3 runs · sort -created_at · Enter opens a run" in text
        assert len(app.screen.query_one("#sweep-runs", PagedTable).rows) == 3

        await press(pilot, "b")
        assert view_of(app).ref.kind is Kind.RUN and view_of(app).ref.name == seed["best_run"]


async def test_sweep_runs_sort_on_the_server(tui_seed: TuiSeed):
    seed = tui_seed.need("sweeps")
    app = tui_seed.app()
    async with app.run_test(size=(160, 30)) as pilot:
        await open_ref(pilot, ref(Kind.SWEEP, tui_seed, seed["sweep"]))
        await press(pilot, "3")
        table = app.screen.query_one("#sweep-runs", PagedTable)
        table.cursor_column = [c.key for c in table.columns].index("summary:loss")
        await press(pilot, "s", "s")  # descending, then ascending
        assert table.rows[0].key == seed["best_run"]
        assert "sort +summary_metrics.loss" in screen_text(app)


# -- jobs -------------------------------------------------------------------------------------

async def test_jobs_list_and_a_job(tui_seed: TuiSeed):
    seed = tui_seed.need("jobs")
    app = tui_seed.app()
    async with app.run_test(size=SIZE) as pilot:
        assert await requests_to_open(pilot, ref(Kind.JOBS, tui_seed)) == 3  # the list, and the one job's file
        row = next(line for line in lines(app) if seed["job"] in line)
        assert row.split()[1:] == ["1", "latest,", "1.0", "image", "3.11"]

        await press(pilot, "enter")
        text = screen_text(app)
        assert "Source type  image" in text and "Source       myrepo/train:1.0" in text
        assert "Runtime      3.11" in text and "Inputs       lr: number" in text and "Outputs      loss: number" in text
        await press(pilot, "3")
        assert "1 version · Enter shows one" in screen_text(app)
        await press(pilot, "a")
        assert view_of(app).ref == Ref(Kind.ARTIFACT, tui_seed.entity, tui_seed.project, f"{seed['job']}:v0", parent="job")


async def test_the_jobs_list_reads_job_files_only_for_rows_on_screen(tui_seed: TuiSeed, sandbox, project_name: str):
    import json

    from wbtui.sandbox import accounts
    from wbtui.sandbox import artifacts as arts

    store = sandbox.store
    admin = store.one("SELECT * FROM users WHERE username = ?", (tui_seed.entity,))
    project, _ = accounts.upsert_project(store, accounts.Viewer(admin, admin_mode=True), tui_seed.entity, project_name)
    for i in range(40):
        info = {"source_type": "image", "source": {"image": f"img:{i}"}, "runtime": f"3.{i}"}
        arts.log_artifact(store, sandbox.sandbox.storage, project["id"], name=f"job-many_{i:02d}", type="job",
                          files={"wandb-job.json": json.dumps(info).encode()}, user_id=admin["id"])
    app = tui_seed.app()
    async with app.run_test(size=SIZE) as pilot:
        requests = await requests_to_open(pilot, ref(Kind.JOBS, tui_seed, project=project_name))
        table = app.screen.query_one(PagedTable)
        on_screen = len(table.visible_rows)
        assert len(table.rows) == 40 and 10 < on_screen < 40
        # the list, then for each job on screen its version and its file (a line more may be read
        # before the horizontal scroll bar takes it)
        assert 1 + 2 * on_screen <= requests <= 1 + 2 * (on_screen + 1)
        shown = [line.split() for line in lines(app) if "job-many_" in line]
        assert len(shown) == on_screen and all(cells[3:5] == ["image", f"3.{int(cells[0][-2:])}"] for cells in shown)
        assert [cell.text for cell in table.rows[-1].cells[-2:]] == ["…", "…"]  # not read yet

        last = table.rows[-1].key
        assert 0 < await requests_to_press(pilot, "end") <= 2 * on_screen  # the last screenful, read as it shows
        assert last in screen_text(app)
        assert [cell.text for cell in table.rows[-1].cells[-2:]] == ["image", f"3.{int(last[-2:])}"]


# -- teams and users --------------------------------------------------------------------------

async def test_a_team_is_in_the_tree_with_its_members(tui_seed: TuiSeed, sandbox):
    seed = tui_seed.need("team")
    from wbtui.sandbox import accounts

    team = accounts.entity_by_name(sandbox.store, seed["team"])
    member = sandbox.store.one("SELECT * FROM users WHERE username = ?", (seed["member"],))
    accounts.add_member(sandbox.store, team["id"], member["id"])
    app = tui_seed.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one("#nav")
        node = next(n for n in tree.root.children if n.data and n.data.entity == seed["team"])
        node.expand()
        await settle(pilot)
        members = next(n for n in node.children if n.data and n.data.kind is Kind.TEAM)
        tree.move_cursor(members)
        await press(pilot, "enter")
        text = screen_text(app)
        assert f"Team · {seed['team']}" in text and "2 members" in text
        admin = next(line for line in lines(app) if f" {tui_seed.entity} " in line and "admin" in line.split("▕")[-1])
        assert "admin@localhost" in admin
        row = next(line for line in lines(app) if seed["member"] in line.split("▕")[-1])
        assert " member " in row


async def test_user_search_and_opening_a_user(tui_seed: TuiSeed):
    seed = tui_seed.need("team")
    app = tui_seed.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_ref(pilot, Ref(Kind.USERS))
        assert "admin@localhost" in screen_text(app)
        await type_text(pilot, seed["member"])
        await press(pilot, "enter")
        text = screen_text(app)
        assert f"1 user · matching '{seed['member']}'" in text and "admin@localhost" not in text
        await press(pilot, "enter")
        assert view_of(app).ref == Ref(Kind.ENTITY, seed["member"])
        await press(pilot, "escape")
        app.screen.query_one("#user-search").value = "nobody-like-this"
        await press(pilot, "tab", "shift+tab", "enter")
        assert "No user matches 'nobody-like-this'." in screen_text(app)


# -- every view at 80x24 ----------------------------------------------------------------------

FIT = [  # (stage, ref maker, text that must be on screen)
    ("artifacts", lambda s, o: ref(Kind.ARTIFACTS, s), "dataset"),
    ("artifacts", lambda s, o: ref(Kind.ARTIFACT_TYPE, s, "dataset"), "dataset-a"),
    ("artifacts", lambda s, o: ref(Kind.COLLECTION, s, "dataset-a", "dataset"), "v0"),
    ("artifacts", lambda s, o: ref(Kind.ARTIFACT, s, "dataset-a:v0", "dataset"), "Digest"),
    ("queues", lambda s, o: Ref(Kind.QUEUES, s.entity), "local-container"),
    ("queues", lambda s, o: Ref(Kind.QUEUE, s.entity, name=o["queue"]), "Template variables"),
    ("queues", lambda s, o: Ref(Kind.QUEUED_RUN, s.entity, name=o["claimed"], parent=o["queue"]), "Run spec"),
    ("reports", lambda s, o: ref(Kind.REPORTS, s), "Findings"),
    ("reports", lambda s, o: ref(Kind.REPORT, s, o["report"]), "Findings"),
    ("sweeps", lambda s, o: ref(Kind.SWEEPS, s), "grid"),
    ("sweeps", lambda s, o: ref(Kind.SWEEP, s, o["sweep"]), "Best run"),
    ("jobs", lambda s, o: ref(Kind.JOBS, s), "job-myrepo_train"),
    ("jobs", lambda s, o: ref(Kind.JOB, s, o["job"]), "Runtime"),
    ("team", lambda s, o: Ref(Kind.TEAM, o["team"]), "admin@localhost"),
    ("team", lambda s, o: Ref(Kind.USERS), "admin@localhost"),
]


@pytest.mark.parametrize(("stage", "make", "expected"), FIT, ids=[f"{i}-{f[0]}" for i, f in enumerate(FIT)])
async def test_every_view_fits_80x24(tui_seed: TuiSeed, stage, make, expected):
    out = tui_seed.need(stage)
    app = tui_seed.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_ref(pilot, make(tui_seed, out))
        shown = lines(app)
        assert len(shown) == 24 and all(len(line) <= 80 for line in shown)
        view = view_of(app)
        assert view.heading.split(" · ")[0] in shown[1]  # the title, right under the header
        assert any(expected in line for line in shown[2:-1])
        assert "esc Back" in shown[-1]
        if not isinstance(app.focused, Input):  # an input takes the letter keys
            assert "r Refresh" in shown[-1]  # the view's keys are in the footer
        assert not any("⚠" in line for line in shown)
