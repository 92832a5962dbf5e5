"""Downloads: never outside the root, verified against md5, nothing left behind on failure."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import httpx
import pytest

from wbtui.core import Api, WandbError
from wbtui.core.downloads import safe_join
from wbtui.core.models import File

Seeded = Any  # the `seeded` fixture of conftest.py


@pytest.mark.parametrize("name", ["../x", "/etc/passwd", "a/../../b", "", "a/..\\..\\b"])
def test_names_that_escape_the_root_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="Invalid file name"):
        safe_join(tmp_path, name)


def test_nested_names_stay_under_the_root(tmp_path: Path) -> None:
    assert safe_join(tmp_path, "media/images/a.png") == tmp_path / "media" / "images" / "a.png"


async def static_app(scope: dict, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"the real bytes"})


def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


async def test_checksum_mismatch_leaves_nothing(tmp_path: Path) -> None:
    transport = httpx.ASGITransport(app=static_app)
    async with Api(api_key="k", overrides={"base_url": "http://wandb.test"}, transport=transport) as api:
        good = File(id="1", name="ok.txt", url="http://storage.test/ok", md5=md5_b64(b"the real bytes"), _api=api)
        assert (await good.download(tmp_path)).read_bytes() == b"the real bytes"
        bad = File(id="2", name="bad.txt", url="http://storage.test/bad", md5=md5_b64(b"other"), _api=api)
        with pytest.raises(WandbError, match="md5"):
            await bad.download(tmp_path)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.txt"]
        with pytest.raises(ValueError, match="already exists"):
            await good.download(tmp_path)
        assert await good.download(tmp_path, exist_ok=True) == tmp_path / "ok.txt"


async def test_run_metadata_like_wandb(api: Api, wandb_api: Any, seeded: Seeded) -> None:
    path = f"{seeded.path}/prt00000"
    metadata = await (await api.run(path)).metadata()
    assert metadata is not None and metadata == wandb_api.run(path).metadata


async def test_wait_until_finished_returns_for_a_finished_run(api: Api, seeded: Seeded) -> None:
    run = await api.run(f"{seeded.path}/prt00001")
    await run.wait_until_finished(poll=0.01)
    assert run.state == "finished"
