"""The engine over real loopback sockets against the demo/fault server (design §3)."""

from __future__ import annotations

import asyncio
import gzip
import random

from jobwatch.demo import DemoServer, Fault, JobScript, RawResponse
from jobwatch.stream.client import JobStream, make_client
from jobwatch.stream.events import Cause, SSEvent, StreamState
from jobwatch.stream.replay import fingerprint
from jobwatch.stream.spec import StreamSpec
from streamkit import FakeSleep, Recorder, run_stream

SSE = (("Content-Type", "text/event-stream"),)


def job(job_id: str = "j", count: int = 30, **options: object) -> JobScript:
    return JobScript(job_id, count=count, interval=0, retry_ms=10, **options)  # type: ignore[arg-type]


def numbered(recorder: Recorder) -> list[int]:
    return [int(e.last_event_id) for e in recorder.events]


async def test_resumes_after_a_drop_mid_event_without_loss_or_duplicate() -> None:
    async with DemoServer([job(faults=[Fault.drop(after_event=10, offset=7)])]) as server:
        final, rec = await run_stream(server.job_url("j"))
        resumed = [r.headers.get("last-event-id") for r in server.requests]
    assert final.state is StreamState.COMPLETED
    assert numbered(rec) == list(range(1, 32))
    assert resumed == [None, "10"]


async def test_last_event_id_is_sent_only_when_not_empty() -> None:
    async with DemoServer() as server:
        url = server.add_raw("r", [
            RawResponse(body=[b"data: no id\n\n"]),
            RawResponse(body=[b"id: 5\ndata: a\n\n"]),
            RawResponse(body=[b"id\ndata: reset\n\n"]),
            RawResponse(status=204),
        ])  # fmt: skip
        final, rec = await run_stream(url)
        sent = [r.headers.get("last-event-id") for r in server.requests]
    assert sent == [None, None, "5", None]
    assert [e.data for e in rec.events] == ["no id", "a", "reset"]
    assert final.state is StreamState.COMPLETED


async def test_id_only_block_is_committed_and_sent_on_resume() -> None:
    async with DemoServer() as server:
        url = server.add_raw("r", [RawResponse(body=[b"id: 7\n\n"]), RawResponse(status=204)])
        await run_stream(url)
        assert server.requests[1].headers.get("last-event-id") == "7"


async def test_partial_event_id_is_not_committed() -> None:
    async with DemoServer() as server:
        url = server.add_raw("r", [
            RawResponse(body=[b"id: 1\ndata: a\n\nid: 2\ndata: b\n"], end="abort"),
            RawResponse(status=204),
        ])  # fmt: skip
        _, rec = await run_stream(url)
        assert server.requests[1].headers.get("last-event-id") == "1"
    assert [e.data for e in rec.events] == ["a"]


async def test_no_content_204_stops_without_failing() -> None:
    async with DemoServer() as server:
        url = server.add_raw("r", [RawResponse(status=204)])
        final, _ = await run_stream(url)
        assert server.connections("/raw/r") == 1
    assert final.state is StreamState.COMPLETED
    assert final.detail == "server answered 204 No Content"


async def test_a_204_after_failed_attempts_completes_with_no_attempt_pending_and_its_status() -> None:
    async with DemoServer() as server:
        url = server.add_raw("r", [RawResponse(status=503), RawResponse(status=503), RawResponse(status=204)])
        final, _ = await run_stream(url, sleep=FakeSleep())
    assert final.state is StreamState.COMPLETED
    assert (final.attempt, final.reconnects, final.last_error) == (0, 2, None)
    assert final.status_code == 204


async def test_401_is_fatal_with_a_clear_message() -> None:
    async with DemoServer([job(faults=[Fault.status(401, times=99)])]) as server:
        final, _ = await run_stream(server.job_url("j"))
        assert len(server.requests) == 1
    assert final.state is StreamState.FAILED
    assert (
        final.last_error
        == "HTTP 401 Unauthorized (check the token or Authorization header given with -H or in the config)"
    )


async def test_503_retry_after_is_honoured_beyond_max_backoff() -> None:
    sleep = FakeSleep()
    async with DemoServer([job(faults=[Fault.status(503, times=2, retry_after="7")])]) as server:
        final, rec = await run_stream(server.job_url("j"), sleep=sleep)
    assert sleep.delays[:2] == [7, 7]
    assert final.state is StreamState.COMPLETED
    assert numbered(rec) == list(range(1, 32))
    assert any(s.last_error == "HTTP 503 Service Unavailable" for s in rec.statuses)


