"""Scripted dashboards for the UI tests: a job in every state, driven by a settable clock."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path

from textual.pilot import Pilot
from ui_fakes import END, FakeFactory, Step, at, event, heartbeat, notice, status

from jobwatch.stream.events import StreamState
from jobwatch.stream.spec import StreamSpec
from jobwatch.ui.app import JobwatchApp

START = 970.0
NOW = 1000.0
WALL = 1_767_225_600.0  # 2026-01-01 00:00:00 UTC


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def log(line: str, n: int) -> Step:
    return event(json.dumps({"line": line, "stream": "stdout"}), str(n), "log")


BURSTS = (1, 3, 2, 5, 8, 4, 6, 2, 7, 3)
"""Events per second in the ten seconds before NOW, for a recognisable sparkline."""


def live_script(name: str, bursts: tuple[int, ...] = BURSTS) -> list[Step]:
    steps = [status(StreamState.OPEN, status_code=200), event('{"status": "running"}', "1", "status")]
    n = 2
    for second, count in enumerate(bursts):
        steps.append(at(NOW - len(bursts) + second))
        for _ in range(count):
            steps.append(log(f"{name}: step {n} ok", n))
            n += 1
    return [*steps, heartbeat(NOW - 2), at(START)]


SCRIPTS: dict[str, list[Step]] = {
    "build-api": live_script("build-api"),
    "deploy-web": [],
    "migrate-db": [
        status(StreamState.OPEN, status_code=200),
        event('{"status": "running"}', "40", "status"),
        log("migrating table users", 41),
        heartbeat(START),
        status(
            StreamState.RECONNECTING,
            attempt=3,
            reconnects=5,
            last_event_id="41",
            last_error="HTTP 503 Service Unavailable (Retry-After 5s)",
            delay=4.0,
            status_code=503,
        ),
    ],
    "train-model": [
        at(START - 60),
        status(StreamState.OPEN, status_code=200),
        *(heartbeat(START - 60 + 10 * n) for n in range(6)),  # a ping every 10 s, then silence
        at(START),
        event('{"status": "running"}', "7", "status"),
        event('{"step": 120, "percent": 12}', "8", "progress"),
        heartbeat(START),
    ],
    "nightly-backup": [
        status(StreamState.OPEN, status_code=200),
        log("backup written", 1),
        event('{"status": "succeeded"}', "2", "complete"),
        heartbeat(START),
        status(StreamState.COMPLETED, last_event_id="2", events=2),
        END,
    ],
    "lint-docs": [
        status(
            StreamState.FAILED,
            attempt=0,
            last_error="HTTP 401 Unauthorized: check the Authorization header",
            status_code=401,
        ),
        END,
    ],
}


POLLING_SCRIPTS: dict[str, list[Step]] = {
    **SCRIPTS,
    "proxy-job": [
        status(
            StreamState.POLLING,
            last_event_id="12",
            status_code=200,
            last_error="SSE unavailable (expected Content-Type text/event-stream, got 'text/html'); polling",
        ),
        log("polled: compiling", 12),
        heartbeat(NOW - 1),
    ],
}
"""Every state plus a job served by the polling fallback (SSE refused by a proxy)."""


SKIPPED = "event 7 skipped: 2.0 MB over the 1 MiB limit"
JOB_ERROR = "job error: disk \x1b[31mfull\x07 on runner-3"
NOTICE_SCRIPTS: dict[str, list[Step]] = {
    "ingest-logs": [
        status(StreamState.OPEN, status_code=200),
        *(log(f"ingested batch {n}", n) for n in range(1, 7)),
        notice(SKIPPED),
        status(StreamState.OPEN, status_code=200, last_event_id="6", last_error=SKIPPED),
        log("ingested batch 8", 8),
        notice(JOB_ERROR),
        status(StreamState.OPEN, status_code=200, last_event_id="8", last_error=JOB_ERROR),
        log("ingested batch 9", 9),
        heartbeat(NOW - 1),
    ],
}
"""A job whose stream skipped an oversized event and reported a retryable job `error` event."""


COMPLETED_EARLIER = {"nightly-backup": {"last_event_id": "2", "completed": True}}
"""The state file says nightly-backup completed at id 2 (its stream is not scripted: it never reports)."""


def make_app(
    names: list[str] | None = None,
    *,
    clock: Clock | None = None,
    scripts: dict[str, list[Step]] | None = None,
    tmp_path: Path | None = None,
    insecure: bool = False,
    spec_changes: dict[str, dict[str, object]] | None = None,
    **kwargs: object,
) -> tuple[JobwatchApp, FakeFactory, Clock]:
    """An app over scripted jobs; every job has `heartbeat_timeout=45`; `spec_changes` by job name
    (e.g. a saved cursor and `completed`)."""
    scripts = SCRIPTS if scripts is None else scripts
    names = list(scripts) if names is None else names
    clock = clock or Clock()
    factory = FakeFactory(dict(scripts), clock=clock)  # type: ignore[arg-type]
    specs = [
        replace(StreamSpec(n, f"http://127.0.0.1:8000/jobs/{n}/events", verify=not insecure),
                **(spec_changes or {}).get(n, {}))  # type: ignore[arg-type]
        for n in names
    ]
    kwargs.setdefault("bell", False)
    kwargs.setdefault("wall_clock", lambda: WALL)
    if tmp_path is not None:
        kwargs.setdefault("export_dir", tmp_path)
        kwargs.setdefault("user_theme_dir", tmp_path / "no-themes")
    app = JobwatchApp(
        specs, stream_factory=factory, clock=clock, flush_interval=3600, tick_interval=3600, **kwargs
    )  # type: ignore[arg-type]
    app.animation_level = "none"
    return app, factory, clock


async def settle(
    pilot: Pilot[int], factory: FakeFactory, clock: Clock, now: float = NOW, *, toasts: bool = False
) -> None:
    """Wait until every scripted stream has replayed, move the clock, refresh as the tick would.
    Toasts (the failure notification) are cleared unless `toasts`."""
    await pilot.pause()
    await asyncio.gather(*(s.started.wait() for s in factory.made))
    clock.now = now
    pilot.app.tick()  # type: ignore[attr-defined]
    if not toasts:
        pilot.app.clear_notifications()
    await pilot.pause()
