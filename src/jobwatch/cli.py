"""Command line: parse arguments, load the configuration, dispatch to the dashboard, tail or demo.

Textual is imported only by the dashboard commands, so `jobwatch tail` starts fast and headless.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from jobwatch import __version__
from jobwatch.textsafe import sanitize

COMMANDS = ("tail", "demo", "demo-server", "check")
EXIT_USAGE = 2
MIN_LINE_BYTES = 1024  # jobwatch.config.schema.MIN_LINE_BYTES, not imported so `--help` stays light

_EPILOG = """\
commands:
  jobwatch [OPTIONS] [SOURCE ...]        dashboard (TUI)
  jobwatch demo [OPTIONS]                embedded demo server + dashboard on it (no network needed)
  jobwatch tail [OPTIONS] [SOURCE ...]   headless: one line per event on stdout
  jobwatch demo-server [--port P]        only the demo server, for trying other clients against it
  jobwatch check URL [--duration 30s]    inspect an SSE endpoint: what is fine, risky or broken, and fixes

SOURCE is URL or NAME=URL. Run `jobwatch COMMAND --help` for a command's options.
"""


class _Parser(argparse.ArgumentParser):
    """argparse whose error lines show argument text escaped (`jobwatch tail $'\\x1b...'` cannot drive
    the terminal), like everything else jobwatch prints."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {sanitize(message, 1000)}\n")


def _say(text: str) -> None:
    """One line on stderr, escaped (it may hold paths, sources or server text); a closed or broken stderr
    is ignored, never an error of the run."""
    from jobwatch.output.writer import SafeStderr

    SafeStderr(sys.stderr).write(f"jobwatch: {sanitize(text)}\n")


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {value!r}") from None
    if not number > 0 or number == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {value!r}")
    return number


def _count(value: str) -> int:
    if not (value.isascii() and value.isdigit()):
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {value!r}")
    return int(value)


