"""The paged table as the screen shows it: what a cursor move redraws, growing columns, pages
appended below the screen."""

from __future__ import annotations

from textual.app import App, ComposeResult

from wbtui.tui.widgets.paged_table import Cell, Column, PagedTable, Row

NAME = "a-rather-long-run-name"


class OneTable(App[None]):
    """A focused table: one column of "row i", or three (a long name, a state, notes)."""

    def __init__(self, columns: list[Column], rows: int, more: bool = False) -> None:
        super().__init__()
        self.columns, self.rows, self.more = columns, rows, more

    def compose(self) -> ComposeResult:
        yield PagedTable()

    def on_mount(self) -> None:
        self.table.set_columns(self.columns)
        self.add(0, self.rows, more=self.more)
        self.table.focus()

    @property
    def table(self) -> PagedTable:
        return self.query_one(PagedTable)

    def add(self, start: int, stop: int, more: bool) -> None:
        def cells(i: int) -> tuple[Cell, ...]:
            if len(self.columns) == 1:
                return (Cell(f"row {i}"),)
            return Cell(NAME), Cell("finished"), Cell("n" * 30)

        self.table.add_rows([Row(f"r{i}", cells(i)) for i in range(start, stop)], has_more=more)


def lines(app: OneTable) -> list[str]:
    """What the compositor would send, line by line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def cursor_lines(app: OneTable) -> list[int]:
    """Screen lines drawn in the cursor's colour."""
    cursor = app.table.get_component_rich_style("paged-table--cursor").bgcolor
    strips = app.screen._compositor.render_strips()
    return [y for y, strip in enumerate(strips) if any(s.style and s.style.bgcolor == cursor for s in strip)]


async def test_moving_the_cursor_redraws_the_old_and_the_new_line() -> None:
    app = OneTable([Column("name", "Name", 10)], 100)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        assert cursor_lines(app) == [1]  # under the header
        await pilot.press("j", "j")
        assert cursor_lines(app) == [3]
        await pilot.press("k")
        assert cursor_lines(app) == [2]
        await pilot.press("pagedown")  # scrolls: the whole table is drawn again
        table = app.table
        assert cursor_lines(app) == [table.cursor_row - round(table.scroll_y) + 1]
        await pilot.press("l")  # the column cursor: only the header changes, rows keep theirs
        assert cursor_lines(app) == [table.cursor_row - round(table.scroll_y) + 1]


async def test_growing_columns_take_what_their_texts_need_of_the_room_left() -> None:
    app = OneTable([Column("name", "Name", 8, grow=True), Column("state", "State", 8),
                    Column("notes", "Notes", 6, grow=True)], 50)
    async with app.run_test(size=(28, 10)) as pilot:  # no room: the widths as declared
        await pilot.pause()
        table = app.table
        assert table.widths == [8, 8, 6]
        assert "a-rathe…" in lines(app)[1]
        await pilot.resize_terminal(60, 10)  # 60 - 2 (scroll bar) - 27 = 31 columns free
        await pilot.pause()
        assert table.widths == [22, 8, 18]  # the longest name; the notes (30 wide) at most 3x 6
        assert NAME in lines(app)[1] and table.virtual_size.width <= table.size.width
        await pilot.resize_terminal(40, 10)  # 11 free, both want more: 5 each, the odd one to the first
        await pilot.pause()
        assert table.widths == [8 + 6, 8, 6 + 5]
        await pilot.resize_terminal(28, 10)
        await pilot.pause()
        assert table.widths == [8, 8, 6]


async def test_pages_appended_below_the_screen_grow_the_scroll_bar_and_can_be_reached() -> None:
    app = OneTable([Column("name", "Name", 10)], 5, more=True)
    async with app.run_test(size=(30, 12)) as pilot:
        await pilot.pause()
        table = app.table
        assert not table.show_vertical_scrollbar
        app.add(5, 50, more=True)  # the first page that does not fit: the bar appears
        await pilot.pause()
        assert table.show_vertical_scrollbar and table.vertical_scrollbar.window_virtual_size == 51
        app.add(50, 500, more=False)  # off screen
        await pilot.pause()
        assert table.virtual_size.height == 501 and table.vertical_scrollbar.window_virtual_size == 501
        await pilot.press("end")
        assert any("row 499" in line for line in lines(app))
        assert table.max_scroll_y == 501 - table.scrollable_content_region.height


async def test_lines_know_their_length_in_cells_even_with_wide_and_cut_texts() -> None:
    from rich.cells import cell_len

    columns = [Column("name", "Name", 12, grow=True), Column("state", "State", 8), Column("notes", "Notes", 10)]
    app = OneTable(columns, 0)
    async with app.run_test(size=(60, 10)) as pilot:
        texts = ["a-rather-long-run-name", "短い名前のラン", "ok", "ünïcödé…", "x" * 40]
        app.table.add_rows([Row(f"w{i}", (Cell(t), Cell("finished"), Cell(t[::-1]))) for i, t in enumerate(texts)],
                           has_more=False)
        await pilot.pause()
        app.table.marked.add("w1")
        for strip in [app.table._header_strip()] + [app.table._row_strip(i) for i in range(len(texts))]:
            assert strip.cell_length == sum(cell_len(segment.text) for segment in strip)
