"""Reads the TOML configuration file and checks every key and value against the schema (design §5).

Produces plain validated values; `jobwatch.config` combines them with the command line. Key paths in
errors are 1-based for jobs: `job[2].url` is the url of the second `[[job]]` table.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import tomllib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import httpx

from jobwatch.config.alerts import AlertRule, parse_alerts
from jobwatch.config.errors import ConfigError, shown
from jobwatch.config.headers import check_name, check_size, forward_hosts

MAX_CONFIG_BYTES = 1 << 20
"""Largest configuration file read (a real one takes a few KiB)."""

_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


@dataclass(frozen=True)
class JobEntry:
    """One validated `[[job]]` table; header values are still unexpanded."""

    where: str
    url: str
    name: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    """Validated StreamSpec overrides: heartbeat_timeout, max_backoff, max_retries, complete_events,
    max_line_bytes, forward_headers_to."""
    poll_url: str | None = None


@dataclass(frozen=True)
class ConfigDocument:
    """A validated configuration file."""

    file: str
    mode: int
    defaults: dict[str, Any] = field(default_factory=dict)
    default_headers: dict[str, str] = field(default_factory=dict)
    jobs: list[JobEntry] = field(default_factory=list)
    alerts: tuple[AlertRule, ...] = ()


def type_name(value: object) -> str:
    """How TOML calls the type of a parsed value."""
    for kind, name in (
        (bool, "a boolean"),
        (int, "an integer"),
        (float, "a float"),
        (str, "a string"),
        (list, "an array"),
        (dict, "a table"),
        ((datetime, date, time), "a date/time"),
    ):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def seconds(value: object, file: str, where: str, *, allow_zero: bool) -> float:
    """A finite number of seconds, > 0 (or >= 0 with `allow_zero`)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        got = type_name(value)
        raise ConfigError(file, where, f"expected a number of seconds, got {got}", "write e.g. 45")
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = "0 or more" if allow_zero else "above 0"
        raise ConfigError(file, where, f"must be a finite number {bound}", "write e.g. 45")
    return float(value)


def retries(value: object, file: str, where: str) -> int:
    """A whole number of reconnection attempts, >= 0."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(file, where, f"expected a whole number, got {type_name(value)}", "write e.g. 5")
    if value < 0:
        raise ConfigError(
            file, where, "must be 0 or more", "0 never reconnects; leave it out to retry forever"
        )
    return value


def event_names(value: object, file: str, where: str) -> tuple[str, ...]:
    """A list of non-empty event type names."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(
            file, where, "expected an array of event names", 'write e.g. ["complete", "done"]'
        )
    return tuple(value)


MIN_LINE_BYTES = 1024


