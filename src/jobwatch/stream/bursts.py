"""Reads a response body in bursts: everything that has arrived since the last look, taken in one go.

httpcore hands over one piece per HTTP chunk, so a server that flushes every event sends a busy stream as
hundreds of tiny pieces per socket read. Parsing and delivering each piece alone cost more than httpx's own
work; a reader task collecting them lets the connection parse and deliver a whole burst in one pass.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable
from types import TracebackType


class BurstReader:
    """`async with BurstReader(chunks) as reader:` then `await reader.burst()` until it returns [].

    The pieces stay bounded without explicit backpressure: the reader task only runs while the connection
    is suspended, and each of its steps ends at a socket read (at most 64 KiB with httpcore) or, for a
    compressed body, after one inflation step (at most 64 KiB, inflate.py).
    A read error is raised by `burst()` after the pieces that arrived before it.
    """

    def __init__(self, chunks: AsyncIterable[bytes]) -> None:
        self._chunks = chunks
        self._pieces: list[bytes] = []
        self._waiter: asyncio.Future[None] | None = None
        self._ended = False
        self._error: Exception | None = None
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> BurstReader:
        self._task = asyncio.create_task(self._read_all())
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._task is not None
        if not self._task.done():
            self._task.cancel()
            await asyncio.wait([self._task])  # the body is closed only once its reader has let go of it

    async def burst(self) -> list[bytes]:
        """The pieces received since the last call, waiting for at least one; [] when the body has ended."""
        while not self._pieces:
            if self._ended:
                if self._error is not None:
                    error, self._error = self._error, None
                    raise error
                return []
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        pieces, self._pieces = self._pieces, []
        return pieces

    async def _read_all(self) -> None:
        try:
            async for chunk in self._chunks:
                self._pieces.append(chunk)
                if self._waiter is not None:
                    self._wake()
        except Exception as exc:  # raised to the connection by burst(), in order
            self._error = exc
        finally:
            self._ended = True
            self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)
