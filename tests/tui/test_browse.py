"""Pilot tests of the shell and the run screens on the demo workspace (served in process):
the tree, the runs list (paging, server sort, the filter language, columns, marks), a run's
tabs, jumping, help, the palette, the welcome screen, keymaps, NO_COLOR and markup safety."""

from __future__ import annotations

import asyncio
import re
import time

import pytest
from textual.widgets import Input, Log, SelectionList, TabPane

from wbtui.core import Api
from wbtui.tui.refs import Kind, Ref
from wbtui.tui.screens.help import HelpScreen
from wbtui.tui.screens.welcome import WelcomeScreen
from wbtui.tui.views.run import RunView
from wbtui.tui.views.run_panes import ArtifactsPane, ChartsPane, FilesPane, LogsPane
from wbtui.tui.widgets.json_tree import JsonTree
from wbtui.tui.widgets.nav_tree import NavTree
from wbtui.tui.widgets.paged_table import PagedTable

from scenes import BASE_URL, demo_app, keys, settle
from tui_helpers import screen_text

SIZE = (100, 30)
CIFAR = ("admin", "cifar10-resnet")
IMAGENET = ("vision-lab", "imagenet-classification")


@pytest.fixture
def demo(demo_sandbox):
    return demo_sandbox.sandbox


def client(demo) -> Api:
    """The core client on the same in-process sandbox, to compare what the screen shows."""
    import httpx

    from wbtui.sandbox.app import create_app

    return Api(overrides={"base_url": BASE_URL}, api_key=demo.admin_key,
               transport=httpx.ASGITransport(create_app(demo)))


async def open_view(pilot, ref: Ref):
    await settle(pilot)
    pilot.app.screen.open(ref, focus=True)
    await settle(pilot)
    return pilot.app.screen.view


def names(table: PagedTable) -> list[str]:
    return [row.data.display_name for row in table.rows]


async def test_the_tree_shows_entities_then_project_sections_with_counts(demo):
    app = demo_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        for entity in ("admin (you)", "nlp-research", "vision-lab", "Users (admin)"):
            assert entity in text
        await keys(pilot, "down", "enter", "right")
        text = screen_text(app)
        assert "Runs 54" in text and "Artifacts" in text and "Sweeps" in text
        assert app.screen.current == Ref(Kind.PROJECT, *CIFAR)
        assert "ResNet, WRN and ViT-S on CIFAR-10" in text  # the project view beside the tree


async def test_runs_load_page_by_page_in_the_servers_order(demo):
    app = demo_app(demo, runs_page_size=50)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_view(pilot, Ref(Kind.RUNS, *IMAGENET))
        table = view.table
        await keys(pilot, "end")  # walking to the end loads the rest
        async with client(demo) as api:
            expected = [r.display_name async for r in api.runs("/".join(IMAGENET), order="-created_at")]
        assert len(expected) == 85 and names(table) == expected
        assert "85 of 85 runs" in screen_text(app)
        assert not table.has_more


async def test_sorting_a_column_asks_the_server(demo):
    app = demo_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_view(pilot, Ref(Kind.RUNS, *CIFAR))
        await keys(pilot, "s")  # the cursor column is Name: descending first
        assert view.order == "-display_name"
        async with client(demo) as api:
            expected = [r.display_name async for r in api.runs("/".join(CIFAR), order="-display_name")]
        assert names(view.table) == expected
        assert "Name ▼" in screen_text(app)
        await keys(pilot, "s")
        assert view.order == "+display_name" and names(view.table) == expected[::-1]
        await keys(pilot, "right", "right", "right", "right", "right", "s")  # Tags: not sortable
        assert view.order == "+display_name"


async def test_the_filter_language_filters_on_the_server(demo):
    app = demo_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_view(pilot, Ref(Kind.RUNS, *CIFAR))
        await keys(pilot, "slash")
        await pilot.press(*"state:finished accuracy>0.9")
        await keys(pilot, "enter")
        async with client(demo) as api:
            expected = [r.display_name async for r in api.runs(
                "/".join(CIFAR), {"state": "finished", "summary_metrics.accuracy": {"$gt": 0.9}}, "-created_at")]
        assert 0 < len(expected) < 54 and names(view.table) == expected
        assert f"{len(expected)} of {len(expected)} runs" in screen_text(app)
        assert "filter: state:finished accuracy>0.9" in screen_text(app)


async def test_a_bad_filter_points_at_the_problem_and_keeps_the_text(demo):
    app = demo_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_view(pilot, Ref(Kind.RUNS, *CIFAR))
        before = names(view.table)
        await keys(pilot, "slash")
        await pilot.press(*"state:finished (loss<")
        await keys(pilot, "enter")
        bar = view.query_one(Input)
        assert bar.value == "state:finished (loss<" and bar.has_focus
        assert re.search(r"\^ .+", screen_text(app))  # a pointer and the message
        assert names(view.table) == before and view.filters == {}


