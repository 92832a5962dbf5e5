"""New team: its name and the user who administers it (yourself when left empty)."""

from __future__ import annotations

from textual.app import ComposeResult

from ..refs import Kind, Ref
from . import rules
from .base import Conflict, Created, FormScreen, exists, python_call
from .fields import Field, text_input


class TeamForm(FormScreen):
    TITLE = "New team"
    CONFIRM = "Create this team? Its admin and the team's name are visible to others."
    WATCH = ("name", "admin")

    def compose_fields(self) -> ComposeResult:
        v = self.values
        yield Field("Name", text_input(v.get("name", ""), "my-team", id="name"), name="name",
                    hint="lowercase letters, digits, - and _; unique across users and teams")
        yield Field("Admin", text_input(v.get("admin", ""), "username (empty: you)", id="admin"), name="admin")

    def problems(self) -> dict[str, str]:
        checks = {"name": rules.team_name(self.get("name")),
                  "admin": rules.username(self.get("admin")) if self.get("admin") else None}
        return {k: v for k, v in checks.items() if v}

    def confirm_question(self) -> str:
        admin = self.get("admin") or "you"
        return f"Create the team {self.get('name')} with {admin} as its admin?"

    def identity(self) -> tuple[str, ...]:
        return (self.get("name"),)

    async def existing(self) -> Conflict | None:
        name, admin = self.get("name"), self.get("admin")
        if await exists(self.api.team(name)):
            return Conflict("name", f"the name {name} is taken (by a user or a team)")
        if admin and not any(u.username == admin for u in await self.api.users(admin)):
            return Conflict("admin", f"there is no user {admin}")
        return None

    async def send(self) -> Created:
        team = await self.api.create_team(self.get("name"), self.get("admin") or None)
        return self.created(team.name)

    async def recovered(self) -> Created:
        return self.created(self.get("name"))

    def created(self, name: str) -> Created:
        return Created(Ref(Kind.TEAM, name, label=name), None, f"Created team {name}")

    def python_call(self) -> str:
        args = {"team": self.get("name")}
        if self.get("admin"):
            args["admin_username"] = self.get("admin")
        return python_call("create_team", args)
