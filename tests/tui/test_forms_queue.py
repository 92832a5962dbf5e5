"""Launch queue forms: create (create_run_queue) and edit (upsert_run_queue), filled from the
keyboard, checked with wbtui.core and wandb.Api; the config and variable checks; the shown
wandb call does the same thing when run."""

from __future__ import annotations

import json
import secrets

import pytest
from forms_support import (
    Recorder,
    field_error,
    make_app,
    needs_queues,
    open_form,
    outcome,
    settle,
    type_into,
    until,
)

from wbtui.core import Api
from wbtui.tui.forms.base import CallPreview, ConfirmScreen, FormScreen
from wbtui.tui.forms.fields import VariableRow

pytestmark = pytest.mark.asyncio


@pytest.fixture(autouse=True)
def _queues(sandbox):
    needs_queues(sandbox)

CONFIG = '{"namespace": "ml", "resources": {"cpu": "{{cpu}}"}, "image": "{{image}}"}'
CONFIG_DATA = {"namespace": "ml", "resources": {"cpu": "{{cpu}}"}, "image": "{{image}}"}


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(3)}"


async def choose(pilot, widget_id: str, value: str) -> None:
    """Pick a value of a choice field with the keyboard: open it, move to the value, Enter."""
    select = pilot.app.screen.query_one(f"#{widget_id}")
    select.focus()
    await pilot.press("enter")
    await pilot.pause()
    values = [v for _, v in select._options]
    steps = values.index(value) - values.index(select.value)
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
    await pilot.pause()
    assert select.value == value


async def fill_variable(pilot, row: VariableRow, kind: str, default: str = "", minimum: str = "",
                        maximum: str = "", enum: str = "") -> None:
    row.query_one(".var-type").focus()
    await pilot.press("enter")
    await pilot.pause()
    order = ["string", "number", "integer"]
    steps = order.index(kind) - order.index(row.field("type"))
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
    for key, text in (("default", default), ("minimum", minimum), ("maximum", maximum), ("enum", enum)):
        widget = row.query_one(f".var-{key}")
        widget.focus()
        await pilot.press(*text) if text else None
    await pilot.pause()


async def fill_queue(pilot, name: str) -> FormScreen:
    form = await open_form(pilot, "queue", entity="admin")
    await type_into(pilot, "name", name)
    await choose(pilot, "resource", "kubernetes")
    await choose(pilot, "prioritization", "V0")
    await type_into(pilot, "config-text", CONFIG)
    form.query_one(".vars-missing").focus()
    await pilot.press("enter")
    await pilot.pause()
    rows = {row.field("name"): row for row in form.query(VariableRow)}
    assert sorted(rows) == ["cpu", "image"]
    await fill_variable(pilot, rows["cpu"], "integer", default="2", minimum="1", maximum="4")
    await fill_variable(pilot, rows["image"], "string", default="a:1", enum="a:1, b:2")
    return form


async def test_queue_form_creates_the_queue_with_its_variables(sandbox, api, monkeypatch):
    name = unique("q")
    app = make_app(sandbox.url, sandbox.api_key)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await fill_queue(pilot, name)
        await pilot.press("f3")  # the equivalent wandb call
        code = form.query_one(CallPreview).code
        await pilot.press("y")
        assert app.clipboard == code
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, FormScreen))
        await settle(pilot)
        assert app.screen.current.name == name
    schemas = {"cpu": {"type": "integer", "minimum": 1, "maximum": 4, "default": 2},
               "image": {"type": "string", "enum": ["a:1", "b:2"], "default": "a:1"}}
    official = api.run_queue("admin", name)
    assert official.type == "kubernetes"
    assert official.prioritization_mode == "V0"
    assert official.default_resource_config == {"resource_args": {"kubernetes": CONFIG_DATA}}
    assert {v["name"]: json.loads(v["schema"]) for v in official.template_variables} == schemas
    async with Api(overrides={"base_url": sandbox.url}, api_key=sandbox.api_key) as client:
        queue = await client.run_queue("admin", name)
    assert (queue.type, queue.prioritization_mode) == ("kubernetes", "V0")
    assert queue.default_resource_config == {"resource_args": {"kubernetes": CONFIG_DATA}}

    # the shown call, run with the official SDK, makes the same queue
    twin = unique("twin")
    assert f"name={name!r}" in code
    monkeypatch.setenv("WANDB_BASE_URL", sandbox.url)
    monkeypatch.setenv("WANDB_API_KEY", sandbox.api_key)
    shown = compile(code.replace(repr(name), repr(twin)), "<wandb call>", "exec")
    exec(shown, {})  # noqa: S102 -- the point: the shown call runs as it is
    copy = api.run_queue("admin", twin)
    assert copy.default_resource_config == official.default_resource_config
    assert copy.template_variables == official.template_variables
    assert copy.prioritization_mode == "V0"


@pytest.mark.parametrize(("field", "text", "fmt", "message"), [
    ("config", '{"cpu": "{{cpu}}",\n "x": }', "json", "JSON line 2, column 7"),
    ("config", "[1, 2]", "json", "must be a mapping"),
    ("config", "cpu: {{cpu}}", "yaml", 'quote template variables in YAML: "{{var}}"'),
    ("config", '{"cpu": "{{cpu}}", "mem": "{{mem}}"}', "json", "no schema for {{mem}}"),
    ("config", '{"cpu": "{{1x}}"}', "json", "not a variable name: {{1x}}"),
    ("variables", '{"other": 1}', "json", "not used in the config: cpu"),
])
async def test_queue_config_problems_are_shown_and_nothing_is_sent(sandbox, field, text, fmt, message):
    recorder = Recorder()
    app = make_app(sandbox.url, sandbox.api_key, transport=recorder)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "queue", entity="admin")
        await type_into(pilot, "name", unique("q"))
        if fmt == "yaml":
            await choose(pilot, "config-format", "yaml")
        editor = form.query_one("#variables")
        editor.add(name="cpu", schema={"type": "integer"})
        await type_into(pilot, "config-text", text)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert message in field_error(form, field)
        assert "nothing was sent" in outcome(form)
        assert form.query_one("#config-text").text == text  # the input is kept
    assert recorder.writes == []


