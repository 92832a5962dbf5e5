"""`wbtui demo`'s start: the TUI's clients reach the embedded sandbox in-process at once; the
server on 127.0.0.1 and the live runs follow a moment later."""

from __future__ import annotations

import asyncio
import time

from wbtui import cli
from wbtui.core import Api
from wbtui.sandbox.demo import live


async def test_the_demo_serves_in_process_at_once_and_on_127_0_0_1_a_moment_later(demo_copy, tmp_path, monkeypatch):
    root = tmp_path / "data"
    root.mkdir()
    demo_copy.rename(root / "demo")
    monkeypatch.setenv("WBTUI_DATA_DIR", str(root))
    started = time.monotonic()
    make_api = cli._demo_starter()()  # serves until the process exits (as `wbtui demo` does)
    api = make_api()
    try:
        assert api.settings.base_url.startswith("http://127.0.0.1:")
        assert "cifar10-resnet" in [p.name async for p in api.projects("admin")]
        assert time.monotonic() - started < cli.LISTEN_AFTER  # not waiting for the server
        key = (root / "demo").resolve() / "sandbox.db"
        assert key not in live._running  # the live runs have not started either
    finally:
        await api.close()
    second = make_api()  # each client gets its own transport (closing one does not close the next)
    try:
        assert [p.name async for p in second.projects("admin")]
    finally:
        await second.close()

    # the same sandbox over HTTP, for the SDK or a browser, once the server listens
    over_http = Api(overrides={"base_url": api.settings.base_url}, api_key=api.settings.api_key)
    try:
        for _ in range(100):
            try:
                viewer = await over_http.viewer()
                break
            except Exception:
                over_http.flush()
                await asyncio.sleep(0.1)
        else:
            raise AssertionError("the demo server never listened")
        assert viewer.username == "admin"
        assert key in live._running and live._running[key].alive()
    finally:
        await over_http.close()
