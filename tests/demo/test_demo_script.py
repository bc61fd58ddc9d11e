"""Scripted jobs without sockets: generated events, faults' arguments, the demo mix and its CLI."""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys

import httpx
import pytest

from jobwatch.demo import DemoServer, Fault, JobScript, demo_jobs
from jobwatch.demo.cli import build_parser, print_urls, serve_forever
from jobwatch.demo.jobs import JobRuntime

TYPES = {"status", "log", "progress", "error"}


def events(script: JobScript, seed: int = 0) -> list[tuple[str, str]]:
    job = JobRuntime(script, seed)
    return [job.event(i) for i in range(job.total)]


def test_generated_job_goes_queued_running_then_final_status_then_complete() -> None:
    got = events(JobScript("ci", count=30, final_status="failed"))
    assert len(got) == 31
    statuses = [json.loads(data)["status"] for kind, data in got if kind == "status"]
    assert statuses == ["queued", "running", "failed"]
    assert got[-1] == ("complete", '{"status": "failed"}')


def test_generated_events_use_the_design_types_with_one_line_json_data() -> None:
    got = events(JobScript("ci", count=500))[:-1]
    assert {kind for kind, _ in got} == TYPES
    for kind, data in got:
        payload = json.loads(data)
        assert "\n" not in data
        if kind == "log":
            assert set(payload) == {"line", "stream"}
            assert payload["stream"] in ("stdout", "stderr")
        elif kind == "progress":
            assert set(payload) == {"step", "percent"}
            assert 0 <= payload["percent"] <= 100
        elif kind == "error":
            assert payload["retryable"] is True


def test_generated_events_depend_only_on_seed_and_job_id() -> None:
    script = JobScript("ci", count=200)
    assert events(script, seed=1) == events(JobScript("ci", count=200), seed=1)
    assert events(script, seed=1) != events(script, seed=2)
    assert events(script, seed=1) != events(JobScript("other", count=200), seed=1)


def test_payload_bytes_makes_every_middle_event_a_padded_log_line() -> None:
    job = JobRuntime(JobScript("big", count=40, payload_bytes=512), 0)
    middle = [job.message(i) for i in range(2, 39)]
    assert {len(m) for m in middle} == {512}
    assert all(b"\nevent: log\n" in m for m in middle)


def test_job_without_complete_has_no_complete_event() -> None:
    assert events(JobScript("open", events=[("log", "a")], complete=False)) == [("log", "a")]


def test_random_drops_are_spread_over_distinct_events() -> None:
    job = JobRuntime(JobScript("j", count=100, faults=[Fault.random_drops(30)]), 5)
    points = [i for i in range(job.total) if job.take_drop(i)[0]]
    assert len(points) == 30


@pytest.mark.parametrize(
    "make",
    [
        lambda: Fault.status(99),
        lambda: Fault.drop(after_event=-1),
        lambda: Fault.slow(bytes_per_write=0),
        lambda: JobScript("a/b"),
        lambda: JobScript("a", events=[("two\nlines", "x")]),
    ],
)
def test_invalid_scripts_are_rejected_when_built(make: object) -> None:
    with pytest.raises(ValueError):
        make()  # type: ignore[operator]


def test_demo_mix_has_realistic_unique_jobs() -> None:
    jobs = demo_jobs()
    assert 8 <= len(jobs) <= 10
    assert len({job.id for job in jobs}) == len(jobs)
    assert {"api-build", "db-migrate", "nightly-etl", "search-reindex"} <= {job.id for job in jobs}


def test_demo_mix_scripts_every_state_within_a_minute() -> None:
    faults = [fault for job in demo_jobs() for fault in job.faults]
    kinds = {fault.kind for fault in faults}
    assert {"fail_job", "drop", "silence", "status"} <= kinds
    assert any(f.code == 503 and f.retry_after for f in faults)
    assert any(f.code == 401 and f.times > 10**6 for f in faults)
    assert any(f.kind == "silence" and 15 <= f.seconds <= 30 for f in faults)
    completing = [j for j in demo_jobs() if not j.faults and j.count * j.interval <= 25]
    assert completing
    chatty = [j for j in demo_jobs() if j.interval <= 0.3 and j.count * j.interval >= 300]
    assert chatty


async def test_serve_forever_serves_the_jobs_until_cancelled() -> None:
    ready: asyncio.Queue[DemoServer] = asyncio.Queue()
    task = asyncio.create_task(serve_forever(0, 15.0, demo_jobs()[:2], on_ready=ready.put_nowait))
    server = await ready.get()
    async with httpx.AsyncClient() as client:
        listing = (await client.get(f"{server.url}/jobs")).json()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert [job["id"] for job in listing] == ["api-build", "docs-publish"]


async def test_print_urls_prints_one_job_url_per_line() -> None:
    out = io.StringIO()
    async with DemoServer([JobScript("a"), JobScript("b")]) as server:
        print_urls(server, out)
    assert out.getvalue().splitlines() == [server.job_url("a"), server.job_url("b")]


def test_cli_options_and_defaults() -> None:
    args = build_parser().parse_args(["--port", "8765", "--ping-interval", "2.5", "--seed", "4"])
    assert (args.port, args.ping_interval, args.seed) == (8765, 2.5, 4)
    defaults = build_parser().parse_args([])
    assert (defaults.port, defaults.ping_interval, defaults.seed) == (0, 15.0, 0)


def test_demo_package_does_not_import_textual() -> None:
    code = (
        "import sys, jobwatch.demo, jobwatch.demo.cli;"
        "sys.exit(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
