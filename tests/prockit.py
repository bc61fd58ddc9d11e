"""Helpers for tests of the real `jobwatch` process: servers on an event loop in a background thread (the
DemoServer, or an SSE endpoint the test feeds by hand), and reading the state file."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from jobwatch.demo import DemoServer
from jobwatch.stream.cursor import url_key

JOBWATCH = [sys.executable, "-m", "jobwatch"]
T = TypeVar("T")


class LoopThread:
    """An asyncio loop running in a daemon thread; `run` executes a coroutine there and waits for it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 20) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


@contextmanager
def demo_server(server: DemoServer) -> Iterator[DemoServer]:
    """`server` started on a background loop for the duration of the block."""
    thread = LoopThread()
    try:
        thread.run(server.start())
        yield server
        thread.run(server.stop())
    finally:
        thread.close()


class FedStream:
    """An SSE endpoint on 127.0.0.1 whose bodies the test writes: `send` bytes, `end` to close a body.

    The n-th request gets a 200 `text/event-stream` response fed with what was sent after the (n-1)-th
    `end`, so the test decides exactly when each event leaves the server (no timing in the scenario)."""

    def __init__(self, thread: LoopThread) -> None:
        self._thread = thread
        self._feeds: list[asyncio.Queue[bytes | None]] = []
        self._handlers: set[asyncio.Task[None]] = set()
        self.request_heads: list[bytes] = []
        self._server: asyncio.Server | None = None
        self.url = ""

    async def start(self) -> None:
        self._feeds.append(asyncio.Queue())
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/events"

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in self._handlers:
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)

    def send(self, data: bytes) -> None:
        self._thread.loop.call_soon_threadsafe(lambda: self._feeds[-1].put_nowait(data))

    def end(self) -> None:
        """Close the body being fed once what was sent is written; later sends feed the next request."""
        self._thread.loop.call_soon_threadsafe(self._end)

    def _end(self) -> None:
        self._feeds[-1].put_nowait(None)
        self._feeds.append(asyncio.Queue())

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        if len(self.request_heads) >= len(self._feeds):
            self._feeds.append(asyncio.Queue())
        index = len(self.request_heads)
        feed = self._feeds[index]
        self.request_heads.append(b"")
        self.request_heads[index] = await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
            b"Connection: close\r\n\r\n"
        )
        try:
            while (data := await feed.get()) is not None:
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        writer.close()


@contextmanager
def fed_stream() -> Iterator[FedStream]:
    """A started FedStream for the duration of the block."""
    thread = LoopThread()
    stream = FedStream(thread)
    try:
        thread.run(stream.start())
        yield stream
        stream.end()
        thread.run(stream.stop())
    finally:
        thread.close()


@contextmanager
def process(args: list[str], **options: Any) -> Iterator[subprocess.Popen[bytes]]:
    """`subprocess.Popen(args, **options)`, killed at the end of the block if still running."""
    proc = subprocess.Popen(args, **options)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def events(first: int, last: int) -> bytes:
    """SSE events with ids first..last (inclusive), data `line <id>`."""
    return b"".join(b"id: %d\ndata: line %d\n\n" % (n, n) for n in range(first, last + 1))


def saved_entry(state: Path, url: str) -> dict[str, Any]:
    """The state file's entry for `url` ({} when there is none)."""
    return json.loads(state.read_text())["cursors"].get(url_key(url), {})
