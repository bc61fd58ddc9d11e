"""Records one GET of the endpoint as jobwatch makes it: redirects, the response head, every piece of
body with its arrival time, and the events it dispatched.

Read-only (only GET) and bounded: by time (connecting included), by events and by bytes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import httpx

from jobwatch.stream.errors import StreamError
from jobwatch.stream.events import SSEvent
from jobwatch.stream.http import (
    REDIRECT_STATUS,
    check_redirect,
    classify_transport_error,
    redirect_target,
    request_headers,
    same_origin,
)
from jobwatch.stream.parser import SSEParser

MAX_REDIRECTS = 10
MAX_BODY = 16 << 20
"""Bytes a connection may record; a flood stops the recording instead of eating memory."""
PREVIEW = 2048
"""Bytes kept of a response that is not 200 (shown as evidence)."""

Clock = Callable[[], float]
"""Seconds since the request started."""


@dataclass(frozen=True)
class Hop:
    """One redirect followed: its status, the URL asked and where it pointed."""

    status: int
    url: str
    location: str
    same_origin: bool


@dataclass(frozen=True)
class Seen:
    """A dispatched event, the index of the body piece that completed it and when (seconds from the GET)."""

    event: SSEvent
    piece: int
    at: float


@dataclass
class Recording:
    """Everything one connection showed. Times are seconds since its request started."""

    purpose: str
    last_event_id: str | None
    url: str
    hops: list[Hop] = field(default_factory=list)
    status: int | None = None
    reason: str = ""
    http_version: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    opened_at: float | None = None
    pieces: list[tuple[float, bytes]] = field(default_factory=list)
    events: list[Seen] = field(default_factory=list)
    retry: int | None = None
    cursor: str = ""
    """The last event ID the connection committed (what a client would send on its next reconnect)."""
    end: str = "closed"
    """closed (by the server), time, events, size (limits reached), or error."""
    error: str | None = None
    ended_at: float = 0.0

    @property
    def body(self) -> bytes:
        return b"".join(piece for _, piece in self.pieces)

    @property
    def streamed(self) -> bool:
        """Whether the response was a 200 whose body was read as a stream."""
        return self.status == 200

    def header(self, name: str) -> str | None:
        """The header's values joined with ", " (None when absent); names compare case-insensitively."""
        values = [value for key, value in self.headers if key.lower() == name.lower()]
        return ", ".join(values) if values else None


async def record(
    client: httpx.AsyncClient,
    url: str,
    user_headers: Mapping[str, str],
    *,
    purpose: str,
    last_event_id: str | None = None,
    seconds: float,
    max_events: int,
    insecure: bool = False,
) -> Recording:
    """GET `url` (following redirects as jobwatch does) and record it for `seconds` or `max_events`."""
    rec = Recording(purpose, last_event_id, url, cursor=last_event_id or "")
    clock = asyncio.get_running_loop().time
    start = clock()
    try:
        async with asyncio.timeout(seconds):
            await _exchange(client, rec, user_headers, insecure, lambda: clock() - start, max_events)
    except TimeoutError:
        rec.end = "time"
        if rec.status is None:
            rec.end, rec.error = "error", f"no response within {seconds:g} s"
    except StreamError as exc:
        rec.end, rec.error = "error", str(exc)
    except httpx.HTTPError as exc:
        rec.end, rec.error = "error", str(classify_transport_error(exc))
    rec.ended_at = clock() - start
    return rec


async def _exchange(
    client: httpx.AsyncClient,
    rec: Recording,
    user_headers: Mapping[str, str],
    insecure: bool,
    now: Clock,
    max_events: int,
) -> None:
    """Follow redirects as jobwatch does (user headers only within the origin), then read."""
    url = httpx.URL(rec.url)
    cursor = rec.last_event_id or ""
    carry = True
    for _ in range(MAX_REDIRECTS + 1):
        headers = request_headers(user_headers if carry else {}, cursor)
        async with client.stream("GET", url, headers=headers) as response:
            if response.status_code in REDIRECT_STATUS:
                target = redirect_target(response)
                rec.hops.append(Hop(response.status_code, str(url), str(target), same_origin(url, target)))
                check_redirect(url, target, insecure=insecure)
                carry = carry and same_origin(url, target)
                url = target
                continue
            rec.url = str(url)
            rec.opened_at = now()
            rec.status, rec.reason = response.status_code, response.reason_phrase
            rec.http_version = response.http_version
            rec.headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw]
            if response.status_code == 200:
                await _read_stream(response, rec, now, max_events)
            else:
                await _read_preview(response, rec, now)
            return
    raise StreamError(f"more than {MAX_REDIRECTS} redirects")


async def _read_stream(response: httpx.Response, rec: Recording, now: Clock, max_events: int) -> None:
    """Parse the body as it arrives, recording each piece and the events it completes."""
    parser = SSEParser(rec.last_event_id or "")
    size = 0
    async for piece in response.aiter_bytes():
        at = now()
        rec.pieces.append((at, piece))
        size += len(piece)
        index = len(rec.pieces) - 1
        rec.events += [Seen(event, index, at) for event in parser.feed(piece)]
        rec.retry, rec.cursor = parser.retry, parser.last_event_id
        if len(rec.events) >= max_events:
            rec.end = "events"
            return
        if size >= MAX_BODY:
            rec.end = "size"
            return
    rec.end = "closed"


async def _read_preview(response: httpx.Response, rec: Recording, now: Clock) -> None:
    """Keep the start of a body that is not a stream, for the evidence."""
    size = 0
    async for piece in response.aiter_bytes():
        rec.pieces.append((now(), piece[: PREVIEW - size]))
        size += len(piece)
        if size >= PREVIEW:
            break
    rec.end = "closed"
