"""New user (instance admins): an email address and whether the user is an admin too."""

from __future__ import annotations

from textual.app import ComposeResult

from ..refs import Kind, Ref
from . import rules
from .base import Conflict, Created, FormScreen, python_call
from .fields import Field, choice, text_input

ROLES = [("no: a regular user", "no"), ("yes: an instance admin (can create users)", "yes")]


class UserForm(FormScreen):
    TITLE = "New user"
    CONFIRM = "Create this user?"
    WATCH = ("email",)

    def compose_fields(self) -> ComposeResult:
        v = self.values
        yield Field("Email", text_input(v.get("email", ""), "name@example.com", id="email"), name="email")
        yield Field("Admin", choice(ROLES, "yes" if v.get("admin") in ("yes", "true") else "no", id="admin"),
                    name="admin")

    @property
    def admin(self) -> bool:
        return self.get("admin") == "yes"

    def problems(self) -> dict[str, str]:
        problem = rules.email(self.get("email"))
        return {"email": problem} if problem else {}

    def confirm_question(self) -> str:
        role = "an instance ADMIN" if self.admin else "a user"
        return f"Create {self.get('email')} as {role}? They can sign in to this W&B server."

    def identity(self) -> tuple[str, ...]:
        return (self.get("email").lower(),)

    async def existing(self) -> Conflict | None:
        email = self.get("email")
        if any((u.email or "").lower() == email.lower() for u in await self.api.users(email)):
            return Conflict("email", f"a user with email {email} exists")
        return None

    async def send(self) -> Created:
        user = await self.api.create_user(self.get("email"), admin=self.admin)
        return self.created(user.username or self.get("email"))

    async def recovered(self) -> Created:
        users = await self.api.users(self.get("email"))
        return self.created(next((u.username for u in users if u.username), self.get("email")))

    def created(self, username: str) -> Created:
        return Created(Ref(Kind.USERS, label="Users (admin)"), None,
                       f"Created user {username} ({self.get('email')})")

    def python_call(self) -> str:
        return python_call("create_user", {"email": self.get("email"), "admin": self.admin})
