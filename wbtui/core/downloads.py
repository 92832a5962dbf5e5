"""Downloading run files and artifact files to disk, streamed, verified, never outside root."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .errors import WandbError

if TYPE_CHECKING:
    from .api import Api
    from .models import Artifact, File


def safe_join(root: Path, name: str) -> Path:
    """root/name, refusing names that would escape root (absolute, `..`), as wandb does."""
    relative = PurePosixPath(name.replace("\\", "/"))
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise ValueError(f"Invalid file name {name!r}: it must stay under the download root")
    return root.joinpath(*relative.parts)


async def download_file(api: Api, file: File, root: Path, *, replace: bool, exist_ok: bool) -> Path:
    path = safe_join(root, file.name)
    if path.exists() and not replace:
        if exist_ok:
            return path
        raise ValueError(
            "File already exists, pass replace=True to overwrite "
            "or exist_ok=True to leave it as is and don't error."
        )
    url = file.url or file.direct_url
    if not url:
        raise WandbError(f"The server gave no URL for {file.name!r}")
    await fetch_to(api, url, path, md5=file.md5)
    return path


async def fetch_to(api: Api, url: str, path: Path, *, md5: str | None = None) -> None:
    """Stream url into path via a temporary file, so a failed download leaves nothing behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    digest = hashlib.md5(usedforsecurity=False)
    try:
        async with api._transport.stream(url) as response:
            with partial.open("wb") as out:
                async for chunk in response.aiter_bytes():
                    out.write(chunk)
                    digest.update(chunk)
        if md5 and not _md5_matches(md5, digest):
            raise WandbError(f"Downloaded {path.name!r} does not match its md5 checksum")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _md5_matches(expected: str, digest: hashlib._Hash) -> bool:
    # W&B gives base64 md5s; accept hex too.
    return expected in (base64.b64encode(digest.digest()).decode(), digest.hexdigest())


def default_artifact_root(artifact: Artifact) -> Path:
    base = Path(os.environ.get("WANDB_ARTIFACT_DIR") or Path(".") / "artifacts").absolute()
    return base / artifact.source_name


async def download_artifact(
    api: Api, artifact: Artifact, root: str | Path | None, path_prefix: str | None
) -> Path:
    """Every file of the artifact under root (existing files are left as they are, as wandb)."""
    target = Path(root) if root is not None else default_artifact_root(artifact)
    jobs = []
    async for file in artifact.files(per_page=1000):
        if path_prefix and not file.name.startswith(path_prefix):
            continue
        path = safe_join(target, file.name)
        if path.exists() and (not file.md5 or _file_md5_matches(path, file.md5)):
            continue
        jobs.append(fetch_to(api, file.direct_url or file.url or "", path, md5=file.md5))
    await asyncio.gather(*jobs)  # the transport bounds how many run at once
    target.mkdir(parents=True, exist_ok=True)
    return target


def _file_md5_matches(path: Path, expected: str) -> bool:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return _md5_matches(expected, digest)


async def fetch_text(api: Api, url: str) -> str:
    """A small file (a manifest, wandb-job.json, wandb-metadata.json) as text."""
    if not url:
        raise WandbError("The server gave no URL to download")
    async with api._transport.stream(url) as response:
        return (await response.aread()).decode()
