"""A correct endpoint raises no alarm: the demo server's healthy jobs pass every check."""

from __future__ import annotations

from checkkit import check_job, finding, job

from jobwatch.check import Thresholds, Verdict
from jobwatch.demo import demo_jobs

ALL_CHECKS = [
    "response.status", "response.content-type", "response.cache-control", "response.content-encoding",
    "response.x-accel-buffering", "response.http-version", "response.redirects",
    "framing.line-endings", "framing.bom", "framing.retry", "framing.heartbeat", "framing.event-types",
    "framing.json", "ids.present", "ids.order", "ids.per-connection", "liveness.gaps", "liveness.bursts",
    "resume.after-retry", "resume.last-event-id", "resume.unknown-id",
]  # fmt: skip


async def test_healthy_job_passes_every_check_and_exits_0() -> None:
    report = await check_job(job("healthy", count=20))

    assert [f.key for f in report.findings] == ALL_CHECKS
    assert {f.key: f.verdict for f in report.findings} == dict.fromkeys(ALL_CHECKS, Verdict.OK)
    assert report.exit_code == 0
    assert finding(report, "resume.last-event-id").summary == (
        "Last-Event-ID '11': resumes right after it (exclusive)"
    )
    assert finding(report, "resume.after-retry").summary.endswith("204, clients stop (the stream had ended)")


async def test_demo_mix_completing_job_raises_no_alarm_with_the_production_thresholds() -> None:
    script = next(j for j in demo_jobs() if j.id == "docs-publish")
    real = Thresholds(max_retry_wait=0.05, probe_seconds=1.0, probe_events=1)

    report = await check_job(script, duration=0.6, thresholds=real)

    assert {f.key: f.verdict for f in report.findings} == dict.fromkeys(ALL_CHECKS, Verdict.OK)
    assert finding(report, "resume.after-retry").summary.endswith("continues after it")
