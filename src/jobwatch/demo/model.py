"""Inputs of the demo server: scripted jobs, their faults, raw responses; and recorded requests.

Plain dataclasses so tests can describe an exact scenario in one expression.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

FaultKind = Literal[
    "drop",
    "random_drops",
    "status",
    "silence",
    "slow",
    "burst",
    "replay",
    "inclusive_resume",
    "fail_job",
    "huge_line",
]
LineEnding = Literal["\n", "\r\n", "\r"]
HUGE_CHUNK = 1 << 20


def _non_negative(name: str, value: float) -> None:
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")


@dataclass(frozen=True, slots=True)
class Fault:
    """One injected misbehaviour of a job's stream; build it with the classmethods, not directly.

    Events are counted by id: `after_event=k` means "once event k was sent" (0: before event 1).
    """

    kind: FaultKind
    after_event: int = 0
    offset: int | None = None
    count: int = 0
    code: int = 0
    times: int = 1
    retry_after: str | None = None
    on_connection: int = 0
    seconds: float = 0.0
    bytes_per_write: int = 1
    delay: float = 0.0
    message: str = ""
    size: int = 0

    @classmethod
    def drop(cls, after_event: int, offset: int | None = None) -> Fault:
        """Once: abort the TCP connection after `offset` bytes of event `after_event + 1` as written
        (a connection's first message includes its `retry:` line; None = a seeded random offset
        strictly inside the message; an offset past its end sends it whole, then aborts)."""
        _non_negative("after_event", after_event)
        if offset is not None:
            _non_negative("offset", offset)
        return cls("drop", after_event=after_event, offset=offset)

    @classmethod
    def random_drops(cls, count: int) -> Fault:
        """`count` drops at seeded random events and offsets, each at a different point."""
        _non_negative("count", count)
        return cls("random_drops", count=count)

    @classmethod
    def status(
        cls, code: int, times: int = 1, retry_after: str | None = None, on_connection: int = 0
    ) -> Fault:
        """Connections on_connection .. on_connection+times-1 (0-based, per job) get `code`."""
        if not 200 <= code <= 599:
            raise ValueError(f"status code must be 200..599, got {code}")
        _non_negative("times", times)
        _non_negative("on_connection", on_connection)
        return cls(
            "status", code=code, times=times, retry_after=retry_after, on_connection=on_connection
        )

    @classmethod
    def silence(cls, after_event: int, seconds: float) -> Fault:
        """Once: after event `after_event`, send no byte (no ping) for `seconds`, then go on."""
        _non_negative("after_event", after_event)
        _non_negative("seconds", seconds)
        return cls("silence", after_event=after_event, seconds=seconds)

    @classmethod
    def slow(cls, bytes_per_write: int = 1, delay: float = 0.01) -> Fault:
        """Every connection of the job trickles its body: `bytes_per_write` bytes per `delay`."""
        if bytes_per_write < 1:
            raise ValueError("bytes_per_write must be >= 1")
        _non_negative("delay", delay)
        return cls("slow", bytes_per_write=bytes_per_write, delay=delay)

    @classmethod
    def burst(cls, after_event: int, count: int) -> Fault:
        """Once: the `count` events after event `after_event` go out back-to-back in one write."""
        _non_negative("after_event", after_event)
        _non_negative("count", count)
        return cls("burst", after_event=after_event, count=count)

    @classmethod
    def replay(cls, after_event: int, count: int) -> Fault:
        """Once: the first resume whose Last-Event-ID is >= `after_event` starts `count` events
        early, re-sending events up to and including the cursor (a sloppy, inclusive resume)."""
        _non_negative("after_event", after_event)
        _non_negative("count", count)
        return cls("replay", after_event=after_event, count=count)

    @classmethod
    def inclusive_resume(cls) -> Fault:
        """Every resume first re-sends the event whose id equals the Last-Event-ID."""
        return cls("inclusive_resume")

    @classmethod
    def fail_job(cls, after_event: int, message: str) -> Fault:
        """Once: after event `after_event`, send an id-less `error` event
        {"message": ..., "retryable": false} and end the response cleanly."""
        _non_negative("after_event", after_event)
        return cls("fail_job", after_event=after_event, message=message)

    @classmethod
    def huge_line(cls, after_event: int, size: int) -> Fault:
        """Once: after event `after_event`, send a `data:` line of `size` bytes (the same 1 MiB block
        written again and again, so the server never holds it whole), then a blank line, then go on."""
        _non_negative("after_event", after_event)
        _non_negative("size", size)
        return cls("huge_line", after_event=after_event, size=size)


@dataclass
class JobScript:
    """One scripted job: its fixed event sequence (given or generated), pacing and faults.

    Events get ids "1".."N" in order; with `complete`, a last `complete` event
    {"status": final_status} gets id N+1 and the response ends cleanly. Without it the stream idles
    (pings) after event N.
    """

    id: str
    name: str = ""
    events: Sequence[tuple[str, str]] | None = None
    count: int = 20
    interval: float = 0.5
    retry_ms: int = 3000
    complete: bool = True
    final_status: str = "succeeded"
    faults: Sequence[Fault] = ()
    bulk: bool = False
    """Write events in ~64 KiB batches with no per-event drain; `interval` is then ignored."""
    payload_bytes: int | None = None
    """Generated jobs only: every event between the status events is a log line this size."""
    line_ending: LineEnding = "\n"
    """What ends every line on the wire (LF, CRLF or CR); fault offsets count the bytes as sent."""

    def __post_init__(self) -> None:
        if not self.id or "/" in self.id:
            raise ValueError(f"job id must be non-empty and contain no '/': {self.id!r}")
        if not self.name:
            self.name = self.id
        _non_negative("count", self.count)
        _non_negative("interval", self.interval)
        _non_negative("retry_ms", self.retry_ms)
        if self.line_ending not in ("\n", "\r\n", "\r"):
            raise ValueError(f"line_ending must be LF, CRLF or CR, got {self.line_ending!r}")
        for event_type, _ in self.events or ():
            if "\r" in event_type or "\n" in event_type:
                raise ValueError(f"event type must be one line: {event_type!r}")


@dataclass
class RawResponse:
    """An exact response for `/raw/<name>`: status, headers, body chunks and pauses, an ending."""

    status: int = 200
    headers: Sequence[tuple[str, str]] = (("Content-Type", "text/event-stream"),)
    body: Sequence[bytes | float] = ()
    """bytes are written and flushed as one chunk each; a float is a pause in seconds."""
    end: Literal["close", "abort", "hang"] = "close"
    """close: finish the body cleanly; abort: drop the TCP connection; hang: stay open, silent."""

    def __post_init__(self) -> None:
        if not 200 <= self.status <= 599:
            raise ValueError(f"status must be 200..599, got {self.status}")
        if self.end not in ("close", "abort", "hang"):
            raise ValueError(f"end must be close, abort or hang, got {self.end!r}")
        if self.status in (204, 304) and any(isinstance(b, bytes) and b for b in self.body):
            raise ValueError(f"a {self.status} response cannot have a body")


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request the server received, as it arrived (path still percent-encoded)."""

    method: str
    path: str
    query: str
    headers: dict[str, str] = field(default_factory=dict)
    """Lower-case names; repeated headers joined with ", "."""
    at: float = 0.0
    """time.monotonic() when the request was complete."""
