"""Volume in bounded memory: a 100 MB line is skipped on the same connection instead of being held, and a
million events arrive exactly once while memory stays flat.
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
from collections.abc import Iterator, Sequence
from typing import overload

from chaoskit import ChaosObserver, assert_exact, run_one, run_target

from jobwatch.demo import DemoServer, Fault, JobScript, Ledger, RawResponse
from jobwatch.demo.scripts import HUGE_CHUNK
from jobwatch.stream.events import StreamState

MB = 1 << 20
HUNDRED_MB = 100 * MB


class Numbered(Sequence[tuple[str, str]]):
    """`count` cheap scripted events (type, data) made on demand, so a million-event job costs no memory."""

    def __init__(self, count: int) -> None:
        self._count = count

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> tuple[str, str]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[str, str]]: ...
    def __getitem__(self, index: int | slice) -> tuple[str, str] | Sequence[tuple[str, str]]:
        if isinstance(index, slice):
            raise TypeError("Numbered does not slice")
        if not 0 <= index < self._count:
            raise IndexError(index)
        return "log", f"line {index} ✓ naïve 日本"

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return (("log", f"line {index} ✓ naïve 日本") for index in range(self._count))


async def test_a_100_mb_line_is_skipped_on_the_same_connection_in_bounded_memory() -> None:
    script = JobScript("j", count=30, interval=0, retry_ms=5, faults=[Fault.huge_line(10, HUNDRED_MB)])
    async with DemoServer([script]) as server:
        tracemalloc.start()
        try:
            outcome = await run_one(server)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert_exact(outcome)
    assert (outcome.failures, outcome.connections) == ([], 1)
    assert peak < 8 * MB


async def test_a_100_mb_event_is_skipped_by_a_stream_that_may_not_reconnect() -> None:
    block = b"x" * HUGE_CHUNK
    body = [b"id: 1\ndata: before\n\ndata: ", *([block] * 100), b"\n\nid: 2\ndata: after\n\n"]
    async with DemoServer() as server:
        url = server.add_raw("huge", [RawResponse(body=body)])
        tracemalloc.start()
        try:
            outcome = await run_target(server, url, Ledger(2), max_retries=0)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert outcome.final.state is StreamState.COMPLETED
    assert (outcome.ledger.delivered, outcome.ledger.lost) == (2, 0)
    assert peak < 8 * MB


class BlockProbe:
    """Counts live Python memory blocks (sys.getallocatedblocks, after a full collection, so garbage left
    by earlier tests does not count) once `job` has delivered each of `counts` events; pass it as
    `during`. Blocks count objects, so anything kept per event shows up one for one."""

    def __init__(self, job: str, *counts: int) -> None:
        self.job, self.counts = job, counts
        self.blocks: list[int] = []

    def __call__(self, observer: ChaosObserver) -> None:
        for count in self.counts:
            observer.watch(self.job, count, then=self._measure)

    def _measure(self) -> None:
        gc.collect()
        self.blocks.append(sys.getallocatedblocks())


async def test_a_million_events_arrive_exactly_once_in_bounded_memory() -> None:
    script = JobScript("big", events=Numbered(1_000_000), bulk=True, retry_ms=5)
    probe = BlockProbe("big", 400_000, 950_000)
    async with DemoServer([script]) as server:
        outcome = await run_one(server, check_data=False, during=probe)
    assert_exact(outcome)
    assert outcome.connections == 1
    assert probe.blocks[1] - probe.blocks[0] < 10_000  # 550,000 events went through; nothing piled up


async def test_a_bulk_stream_keeps_no_more_than_a_few_chunks_of_events_alive() -> None:
    script = JobScript("big", events=Numbered(200_000), bulk=True, retry_ms=5)
    probe = BlockProbe("big", 1_000, 199_000)
    async with DemoServer([script]) as server:
        outcome = await run_one(server, check_data=False, during=probe)
    assert_exact(outcome)
    assert probe.blocks[1] - probe.blocks[0] < 10_000  # one 64 KiB read chunk is about 2,000 blocks
