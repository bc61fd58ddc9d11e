"""Specification of the default per-user paths: one XDG rule (absolute values only) for all of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobwatch.paths import default_config_path, default_state_path, user_theme_dir
from jobwatch.ui.themes import discover_themes

HOME = {"HOME": "/home/u"}


def test_default_config_path_is_under_xdg_config_home() -> None:
    env = {"XDG_CONFIG_HOME": "/cfg", **HOME}
    assert default_config_path(env) == Path("/cfg/jobwatch/config.toml")


def test_default_config_path_falls_back_to_dot_config_in_home() -> None:
    assert default_config_path(HOME) == Path("/home/u/.config/jobwatch/config.toml")


def test_default_config_path_ignores_a_relative_xdg_config_home() -> None:
    env = {"XDG_CONFIG_HOME": "rel", **HOME}
    assert default_config_path(env) == Path("/home/u/.config/jobwatch/config.toml")


def test_default_state_path_is_under_xdg_state_home() -> None:
    assert default_state_path({"XDG_STATE_HOME": "/st"}) == Path("/st/jobwatch/cursors.json")


def test_default_state_path_falls_back_to_local_state_in_home() -> None:
    path = default_state_path(HOME)
    assert path == Path("/home/u/.local/state/jobwatch/cursors.json")


def test_default_state_path_ignores_a_relative_xdg_state_home() -> None:
    path = default_state_path({"XDG_STATE_HOME": "state", **HOME})
    assert path == Path("/home/u/.local/state/jobwatch/cursors.json")


def test_user_theme_dir_is_under_xdg_config_home() -> None:
    assert user_theme_dir({"XDG_CONFIG_HOME": "/cfg", **HOME}) == Path("/cfg/jobwatch/themes")


def test_user_theme_dir_ignores_a_relative_xdg_config_home_like_the_config_file() -> None:
    env = {"XDG_CONFIG_HOME": "rel", **HOME}
    assert user_theme_dir(env) == Path("/home/u/.config/jobwatch/themes")
    assert user_theme_dir(env).parent == default_config_path(env).parent


def test_themes_in_a_relative_xdg_config_home_are_not_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    themes = tmp_path / "rel" / "jobwatch" / "themes"
    themes.mkdir(parents=True)
    (themes / "mine.toml").write_text('name = "mine"\nprimary = "#112233"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", "rel")
    found, errors = discover_themes()
    assert "mine" not in {theme.name for theme in found} and errors == []
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "rel"))
    assert "mine" in {theme.name for theme in discover_themes()[0]}
