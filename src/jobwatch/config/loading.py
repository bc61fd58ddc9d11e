"""Turns the TOML configuration file (design §5) and the command line into one StreamSpec per job.

Precedence: command line > `[[job]]` > `[defaults]` > StreamSpec defaults. Every error is a one-line
ConfigError naming the file, the line or key path and the fix, and never a header value or a secret.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jobwatch.alertrules import AlertRule
from jobwatch.config.errors import COMMAND_LINE, ConfigError, shown
from jobwatch.config.headers import check_total, expand, has_reference, merge_headers, parse_header_line
from jobwatch.config.schema import ConfigDocument, check_url, line_bytes, read_document
from jobwatch.config.schema import retries as check_retries
from jobwatch.config.schema import seconds as check_seconds
from jobwatch.redact import HARMLESS_HEADERS, Redactor, redact_url, url_secrets
from jobwatch.stream.spec import StreamSpec


@dataclass(frozen=True)
class Settings:
    """The command-line options that apply to every source; None/empty means "not given"."""

    headers: Sequence[str] = ()
    """Raw `-H "Name: value"` strings; values may reference `${ENV_VAR}`."""
    heartbeat_timeout: float | None = None
    max_backoff: float | None = None
    max_retries: int | None = None
    complete_events: Sequence[str] = ()
    insecure: bool = False
    ca_bundle: str | None = None
    max_line_bytes: int | None = None


@dataclass(frozen=True)
class LoadedConfig:
    """What `load_specs` found: the jobs, a redactor that knows their secrets, and warnings to show."""

    specs: list[StreamSpec]
    redactor: Redactor
    warnings: list[str] = field(default_factory=list)
    config_file: Path | None = None
    """The configuration file that was read, or None when there was none."""
    alerts: tuple[AlertRule, ...] = ()
    """The `[[alert]]` rules, compiled."""


def parse_source(text: str) -> tuple[str, str]:
    """`URL` or `NAME=URL` → (name, url); the name defaults to the URL, redacted (`redact_url`),
    so that a name, shown everywhere, never carries credentials.

    The text is NAME=URL only when what precedes the first '=' is a plain name (no "://", "/" or
    "?"), so `http://h/x?a=b` stays a URL.
    """
    name, url = _split_source(text)
    return (redact_url(url) if name is None else name), url


def _split_source(text: str) -> tuple[str | None, str]:
    """(name, url) of `NAME=URL`, or (None, url) when the source is only a URL."""
    head, eq, tail = text.partition("=")
    name = head.strip()
    if eq and name and not any(mark in head for mark in ("://", "/", "?")):
        return name, tail.strip()
    return None, text.strip()


def load_specs(
    sources: Sequence[str],
    settings: Settings,
    config_path: Path | None,
    *,
    env: Mapping[str, str] = os.environ,
    explicit: bool = False,
) -> LoadedConfig:
    """Configured jobs, then command-line `sources`, as StreamSpecs with every setting resolved.

    `explicit` means the user named `config_path` (--config): then it must exist. A missing default
    file just means no configured jobs. Raises ConfigError on any problem.
    """
    builder = _Builder(settings, env)
    document = read_document(config_path, explicit=explicit) if config_path is not None else None
    jobs: list[tuple[str | None, StreamSpec, str, str, str]] = []
    warnings: list[str] = []
    if document is not None:
        builder.use_defaults(document)
        for job in document.jobs:
            file, where = document.file, job.where
            headers = builder.expand_layer(job.headers, file, f"{where}.headers")
            spec = builder.spec(job.url, job.fields, headers, job.poll_url, file, f"{where}.headers")
            jobs.append((job.name, spec, file, where, "give each [[job]] a unique name"))
        warnings += _permission_warnings(document)
    for index, source in enumerate(sources, start=1):
        name, url = _split_source(source)
        builder.redactor.add(*url_secrets(url))
        where = f"source #{index} '{shown(builder.redactor(redact_url(source)), 120)}'"
        check_url(url, COMMAND_LINE, where)
        spec = builder.spec(url, {}, {}, None, COMMAND_LINE, "-H")
        jobs.append((name, spec, COMMAND_LINE, where, "name it with NAME=URL"))
    specs: list[StreamSpec] = []
    seen: dict[str, str] = {}
    for given, spec, file, where, fix in jobs:
        # A name derived from the URL is redacted here, once, knowing every secret of the configuration.
        name = given if given is not None else builder.redactor(redact_url(spec.url))
        _claim(seen, name, file, where, fix)
        specs.append(replace(spec, name=name))
    config_file = Path(document.file) if document else None
    alerts = document.alerts if document else ()
    return LoadedConfig(specs, builder.redactor, warnings, config_file, alerts)


def _claim(seen: dict[str, str], name: str, file: str, where: str, fix: str) -> None:
    if name in seen:
        problem = f"duplicate job name '{shown(name)}', also used by {seen[name]}"
        raise ConfigError(file, where, problem, fix)
    seen[name] = f"{where} in {file}" if file != COMMAND_LINE else f"{where} on the command line"


class _Builder:
    """Resolves each job's settings through the precedence layers and feeds the redactor."""

    def __init__(self, settings: Settings, env: Mapping[str, str]) -> None:
        self.env = env
        self.redactor = Redactor()
        self.overrides = _command_line_fields(settings)
        self.verify = _verify(settings)
        self.defaults: dict[str, Any] = {}
        self.default_headers: dict[str, str] = {}
        self.cli_headers: dict[str, str] = {}
        for index, line in enumerate(settings.headers, start=1):
            name, value = parse_header_line(line, COMMAND_LINE, f"-H #{index}")
            expanded = self._expand(value, COMMAND_LINE, f"-H #{index} ({name})", name)
            self.cli_headers = merge_headers([self.cli_headers, {name: expanded}])

    def use_defaults(self, document: ConfigDocument) -> None:
        self.defaults = document.defaults
        self.default_headers = self.expand_layer(
            document.default_headers, document.file, "defaults.headers"
        )

    def expand_layer(self, headers: Mapping[str, str], file: str, prefix: str) -> dict[str, str]:
        return {
            name: self._expand(value, file, f"{prefix}.{name}", name)
            for name, value in headers.items()
        }

    def _expand(self, value: str, file: str, where: str, name: str) -> str:
        used: list[str] = []
        expanded = expand(value, self.env, file, where, used)
        self.redactor.add(*used)
        if name.lower() not in HARMLESS_HEADERS:
            self.redactor.add(expanded)
        return expanded

    def spec(
        self,
        url: str,
        job_fields: Mapping[str, Any],
        job_headers: Mapping[str, str],
        poll_url: str | None,
        file: str,
        headers_where: str,
    ) -> StreamSpec:
        """The job's spec (named later, once every secret is known); learns its URLs' secrets."""
        self.redactor.add(*url_secrets(url), *url_secrets(poll_url or ""))
        resolved = {**self.defaults, **job_fields, **self.overrides}
        headers = merge_headers([self.default_headers, job_headers, self.cli_headers])
        check_total(headers, file, headers_where)
        return StreamSpec(
            name="", url=url, headers=headers, verify=self.verify, poll_url=poll_url, **resolved
        )


