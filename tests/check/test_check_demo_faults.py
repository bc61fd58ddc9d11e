"""The demo faults added for `jobwatch check`, as the wire shows them to a plain socket or httpx client."""

from __future__ import annotations

import asyncio
import gzip

import httpx

from jobwatch.demo import DemoServer, Fault, JobScript

TWO = [("log", '{"n": 1}'), ("log", '{"n": 2}')]
BODY = b'retry: 3000\nid: 1\nevent: log\ndata: {"n": 1}\n\nid: 2\nevent: log\ndata: {"n": 2}\n\n'
BODY += b'id: 3\nevent: complete\ndata: {"status": "succeeded"}\n\n'


def two(*faults: Fault, **options: object) -> JobScript:
    return JobScript("j", events=TWO, interval=0, faults=faults, **options)  # type: ignore[arg-type]


async def raw_get(server: DemoServer, headers: str = "") -> bytes:
    """The whole response of a GET of the job, as bytes on the socket."""
    reader, writer = await asyncio.open_connection("127.0.0.1", int(server.url.rsplit(":", 1)[1]))
    writer.write(f"GET /jobs/j/events HTTP/1.1\r\nHost: x\r\n{headers}\r\n".encode())
    data = await reader.read()
    writer.close()
    return data


async def test_header_fault_replaces_and_removes_response_headers() -> None:
    faults = (Fault.header("Content-Type", "text/plain"), Fault.header("Cache-Control", None))
    async with DemoServer([two(*faults)]) as server, httpx.AsyncClient() as client:
        response = await client.get(server.job_url("j"))
    assert response.headers["content-type"] == "text/plain"
    assert "cache-control" not in response.headers
    assert response.content == BODY


async def test_gzip_fault_compresses_the_body_and_says_so() -> None:
    async with DemoServer([two(Fault.gzip())]) as server:
        wire = await raw_get(server)
    head, _, chunked = wire.partition(b"\r\n\r\n")
    assert b"\r\nContent-Encoding: gzip" in head
    compressed = b""
    while chunked:
        size, _, rest = chunked.partition(b"\r\n")
        compressed += rest[: int(size, 16)]
        chunked = rest[int(size, 16) + 2 :]
    assert gzip.decompress(compressed) == BODY


async def test_http10_fault_answers_http_1_0_ended_by_closing() -> None:
    async with DemoServer([two(Fault.http10())]) as server:
        wire = await raw_get(server)
    head, _, body = wire.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200 OK\r\n")
    assert b"Transfer-Encoding" not in head
    assert body == BODY


async def test_buffered_fault_holds_the_body_back_until_the_size_is_reached() -> None:
    server = DemoServer([two(Fault.buffered(size=60))])
    async with server, httpx.AsyncClient() as client, client.stream("GET", server.job_url("j")) as response:
        pieces = [piece async for piece in response.aiter_raw()]
    assert b"".join(pieces) == BODY
    assert [len(piece) >= 60 for piece in pieces[:-1]] == [True] * (len(pieces) - 1)


async def test_framing_faults_change_exactly_the_bytes_they_name() -> None:
    faults = (Fault.retry_field("3s"), Fault.mixed_endings(), Fault.bom(after_event=1), Fault.corrupt_data(0))
    async with DemoServer([two(*faults)]) as server, httpx.AsyncClient() as client:
        body = (await client.get(server.job_url("j"))).content
    assert body.startswith(b'retry: 3s\nid: 1\nevent: log\ndata: {"n"\n\n\xef\xbb\xbfid: 2\r\nevent: log\r\n')


async def test_id_faults_omit_set_and_renumber_ids() -> None:
    faults = (Fault.omit_ids("complete"), Fault.event_id(1, "7"))
    async with DemoServer([two(*faults)]) as server, httpx.AsyncClient() as client:
        body = (await client.get(server.job_url("j"))).content
    assert b"id: 7\nevent: log" in body and b"id: 3" not in body

    async with DemoServer([two(Fault.per_connection_ids())]) as server, httpx.AsyncClient() as client:
        resumed = (await client.get(server.job_url("j"), headers={"Last-Event-ID": "1"})).content
    assert (
        resumed == b'retry: 3000\nid: 1\nevent: log\ndata: {"n": 2}\n\nid: 2\nevent: complete\n' + BODY[-31:]
    )


async def test_heartbeat_events_replace_ping_comments() -> None:
    script = two(Fault.heartbeat_events("keepalive"), complete=False)
    server = DemoServer([script], ping_interval=0.02)
    async with server, httpx.AsyncClient() as client, client.stream("GET", server.job_url("j")) as response:
        body = b""
        async for piece in response.aiter_raw():
            body += piece
            if body.count(b"keepalive") >= 2:
                break
    assert body.endswith(b"event: keepalive\ndata: {}\n\n")
    assert b": ping" not in body


async def test_resume_faults_start_over_skip_and_reject_unknown_ids() -> None:
    faults = (Fault.ignore_last_event_id(), Fault.unknown_id_status(400), Fault.completed_200())
    skipping = JobScript("k", count=9, interval=0, faults=[Fault.skip_on_resume(3)])
    async with DemoServer([two(*faults), skipping]) as server, httpx.AsyncClient() as client:
        again = await client.get(server.job_url("j"), headers={"Last-Event-ID": "2"})
        unknown = await client.get(server.job_url("j"), headers={"Last-Event-ID": "99"})
        skipped = await client.get(server.job_url("k"), headers={"Last-Event-ID": "2"})
    assert again.content == BODY
    assert unknown.status_code == 400
    assert b"\nid: 6\n" in skipped.content and b"\nid: 3\n" not in skipped.content


async def test_finished_job_with_completed_200_answers_an_empty_200() -> None:
    async with DemoServer([two(Fault.completed_200())]) as server, httpx.AsyncClient() as client:
        done = await client.get(server.job_url("j"), headers={"Last-Event-ID": "3"})
    assert (done.status_code, done.headers["content-type"], done.content) == (
        200,
        "text/event-stream; charset=utf-8",
        b"",
    )


async def test_redirect_fault_points_the_first_requests_elsewhere() -> None:
    redirecting = two(Fault.redirect("/jobs/k/events", code=308, times=1))
    async with DemoServer([redirecting]) as server, httpx.AsyncClient() as client:
        first = await client.get(server.job_url("j"))
        second = await client.get(server.job_url("j"))
    assert (first.status_code, first.headers["location"]) == (308, "/jobs/k/events")
    assert second.status_code == 200
