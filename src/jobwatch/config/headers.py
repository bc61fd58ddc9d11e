"""Header handling for configuration: `Name: value` lines, name checks, `${VAR}` expansion, size bounds,
merging, and the hosts a job's headers may follow a redirect to (`forward_headers`).

Only `${NAME}` (letters, digits, `_`) is expanded; there is no escape, so a literal `${` cannot be sent.
Errors name the header and the variable, never the value.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping

from jobwatch.config.errors import ConfigError

MAX_HEADER_BYTES = 8 << 10
"""Largest `Name: value` one header may take (what most servers accept)."""
MAX_HEADERS_BYTES = 64 << 10
"""Largest sum over one job's headers."""
_SIZE_FIX = (
    "jobwatch sends at most 8 KiB per header and 64 KiB in all; check the value and any ${VAR} it uses"
)

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


def check_size(header: str, file: str, where: str) -> None:
    """Raise ConfigError when `header` (a `Name: value` line, or a value) is over MAX_HEADER_BYTES;
    called before any regex runs on it."""
    size = len(header.encode("utf-8", "surrogatepass"))
    if size > MAX_HEADER_BYTES:
        raise ConfigError(file, where, f"header is {size} bytes, over the 8 KiB limit", _SIZE_FIX)


def check_total(headers: Mapping[str, str], file: str, where: str) -> None:
    """Raise ConfigError when a job's headers together are over MAX_HEADERS_BYTES."""
    size = sum(len(name) + 4 + len(value) for name, value in headers.items())
    if size > MAX_HEADERS_BYTES:
        raise ConfigError(file, where, f"headers take {size} bytes in all, over the 64 KiB limit", _SIZE_FIX)


def parse_header_line(line: str, file: str, where: str) -> tuple[str, str]:
    """Split a raw `Name: value` option into a checked name and the stripped (unexpanded) value."""
    check_size(line, file, where)
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
    printable ASCII (which HTTP cannot carry and which would be echoed by lower layers), and for a value
    over the size bound, before or after expansion.
    """
    check_size(value, file, where)
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
    check_size(expanded, file, where)
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


_HOST_FIX = (
    'write only the host, e.g. forward_headers = ["artifacts.ci.example"] (no scheme, port, path or wildcard)'
)
_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")


def forward_hosts(value: object, file: str, where: str) -> tuple[str, ...]:
    """`forward_headers`: the host names (lower case, no trailing dot; IPv6 without brackets) that may
    receive the job's headers after a redirect leaves the origin."""
    if not isinstance(value, list):
        raise ConfigError(file, where, "expected an array of host names", _HOST_FIX)
    return tuple(_host(entry, file, f"{where}[{index}]") for index, entry in enumerate(value, start=1))


def _host(entry: object, file: str, where: str) -> str:
    if not isinstance(entry, str) or not entry.strip():
        raise ConfigError(file, where, "expected a host name", _HOST_FIX)
    if not entry.isascii():
        raise ConfigError(
            file, where, "host name is not ASCII", "write an internationalized name in its xn-- form"
        )
    host = entry.strip().lower()
    try:
        return str(ipaddress.ip_address(host[1:-1] if host.startswith("[") and host.endswith("]") else host))
    except ValueError:
        pass
    host = host.removesuffix(".")
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise ConfigError(file, where, "not a host name", _HOST_FIX)
    return host
