"""`jobwatch check URL`: its own argument parser and entry point (jobwatch.cli only dispatches here)."""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
from collections.abc import Sequence
from typing import TextIO

from jobwatch.check.model import Options, Show, Thresholds
from jobwatch.check.report import SYMBOLS, render_json, render_text
from jobwatch.check.run import run_check
from jobwatch.config import ConfigError, Settings, load_specs

EXIT_USAGE = 2
MAX_DURATION = 24 * 3600.0
_DURATION = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)?")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}

_DESCRIPTION = """\
Inspect an SSE endpoint the way jobwatch uses it and report what is fine, risky or broken,
with the evidence and a one-line fix: the response head, the framing, the ids, liveness (silences,
buffering) and resuming with Last-Event-ID. Only GET requests are made: the first connection for
--duration (or --events), then three short ones to test resuming. Exit 0 when no check failed, 1 when
one did, 2 on a usage error."""


def duration(text: str) -> float:
    """`30s`, `500ms`, `2m`, `1.5` (seconds): a positive time of at most a day."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(f"expected a duration such as 30s, 500ms or 2m, got {text!r}")
    value = float(match.group(1)) * _UNITS[match.group(2)]
    if not 0 < value <= MAX_DURATION:
        raise argparse.ArgumentTypeError(f"expected a duration above 0 and at most 24h, got {text!r}")
    return value


def count(text: str) -> int:
    """`--events`: a whole number of at least 1."""
    if not (text.isascii() and text.isdigit() and int(text) >= 1):
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    """The parser of `jobwatch check` (its usage errors exit 2)."""
    parser = argparse.ArgumentParser(
        prog="jobwatch check", description=_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("url", metavar="URL", help="the SSE endpoint (http or https)")
    parser.add_argument(
        "--duration",
        type=duration,
        default=30.0,
        metavar="TIME",
        help="how long to watch the first connection (default 30s; e.g. 500ms, 2m)",
    )
    parser.add_argument(
        "--events", type=count, default=1000, metavar="N", help="stop watching after N events (default 1000)"
    )
    parser.add_argument(
        "-H",
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="request header (repeatable); ${ENV_VAR} is expanded; values never shown",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: one screen for people; json: schema jobwatch-check/1 (docs/check.md)",
    )
    tls = parser.add_mutually_exclusive_group()
    tls.add_argument("--ca-bundle", metavar="FILE", help="trust this CA bundle for TLS")
    tls.add_argument("--insecure", action="store_true", help="do NOT verify TLS certificates (unsafe)")
    return parser


def _unicode(out: TextIO) -> bool:
    """Whether `out` can show ✓ ⚠ ✗ (a text buffer without an encoding can)."""
    if out.encoding is None:
        return True
    try:
        "".join(SYMBOLS.values()).encode(out.encoding)
    except (LookupError, UnicodeEncodeError):
        return False
    return True


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, thresholds: Thresholds | None = None
) -> int:
    """Entry point of `jobwatch check`; returns the exit status. Tests pass shrunk `thresholds`."""
    args = build_parser().parse_args(argv)
    stdout = out or sys.stdout
    settings = Settings(headers=args.header, insecure=args.insecure, ca_bundle=args.ca_bundle)
    try:
        loaded = load_specs([args.url], settings, None)
    except ConfigError as exc:
        print(f"jobwatch check: {exc}", file=sys.stderr)
        return EXIT_USAGE
    spec = loaded.specs[0]
    limits = thresholds or Thresholds()
    options = Options(spec.url, dict(spec.headers), spec.verify, args.duration, args.events, limits)
    try:
        report = asyncio.run(run_check(options, Show(loaded.redactor)))
    except KeyboardInterrupt:
        return 130
    if args.format == "json":
        text = render_json(report, loaded.redactor)
    else:
        text = render_text(report, loaded.redactor, unicode=_unicode(stdout))
    try:
        stdout.write(text)
        stdout.flush()
    except BrokenPipeError:  # the reader left (`| head`); keep the exit quiet
        if stdout is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())
    return report.exit_code
