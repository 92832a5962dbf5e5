"""HTTP authentication as W&B does it: Basic auth with user `api` and the API key as password."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping

from . import accounts
from .accounts import Viewer
from .store import Store


def api_key_of(headers: Mapping[str, str]) -> str | None:
    """The key in an `Authorization: Basic base64("api:KEY")` header."""
    scheme, _, value = (headers.get("authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        _, sep, key = base64.b64decode(value.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return key if sep and key else None


def viewer_for(store: Store, headers: Mapping[str, str]) -> Viewer | None:
    """The request's user, or None when the key is missing or unknown.

    `Use-Admin-Privileges: true` (the public API sends it) gives admin powers only to admins.
    """
    key = api_key_of(headers)
    user = accounts.user_for_key(store, key) if key else None
    if user is None:
        return None
    admin_header = (headers.get("use-admin-privileges") or "").lower() == "true"
    return Viewer(user, admin_mode=bool(user["admin"]) and admin_header)
