"""Drops at every kind of byte offset (mid-field, mid-CRLF, mid-UTF-8), replays and inclusive resumes over
real sockets: every event arrives exactly once, in order and intact, and the counters agree with the server.
"""

from __future__ import annotations

import pytest
from chaoskit import assert_exact, run_one, run_tail_jobs, run_target

from jobwatch.demo import DemoServer, Fault, JobScript, Ledger, RawResponse
from jobwatch.demo.generate import encode_event

WIDE = [
    ("log", "naïve café ✓"),
    ("progress", '{"step": "テスト", "percent": 50}'),
    ("log", "emoji 🚀🔥 and a second line\nsecond: ünïcödé"),
    ("status", '{"status": "running"}'),
    ("log", "€ 100 — done"),
]
ENDINGS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}


def wire_of(index: int, ending: str) -> bytes:
    """Event `index` of WIDE as a resumed connection sends it first: after `retry: 5`, with `ending`."""
    event_type, data = WIDE[index]
    return (b"retry: 5\n" + encode_event(str(index + 1), event_type, data)).replace(b"\n", ending.encode())


def dispatch_point(wire: bytes) -> int:
    """How many bytes of `wire` dispatch its event: a CR ends the blank line at once, LF or not."""
    return len(wire) - 1 if wire.endswith(b"\r\n") else len(wire)


@pytest.mark.parametrize("ending", ENDINGS.values(), ids=ENDINGS.keys())
async def test_a_drop_at_every_byte_offset_of_an_event_loses_and_repeats_nothing(ending: str) -> None:
    wire = wire_of(2, ending)
    # Cut after every byte: inside `id`, `event` and `data` names and values, inside every multi-byte
    # character, between every CR and its LF, and after the whole event.
    drops = [Fault.drop(after_event=2, offset=k) for k in range(1, len(wire) + 1)]
    script = JobScript("j", events=WIDE, interval=0, retry_ms=5, line_ending=ending, faults=drops)  # type: ignore[arg-type]
    async with DemoServer([script]) as server:
        outcome = await run_one(server)
    assert_exact(outcome)
    assert outcome.failed_with("connection lost") == dispatch_point(wire)
    # Every cut connection had opened (200 text/event-stream): none of them is a failed attempt.
    assert outcome.max_attempt == 0


async def test_random_drops_over_a_long_crlf_job_lose_and_repeat_nothing() -> None:
    script = JobScript("long", events=WIDE * 600, interval=0, retry_ms=5, line_ending="\r\n",
                       faults=[Fault.random_drops(300)])  # fmt: skip
    async with DemoServer([script], seed=11) as server:
        outcome = await run_one(server)
    assert_exact(outcome)
    assert outcome.connections == 301


async def test_a_replay_of_250_events_after_a_resume_is_skipped() -> None:
    faults = [Fault.drop(after_event=1500, offset=9), Fault.replay(after_event=1500, count=250)]
    script = JobScript("j", count=2000, interval=0, retry_ms=5, faults=faults)
    async with DemoServer([script]) as server:
        outcome = await run_one(server)
        resumed_from = [r.headers.get("last-event-id") for r in server.requests]
    assert_exact(outcome)
    assert resumed_from == [None, "1500"]


async def test_a_server_that_resumes_a_long_job_from_its_start_repeats_nothing() -> None:
    faults = [Fault.drop(after_event=1500, offset=9), Fault.replay(after_event=1500, count=1500)]
    script = JobScript("j", count=2000, interval=0, retry_ms=5, faults=faults)
    async with DemoServer([script]) as server:
        outcome = await run_one(server)
    assert_exact(outcome)


async def test_every_inclusive_resume_is_skipped_across_random_drops() -> None:
    faults = [Fault.random_drops(100), Fault.inclusive_resume()]
    script = JobScript("j", count=1000, interval=0, retry_ms=5, line_ending="\r", faults=faults)
    async with DemoServer([script], seed=5) as server:
        outcome = await run_one(server)
    assert_exact(outcome)
    assert outcome.connections == 101


def sloppy_server_responses() -> list[RawResponse]:
    """1-10 then a drop; a resume that replays 6-7 and is cut inside 8; then a resume that replays
    8-10 and goes on with 11-12 and completes."""
    first = b"retry: 5\n" + b"".join(event(n) for n in range(1, 11))
    return [
        RawResponse(body=[first], end="abort"),
        RawResponse(body=[event(6) + event(7) + event(8)[:4]], end="abort"),
        RawResponse(body=[b"".join(event(n) for n in range(8, 13)), event(13, "complete")]),
    ]


def event(number: int, event_type: str = "log") -> bytes:
    return encode_event(str(number), event_type, f"event {number} ✓")


async def test_a_drop_inside_a_replay_loses_and_repeats_nothing() -> None:
    async with DemoServer() as server:
        url = server.add_raw("sloppy", sloppy_server_responses())
        outcome = await run_target(server, url, Ledger(13))
    assert_exact(outcome)


async def test_a_drop_inside_a_replay_resumes_from_the_last_delivered_event() -> None:
    async with DemoServer() as server:
        url = server.add_raw("sloppy", sloppy_server_responses())
        await run_target(server, url, Ledger(13))
        resumed_from = [r.headers.get("last-event-id") for r in server.requests]
    assert resumed_from == [None, "10", "10"]


async def test_tail_prints_every_event_once_in_order_across_drops_on_many_jobs() -> None:
    scripts = [
        JobScript(f"job-{n}", count=400, interval=0, retry_ms=5, line_ending=ending,
                  faults=[Fault.random_drops(40), Fault.inclusive_resume()])
        for n, ending in enumerate(["\n", "\r\n", "\r"] * 2)
    ]  # fmt: skip
    async with DemoServer(scripts, seed=9) as server:
        code, ledgers, stderr = await run_tail_jobs(server)
    assert code == 0
    assert {name: ledger.summary() for name, ledger in ledgers.items() if not ledger.exact} == {}
    completed = [line for line in stderr if line.endswith("completed ('complete' event received)")]
    assert len(completed) == len(scripts)
