"""Small pure building blocks of the job model: the display state word, event records, the per-second
rate counter and job-status parsing. No Textual, no I/O."""

from __future__ import annotations

import json
from collections import deque
from enum import StrEnum
from typing import NamedTuple, Protocol


class JobState(StrEnum):
    """The word the dashboard shows for a job (design §4), derived from its stream and the clock."""

    CONNECTING = "connecting"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    STALE = "stale"
    POLLING = "polling"
    COMPLETED = "completed"
    FAILED = "failed"
    PAUSED = "paused"


STATE_ORDER: tuple[JobState, ...] = (
    JobState.FAILED,
    JobState.RECONNECTING,
    JobState.STALE,
    JobState.POLLING,
    JobState.CONNECTING,
    JobState.LIVE,
    JobState.PAUSED,
    JobState.COMPLETED,
)
"""Most urgent first: the summary bar and sorting use this order."""


class EventRecord(NamedTuple):
    """One received event (or notice) as the views need it: sequence number, receive times, type, data, id.

    A NamedTuple of atomic values, so the garbage collector stops tracking it: thousands are buffered
    per job, and tracked records made full collections (and UI stalls) grow with the buffers.
    """

    seq: int
    at: float
    """Clock time (injected, monotonic) when it arrived."""
    wall: float
    """Wall-clock time (epoch seconds) when it arrived, for timestamps and export."""
    type: str
    data: str
    """The event's data; for a notice, its message (one line, not yet escaped)."""
    id: str
    notice: bool = False
    """Not an event: something the stream told the user (an event skipped over the size bound, a job
    `error` event), kept in order with the events so the views show it where it happened."""


class CursorSink(Protocol):
    """The part of the cursor store the model uses: remember a job URL's last event id, and that the
    server ended the job for good (`completed`)."""

    def set(
        self, url: str, event_id: str, *, completed: bool = False, fingerprint: str | None = None
    ) -> None: ...


class RateCounter:
    """Counts events per whole second over a sliding window, for the events/s sparkline."""

    __slots__ = ("_counts", "_last_second", "window")

    def __init__(self, window: int = 30) -> None:
        self.window = window
        self._counts: deque[int] = deque([0] * window, maxlen=window)
        self._last_second: int | None = None

    def _advance(self, now: float) -> None:
        second = int(now)
        if self._last_second is None:
            self._last_second = second
            return
        gap = second - self._last_second
        if gap > 0:
            self._counts.extend([0] * min(gap, self.window))
            self._last_second = second

    def add(self, now: float, n: int = 1) -> None:
        self._advance(now)
        self._counts[-1] += n

    def series(self, now: float) -> list[int]:
        """Counts per second, oldest first; the last item is the current (partial) second."""
        self._advance(now)
        return list(self._counts)

    def rate(self, now: float, seconds: int = 5) -> float:
        """Mean events/s over the last `seconds` whole seconds (the current partial one excluded)."""
        counts = self.series(now)[-seconds - 1 : -1]
        return sum(counts) / len(counts) if counts else 0.0


def parse_job_status(data: str) -> str | None:
    """The job's own status when `data` is a JSON object with a "status" key, else None."""
    stripped = data.lstrip()
    if not stripped.startswith("{") or '"status"' not in stripped:
        return None
    try:
        value = json.loads(stripped)
    except ValueError:
        return None
    if not isinstance(value, dict) or "status" not in value:
        return None
    status = value["status"]
    if status is None or isinstance(status, dict | list):
        return None
    return str(status)
