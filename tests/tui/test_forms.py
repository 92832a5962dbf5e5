"""The simple forms, filled from the keyboard against the sandbox, then checked with wbtui.core
and with the official wandb.Api: project, team, user, run."""

from __future__ import annotations

import secrets

import pytest
from forms_support import (
    Recorder,
    browser,
    field_error,
    make_app,
    open_form,
    outcome,
    settle,
    type_into,
    until,
)

from wbtui.core import Api
from wbtui.sandbox import accounts
from wbtui.tui.forms.base import ConfirmScreen, FormScreen
from wbtui.tui.forms.project import supports
from wbtui.tui.refs import Kind

pytestmark = pytest.mark.asyncio


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(3)}"


async def core(sandbox) -> Api:
    return Api(overrides={"base_url": sandbox.url}, api_key=sandbox.api_key)


async def test_project_form_creates_the_project(sandbox, api):
    name = unique("proj")
    app = make_app(sandbox.url, sandbox.api_key)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "project", entity="admin")
        await type_into(pilot, "name", name)
        extras = supports(app.api.create_project, "description")
        if extras:
            await type_into(pilot, "description", "first line [b]x ünï")
        else:  # the core cannot send them yet: the form says so and the fields are off
            assert form.query_one("#description").disabled and form.query_one("#visibility").disabled
            assert "cannot send description or visibility" in str(form.query_one("#field-visibility .field-hint").content)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, FormScreen))
        await settle(pilot)
        assert app.screen.current.kind is Kind.PROJECT and app.screen.current.project == name
        async with await core(sandbox) as client:
            project = await client.project(name, "admin")
        assert (project.entity, project.name) == ("admin", name)
        official = api.project(name, "admin")
        assert official.name == name and official.entity == "admin"
        if extras:
            assert project.description == "first line [b]x ünï"


async def test_a_form_opens_on_the_first_field_left_to_fill_in(sandbox):
    app = make_app(sandbox.url, sandbox.api_key)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "project", entity="admin")  # the entity comes from where it opened
        assert form.focused is form.query_one("#name")
        await pilot.press(*"typed")
        assert form.get("name") == "typed" and form.get("entity") == "admin"
        form.dismiss(None)
        await browser(pilot)
        form = await open_form(pilot, "project", entity="admin", name="given")  # nothing left: the first
        assert form.focused is form.query_one("#entity")


async def test_project_form_flags_an_existing_name_and_sends_nothing(sandbox):
    name = unique("dup")
    async with await core(sandbox) as client:
        await client.create_project(name, "admin")
    recorder = Recorder()
    app = make_app(sandbox.url, sandbox.api_key, transport=recorder)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "project", entity="admin")
        await type_into(pilot, "name", name)
        await settle(pilot)  # the debounced check
        assert "already exists" in field_error(form, "name")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form and "nothing was sent" in outcome(form)
        assert form.query_one("#name").value == name  # the input is kept
        assert recorder.writes == []


async def test_team_form_asks_then_creates_with_the_admin(sandbox, api, make_user):
    user, _ = make_user()
    name = unique("team")
    app = make_app(sandbox.url, sandbox.api_key)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "team")
        await type_into(pilot, "name", name)
        await type_into(pilot, "admin", user["username"])
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: not isinstance(app.screen, (FormScreen, ConfirmScreen)))
        await settle(pilot)
    team = api.team(name)
    assert team.name == name
    assert [m.username for m in team.members] == [user["username"]]
    async with await core(sandbox) as client:
        assert (await client.team(name)).name == name


async def test_team_form_no_at_the_question_sends_nothing(sandbox):
    name = unique("team")
    recorder = Recorder()
    app = make_app(sandbox.url, sandbox.api_key, transport=recorder)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "team")
        await type_into(pilot, "name", name)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is form and outcome(form) == "Not sent."
    assert recorder.writes == []
    assert accounts.entity_by_name(sandbox.store, name) is None


@pytest.mark.parametrize("admin", [False, True])
async def test_user_form_creates_the_user(sandbox, api, admin):
    email = f"{unique('new')}@example.com"
    app = make_app(sandbox.url, sandbox.api_key)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "user")
        await type_into(pilot, "email", email)
        if admin:
            form.query_one("#admin").focus()
            await pilot.press("enter", "down", "enter")
            assert form.get("admin") == "yes"
        await pilot.press("ctrl+s")  # Enter on a choice opens its menu
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert ("ADMIN" in app.screen.question) is admin
        await pilot.press("y")
        await until(pilot, lambda: not isinstance(app.screen, (FormScreen, ConfirmScreen)))
        await settle(pilot)
    [official] = [u for u in api.users(email) if u.email == email]
    assert official.admin is admin
    async with await core(sandbox) as client:
        user = await client.user(email)
    assert (user.email, user.admin) == (email, admin)


async def test_run_form_creates_the_run_with_the_typed_id(sandbox, api):
    project, run_id = unique("runs"), unique("r")
    app = make_app(sandbox.url, sandbox.api_key)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "run", entity="admin")
        await type_into(pilot, "project", project)
        await type_into(pilot, "run_id", run_id)
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, FormScreen))
        await settle(pilot)
        assert app.screen.current.kind is Kind.RUN and app.screen.current.name == run_id
    run = api.run(f"admin/{project}/{run_id}")
    assert (run.id, run.project, run.entity, run.state) == (run_id, project, "admin", "running")
    async with await core(sandbox) as client:
        assert (await client.run(f"admin/{project}/{run_id}")).id == run_id


async def test_run_form_generates_an_id_once(sandbox, api):
    project = unique("runs")
    app = make_app(sandbox.url, sandbox.api_key)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "run", entity="admin", project=project)
        auto = form.auto_id
        assert auto in form.query_one("#run_id").placeholder
        await pilot.press("f2")
        await until(pilot, lambda: not isinstance(app.screen, FormScreen))
        await settle(pilot)
    assert [r.id for r in api.runs(f"admin/{project}")] == [auto]
