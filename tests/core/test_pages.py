"""Paginator mechanics against a scripted GraphQL app: failures are not cached, an early stop
reads at most one page ahead, `flush()` forgets pages, big pages are converted in slices."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from wbtui.core import Api, ServerError


class RunsApp:
    """Answers `Runs` with pages of fake run nodes, failing the calls listed in `fail`."""

    def __init__(self, total: int, fail: set[int] | None = None) -> None:
        self.total = total
        self.fail = fail or set()
        self.calls: list[dict[str, Any]] = []

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        variables = json.loads(body)["variables"]
        self.calls.append(variables)
        if len(self.calls) - 1 in self.fail:
            status, payload = 500, {"errors": [{"message": "boom"}]}
        else:
            start = int(variables["cursor"] or 0)
            end = min(start + variables["perPage"], self.total)
            nodes = [{"name": f"r{i}", "displayName": f"run {i}", "state": "finished"} for i in range(start, end)]
            project = {"runs": {"edges": [{"cursor": str(i + 1), "node": n} for i, n in zip(range(start, end), nodes)],
                                "pageInfo": {"endCursor": str(end), "hasNextPage": end < self.total}}}
            if variables.get("withCount"):
                project["runCount"] = self.total
            status, payload = 200, {"data": {"project": project}}
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": json.dumps(payload).encode()})


def client(app: RunsApp) -> Api:
    return Api(api_key="k", overrides={"base_url": "http://wandb.test"}, transport=httpx.ASGITransport(app=app),
               max_retries=0)


async def test_failed_page_is_not_cached() -> None:
    app = RunsApp(total=5, fail={0})
    async with client(app) as api:
        runs = api.runs("e/p", per_page=2)
        with pytest.raises(ServerError, match="boom"):
            await runs.first_page()
        page = await runs.first_page()
        assert [r.id for r in page.items] == ["r0", "r1"] and page.total == 5


async def test_count_is_asked_once() -> None:
    app = RunsApp(total=7)
    async with client(app) as api:
        assert [r.id async for r in api.runs("e/p", per_page=3)] == [f"r{i}" for i in range(7)]
    assert [c.get("withCount") for c in app.calls] == [True, False, False]


async def test_early_stop_reads_at_most_one_page_ahead() -> None:
    app = RunsApp(total=1000)
    async with client(app) as api:
        async for run in api.runs("e/p", per_page=10):
            if run.id == "r15":
                break
    assert len(app.calls) <= 3


async def test_pages_resume_from_their_cursor() -> None:
    app = RunsApp(total=10)
    async with client(app) as api:
        runs = api.runs("e/p", per_page=4)
        first = await runs.first_page()
        second = await runs.next_page(first)
        assert second is not None and [r.id for r in second.items] == ["r4", "r5", "r6", "r7"]
        third = await runs.page(second.cursor)
        assert [r.id for r in third.items] == ["r8", "r9"] and not third.has_next
        assert await runs.next_page(third) is None
        assert runs.cursor == second.cursor  # the SDK's `.cursor`: where the next unread page starts
    assert len(app.calls) == 3


async def test_a_big_page_is_converted_with_turns_of_the_event_loop_between_slices() -> None:
    from wbtui.core.pages import SLICE

    app = RunsApp(total=1000)
    async with client(app) as api:
        ticks = 0
        done = asyncio.Event()

        async def ticker() -> None:  # counts the turns the loop gives other tasks meanwhile
            nonlocal ticks
            while not done.is_set():
                ticks += 1
                await asyncio.sleep(0)

        runs = api.runs("e/p", per_page=1000)
        task = asyncio.create_task(ticker())
        response = await runs._response(None)
        before = ticks
        page = await runs._store(None, response)
        done.set()
        await task
        assert len(page.items) == 1000
        assert ticks - before >= 1000 // SLICE  # at least one turn per slice


async def test_a_flush_during_conversion_keeps_no_stale_page() -> None:
    app = RunsApp(total=500)
    async with client(app) as api:
        runs = api.runs("e/p", per_page=500)
        response = await runs._response(None)
        converting = asyncio.create_task(runs._store(None, response))
        await asyncio.sleep(0)
        api.flush()
        runs._forget_if_flushed()  # as a page() call made meanwhile does first
        page = await converting
        assert len(page.items) == 500  # the caller gets its page ...
        assert (await runs.first_page()) is not page  # ... but it is not kept: a fresh one is read
    assert len(app.calls) == 2
