"""Timeline flood benchmark: 8 jobs sending as fast as the demo server can, into the real dashboard
(headless, 130x40) with the timeline open and two alert rules applied to every event.

Each size runs twice, the dashboard alone then with the timeline, so the two compare on the same (shared,
noisy) machine. Prints events/s consumed, event-loop lag percentiles (a 10 ms probe: what a keypress
waits), the timeline's size against its bounds, the events it shows behind the newest, and RSS sampled
over the run (bounded memory: flat once the rings are full).
Run: .venv/bin/python bench/timeline_flood.py [secs]
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from pathlib import Path

from ui_flood import flood_jobs, pct, probe

from jobwatch.alertrules import AlertRule
from jobwatch.stream.spec import StreamSpec
from jobwatch.ui.app import JobwatchApp
from jobwatch.ui.screens.timeline import TimelineScreen
from jobwatch.ui.widgets.timeline_lines import TimelineLines

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
RULES = (AlertRule("errors", event=re.compile("error")),
         AlertRule("oom", match=re.compile("OOMKilled|FATAL")))
HERE = Path(__file__).resolve().parent


def rss_mib() -> float:
    """Current resident set size (not the peak), from /proc."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / (1 << 20)


async def sample_rss(samples: list[tuple[float, float]], stop: asyncio.Event, start: float) -> None:
    while not stop.is_set():
        samples.append((time.perf_counter() - start, rss_mib()))
        await asyncio.sleep(1.0)


async def run(specs: list[StreamSpec], size: tuple[int, int], open_timeline: bool) -> dict[str, object]:
    """One phase: the dashboard alone (no rules), or with two alert rules and the timeline open."""
    app = JobwatchApp(specs, bell=False, alert_rules=RULES if open_timeline else ())
    lags: list[float] = []
    samples: list[tuple[float, float]] = []
    stop = asyncio.Event()
    async with app.run_test(size=size) as pilot:
        if open_timeline:
            await pilot.press("t")
            assert isinstance(app.screen, TimelineScreen)
        started = time.perf_counter()
        tasks = [asyncio.create_task(probe(lags, stop)),
                 asyncio.create_task(sample_rss(samples, stop, started))]
        await asyncio.sleep(SECONDS)
        elapsed = time.perf_counter() - started
        stop.set()
        await asyncio.gather(*tasks)
        timeline = app.model.timeline
        total = sum(job.seq for job in app.model)
        app.flush()
        lines = app.screen.query_one(TimelineLines) if open_timeline else None
        shown = lines.entries if lines is not None else []
        result = {
            "rate": total / elapsed, "p50": pct(lags, 50), "p95": pct(lags, 95), "p99": pct(lags, 99),
            "max": max(lags), "held": len(timeline), "cap": timeline.cap, "bytes": timeline.data_bytes,
            "budget": timeline.byte_budget, "view": len(shown), "total": timeline.seq,
            "behind": timeline.seq - shown[-1].seq if shown else 0,
            "alerts": app.model.alerts.hits, "rss": samples,
        }
    return result


def report(size: tuple[int, int], r: dict[str, object], timeline: bool) -> None:
    samples = r["rss"]
    assert isinstance(samples, list)
    third = samples[len(samples) // 3][1] if samples else 0.0
    what = "timeline open, 2 alert rules" if timeline else "dashboard only (no timeline, no rules)"
    print(f"{what} at {size[0]}x{size[1]}, 8 flooding jobs, {SECONDS:.0f} s")
    print(f"  consumed {r['rate']:,.0f} events/s; {r['total']:,} events through the timeline, "
          f"{r['alerts']:,} alert matches")
    print(f"  loop lag ms: p50 {r['p50'] * 1e3:.1f}  p95 {r['p95'] * 1e3:.1f}  p99 {r['p99'] * 1e3:.1f}  "  # type: ignore[operator]
          f"max {r['max'] * 1e3:.1f}   (target p99 <= 100)")  # type: ignore[operator]
    print(f"  timeline holds {r['held']:,} entries (cap {r['cap']:,}), {r['bytes']:,} chars of data "
          f"(budget {r['budget']:,}); the view holds {r['view']:,}, {r['behind']} behind the newest")
    print(f"  RSS MiB at 1/3 of the run {third:.0f}, at the end {samples[-1][1]:.0f}; samples: "
          + " ".join(f"{m:.0f}" for _, m in samples[:: max(1, len(samples) // 8)]))


def main() -> None:
    server = subprocess.Popen([sys.executable, str(HERE / "ui_flood.py"), "--serve"], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        specs = [StreamSpec(job.name, f"{url}/jobs/{job.id}/events") for job in flood_jobs()]
        for size, timeline in (((130, 40), False), ((130, 40), True), ((80, 24), False), ((80, 24), True)):
            report(size, asyncio.run(run(specs, size, timeline)), timeline)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
