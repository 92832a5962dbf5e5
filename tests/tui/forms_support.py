"""Helpers of the form tests: the app on the session sandbox, typing like a user, and an HTTP
transport that records the GraphQL operations sent (and can lose a response the server did
apply, as a dropped connection does)."""

from __future__ import annotations

import json
from typing import Any

import httpx
from scenes import settle as settle_workers

from wbtui.config import Settings
from wbtui.core import Api
from wbtui.tui.app import WbtuiApp
from wbtui.tui.forms.base import FormScreen
from wbtui.tui.screens.browser import BrowserScreen

WRITES = ("Create", "Upsert")


class Recorder(httpx.AsyncBaseTransport):
    """Sends to the real server; remembers each GraphQL operation; `lose` names mutations whose
    next response is dropped after the server applied them."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.operations: list[str] = []
        self.lose: set[str] = set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        operation = None
        if request.url.path.endswith("/graphql"):
            operation = json.loads(request.content or b"{}").get("operationName")
        response = await self.inner.handle_async_request(request)
        if operation:
            self.operations.append(operation)
        if operation in self.lose:
            self.lose.discard(operation)
            await response.aread()
            await response.aclose()
            raise httpx.ReadError("connection lost after the server answered", request=request)
        return response

    @property
    def writes(self) -> list[str]:
        return [op for op in self.operations if op.startswith(WRITES)]

    async def aclose(self) -> None:
        await self.inner.aclose()


def make_app(url: str, key: str, *, read_only: bool = False, transport: httpx.AsyncBaseTransport | None = None,
             **api_options: Any) -> WbtuiApp:
    def make_api() -> Api:
        return Api(overrides={"base_url": url}, api_key=key, transport=transport, **api_options)

    return WbtuiApp(Settings(read_only=read_only), make_api)


async def until(pilot, condition, timeout: float = 20.0) -> None:
    """Pause the pilot until condition() holds (workers finish on the app's loop)."""
    import asyncio

    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        if loop.time() > end:
            raise AssertionError(f"timed out waiting for {condition}")
        await pilot.pause(0.05)


async def browser(pilot) -> BrowserScreen:
    await until(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen))
    return pilot.app.screen


async def open_form(pilot, form: str, /, **values: str) -> FormScreen:
    screen = await browser(pilot)
    screen.open_form(form, **values)
    await until(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    form = pilot.app.screen
    # the form focuses its first field after a refresh: type only then, as a person would
    await until(pilot, lambda: form.focused is not None or form.busy)
    await pilot.pause()
    return form


async def type_into(pilot, widget_id: str, text: str, *, clear: bool = True) -> None:
    """Focus a field and type `text` key by key (newlines as Enter)."""
    widget = pilot.app.screen.query_one(f"#{widget_id}")
    widget.focus()
    if clear:
        if hasattr(widget, "clear"):
            widget.clear()
        else:
            widget.value = ""
    await pilot.pause()
    for index, line in enumerate(text.split("\n")):
        if index:
            await pilot.press("enter")
        if line:
            await pilot.press(*line)


async def settle(pilot) -> None:
    """Let debounced checks and workers finish."""
    await pilot.pause(0.6)
    await settle_workers(pilot)


def field_error(screen: FormScreen, name: str) -> str:
    error = screen.query_one(f"#field-{name} .field-error")
    return str(error.content) if error.display else ""


def outcome(screen: FormScreen) -> str:
    line = screen.query_one(".form-outcome")
    return str(line.content) if line.display else ""


def needs_queues(sandbox) -> None:
    """Skip unless the sandbox serves launch queues (its launch resolvers may not have landed)."""
    import pytest

    root = sandbox.sandbox.schema.get_type("Mutation")
    fields = ("createRunQueue", "upsertRunQueue", "createDefaultResourceConfig")
    if any(f not in root.fields or getattr(root.fields[f].resolve, "__module__", "").startswith("ariadne")
           for f in fields):
        pytest.skip("the sandbox does not serve launch queues yet")