@pytest.mark.parametrize("size", [(80, 24), SIZE])
async def test_tab_from_the_tree_lands_where_keys_work(demo, size):
    """Tab goes from the tree to the view's table (not to the view around it), so j and k move
    at once; where the tree stays beside the view (100 columns), shift+tab goes back to it."""
    app = demo_app(demo)
    async with app.run_test(size=size) as pilot:
        view = await open_view(pilot, Ref(Kind.RUNS, *CIFAR))
        tree = app.screen.query_one(NavTree)
        tree.focus()
        await keys(pilot, "tab")
        assert view.table.has_focus
        await keys(pilot, "j", "j")
        assert view.table.cursor_row == 2
        await keys(pilot, "shift+tab")
        assert tree.has_focus == (size[0] >= 100)


async def test_tab_completes_keys_from_the_projects_runs(demo):
    app = demo_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_view(pilot, Ref(Kind.RUNS, *CIFAR))
        await keys(pilot, "slash")
        await pilot.press(*"config.opti")
        await keys(pilot, "tab")
        assert view.query_one(Input).value == "config.optimizer"


async def test_a_summary_column_can_be_added_and_removed(demo):
    app = demo_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_view(pilot, Ref(Kind.RUNS, *CIFAR))
        await keys(pilot, "c")
        await pilot.press(*"summary:accuracy")
        await keys(pilot, "enter")
        assert "summary:accuracy" in view.columns
        first = view.table.rows[0].data
        assert first.summary["accuracy"] == pytest.approx(float(view.table.rows[0].cells[-1].text))
        view.table.cursor_column = len(view.columns) - 1
        await keys(pilot, "x")
        assert "summary:accuracy" not in view.columns


async def test_a_run_shows_every_tab(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("WBTUI_DOWNLOADS_DIR", str(tmp_path))
    app = demo_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, Ref(Kind.RUNS, *CIFAR))
        await keys(pilot, "down", "enter")
        view = app.screen.view
        assert isinstance(view, RunView)
        run = view.run
        text = screen_text(app)
        assert run.display_name in text and "State" in text and run.state in text and "Host" in text
        await keys(pilot, "2")
        config = view.query_one("#config-tree", JsonTree)
        assert config.data == run.config
        await keys(pilot, "3")
        assert view.query_one("#summary-tree", JsonTree).data == run.summary
        await keys(pilot, "4")
        metrics = view.query_one(ChartsPane).query_one(SelectionList)
        assert metrics.option_count > 0 and metrics.selected
        await keys(pilot, "5")
        files = view.query_one(FilesPane).query_one(PagedTable)
        assert {"output.log", "wandb-metadata.json"} <= {row.key for row in files.rows}
        await keys(pilot, "6")
        log = view.query_one(LogsPane).query_one(Log)
        assert log.line_count > 0
        await keys(pilot, "7")
        assert view.query_one(ArtifactsPane).query_one(PagedTable).rows


async def test_number_keys_in_the_tree_switch_the_views_tabs(demo):
    app = demo_app(demo)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_view(pilot, Ref(Kind.QUEUE, "admin", name="workstation"))
        app.screen.query_one(NavTree).focus()
        await keys(pilot, "3")
        view = app.screen.view
        assert view.active_tab == "items" and not app.screen.query_one(NavTree).has_focus
        assert view.query_one("#items", TabPane).query_one(PagedTable).rows
        app.screen.query_one(NavTree).focus()
        await keys(pilot, "9")  # beyond the tabs: nothing happens
        assert view.active_tab == "items" and app.screen.query_one(NavTree).has_focus


async def test_a_file_downloads_where_you_say(demo, tmp_path):
    app = demo_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, Ref(Kind.RUNS, *CIFAR))
        await keys(pilot, "down", "enter", "5")
        pane = app.screen.view.query_one(FilesPane)
        table = pane.query_one(PagedTable)
        table.move_to_key("wandb-metadata.json")
        table.focus()
        await keys(pilot, "d")
        prompt = app.screen.query_one(Input)
        prompt.value = str(tmp_path / "here")
        await keys(pilot, "enter")
        saved = tmp_path / "here" / "wandb-metadata.json"
        async with client(demo) as api:
            run = await api.run("/".join(CIFAR) + "/" + app.screen.view.ref.name)
            expected = await (await run.file("wandb-metadata.json")).download(tmp_path / "ref")
        assert saved.read_bytes() == expected.read_bytes()


async def test_marked_runs_are_charted_together(demo):
    app = demo_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_view(pilot, Ref(Kind.RUNS, *CIFAR))
        marked = [row.data.id for row in view.table.rows[:3]]
        await keys(pilot, "space", "space", "space", "m")
        run_view = app.screen.view
        assert isinstance(run_view, RunView) and run_view.ref.name == marked[0]
        charts = run_view.query_one(ChartsPane)
        assert [r.id for r in charts.others] == marked[1:]
        assert "with 2 marked run(s)" in str(charts.query_one(".status").render())


