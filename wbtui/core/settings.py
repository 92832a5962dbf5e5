"""Credentials and defaults, resolved the way the official `wandb` SDK resolves them.

Later sources win: the global settings file (`$WANDB_CONFIG_DIR/settings`, else
`~/.config/wandb/settings`), the workspace settings file (`$WANDB_DIR/wandb/settings`, else
`./wandb/settings`), the `WANDB_*` environment variables, then `overrides` and explicit arguments.
The API key comes from the explicit argument, `WANDB_API_KEY`, the netrc file (`$NETRC`, else
`~/.netrc`, machine = host of the base URL, as `wandb login` writes it), then an `api_key` line in
a settings file whose `base_url` is the same server.
"""

from __future__ import annotations

import configparser
import netrc
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import AuthenticationError

# wandb 0.31's default; W&B's cloud answers on both hosts (see CLOUD_HOSTS).
DEFAULT_BASE_URL = "https://api.forge.coreweave.com"
DEFAULT_TIMEOUT = 19.0  # seconds, as wandb.Api (WANDB_HTTP_TIMEOUT overrides it)
# One W&B cloud behind two API hosts; `wandb login` may have written either to ~/.netrc.
CLOUD_HOSTS = ("api.forge.coreweave.com", "api.wandb.ai")
OVERRIDE_KEYS = ("base_url", "entity", "project", "run", "organization")


@dataclass(frozen=True)
class Settings:
    base_url: str = DEFAULT_BASE_URL
    api_key: str | None = field(default=None, repr=False)
    entity: str | None = None
    project: str | None = None
    run: str | None = None
    organization: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    key_source: str | None = None  # where the key came from, for messages ("WANDB_API_KEY", a path)

    @property
    def app_url(self) -> str:
        """The web UI's URL, ending in "/", derived as wandb's `api_to_app_url` does."""
        return app_url(self.base_url)

    def require_key(self) -> str:
        if not self.api_key:
            raise AuthenticationError(
                f"No W&B API key for {self.base_url}: set WANDB_API_KEY, run `wandb login`"
                " (it writes ~/.netrc), or pass api_key=..."
            )
        return self.api_key


def resolve(
    overrides: Mapping[str, Any] | None = None,
    *,
    api_key: str | None = None,
    timeout: float | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    files = _settings_files(env)
    values.update({k: v for k, v in files.items() if k in OVERRIDE_KEYS})
    for key in ("base_url", "entity", "project", "organization"):
        if value := env.get(f"WANDB_{key.upper()}"):
            values[key] = value
    values.update({k: v for k, v in (overrides or {}).items() if k in OVERRIDE_KEYS and v})
    base_url = str(values.pop("base_url", DEFAULT_BASE_URL)).rstrip("/")

    key, source = _api_key(base_url, api_key, env, files)
    if timeout is None:
        timeout = float(env.get("WANDB_HTTP_TIMEOUT") or DEFAULT_TIMEOUT)
    return Settings(
        base_url=base_url, api_key=key, key_source=source, timeout=float(timeout), **values
    )


def _api_key(
    base_url: str, explicit: str | None, env: Mapping[str, str], files: Mapping[str, str]
) -> tuple[str | None, str | None]:
    if explicit:
        return explicit, "api_key argument"
    if key := env.get("WANDB_API_KEY"):
        return key, "WANDB_API_KEY"
    path = netrc_path(env)
    if key := netrc_key(path, base_url):
        return key, str(path)
    if (key := files.get("api_key")) and same_server(files.get("base_url", DEFAULT_BASE_URL), base_url):
        return key, "settings file"
    return None, None


def netrc_path(env: Mapping[str, str]) -> Path:
    if path := env.get("NETRC"):
        return Path(path).expanduser()
    home = Path(env.get("HOME") or Path.home())
    for name in (".netrc", "_netrc"):
        if (home / name).exists():
            return home / name
    return home / ".netrc"


def netrc_key(path: Path, base_url: str) -> str | None:
    """The password of the netrc entry for the base URL's host (and port), if any."""
    try:
        entries = netrc.netrc(str(path))
    except (FileNotFoundError, netrc.NetrcParseError, OSError):
        return None
    netloc = urlsplit(base_url).netloc
    hosts = [netloc] + [h for h in CLOUD_HOSTS if netloc in CLOUD_HOSTS and h != netloc]
    for host in hosts:
        if (creds := entries.authenticators(host)) and creds[2]:
            return creds[2]
    return None


def same_server(a: str, b: str) -> bool:
    return urlsplit(a.rstrip("/")).netloc == urlsplit(b.rstrip("/")).netloc


def _settings_files(env: Mapping[str, str]) -> dict[str, str]:
    config_dir = env.get("WANDB_CONFIG_DIR")
    global_file = (
        Path(config_dir).expanduser() if config_dir else Path(env.get("HOME") or Path.home()) / ".config" / "wandb"
    ) / "settings"
    workspace_file = Path(env.get("WANDB_DIR") or ".") / "wandb" / "settings"
    values: dict[str, str] = {}
    for path in (global_file, workspace_file):  # the workspace file overrides the global one
        values.update(_read_settings(path))
    return values


def _read_settings(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser()
    try:
        parser.read(path)
    except (configparser.Error, OSError, UnicodeDecodeError):
        return {}
    return dict(parser["default"]) if parser.has_section("default") else {}


def app_url(base_url: str) -> str:
    """wandb's `api_to_app_url`: api.wandb.ai -> wandb.ai, api.x -> app.x, local servers as is."""
    url = base_url.rstrip("/")
    host = urlsplit(url).hostname or ""
    if host in ("forge.coreweave.com", "api.forge.coreweave.com", "api.wandb.ai"):
        url = "https://forge.coreweave.com/wandb"
    elif "://api.wandb." in url:
        url = url.replace("://api.", "://")
    elif "://api." in url:
        url = url.replace("://api.", "://app.")
    return url + "/"
