"""Typed errors of the core client.

None of them ever holds the API key: messages are built from the URL, the HTTP status and the
server's GraphQL messages only, and transport failures are re-raised without the httpx
exception (which carries the request and its Authorization header) as cause or context.
"""

from __future__ import annotations


class WandbError(Exception):
    """Base class of every error the core client raises on purpose."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status  # HTTP status, when the server answered

    def __str__(self) -> str:
        return self.message


class AuthenticationError(WandbError):
    """No API key, or the server rejected it (HTTP 401)."""


class PermissionDeniedError(WandbError):
    """The key is valid but may not do this (HTTP 403 or a GraphQL permission error)."""


class NotFoundError(WandbError, ValueError):
    """The entity, project, run, artifact... does not exist or is not visible.

    A ValueError too, because the official SDK raises ValueError subclasses
    (e.g. RunNotFoundError) in these cases.
    """


class ValidationError(WandbError, ValueError):
    """The server rejected the request's input (a GraphQL validation error or HTTP 400/422)."""


class ServerError(WandbError):
    """The server failed (5xx) or answered with a GraphQL error; `message` is the server's."""


class TransportError(WandbError):
    """The server could not be reached, or the connection broke or timed out."""


class NotLoadedError(WandbError, AttributeError):
    """A field was not fetched with this object (lists are light; load details on demand)."""
