"""Inputs of the demo server: scripted jobs, their faults, raw responses; and recorded requests.

Plain dataclasses so tests can describe an exact scenario in one expression.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from jobwatch.demo.faults import Fault, FaultKind

__all__ = ["HUGE_CHUNK", "Fault", "FaultKind", "JobScript", "LineEnding", "RawResponse", "RecordedRequest"]

LineEnding = Literal["\n", "\r\n", "\r"]
HUGE_CHUNK = 1 << 20


def _non_negative(name: str, value: float) -> None:
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")


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
