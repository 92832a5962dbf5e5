"""Teams and users: a team's members with their roles, and (for admins) a user search."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from ...core.models import Member, Team, User
from ..refs import Kind, Ref
from ..text import plain
from ..widgets.paged_table import Cell, Column, Row
from .listing import ListView


def role(member: Member) -> str:
    if member.pending:
        return "invited"
    return "admin" if member.admin else "member"


class TeamView(ListView[Member]):
    HELP = "A team's members with their role and email; Enter opens a member's own entity."
    COLUMNS = [Column("username", "Username", 18), Column("name", "Name", 20, grow=True), Column("role", "Role", 8),
               Column("email", "Email", 28, grow=True), Column("account", "Account", 10)]
    NOUN = "members"
    EMPTY = "This team has no members."

    def __init__(self, ref: Ref) -> None:
        super().__init__(ref)
        self.team: Team | None = None

    @property
    def heading(self) -> str:
        return f"Team · {self.ref.entity}"

    def compose_header(self) -> ComposeResult:
        yield Static("", classes="summary")

    async def load(self) -> None:
        team = await self.api.team(self.ref.entity)
        facts = [f"default access {team.default_access.lower()}" if team.default_access else "",
                 "private projects only" if team.private_only else "",
                 "read-only for you" if team.read_only else "", "" if team.is_team is not False else "a user, not a team"]
        self.query_one(".summary", Static).update(Text(plain(" · ".join(f for f in facts if f)), style="dim"))
        self.team = team
        await super().load()

    def source(self):
        assert self.team is not None
        return _members(self.team)

    def make_row(self, member: Member) -> Row:
        cells = (Cell(plain(member.username)), Cell(plain(member.name)),
                 Cell(role(member), "good" if member.admin else "muted" if member.pending else ""),
                 Cell(plain(member.email)), Cell(plain((member.account_type or "").lower())))
        return Row(member.username or member.id or "", cells, member)

    def open_ref(self, row: Row) -> Ref | None:
        member: Member = row.data  # type: ignore[assignment]
        return Ref(Kind.ENTITY, member.username) if member.username else None


async def _members(team: Team) -> list[Member]:
    return sorted(team.members, key=lambda m: (role(m) != "admin", (m.username or "").lower()))


class UsersView(ListView[User]):
    HELP = "Find users by name, username or email (admins only); Enter on a user opens their entity."
    COLUMNS = [Column("username", "Username", 18), Column("name", "Name", 18, grow=True),
               Column("email", "Email", 28),
               Column("admin", "Admin", 5), Column("teams", "Teams", 24, grow=True)]
    NOUN = "users"

    def __init__(self, ref: Ref) -> None:
        super().__init__(ref)
        self.query_text = ""

    @property
    def heading(self) -> str:
        return "Users"

    def compose_header(self) -> ComposeResult:
        yield Input(placeholder="name, username or email · Enter searches", id="user-search")

    def focus_first(self) -> None:
        self.query_one("#user-search", Input).focus()

    @property
    def empty_text(self) -> str:
        return f"No user matches '{self.query_text}'." if self.query_text else "No users."

    def source(self):
        return self.api.users(self.query_text)

    def status_extra(self) -> str:
        matching = f"matching '{self.query_text}' · " if self.query_text else ""
        return matching + "Enter on a user opens their entity"

    def make_row(self, user: User) -> Row:
        cells = (Cell(plain(user.username)), Cell(plain(user.name)), Cell(plain(user.email)),
                 Cell("yes" if user.admin else "", "good" if user.admin else ""), Cell(plain(", ".join(user.teams))))
        return Row(user.id or user.username or "", cells, user)

    @on(Input.Submitted, "#user-search")
    def _search(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_text = event.value.strip()
        self.reload()
        self.table.focus()

    def open_ref(self, row: Row) -> Ref | None:
        user: User = row.data  # type: ignore[assignment]
        return Ref(Kind.ENTITY, user.entity or user.username) if (user.entity or user.username) else None
