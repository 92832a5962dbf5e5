"""Completion of entity names from the viewer's own entity and teams."""

from __future__ import annotations

from textual.suggester import Suggester

from ...core import Api
from ...core.errors import WandbError


class EntitySuggester(Suggester):
    def __init__(self, api: Api) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.api = api

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        try:
            viewer = await self.api.viewer()  # cached by the Api
        except WandbError:
            return None
        names = [viewer.entity or viewer.username or "", *viewer.teams]
        return next((n for n in names if n and n.startswith(value) and n != value), None)
