"""A misbehaving server over real sockets: 5xx flaps with and without Retry-After, silence without pings,
one byte at a time, restarts on the same port, and fifty streams with random faults at once.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from chaoskit import ChaosObserver, assert_exact, run_one, run_streams

from jobwatch.demo import DemoServer, Fault, JobScript, random_faults
from jobwatch.stream.events import StreamState

CONTENT = [("log", f"line {n}: naïve ✓ 日本語 🚀") for n in range(40)]


def flapping(*statuses: Fault) -> JobScript:
    """A job whose connections 1, 3, 5 ... are cut after events 10, 20 ... and whose `statuses` land on
    the connections that follow."""
    drops = [Fault.drop(after_event=k, offset=6) for k in range(10, 40, 10)]
    return JobScript("j", events=CONTENT, interval=0, retry_ms=5, faults=[*drops, *statuses])


async def test_5xx_flaps_without_retry_after_back_off_and_lose_nothing() -> None:
    script = flapping(Fault.status(503, times=4, on_connection=1), Fault.status(502, 2, on_connection=6))
    async with DemoServer([script]) as server:
        outcome = await run_one(server)
    assert_exact(outcome)
    assert outcome.failed_with("HTTP 503 Service Unavailable") == 4
    assert outcome.failed_with("HTTP 502 Bad Gateway") == 2
    assert outcome.max_attempt == 4


async def test_max_retries_counts_only_failures_in_a_row_between_good_connections() -> None:
    script = flapping(Fault.status(503, times=2, on_connection=1), Fault.status(503, 2, on_connection=4))
    async with DemoServer([script]) as server:
        outcome = await run_one(server, max_retries=2)
    assert_exact(outcome)
    assert outcome.max_attempt == 2


async def test_one_more_failure_in_a_row_than_max_retries_gives_up() -> None:
    script = flapping(Fault.status(503, times=2, on_connection=1), Fault.status(503, 3, on_connection=4))
    async with DemoServer([script]) as server:
        outcome = await run_one(server, max_retries=2)
    assert outcome.final.state is StreamState.GAVE_UP
    assert outcome.final.attempt == 3
    assert outcome.ledger.delivered == outcome.ledger.highest == 20
    assert outcome.ledger.lost == 21


async def test_retry_after_in_seconds_and_as_a_date_is_honoured_beyond_max_backoff() -> None:
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    script = flapping(
        Fault.status(503, times=2, retry_after="7", on_connection=1),
        Fault.status(429, times=1, retry_after=soon, on_connection=4),
        Fault.status(500, times=1, on_connection=6),
    )
    async with DemoServer([script]) as server:
        outcome = await run_one(server)
    assert_exact(outcome)
    waits = list(zip(outcome.failures, outcome.delays, strict=True))
    assert [error for error, delay in waits if delay >= 7] == [
        "HTTP 503 Service Unavailable", "HTTP 503 Service Unavailable", "HTTP 429 Too Many Requests"
    ]  # fmt: skip
    assert 100 < dict(waits)["HTTP 429 Too Many Requests"] <= 120
    assert dict(waits)["HTTP 500 Internal Server Error"] <= 0.1  # the 100 ms floor, max_backoff below it


async def test_silence_without_pings_is_dropped_by_the_heartbeat_and_resumed() -> None:
    silences = [Fault.silence(after_event=k, seconds=30) for k in (5, 25)]
    script = JobScript("j", events=CONTENT, interval=0, retry_ms=5, faults=silences)
    async with DemoServer([script], ping_interval=60) as server:
        outcome = await run_one(server)
    assert_exact(outcome)
    assert outcome.failures == ["no data for 0.3s (heartbeat timeout)"] * 2


async def test_a_silence_shorter_than_the_heartbeat_timeout_keeps_the_connection() -> None:
    script = JobScript("j", events=CONTENT, interval=0, retry_ms=5, faults=[Fault.silence(5, seconds=0.05)])
    async with DemoServer([script], ping_interval=60) as server:
        outcome = await run_one(server)
    assert_exact(outcome)
    assert outcome.connections == 1


async def test_a_trickle_slower_than_the_heartbeat_per_event_but_not_per_byte_keeps_the_connection() -> None:
    # About 60 bytes an event, one every 8 ms: 0.5 s an event against a 0.3 s heartbeat timeout.
    script = JobScript("j", events=CONTENT[:2], interval=0, retry_ms=5, faults=[Fault.slow(1, delay=0.008)])
    async with DemoServer([script], ping_interval=60) as server:
        outcome = await run_one(server)
    assert_exact(outcome)
    assert outcome.connections == 1


async def test_one_byte_at_a_time_with_crlf_and_utf8_delivers_every_event_intact() -> None:
    faults = [Fault.slow(bytes_per_write=1, delay=0), Fault.drop(after_event=20, offset=17)]
    script = JobScript("j", events=CONTENT, interval=0, retry_ms=5, line_ending="\r\n", faults=faults)
    async with DemoServer([script]) as server:
        outcome = await run_one(server)
    assert_exact(outcome)
    assert outcome.connections == 2


async def test_restarts_on_the_same_port_lose_and_repeat_nothing() -> None:
    script = JobScript("j", count=300, interval=0.002, retry_ms=5)
    async with DemoServer([script]) as server:
        url = server.url

        async def restart_three_times(observer: ChaosObserver) -> None:
            for delivered in (60, 140, 220):
                await observer.watch("j", delivered).wait()
                await server.restart(down=0.05)

        outcome = await run_one(server, sleep=False, during=restart_three_times)
        assert server.url == url
    assert_exact(outcome)
    assert outcome.failed_with("connection lost") == 3
    assert outcome.refused >= 3


LOADED_HEARTBEAT = 1.0
"""Fifty flooding streams and the in-process server share one event loop, where each stream may hold it for
a 5 ms slice: on a loaded 2-core machine a turn of the loop can pass 0.3 s, and a heartbeat that short would
then expire before the server had read the request (an attempt it never saw)."""


def chaotic_job(rng: random.Random, number: int) -> JobScript:
    """One job of the mix: random faults of every kind, a random line ending, sometimes slow or inclusive."""
    faults = random_faults(rng, 300, rng.randint(3, 10), silence=LOADED_HEARTBEAT + 0.5)
    if rng.random() < 0.1:
        faults.append(Fault.slow(bytes_per_write=rng.randint(32, 128), delay=0))
    if rng.random() < 0.3:
        faults.append(Fault.inclusive_resume())
    ending = rng.choice(["\n", "\r\n", "\r"])
    return JobScript(f"job-{number}", count=300, interval=0, retry_ms=5, line_ending=ending, faults=faults)  # type: ignore[arg-type]


async def test_fifty_streams_with_random_faults_and_two_restarts_lose_and_repeat_nothing() -> None:
    rng = random.Random(2024)
    scripts = [chaotic_job(rng, n) for n in range(50)]
    async with DemoServer(scripts, seed=1, ping_interval=60) as server:

        async def restart_twice(observer: ChaosObserver) -> None:
            for delivered in (100, 200):
                await observer.watch("job-0", delivered).wait()
                await server.restart(down=0.02)

        outcomes = await run_streams(server, during=restart_twice, heartbeat_timeout=LOADED_HEARTBEAT)
    for outcome in outcomes.values():
        assert_exact(outcome, restarts=2)
    assert sum(o.refused for o in outcomes.values()) >= 2
