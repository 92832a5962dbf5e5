"""The paged table as the screen shows it: a cursor move redraws exactly the lines it changes."""

from __future__ import annotations

from textual.app import App, ComposeResult

from wbtui.tui.widgets.paged_table import Cell, Column, PagedTable, Row


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield PagedTable()

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.set_columns([Column("name", "Name", 10)])
        table.add_rows([Row(f"r{i}", (Cell(f"row {i}"),)) for i in range(100)], has_more=False)
        table.focus()


def cursor_lines(app: OneTable) -> list[int]:
    """Screen lines drawn in the cursor's colour, read from what the compositor would send."""
    table = app.query_one(PagedTable)
    cursor = table.get_component_rich_style("paged-table--cursor").bgcolor
    strips = app.screen._compositor.render_strips()
    return [y for y, strip in enumerate(strips) if any(s.style and s.style.bgcolor == cursor for s in strip)]


async def test_moving_the_cursor_redraws_the_old_and_the_new_line() -> None:
    app = OneTable()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        assert cursor_lines(app) == [1]  # under the header
        await pilot.press("j", "j")
        assert cursor_lines(app) == [3]
        await pilot.press("k")
        assert cursor_lines(app) == [2]
        await pilot.press("pagedown")  # scrolls: the whole table is drawn again
        table = app.query_one(PagedTable)
        assert cursor_lines(app) == [table.cursor_row - round(table.scroll_y) + 1]
        await pilot.press("l")  # the column cursor: only the header changes, rows keep theirs
        assert cursor_lines(app) == [table.cursor_row - round(table.scroll_y) + 1]
