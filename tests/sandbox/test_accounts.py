"""Accounts through the official wandb.Api: users, teams, membership, projects and visibility."""

from __future__ import annotations

import secrets

import httpx
import pytest
import wandb


def graphql(sandbox, key, query, variables=None):
    r = httpx.post(f"{sandbox.url}/graphql", json={"query": query, "variables": variables or {}},
                   auth=("api", key))
    r.raise_for_status()
    return r.json()


def test_a_wrong_key_gets_401_and_the_sdk_raises_its_authentication_error(sandbox):
    r = httpx.post(f"{sandbox.url}/graphql", json={"query": "{ viewer { id } }"}, auth=("api", "local-" + "0" * 40))
    assert r.status_code == 401
    assert httpx.post(f"{sandbox.url}/graphql", json={"query": "{ viewer { id } }"}).status_code == 401
    with pytest.raises(wandb.errors.AuthenticationError):
        wandb.Api(api_key="local-" + "1" * 40, overrides={"base_url": sandbox.url})


def test_wandb_init_with_a_wrong_key_fails(run_sdk):
    proc = run_sdk("import wandb\nwandb.init(project='nope')\n", api_key="local-" + "2" * 40, check=False)
    assert proc.returncode != 0
    assert "CommError: authentication failed: invalid or missing API key" in proc.stderr


def test_viewer_and_default_entity(api):
    assert api.viewer.username == "admin"
    assert api.viewer.admin is True
    assert api.default_entity == "admin"


def test_only_admins_create_users(api, api_as, make_user):
    _, key = make_user()
    email = f"new-{secrets.token_hex(3)}@example.com"
    with pytest.raises(Exception, match="admin"):
        api_as(key).create_user(email)
    assert api.users(email) == []
    user = api.create_user(email, admin=False)
    assert user.email == email and user.admin is False
    found = api.user(email)
    assert found.username == user.username and found.email == email


def test_users_search_by_name_email_and_username(api, make_user):
    user, _ = make_user()
    for query in (user["username"], user["email"], user["email"].split("@")[1]):
        assert user["username"] in [u.username for u in api.users(query)]


def test_create_team_makes_the_named_user_its_admin(api, make_user):
    bob, _ = make_user()
    name = "team-" + secrets.token_hex(3)
    team = api.create_team(name, admin_username=bob["username"])
    assert team.name == name
    members = {m.username: m for m in api.team(name).members}
    assert set(members) == {bob["username"]}
    assert members[bob["username"]].admin is True
    assert name in api.user(bob["username"]).teams


def test_team_members_never_show_api_keys(sandbox, api):
    name = "team-" + secrets.token_hex(3)
    api.create_team(name)
    data = graphql(sandbox, sandbox.api_key, "query($n: String!) { entity(name: $n) { members { apiKey } } }",
                   {"n": name})
    assert data["data"]["entity"]["members"] == [{"apiKey": None}]


def test_create_project_and_list_it(api, project_name):
    api.create_project(project_name, "admin")
    project = api.project(project_name, "admin")
    assert project.name == project_name
    assert project_name in [p.name for p in api.projects("admin")]


def test_a_team_project_is_invisible_outside_the_team_until_public(sandbox, api, api_as, make_user, project_name):
    team = "team-" + secrets.token_hex(3)
    api.create_team(team)
    api.create_project(project_name, team)
    api.create_run(run_id="r1", project=project_name, entity=team)
    _, outsider_key = make_user()
    outsider = api_as(outsider_key)
    assert [p.name for p in outsider.projects(team)] == []
    with pytest.raises(wandb.errors.CommError, match="Could not find run"):
        outsider.run(f"{team}/{project_name}/r1")
    assert [r.id for r in api.runs(f"{team}/{project_name}")] == ["r1"]

    graphql(sandbox, sandbox.api_key, "mutation($i: UpsertModelInput!) { upsertModel(input: $i) { project { id } } }",
            {"i": {"entityName": team, "name": project_name, "access": "USER_READ"}})
    outsider = api_as(outsider_key)  # wandb.Api caches project listings (flush() clears only runs)
    assert [p.name for p in outsider.projects(team)] == [project_name]
    assert outsider.run(f"{team}/{project_name}/r1").id == "r1"


def test_a_non_member_cannot_log_to_a_team(api, make_user, run_sdk):
    team = "team-" + secrets.token_hex(3)
    api.create_team(team)
    _, key = make_user()
    proc = run_sdk(f"import wandb\nwandb.init(entity={team!r}, project='p')\n", api_key=key, check=False)
    assert proc.returncode != 0
    assert "permission denied" in proc.stderr


def test_from_path_reads_runs_and_projects(api, project_name):
    api.create_run(run_id="fp1", project=project_name, entity="admin")
    assert api.from_path(f"admin/{project_name}/runs/fp1").id == "fp1"
    assert api.from_path(f"admin/{project_name}").name == project_name


def test_use_admin_privileges_only_works_for_admins(sandbox, api_as, make_user, project_name):
    owner, owner_key = make_user()
    api_as(owner_key).create_project(project_name, owner["username"])
    _, other_key = make_user()
    query = "query($e: String!, $p: String!) { project(entityName: $e, name: $p) { name } }"
    variables = {"e": owner["username"], "p": project_name}

    def sees(key, header):
        r = httpx.post(f"{sandbox.url}/graphql", json={"query": query, "variables": variables}, auth=("api", key),
                       headers={"Use-Admin-Privileges": "true"} if header else {})
        return r.json()["data"]["project"] is not None

    assert sees(owner_key, False)
    assert not sees(other_key, False) and not sees(other_key, True)
    assert not sees(sandbox.api_key, False) and sees(sandbox.api_key, True)


def test_projects_page_through_cursors(api, api_as, make_user):
    user, key = make_user()
    mine = api_as(key)
    names = [f"p{i:02d}" for i in range(7)]
    for name in names:
        mine.create_project(name, user["username"])
    listed = mine.projects(user["username"], per_page=3)
    assert sorted(p.name for p in listed) == names
