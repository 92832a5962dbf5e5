"""Fixtures for the core's tests: a sandbox on a 127.0.0.1 port holding data the official SDK
wrote (tests/core/seed_sdk.py), the official `wandb.Api` on it, and wbtui.core Apis reaching
it over the port or in-process (httpx.ASGITransport)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from wbtui.core import Api

SEED = Path(__file__).with_name("seed_sdk.py")


@dataclass
class Seeded:
    url: str
    key: str
    data: dict[str, Any]
    server: Any

    @property
    def entity(self) -> str:
        return self.data["entity"]

    @property
    def path(self) -> str:
        return f"{self.entity}/{self.data['project']}"

    def need(self, stage: str) -> None:
        """Skip unless the seed stage succeeded (the sandbox may not serve it yet)."""
        if error := self.data["errors"].get(stage):
            pytest.skip(f"the sandbox could not take {stage} from the official SDK: {error.strip().splitlines()[-1]}")

    def serves(self, type_name: str, *fields: str) -> None:
        """Skip unless the sandbox has resolvers for these Query/Mutation fields (it grows
        domain by domain; an unimplemented root field only has ariadne's default resolver)."""
        root = self.server.sandbox.schema.get_type(type_name)
        missing = [f for f in fields if f not in root.fields
                   or getattr(root.fields[f].resolve, "__module__", "").startswith("ariadne")]
        if missing:
            pytest.skip(f"the sandbox does not serve {type_name}.{', '.join(missing)} yet")


@pytest.fixture(scope="session")
def seeded(sandbox: Any, wandb_dirs: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    """The session's sandbox (tests/conftest.py) with the data seed_sdk.py wrote into it."""
    out = tmp_path_factory.mktemp("seed") / "seed.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("WANDB_")} | wandb_dirs
    subprocess.run([sys.executable, str(SEED), sandbox.url, sandbox.api_key, str(out)],
                   check=True, env=env, timeout=600, cwd=out.parent, capture_output=True)
    return Seeded(sandbox.url, sandbox.api_key, json.loads(out.read_text()), sandbox)


@pytest.fixture(scope="session")
def wandb_api(seeded: Seeded) -> Any:
    wandb = pytest.importorskip("wandb")
    return wandb.Api(api_key=seeded.key, overrides={"base_url": seeded.url}, timeout=60)


@pytest.fixture
async def api(seeded: Seeded) -> AsyncIterator[Api]:
    """wbtui.core over the sandbox's 127.0.0.1 port."""
    async with Api(api_key=seeded.key, overrides={"base_url": seeded.url}, timeout=60) as client:
        yield client


@pytest.fixture(params=["port", "asgi"])
async def any_api(request: pytest.FixtureRequest, seeded: Seeded) -> AsyncIterator[Api]:
    """wbtui.core over the port, and in-process through httpx.ASGITransport."""
    if request.param == "port":
        async with Api(api_key=seeded.key, overrides={"base_url": seeded.url}, timeout=60) as client:
            yield client
        return
    from wbtui.sandbox.app import create_app

    transport = httpx.ASGITransport(app=create_app(seeded.server.sandbox))
    async with Api(api_key=seeded.key, overrides={"base_url": "http://sandbox.test"}, transport=transport) as client:
        yield client