async def test_wrong_content_type_is_fatal() -> None:
    async with DemoServer() as server:
        url = server.add_raw("r", [RawResponse(headers=(("Content-Type", "text/plain"),), body=[b"x"])])
        final, _ = await run_stream(url)
    assert final.state is StreamState.FAILED
    assert final.last_error == "expected Content-Type text/event-stream, got 'text/plain'"


async def test_content_type_parameters_are_accepted() -> None:
    async with DemoServer() as server:
        headers = (("Content-Type", "Text/Event-Stream; charset=windows-1252"),)
        url = server.add_raw("r", [RawResponse(headers=headers, body=[b"data: \xc3\xa9\n\n"])])
        _, rec = await run_stream(url, max_retries=0)
    assert [e.data for e in rec.events] == ["é"]


async def test_compressed_stream_is_decoded() -> None:
    body = gzip.compress(b"id: 1\ndata: zipped\n\n")
    headers = (("Content-Type", "text/event-stream"), ("Content-Encoding", "gzip"))
    async with DemoServer() as server:
        url = server.add_raw("r", [RawResponse(headers=headers, body=[body[:10], body[10:]])])
        _, rec = await run_stream(url, max_retries=0)
    assert [e.data for e in rec.events] == ["zipped"]


async def test_heartbeat_timeout_drops_and_resumes() -> None:
    script = JobScript(
        "j", count=6, interval=0, retry_ms=10, faults=[Fault.silence(after_event=3, seconds=30)]
    )
    async with DemoServer([script], ping_interval=60) as server:
        final, rec = await run_stream(server.job_url("j"), heartbeat_timeout=0.3)
        resumed = [r.headers.get("last-event-id") for r in server.requests]
    assert resumed == [None, "3"]
    assert numbered(rec) == list(range(1, 8))
    assert any("heartbeat timeout" in (s.last_error or "") for s in rec.statuses)
    assert final.state is StreamState.COMPLETED


async def test_pings_keep_a_quiet_stream_alive() -> None:
    async with DemoServer() as server:
        url = server.add_raw(
            "r", [RawResponse(body=[b": ping\n", 0.3, b": ping\n", 0.3, b": ping\n", 0.3, b"data: a\n\n"])]
        )
        final, rec = await run_stream(url, heartbeat_timeout=0.5, max_retries=0)
    assert [e.data for e in rec.events] == ["a"]
    assert final.state is StreamState.COMPLETED
    assert rec.heartbeats >= 4


async def test_completion_event_ends_the_stream() -> None:
    async with DemoServer(
        [job(complete=False, events=[("log", "a"), ("done", "{}"), ("log", "b")])]
    ) as server:
        final, rec = await run_stream(server.job_url("j"))
        assert server.connections("/jobs/j/events") == 1
    assert [e.type for e in rec.events] == ["log", "done"]
    assert final.state is StreamState.COMPLETED


async def test_job_error_event_not_retryable_fails_the_job() -> None:
    async with DemoServer([job(faults=[Fault.fail_job(after_event=4, message="disk full")])]) as server:
        final, rec = await run_stream(server.job_url("j"))
    assert final.state is StreamState.FAILED
    assert final.last_error == "job error: disk full"
    assert rec.events[-1].type == "error"


async def test_redirect_is_followed_and_reconnects_use_the_original_url() -> None:
    async with DemoServer() as server:
        target = server.add_raw(
            "target", [RawResponse(body=[b"id: 1\ndata: a\n\n"]), RawResponse(status=204)]
        )
        url = server.add_raw("moved", [RawResponse(status=307, headers=(("Location", "/raw/target"),))])
        final, rec = await run_stream(url)
        paths = [r.path for r in server.requests]
    assert target.endswith("/raw/target")
    assert paths == ["/raw/moved", "/raw/target", "/raw/moved", "/raw/target"]
    assert [e.data for e in rec.events] == ["a"]
    assert final.state is StreamState.COMPLETED


async def test_redirect_without_location_is_fatal() -> None:
    async with DemoServer() as server:
        url = server.add_raw("moved", [RawResponse(status=302, headers=())])
        final, _ = await run_stream(url)
    assert final.state is StreamState.FAILED
    assert "redirect" in (final.last_error or "") and "Location" in (final.last_error or "")


