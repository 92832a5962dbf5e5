"""The TUI's own settings and every path wbtui uses.

W&B credentials are not here: `wbtui.core.settings` resolves them exactly as wandb does.
Sources, later ones winning: defaults, `config.toml` in the config dir, `WBTUI_*` env vars,
then command-line flags (applied by the CLI).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from platformdirs import PlatformDirs

DIRS = PlatformDirs("wbtui", appauthor=False)
TRUE = {"1", "true", "yes", "on"}


def config_dir() -> Path:
    return Path(os.environ.get("WBTUI_CONFIG_DIR") or DIRS.user_config_dir)


def data_dir() -> Path:
    return Path(os.environ.get("WBTUI_DATA_DIR") or DIRS.user_data_dir)


def demo_data_dir() -> Path:
    return data_dir() / "demo"


def cache_dir() -> Path:
    """What wbtui can always make again (e.g. the sandbox's parsed schema)."""
    return Path(os.environ.get("WBTUI_CACHE_DIR") or DIRS.user_cache_dir)


def downloads_dir() -> Path:
    return Path(os.environ.get("WBTUI_DOWNLOADS_DIR") or Path.cwd())


@dataclass(frozen=True)
class Settings:
    read_only: bool = False
    theme: str = "textual-dark"
    # binding id -> keys, e.g. {"refresh": "f5,r"}; see `wbtui keys` and the README
    keymap: dict[str, str] = field(default_factory=dict)
    runs_page_size: int = 500

    @classmethod
    def load(cls) -> Settings:
        settings = cls()
        path = config_dir() / "config.toml"
        if path.is_file():
            with path.open("rb") as file:
                settings = settings.merged(tomllib.load(file))
        env = {
            f.name: os.environ[f"WBTUI_{f.name.upper()}"]
            for f in fields(cls)
            if f"WBTUI_{f.name.upper()}" in os.environ
        }
        return settings.merged(env)

    def merged(self, values: dict) -> Settings:
        """A copy with `values` applied, coerced to each field's type."""
        changes = {}
        for f in fields(self):
            if f.name not in values:
                continue
            value = values[f.name]
            if f.name == "read_only" and isinstance(value, str):
                value = value.strip().lower() in TRUE
            elif f.name == "runs_page_size":
                value = max(50, min(int(value), 2000))
            elif f.name == "keymap" and not isinstance(value, dict):
                raise ValueError("keymap must be a table of binding id = keys")
            changes[f.name] = value
        return replace(self, **changes)


def paths() -> dict[str, Path]:
    """Every location wbtui reads or writes, for `wbtui paths`."""
    return {
        "config file": config_dir() / "config.toml",
        "data dir": data_dir(),
        "demo sandbox data": demo_data_dir(),
        "cache": cache_dir(),
        "downloads (default)": downloads_dir(),
    }
