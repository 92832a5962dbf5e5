"""The one HTTP client of an Api: auth, timeouts, bounded concurrency, retries, error mapping.

Retries (exponential backoff with full jitter) cover connection failures, 429 (honouring
Retry-After) and 502/503/504 -- but a mutation is retried only when the request cannot have
been applied: the connection was never made, or the server answered 429. Callers mark
upserts that are safe to repeat with `idempotent=True`.
"""

from __future__ import annotations

import asyncio
import base64
import email.utils
import json
import random
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx

from .. import fastjson
from . import errors
from .settings import Settings

RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_RETRY_AFTER = 60.0


def user_agent() -> str:
    from wbtui import __version__

    # W&B gates some fields on a "W&B Public Client" User-Agent (wandb.Api's comment on it),
    # so wbtui names itself after that prefix, like browsers keep "Mozilla/5.0".
    return f"W&B Public Client 0.31.0 (compatible; wbtui/{__version__})"


class Transport:
    def __init__(
        self,
        settings: Settings,
        *,
        max_retries: int = 5,
        backoff: float = 0.5,
        max_concurrency: int = 8,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.base_url = settings.base_url
        self.max_retries = max_retries
        self.backoff = backoff
        self.requests = 0  # GraphQL round trips, for tests and benchmarks
        self._semaphore = asyncio.Semaphore(max_concurrency)
        token = base64.b64encode(f"api:{settings.require_key()}".encode()).decode()
        self._auth_header = f"Basic {token}"
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(settings.timeout),
            transport=transport,
            headers={"User-Agent": user_agent()},
            follow_redirects=True,
        )

    def __repr__(self) -> str:
        return f"<Transport {self.base_url}>"

    async def aclose(self) -> None:
        await self._client.aclose()

    async def graphql(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        operation: str | None = None,
        mutation: bool = False,
        idempotent: bool | None = None,
    ) -> dict[str, Any]:
        """POST a GraphQL document and return its `data`, or raise a typed error."""
        body: dict[str, Any] = {"query": document}
        if variables is not None:
            body["variables"] = dict(variables)
        if operation:
            body["operationName"] = operation
        headers = {
            "Authorization": self._auth_header,
            "Content-Type": "application/json",
            # wandb.Api sends it on every request; admins see what they would see with the SDK.
            "Use-Admin-Privileges": "true",
        }
        retry_sent = not mutation if idempotent is None else idempotent
        response = await self._send(
            "POST", self.base_url + "/graphql", headers=headers,
            content=json.dumps(body, separators=(",", ":")).encode(), retry_sent=retry_sent,
        )
        self.requests += 1
        return _graphql_data(response)

    async def post_json(self, url: str, payload: Mapping[str, Any], *, idempotent: bool) -> Any:
        """POST JSON to a W&B endpoint that takes the API key (e.g. file_stream)."""
        headers = {"Authorization": self._auth_header, "Content-Type": "application/json"}
        response = await self._send(
            "POST", url, headers=headers, content=json.dumps(payload).encode(), retry_sent=idempotent
        )
        _raise_for_status(response)
        return response.json() if response.content else None

    @asynccontextmanager
    async def stream(self, url: str) -> AsyncIterator[httpx.Response]:
        """GET a file; the key goes only to the W&B server itself, never to storage URLs."""
        url = self.base_url + url if url.startswith("/") else url
        headers = {"Authorization": self._auth_header} if _same_origin(url, self.base_url) else {}
        failure: errors.WandbError | None = None
        async with self._semaphore:
            try:
                async with self._client.stream("GET", url, headers=headers) as response:
                    if response.status_code >= 400:
                        await response.aread()
                        _raise_for_status(response)
                    yield response
            except httpx.HTTPError as exc:
                failure = _transport_error(exc, url)
        if failure is not None:  # raised outside `except`: no httpx exception as context
            raise failure

    async def _send(
        self, method: str, url: str, *, headers: dict[str, str], content: bytes, retry_sent: bool
    ) -> httpx.Response:
        attempt = 0
        while True:
            failure: errors.WandbError | None = None
            response: httpx.Response | None = None
            reached = True
            async with self._semaphore:
                try:
                    response = await self._client.request(method, url, headers=headers, content=content)
                except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                    # the request never reached the server: safe to send again
                    reached, failure = False, _transport_error(exc, url)
                except httpx.HTTPError as exc:
                    failure = _transport_error(exc, url)
            status = response.status_code if response is not None else None
            retryable = (
                (failure is not None and (retry_sent or not reached))
                or status == 429
                or (status in RETRY_STATUSES and retry_sent)
            )
            if not retryable or attempt >= self.max_retries:
                if failure is not None:
                    raise failure
                assert response is not None
                return response
            await asyncio.sleep(self._delay(attempt, response))
            attempt += 1

    def _delay(self, attempt: int, response: httpx.Response | None) -> float:
        if response is not None and (after := _retry_after(response.headers.get("Retry-After"))):
            return min(after, MAX_RETRY_AFTER)
        return random.uniform(0, self.backoff * 2**attempt)  # full jitter


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _same_origin(url: str, base_url: str) -> bool:
    a, b = httpx.URL(url), httpx.URL(base_url)
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


