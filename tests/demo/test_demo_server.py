"""DemoServer over loopback sockets: routes, ids, retry, resume, pings, records, concurrency."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from jobwatch.demo import DemoServer, JobScript, RawResponse

EVENTS = [("log", "one"), ("progress", '{"percent": 50}'), ("log", "three")]


def blocks(body: bytes) -> list[dict[str, str]]:
    """Complete SSE blocks of an LF-only body as field dicts (a trailing partial block dropped)."""
    parsed = []
    for raw in body.decode().split("\n\n")[:-1]:
        fields: dict[str, str] = {}
        for line in raw.split("\n"):
            name, _, value = line.partition(": ")
            fields[name] = f"{fields[name]}\n{value}" if name in fields else value
        parsed.append(fields)
    return parsed


async def get_body(url: str, headers: dict[str, str] | None = None) -> tuple[httpx.Response, bytes]:
    async with httpx.AsyncClient() as client, client.stream("GET", url, headers=headers) as resp:
        return resp, await resp.aread()


async def test_jobs_lists_every_job_with_its_events_url() -> None:
    jobs = [JobScript("api-build", name="API build"), JobScript("db-migrate")]
    async with DemoServer(jobs) as server, httpx.AsyncClient() as client:
        resp = await client.get(f"{server.url}/jobs")
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/json"
    assert resp.json() == [
        {"id": "api-build", "name": "API build", "url": "/jobs/api-build/events"},
        {"id": "db-migrate", "name": "db-migrate", "url": "/jobs/db-migrate/events"},
    ]
    assert server.job_url("db-migrate") == f"{server.url}/jobs/db-migrate/events"


async def test_events_endpoint_answers_200_event_stream_without_caching() -> None:
    async with DemoServer([JobScript("a", events=EVENTS, interval=0)]) as server:
        resp, _ = await get_body(server.job_url("a"))
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert resp.headers["cache-control"] == "no-cache"


async def test_event_ids_count_up_from_one_and_only_the_first_message_carries_retry() -> None:
    async with DemoServer([JobScript("a", events=EVENTS, interval=0, retry_ms=1234)]) as server:
        _, body = await get_body(server.job_url("a"))
    got = blocks(body)
    assert [b["id"] for b in got] == ["1", "2", "3", "4"]
    assert [b["event"] for b in got] == ["log", "progress", "log", "complete"]
    assert got[0]["retry"] == "1234"
    assert all("retry" not in b for b in got[1:])
    assert body.startswith(b"retry: 1234\nid: 1\nevent: log\ndata: one\n\n")


async def test_stream_ends_cleanly_with_a_complete_event_carrying_the_final_status() -> None:
    job = JobScript("a", events=EVENTS, interval=0, final_status="failed")
    async with DemoServer([job]) as server:
        _, body = await get_body(server.job_url("a"))
    last = blocks(body)[-1]
    assert last["event"] == "complete"
    assert json.loads(last["data"]) == {"status": "failed"}
    assert body.endswith(b"\n\n")


async def test_multiline_data_is_sent_as_one_data_line_per_line() -> None:
    async with DemoServer([JobScript("a", events=[("log", "x\ny")], interval=0)]) as server:
        _, body = await get_body(server.job_url("a"))
    assert b"data: x\ndata: y\n\n" in body


async def test_last_event_id_resumes_strictly_after_that_id() -> None:
    async with DemoServer([JobScript("a", events=EVENTS, interval=0)]) as server:
        _, body = await get_body(server.job_url("a"), {"Last-Event-ID": "2"})
    got = blocks(body)
    assert [b["id"] for b in got] == ["3", "4"]
    assert got[0]["retry"] == "3000"


@pytest.mark.parametrize("cursor", ["garbage", "99", "-1", "", "2.0"])
async def test_unknown_last_event_id_starts_from_the_beginning(cursor: str) -> None:
    async with DemoServer([JobScript("a", events=EVENTS, interval=0)]) as server:
        _, body = await get_body(server.job_url("a"), {"Last-Event-ID": cursor})
    assert [b["id"] for b in blocks(body)] == ["1", "2", "3", "4"]


async def test_resume_after_the_complete_event_is_answered_204() -> None:
    async with DemoServer([JobScript("a", events=EVENTS, interval=0)]) as server:
        resp, body = await get_body(server.job_url("a"), {"Last-Event-ID": "4"})
    assert resp.status_code == 204
    assert body == b""


async def test_idle_stream_sends_ping_comments() -> None:
    job = JobScript("a", events=[("log", "only")], interval=0, complete=False)
    async with (
        DemoServer([job], ping_interval=0.02) as server,
        httpx.AsyncClient() as client,
        client.stream("GET", server.job_url("a")) as resp,
    ):
        body = b""
        async with asyncio.timeout(5):
            async for chunk in resp.aiter_raw():
                body += chunk
                if body.count(b": ping\n\n") >= 2:
                    break
    assert body.startswith(b"retry: 3000\nid: 1\nevent: log\ndata: only\n\n: ping\n\n")


async def test_resume_past_the_end_of_an_open_job_still_sends_retry_first() -> None:
    job = JobScript("a", events=[("log", "only")], interval=0, complete=False)
    async with (
        DemoServer([job], ping_interval=0.02) as server,
        httpx.AsyncClient() as client,
        client.stream("GET", server.job_url("a"), headers={"Last-Event-ID": "1"}) as resp,
    ):
        first = await anext(resp.aiter_raw())
    assert first.startswith(b"retry: 3000\n\n")


async def test_unknown_job_and_unknown_path_are_404() -> None:
    async with DemoServer([JobScript("a")]) as server, httpx.AsyncClient() as client:
        job = await client.get(server.job_url("nope"))
        path = await client.get(f"{server.url}/elsewhere")
        raw = await client.get(f"{server.url}/raw/never-added")
    assert (job.status_code, path.status_code, raw.status_code) == (404, 404, 404)


async def test_only_get_is_allowed() -> None:
    async with DemoServer([JobScript("a")]) as server, httpx.AsyncClient() as client:
        resp = await client.post(f"{server.url}/jobs", content=b"x")
    assert resp.status_code == 405
    assert resp.headers["allow"] == "GET"


async def test_poll_returns_the_events_after_the_cursor_as_json() -> None:
    job = JobScript("a", events=EVENTS, interval=0)
    async with DemoServer([job]) as server, httpx.AsyncClient() as client:
        resp = await client.get(f"{server.url}/jobs/a/poll", params={"after": "2"})
    assert resp.headers["content-type"] == "application/json"
    assert resp.json() == [
        {"id": "3", "event": "log", "data": "three"},
        {"id": "4", "event": "complete", "data": '{"status": "succeeded"}'},
    ]


async def test_requests_are_recorded_with_lower_case_header_names() -> None:
    sent = {"Authorization": "Bearer t0k", "Last-Event-ID": "3", "X-Trace": "abc"}
    async with DemoServer([JobScript("a", events=EVENTS, interval=0)]) as server:
        await get_body(server.job_url("a"), sent)
        await get_body(server.job_url("a"))
    first = server.requests[0]
    assert (first.method, first.path) == ("GET", "/jobs/a/events")
    assert first.headers["authorization"] == "Bearer t0k"
    assert first.headers["last-event-id"] == "3"
    assert first.headers["x-trace"] == "abc"
    assert "last-event-id" not in server.requests[1].headers
    assert server.connections("/jobs/a/events") == 2
    assert server.connections(server.job_url("a")) == 2


async def test_jobs_added_while_running_are_served() -> None:
    async with DemoServer() as server:
        server.add_job(JobScript("late", events=EVENTS, interval=0))
        _, body = await get_body(server.job_url("late"))
    assert [b["id"] for b in blocks(body)] == ["1", "2", "3", "4"]


async def test_thirty_concurrent_connections_are_all_streaming_at_once() -> None:
    jobs = [JobScript(f"j{n}", events=EVENTS, interval=0, complete=False) for n in range(3)]
    limits = httpx.Limits(max_connections=40)
    async with DemoServer(jobs) as server, httpx.AsyncClient(limits=limits) as client:
        opened = [client.stream("GET", server.job_url(f"j{n % 3}")) for n in range(30)]
        responses = await asyncio.gather(*(cm.__aenter__() for cm in opened))
        firsts = await asyncio.gather(*(anext(r.aiter_raw()) for r in responses))
        for cm in opened:
            await cm.__aexit__(None, None, None)
    assert all(first.startswith(b"retry: 3000\nid: 1\n") for first in firsts)
    assert sum(server.connections(f"/jobs/j{n}/events") for n in range(3)) == 30


async def test_stop_closes_open_connections() -> None:
    server = DemoServer()
    await server.start()
    url = server.add_raw("hang", [RawResponse(body=[b"data: x\n\n"], end="hang")])
    async with httpx.AsyncClient() as client, client.stream("GET", url) as resp:
        chunks = resp.aiter_raw()
        assert await anext(chunks) == b"data: x\n\n"
        await server.stop()
        with pytest.raises(httpx.RemoteProtocolError):
            await anext(chunks)