async def test_gives_up_after_max_retries_failed_reconnections() -> None:
    async with DemoServer([job(faults=[Fault.status(500, times=99)])]) as server:
        final, _ = await run_stream(server.job_url("j"), max_retries=2, sleep=FakeSleep())
        assert len(server.requests) == 3
    assert final.state is StreamState.GAVE_UP
    assert final.attempt == 3


async def test_max_retries_zero_ends_with_the_first_connection() -> None:
    async with DemoServer() as server:
        url = server.add_raw("r", [RawResponse(body=[b"data: a\n\n"])])
        final, rec = await run_stream(url, max_retries=0)
        assert server.connections("/raw/r") == 1
    assert final.state is StreamState.COMPLETED
    assert [e.data for e in rec.events] == ["a"]


async def test_counters_reset_once_a_connection_delivers_an_event() -> None:
    async with DemoServer() as server:
        url = server.add_raw("r", [
            RawResponse(status=503), RawResponse(status=503),
            RawResponse(body=[b"id: 1\ndata: a\n\n"], end="hang"),
        ])  # fmt: skip
        spec = StreamSpec("job", url, max_backoff=0.01, initial_retry_ms=10)
        rec = Recorder()
        async with make_client() as client:
            stream = JobStream(spec, rec, client=client, rng=random.Random(0), sleep=FakeSleep())
            task = asyncio.create_task(stream.run())
            while not rec.events:
                await asyncio.sleep(0.01)
            status = stream.status
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    assert (status.attempt, status.reconnects, status.state) == (0, 2, StreamState.OPEN)
    assert max(s.attempt for s in rec.statuses) == 2
    assert rec.statuses[-1].state is StreamState.STOPPED


async def test_reconnect_now_drops_the_connection_and_resumes() -> None:
    async with DemoServer() as server:
        url = server.add_raw(
            "r", [RawResponse(body=[b"id: 1\ndata: a\n\n"], end="hang"), RawResponse(status=204)]
        )
        rec = Recorder()
        async with make_client() as client:
            stream = JobStream(StreamSpec("job", url), rec, client=client)
            task = asyncio.create_task(stream.run())
            while not rec.events:
                await asyncio.sleep(0.01)
            stream.reconnect_now()
            final = await asyncio.wait_for(task, 5)
        assert server.requests[1].headers.get("last-event-id") == "1"
    assert final.state is StreamState.COMPLETED
    assert final.reconnects == 1


async def test_inclusive_resume_does_not_duplicate_the_last_event() -> None:
    async with DemoServer(
        [job(faults=[Fault.drop(after_event=5, offset=3), Fault.inclusive_resume()])]
    ) as server:
        _, rec = await run_stream(server.job_url("j"))
    assert numbered(rec) == list(range(1, 32))


async def test_events_replayed_after_a_resume_are_not_delivered_twice() -> None:
    faults = [Fault.drop(after_event=12, offset=4), Fault.replay(after_event=12, count=6)]
    async with DemoServer([job(faults=faults)]) as server:
        _, rec = await run_stream(server.job_url("j"))
    assert numbered(rec) == list(range(1, 32))


async def test_resume_from_a_saved_cursor_skips_the_inclusive_repeat() -> None:
    async with DemoServer([job(faults=[Fault.inclusive_resume()])]) as server:
        _, first_run = await run_stream(server.job_url("j"))
        saved = fingerprint(first_run.events[19])
        _, rec = await run_stream(server.job_url("j"), last_event_id="20", cursor_fingerprint=saved)
        assert server.requests[-1].headers.get("last-event-id") == "20"
    assert numbered(rec) == list(range(21, 32))


async def test_a_saved_cursor_id_with_content_never_delivered_is_delivered() -> None:
    saved = fingerprint(SSEvent("log", "yesterday's event 20", "20", "20"))
    async with DemoServer([job(faults=[Fault.inclusive_resume()])]) as server:
        _, rec = await run_stream(server.job_url("j"), last_event_id="20", cursor_fingerprint=saved)
    assert numbered(rec) == list(range(20, 32))


async def test_events_without_an_id_are_never_dropped_as_replays() -> None:
    async with DemoServer() as server:
        url = server.add_raw("r", [
            RawResponse(body=[b"id: 1\ndata: a\n\n"], end="abort"),
            RawResponse(body=[b"data: no id\n\nid: 1\ndata: a again\n\n"]),
            RawResponse(status=204),
        ])  # fmt: skip
        _, rec = await run_stream(url)
    assert [e.data for e in rec.events] == ["a", "no id", "a again"]