def _line_bytes(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or int(value) < MIN_LINE_BYTES:
        expected = f"expected a whole number of bytes >= {MIN_LINE_BYTES}"
        raise argparse.ArgumentTypeError(f"{expected}, got {value!r}")
    return int(value)


def _stream_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sources", nargs="*", metavar="SOURCE", help="URL or NAME=URL of an SSE stream")
    parser.add_argument("--config", metavar="FILE", type=Path, help="TOML configuration file "
                        "(default: $XDG_CONFIG_HOME/jobwatch/config.toml if present)")
    parser.add_argument("-H", "--header", action="append", default=[], metavar="'NAME: VALUE'",
                        help="request header for every source (repeatable); ${ENV_VAR} is expanded")
    parser.add_argument("--max-retries", type=_count, metavar="N",
                        help="give up after N failed reconnection attempts in a row "
                        "(default: never; 0: never reconnect)")
    parser.add_argument("--heartbeat-timeout", type=_positive, metavar="SECONDS",
                        help="drop and resume a connection silent for this long (default 45)")
    parser.add_argument("--max-backoff", type=_positive, metavar="SECONDS",
                        help="cap of the exponential reconnect backoff (default 30)")
    parser.add_argument("--complete-event", action="append", default=[], metavar="NAME",
                        help="event type that ends a job for good (repeatable; default: complete, done)")
    parser.add_argument("--max-line-bytes", type=_line_bytes, metavar="N",
                        help="an event with a longer line is skipped with a notice (default 1048576, "
                        f"at least {MIN_LINE_BYTES})")
    state = parser.add_mutually_exclusive_group()
    state.add_argument("--state", metavar="FILE", type=Path,
                       help="where resume cursors persist (default under $XDG_STATE_HOME/jobwatch/)")
    state.add_argument("--no-state", action="store_true", help="do not read or write resume cursors")
    parser.add_argument("--from-start", action="store_true",
                        help="ignore saved cursors and completion marks: read every job from its start "
                        "(where they are saved is unchanged)")
    parser.add_argument("--log-file", metavar="FILE", type=Path,
                        help="append a debug log (connections, responses, delays and why; secrets redacted)")
    tls = parser.add_mutually_exclusive_group()
    tls.add_argument("--ca-bundle", metavar="FILE", help="trust this CA bundle for TLS")
    tls.add_argument("--insecure", action="store_true", help="do NOT verify TLS certificates (unsafe)")


def _ui_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--theme", help="colour theme: jobwatch-dark, jobwatch-light, jobwatch-ansi (16 "
                        "colours), any Textual theme, or one from $XDG_CONFIG_HOME/jobwatch/themes/")
    parser.add_argument("--no-mouse", action="store_true", help="do not capture the mouse")
    parser.add_argument("--no-bell", action="store_true", help="no terminal bell when a job fails")
    parser.add_argument("--notify", action="store_true", help="a desktop notification (OSC 9 and OSC 777 "
                        "through the terminal) when an [[alert]] rule of the config rings")
    parser.add_argument("--export-dir", metavar="DIR", type=Path,
                        help="where `e` writes JSONL exports (default: $XDG_STATE_HOME/jobwatch/exports)")


def build_parser(command: str | None) -> argparse.ArgumentParser:
    """The parser of the dashboard (None), `tail` or `demo` (`demo-server` has its own in jobwatch.demo)."""
    if command is None:
        parser = _Parser(
            prog="jobwatch", description="Watch many Server-Sent Events job streams at once.",
            epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
        parser.add_argument("--version", action="version", version=f"jobwatch {__version__}")
        _stream_options(parser)
        _ui_options(parser)
    elif command == "tail":
        parser = _Parser(
            prog="jobwatch tail", description="Print every event of every source, one line each. "
            "State changes go to stderr. Exit 0 when no stream failed, 1 when any did, 2 on usage or "
            "configuration errors; 130 on Ctrl-C (SIGINT), 143 on SIGTERM, 129 on SIGHUP and 141 when "
            "stdout is closed (e.g. `| head`), each after saving the cursors of the lines written.")
        _stream_options(parser)
        parser.add_argument("--format", choices=("text", "jsonl"), default="text",
                            help="text: 'HH:MM:SS.mmm  job  type  data'; jsonl: one JSON object per event")
    elif command == "demo":
        parser = _Parser(
            prog="jobwatch demo", description="Start the embedded demo server (127.0.0.1, scripted jobs "
            "showing every state) and open the dashboard on it.")
        parser.add_argument("--heartbeat-timeout", type=_positive, default=10.0, metavar="SECONDS",
                            help="heartbeat timeout for the demo jobs (default 10)")
        _ui_options(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = args_list[0] if args_list and args_list[0] in COMMANDS else None
    if command == "demo-server":
        from jobwatch.demo.cli import main as demo_server_main

        return demo_server_main(args_list[1:])
    if command == "check":
        from jobwatch.check.cli import main as check_main

        return check_main(args_list[1:])
    args = build_parser(command).parse_args(args_list[1:] if command else args_list)
    try:
        if command == "demo":
            from jobwatch.ui.launch import main_demo

            return main_demo(theme=args.theme, bell=not args.no_bell, mouse=not args.no_mouse,
                             heartbeat_timeout=args.heartbeat_timeout, export_dir=args.export_dir,
                             notify=args.notify)
        return _run_streams(command, args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: one line on the terminal, the traceback only in the --log-file
        logging.getLogger("jobwatch").exception("internal error")
        _say(f"internal error: {type(exc).__name__} (details go to --log-file)")
        return 1


def _run_streams(command: str | None, args: argparse.Namespace) -> int:
    from jobwatch.config import ConfigError, Settings, default_config_path, load_specs
    from jobwatch.paths import default_state_path
    from jobwatch.stream.cursor import CursorStore

    settings = Settings(
        headers=args.header, heartbeat_timeout=args.heartbeat_timeout, max_backoff=args.max_backoff,
        max_retries=args.max_retries, complete_events=args.complete_event, insecure=args.insecure,
        ca_bundle=args.ca_bundle, max_line_bytes=args.max_line_bytes)
    explicit = args.config is not None
    try:
        loaded = load_specs(args.sources, settings, args.config or default_config_path(), explicit=explicit)
    except ConfigError as exc:
        _say(str(exc))
        return EXIT_USAGE
    for warning in loaded.warnings:
        _say(f"warning: {loaded.redactor(warning)}")
    if not loaded.specs:
        _say("no sources: give SOURCE arguments or [[job]] entries in the config file "
             "(or try `jobwatch demo`)")
        return EXIT_USAGE

    def state_error(message: str) -> None:
        _say(f"warning: {loaded.redactor(message)}")

    if args.log_file is not None:
        from jobwatch.logfile import open_log_file

        try:
            open_log_file(args.log_file, loaded.redactor)
        except OSError as exc:
            _say(f"--log-file {args.log_file}: cannot open: {exc.strerror}")
            return EXIT_USAGE
    state_path = None if args.no_state else (args.state or default_state_path())
    cursors = CursorStore(state_path, on_error=state_error)
    specs = loaded.specs
    if not args.from_start:
        specs = [replace(spec, last_event_id=cursors.get(spec.url), completed=cursors.is_completed(spec.url),
                         cursor_fingerprint=cursors.fingerprint(spec.url))
                 for spec in specs]  # fmt: skip
    if command == "tail":
        from jobwatch.output.tail import run_tail

        verify = specs[0].verify
        return asyncio.run(run_tail(specs, fmt=args.format, cursors=cursors, redactor=loaded.redactor,
                                    verify=verify, alert_rules=loaded.alerts))
    from jobwatch.ui.launch import main_dashboard

    return main_dashboard(specs, redactor=loaded.redactor, cursor_store=cursors, theme=args.theme,
                          bell=not args.no_bell, mouse=not args.no_mouse, export_dir=args.export_dir,
                          alert_rules=loaded.alerts, notify=args.notify)
