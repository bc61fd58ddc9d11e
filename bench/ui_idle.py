"""Idle benchmark (issue #11 item 5): the real dashboard (`python -m jobwatch`, in a pty) watching quiet jobs
(one event each, then `: ping` every 15 s). CPU % of one core of the dashboard process (all its threads,
from /proc) over a window after every stream is open, against an empty Textual app in the same pty;
start-up: first frame showing a job, first and last stream opened (as the job server saw them).

Runs: empty app, 50 jobs at 100x30, 1,000 jobs narrow (100x30) and wide (200x50), start-up with 100 jobs.
Run: .venv/bin/python bench/ui_idle.py [SECONDS per window, default 30] [--jobs 1000]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass

from ptykit import Chunk, Dashboard, JobServer, pump, sources
from screens import Terminal

EMPTY_APP = """\
from textual.app import App
from textual.widgets import Static
class Empty(App):
    def compose(self):
        yield Static("idle")
Empty().run()
"""
NARROW, WIDE = (100, 30), (200, 50)
TARGET_LARGE = 0.05
TARGET_SMALL = 0.02
OPEN_TIMEOUT = 120.0
SETTLE = 3.0


@dataclass
class Run:
    """One dashboard run: CPU share over the window, output rate, and start-up times (s after spawn)."""

    cpu: float
    rate: float
    opened: int
    first_frame: float | None
    first_stream: float | None
    all_streams: float | None


def first_frame(chunks: list[Chunk], cols: int, rows: int, started: float, marker: str) -> float | None:
    """When the screen first showed `marker` (a job name), replaying the capture."""
    term = Terminal(cols, rows)
    for at, data in chunks:
        term.feed(data)
        if marker in term.text():
            return at - started
    return None


def wait_open(dash: Dashboard, server: JobServer, jobs: int, chunks: list[Chunk]) -> dict[str, float | None]:
    """Read the pty until the server has seen every job's stream (or OPEN_TIMEOUT); the last stats."""
    deadline = dash.started + OPEN_TIMEOUT
    while True:
        pump(dash, min(deadline, time.monotonic() + 0.2), chunks)
        stats = server.stats(dash.started)
        if stats["jobs"] >= jobs or time.monotonic() >= deadline or not dash.open:
            return stats


def measure(server: JobServer | None, size: tuple[int, int], seconds: float, jobs: int = 0) -> Run:
    """Spawn, wait for all streams and SETTLE s, then CPU and bytes over `seconds` (0: start-up only)."""
    urls = server.urls[:jobs] if server else []
    argv = None if server else [sys.executable, "-c", EMPTY_APP]
    chunks: list[Chunk] = []
    with Dashboard(sources(urls), *size, argv=argv) as dash:
        stats = wait_open(dash, server, jobs, chunks) if server else {"jobs": 0}
        pump(dash, time.monotonic() + SETTLE, chunks)
        cpu = wall = 0.0
        written = 0
        if seconds > 0:
            cpu0, wall0 = dash.cpu_seconds(), time.monotonic()
            written = pump(dash, wall0 + seconds)
            cpu, wall = dash.cpu_seconds() - cpu0, time.monotonic() - wall0
        started = dash.started
    frame = first_frame(chunks, *size, started, "idle-0") if server else None

    def since(key: str) -> float | None:
        return None if stats.get(key) is None else stats[key] - started

    return Run(cpu / wall if wall else 0.0, written / wall if wall else 0.0, stats["jobs"], frame,
               since("first"), since("all"))


def seconds_text(value: float | None) -> str:
    return "never" if value is None else f"{value:.2f} s"


def startup_text(run: Run, jobs: int) -> str:
    return (f"first frame with a job {seconds_text(run.first_frame)}, first stream opened "
            f"{seconds_text(run.first_stream)}, all open {seconds_text(run.all_streams)} "
            f"({run.opened}/{jobs} jobs)")


def cpu_text(run: Run, baseline: Run, target: float) -> str:
    verdict = "meets" if run.cpu <= target else f"{run.cpu / target:.1f}x over"
    return (f"{run.cpu:.1%} of one core ({run.cpu - baseline.cpu:+.1%} over the empty app; target <= "
            f"{target:.0%}: {verdict}); writes {run.rate / 1024:.2f} KiB/s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("seconds", nargs="?", type=float, default=30.0, help="CPU window per run")
    parser.add_argument("--jobs", type=int, default=1000, help="the large count (default 1000)")
    args = parser.parse_args()
    large = args.jobs
    print(f"ui_idle: the real dashboard in a pty, idle jobs pinging every 15 s, {args.seconds:.0f} s windows "
          f"after every stream is open (+{SETTLE:.0f} s)")
    baseline = measure(None, NARROW, args.seconds)
    print(f"  empty Textual app {NARROW[0]}x{NARROW[1]}: {baseline.cpu:.1%} of one core", flush=True)
    with JobServer("idle", max(large, 100)) as server:
        small = measure(server, NARROW, args.seconds, 50)
        print(f"  50 jobs {NARROW[0]}x{NARROW[1]}: {cpu_text(small, baseline, TARGET_SMALL)}", flush=True)
        runs: dict[str, Run] = {}
        for layout, size in (("narrow", NARROW), ("wide", WIDE)):
            runs[layout] = run = measure(server, size, args.seconds, large)
            print(f"  {large} jobs {layout} {size[0]}x{size[1]}: {cpu_text(run, baseline, TARGET_LARGE)}",
                  flush=True)
        hundred = measure(server, NARROW, 0.0, 100)
    print("start-up (seconds after spawn; required: first frame before any stream, linear in jobs)")
    print(f"  100 jobs:   {startup_text(hundred, 100)}")
    for layout, run in runs.items():
        print(f"  {large} jobs {layout}: {startup_text(run, large)}")
    narrow = runs["narrow"]
    if None not in (narrow.all_streams, narrow.first_stream, hundred.all_streams, hundred.first_stream):
        span_large = narrow.all_streams - narrow.first_stream  # type: ignore[operator]
        span_small = hundred.all_streams - hundred.first_stream  # type: ignore[operator]
        print(f"  first to last stream opened: 100 jobs {span_small:.2f} s, {large} jobs {span_large:.2f} s "
              f"({span_large / span_small:.1f}x; linear: {large / 100:.0f}x)")

if __name__ == "__main__":
    main()
