"""Transport behaviour against a tiny ASGI app that injects faults: auth, retries, error mapping,
bounded concurrency, and that no error ever shows the API key."""

from __future__ import annotations

import asyncio
import base64
import json
import traceback
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from wbtui.core import errors
from wbtui.core.settings import Settings
from wbtui.core.transport import Transport

KEY = "local-0123456789abcdef0123456789abcdef01234567"
ENCODED = base64.b64encode(f"api:{KEY}".encode()).decode()
QUERY = "query Viewer { viewer { id } }"
MUTATION = "mutation CreateThing { createThing { id } }"


class FaultApp:
    """Answers each request with the next scripted response: (status, body, headers)."""

    def __init__(self, script: list[tuple[int, Any, dict[str, str]]] | None = None, delay: float = 0.0) -> None:
        self.script = list(script or [])
        self.requests: list[dict[str, Any]] = []
        self.delay = delay
        self.active = 0
        self.max_active = 0

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.requests.append({"headers": {k.decode(): v.decode() for k, v in scope["headers"]}, "body": body})
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            status, payload, headers = self.script.pop(0) if self.script else (200, {"data": {"ok": True}}, {})
        finally:
            self.active -= 1
        raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        await send({
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json")] + [(k.encode(), v.encode()) for k, v in headers.items()],
        })
        await send({"type": "http.response.body", "body": raw})


class Unreachable(httpx.AsyncBaseTransport):
    """Fails the first `failures` requests before they reach the app, like a refused connection."""

    def __init__(self, app: FaultApp, failures: int, error: type[httpx.HTTPError] = httpx.ConnectError) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.failures = failures
        self.error = error

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.failures:
            self.failures -= 1
            raise self.error("connection refused", request=request)
        return await self.inner.handle_async_request(request)


def make(app: FaultApp | None = None, transport: httpx.AsyncBaseTransport | None = None, **kw: Any) -> Transport:
    settings = Settings(base_url="http://wandb.test", api_key=KEY, timeout=5)
    return Transport(settings, transport=transport or httpx.ASGITransport(app=app), backoff=0.001, **kw)


def assert_no_key(exc: BaseException) -> None:
    texts = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:  # the whole cause/context chain
        seen.add(id(link))
        texts += [str(link), repr(link), repr(vars(link)) if hasattr(link, "__dict__") else ""]
        link = link.__cause__ or link.__context__
    for text in texts:
        assert KEY not in text and ENCODED not in text


async def test_sends_basic_auth_user_agent_and_admin_header() -> None:
    app = FaultApp()
    t = make(app)
    assert await t.graphql(QUERY, operation="Viewer") == {"ok": True}
    headers = app.requests[0]["headers"]
    assert headers["authorization"] == f"Basic {ENCODED}"
    assert "wbtui/" in headers["user-agent"] and headers["user-agent"].startswith("W&B Public Client")
    assert headers["use-admin-privileges"] == "true"
    body = json.loads(app.requests[0]["body"])
    assert body == {"query": QUERY, "operationName": "Viewer"}
    assert "variables" not in body
    await t.aclose()


async def test_query_retries_gateway_errors_then_succeeds() -> None:
    app = FaultApp([(503, {}, {}), (502, b"bad gateway", {}), (504, {}, {})])
    t = make(app)
    assert await t.graphql(QUERY) == {"ok": True}
    assert len(app.requests) == 4
    await t.aclose()


async def test_query_gives_up_after_max_retries() -> None:
    app = FaultApp([(503, {"errors": [{"message": "overloaded"}]}, {})] * 10)
    t = make(app, max_retries=2)
    with pytest.raises(errors.ServerError, match="overloaded") as caught:
        await t.graphql(QUERY)
    assert caught.value.status == 503 and len(app.requests) == 3
    await t.aclose()


async def test_mutation_is_not_retried_after_a_gateway_error() -> None:
    app = FaultApp([(502, b"bad gateway", {})])
    t = make(app)
    with pytest.raises(errors.ServerError):
        await t.graphql(MUTATION, mutation=True)
    assert len(app.requests) == 1  # it may have been applied: never sent twice
    await t.aclose()


async def test_idempotent_mutation_is_retried() -> None:
    app = FaultApp([(502, b"", {})])
    t = make(app)
    assert await t.graphql(MUTATION, mutation=True, idempotent=True) == {"ok": True}
    assert len(app.requests) == 2
    await t.aclose()


async def test_mutation_is_retried_after_429() -> None:
    app = FaultApp([(429, {"errors": [{"message": "rate limited"}]}, {"Retry-After": "0"})])
    t = make(app)
    assert await t.graphql(MUTATION, mutation=True) == {"ok": True}
    assert len(app.requests) == 2  # a 429 was not applied: sending it again is safe
    await t.aclose()


@pytest.mark.parametrize(
    ("header", "low", "high"),
    [("7", 7, 7), ("1000", 60, 60), (None, 0, 0.001), ("garbage", 0, 0.001)],
)
async def test_retry_after_is_honoured_and_capped(header: str | None, low: float, high: float) -> None:
    t = make(FaultApp())
    headers = {"Retry-After": header} if header else {}
    response = httpx.Response(429, headers=headers)
    assert low <= t._delay(0, response) <= high
    await t.aclose()


