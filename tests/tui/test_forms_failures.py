"""Honest outcomes: what the server refuses shows in the form with the input kept; a request
whose answer is lost, or a server that stops, never leaves a duplicate or a partial object; one
key press, one request; every field's bad input gets a clear message and sends nothing."""

from __future__ import annotations

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
from wbtui.sandbox.server import SandboxServer
from wbtui.tui.forms.base import ConfirmScreen, FormScreen

pytestmark = pytest.mark.asyncio


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(3)}"


def count(store, sql: str, *args) -> int:
    return store.one(f"SELECT COUNT(*) AS n FROM {sql}", args)["n"]


async def send(pilot, confirm: bool = False) -> None:
    await pilot.press("ctrl+s")
    if confirm:
        await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("y")
    await settle(pilot)


async def test_a_non_admin_creating_a_user_sees_the_server_refuse(sandbox, make_user):
    _, key = make_user(admin=False)
    email = f"{unique('x')}@example.com"
    app = make_app(sandbox.url, key)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "user")
        await type_into(pilot, "email", email)
        await send(pilot, confirm=True)
        assert app.screen is form
        assert "The server said:" in outcome(form) and "admin" in outcome(form)
        assert form.get("email") == email and not form.busy
    assert count(sandbox.store, "users WHERE email = ?", email) == 0


async def test_a_project_in_a_team_you_are_not_in_is_refused_by_the_server(sandbox, make_user):
    """The form cannot know every permission: the server's refusal shows, the input stays."""
    _, key = make_user(admin=False)
    team = unique("team")
    async with Api(overrides={"base_url": sandbox.url}, api_key=sandbox.api_key) as admin:
        await admin.create_team(team)
    name = unique("proj")
    recorder = Recorder()
    app = make_app(sandbox.url, key, transport=recorder)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "project", entity=team)
        await type_into(pilot, "name", name)
        await send(pilot)
        assert app.screen is form and form.get("name") == name
        assert "The server said: permission denied" in outcome(form)
    assert recorder.writes == ["CreateProject"]
    assert count(sandbox.store, "projects WHERE name = ?", name) == 0


async def test_a_lost_answer_then_retry_makes_one_team(sandbox):
    name = unique("lost")
    recorder = Recorder()
    recorder.lose = {"CreateTeam"}
    app = make_app(sandbox.url, sandbox.api_key, transport=recorder)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "team")
        await type_into(pilot, "name", name)
        await send(pilot, confirm=True)
        assert app.screen is form and "send again" in outcome(form)
        await send(pilot, confirm=True)  # the retry finds the team the lost request made
        await until(pilot, lambda: not isinstance(app.screen, FormScreen))
    assert recorder.writes == ["CreateTeam"]
    assert count(sandbox.store, "entities WHERE name = ?", name) == 1


async def test_a_lost_answer_then_retry_makes_one_queue(sandbox, api):
    needs_queues(sandbox)
    name = unique("lostq")
    recorder = Recorder()
    recorder.lose = {"CreateRunQueue"}
    app = make_app(sandbox.url, sandbox.api_key, transport=recorder)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "queue", entity="admin")
        await type_into(pilot, "name", name)
        await send(pilot)
        assert app.screen is form and "send again" in outcome(form)
        await send(pilot)
        await until(pilot, lambda: not isinstance(app.screen, FormScreen))
    assert recorder.writes.count("CreateRunQueue") == 1
    assert count(sandbox.store, "run_queues WHERE name = ?", name) == 1
    assert api.run_queue("admin", name).type == "local-container"


async def test_a_stopped_server_then_retry_makes_one_project(tmp_path, wandb_dirs):
    key = "local-" + secrets.token_hex(20)
    server = SandboxServer(tmp_path / "data", api_key=key)
    port, name = server.port, unique("down")
    app = make_app(server.url, key, max_retries=0, timeout=5)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            form = await open_form(pilot, "project", entity="admin")
            await type_into(pilot, "name", name)
            await settle(pilot)
            server.stop()
            await send(pilot)
            await until(pilot, lambda: "Could not reach" in outcome(form))
            assert app.screen is form and form.get("name") == name
            server = SandboxServer(tmp_path / "data", api_key=key, port=port)
            await send(pilot)
            await until(pilot, lambda: not isinstance(app.screen, FormScreen))
        assert count(server.store, "projects WHERE name = ?", name) == 1
    finally:
        server.stop()


async def test_two_quick_presses_send_one_request(sandbox):
    name = unique("twice")
    recorder = Recorder()
    app = make_app(sandbox.url, sandbox.api_key, transport=recorder)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "project", entity="admin")
        await type_into(pilot, "name", name)
        await pilot.press("ctrl+s", "f2", "enter")
        await until(pilot, lambda: not isinstance(app.screen, FormScreen))
        await settle(pilot)
    assert recorder.writes == ["CreateProject"]


LONG = "x" * 129
# (form, prefilled values, field, typed value, message)
BAD = [
    ("project", {"entity": "admin"}, "name", "", "enter a project name"),
    ("project", {"entity": "admin"}, "name", LONG, "at most 128 characters (129 now)"),
    ("project", {"entity": "admin"}, "name", "a/b#c", "cannot contain # / (W&B forbids"),
    ("project", {"entity": "admin"}, "name", "x ", "cannot start or end with a space"),
    ("project", {"entity": "admin"}, "name", "a\tb", "cannot contain control characters"),
    ("project", {"name": "p"}, "entity", "", "enter an entity"),
    ("project", {"name": "p"}, "entity", "a b", "no / or spaces"),
    ("team", {}, "name", "", "enter a team name"),
    ("team", {}, "name", "t" * 65, "at most 64 characters (65 now)"),
    ("team", {}, "name", "[b]x", "use lowercase letters, digits"),
    ("team", {}, "name", "Équipe", "use lowercase letters, digits"),
    ("team", {"name": "okteam"}, "admin", "no one", "letters, digits, _ - and . only"),
    ("user", {}, "email", "", "enter an email address"),
    ("user", {}, "email", "[b]x", "not an email address"),
    ("user", {}, "email", "a@b", "not an email address"),
    ("user", {}, "email", "é" * 65 + "@example.com", "at most 64 characters"),
    ("user", {}, "email", "a" * 250 + "@x.io", "at most 254 characters"),
    ("run", {"entity": "admin", "project": "p"}, "run_id", "a:b", "cannot contain :"),
    ("run", {"entity": "admin", "project": "p"}, "run_id", "r" * 129, "at most 128 characters"),
    ("run", {"entity": "admin", "project": "p"}, "run_id", "a b", "no spaces"),
    ("run", {"entity": "admin"}, "project", "", "enter a project name"),
    ("tensorboard", {"entity": "admin", "project": "p"}, "directory", "", "enter the directory"),
    ("tensorboard", {"entity": "admin", "project": "p"}, "directory", "/no/such/dir", "does not exist"),
]


@pytest.mark.parametrize(("form_name", "values", "field", "value", "message"), BAD,
                         ids=[f"{b[0]}-{b[2]}-{i}" for i, b in enumerate(BAD)])
async def test_bad_input_is_named_beside_its_field_and_nothing_is_sent(sandbox, form_name, values, field, value,
                                                                       message):
    recorder = Recorder()
    app = make_app(sandbox.url, sandbox.api_key, transport=recorder)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, form_name, **values)
        form.query_one(f"#{field}").value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert message in field_error(form, field)
        assert "to fix — nothing was sent" in outcome(form)
        assert form.get(field) == value
    assert recorder.writes == []
