"""The footer redraws once for a burst of binding changes, and shows the keys of the end state."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from wbtui.tui.refs import Kind, Ref
from wbtui.tui.widgets.footer import SETTLE, Footer

from scenes import demo_app, settle


async def test_opening_a_view_redraws_the_footer_once_with_its_keys(demo_sandbox):
    app = demo_app(demo_sandbox.sandbox)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(Footer)
        recomposed = []
        original = footer.recompose

        async def counted():
            recomposed.append(1)
            await original()
        footer.recompose = counted
        app.screen.open(Ref(Kind.RUNS, "admin", "cifar10-resnet"), focus=True)
        await pilot.pause(SETTLE / 2)
        assert footer.redraw_pending and not recomposed  # the changes are still coming in
        await settle(pilot)
        assert len(recomposed) == 1
        shown = {key.description for key in footer.query(FooterKey)}
        assert {"Open", "Mark", "Filter"} <= shown  # the runs table's keys: the focus ended there
