"""The TUI tests' fixture: the session's sandbox (tests/conftest.py) holding what
tests/tui/seed_views.py wrote through the official SDK and wbtui.core (see tui_helpers.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tui_helpers import TuiSeed

SEED = Path(__file__).with_name("seed_views.py")
STAGES = ("runs", "artifacts", "jobs", "sweeps", "reports", "queues", "team")


@pytest.fixture(scope="session")
def tui_seed(sandbox: Any, wandb_dirs: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> TuiSeed:
    """Every seed stage at once, each in its own process (see seed_views.py)."""
    root = tmp_path_factory.mktemp("tui-seed")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WANDB_")} | wandb_dirs
    procs = {stage: subprocess.Popen([sys.executable, str(SEED), sandbox.url, sandbox.api_key, str(root / f"{stage}.json"), stage],
                                     env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for stage in STAGES}
    stages: dict[str, dict[str, Any]] = {}
    for stage, proc in procs.items():
        try:
            proc.wait(timeout=300)
            stages[stage] = json.loads((root / f"{stage}.json").read_text())
        except (subprocess.TimeoutExpired, OSError, ValueError) as error:
            proc.kill()
            stages[stage] = {"error": f"seed stage {stage} did not finish: {error!r}"}
    from seed_views import MARKUP, PROJECT  # tests/tui is on sys.path (pytest's prepend import mode)

    entity = next((s["entity"] for s in stages.values() if "entity" in s), "admin")
    return TuiSeed(sandbox.url, sandbox.api_key, entity, PROJECT, MARKUP, stages)
