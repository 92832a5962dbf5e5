"""wbtui.core never imports textual or rich, and importing it stays cheap."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
import wbtui.core
light = sorted(sys.modules)
from wbtui.core import Api, Run
api = Api(api_key="probe-key", overrides={"base_url": "http://127.0.0.1:9"})
print(json.dumps({"light": light, "full": sorted(sys.modules),
                  "httpx_cli_blocked": sys.modules.get("httpx._main", 0) is None}))
"""


def test_import_linter_contract_is_kept(tmp_path: Path) -> None:
    """Runs lint-imports on the core's contract from pyproject.toml (alone, so another
    package's state cannot hide or fake the result)."""
    lint = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(lint).exists():
        pytest.skip("import-linter is not installed")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c.get("source_modules") == ["wbtui.core"])
    assert {"textual", "rich"} <= set(contract["forbidden_modules"])
    lines = [
        "[tool.importlinter]", 'root_packages = ["wbtui"]', "include_external_packages = true", "",
        "[[tool.importlinter.contracts]]",
        *(f"{key} = {json.dumps(value)}" for key, value in contract.items()),
    ]
    (tmp_path / "core-contract.toml").write_text("\n".join(lines) + "\n")
    result = subprocess.run([lint, "--no-cache", str(tmp_path / "core-contract.toml")], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "KEPT" in result.stdout, result.stdout + result.stderr


def test_modules_after_importing_the_core() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
    modules = json.loads(result.stdout)
    for name in ("textual", "rich", "pygments", "click"):
        assert not any(m == name or m.startswith(name + ".") for m in modules["full"]), name
    # `import wbtui.core` alone loads neither httpx nor the client: they come with the first Api.
    assert "httpx" not in modules["light"] and "wbtui.core.api" not in modules["light"]
    assert "httpx" in modules["full"] and modules["httpx_cli_blocked"]


def test_every_import_contract_of_pyproject_is_kept() -> None:
    """The sandbox's contract too: neither textual nor rich behind the server."""
    lint = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(lint).exists():
        pytest.skip("import-linter is not installed")
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "2 kept, 0 broken" in result.stdout, result.stdout + result.stderr
