"""Header handling for configuration: `Name: value` lines, name checks, `${VAR}` expansion, merging.

Only `${NAME}` (letters, digits, `_`) is expanded; there is no escape, so a literal `${` cannot be sent.
Errors name the header and the variable, never the value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from jobwatch.config_errors import ConfigError

_FIELD_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_VALUE_CHARS = re.compile(r"[\t\x20-\x7e]*")


def has_reference(value: str) -> bool:
    """True when `value` takes (part of) its content from the environment."""
    return "${" in value


def check_name(name: str, file: str, where: str) -> None:
    """Raise ConfigError unless `name` is a valid HTTP field name (the name itself is not echoed)."""
    if not _FIELD_NAME.fullmatch(name):
        raise ConfigError(
            file,
            where,
            "header name is not a valid HTTP field name",
            "use letters, digits and '-', e.g. X-Api-Key",
        )


def parse_header_line(line: str, file: str, where: str) -> tuple[str, str]:
    """Split a raw `Name: value` option into a checked name and the stripped (unexpanded) value."""
    name, colon, value = line.partition(":")
    if not colon:
        raise ConfigError(file, where, "header has no ':'", "write it as -H 'Name: value'")
    name = name.strip()
    check_name(name, file, where)
    return name, value.strip()


def expand(
    value: str, env: Mapping[str, str], file: str, where: str, used: list[str] | None = None
) -> str:
    """`value` with each `${VAR}` replaced from `env`; the values substituted are appended to `used`.

    Raises ConfigError for a malformed `${...}`, an unset or empty variable, or a result that is not
    printable ASCII (which HTTP cannot carry and which would be echoed by lower layers).
    """
    for start in (m.start() for m in re.finditer(r"\$\{", value)):
        if not _REFERENCE.match(value, start):
            raise ConfigError(
                file,
                where,
                "malformed ${...} reference in the header value",
                "write ${NAME} with letters, digits and '_'; a literal '${' is not supported",
            )

    def substitute(match: re.Match[str]) -> str:
        var = match.group(1)
        if var not in env:
            raise ConfigError(
                file,
                where,
                f"environment variable {var} is not set",
                f"set {var} or remove the header",
            )
        if not env[var]:
            raise ConfigError(
                file, where, f"environment variable {var} is empty", f"set {var} or remove the header"
            )
        if used is not None:
            used.append(env[var])
        return env[var]

    expanded = _REFERENCE.sub(substitute, value).strip()
    if not _VALUE_CHARS.fullmatch(expanded):
        raise ConfigError(
            file,
            where,
            "header value has a line break, control or non-ASCII character",
            "use printable ASCII only; check the value and any ${VAR} it references",
        )
    return expanded


def merge_headers(layers: Iterable[Mapping[str, str]]) -> dict[str, str]:
    """Merge header layers, later layers winning; names compare case-insensitively."""
    merged: dict[str, tuple[str, str]] = {}
    for layer in layers:
        for name, value in layer.items():
            merged[name.lower()] = (name, value)
    return dict(merged.values())
