"""What the chaos suite adds to the demo server: line endings, huge lines, restarts on the same port, removing
jobs, the exactly-once ledger and seeded random fault mixes."""

from __future__ import annotations

import asyncio
import random
from urllib.parse import urlsplit

import httpx
import pytest

from jobwatch.demo import DemoServer, Fault, JobScript, Ledger, random_faults
from jobwatch.demo.chaos import FLAP_CODES

TWO = [("log", "a\nb"), ("log", "é")]
COMPLETE = b'id: 3\nevent: complete\ndata: {"status": "succeeded"}\n\n'
SECOND = b"id: 2\nevent: log\ndata: \xc3\xa9\n\n"
LF_BODY = b"retry: 3000\nid: 1\nevent: log\ndata: a\ndata: b\n\n" + SECOND + COMPLETE


async def fetch(url: str, last_id: str | None = None) -> tuple[int, bytes, Exception | None]:
    """Status, everything the body delivered, and the error that ended it (None for a clean end)."""
    headers = {"Last-Event-ID": last_id} if last_id else {}
    received = b""
    async with httpx.AsyncClient() as client, client.stream("GET", url, headers=headers) as resp:
        try:
            async for chunk in resp.aiter_raw():
                received += chunk
        except httpx.TransportError as exc:
            return resp.status_code, received, exc
    return resp.status_code, received, None


@pytest.mark.parametrize("ending", ["\r\n", "\r"], ids=["CRLF", "CR"])
async def test_line_ending_ends_every_line_of_every_message(ending: str) -> None:
    async with DemoServer([JobScript("j", events=TWO, interval=0, line_ending=ending)]) as server:  # type: ignore[arg-type]
        _, body, _ = await fetch(server.job_url("j"))
    assert body == LF_BODY.replace(b"\n", ending.encode())


async def test_pings_use_the_line_ending_too() -> None:
    script = JobScript("j", events=TWO, interval=0, complete=False, line_ending="\r\n")
    body = b""
    async with (
        DemoServer([script], ping_interval=0.01) as server,
        httpx.AsyncClient() as client,
        client.stream("GET", server.job_url("j")) as resp,
    ):
        async for chunk in resp.aiter_raw():
            body += chunk
            if b": ping" in body and body.endswith(b"\r\n\r\n"):
                break
    assert b": ping\r\n\r\n" in body
    assert b"\n" not in body.replace(b"\r\n", b"")


async def test_drop_offsets_count_the_bytes_as_sent_with_crlf() -> None:
    script = JobScript("j", events=TWO, interval=0, line_ending="\r\n", faults=[Fault.drop(0, offset=14)])
    async with DemoServer([script]) as server:
        _, body, error = await fetch(server.job_url("j"))
    assert error is not None
    assert body == b"retry: 3000\r\ni"


def test_an_unknown_line_ending_is_rejected() -> None:
    with pytest.raises(ValueError, match="line_ending"):
        JobScript("j", line_ending="\n\r")  # type: ignore[arg-type]


async def test_huge_line_sends_size_bytes_of_data_then_a_blank_line_then_goes_on() -> None:
    size = 3 * (1 << 20) + 5
    script = JobScript("j", events=TWO, interval=0, faults=[Fault.huge_line(after_event=1, size=size)])
    async with DemoServer([script]) as server:
        _, body, error = await fetch(server.job_url("j"))
    first, rest = LF_BODY.split(b"\n\n", 1)
    assert error is None
    assert body == first + b"\n\n" + b"data: " + b"x" * size + b"\n\n" + rest


async def test_huge_line_happens_once_across_resumes() -> None:
    script = JobScript("j", events=TWO, interval=0, faults=[Fault.huge_line(after_event=1, size=1 << 20)])
    async with DemoServer([script]) as server:
        _, first, _ = await fetch(server.job_url("j"))
        _, resumed, _ = await fetch(server.job_url("j"), last_id="1")
    assert len(first) > 1 << 20
    assert resumed == b"retry: 3000\n" + SECOND + COMPLETE


def test_huge_line_size_must_not_be_negative() -> None:
    with pytest.raises(ValueError, match="size"):
        Fault.huge_line(after_event=0, size=-1)


async def test_restart_listens_again_on_the_same_port_and_jobs_keep_their_state() -> None:
    script = JobScript("j", events=TWO, interval=0, faults=[Fault.drop(after_event=1, offset=3)])
    async with DemoServer([script]) as server:
        url = server.job_url("j")
        _, _, dropped = await fetch(url)
        await server.restart()
        _, resumed, clean = await fetch(url, last_id="1")
        assert server.job_url("j") == url
        assert len(server.requests) == 2
    assert dropped is not None and clean is None
    assert resumed == b"retry: 3000\n" + SECOND + COMPLETE


