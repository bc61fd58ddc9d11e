"""Polling fallback (issue: graceful degradation): SSE refused → poll_url with the same cursor → SSE again."""

from __future__ import annotations

import pytest

from jobwatch.demo import DemoServer, Fault, JobScript, RawResponse
from jobwatch.stream import client
from jobwatch.stream.events import StreamState
from streamkit import run_stream


async def test_406_falls_back_to_polling_and_delivers_every_event_once() -> None:
    script = JobScript("j", count=5, interval=0, faults=[Fault.status(406, times=99)])
    async with DemoServer([script]) as server:
        final, rec = await run_stream(server.job_url("j"), poll_url=f"{server.url}/jobs/j/poll")
    assert StreamState.POLLING in rec.states
    assert [e.last_event_id for e in rec.events] == [str(i) for i in range(1, 7)]
    assert rec.events[-1].type == "complete"
    assert final.state is StreamState.COMPLETED


async def test_polling_resumes_from_the_stream_cursor() -> None:
    script = JobScript("j", count=8, interval=0)
    async with DemoServer([script]) as server:
        html = (("Content-Type", "text/html"),)
        url = server.add_raw("proxy", [RawResponse(headers=html, body=[b"<html>blocked</html>"])])
        final, rec = await run_stream(url, poll_url=f"{server.url}/jobs/j/poll", last_event_id="5")
        polled = [r for r in server.requests if r.path.endswith("/poll")]
    assert polled[0].query == "after=5"
    assert [e.last_event_id for e in rec.events] == ["6", "7", "8", "9"]
    assert final.state is StreamState.COMPLETED
    assert any("SSE unavailable" in (s.last_error or "") for s in rec.statuses)


async def test_auth_failures_do_not_fall_back_to_polling() -> None:
    script = JobScript("j", count=3, interval=0, faults=[Fault.status(401, times=99)])
    async with DemoServer([script]) as server:
        final, rec = await run_stream(server.job_url("j"), poll_url=f"{server.url}/jobs/j/poll")
        assert not any(r.path.endswith("/poll") for r in server.requests)
    assert final.state is StreamState.FAILED
    assert StreamState.POLLING not in rec.states


async def test_a_broken_poll_endpoint_fails_the_job_with_a_clear_cause() -> None:
    async with DemoServer() as server:
        refused = server.add_raw("sse", [RawResponse(status=406)])
        poll = server.add_raw(
            "poll", [RawResponse(headers=(("Content-Type", "application/json"),), body=[b"{"])]
        )
        final, _ = await run_stream(refused, poll_url=poll)
    assert final.state is StreamState.FAILED
    assert final.last_error == "poll: the answer is not JSON"


async def test_sse_is_tried_again_after_a_while_of_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client, "SSE_RETRY_INTERVAL", 0.3)
    monkeypatch.setattr(client, "POLL_INTERVAL_MIN", 0.05)
    async with DemoServer([JobScript("j", count=3, interval=0, complete=False)]) as server:
        sse = server.add_raw("sse", [RawResponse(status=406), RawResponse(body=[b"id: 9\ndata: live\n\n"])])
        final, rec = await run_stream(
            sse, poll_url=f"{server.url}/jobs/j/poll", max_retries=0, initial_retry_ms=50
        )
        assert server.requests[-1].headers.get("last-event-id") == "3"
    assert [e.data for e in rec.events][-1] == "live"
    assert [e.last_event_id for e in rec.events] == ["1", "2", "3", "9"]
    assert final.state is StreamState.COMPLETED


JSON = (("Content-Type", "application/json"),)


async def test_a_poll_answer_past_16_mib_is_refused_without_holding_it() -> None:
    async with DemoServer() as server:
        refused = server.add_raw("sse", [RawResponse(status=406)])
        huge = [b"[" + b'{"data": "x"},' * 1000] * 1300 + [b'{"data": "x"}]']
        poll = server.add_raw("poll", [RawResponse(headers=JSON, body=huge)])
        final, _ = await run_stream(refused, poll_url=poll, max_retries=0)
    assert final.state is StreamState.GAVE_UP
    assert final.last_error == "poll: the answer is larger than 16 MiB"


async def test_a_deeply_nested_poll_answer_is_a_clear_error_not_a_crash() -> None:
    async with DemoServer() as server:
        refused = server.add_raw("sse", [RawResponse(status=406)])
        poll = server.add_raw("poll", [RawResponse(headers=JSON, body=[b"[" * 200_000])])
        final, _ = await run_stream(refused, poll_url=poll)
    assert (final.state, final.last_error) == (StreamState.FAILED, "poll: the answer is not JSON")