def _command_line_fields(settings: Settings) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if settings.heartbeat_timeout is not None:
        fields["heartbeat_timeout"] = check_seconds(
            settings.heartbeat_timeout, COMMAND_LINE, "--heartbeat-timeout", allow_zero=False
        )
    if settings.max_backoff is not None:
        fields["max_backoff"] = check_seconds(
            settings.max_backoff, COMMAND_LINE, "--max-backoff", allow_zero=True
        )
    if settings.max_retries is not None:
        fields["max_retries"] = check_retries(settings.max_retries, COMMAND_LINE, "--max-retries")
    if settings.complete_events:
        if not all(settings.complete_events):
            raise ConfigError(
                COMMAND_LINE, "--complete-event", "empty event name", "write e.g. --complete-event done"
            )
        fields["complete_events"] = tuple(settings.complete_events)
    if settings.max_line_bytes is not None:
        fields["max_line_bytes"] = line_bytes(settings.max_line_bytes, COMMAND_LINE, "--max-line-bytes")
    return fields


def _verify(settings: Settings) -> bool | str:
    if settings.insecure:
        return False
    if settings.ca_bundle is None:
        return True
    bundle = Path(settings.ca_bundle).expanduser()
    if not bundle.exists():
        raise ConfigError(
            COMMAND_LINE,
            "--ca-bundle",
            f"CA bundle {bundle} not found",
            "give the path of a PEM file with your CA certificates",
        )
    return str(bundle)


def _permission_warnings(document: ConfigDocument) -> list[str]:
    """Warn when a group/other-readable file holds a literal (not `${VAR}`) secret header value."""
    if not document.mode & 0o044:
        return []
    layers = [("defaults.headers", document.default_headers)]
    layers += [(f"{job.where}.headers", job.headers) for job in document.jobs]
    literal = [
        f"{prefix}.{name}"
        for prefix, headers in layers
        for name, value in headers.items()
        if value and not has_reference(value) and name.lower() not in HARMLESS_HEADERS
    ]
    if not literal:
        return []
    return [
        f"{document.file}: readable by group/others and holds a literal secret in "
        f"{', '.join(literal)} (run chmod 600 {document.file}, or use ${{ENV_VAR}} references)"
    ]
