"""Resume checks over real sockets: a reconnect after retry:, Last-Event-ID of a middle event, and an id
the server never sent; each resume behaviour of the demo server shows as what it is."""

from __future__ import annotations

import pytest
from checkkit import check_job, finding, job

from jobwatch.check import Verdict
from jobwatch.demo import Fault

MIDDLE = [
    pytest.param([], Verdict.OK, "Last-Event-ID '6': resumes right after it (exclusive)",
                 id="exclusive-passes"),
    pytest.param([Fault.inclusive_resume()], Verdict.WARN,
                 "Last-Event-ID '6': sends that event again first (inclusive)", id="inclusive-warns"),
    pytest.param([Fault.ignore_last_event_id()], Verdict.FAIL,
                 "Last-Event-ID '6': starts over from the first event (the header is ignored)",
                 id="start-over-fails"),
    pytest.param([Fault.skip_on_resume(3)], Verdict.FAIL,
                 "Last-Event-ID '6': skips 3 events after it: they are lost",
                 id="skipping-fails"),
    pytest.param([Fault.per_connection_ids()], Verdict.FAIL,
                 "Last-Event-ID '6': the ids restart on the new connection", id="renumbering-fails"),
    pytest.param([Fault.unknown_id_status(204), Fault.status(204, on_connection=2)], Verdict.FAIL,
                 "Last-Event-ID '6': 204: a client resuming mid-job is told to stop", id="204-fails"),
]  # fmt: skip


@pytest.mark.parametrize(("faults", "verdict", "summary"), MIDDLE)
async def test_resume_from_a_middle_event(faults: list[Fault], verdict: Verdict, summary: str) -> None:
    report = await check_job(job("j", *faults))

    middle = finding(report, "resume.last-event-id")
    assert (middle.verdict, middle.summary.startswith(summary)) == (verdict, True), middle
    assert report.connections[2].last_event_id == "6"


async def test_live_server_that_ignores_the_id_loses_the_events_after_it() -> None:
    script = job("j", Fault.skip_on_resume(30), count=40, complete=False)
    report = await check_job(script, events=10)

    middle = finding(report, "resume.last-event-id")
    assert middle.verdict is Verdict.FAIL
    assert middle.summary.startswith(
        "Last-Event-ID '5': ignores it and goes on with new events (first id 36): "
        "the 5 events after it are never sent"
    )


async def test_reconnect_to_a_finished_job_getting_204_passes() -> None:
    report = await check_job(job("j"))

    after = finding(report, "resume.after-retry")
    assert (after.verdict, after.summary) == (
        Verdict.OK,
        "after 10 ms, Last-Event-ID '11': 204, clients stop (the stream had ended)",
    )


async def test_reconnect_to_a_running_job_continues_after_the_cursor() -> None:
    report = await check_job(job("j", count=40), events=10)

    after = finding(report, "resume.after-retry")
    assert (after.verdict, after.summary) == (
        Verdict.OK,
        "after 10 ms, Last-Event-ID '10': continues after it",
    )
    assert report.connections[1].events[0].event.own_id == "11"


async def test_reconnect_waits_the_retry_time_the_server_asked_for() -> None:
    report = await check_job(job("j", retry_ms=5))

    assert finding(report, "resume.after-retry").summary.startswith("after 5 ms, Last-Event-ID '11'")


async def test_finished_job_answering_200_with_an_empty_stream_is_risky() -> None:
    report = await check_job(job("j", Fault.completed_200()))

    after = finding(report, "resume.after-retry")
    assert after.verdict is Verdict.WARN
    assert after.summary == (
        "after 10 ms, Last-Event-ID '11': 200 and an empty stream: "
        "EventSource reconnects every 3.0 s for ever"
    )
    assert after.fix == "answer 204 No Content once the job is over (EventSource then stops)"


async def test_reconnect_answered_503_fails() -> None:
    report = await check_job(job("j", Fault.status(503, on_connection=1)))

    after = finding(report, "resume.after-retry")
    assert after.verdict is Verdict.FAIL
    assert after.summary.startswith("reconnect after retry (Last-Event-ID '11'): 503: EventSource gives up")


async def test_reconnect_that_starts_a_few_events_early_is_risky() -> None:
    report = await check_job(job("j", Fault.replay(after_event=11, count=3)))

    after = finding(report, "resume.after-retry")
    assert (after.verdict, after.summary) == (
        Verdict.WARN,
        "after 10 ms, Last-Event-ID '11': starts 2 events "
        "early: clients without de-duplication show them twice",
    )


async def test_reconnect_that_starts_over_fails() -> None:
    report = await check_job(job("j", Fault.ignore_last_event_id(), count=40), events=10)

    after = finding(report, "resume.after-retry")
    assert after.verdict is Verdict.FAIL
    assert "starts over from the first event" in after.summary


async def test_unknown_id_answered_by_starting_over_passes() -> None:
    report = await check_job(job("j"))

    unknown = finding(report, "resume.unknown-id")
    assert (unknown.verdict, unknown.summary) == (
        Verdict.OK,
        "Last-Event-ID '1011' (never sent): starts over from the first event ('status')",
    )


async def test_unknown_id_answered_400_fails() -> None:
    report = await check_job(job("j", Fault.unknown_id_status(400)))

    unknown = finding(report, "resume.unknown-id")
    assert unknown.verdict is Verdict.FAIL
    assert unknown.summary.startswith("Last-Event-ID '1011' (never sent): 400: a client with a stale cursor")
    assert report.exit_code == 1


async def test_unknown_id_answered_204_is_risky() -> None:
    report = await check_job(job("j", Fault.unknown_id_status(204)))

    unknown = finding(report, "resume.unknown-id")
    assert unknown.verdict is Verdict.WARN
    assert (
        "204: a client with a stale cursor (server restarted, history trimmed) is told to stop"
        in unknown.summary
    )