def _events(ids: range, data: str) -> bytes:
    return b"".join(f"id: {i}\ndata: {data} {i}\n\n".encode() for i in ids)


async def test_a_server_starting_over_after_a_resume_delivers_nothing_twice() -> None:
    async with DemoServer() as server:
        url = server.add_raw("r", [
            RawResponse(body=[_events(range(1, 3001), "step")], end="abort"),
            RawResponse(body=[_events(range(1, 3003), "step")]),
            RawResponse(status=204),
        ])  # fmt: skip
        _, rec = await run_stream(url)
    assert numbered(rec) == list(range(1, 3003))


async def test_a_new_run_reusing_the_ids_after_a_resume_is_delivered_in_full() -> None:
    async with DemoServer() as server:
        url = server.add_raw("r", [
            RawResponse(body=[_events(range(1, 3001), "monday")], end="abort"),
            RawResponse(body=[_events(range(1, 2001), "tuesday")]),
            RawResponse(status=204),
        ])  # fmt: skip
        _, rec = await run_stream(url)
    assert [e.data for e in rec.events] == [f"monday {i}" for i in range(1, 3001)] + [
        f"tuesday {i}" for i in range(1, 2001)
    ]


async def test_connection_refused_is_retried_then_given_up() -> None:
    final, _ = await run_stream("http://127.0.0.1:9/", max_retries=1, sleep=FakeSleep())
    assert final.state is StreamState.GAVE_UP
    assert (final.last_error or "").startswith("connection failed")


async def test_twenty_streams_run_at_once_in_one_process() -> None:
    scripts = [JobScript(f"j{i}", count=40, interval=0.005, retry_ms=10, faults=[Fault.drop(after_event=20)])
               for i in range(20)]  # fmt: skip
    async with DemoServer(scripts) as server, make_client() as client:
        recorders = [Recorder() for _ in scripts]
        streams = [
            JobStream(StreamSpec(s.id, server.job_url(s.id), initial_retry_ms=10), r, client=client)
            for s, r in zip(scripts, recorders, strict=True)
        ]
        finals = await asyncio.wait_for(asyncio.gather(*(s.run() for s in streams)), 30)
    assert all(f.state is StreamState.COMPLETED for f in finals)
    assert all(numbered(r) == list(range(1, 42)) for r in recorders)


async def test_a_job_the_state_file_records_as_completed_is_reported_completed_without_connecting() -> None:
    final, recorder = await run_stream("http://127.0.0.1:9/never", completed=True, last_event_id="41")
    assert final.state is StreamState.COMPLETED
    assert final.detail == "completed earlier at id 41"
    assert final.job_done
    assert StreamState.CONNECTING not in recorder.states


async def test_a_completion_event_marks_the_job_done_for_the_state_file() -> None:
    async with DemoServer([job(count=2)]) as server:
        final, _ = await run_stream(server.job_url("j"))
    assert final.state is StreamState.COMPLETED and final.job_done


async def test_a_stream_that_merely_ends_with_max_retries_0_is_not_marked_done() -> None:
    async with DemoServer() as server:
        url = server.add_raw("r", [RawResponse(body=[b"id: 1\ndata: a\n\n"])])
        final, _ = await run_stream(url, max_retries=0)
    assert final.state is StreamState.COMPLETED and not final.job_done


def per_connection_ids(connection: int, logs: int) -> RawResponse:
    """Like NestJS: ids restart at 1 on every connection, the same snapshot first, then new log lines."""
    body = b'id: 1\nevent: status\ndata: {"status": "running"}\n\n'
    for index in range(logs):
        body += f"id: {index + 2}\nevent: log\ndata: connection {connection} line {index}\n\n".encode()
    return RawResponse(body=[body])


async def test_per_connection_ids_after_a_repeated_snapshot_lose_no_new_event() -> None:
    async with DemoServer() as server:
        responses = [per_connection_ids(k, logs=3 + k) for k in range(5)]
        url = server.add_raw("nest", [*responses, RawResponse(status=204)])
        final, rec = await run_stream(url)
    assert final.state is StreamState.COMPLETED
    assert [e.data for e in rec.events if e.type == "log"] == [
        f"connection {k} line {i}" for k in range(5) for i in range(3 + k)
    ]
    assert [e.type for e in rec.events].count("status") == 1


