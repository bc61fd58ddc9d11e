"""Helpers for the `jobwatch check` tests: short demo jobs, shrunk time limits, one check run per call."""

from __future__ import annotations

from jobwatch.check import Finding, Options, Report, Thresholds, Verdict, run_check
from jobwatch.demo import DemoServer, Fault, JobScript

FAST = Thresholds(
    proxy_idle=(0.5, 2.0),
    heartbeat_timeout=1.0,
    ping_every=0.3,
    burst_gap=0.3,
    burst_events=5,
    max_retry_wait=0.01,
    probe_seconds=0.3,
)
"""The production rules with times shrunk about 50x, so a silence or a buffer shows within a second."""


def job(job_id: str, *faults: Fault, **options: object) -> JobScript:
    """A short, fast demo job (10 events 2 ms apart, then `complete`) with `faults`."""
    options.setdefault("count", 10)
    options.setdefault("interval", 0.002)
    return JobScript(job_id, faults=faults, **options)  # type: ignore[arg-type]


async def check_job(
    script: JobScript,
    *,
    duration: float = 1.0,
    events: int = 1000,
    ping_interval: float = 15.0,
    thresholds: Thresholds = FAST,
    extra: tuple[JobScript, ...] = (),
) -> Report:
    """Serve `script` (and `extra` jobs) on a DemoServer and run the whole check on it."""
    async with DemoServer([script, *extra], ping_interval=ping_interval) as server:
        # verify=False: the demo server is plain http, and building a TLS context costs 50 ms a run
        options = Options(
            server.job_url(script.id), verify=False, duration=duration, events=events, thresholds=thresholds
        )
        return await run_check(options)


def finding(report: Report, key: str) -> Finding:
    """The finding of check `key` ("group.name")."""
    return next(f for f in report.findings if f.key == key)


def alarms(report: Report) -> dict[str, Verdict]:
    """Every check that came out risky or failed."""
    return {f.key: f.verdict for f in report.findings if f.verdict in (Verdict.WARN, Verdict.FAIL)}
