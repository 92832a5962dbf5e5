"""Credential and default resolution, as wandb resolves them."""

from __future__ import annotations

from pathlib import Path

import pytest

from wbtui.core import settings
from wbtui.core.errors import AuthenticationError


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def env(home: Path, **extra: str) -> dict[str, str]:
    return {"HOME": str(home), **extra}


def write_netrc(home: Path, machine: str, key: str) -> None:
    path = home / ".netrc"
    path.write_text(f"machine {machine}\n  login user\n  password {key}\n")
    path.chmod(0o600)


def test_defaults_without_anything(home: Path) -> None:
    s = settings.resolve(environ=env(home))
    assert s.base_url == settings.DEFAULT_BASE_URL
    assert s.api_key is None and s.entity is None and s.project is None
    assert s.timeout == settings.DEFAULT_TIMEOUT
    with pytest.raises(AuthenticationError, match="wandb login"):
        s.require_key()


def test_netrc_machine_is_the_base_url_host(home: Path) -> None:
    write_netrc(home, "wandb.example.com:8080", "netrc-key")
    base = {"WANDB_BASE_URL": "http://wandb.example.com:8080"}
    s = settings.resolve(environ=env(home, **base))
    assert s.api_key == "netrc-key" and s.key_source == str(home / ".netrc")
    other = settings.resolve(environ=env(home, WANDB_BASE_URL="http://other:8080"))
    assert other.api_key is None


def test_netrc_cloud_hosts_are_one_server(home: Path) -> None:
    write_netrc(home, "api.wandb.ai", "cloud-key")  # what older `wandb login` wrote
    assert settings.resolve(environ=env(home)).api_key == "cloud-key"


def test_netrc_env_var_points_elsewhere(home: Path) -> None:
    other = home / "elsewhere"
    other.mkdir()
    write_netrc(other, "h:1", "k2")
    s = settings.resolve(environ=env(home, NETRC=str(other / ".netrc"), WANDB_BASE_URL="http://h:1"))
    assert s.api_key == "k2"


def test_env_key_beats_netrc_and_argument_beats_env(home: Path) -> None:
    write_netrc(home, "h:1", "netrc-key")
    environ = env(home, WANDB_BASE_URL="http://h:1", WANDB_API_KEY="env-key")
    assert settings.resolve(environ=environ).api_key == "env-key"
    assert settings.resolve(environ=environ, api_key="arg-key").api_key == "arg-key"


def test_settings_files_env_and_overrides_in_order(home: Path) -> None:
    config_dir = home / "cfg"
    config_dir.mkdir()
    (config_dir / "settings").write_text(
        "[default]\nbase_url = http://from-global:1\nentity = global-entity\nproject = global-project\n"
    )
    (home / "wandb").mkdir()
    (home / "wandb" / "settings").write_text("[default]\nproject = workspace-project\n")
    environ = env(home, WANDB_CONFIG_DIR=str(config_dir))
    s = settings.resolve(environ=environ)
    assert (s.base_url, s.entity, s.project) == ("http://from-global:1", "global-entity", "workspace-project")

    s = settings.resolve(environ={**environ, "WANDB_ENTITY": "env-entity"})
    assert s.entity == "env-entity"

    s = settings.resolve(
        {"entity": "o-entity", "project": "o-project", "base_url": "http://o:2/", "run": "r1"},
        environ={**environ, "WANDB_ENTITY": "env-entity"},
    )
    assert (s.base_url, s.entity, s.project, s.run) == ("http://o:2", "o-entity", "o-project", "r1")


def test_default_global_settings_file_is_under_home(home: Path) -> None:
    (home / ".config" / "wandb").mkdir(parents=True)
    (home / ".config" / "wandb" / "settings").write_text("[default]\nbase_url = http://local:8080\n")
    assert settings.resolve(environ=env(home)).base_url == "http://local:8080"


def test_api_key_in_settings_file_only_for_its_server(home: Path) -> None:
    (home / ".config" / "wandb").mkdir(parents=True)
    (home / ".config" / "wandb" / "settings").write_text(
        "[default]\nbase_url = http://local:8080\napi_key = file-key\n"
    )
    assert settings.resolve(environ=env(home)).api_key == "file-key"
    assert settings.resolve({"base_url": "http://other:1"}, environ=env(home)).api_key is None


def test_timeout_argument_and_env(home: Path) -> None:
    assert settings.resolve(environ=env(home, WANDB_HTTP_TIMEOUT="7")).timeout == 7.0
    assert settings.resolve(timeout=3, environ=env(home, WANDB_HTTP_TIMEOUT="7")).timeout == 3.0


def test_key_not_in_repr(home: Path) -> None:
    s = settings.resolve(environ=env(home), api_key="secret-key-123")
    assert "secret-key-123" not in repr(s) and "secret-key-123" not in str(s)


@pytest.mark.parametrize(
    ("base_url", "app_url"),
    [
        ("https://api.wandb.ai", "https://forge.coreweave.com/wandb/"),
        ("https://api.forge.coreweave.com", "https://forge.coreweave.com/wandb/"),
        ("https://api.wandb.test", "https://wandb.test/"),
        ("https://api.company.com", "https://app.company.com/"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/"),
    ],
)
def test_app_url_like_wandb(base_url: str, app_url: str) -> None:
    assert settings.app_url(base_url) == app_url


def test_app_url_matches_the_sdk() -> None:
    util = pytest.importorskip("wandb.util")
    for base in ("https://api.wandb.ai", "https://api.company.com", "http://127.0.0.1:8080"):
        assert settings.app_url(base) == util.api_to_app_url(base).rstrip("/") + "/"
