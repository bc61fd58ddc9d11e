"""`jobwatch tail`: run many streams headless, one line per event on stdout, state lines on stderr."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections.abc import Callable, Sequence
from json.encoder import encode_basestring_ascii as _quote
from typing import IO

from jobwatch.clocktext import clock_time
from jobwatch.stream.client import JobStream, make_client
from jobwatch.stream.cursor import CursorStore
from jobwatch.stream.events import SSEvent, StreamState, StreamStatus
from jobwatch.stream.observer import StreamObserver
from jobwatch.stream.spec import StreamSpec
from jobwatch.textsafe import sanitize

EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 130


class _Output:
    """Buffers lines and writes them at most every `interval` seconds (or once 64 KiB are waiting), so a
    flood costs one write per batch instead of one per event; a person never notices 20 ms."""

    def __init__(self, stream: IO[bytes], interval: float = 0.02, limit: int = 1 << 16) -> None:
        self._stream = stream
        self._interval = interval
        self._limit = limit
        self._lines: list[str] = []
        self._size = 0
        self._timer: asyncio.TimerHandle | None = None
        self.broken = False

    def add(self, text: str) -> None:
        self._lines.append(text)
        self._size += len(text)
        if self._size >= self._limit:
            self.flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._interval, self.flush)

    def flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._lines:
            return
        data = "".join(self._lines).encode("utf-8", "replace")
        self._lines.clear()
        self._size = 0
        if self.broken:
            return
        try:
            self._stream.write(data)
            self._stream.flush()
        except BrokenPipeError:
            self.broken = True


def text_line(job: str, event: SSEvent, stamp: str) -> str:
    """`HH:MM:SS.mmm  <job>  <event-type>  <data>` with every control character shown escaped."""
    return f"{stamp}  {sanitize(job)}  {sanitize(event.type)}  {sanitize(event.data)}\n"


def jsonl_line(job: str, event: SSEvent) -> str:
    """One JSON object per event; ASCII-only, so no byte of a payload can reach a terminal raw."""
    return _jsonl(_quote(job), event)


def _jsonl(quoted_job: str, event: SSEvent) -> str:
    q = _quote
    return (
        f'{{"job": {quoted_job}, "id": {q(event.last_event_id)}, '
        f'"event": {q(event.type)}, "data": {q(event.data)}}}\n'
    )


def state_line(job: str, status: StreamStatus) -> str | None:
    """The stderr line for a status change, or None when nothing a user needs to read changed."""
    state = status.state
    error = f": {status.last_error}" if status.last_error else ""
    if state is StreamState.RECONNECTING and status.delay is not None:
        text = f"reconnecting in {status.delay:.1f}s (attempt {status.attempt + 1}){error}"
    elif state is StreamState.POLLING:
        text = "polling" + (f" ({status.last_error})" if status.last_error else "")
    elif state is StreamState.FAILED:
        text = f"failed{error}"
    elif state is StreamState.GAVE_UP:
        plural = "s" if status.attempt != 1 else ""
        text = f"gave up after {status.attempt} failed connection{plural}{error}"
    elif state is StreamState.COMPLETED:
        text = f"completed ({status.detail})" if status.detail else "completed"
    elif state in (StreamState.CONNECTING, StreamState.OPEN, StreamState.STOPPED):
        text = "open" if state is StreamState.OPEN else state.value
    else:
        return None
    return f"jobwatch: {sanitize(job)}: {sanitize(text)}\n"


class TailPrinter(StreamObserver):
    """Formats events to stdout and state changes to stderr, and keeps the cursors up to date."""

    def __init__(
        self,
        specs: Sequence[StreamSpec],
        fmt: str,
        out: _Output,
        err: IO[str],
        cursors: CursorStore,
        wallclock: Callable[[], float] = time.time,
    ) -> None:
        self._urls = {spec.name: spec.url for spec in specs}
        self._out = out
        self._err = err
        self._cursors = cursors
        self._jsonl = fmt == "jsonl"
        self._wallclock = wallclock
        self._shown: dict[str, tuple[StreamState, float | None]] = {}
        self.final: dict[str, StreamState] = {}
        self._quoted: dict[str, str] = {}

    def on_events(self, job: str, events: list[SSEvent]) -> None:
        if self._jsonl:
            quoted = self._quoted.get(job) or self._quoted.setdefault(job, _quote(job))
            if len(events) == 1:
                self._out.add(_jsonl(quoted, events[0]))
            else:
                self._out.add("".join([_jsonl(quoted, event) for event in events]))
        else:
            stamp = clock_time(self._wallclock())
            self._out.add("".join([text_line(job, event, stamp) for event in events]))
        self._cursors.set(self._urls[job], events[-1].last_event_id)

    def on_status(self, job: str, status: StreamStatus) -> None:
        self._cursors.set(self._urls[job], status.last_event_id)
        if status.state.is_final:
            self.final[job] = status.state
        key = (status.state, status.delay)
        if self._shown.get(job) == key:
            return
        self._shown[job] = key
        line = state_line(job, status)
        if line is not None:
            self._out.flush()  # keep stdout and stderr in the order things happened
            self._err.write(line)
            self._err.flush()


async def run_tail(
    specs: Sequence[StreamSpec],
    *,
    fmt: str = "text",
    cursors: CursorStore,
    redactor: Callable[[str], str] = str,
    verify: bool | str = True,
    stdout: IO[bytes] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run every stream concurrently until each has ended; returns the exit code (design §2)."""
    out = _Output(stdout or sys.stdout.buffer)
    printer = TailPrinter(specs, fmt, out, stderr or sys.stderr, cursors)
    loop = asyncio.get_running_loop()
    interrupted = asyncio.Event()
    async with make_client(verify) as client:
        streams = [JobStream(s, printer, client=client, redactor=redactor) for s in specs]
        tasks = [asyncio.create_task(s.run(), name=s.spec.name) for s in streams]
        everything = asyncio.gather(*tasks, return_exceptions=True)

        def interrupt() -> None:
            interrupted.set()
            for task in tasks:
                task.cancel()

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, interrupt)
        ticker = loop.create_task(_flush_cursors_periodically(cursors))
        try:
            results = await everything
        finally:
            ticker.cancel()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
            out.flush()
            cursors.flush()
    if interrupted.is_set():
        return EXIT_INTERRUPTED
    for spec, result in zip(specs, results, strict=True):
        if isinstance(result, Exception):  # a bug, not a stream outcome: one line, no traceback
            printer.final[spec.name] = StreamState.FAILED
            cause = redactor(f"{type(result).__name__}: {result}")
            line = f"jobwatch: {sanitize(spec.name)}: internal error: {sanitize(cause)}\n"
            (stderr or sys.stderr).write(line)
    failed = {StreamState.FAILED, StreamState.GAVE_UP}
    return EXIT_FAILED if any(state in failed for state in printer.final.values()) else EXIT_OK


async def _flush_cursors_periodically(cursors: CursorStore, every: float = 1.0) -> None:
    while True:
        await asyncio.sleep(every)
        cursors.maybe_flush()