async def test_retry_after_as_an_http_date() -> None:
    import email.utils
    import time

    t = make(FaultApp())
    response = httpx.Response(503, headers={"Retry-After": email.utils.formatdate(time.time() + 30, usegmt=True)})
    assert 25 <= t._delay(0, response) <= 30
    await t.aclose()


async def test_backoff_grows_with_jitter() -> None:
    t = make(FaultApp())
    t.backoff = 1.0
    for attempt in range(5):
        delays = [t._delay(attempt, None) for _ in range(50)]
        assert all(0 <= d <= 2**attempt for d in delays)
        assert max(delays) > 2**attempt / 4  # full jitter spreads over the window
    await t.aclose()


async def test_connection_refused_is_retried_even_for_mutations() -> None:
    app = FaultApp()
    t = make(transport=Unreachable(app, failures=2))
    assert await t.graphql(MUTATION, mutation=True) == {"ok": True}
    assert len(app.requests) == 1
    await t.aclose()


async def test_read_timeout_on_a_mutation_is_not_retried() -> None:
    app = FaultApp()
    t = make(transport=Unreachable(app, failures=1, error=httpx.ReadTimeout))
    with pytest.raises(errors.TransportError, match="ReadTimeout") as caught:
        await t.graphql(MUTATION, mutation=True)
    assert_no_key(caught.value)
    await t.aclose()


async def test_unreachable_server_gives_a_transport_error_without_the_key() -> None:
    app = FaultApp()
    t = make(transport=Unreachable(app, failures=100), max_retries=1)
    with pytest.raises(errors.TransportError, match="Could not reach http://wandb.test/graphql") as caught:
        await t.graphql(QUERY)
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    assert_no_key(caught.value)
    await t.aclose()


@pytest.mark.parametrize(
    ("status", "payload", "error", "text"),
    [
        (401, {"errors": [{"message": "invalid api key"}]}, errors.AuthenticationError, "rejected the API key"),
        (403, {"errors": [{"message": "forbidden"}]}, errors.PermissionDeniedError, "forbidden"),
        (404, b"not here", errors.NotFoundError, "not here"),
        (400, {"errors": [{"message": "Variable '$x' got invalid value"}]}, errors.ValidationError, "invalid value"),
        (500, b"<html>boom</html>", errors.ServerError, "boom"),
        (200, {"errors": [{"message": "project not found"}], "data": None}, errors.NotFoundError, "project not found"),
        (200, {"errors": [{"message": "permission denied for entity"}]}, errors.PermissionDeniedError, "permission"),
        (200, {"errors": [{"message": "Cannot query field 'x' on type 'Run'."}]}, errors.ValidationError, "Cannot query"),
        (200, {"errors": [{"message": "internal failure"}]}, errors.ServerError, "internal failure"),
        (200, b"not json", errors.ServerError, "invalid JSON"),
    ],
)
async def test_error_mapping(status: int, payload: Any, error: type, text: str) -> None:
    app = FaultApp([(status, payload, {})])
    t = make(app)
    with pytest.raises(error, match=text) as caught:
        await t.graphql(QUERY)
    assert_no_key(caught.value)
    await t.aclose()


async def test_graphql_error_echoing_the_key_would_still_be_the_servers_message() -> None:
    # The client never adds the key itself; it only repeats what the server says.
    app = FaultApp([(200, {"errors": [{"message": "entity foo not found"}]}, {})])
    t = make(app)
    with pytest.raises(errors.NotFoundError) as caught:
        await t.graphql(QUERY, {"token": "x"})
    assert_no_key(caught.value)
    await t.aclose()


async def test_concurrency_is_bounded() -> None:
    app = FaultApp(delay=0.02)
    t = make(app, max_concurrency=3)
    await asyncio.gather(*(t.graphql(QUERY) for _ in range(12)))
    assert len(app.requests) == 12 and app.max_active == 3
    await t.aclose()


async def test_download_sends_the_key_only_to_the_server() -> None:
    app = FaultApp([(200, b"file body", {}), (200, b"storage body", {})])
    t = make(app)
    async with t.stream("/files/e/p/r/output.log") as response:
        assert await response.aread() == b"file body"
    async with t.stream("http://storage.test/bucket/obj?sig=1") as response:
        assert await response.aread() == b"storage body"
    assert app.requests[0]["headers"]["authorization"] == f"Basic {ENCODED}"
    assert "authorization" not in app.requests[1]["headers"]
    await t.aclose()


async def test_failed_download_error_has_no_key() -> None:
    t = make(transport=Unreachable(FaultApp(), failures=5))
    with pytest.raises(errors.TransportError) as caught:
        async with t.stream("/files/e/p/r/x"):
            pass
    assert_no_key(caught.value)
    await t.aclose()


def test_transport_repr_has_no_key() -> None:
    t = make(FaultApp())
    assert KEY not in repr(t) and ENCODED not in repr(t)
    asyncio.run(t.aclose())
