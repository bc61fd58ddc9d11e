"""Compressed bodies over real sockets: decoded in bounded steps, so a gzip bomb neither takes the memory nor
holds up the other streams; the size bound applies to decoded bytes; unknown codings fail clearly."""

from __future__ import annotations

import asyncio
import gzip
import itertools
import random
import struct
import time
import tracemalloc
import zlib
from collections.abc import Sequence

import httpx

from jobwatch.demo import DemoServer, JobScript, RawResponse
from jobwatch.stream.client import JobStream, make_client
from jobwatch.stream.events import SSEvent, StreamState, StreamStatus
from jobwatch.stream.observer import StreamObserver
from jobwatch.stream.spec import StreamSpec

MIB = 1 << 20
GZIP = (("Content-Type", "text/event-stream"), ("Content-Encoding", "gzip"))


def newline_bomb(gib: int = 1) -> list[bytes]:
    """gzip of `gib` GiB of newlines in about 1 MB, as the issue's bomb: one 8 MiB block compressed once and
    sent again and again (a full flush makes every repeat the same bytes), then a valid trailer."""
    block = b"\n" * (8 * MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = gib * 128
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    trailer = b"\x03\x00" + struct.pack("<II", crc, (count * len(block)) & 0xFFFFFFFF)  # empty last block
    body = [first, *[again] * (count - 1), trailer]
    assert count * len(block) / sum(map(len, body)) > 1010  # over 1000:1, as bombs are
    return body


class Watcher(StreamObserver):
    """Keeps events, notices and final states per job, and the CPU time of each delivery and state change."""

    def __init__(self) -> None:
        self.events: dict[str, list[SSEvent]] = {}
        self.delivered_at: dict[str, list[float]] = {}
        self.states: dict[str, list[tuple[StreamState, float]]] = {}
        self.notices: list[str] = []

    def on_events(self, job: str, events: list[SSEvent]) -> None:
        self.events.setdefault(job, []).extend(events)
        self.delivered_at.setdefault(job, []).append(time.process_time())

    def on_status(self, job: str, status: StreamStatus) -> None:
        states = self.states.setdefault(job, [])
        if not states or states[-1][0] is not status.state:
            states.append((status.state, time.process_time()))

    def on_notice(self, job: str, message: str) -> None:
        self.notices.append(message)


async def run_jobs(
    client: httpx.AsyncClient, watcher: Watcher, urls: dict[str, str], **options: object
) -> dict[str, StreamStatus]:
    """Run one stream per job (no reconnect unless `options` say so) until each ends; final statuses."""
    specs = [
        StreamSpec(name, url, heartbeat_timeout=5.0, max_retries=0, **options)  # type: ignore[arg-type]
        for name, url in urls.items()
    ]
    streams = [JobStream(spec, watcher, client=client, rng=random.Random(0)) for spec in specs]
    finals: Sequence[StreamStatus] = await asyncio.gather(*(stream.run() for stream in streams))
    return {spec.name: final for spec, final in zip(specs, finals, strict=True)}


async def test_a_gzip_bomb_fails_its_connection_in_bounded_memory() -> None:
    watcher = Watcher()
    async with DemoServer() as server, make_client() as client:
        url = server.add_raw("bomb", [RawResponse(headers=GZIP, body=newline_bomb())])
        tracemalloc.start()
        try:
            finals = await run_jobs(client, watcher, {"bomb": url})
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert finals["bomb"].state is StreamState.GAVE_UP
    assert (finals["bomb"].last_error or "").startswith("decompression bomb: 8.4 MB inflated from 8.")
    assert peak < 4 * MIB


async def test_another_stream_keeps_delivering_while_a_bomb_is_inflated() -> None:
    steady = JobScript("steady", count=150, interval=0.005, retry_ms=10)
    watcher = Watcher()
    async with DemoServer([steady]) as server, make_client() as client:
        bomb = server.add_raw("bomb", [RawResponse(headers=GZIP, body=newline_bomb())])
        finals = await run_jobs(client, watcher, {"bomb": bomb, "steady": server.job_url("steady")})
    times = watcher.delivered_at["steady"]
    # Gaps in CPU time, so a busy machine pausing this process cannot fail it; before, one gap took seconds.
    assert max(b - a for a, b in itertools.pairwise(times)) < 0.1
    opened = next(at for state, at in watcher.states["bomb"] if state is StreamState.OPEN)
    ended = watcher.states["bomb"][-1][1]
    assert len([at for at in times if opened <= at <= ended]) >= 3  # it kept delivering while the bomb ran
    assert len(watcher.events["steady"]) == 151
    assert finals["bomb"].state is StreamState.GAVE_UP


async def test_a_compressed_stream_is_parsed_in_a_few_megabytes_whatever_it_inflates_to() -> None:
    rng = random.Random(0)
    padding = b"".join(b": %016x %s\n" % (rng.getrandbits(64), b"." * 1000) for _ in range(32 * 1024))
    text = b"id: 1\ndata: before\n\n" + padding + b"\nid: 2\ndata: after\n\n"
    wire = gzip.compress(text, 6)
    assert len(text) > 30 * MIB and len(wire) < 2 * MIB
    watcher = Watcher()
    async with DemoServer() as server, make_client() as client:
        body = [wire[i : i + 65536] for i in range(0, len(wire), 65536)]
        url = server.add_raw("big", [RawResponse(headers=GZIP, body=body)])
        tracemalloc.start()
        try:
            await run_jobs(client, watcher, {"big": url})
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert [e.data for e in watcher.events["big"]] == ["before", "after"]
    assert peak < 4 * MIB


async def test_an_oversized_event_in_a_gzip_body_is_skipped_by_its_decoded_size() -> None:
    text = b"id: 1\ndata: a\n\nid: 2\ndata: " + b"x" * 1_999_994 + b"\n\nid: 3\ndata: c\n\n"
    watcher = Watcher()
    async with DemoServer() as server, make_client() as client:
        url = server.add_raw("zipped", [RawResponse(headers=GZIP, body=[gzip.compress(text)])])
        finals = await run_jobs(client, watcher, {"zipped": url})
    assert [(e.last_event_id, e.data) for e in watcher.events["zipped"]] == [("1", "a"), ("3", "c")]
    assert watcher.notices == ["event 2 skipped: 2.0 MB over the 1 MiB limit"]
    assert finals["zipped"].state is StreamState.COMPLETED


async def test_gzip_members_sent_one_after_another_are_all_decoded() -> None:
    body = [gzip.compress(b"id: 1\ndata: one\n\n"), gzip.compress(b"id: 2\ndata: two\n\n")]
    watcher = Watcher()
    async with DemoServer() as server, make_client() as client:
        url = server.add_raw("members", [RawResponse(headers=GZIP, body=body)])
        await run_jobs(client, watcher, {"members": url})
    assert [e.data for e in watcher.events["members"]] == ["one", "two"]


async def test_raw_deflate_is_decoded() -> None:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    wire = compressor.compress(b"id: 1\ndata: raw\n\n") + compressor.flush()
    headers = (("Content-Type", "text/event-stream"), ("Content-Encoding", "deflate"))
    watcher = Watcher()
    async with DemoServer() as server, make_client() as client:
        url = server.add_raw("deflate", [RawResponse(headers=headers, body=[wire[:3], wire[3:]])])
        await run_jobs(client, watcher, {"deflate": url})
    assert [e.data for e in watcher.events["deflate"]] == ["raw"]


async def test_an_unknown_content_encoding_fails_the_job_clearly() -> None:
    headers = (("Content-Type", "text/event-stream"), ("Content-Encoding", "br"))
    watcher = Watcher()
    async with DemoServer() as server, make_client() as client:
        url = server.add_raw("brotli", [RawResponse(headers=headers, body=[b"data: not really brotli\n\n"])])
        finals = await run_jobs(client, watcher, {"brotli": url})
    assert finals["brotli"].state is StreamState.FAILED
    assert finals["brotli"].last_error == "unsupported Content-Encoding 'br' (jobwatch decodes gzip, deflate)"
    assert "brotli" not in watcher.events
