"""Load jobwatch themes from TOML files: the shipped ones (package data) and the user's own from
$XDG_CONFIG_HOME/jobwatch/themes/*.toml. Errors name the file and the key."""

from __future__ import annotations

import tomllib
from dataclasses import fields
from pathlib import Path

from textual.color import Color, ColorParseError
from textual.theme import Theme

from jobwatch.paths import user_theme_dir

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "themes"
DEFAULT_THEME = "jobwatch-dark"

_COLOR_KEYS = ("primary", "secondary", "warning", "error", "success", "accent", "foreground",
               "background", "surface", "panel", "boost")
_KNOWN = {f.name for f in fields(Theme)}


class ThemeError(ValueError):
    """A theme file that cannot be used; the message names the file and the key."""


def load_theme_file(path: Path) -> Theme:
    """Parse one theme file into a Textual `Theme` (colour values are checked here, not at use)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ThemeError(f"{path}: invalid TOML: {exc}") from None
    unknown = sorted(set(data) - _KNOWN)
    if unknown:
        raise ThemeError(f"{path}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_KNOWN))})")
    for key in ("name", "primary"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise ThemeError(f"{path}: key {key!r} is required and must be a string")
    for key in _COLOR_KEYS:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ThemeError(f"{path}: key {key!r} must be a colour string")
        if not value.startswith("ansi_"):
            try:
                Color.parse(value)
            except ColorParseError:
                raise ThemeError(f"{path}: key {key!r}: {value!r} is not a colour") from None
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise ThemeError(f"{path}: [variables] must map names to strings")
    for key in ("dark", "ansi"):
        if key in data and not isinstance(data[key], bool):
            raise ThemeError(f"{path}: key {key!r} must be true or false")
    return Theme(**data)


def discover_themes(user_dir: Path | None = None) -> tuple[list[Theme], list[str]]:
    """Shipped themes, then the user's (a user theme may replace a shipped one of the same name).
    Returns the themes and one message per file that could not be loaded."""
    themes: dict[str, Theme] = {}
    errors: list[str] = []
    dirs = [SHIPPED_DIR, user_dir if user_dir is not None else user_theme_dir()]
    for directory in dirs:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            try:
                theme = load_theme_file(path)
            except ThemeError as exc:
                errors.append(str(exc))
                continue
            themes[theme.name] = theme
    return list(themes.values()), errors
