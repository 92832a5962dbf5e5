"""Shared fixtures: a sandbox server per test session (per xdist worker) and its users.

    def test_x(sandbox, api, project_name): ...   # api = the official wandb.Api as the admin
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from wbtui.sandbox import accounts
from wbtui.sandbox.server import SandboxServer


@pytest.fixture(autouse=True)
def _sdk_cache_override_undone():
    """wandb 0.31 bug: a download with skip_cache=True leaves its destination as the override
    path of the process-wide artifact cache, so later downloads (api.job) all write that one
    file, racing. Undo it after each test."""
    yield
    if cache := sys.modules.get("wandb.sdk.artifacts.artifact_file_cache"):
        cache.get_artifact_file_cache()._override_cache_path = None


@pytest.fixture(scope="session", autouse=True)
def _wbtui_cache(tmp_path_factory):
    """wbtui's cache dir (the sandbox's parsed schema) in a temp dir, not in ~/.cache."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WBTUI_CACHE_DIR", str(tmp_path_factory.mktemp("wbtui-cache")))
        yield


@pytest.fixture(scope="session")
def wandb_dirs(tmp_path_factory) -> dict[str, str]:
    """WANDB_* directories in a temp dir, so the official SDK never writes to ~."""
    root = tmp_path_factory.mktemp("wandb")
    env = {name: str(root / name.lower()) for name in
           ("WANDB_DIR", "WANDB_CACHE_DIR", "WANDB_CONFIG_DIR", "WANDB_DATA_DIR", "WANDB_ARTIFACT_DIR")}
    env |= {"WANDB_SILENT": "true", "WANDB_DISABLE_GIT": "true", "WANDB_ERROR_REPORTING": "false"}
    for path in env.values():
        if path.startswith(str(root)):
            Path(path).mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            mp.setenv(name, value)
        yield env


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory, wandb_dirs) -> SandboxServer:
    """The sandbox on a free 127.0.0.1 port with a fresh data dir: `.url`, `.api_key` (admin), `.store`."""
    with SandboxServer(tmp_path_factory.mktemp("sandbox")) as server:
        yield server


@pytest.fixture
def project_name(request) -> str:
    """A project name unique to the test (tests share one sandbox, also under xdist)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name)[:40].strip("-") + "-" + secrets.token_hex(3)


@pytest.fixture
def make_user(sandbox):
    """make_user(admin=False) -> (user row, API key) of a new user with a personal entity."""
    def make(admin: bool = False) -> tuple[dict, str]:
        user = accounts.create_user(sandbox.store, email=f"u{secrets.token_hex(4)}@example.com", admin=admin)
        return user, accounts.create_api_key(sandbox.store, user["id"])
    return make


@pytest.fixture
def api(sandbox):
    """The official `wandb.Api`, logged in as the sandbox's admin."""
    import wandb
    return wandb.Api(api_key=sandbox.api_key, overrides={"base_url": sandbox.url})


@pytest.fixture
def api_as(sandbox):
    """api_as(key) -> the official `wandb.Api` logged in with that key."""
    import wandb
    return lambda key: wandb.Api(api_key=key, overrides={"base_url": sandbox.url})


@pytest.fixture(scope="session")
def sdk_env(wandb_dirs):
    """sdk_env(server, workdir, api_key=None) -> the environment of a subprocess that logs to
    `server` with `wandb.init` (the admin key unless `api_key` is given)."""
    def env(server: SandboxServer, workdir: Path, api_key: str | None = None) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith("WANDB_")} | wandb_dirs
        return base | {"WANDB_BASE_URL": server.url, "WANDB_API_KEY": api_key or server.api_key,
                       "WANDB_MODE": "online", "WANDB_DIR": str(workdir)}
    return env


def run_script(code: str, env: dict[str, str], cwd: Path, *, check: bool = True,
               timeout: float = 180) -> subprocess.CompletedProcess:
    """Run Python `code` in a subprocess (wandb.init state must not leak between tests)."""
    script = cwd / f"script_{secrets.token_hex(3)}.py"
    script.write_text(textwrap.dedent(code))
    proc = subprocess.run([sys.executable, str(script)], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"script failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def sdk_script(sandbox, sdk_env):
    """sdk_script(code, workdir, api_key=None, check=True): `run_script` against the sandbox."""
    def run(code: str, workdir: Path, api_key: str | None = None, check: bool = True):
        return run_script(code, sdk_env(sandbox, workdir, api_key), workdir, check=check)
    return run


@pytest.fixture
def run_sdk(sdk_script, tmp_path):
    """run_sdk(code, api_key=None, check=True): a wandb.init script in a subprocess, in tmp_path."""
    return lambda code, api_key=None, check=True: sdk_script(code, tmp_path, api_key, check)


# --------------------------------------------------------------------------- the demo workspace
# Built once per test run (the first worker to ask builds it under a file lock; the others wait),
# then copied: each xdist worker, or test that changes it, gets its own data dir.
def copy_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh copy of a data dir holding the demo workspace (`wbtui.sandbox.demo.build`)."""
    import fcntl
    import shutil

    from wbtui.sandbox import demo
    from wbtui.sandbox.app import Sandbox

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by the workers of this run
    template = root / "demo-template"
    with open(root / "demo-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (root / "demo-template.done").exists():
            shutil.rmtree(template, ignore_errors=True)
            sandbox = Sandbox.open(template)
            demo.build(sandbox)
            sandbox.store.close()  # the last connection checkpoints the WAL: one file to copy
            (root / "demo-template.done").touch()
    copy = tmp_path_factory.mktemp("demo") / "data"
    shutil.copytree(template, copy)
    return copy


@pytest.fixture(scope="session")
def demo_sandbox(tmp_path_factory, wandb_dirs) -> SandboxServer:
    """The sandbox serving the demo workspace, one per worker. Its live runs do not advance and
    are never marked crashed, so what it serves stays the same all session."""
    with SandboxServer(copy_demo(tmp_path_factory), stale_after=1e9) as server:
        yield server


@pytest.fixture
def demo_copy(tmp_path_factory) -> Path:
    """A data dir of its own holding the demo, for a test that changes it or runs its live runs."""
    return copy_demo(tmp_path_factory)
