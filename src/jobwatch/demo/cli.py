"""`jobwatch demo-server`: run the demo server alone and print each job's URL, until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from jobwatch.demo.mix import demo_jobs
from jobwatch.demo.scripts import JobScript
from jobwatch.demo.server import DemoServer


async def serve_forever(
    port: int,
    ping_interval: float,
    jobs: Sequence[JobScript],
    *,
    seed: int = 0,
    on_ready: Callable[[DemoServer], None] | None = None,
) -> None:
    """Serve `jobs` on 127.0.0.1:`port` until cancelled; `on_ready` runs once it listens."""
    async with DemoServer(jobs, port=port, ping_interval=ping_interval, seed=seed) as server:
        if on_ready is not None:
            on_ready(server)
        await asyncio.Event().wait()


def print_urls(server: DemoServer, out: TextIO | None = None) -> None:
    """One job URL per line, flushed so a pipe sees them at once."""
    stream = out or sys.stdout
    try:
        for job in server.jobs:
            print(server.job_url(job.id), file=stream)
        stream.flush()
    except BrokenPipeError:
        # The reader (e.g. `| head -1`) left; keep serving, and keep exit quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number: {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jobwatch demo-server",
        description="Serve the demo jobs over SSE on 127.0.0.1 and print their URLs.",
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port (default: any free port)")
    parser.add_argument(
        "--ping-interval", type=_positive, default=15.0, help="seconds between idle pings"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated events")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for `jobwatch demo-server [--port P] [--ping-interval S] [--seed N]`."""
    args = build_parser().parse_args(argv)
    try:
        serving = serve_forever(
            args.port, args.ping_interval, demo_jobs(), seed=args.seed, on_ready=print_urls
        )
        asyncio.run(serving)
    except KeyboardInterrupt:
        return 0
    except OSError as exc:
        print(f"jobwatch demo-server: cannot listen on port {args.port}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
