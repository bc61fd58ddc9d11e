"""Flood benchmark: 8 jobs sending as fast as the demo server can, into the real dashboard (headless).

Prints the server's raw rate (the same 8 streams consumed by bare engine streams, no UI) as the baseline,
the events/s the dashboard consumed, event-loop lag percentiles (a 10 ms probe: what a keypress waits),
events shown vs received, and memory (RSS, per-job buffer). Run: .venv/bin/python bench/ui_flood.py [secs]
"""

from __future__ import annotations

import asyncio
import resource
import subprocess
import sys
import time

from jobwatch.demo import DemoServer, JobScript
from jobwatch.model import DashboardModel
from jobwatch.stream.client import JobStream, make_client
from jobwatch.stream.spec import StreamSpec
from jobwatch.ui.app import JobwatchApp

JOBS = 8
SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] != "--serve" else 10.0


def flood_jobs() -> list[JobScript]:
    return [JobScript(f"flood-{i}", count=50_000_000, bulk=True, complete=False) for i in range(JOBS)]


async def probe(lags: list[float], stop: asyncio.Event, period: float = 0.01) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        t0 = loop.time()
        await asyncio.sleep(period)
        lags.append(max(0.0, loop.time() - t0 - period))


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


async def baseline(specs) -> float:
    """Events/s the engine alone consumes from the same server: the raw send rate we can reach."""
    model = DashboardModel()
    for spec in specs:
        model.add(spec)
    client = make_client()
    tasks = [asyncio.create_task(JobStream(s, model, client=client).run()) for s in specs]
    await asyncio.sleep(SECONDS)
    total = sum(job.seq for job in model)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await client.aclose()
    return total / SECONDS


async def dashboard(specs) -> dict[str, float]:
    app = JobwatchApp(specs, bell=False)
    lags: list[float] = []
    stop = asyncio.Event()
    async with app.run_test(size=(100, 30)):
        task = asyncio.create_task(probe(lags, stop))
        started = time.perf_counter()
        await asyncio.sleep(SECONDS)
        elapsed = time.perf_counter() - started
        stop.set()
        await task
        total = sum(job.seq for job in app.model)
        buffered = max(len(job.events) for job in app.model)
        app.flush()
        panel = app.query_one("#focus-panel")
        newest = app.model[panel.job].seq  # type: ignore[attr-defined]
        shown = panel.shown_seq  # type: ignore[attr-defined]
    return {"rate": total / elapsed, "p50": pct(lags, 50), "p95": pct(lags, 95),
            "p99": pct(lags, 99), "max": max(lags), "buffered": buffered,
            "behind": newest - shown}


async def serve() -> None:
    """The flood server, in its own process as a real job server would be (not sharing our GIL)."""
    async with DemoServer(flood_jobs(), ping_interval=15) as server:
        print(server.url, flush=True)
        await asyncio.Event().wait()


def main() -> None:
    server = subprocess.Popen([sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        specs = [StreamSpec(job.name, f"{url}/jobs/{job.id}/events") for job in flood_jobs()]
        raw = asyncio.run(baseline(specs))
        ui = asyncio.run(dashboard(specs))
    finally:
        server.terminate()
        server.wait()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"flood: {JOBS} jobs, {SECONDS:.0f} s per phase")
    print(f"  baseline (engine only, no UI): {raw:,.0f} events/s")
    print(f"  dashboard consumed:            {ui['rate']:,.0f} events/s "
          f"({ui['rate'] / raw:.0%} of baseline)")
    print(f"  loop lag ms: p50 {ui['p50'] * 1e3:.1f}  p95 {ui['p95'] * 1e3:.1f}  "
          f"p99 {ui['p99'] * 1e3:.1f}  max {ui['max'] * 1e3:.1f}   (target p99 < 100)")
    print(f"  focused panel behind the newest event by {ui['behind']:.0f} events at the end "
          f"(what arrived since the last 10 Hz flush)")
    print(f"  max events buffered per job: {ui['buffered']:.0f} (cap 2000); peak RSS {rss_mb:.0f} MiB")


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        asyncio.run(serve())
    else:
        main()