def _transport_error(exc: httpx.HTTPError, url: str) -> errors.TransportError:
    kind = type(exc).__name__
    detail = str(exc) or "no details"
    return errors.TransportError(f"Could not reach {_no_query(url)}: {kind}: {detail}")


def _no_query(url: str) -> str:
    return str(httpx.URL(url).copy_with(query=None, fragment=None))


STATUS_ERRORS: dict[int, type[errors.WandbError]] = {
    400: errors.ValidationError,
    401: errors.AuthenticationError,
    403: errors.PermissionDeniedError,
    404: errors.NotFoundError,
    422: errors.ValidationError,
}


def _raise_for_status(response: httpx.Response) -> None:
    status = response.status_code
    if status < 400:
        return
    message = _graphql_messages(response) or response.reason_phrase or f"HTTP {status}"
    url = _no_query(str(response.request.url))
    if status == 401:
        message = f"The W&B server at {url} rejected the API key (HTTP 401): {message}"
    cls = STATUS_ERRORS.get(status, errors.ServerError if status >= 500 else errors.WandbError)
    raise cls(message, status=status)


def _graphql_messages(response: httpx.Response) -> str | None:
    try:
        payload = response.json()
    except ValueError:
        return response.text.strip()[:500] or None
    if isinstance(payload, dict) and isinstance(payload.get("errors"), list):
        return "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in payload["errors"])
    if isinstance(payload, dict) and payload.get("error"):
        return str(payload["error"])
    return None


def _graphql_data(response: httpx.Response) -> dict[str, Any]:
    _raise_for_status(response)
    try:
        payload = fastjson.loads(response.content)
    except ValueError:
        raise errors.ServerError(f"The server answered with invalid JSON: {response.text[:200]!r}") from None
    if payload.get("errors"):
        raise graphql_error(payload["errors"])
    data = payload.get("data")
    if data is None:
        raise errors.ServerError("The server answered without data")
    return data


def graphql_error(items: list[Any]) -> errors.WandbError:
    """Map GraphQL `errors` to a typed error by their messages (W&B sends HTTP 200 for these)."""
    message = "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in items)
    lowered = message.lower()
    if "not found" in lowered or "does not exist" in lowered or "couldn't find" in lowered:
        return errors.NotFoundError(message)
    if any(w in lowered for w in ("permission", "not authorized", "unauthorized", "forbidden", "access denied")):
        return errors.PermissionDeniedError(message)
    if any(w in lowered for w in ("cannot query field", "unknown argument", "variable", "invalid", "must be")):
        return errors.ValidationError(message)
    return errors.ServerError(message)
