"""What every resolver gets as `info.context`: the store, blob storage, the viewer, the base URL."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLResolveInfo

from . import accounts
from .accounts import SandboxError, Viewer
from .storage import Storage
from .store import Row, Store


@dataclass
class Context:
    store: Store
    storage: Storage
    viewer: Viewer
    base_url: str  # e.g. "http://127.0.0.1:8080", for the URLs handed to clients
    memo: dict[Any, Any] = field(default_factory=dict)  # per-request cache

    def project(self, entity: str | None, name: str | None) -> Row | None:
        """A project the viewer may read (None if absent or hidden); entity defaults to the viewer's."""
        entity = entity or self.viewer.user["username"]
        key = ("project", entity, name)
        if key not in self.memo:
            self.memo[key] = accounts.find_project(self.store, self.viewer, entity, name)
        return self.memo[key]

    def cached(self, kind: str, pk: Any, sql: str) -> Row | None:
        """`store.one(sql, (pk,))`, once per request for each (kind, pk)."""
        key = (kind, pk)
        if key not in self.memo:
            self.memo[key] = None if pk is None else self.store.one(sql, (pk,))
        return self.memo[key]

    def require_project(self, entity: str | None, name: str | None) -> Row:
        project = self.project(entity, name)
        if project is None:
            raise SandboxError(f"project {entity}/{name} not found")
        return project

    def require_admin(self) -> None:
        if not self.viewer.is_admin:
            raise SandboxError("permission denied: this needs an instance admin")


def ctx(info: GraphQLResolveInfo) -> Context:
    return info.context
