"""`jobwatch tail`'s I/O: stdout lines whose cursors move only once written, and a stderr that never raises.

A cursor that moved before its line reached stdout is an event lost on the next run (a closed pipe, a
signal while lines wait in the buffer). So every cursor move rides in the output queue behind the lines
queued before it, and is committed only when the bytes of those lines were written.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import select
import stat
import sys
from collections.abc import Callable, Sequence
from typing import IO

from jobwatch.stream.events import SSEvent

Commit = Callable[[str, str, bool, Sequence[SSEvent]], None]
"""(url, last event id, completed, the events written up to that cursor, or () for a move without one)."""
"""Where written cursors go: (url, last event id, completed)."""


class Interrupted(Exception):
    """Raised by tail's signal handler while stdout takes no bytes (a reader that stopped reading)."""


_Pending = tuple[str, str, str, bool, Sequence[SSEvent]]
"""(text, url, last event id, completed, events): one line of text per event, in order; a cursor move
without a line has no text and no events. A plain tuple: one is queued per event batch."""


def stream_writer(stream: IO[bytes]) -> tuple[Callable[[bytes | memoryview], int], int | None]:
    """A function writing to `stream` that returns how many bytes it wrote, and the stream's file
    descriptor if it has one. A descriptor is written with os.write, so a partial write is known exactly."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        fd = None
    if fd is not None:
        stream.flush()
        return lambda data: os.write(fd, data), fd

    def write_stream(data: bytes | memoryview) -> int:
        written = stream.write(data)
        stream.flush()
        return len(data) if written is None else written

    return write_stream, None


class CommittingOutput:
    """Buffers lines for at most `interval` seconds (or until `limit` characters wait), then writes them in
    one go and commits the cursor moves queued with them. Of a partly written batch only the lines written
    whole commit. Once stdout is closed (EPIPE) or fails, nothing is written or committed again."""

    def __init__(
        self,
        write: Callable[[bytes | memoryview], int],
        fd: int | None,
        commit: Commit,
        on_closed: Callable[[OSError | None], None],
        interval: float = 0.02,
        limit: int = 1 << 16,
    ) -> None:
        self._write = write
        self._commit = commit
        self._on_closed = on_closed
        self._interval = interval
        self._limit = limit
        self._pending: list[_Pending] = []
        self._size = 0
        self._timer: asyncio.TimerHandle | None = None
        self.closed = False
        self.broken = False
        """Closed because stdout is gone or failing (not because the run was stopped)."""
        self.stopping = False
        """Set by tail's signal handler: write nothing more."""
        self.waiting = False
        """True only while waiting for stdout to take bytes: the signal handler may then raise Interrupted."""
        self._poller: select.poll | None = None
        if fd is not None:
            self._poller = select.poll()
            self._poller.register(fd, select.POLLOUT)

    def add(self, text: str, url: str, events: Sequence[SSEvent]) -> None:
        """Queue one line per event (all in `text`); the cursor moves to the last event's once written."""
        if self.closed:
            return
        self._pending.append((text, url, events[-1].last_event_id, False, events))
        self._size += len(text)
        if self._size >= self._limit:
            self.flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._interval, self.flush)

    def move(self, url: str, last_event_id: str, completed: bool) -> None:
        """A cursor move without a line of its own: committed once the lines queued before it are written."""
        if self.closed:
            return
        if self._pending:
            self._pending.append(("", url, last_event_id, completed, ()))
        else:
            self._commit(url, last_event_id, completed, ())

    def flush(self) -> None:
        """Write everything queued and commit what was written."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        pending, self._pending, self._size = self._pending, [], 0
        if self.closed or not pending:
            return
        data = "".join([item[0] for item in pending]).encode("utf-8", "replace")
        written, failure = self._write_all(data)
        if written == len(data):
            latest = {item[1]: item for item in pending}  # the last move of each source decides its cursor
            for _, url, last_event_id, completed, events in latest.values():
                self._commit(url, last_event_id, completed, events)
        else:
            self._commit_written(pending, written)
        if isinstance(failure, Interrupted):
            self.close(broken=False)
        elif failure is not None:
            self.close(failure if isinstance(failure, OSError) and not _closed(failure) else None)

    def close(self, error: OSError | None = None, *, broken: bool = True) -> None:
        """Stop for good: pending lines are dropped, their cursors not moved. `broken`: stdout is closed
        (error None) or failing (`error`), which `on_closed` hears about; else the run is being stopped."""
        if self.closed:
            return
        self.closed = True
        self.broken = broken
        self._pending.clear()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if broken:
            self._on_closed(error)

    def _write_all(self, data: bytes) -> tuple[int, BaseException | None]:
        """Bytes of `data` written before it was all written or the write failed, and the failure.

        Each write waits first until the descriptor takes bytes, so the write itself always makes progress
        and a signal makes it return what it wrote; only the wait, where nothing is written, may be left
        by Interrupted, so the count stays exact."""
        view, done = memoryview(data), 0
        while done < len(data):
            if self.stopping:
                return done, Interrupted()
            try:
                self._wait_writable()
                done += self._write(data if not done else view[done:])
            except BlockingIOError:  # stdout made non-blocking by someone else: wait again
                continue
            except (OSError, ValueError, Interrupted) as exc:  # ValueError: the file object was closed
                return done, exc
        return done, None

    def _wait_writable(self) -> None:
        if self._poller is None:
            return
        try:
            self.waiting = True
            self._poller.poll()
        finally:
            self.waiting = False

    def _commit_written(self, pending: list[_Pending], written: int) -> None:
        """Commit the queued moves whose lines lie wholly within the first `written` bytes."""
        offset = 0
        for text, url, last_event_id, completed, events in pending:
            size = len(text.encode("utf-8", "replace"))
            if offset + size <= written:
                self._commit(url, last_event_id, completed, events)
                offset += size
                continue
            whole = 0
            for line in text.split("\n")[: len(events)]:
                offset += len(line.encode("utf-8", "replace")) + 1
                if offset > written:
                    break
                whole += 1
            if whole:
                self._commit(url, events[whole - 1].last_event_id, False, events[:whole])
            return


def _closed(error: BaseException) -> bool:
    """True when `error` means the reader is gone (EPIPE and the like), not that writing failed."""
    return isinstance(error, BrokenPipeError | ConnectionResetError | ValueError)


def watch_reader_gone(fd: int | None, gone: Callable[[], None]) -> Callable[[], None]:
    """When `fd` is the write end of a pipe, call `gone` as soon as its reader closes it (also while no
    event arrives, so `tail | head` exits at once). Returns the function that stops watching."""
    if fd is None:
        return lambda: None
    try:
        is_pipe = stat.S_ISFIFO(os.fstat(fd).st_mode)
    except OSError:
        return lambda: None
    if not is_pipe:
        return lambda: None
    loop = asyncio.get_running_loop()

    def check() -> None:
        poller = select.poll()
        poller.register(fd, 0)  # POLLERR / POLLHUP are always reported
        if any(mask & (select.POLLERR | select.POLLHUP) for _, mask in poller.poll(0)):
            stop()
            gone()
        else:  # a pipe's write end polls readable only once its reader is gone; never spin on anything else
            stop()

    def stop() -> None:
        with contextlib.suppress(Exception):
            loop.remove_reader(fd)

    try:
        loop.add_reader(fd, check)
    except (OSError, ValueError, NotImplementedError):
        return lambda: None
    return stop


class SafeStderr:
    """Writes lines to stderr and never raises: once stderr is closed or broken, lines are dropped, and the
    real stderr is pointed at /dev/null so Python's own flush at exit cannot fail (exit status 120)."""

    def __init__(self, stream: IO[str] | None) -> None:
        self._stream = stream

    def write(self, text: str) -> None:
        stream = self._stream
        if stream is None:
            return
        try:
            stream.write(text)
            stream.flush()
        except (OSError, ValueError):
            self._stream = None
            if stream is sys.stderr:
                _point_at_devnull(stream)

    def flush(self) -> None:
        """Writes are flushed as they happen; here for file-like callers."""


def _point_at_devnull(stream: IO[str]) -> None:
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        fd = stream.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, fd)
        finally:
            os.close(null)
