"""Report specs to Markdown: specs written by wandb-workspaces itself (offline: run sets without
a project need no server), escaping checked by parsing the result as Textual's Markdown does."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from textual.app import App, ComposeResult
from textual.widgets import Markdown

from wbtui.tui.views.report_markdown import escape, filters_summary, panel_summary, spec_to_markdown

wr = pytest.importorskip("wandb_workspaces.reports.v2")


def workspaces_spec(*blocks) -> dict:
    """The spec wandb-workspaces' `Report.save()` would send for these blocks."""
    report = wr.Report(project="p", entity="e", title="t", blocks=list(blocks))
    return json.loads(report._to_model().spec.model_dump_json(by_alias=True, exclude_none=True))


def inline_text(markdown: str) -> str:
    """The text a Markdown renderer shows for one paragraph (marks dropped)."""
    tokens = MarkdownIt("gfm-like").parse(markdown)
    inline = [t for t in tokens if t.type == "inline"]
    return "".join(child.content for t in inline for child in t.children or [] if child.type in ("text", "code_inline"))


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40))
def test_escaped_text_reads_back_as_written(text):
    expected = text.strip()
    if not expected:
        return
    assert inline_text(escape(expected)) == expected


def test_every_block_kind_becomes_readable_markdown():
    spec = workspaces_spec(
        wr.H1("Heading [b]one"), wr.H2("Second"),
        wr.P(["Plain *text* ", wr.InlineCode("x = `y`"), " and ", wr.Link("a link", url="https://x.org")]),
        wr.MarkdownBlock("**md** text"),
        wr.CodeBlock(code=["print(1)", "x = [b]2", "```"], language="python"),
        wr.UnorderedList(["one", "two [i]"]), wr.OrderedList(["first", "second"]),
        wr.CheckedList(items=[wr.CheckedListItem("done", checked=True), wr.CheckedListItem("todo", checked=False)]),
        wr.BlockQuote("# not a heading"), wr.CalloutBlock(["careful", "really"]),
        wr.HorizontalRule(), wr.LatexBlock("E=mc^2"), wr.TableOfContents(),
        wr.Image(url="https://x.org/a.png", caption="cap"),
    )
    md = spec_to_markdown(spec)
    assert md.startswith("# Heading \\[b\\]one\n\n## Second")
    assert "Plain \\*text\\* `` x = `y` `` and [a link](<https://x.org>)" in md
    assert "**md** text" in md  # markdown blocks are Markdown on W&B too
    assert "````python\nprint(1)\nx = [b]2\n```\n````" in md  # a fence longer than any inside
    assert "- one\n- two \\[i\\]" in md and "1. first\n2. second" in md and "- ☑ done\n- ☐ todo" in md
    assert "> \\# not a heading" in md and "> **Note:** careful  \n> really" in md
    assert "\n---\n" in md and "```latex\nE=mc^2\n```" in md
    assert "**Contents**\n\n- Heading \\[b\\]one\n   - Second" in md
    assert "*Image: cap*" in md


def test_panel_grids_are_summarised_with_their_run_sets():
    grid = wr.PanelGrid(
        panels=[wr.LinePlot(title="Loss", x="Step", y=["loss", "acc"]), wr.ScalarChart(title="best", metric="best_acc"),
                wr.ScatterPlot(title="sc", x="lr", y="loss"), wr.ParameterImportancePlot(with_respect_to="loss"),
                wr.MarkdownPanel(markdown="# panel [b]md")],
        runsets=[wr.Runset(name="baseline", filters="Config('lr') >= 0.01 and State = 'finished'"),
                 wr.Runset(name="All runs", groupby=["config.lr"])])
    md = spec_to_markdown(workspaces_spec(grid))
    assert ("**Panels** (5) over runset ‘baseline’ (config\\.lr \\>\\= 0\\.01 and state \\= finished); "
            "runset ‘All runs’ (grouped by config\\.lr)") in md
    lines = md.split("\n")
    assert "- Line plot “Loss”: loss, acc (x: \\_step)" in lines
    assert "- Scalar chart “best”: best\\_acc" in lines
    assert "- Scatter plot “sc”: lr vs loss" in lines
    assert "- Parameter importance: for loss" in lines
    assert "- Markdown panel: \\# panel \\[b\\]md" in lines


def test_filter_trees_of_older_reports_and_unknown_panels():
    tree = {"op": "OR", "filters": [{"op": "AND", "filters": [
        {"key": {"section": "config", "name": "lr"}, "op": ">", "value": 0.1},
        {"key": {"section": "run", "name": "tags"}, "op": "IN", "value": ["a", "b"], "disabled": True}]}]}
    assert filters_summary(tree) == "(config.lr > 0.1 and tags IN a, b [off])"
    assert panel_summary({"viewType": "Something New", "config": {}}) == "Something New"
    assert spec_to_markdown({"blocks": [{"type": "twister", "children": [{"text": "kept [b]"}]}]}) == \
        "*Unsupported block: twister*  \nkept \\[b\\]"
    assert spec_to_markdown({}) == "*This report is empty.*"


def test_links_cannot_escape_their_target():
    md = spec_to_markdown({"blocks": [{"type": "paragraph", "children": [
        {"type": "link", "url": "javascript:alert(1)", "children": [{"text": "x"}]},
        {"type": "link", "url": "https://e.org/a b>)", "children": [{"text": "y"}]}]}]})
    assert md == "[x](<>)[y](<https://e.org/a%20b%3E)>)"


async def test_textual_markdown_shows_server_text_literally():
    md = spec_to_markdown(workspaces_spec(wr.H1("[b]Title[/b]"), wr.P("a [red]red[/red] <b>tag</b> & *star*")))

    class Show(App[None]):
        def compose(self) -> ComposeResult:
            yield Markdown(md)

    app = Show()
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        text = "\n".join("".join(s.text for s in strip) for strip in app.screen._compositor.render_strips())
    assert "[b]Title[/b]" in text
    assert "a [red]red[/red] <b>tag</b> & *star*" in text
