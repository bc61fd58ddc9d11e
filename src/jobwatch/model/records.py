"""What the views read about a job: its display state word, its event records and the job status an
event may carry. Pure values, no Textual, no I/O."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import NamedTuple


class JobState(StrEnum):
    """The word the dashboard shows for a job, derived from its stream and the clock."""

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
    alert: str = ""
    """The name of the first alert rule this event matched (`model/alerts.py`), or "" for none."""


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
