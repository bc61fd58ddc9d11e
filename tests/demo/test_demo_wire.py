"""Exact bytes on the wire: raw responses, chunk boundaries, slow trickles, bursts and bulk batches.

Chunk boundaries are read with an h11 client over a plain socket, since h11 reports where each
HTTP chunk ends regardless of how TCP segmented it.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import h11
import httpx
import pytest

from jobwatch.demo import DemoServer, Fault, JobScript, RawResponse

SIX = [("log", str(n)) for n in range(1, 7)]


def message(event_id: int, data: str, event: str = "log") -> bytes:
    return f"id: {event_id}\nevent: {event}\ndata: {data}\n\n".encode()


async def chunks_of(url: str) -> tuple[int, list[bytes], bool]:
    """GET `url`: status, the body's HTTP chunks exactly as framed, whether it ended cleanly."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    conn = h11.Connection(h11.CLIENT)
    request = h11.Request(method="GET", target=parts.path, headers=[("Host", parts.netloc)])
    writer.write(conn.send(request) + conn.send(h11.EndOfMessage()))
    status, chunks, current, clean = 0, [], bytearray(), False
    try:
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                conn.receive_data(await reader.read(65536))
            elif isinstance(event, h11.Response):
                status = event.status_code
            elif isinstance(event, h11.Data):
                current += event.data
                if event.chunk_end:
                    chunks.append(bytes(current))
                    current.clear()
            elif isinstance(event, h11.EndOfMessage):
                clean = True
                break
            else:
                break
    except (h11.RemoteProtocolError, OSError):
        pass
    finally:
        writer.close()
    if current:
        chunks.append(bytes(current))
    return status, chunks, clean


async def test_raw_body_reaches_the_client_byte_exact() -> None:
    body = [b"\xef\xbb", b"\xbfdata: caf\xc3", b"\xa9\r", b"\ndata: \x00\xff\r\n\r\n"]
    async with DemoServer() as server, httpx.AsyncClient() as client:
        url = server.add_raw("bytes", [RawResponse(body=body)])
        resp = await client.get(url)
    assert resp.content == b"".join(body)
    assert resp.headers["content-type"] == "text/event-stream"


async def test_raw_chunks_keep_their_boundaries_and_pauses_send_nothing() -> None:
    body: list[bytes | float] = [b"data: a\r", 0.01, b"\n", b"\n", b"data: \xe2\x82", b"\xac\n\n"]
    async with DemoServer() as server:
        url = server.add_raw("split", [RawResponse(body=body)])
        status, chunks, clean = await chunks_of(url)
    assert (status, clean) == (200, True)
    assert chunks == [b for b in body if isinstance(b, bytes)]


async def test_raw_requests_get_responses_in_order_and_the_last_one_repeats() -> None:
    responses = [
        RawResponse(503, headers=[("Retry-After", "1")], body=[b"busy"]),
        RawResponse(body=[b"data: first\n\n"]),
        RawResponse(body=[b"data: later\n\n"]),
    ]
    async with DemoServer() as server, httpx.AsyncClient() as client:
        url = server.add_raw("seq", responses)
        got = [await client.get(url) for _ in range(4)]
    assert [r.status_code for r in got] == [503, 200, 200, 200]
    assert got[0].headers["retry-after"] == "1"
    assert [r.content for r in got] == [b"busy", b"data: first\n\n", *[b"data: later\n\n"] * 2]
    assert server.connections("/raw/seq") == 4


async def test_raw_abort_drops_the_connection_mid_body() -> None:
    raw = RawResponse(body=[b"data: part"], end="abort")
    received = b""
    async with DemoServer() as server, httpx.AsyncClient() as client:
        url = server.add_raw("cut", [raw])
        with pytest.raises(httpx.RemoteProtocolError):
            async with client.stream("GET", url) as resp:
                async for chunk in resp.aiter_raw():
                    received += chunk
    assert received == b"data: part"


async def test_raw_response_can_redirect_to_another_raw_name() -> None:
    async with DemoServer() as server, httpx.AsyncClient(follow_redirects=True) as client:
        target = server.add_raw("target", [RawResponse(body=[b"data: here\n\n"])])
        start = server.add_raw("start", [RawResponse(307, headers=[("Location", "/raw/target")])])
        resp = await client.get(start)
    assert str(resp.url) == target
    assert resp.content == b"data: here\n\n"


async def test_each_event_is_flushed_as_its_own_chunk() -> None:
    async with DemoServer([JobScript("a", events=SIX[:2], interval=0)]) as server:
        _, chunks, clean = await chunks_of(server.job_url("a"))
    assert clean
    assert chunks == [
        b"retry: 3000\n" + message(1, "1"),
        message(2, "2"),
        message(3, '{"status": "succeeded"}', "complete"),
    ]


async def test_burst_sends_its_events_back_to_back_in_one_chunk() -> None:
    job = JobScript("a", events=SIX, interval=0, faults=[Fault.burst(after_event=2, count=3)])
    async with DemoServer([job]) as server:
        _, chunks, _ = await chunks_of(server.job_url("a"))
    assert chunks[2] == message(3, "3") + message(4, "4") + message(5, "5")
    assert chunks[3] == message(6, "6")


async def test_slow_fault_trickles_the_same_bytes_a_few_at_a_time() -> None:
    fast = JobScript("fast", events=SIX[:2], interval=0)
    slow = JobScript("slow", events=SIX[:2], interval=0, faults=[Fault.slow(4, delay=0)])
    async with DemoServer([fast, slow]) as server:
        _, fast_chunks, _ = await chunks_of(server.job_url("fast"))
        _, slow_chunks, clean = await chunks_of(server.job_url("slow"))
    assert clean
    assert b"".join(slow_chunks) == b"".join(fast_chunks)
    assert max(len(c) for c in slow_chunks) == 4


async def test_bulk_job_sends_every_event_in_few_large_chunks() -> None:
    job = JobScript("flood", count=3000, interval=0.5, bulk=True, payload_bytes=100)
    async with DemoServer([job]) as server:
        _, chunks, clean = await chunks_of(server.job_url("flood"))
    body = b"".join(chunks)
    ids = [line for line in body.split(b"\n") if line.startswith(b"id: ")]
    assert clean
    assert ids == [b"id: %d" % n for n in range(1, 3002)]
    assert len(chunks) < 10


async def test_payload_bytes_sizes_the_log_events_on_the_wire() -> None:
    job = JobScript("padded", count=50, interval=0, payload_bytes=300)
    async with DemoServer([job]) as server:
        _, chunks, _ = await chunks_of(server.job_url("padded"))
    logs = [c for c in chunks[1:] if b"\nevent: log\n" in c]
    assert len(logs) == 47
    assert {len(c) for c in logs} == {300}
