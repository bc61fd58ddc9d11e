"""The faults a demo job can inject: transport trouble (drops, statuses, silence) and, for `jobwatch check`,
one misbehaviour per check (headers, framing, ids, buffering, resume rules).

Build them with the classmethods; `JobRuntime` (jobs.py) and `Shaping` (shaping.py) apply them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Literal

ALWAYS = sys.maxsize

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
    "header",
    "gzip",
    "http10",
    "redirect",
    "mixed_endings",
    "bom",
    "retry_field",
    "heartbeat_events",
    "rename_event",
    "corrupt_data",
    "omit_ids",
    "event_id",
    "per_connection_ids",
    "buffered",
    "ignore_last_event_id",
    "skip_on_resume",
    "unknown_id_status",
    "completed_200",
]


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
    name: str = ""
    text: str | None = None

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
        return cls("status", code=code, times=times, retry_after=retry_after, on_connection=on_connection)

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

    # -- one misbehaviour per `jobwatch check` check ---------------------------------------------
    @classmethod
    def header(cls, name: str, value: str | None) -> Fault:
        """Every SSE response sets header `name` to `value` (None: leaves it out)."""
        if not name or any(c in name for c in ":\r\n "):
            raise ValueError(f"invalid header name {name!r}")
        return cls("header", name=name, text=value)

    @classmethod
    def gzip(cls) -> Fault:
        """Every SSE body is gzip-compressed (`Content-Encoding: gzip`), flushed at every write."""
        return cls("gzip")

    @classmethod
    def http10(cls) -> Fault:
        """Every SSE response is HTTP/1.0: that status line, no chunked coding, ended by closing."""
        return cls("http10")

    @classmethod
    def redirect(cls, location: str, code: int = 307, times: int = ALWAYS) -> Fault:
        """The first `times` SSE requests of the job are answered `code` to `location`."""
        if code not in (301, 302, 303, 307, 308):
            raise ValueError(f"not a redirect status: {code}")
        _non_negative("times", times)
        return cls("redirect", code=code, text=location, times=times)

    @classmethod
    def mixed_endings(cls) -> Fault:
        """Every even-numbered event ends its lines with CRLF, the others with the job's ending."""
        return cls("mixed_endings")

    @classmethod
    def bom(cls, after_event: int = 0) -> Fault:
        """A UTF-8 BOM on the wire before event `after_event + 1` (0: the very start of the body)."""
        _non_negative("after_event", after_event)
        return cls("bom", after_event=after_event)

    @classmethod
    def retry_field(cls, value: str | None) -> Fault:
        """The first message's `retry:` line carries `value` as it is (None: no `retry:` line)."""
        if value is not None and ("\r" in value or "\n" in value):
            raise ValueError("the retry value must be one line")
        return cls("retry_field", text=value)

    @classmethod
    def heartbeat_events(cls, event_type: str = "ping") -> Fault:
        """Idle pings go out as `event: <event_type>` events with data `{}` instead of comments."""
        return cls("heartbeat_events", name=event_type)

    @classmethod
    def rename_event(cls, old: str, new: str) -> Fault:
        """Events of type `old` go out with `event: <new>` (e.g. a stray space)."""
        if "\r" in new or "\n" in new:
            raise ValueError("the event type must be one line")
        return cls("rename_event", name=old, text=new)

    @classmethod
    def corrupt_data(cls, after_event: int) -> Fault:
        """Event `after_event + 1` goes out with the first half of its data only (broken JSON)."""
        _non_negative("after_event", after_event)
        return cls("corrupt_data", after_event=after_event)

    @classmethod
    def omit_ids(cls, event_type: str) -> Fault:
        """Events of `event_type` go out without an `id:` line."""
        return cls("omit_ids", name=event_type)

    @classmethod
    def event_id(cls, after_event: int, event_id: str) -> Fault:
        """Event `after_event + 1` goes out with `id: <event_id>` (an id moving back, or repeated)."""
        _non_negative("after_event", after_event)
        if "\r" in event_id or "\n" in event_id:
            raise ValueError("the id must be one line")
        return cls("event_id", after_event=after_event, text=event_id)

    @classmethod
    def per_connection_ids(cls) -> Fault:
        """Ids count from 1 on every connection, whatever the events (NestJS's automatic ids)."""
        return cls("per_connection_ids")

    @classmethod
    def buffered(cls, size: int) -> Fault:
        """A buffering proxy: the body is held back until `size` bytes wait (or the body ends)."""
        if size < 1:
            raise ValueError("size must be >= 1")
        return cls("buffered", size=size)

    @classmethod
    def ignore_last_event_id(cls) -> Fault:
        """Every connection starts over at event 1, whatever Last-Event-ID says."""
        return cls("ignore_last_event_id")

    @classmethod
    def skip_on_resume(cls, count: int) -> Fault:
        """Every resume skips `count` events after the Last-Event-ID (a live-only server)."""
        _non_negative("count", count)
        return cls("skip_on_resume", count=count)

    @classmethod
    def unknown_id_status(cls, code: int) -> Fault:
        """A Last-Event-ID the job never sent is answered `code` instead of starting over."""
        if not 200 <= code <= 599:
            raise ValueError(f"status code must be 200..599, got {code}")
        return cls("unknown_id_status", code=code)

    @classmethod
    def completed_200(cls) -> Fault:
        """Once the job completed, a resume gets 200 and an empty stream instead of 204."""
        return cls("completed_200")