async def test_jump_opens_a_path_and_says_when_it_cannot(demo):
    app = demo_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await keys(pilot, "colon")
        await pilot.press(*"admin/cifar10-resnet/sweeps/qqkye7f4")
        await keys(pilot, "enter")
        assert app.screen.current.kind is Kind.SWEEP
        await keys(pilot, "colon")
        await pilot.press(*"admin/no-such-project/runs/nope")
        await keys(pilot, "enter")
        assert any("Cannot open" in str(n.message) for n in app._notifications)
        assert app.screen.current.kind is Kind.SWEEP  # nothing lost


async def test_jump_takes_a_web_url(demo):
    app = demo_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await keys(pilot, "colon")
        await pilot.press(*f"{BASE_URL}/vision-lab/imagenet-classification/runs/v1t16liv")
        await keys(pilot, "enter")
        assert app.screen.current == Ref(Kind.RUN, "vision-lab", "imagenet-classification", "v1t16liv",
                                         label=app.screen.current.label)


async def test_escape_goes_back(demo):
    app = demo_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, Ref(Kind.RUNS, *CIFAR))
        await keys(pilot, "down", "enter")
        assert app.screen.current.kind is Kind.RUN
        await keys(pilot, "escape")
        assert app.screen.current == Ref(Kind.RUNS, *CIFAR)


