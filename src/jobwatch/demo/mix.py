"""The scripted job mix behind `jobwatch demo`: within a minute every dashboard state shows up.

Timings assume the demo client runs with a short heartbeat timeout (about 10 s).
"""

from __future__ import annotations

from jobwatch.demo.faults import ALWAYS
from jobwatch.demo.scripts import Fault, JobScript


def demo_jobs() -> list[JobScript]:
    """Nine jobs: chatty, completing, failing, dropping, throttled, silent, 401, two healthy."""
    return [
        # Healthy and chatty: a log line every 0.3 s for ten minutes, with an occasional burst.
        JobScript(
            "api-build",
            count=2000,
            interval=0.3,
            faults=(Fault.burst(after_event=60, count=40), Fault.burst(after_event=400, count=80)),
        ),
        # Completes after about 20 s.
        JobScript("docs-publish", count=40, interval=0.5),
        # Fails with a non-retryable job error after about 15 s.
        JobScript(
            "db-migrate",
            count=400,
            interval=0.5,
            faults=(
                Fault.fail_job(30, "migration 0042_add_orders_index failed: lock wait timeout"),
            ),
        ),
        # Its connection drops mid-event several times and resumes.
        JobScript(
            "nightly-etl",
            count=600,
            interval=0.4,
            faults=tuple(Fault.drop(after) for after in (8, 20, 35, 55, 80, 110, 150, 200, 260)),
        ),
        # Throttled: 503 with Retry-After twice before it streams.
        JobScript(
            "billing-sync",
            count=300,
            interval=0.5,
            faults=(Fault.status(503, times=2, retry_after="2"),),
        ),
        # Goes completely silent (no pings) for 20 s, again and again.
        JobScript(
            "search-reindex",
            count=900,
            interval=0.5,
            faults=tuple(Fault.silence(after, 20.0) for after in (10, 40, 70, 100, 130, 160)),
        ),
        # Answered 401 on every connection.
        JobScript("audit-export", faults=(Fault.status(401, times=ALWAYS),)),
        # Two more healthy, slower jobs.
        JobScript("web-deploy", count=400, interval=1.2),
        JobScript("train-resnet", count=600, interval=0.8),
    ]