def line_bytes(value: object, file: str, where: str) -> int:
    """A byte count of at least MIN_LINE_BYTES (the bound on one line of an event)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < MIN_LINE_BYTES:
        raise ConfigError(
            file,
            where,
            f"expected a whole number of bytes, at least {MIN_LINE_BYTES}",
            "write e.g. 1048576 for 1 MiB",
        )
    return value


def text(value: object, file: str, where: str, example: str) -> str:
    """A non-blank string."""
    if not isinstance(value, str) or not value.strip():
        got = type_name(value) if not isinstance(value, str) else "an empty string"
        raise ConfigError(file, where, f"expected a non-empty string, got {got}", f"write {example}")
    return value.strip()


def check_url(url: str, file: str, where: str) -> str:
    """`url` if it is an absolute http(s) URL with a host; else ConfigError (URL not echoed)."""
    fix = "write a full URL such as https://ci.example/jobs/1/events"
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise ConfigError(file, where, f"not a valid URL: {str(exc).rstrip('.')}", fix) from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ConfigError(file, where, "URL must be http:// or https:// and name a host", fix)
    return url


def headers_table(value: object, file: str, where: str) -> dict[str, str]:
    """A TOML table of header name → string value, names checked (values left unexpanded)."""
    if not isinstance(value, dict):
        raise ConfigError(
            file,
            where,
            f"expected a table of headers, got {type_name(value)}",
            'write e.g. headers = { Authorization = "Bearer ${JOBS_TOKEN}" }',
        )
    for index, (name, header_value) in enumerate(value.items(), start=1):
        check_name(name, file, f"{where}[{index}]")
        if not isinstance(header_value, str):
            raise ConfigError(
                file,
                f"{where}.{name}",
                f"header value must be a string, got {type_name(header_value)}",
                "put the value in double quotes",
            )
        check_size(f"{name}: {header_value}", file, f"{where}.{name}")
    return dict(value)


_Check = Callable[[object, str, str], Any]

DEFAULT_KEYS: dict[str, _Check] = {
    "heartbeat_timeout": lambda v, f, w: seconds(v, f, w, allow_zero=False),
    "max_backoff": lambda v, f, w: seconds(v, f, w, allow_zero=True),
    "max_retries": retries,
    "complete_events": event_names,
    "max_line_bytes": line_bytes,
    "headers": headers_table,
}
JOB_KEYS: dict[str, _Check] = {
    "name": lambda v, f, w: text(v, f, w, 'name = "deploy-api"'),
    "url": lambda v, f, w: check_url(text(v, f, w, 'url = "https://..."'), f, w),
    "poll_url": lambda v, f, w: check_url(text(v, f, w, 'poll_url = "https://..."'), f, w),
    "forward_headers": forward_hosts,
    **DEFAULT_KEYS,
}
TOP_KEYS = ("defaults", "job", "alert")


def check_keys(table: Mapping[str, object], allowed: Collection[str], file: str, prefix: str) -> None:
    """Reject keys not in `allowed`, suggesting the closest allowed one."""
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key[:100], list(allowed), n=1, cutoff=0.6)
            fix = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(allowed)}"
            raise ConfigError(file, f"{prefix}{shown(key)}", f"unknown key '{shown(key)}'", fix)


def _checked(
    table: Mapping[str, object], schema: dict[str, _Check], file: str, prefix: str
) -> dict[str, Any]:
    check_keys(table, schema, file, prefix)
    return {key: schema[key](value, file, f"{prefix}{key}") for key, value in table.items()}


def parse_document(content: str, file: str, mode: int) -> ConfigDocument:
    """Parse and validate the text of a configuration file."""
    data = _parse_toml(content, file)
    check_keys(data, TOP_KEYS, file, "")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise ConfigError(
            file, "defaults", f"expected a table, got {type_name(defaults)}", "write [defaults]"
        )
    if "forward_headers" in defaults:
        raise ConfigError(
            file,
            "defaults.forward_headers",
            "forward_headers is set per job, never for every job",
            "move it into each [[job]] whose redirects may take its headers to that host",
        )
    checked = _checked(defaults, DEFAULT_KEYS, file, "defaults.")
    default_headers = checked.pop("headers", {})
    jobs = data.get("job", [])
    if not isinstance(jobs, list) or not all(isinstance(job, dict) for job in jobs):
        raise ConfigError(
            file, "job", "expected an array of tables", "write [[job]], with double brackets, for each job"
        )
    entries = [_job(job, file, index) for index, job in enumerate(jobs, start=1)]
    alerts = parse_alerts(data.get("alert", []), file)
    return ConfigDocument(file, mode, checked, default_headers, entries, alerts)


def _parse_toml(content: str, file: str) -> dict[str, Any]:
    """tomllib's reading of `content`; every way it can fail (syntax, nesting too deep for the recursive
    parser, memory) is a one-line ConfigError naming the file."""
    try:
        return tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        line = content.rstrip("\r\n").count("\n") + 1
        problem = _TOML_POSITION.sub("", message)
        if position and position.group(1):
            line = int(position.group(1))
            problem += f" at column {position.group(2)}"
        raise ConfigError(
            file,
            line,
            f"invalid TOML: {problem}",
            "check that line: strings need double quotes, tables are [defaults] and [[job]]",
        ) from None
    except RecursionError:
        problem = "invalid TOML: arrays or tables nested too deeply"
    except MemoryError:
        problem = "invalid TOML: too large to parse"
    except Exception as exc:  # tomllib on hostile input: any failure is a bad file, not a crash
        problem = f"invalid TOML: {type(exc).__name__}"
    fix = "a config is a [defaults] table and [[job]] tables of plain values"
    raise ConfigError(file, None, problem, fix)


def _job(table: dict[str, object], file: str, index: int) -> JobEntry:
    where = f"job[{index}]"
    checked = _checked(table, JOB_KEYS, file, f"{where}.")
    if "url" not in checked:
        raise ConfigError(
            file, f"{where}.url", "missing url", 'add url = "https://..." to this [[job]]'
        )
    if "forward_headers" in checked:
        checked["forward_headers_to"] = checked.pop("forward_headers")
    return JobEntry(
        where=where,
        url=checked.pop("url"),
        name=checked.pop("name", None),
        headers=checked.pop("headers", {}),
        poll_url=checked.pop("poll_url", None),
        fields=checked,
    )


def read_document(path: Path, *, explicit: bool) -> ConfigDocument | None:
    """Read and validate `path`; None when it is absent and was not asked for explicitly."""
    file = str(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
            mode = os.fstat(handle.fileno()).st_mode
    except FileNotFoundError:
        if not explicit:
            return None
        raise ConfigError(file, None, "file not found", "check the --config path") from None
    except IsADirectoryError:
        raise ConfigError(file, None, "is a directory", "give the path of a TOML file") from None
    except OSError as exc:
        raise ConfigError(
            file, None, f"cannot read: {exc.strerror}", "check its permissions (chmod u+r)"
        ) from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(
            file, None, "file is over the 1 MiB limit", "check the --config path; a config takes a few KiB"
        )
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(file, line, "not valid UTF-8", "save the file as UTF-8") from None
    return parse_document(content, file, mode)
