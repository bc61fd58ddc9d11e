"""Values the engine hands to the layers above: dispatched events and stream status snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


class SSEvent(NamedTuple):
    """One dispatched event, as a browser's EventSource would deliver it.

    A NamedTuple rather than a frozen dataclass: one is built per event, and this is several times cheaper.
    """

    type: str
    """Event type; "message" when the block had no (or an empty) `event:` field."""
    data: str
    """Data lines joined with LF, the one trailing LF removed."""
    last_event_id: str
    """The stream's last event ID at dispatch (WHATWG: persists across events and reconnects)."""
    own_id: str | None = None
    """The `id:` value this block carried itself (None when it had no valid `id:` field)."""


class Cause(StrEnum):
    """What kind of trouble `StreamStatus.last_error` describes, so layers above never parse its text."""

    NETWORK = "network"  # connect, reset, read error, timeout
    HEARTBEAT = "heartbeat"  # the watchdog dropped a silent connection
    ENDED = "ended"  # the server closed a 200 stream
    HTTP = "http"  # a status code other than 200 (retryable or fatal)
    RESPONSE = "response"  # wrong Content-Type or coding, bad redirect, decompression bomb, poll answer
    TLS = "tls"  # certificate verification failed
    URL = "url"  # invalid URL
    JOB_ERROR = "job-error"  # an `error` event of the job
    SKIPPED = "skipped"  # an event over the size bound was skipped
    REQUESTED = "requested"  # the user asked for a reconnect


class StreamState(StrEnum):
    """Life cycle of one job's stream."""

    CONNECTING = "connecting"  # first connection (or a manual reconnect) under way
    OPEN = "open"  # 200 text/event-stream, reading
    RECONNECTING = "reconnecting"  # waiting before, or making, the next attempt
    POLLING = "polling"  # SSE refused (e.g. by a proxy); fetching JSON pages from the job's poll_url
    COMPLETED = "completed"  # completion event, 204, or a clean end with max_retries=0
    FAILED = "failed"  # fatal error (status, content type, TLS, bad URL, job error event)
    GAVE_UP = "gave-up"  # max_retries consecutive reconnection attempts failed
    STOPPED = "stopped"  # cancelled by the user (pause, quit)

    @property
    def is_final(self) -> bool:
        return self in _FINAL


_FINAL = frozenset({StreamState.COMPLETED, StreamState.FAILED, StreamState.GAVE_UP, StreamState.STOPPED})


@dataclass(slots=True, frozen=True)
class StreamStatus:
    """A snapshot of one stream's state and counters, sent on every change."""

    state: StreamState
    attempt: int = 0
    """Failed connection attempts in a row since the last good connection (one that delivered an event)."""
    reconnects: int = 0
    """Total reconnections since the stream started."""
    last_event_id: str = ""
    last_error: str | None = None
    """One line, redacted, naming the cause; kept until the next good connection."""
    cause: Cause | None = None
    """The kind of `last_error` (None when there is none)."""
    retry_ms: int = 3000
    """The server's reconnection time (`retry:`), or the default."""
    delay: float | None = None
    """Seconds until the next attempt while RECONNECTING, else None."""
    events: int = 0
    """Events dispatched since the stream started."""
    status_code: int | None = None
    """HTTP status of the latest response, if any."""
    detail: str | None = None
    """Why a final state was reached when it is not an error, e.g. "server answered 204 No Content"."""
    job_done: bool = False
    """The server ended the job for good (completion event, 204, or recorded so earlier): remember it."""
