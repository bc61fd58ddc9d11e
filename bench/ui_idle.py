"""Idle benchmark: 50 quiet jobs (one event each, then `: ping` every 15 s) on the real dashboard
(headless), CPU % of one core over a window, against an empty Textual app measured in the same run.

Run: .venv/bin/python bench/ui_idle.py [seconds per phase, default 30]   (target: under 2 % of a core)
"""

from __future__ import annotations

import asyncio
import sys
import time

from textual.app import App
from textual.widgets import Static

from jobwatch.demo import JobScript
from jobwatch.ui.app import JobwatchApp
from jobwatch.ui.launch import DemoServerThread, demo_specs

JOBS = 50
SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 30.0


class EmptyApp(App[None]):
    """The baseline: Textual itself, idle, one static line."""

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("idle")


async def cpu_while_idle(app: App[object], warmup: float = 3.0) -> float:
    """CPU seconds per wall second (1.0 = one core) while `app` runs headless, after a warm-up."""
    async with app.run_test(size=(100, 30)):
        await asyncio.sleep(warmup)  # connections open, first events in, first frames drawn
        cpu0, wall0 = time.process_time(), time.perf_counter()
        await asyncio.sleep(SECONDS)
        return (time.process_time() - cpu0) / (time.perf_counter() - wall0)


def main() -> None:
    jobs = [JobScript(f"idle-{i:02d}", count=1, complete=False) for i in range(JOBS)]
    runner = DemoServerThread(jobs, ping_interval=15.0)
    server = runner.start()
    specs = demo_specs(server, jobs, heartbeat_timeout=45.0)
    try:
        baseline = asyncio.run(cpu_while_idle(EmptyApp()))
        app = JobwatchApp(specs, bell=False)
        dashboard = asyncio.run(cpu_while_idle(app))
        live = sum(1 for job in app.model if job.seq >= 1)
    finally:
        runner.stop()
    print(f"idle: {JOBS} jobs, pings every 15 s, {SECONDS:.0f} s per phase (server thread included)")
    print(f"  empty Textual app:  {baseline:.2%} of one core")
    print(f"  jobwatch dashboard: {dashboard:.2%} of one core "
          f"({dashboard - baseline:+.2%} over the empty app; target under 2 %)")
    print(f"  jobs that received their event: {live}/{JOBS}")


if __name__ == "__main__":
    main()
