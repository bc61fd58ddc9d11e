"""Every per-user path jobwatch reads or writes by default, computed by one XDG Base Directory rule.

An `XDG_*_HOME` value is used only when it is absolute: the specification calls relative values invalid
and says to ignore them, so `~/.config` or `~/.local/state` is used instead.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

APP = "jobwatch"


def xdg_home(variable: str, fallback: str, env: Mapping[str, str] = os.environ) -> Path:
    """`$variable` when it is an absolute path, else `fallback` under the home directory."""
    base = env.get(variable, "")
    if os.path.isabs(base):
        return Path(base)
    home = env.get("HOME", "")
    return (Path(home) if home else Path.home()) / fallback


def config_dir(env: Mapping[str, str] = os.environ) -> Path:
    """`$XDG_CONFIG_HOME/jobwatch`, falling back to `~/.config/jobwatch`."""
    return xdg_home("XDG_CONFIG_HOME", ".config", env) / APP


def default_config_path(env: Mapping[str, str] = os.environ) -> Path:
    """`$XDG_CONFIG_HOME/jobwatch/config.toml`: read when present and no `--config` is given."""
    return config_dir(env) / "config.toml"


def user_theme_dir(env: Mapping[str, str] = os.environ) -> Path:
    """`$XDG_CONFIG_HOME/jobwatch/themes`: the user's own `*.toml` themes."""
    return config_dir(env) / "themes"


def default_export_dir(env: Mapping[str, str] = os.environ) -> Path:
    """`$XDG_STATE_HOME/jobwatch/exports` (fallback `~/.local/state`): where the dashboard's `e` writes,
    never the current directory (often a git clone)."""
    return xdg_home("XDG_STATE_HOME", str(Path(".local", "state")), env) / APP / "exports"


def default_state_path(env: Mapping[str, str] = os.environ) -> Path:
    """`$XDG_STATE_HOME/jobwatch/cursors.json` (fallback `~/.local/state`): the resume cursors."""
    return xdg_home("XDG_STATE_HOME", str(Path(".local", "state")), env) / APP / "cursors.json"
