"""An event above the size bound is skipped on the same connection, over real sockets: the events around it
arrive, one notice names it, its id is the cursor, nothing reconnects, and memory stays bounded."""

from __future__ import annotations

import asyncio
import random
import tracemalloc

from jobwatch.demo import DemoServer, RawResponse
from jobwatch.stream.client import JobStream, make_client
from jobwatch.stream.events import SSEvent, StreamState, StreamStatus
from jobwatch.stream.spec import StreamSpec
from streamkit import Recorder

MIB = 1 << 20
BLOCK = b"x" * MIB  # written again and again, so the server never holds a huge event whole


class NoticeRecorder(Recorder):
    """A Recorder that also keeps the notices, and says when `enough` events have arrived."""

    def __init__(self, enough: int | None = None) -> None:
        super().__init__()
        self.notices: list[str] = []
        self.enough = enough
        self.arrived = asyncio.Event()

    def on_event(self, job: str, event: SSEvent) -> None:
        super().on_event(job, event)
        if len(self.events) == self.enough:
            self.arrived.set()

    def on_notice(self, job: str, message: str) -> None:
        self.notices.append(message)


async def follow(url: str, recorder: NoticeRecorder, **options: object) -> StreamStatus:
    """Run one stream until it ends, or until the recorder has had enough events; returns its status."""
    spec = StreamSpec("job", url, heartbeat_timeout=5.0, max_backoff=0.05, initial_retry_ms=10, **options)
    async with make_client() as client:
        stream = JobStream(spec, recorder, client=client, rng=random.Random(0))
        running = asyncio.create_task(stream.run())
        enough = asyncio.create_task(recorder.arrived.wait())
        await asyncio.wait([running, enough], return_when=asyncio.FIRST_COMPLETED)
        for task in (running, enough):
            task.cancel()
        await asyncio.gather(running, enough, return_exceptions=True)
        return stream.status


def events(*ids: int) -> list[bytes]:
    return [f"id: {i}\nevent: log\ndata: line {i}\n\n".encode() for i in ids]


async def test_a_2_mb_event_between_others_is_skipped_with_one_notice_and_no_reconnect() -> None:
    body = [*events(1, 2, 3), b"id: 4\ndata: " + b"x" * 1_999_994 + b"\n\n", *events(5, 6, 7)]
    recorder = NoticeRecorder()
    async with DemoServer() as server:
        url = server.add_raw("big", [RawResponse(body=[*body, b"event: complete\ndata: {}\n\n"])])
        final = await follow(url, recorder, max_retries=2)  # ends soon if it fails
        requests = len(server.requests)
    notice = "event 4 skipped: 2.0 MB over the 1 MiB limit"
    assert [(e.last_event_id, e.data) for e in recorder.events[:-1]] == [
        (str(i), f"line {i}") for i in (1, 2, 3, 5, 6, 7)
    ]
    assert recorder.notices == [notice]
    assert [s.last_error for s in recorder.statuses if s.last_error] == [notice]  # shown until completion
    assert final.state is StreamState.COMPLETED
    assert requests == 1


async def test_the_skipped_events_id_is_the_resume_cursor() -> None:
    first = RawResponse(body=[*events(1), b"data: " + b"y" * 5000 + b"\nid: 2\n\n"], end="abort")
    second = RawResponse(body=[*events(3), b"event: complete\ndata: {}\n\n"])
    recorder = NoticeRecorder()
    async with DemoServer() as server:
        url = server.add_raw("resume", [first, second])
        await follow(url, recorder, max_line_bytes=1000)
        resumed_from = [request.headers.get("last-event-id") for request in server.requests]
    assert resumed_from == [None, "2"]
    assert [e.last_event_id for e in recorder.events[:-1]] == ["1", "3"]
    assert recorder.notices == ["event 2 skipped: 5.0 kB over the 1,000 bytes limit"]


async def test_a_20_mb_event_costs_no_more_memory_than_the_bound() -> None:
    body = [*events(1), b"id: 2\ndata: ", *([BLOCK] * 20), b"\n\n", *events(3)]
    recorder = NoticeRecorder(enough=2)
    async with DemoServer() as server:
        url = server.add_raw("huge", [RawResponse(body=body, end="hang")])
        tracemalloc.start()
        try:
            final = await follow(url, recorder, max_line_bytes=64 * 1024, max_retries=2)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert [e.last_event_id for e in recorder.events] == ["1", "3"]
    assert recorder.notices == ["event 2 skipped: 21.0 MB over the 64 KiB limit"]
    assert final.reconnects == 0
    assert peak < 6 * MIB  # with the server's own 1 MiB writes and the HTTP client's setup