async def test_help_lists_the_keys_of_the_focused_view(demo):
    app = demo_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, Ref(Kind.RUNS, *CIFAR))
        await keys(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Filter runs" in text and "Sort by the column under the cursor" in text
        await keys(pilot, "escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_the_palette_offers_this_screens_actions(demo):
    app = demo_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_view(pilot, Ref(Kind.RUNS, *CIFAR))
        await keys(pilot, "ctrl+p")
        await pilot.press(*"hide sweep")
        await settle(pilot)
        await keys(pilot, "enter")
        assert view.hide_sweeps and all(not row.data.sweep_name for row in view.table.rows)


async def test_a_remapped_key_works(demo):
    app = demo_app(demo, keymap={"runs.toggle_sweeps": "W"})
    async with app.run_test(size=SIZE) as pilot:
        view = await open_view(pilot, Ref(Kind.RUNS, *CIFAR))
        await keys(pilot, "w")
        assert not view.hide_sweeps
        await keys(pilot, "W")
        assert view.hide_sweeps


async def test_without_credentials_the_welcome_screen_says_how_and_offers_the_demo(demo):
    from wbtui.config import Settings
    from wbtui.tui.app import WbtuiApp

    started = []

    def start_demo():
        started.append(True)
        return lambda: client(demo)

    app = WbtuiApp(Settings(), None, start_demo=start_demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        text = screen_text(app)
        assert "wandb login" in text and "WANDB_API_KEY" in text and "Press d" in text
        await keys(pilot, "d")
        await settle(pilot)
        assert started and "admin (you)" in screen_text(app)


@pytest.mark.parametrize("delay", [0.0, 1.0])
async def test_wbtui_demo_says_it_is_starting_only_when_it_takes_a_moment(demo, delay):
    from wbtui.config import Settings
    from wbtui.tui.app import STARTING_AFTER, WbtuiApp

    starts = []

    def start_demo():
        starts.append(True)
        time.sleep(delay)
        return lambda: client(demo)

    app = WbtuiApp(Settings(), None, start_demo=start_demo, demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(STARTING_AFTER + 0.2)
        if delay:
            assert isinstance(app.screen, WelcomeScreen) and "Starting the demo sandbox" in screen_text(app)
            await keys(pilot, "d")  # impatient: not a second sandbox
        else:
            assert not isinstance(app.screen, WelcomeScreen)
        await pilot.pause(delay)
        await settle(pilot)
        assert "admin (you)" in screen_text(app)
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["BrowserScreen"] and len(starts) == 1


async def test_a_demo_that_cannot_start_says_why_on_the_welcome_screen(demo):
    from wbtui.config import Settings
    from wbtui.tui.app import WbtuiApp

    tries = []

    def start_demo():
        tries.append(True)
        if len(tries) == 1:
            raise OSError("No space left on device [b]")
        return lambda: client(demo)

    app = WbtuiApp(Settings(), None, start_demo=start_demo, demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        text = " ".join(screen_text(app).split())  # the line as it wraps
        assert "The demo could not start: No space left on device [b]" in text and "Press d" in text
        await keys(pilot, "d")  # and again, once there is room
        await settle(pilot)
        assert "admin (you)" in screen_text(app) and len(tries) == 2


async def test_a_client_that_cannot_be_made_is_explained_on_the_welcome_screen():
    from wbtui.config import Settings
    from wbtui.tui.app import WbtuiApp

    def make_api() -> Api:
        raise ValueError("No API key configured [red]")

    app = WbtuiApp(Settings(), make_api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert "⚠ No API key configured [red]" in screen_text(app) and "wandb login" in screen_text(app)


async def test_j_and_k_move_in_the_tree_as_in_every_list(demo):
    app = demo_app(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one("NavTree")
        await keys(pilot, "j", "j", "k", "enter")
        assert tree.cursor_node.data.project == "cifar10-resnet"
        await settle(pilot)
        assert "Project · admin/cifar10-resnet" in screen_text(app)


def _painted_frames(app) -> list[str]:
    """The text of every frame the app paints from now on."""
    frames: list[str] = []
    display = app._display

    def recorded(screen, renderable) -> None:
        if renderable is not None and type(screen).__name__ == "BrowserScreen":
            frames.append(screen_text(app))
        display(screen, renderable)

    app._display = recorded
    return frames


async def test_the_first_paint_waits_for_the_first_views_data(demo):
    app = demo_app(demo)
    frames = _painted_frames(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
    assert frames and "cifar10-resnet" in frames[0]  # no frame of a loading tree, an empty view


async def test_a_slow_first_view_does_not_hold_the_first_paint_long(demo, monkeypatch):
    from wbtui.tui.screens.browser import FIRST_PAINT_WITHIN
    from wbtui.tui.views.entity import EntityView

    load = EntityView.load

    async def slow_load(self) -> None:
        await asyncio.sleep(1.5)
        await load(self)

    monkeypatch.setattr(EntityView, "load", slow_load)
    app = demo_app(demo)
    frames = _painted_frames(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(FIRST_PAINT_WITHIN + 0.4)
        assert frames and "admin (you)" in frames[-1] and "3 projects" not in frames[-1]  # the tree, a view loading
        await settle(pilot)
    assert "3 projects" in frames[-1]


async def test_no_color_draws_in_greys_only(demo, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = demo_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_view(pilot, Ref(Kind.RUNS, *CIFAR))
        svg = app.export_screenshot()
    window_frame = {"ff5f57", "febc2e", "28c840", "c5c8c6"}  # the SVG export's frame and default text
    colours = set(re.findall(r"#([0-9a-f]{6})", svg)) - window_frame
    assert colours and all(c[0:2] == c[2:4] == c[4:6] for c in colours), colours


async def test_server_strings_are_never_markup(demo_copy, project_name):
    from wbtui.sandbox.app import Sandbox

    demo = Sandbox.open(demo_copy, stale_after=1e9)  # a copy: the shared demo stays as built (snapshots)
    async with client(demo) as api:
        run = await api.create_run(project=project_name, entity="admin")
        run.name = "[b]bold[/b] [red]x"
        run.tags = ["[i]t"]
        await run.update()
    app = demo_app(demo)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_view(pilot, Ref(Kind.RUNS, "admin", project_name))
        text = screen_text(app)
        assert "[b]bold[/b] [red]x" in text and "[i]t" in text
        await open_view(pilot, Ref(Kind.RUN, "admin", project_name, run.id))
        assert "[b]bold[/b] [red]x" in screen_text(app)


async def test_a_running_run_refreshes_itself(demo_copy, monkeypatch):
    """The demo's live runs log a step a second; the run's view follows them."""
    from wbtui.sandbox.app import Sandbox
    from wbtui.sandbox.demo import live
    from wbtui.tui.views import run as run_view

    monkeypatch.setattr(live, "INTERVAL", 0.2)
    monkeypatch.setattr(live, "CONSOLE_EVERY", 2)
    monkeypatch.setattr(run_view, "LIVE_SECONDS", 0.5)
    sandbox = Sandbox.open(demo_copy, stale_after=1e9)
    stop = live.start(sandbox)
    try:
        running = sandbox.store.one(
            "SELECT r.name, p.name AS project, e.name AS entity FROM runs r JOIN projects p ON p.id = r.project_id"
            " JOIN entities e ON e.id = p.entity_id WHERE r.state = 'running' ORDER BY r.id LIMIT 1")
        app = demo_app(sandbox)
        async with app.run_test(size=SIZE) as pilot:
            view = await open_view(pilot, Ref(Kind.RUN, running["entity"], running["project"], running["name"]))
            await keys(pilot, "6")
            first_step = view.run.summary["_step"]
            first_lines = view.query_one(LogsPane).shown
            await pilot.pause(3)
            await settle(pilot)
            assert view.run.summary["_step"] > first_step
            assert view.query_one(LogsPane).shown > first_lines
            assert view.run.state == "running"
    finally:
        stop()
        sandbox.store.close()
