"""`jobwatch check` against a server nobody here wrote: the sse-starlette app of tests/interop, served by
uvicorn in a subprocess. Its sequential job is correct but for three real findings; its NestJS-like
endpoint numbers ids per connection, and the check says so."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from checkkit import alarms, finding
from interopkit import ServerProcess, starlette_server

from jobwatch.check import Options, Thresholds, Verdict, run_check

QUICK = Thresholds(max_retry_wait=0.2, probe_seconds=1.0)
"""The production rules; only the resume probes are kept short."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with starlette_server(tmp_path_factory.mktemp("starlette-check") / "journal.jsonl") as running:
        yield running


async def test_sequential_app_passes_but_for_its_short_retry_and_its_answers_after_the_end(
    server: ServerProcess,
) -> None:
    url = server.url("/jobs/seq/events?count=12&interval=0.01&silence_at=3&silence=0.3&ping=0.05")
    report = await run_check(Options(url, duration=3.0, thresholds=QUICK))

    assert alarms(report) == {
        "framing.retry": Verdict.WARN,
        "resume.after-retry": Verdict.WARN,
        "resume.unknown-id": Verdict.WARN,
    }
    assert finding(report, "framing.retry").summary.startswith("retry: 100 ms: every client comes back")
    assert finding(report, "resume.after-retry").summary == (
        "after 100 ms, Last-Event-ID '13': 200 and an empty stream: "
        "EventSource reconnects every 100 ms for ever"
    )
    assert finding(report, "framing.line-endings").summary.startswith("CRLF (")
    assert ": ping - 20" in finding(report, "framing.heartbeat").summary
    assert finding(report, "response.x-accel-buffering").summary == "no (nginx passes events on at once)"
    assert (
        finding(report, "resume.last-event-id").summary
        == "Last-Event-ID '7': resumes right after it (exclusive)"
    )
    assert server.connections("seq") == [None, "13", "7", "1013"]


async def test_per_connection_ids_as_nestjs_numbers_them_fail_the_id_and_resume_checks(
    server: ServerProcess,
) -> None:
    url = server.url("/jobs/nest/per-connection?logs=40&cut=6")
    report = await run_check(Options(url, duration=3.0, thresholds=QUICK))

    per_connection = finding(report, "ids.per-connection")
    assert per_connection.verdict is Verdict.FAIL
    assert per_connection.evidence == (
        "first connection: 'log' '{\"line\": \"build step 1\"}'",
        "later one: 'log' '{\"line\": \"build step 6\"}'",
    )
    for key in ("resume.after-retry", "resume.last-event-id", "resume.unknown-id"):
        assert "the ids restart on the new connection" in finding(report, key).summary, key
    assert report.exit_code == 1
