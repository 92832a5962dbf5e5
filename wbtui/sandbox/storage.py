"""Blob storage on disk behind signed upload (PUT) and download (GET) URLs.

A URL carries its own authorisation: `/storage/<payload>.<signature>`, the payload naming the
blob, the method and an expiry, signed with HMAC-SHA256 under a secret kept in the database
(one per data dir).  The API key is never part of a URL.

Other modules hand out URLs with `Storage.upload_url` / `download_url` and learn about finished
uploads with `on_upload(kind, hook)`: `hook(store, ref, size, md5_b64)` runs after the bytes of
an upload URL signed with that `kind` and `ref` are on disk.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from .store import Store

URL_TTL = 7 * 24 * 3600
UploadHook = Callable[[Store, Any, int, str], None]
_upload_hooks: dict[str, UploadHook] = {}


def on_upload(kind: str, hook: UploadHook) -> None:
    _upload_hooks[kind] = hook


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Storage:
    def __init__(self, root: Path, store: Store):
        self.root = root
        self.store = store
        secret = store.setting("url_secret")
        if secret is None:
            secret = secrets.token_hex(32)
            store.set_setting("url_secret", secret)
        self._secret = bytes.fromhex(secret)

    def path(self, key: str) -> Path:
        """The file of blob `key` (a relative POSIX path that cannot escape the root)."""
        parts = PurePosixPath(key).parts
        if not parts or key.startswith("/") or any(p in ("..", ".", "") for p in parts):
            raise ValueError(f"invalid storage key {key!r}")
        return self.root.joinpath(*parts)

    def _sign(self, payload: dict[str, Any]) -> str:
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        sig = _b64(hmac.new(self._secret, body.encode(), hashlib.sha256).digest())
        return f"{body}.{sig}"

    def verify(self, token: str, method: str) -> dict[str, Any] | None:
        body, _, sig = token.partition(".")
        want = _b64(hmac.new(self._secret, body.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(sig, want):
            return None
        try:
            payload = json.loads(_unb64(body))
        except ValueError:
            return None
        if payload.get("m") != method or payload.get("e", 0) < time.time():
            return None
        return payload

    def upload_url(self, base_url: str, key: str, kind: str | None = None, ref: Any = None) -> str:
        self.path(key)  # validate now, not at upload time
        payload = {"k": key, "m": "PUT", "e": int(time.time()) + URL_TTL}
        if kind:
            payload |= {"h": kind, "r": ref}
        return f"{base_url}/storage/{self._sign(payload)}"

    def download_url(self, base_url: str, key: str) -> str:
        return f"{base_url}/storage/{self._sign({'k': key, 'm': 'GET', 'e': int(time.time()) + URL_TTL})}"

    def writer(self, key: str) -> BlobWriter:
        return BlobWriter(self.path(key))

    def write(self, key: str, data: bytes) -> tuple[int, str]:
        w = self.writer(key)
        w.write(data)
        return w.commit()

    def finish_upload(self, payload: dict[str, Any], size: int, md5: str) -> None:
        hook = _upload_hooks.get(payload.get("h") or "")
        if hook is not None:
            hook(self.store, payload.get("r"), size, md5)


class BlobWriter:
    """Writes a blob to a temporary file and moves it into place on `commit`."""

    def __init__(self, dest: Path):
        dest.parent.mkdir(parents=True, exist_ok=True)
        self.dest = dest
        self.tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.part")
        self.file = open(self.tmp, "wb")
        self.md5, self.size = hashlib.md5(), 0

    def write(self, chunk: bytes) -> None:
        self.md5.update(chunk)
        self.size += len(chunk)
        self.file.write(chunk)

    def commit(self) -> tuple[int, str]:
        """-> (size, base64 md5), as W&B reports files."""
        self.file.close()
        os.replace(self.tmp, self.dest)
        return self.size, base64.b64encode(self.md5.digest()).decode()

    def abort(self) -> None:
        self.file.close()
        self.tmp.unlink(missing_ok=True)
