"""BurstReader: a body's pieces taken in bursts, in order, with errors after the data that preceded them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from jobwatch.stream.bursts import BurstReader


class Body:
    """A fake response body: the test releases pieces; `closed` records that the body was let go."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[bytes | Exception | None] = asyncio.Queue()
        self.closed = False

    def send(self, *items: bytes | Exception | None) -> None:
        for item in items:
            self.queue.put_nowait(item)

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            while True:
                if self.queue.empty():
                    item = await self.queue.get()
                else:
                    item = self.queue.get_nowait()  # already received: handed over without suspending
                if item is None:
                    return
                if isinstance(item, Exception):
                    raise item
                yield item
        finally:
            self.closed = True


async def test_pieces_received_together_come_as_one_burst() -> None:
    body = Body()
    body.send(b"a", b"b", b"c")
    async with BurstReader(body.chunks()) as reader:
        assert await reader.burst() == [b"a", b"b", b"c"]


async def test_a_burst_waits_for_the_next_piece() -> None:
    body = Body()
    async with BurstReader(body.chunks()) as reader:
        waiting = asyncio.create_task(reader.burst())
        await asyncio.sleep(0.01)
        assert not waiting.done()
        body.send(b"late")
        assert await waiting == [b"late"]


async def test_pieces_keep_their_order_across_bursts() -> None:
    body = Body()
    received: list[bytes] = []
    async with BurstReader(body.chunks()) as reader:
        for i in range(5):
            body.send(*(f"{i}.{j}".encode() for j in range(i + 1)))
            received += await reader.burst()
    assert received == [f"{i}.{j}".encode() for i in range(5) for j in range(i + 1)]


async def test_the_end_of_the_body_is_an_empty_burst_every_time() -> None:
    body = Body()
    body.send(b"last", None)
    async with BurstReader(body.chunks()) as reader:
        assert await reader.burst() == [b"last"]
        assert await reader.burst() == []
        assert await reader.burst() == []


async def test_a_read_error_is_raised_after_the_pieces_before_it() -> None:
    body = Body()
    body.send(b"kept", ConnectionResetError("reset by peer"))
    async with BurstReader(body.chunks()) as reader:
        assert await reader.burst() == [b"kept"]
        with pytest.raises(ConnectionResetError, match="reset by peer"):
            await reader.burst()


async def test_leaving_early_stops_the_reader_and_closes_the_body() -> None:
    body = Body()
    body.send(b"one")
    async with BurstReader(body.chunks()) as reader:
        assert await reader.burst() == [b"one"]
    assert body.closed


async def test_cancelling_a_waiting_burst_closes_the_body() -> None:
    body = Body()

    async def read_forever() -> None:
        async with BurstReader(body.chunks()) as reader:
            await reader.burst()

    task = asyncio.create_task(read_forever())
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert body.closed