async def test_restart_drops_open_connections() -> None:
    script = JobScript("j", events=TWO, interval=0, complete=False)
    async with (
        DemoServer([script], ping_interval=60) as server,
        httpx.AsyncClient() as client,
        client.stream("GET", server.job_url("j")) as resp,
    ):
        chunks = resp.aiter_raw()
        await anext(chunks)
        await server.restart()
        with pytest.raises(httpx.TransportError):
            async for _ in chunks:
                pass


async def refused(server: DemoServer) -> bool:
    """Whether a TCP connection to the server's port is refused right now (retried while it resets)."""
    while True:
        try:
            _, writer = await asyncio.open_connection(server.host, urlsplit(server.url).port)
        except ConnectionRefusedError:
            return True
        except ConnectionResetError:
            continue  # reached the listener as it closed
        writer.close()
        return False


async def test_restart_refuses_connections_while_down() -> None:
    async with DemoServer([JobScript("j", events=TWO, interval=0)]) as server:
        restarting = asyncio.create_task(server.restart(down=30))
        while not await refused(server):
            await asyncio.sleep(0.01)  # the restart has not closed the listener yet
        still_down = not restarting.done()
        restarting.cancel()
        await asyncio.gather(restarting, return_exceptions=True)
    assert still_down


async def test_urls_stay_known_while_the_server_is_down_for_a_restart() -> None:
    async with DemoServer([JobScript("j", events=TWO, interval=0)]) as server:
        url = server.job_url("j")
        restarting = asyncio.create_task(server.restart(down=30))
        while not await refused(server):
            await asyncio.sleep(0.01)
        during = server.job_url("j")
        restarting.cancel()
        await asyncio.gather(restarting, return_exceptions=True)
    assert during == url


async def test_a_removed_job_answers_404() -> None:
    async with DemoServer([JobScript("j", events=TWO, interval=0)]) as server:
        url = server.job_url("j")
        server.remove_job("j")
        status, _, _ = await fetch(url)
        assert server.jobs == []
    assert status == 404


def test_ledger_of_an_exact_delivery_has_nothing_to_report() -> None:
    ledger = Ledger(3)
    for event_id in ("1", "2", "3"):
        ledger.add(event_id)
    assert ledger.exact
    assert ledger.summary() == (
        "3 delivered of 3: lost 0, duplicated 0, out of order 0, unexpected 0, corrupted 0"
    )


def test_ledger_counts_lost_duplicated_and_out_of_order_apart() -> None:
    ledger = Ledger(6)
    for event_id in ("1", "3", "2", "3", "5", "1"):
        ledger.add(event_id)
    assert (ledger.lost, ledger.duplicated, ledger.out_of_order) == (2, 2, 1)
    assert ledger.problems == [
        "id 2 out of order after 3", "duplicate id 3 after 3", "duplicate id 1 after 5"
    ]  # fmt: skip
    assert not ledger.exact


@pytest.mark.parametrize("event_id", [None, "", "x", "0", "7", "-1", "99999999999999999999", "٣"])
def test_ledger_counts_missing_and_foreign_ids_as_unexpected(event_id: str | None) -> None:
    ledger = Ledger(6)
    ledger.add(event_id)
    assert (ledger.unexpected, ledger.delivered, ledger.lost) == (1, 1, 6)


def test_ledger_counts_events_whose_content_differs_as_corrupted() -> None:
    ledger = Ledger(2, expect=lambda index: ("log", f"line {index}"))
    ledger.add("1", "log", "line 0")
    ledger.add("2", "log", "line 1 mangled")
    assert (ledger.corrupted, ledger.lost) == (1, 0)
    assert ledger.problems == ["id 2 corrupted: 'log' 'line 1 mangled'"]


def test_random_faults_are_the_same_for_the_same_seed() -> None:
    assert random_faults(random.Random(4), 500, 30) == random_faults(random.Random(4), 500, 30)
    assert random_faults(random.Random(4), 500, 30) != random_faults(random.Random(5), 500, 30)


def test_random_faults_mix_every_kind_within_the_job() -> None:
    faults = random_faults(random.Random(1), 500, 300, silence=2.5, retry_after=("1", None))
    assert len(faults) == 300
    assert {f.kind for f in faults} == {"drop", "status", "silence", "replay", "burst"}
    assert all(0 <= f.after_event < 500 for f in faults)
    flaps = [f for f in faults if f.kind == "status"]
    assert {f.code for f in flaps} <= set(FLAP_CODES)
    assert {f.retry_after for f in flaps} == {"1", None}
    assert {f.seconds for f in faults if f.kind == "silence"} == {2.5}


def test_random_faults_need_a_job_with_events() -> None:
    with pytest.raises(ValueError, match="events"):
        random_faults(random.Random(1), 0, 3)
