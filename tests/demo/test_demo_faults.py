"""Injected faults as plain httpx sees them: drops, statuses, silence, replays, failures."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from jobwatch.demo import DemoServer, Fault, JobScript

FOUR = [("log", "a"), ("log", "b"), ("log", "c"), ("log", "d")]
FIRST = b"retry: 3000\nid: 1\nevent: log\ndata: a\n\n"
SECOND = b"id: 2\nevent: log\ndata: b\n\n"


def ids(body: bytes) -> list[str]:
    """Ids of the complete blocks of an LF-only body (an error event shows as "-")."""
    found = []
    for block in body.decode().split("\n\n")[:-1]:
        fields = dict(line.partition(": ")[::2] for line in block.split("\n"))
        found.append(fields.get("id", "-"))
    return found


async def fetch(
    client: httpx.AsyncClient, url: str, last_id: str | None = None
) -> tuple[httpx.Response, bytes, Exception | None]:
    """Everything the body delivered, and the error that ended it (None for a clean end)."""
    headers = {"Last-Event-ID": last_id} if last_id else {}
    received = b""
    async with client.stream("GET", url, headers=headers) as resp:
        try:
            async for chunk in resp.aiter_raw():
                received += chunk
        except httpx.TransportError as exc:
            return resp, received, exc
    return resp, received, None


def job(*faults: Fault) -> JobScript:
    return JobScript("j", events=FOUR, interval=0, faults=faults)


async def test_drop_aborts_after_offset_bytes_of_the_next_event() -> None:
    dropping = job(Fault.drop(after_event=1, offset=7))
    async with DemoServer([dropping]) as server, httpx.AsyncClient() as client:
        _, body, error = await fetch(client, server.job_url("j"))
    assert isinstance(error, httpx.RemoteProtocolError)
    assert body == FIRST + SECOND[:7]


async def test_drop_without_offset_cuts_strictly_inside_the_event() -> None:
    dropping = job(Fault.drop(after_event=1))
    async with DemoServer([dropping], seed=7) as server, httpx.AsyncClient() as client:
        _, body, error = await fetch(client, server.job_url("j"))
    partial = body[len(FIRST) :]
    assert error is not None
    assert body.startswith(FIRST)
    assert 0 < len(partial) < len(SECOND)
    assert SECOND.startswith(partial)


async def test_drop_happens_once_and_the_resume_delivers_the_rest() -> None:
    dropping = job(Fault.drop(after_event=2, offset=3))
    async with DemoServer([dropping]) as server, httpx.AsyncClient() as client:
        _, first, error = await fetch(client, server.job_url("j"))
        _, second, clean = await fetch(client, server.job_url("j"), last_id="2")
    assert error is not None
    assert ids(first) == ["1", "2"]
    assert clean is None
    assert ids(second) == ["3", "4", "5"]


async def test_random_drops_lose_and_repeat_nothing_for_a_resuming_client() -> None:
    script = JobScript("etl", count=400, interval=0, faults=[Fault.random_drops(25)])
    seen: list[str] = []
    errors = 0
    async with DemoServer([script], seed=3) as server, httpx.AsyncClient() as client:
        while True:
            _, body, error = await fetch(client, server.job_url("etl"), seen[-1] if seen else None)
            seen += ids(body)
            if error is None:
                break
            errors += 1
    assert errors == 25
    assert seen == [str(n) for n in range(1, 402)]
    assert server.connections("/jobs/etl/events") == 26


async def test_status_fault_answers_503_with_retry_after_then_streams() -> None:
    faulty = job(Fault.status(503, times=2, retry_after="2"))
    async with DemoServer([faulty]) as server, httpx.AsyncClient() as client:
        got = [await fetch(client, server.job_url("j")) for _ in range(3)]
    assert [resp.status_code for resp, _, _ in got] == [503, 503, 200]
    assert [resp.headers.get("retry-after") for resp, _, _ in got[:2]] == ["2", "2"]
    assert ids(got[2][1]) == ["1", "2", "3", "4", "5"]


async def test_status_fault_hits_only_the_chosen_connections() -> None:
    faulty = job(Fault.status(401, times=1, on_connection=1))
    async with DemoServer([faulty]) as server, httpx.AsyncClient() as client:
        got = [await fetch(client, server.job_url("j")) for _ in range(3)]
    assert [resp.status_code for resp, _, _ in got] == [200, 401, 200]
    assert got[1][0].headers["www-authenticate"].startswith("Bearer")


async def test_status_204_fault_has_no_body() -> None:
    async with DemoServer([job(Fault.status(204))]) as server, httpx.AsyncClient() as client:
        resp, body, error = await fetch(client, server.job_url("j"))
    assert (resp.status_code, body, error) == (204, b"", None)


async def test_silence_sends_no_byte_not_even_a_ping() -> None:
    silent = job(Fault.silence(after_event=1, seconds=60))
    async with (
        DemoServer([silent], ping_interval=0.01) as server,
        httpx.AsyncClient() as client,
        client.stream("GET", server.job_url("j")) as resp,
    ):
        chunks = resp.aiter_raw()
        assert await anext(chunks) == FIRST
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(anext(chunks), 0.3)


async def test_silence_ends_and_the_stream_goes_on_without_pings_in_between() -> None:
    silent = job(Fault.silence(after_event=1, seconds=0.2))
    async with DemoServer([silent], ping_interval=0.01) as server, httpx.AsyncClient() as client:
        _, body, error = await fetch(client, server.job_url("j"))
    assert error is None
    assert body.startswith(FIRST + SECOND)
    assert b": ping" not in body


async def test_silence_is_used_up_when_the_client_leaves_during_it() -> None:
    silent = job(Fault.silence(after_event=1, seconds=60))
    async with DemoServer([silent]) as server, httpx.AsyncClient() as client:
        async with client.stream("GET", server.job_url("j")) as resp:
            await anext(resp.aiter_raw())
        _, body, _ = await fetch(client, server.job_url("j"), last_id="1")
    assert ids(body) == ["2", "3", "4", "5"]


async def test_replay_resends_events_up_to_the_cursor_once() -> None:
    replaying = job(Fault.replay(after_event=3, count=2))
    async with DemoServer([replaying]) as server, httpx.AsyncClient() as client:
        _, early, _ = await fetch(client, server.job_url("j"), last_id="2")
        _, sloppy, _ = await fetch(client, server.job_url("j"), last_id="4")
        _, exact, _ = await fetch(client, server.job_url("j"), last_id="4")
    assert ids(early) == ["3", "4", "5"]
    assert ids(sloppy) == ["3", "4", "5"]
    assert ids(exact) == ["5"]


async def test_inclusive_resume_resends_the_cursor_event_first_on_every_resume() -> None:
    inclusive = job(Fault.inclusive_resume())
    async with DemoServer([inclusive]) as server, httpx.AsyncClient() as client:
        _, fresh, _ = await fetch(client, server.job_url("j"))
        resumed = [await fetch(client, server.job_url("j"), last_id="2") for _ in range(2)]
    assert ids(fresh) == ["1", "2", "3", "4", "5"]
    assert [ids(body) for _, body, _ in resumed] == [["2", "3", "4", "5"]] * 2


async def test_fail_job_sends_a_final_error_event_and_ends_cleanly() -> None:
    failing = job(Fault.fail_job(after_event=2, message="disk full"))
    async with DemoServer([failing]) as server, httpx.AsyncClient() as client:
        _, body, error = await fetch(client, server.job_url("j"))
        _, after, _ = await fetch(client, server.job_url("j"), last_id="2")
    assert error is None
    assert ids(body) == ["1", "2", "-"]
    last = body.decode().split("\n\n")[-2]
    assert last.startswith("event: error\ndata: ")
    assert json.loads(last.split("data: ", 1)[1]) == {"message": "disk full", "retryable": False}
    assert ids(after) == ["3", "4", "5"]
