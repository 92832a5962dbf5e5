"""The footer: the focused view's keys as one line of text; a click presses a key."""

from __future__ import annotations

from wbtui.tui.refs import Kind, Ref
from wbtui.tui.views.runs import RunsView
from wbtui.tui.widgets.footer import Footer

from scenes import demo_app, settle
from tui_helpers import screen_text


async def test_the_footer_shows_the_focused_views_keys_and_a_click_presses_one(demo_sandbox):
    app = demo_app(demo_sandbox.sandbox)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.screen.open(Ref(Kind.RUNS, "admin", "cifar10-resnet"), focus=True)
        await settle(pilot)
        footer = app.screen.query_one(Footer)
        hints, palette = footer.hints()
        assert {"Open", "Mark", "Filter", "Back", "Quit"} <= {h.description for h in hints}
        assert palette is not None and palette.display == "^p"
        bottom = screen_text(app).splitlines()[-1]
        assert " ⏎ Open " in bottom and bottom.rstrip().endswith("^p palette")
        assert len(footer.query("*")) == 0  # one widget, not one per key
        start = bottom.index(" / Filter")
        await pilot.click(Footer, offset=(start + 2, 0))
        await settle(pilot)
        view = app.screen.view
        assert isinstance(view, RunsView) and view.query_one("FilterBar Input").has_focus