@pytest.mark.parametrize(("kind", "values", "message"), [
    ("integer", {"default": "abc"}, "default: 'abc' is not an integer"),
    ("integer", {"default": "9", "maximum": "4"}, "default: above the maximum 4"),
    ("number", {"default": "0.5", "minimum": "1"}, "default: below the minimum 1"),
    ("integer", {"minimum": "5", "maximum": "1"}, "maximum: the maximum is below the minimum"),
    ("string", {"default": "c", "enum": "a, b"}, "default: not one of the enum values"),
    ("string", {"minimum": "1"}, "minimum: a string has no minimum"),
    ("integer", {"enum": "1, 1"}, "enum: the enum values repeat"),
    ("number", {"default": "inf"}, "default: a number must be finite"),
])
async def test_variable_schema_problems_are_shown_beside_the_variable(sandbox, kind, values, message):
    recorder = Recorder()
    app = make_app(sandbox.url, sandbox.api_key, transport=recorder)
    async with app.run_test(size=(80, 30)) as pilot:
        form = await open_form(pilot, "queue", entity="admin")
        await type_into(pilot, "name", unique("q"))
        await type_into(pilot, "config-text", '{"v": "{{v}}"}')
        form.query_one("#variables .row-add").focus()
        await pilot.press("enter")
        await pilot.pause()
        row = form.query_one(VariableRow)
        await pilot.press(*"v")
        await fill_variable(pilot, row, kind, **values)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert message in str(row.query_one(".field-error").content)
        assert "1 variable to fix" in field_error(form, "variables")
    assert recorder.writes == []


@pytest.mark.parametrize(("name", "message"), [
    ("", "enter a queue name"),
    ("q" * 65, "at most 64 characters (65 now)"),
    (" q", "cannot start or end with a space"),
    ("a/b", "cannot contain /"),
])
async def test_queue_name_problems(sandbox, name, message):
    recorder = Recorder()
    app = make_app(sandbox.url, sandbox.api_key, transport=recorder)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "queue", entity="admin")
        form.query_one("#name").value = name
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert message in field_error(form, "name")
    assert recorder.writes == []


@pytest.mark.parametrize("name", ["[b]x", "队列-ü"])
async def test_markup_and_unicode_queue_names_are_kept_exactly(sandbox, api, name):
    """W&B allows any 1-64 characters in a queue name: they are sent and shown as typed."""
    name = f"{name}{secrets.token_hex(2)}"
    app = make_app(sandbox.url, sandbox.api_key)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "queue", entity="admin")
        await type_into(pilot, "name", name)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, FormScreen))
        await settle(pilot)
        title = app.screen.view.query_one(".view-title")
        assert name in str(title.content)  # shown as typed, not as markup
    assert api.run_queue("admin", name).type == "local-container"


async def test_edit_queue_form_is_prefilled_and_saves_with_upsert(sandbox, api):
    name = unique("edit")
    async with Api(overrides={"base_url": sandbox.url}, api_key=sandbox.api_key) as client:
        await client.create_run_queue(name, "local-container", entity="admin", config={"cpu": "{{cpu}}"},
                                      template_variables={"cpu": {"schema": {"type": "integer", "default": 1}}})
    app = make_app(sandbox.url, sandbox.api_key)
    async with app.run_test(size=(80, 30)) as pilot:
        form = await open_form(pilot, "edit-queue", entity="admin", name=name)
        await until(pilot, lambda: not form.busy)
        assert form.get("resource") == "local-container" and form.get("prioritization") == "DISABLED"
        assert json.loads(form.query_one("#config-text").text) == {"cpu": "{{cpu}}"}
        [row] = form.query(VariableRow)
        assert (row.field("name"), row.field("type"), row.field("default")) == ("cpu", "integer", "1")

        await type_into(pilot, "config-text", '{"cpu": "{{cpu}}", "mem": "{{mem}}"}')
        form.query_one(".vars-missing").focus()
        await pilot.press("enter")
        await pilot.pause()
        mem = next(r for r in form.query(VariableRow) if r.field("name") == "mem")
        await fill_variable(pilot, mem, "number", default="8", maximum="64")
        await choose(pilot, "prioritization", "V0")
        form.query_one("#links .row-add").focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"docs", "tab", *"https://example.org/q")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: not isinstance(app.screen, (FormScreen, ConfirmScreen)))
        await settle(pilot)
    queue = api.run_queue("admin", name)
    assert queue.prioritization_mode == "V0"
    assert queue.external_links == {"links": [{"label": "docs", "url": "https://example.org/q"}]}
    assert queue.default_resource_config == {"resource_args": {"local-container": {"cpu": "{{cpu}}", "mem": "{{mem}}"}}}
    assert {v["name"]: json.loads(v["schema"]) for v in queue.template_variables} == {
        "cpu": {"type": "integer", "default": 1}, "mem": {"type": "number", "maximum": 64, "default": 8}}