async def test_reconnects_never_come_sooner_than_the_servers_retry_time() -> None:
    sleep = FakeSleep()
    async with DemoServer() as server:
        url = server.add_raw("r", [
            RawResponse(body=[b"retry: 300\nid: 1\ndata: a\n\n"]),
            RawResponse(status=503),
            RawResponse(status=502),
            RawResponse(body=[b"id: 2\nevent: complete\ndata: done\n\n"]),
        ])  # fmt: skip
        final, _ = await run_stream(url, sleep=sleep, max_backoff=0.05)
    assert final.state is StreamState.COMPLETED
    assert len(sleep.delays) == 3 and min(sleep.delays) >= 0.3


async def test_a_server_that_opens_and_closes_without_events_is_not_counted_as_failing() -> None:
    async with DemoServer() as server:
        url = server.add_raw("r", [*[RawResponse(body=[b": nothing new\n\n"])] * 5, RawResponse(status=204)])
        final, rec = await run_stream(url, max_retries=2, max_backoff=0.01, initial_retry_ms=1)
    assert final.state is StreamState.COMPLETED
    assert max(status.attempt for status in rec.statuses) == 0


async def test_one_refused_attempt_after_a_quiet_stream_drops_counts_as_one() -> None:
    async with DemoServer() as server:
        url = server.add_raw("r", [
            RawResponse(body=[b": quiet\n\n"], end="abort"),
            RawResponse(status=503),
            RawResponse(body=[b"id: 1\nevent: complete\ndata: done\n\n"]),
        ])  # fmt: skip
        final, rec = await run_stream(url)
    assert final.state is StreamState.COMPLETED
    assert [s.attempt for s in rec.statuses if s.state is StreamState.RECONNECTING and s.delay] == [0, 1]


async def test_a_retry_time_above_ten_minutes_is_capped_at_ten_minutes() -> None:
    sleep = FakeSleep()
    async with DemoServer() as server:
        url = server.add_raw("r", [
            RawResponse(body=[b"retry: 86400000\nid: 1\ndata: a\n\n"]),
            RawResponse(body=[b"id: 2\nevent: complete\ndata: done\n\n"]),
        ])  # fmt: skip
        final, _ = await run_stream(url, sleep=sleep)
    assert final.state is StreamState.COMPLETED and final.retry_ms == 600_000
    assert sleep.delays == [600.0]


async def test_an_error_event_with_plain_text_data_is_a_job_error_with_that_message() -> None:
    notices: list[str] = []

    class Notices(Recorder):
        def on_notice(self, job: str, message: str) -> None:
            notices.append(message)

    async with DemoServer() as server:
        url = server.add_raw("nest", [
            RawResponse(body=[b"id: 1\nevent: error\ndata: Internal server error\n\n", b": more\n\n"]),
            RawResponse(status=204),
        ])  # fmt: skip
        recorder = Notices()
        spec = StreamSpec(name="job", url=url, max_backoff=0.01, initial_retry_ms=1)
        async with make_client() as client:
            final = await JobStream(spec, recorder, client=client).run()
    assert notices == ["job error: Internal server error"]
    reconnecting = [s for s in recorder.statuses if s.state is StreamState.RECONNECTING and s.delay]
    assert reconnecting[0].last_error == "job error: Internal server error (server closed the stream)"
    assert final.state is StreamState.COMPLETED


async def test_every_error_carries_its_kind_so_no_layer_parses_the_text() -> None:
    async with DemoServer() as server:
        url = server.add_raw("r", [
            RawResponse(body=[b": quiet\n\n"], end="hang"),
            RawResponse(status=503),
            RawResponse(body=[b"id: 1\nevent: error\ndata: heartbeat service down\n\n"]),
            RawResponse(status=401),
        ])  # fmt: skip
        final, rec = await run_stream(url, heartbeat_timeout=0.3)
    waits = [s for s in rec.statuses if s.state is StreamState.RECONNECTING and s.delay]
    causes = [(s.cause, s.last_error) for s in waits]
    assert [cause for cause, _ in causes] == [Cause.HEARTBEAT, Cause.HTTP, Cause.JOB_ERROR]
    assert causes[2][1] == "job error: heartbeat service down (server closed the stream)"
    assert (final.state, final.cause) == (StreamState.FAILED, Cause.HTTP)
