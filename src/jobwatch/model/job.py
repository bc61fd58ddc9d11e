"""One job's dashboard state: latest stream status, heartbeat, bounded recent events, rate, view flags.

Pure (no Textual, no I/O); the clock is injected so the derived state word is testable.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from jobwatch.model.rate import RateCounter
from jobwatch.model.records import EventRecord, JobState, parse_job_status
from jobwatch.stream.events import Cause, SSEvent, StreamState, StreamStatus
from jobwatch.stream.replay import cursor_fingerprint
from jobwatch.stream.spec import StreamSpec

Clock = Callable[[], float]

DEFAULT_CAP = 2000
DEFAULT_BYTE_BUDGET = 4 << 20

STALE_FLOOR = 0.5
"""Stale never comes sooner than this fraction of the heartbeat timeout..."""
STALE_CAP = 0.95
"""...and always a little before the watchdog drops the connection."""
SILENCE_MARGIN = 1.5
"""A silence this many times the longest recent one between bytes is unusual for that server."""
LONG_SILENCE = 0.25
"""Silences above this fraction of the timeout are remembered (shorter ones cannot raise the threshold)."""
RECENT_SILENCES = 8


class CursorSink(Protocol):
    """The part of the cursor store the model uses: remember a job URL's last event id, and that the
    server ended the job for good (`completed`)."""

    def set(
        self, url: str, event_id: str, *, completed: bool = False, fingerprint: str | None = None
    ) -> None: ...


class JobModel:
    """One job: its latest stream status, heartbeat, bounded recent events, rate and view flags."""

    def __init__(
        self,
        spec: StreamSpec,
        *,
        clock: Clock,
        wall_clock: Clock = time.time,
        cap: int = DEFAULT_CAP,
        byte_budget: int = DEFAULT_BYTE_BUDGET,
        cursor_sink: CursorSink | None = None,
    ) -> None:
        self.spec = spec
        self.clock = clock
        self.wall_clock = wall_clock
        self.cap = cap
        self.byte_budget = byte_budget
        self.cursor_sink = cursor_sink
        self.status = _initial_status(spec)
        self._cursor = spec.last_event_id
        self.events: deque[EventRecord] = deque()
        self._bytes = 0
        self.seq = 0
        """Events and notices recorded so far; a view that has shown up to `seq` asks `events_since(seq)`."""
        self.received = 0
        """Events received so far."""
        self.rate = RateCounter()
        self.job_status: str | None = None
        self.last_byte_at: float | None = None
        self.opened_at: float | None = None
        self._silences: deque[float] = deque(maxlen=RECENT_SILENCES)
        """The longest recent silences between bytes of one connection (ping intervals, pauses)."""
        self._steady = False
        """Bytes kept coming on one connection for at least `STALE_CAP` of the timeout: its pace is known."""
        self.paused = False
        """The user paused the job: its stream is stopped until resumed."""
        self.follow = True
        """Views follow new events; when False they hold still and `unseen` counts arrivals."""
        self.unseen = 0
        self.reconnects_before = 0
        """Reconnects counted by earlier streams of this job (before a pause or restart)."""
        self.generation = 0
        """Bumped for every new stream of this job; reports from older streams are ignored."""
        self.alerts = 0
        """Events and state changes of this job that matched an alert rule (`model/alerts.py`)."""

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def last_event_id(self) -> str:
        """The cursor: where a new stream for this job must resume."""
        return self._cursor

    @property
    def attempts(self) -> int:
        return self.status.attempt

    @property
    def reconnects(self) -> int:
        return self.reconnects_before + self.status.reconnects

    @property
    def stale_after(self) -> float:
        """Seconds of silence after which an open stream shows `stale`: 1.5x the longest recent silence
        between its bytes (a server pinging every 15 s is silent up to 15 s), at least half the heartbeat
        timeout, and always a little below it. Until the job has shown how often it speaks, only the coming
        timeout counts, so a stream whose pings arrive within the timeout never flickers into stale."""
        timeout = self.spec.heartbeat_timeout
        cap = timeout * STALE_CAP
        if not (self._silences or self._steady):
            return cap
        return min(cap, max(timeout * STALE_FLOOR, SILENCE_MARGIN * max(self._silences, default=0.0)))

    def state(self, now: float) -> JobState:
        """The derived state word at clock time `now`."""
        if self.paused:
            return JobState.PAUSED
        state = self.status.state
        if state is StreamState.OPEN:
            return JobState.STALE if self._is_stale(now) else JobState.LIVE
        if state is StreamState.CONNECTING:
            return JobState.CONNECTING
        if state is StreamState.RECONNECTING:
            return JobState.RECONNECTING
        if state is StreamState.POLLING:
            return JobState.POLLING
        if state is StreamState.COMPLETED:
            return JobState.COMPLETED
        if state in (StreamState.FAILED, StreamState.GAVE_UP):
            return JobState.FAILED
        return JobState.PAUSED  # STOPPED: the stream was cancelled (pause or quit)

    def _is_stale(self, now: float) -> bool:
        opened = self.opened_at if self.opened_at is not None else now
        byte = self.last_byte_at
        if byte is None or byte < opened:
            return self.last_cause_was_heartbeat or now - opened > self.stale_after
        return now - byte > self.stale_after

    @property
    def last_cause_was_heartbeat(self) -> bool:
        """Whether the last recorded error is the heartbeat watchdog dropping a silent connection."""
        return self.status.cause is Cause.HEARTBEAT

    def heartbeat_age(self, now: float) -> float | None:
        """Seconds since the last byte or ping; None before the first one."""
        return None if self.last_byte_at is None else max(0.0, now - self.last_byte_at)

    # -- updates from the stream (cheap, no I/O beyond the in-memory cursor sink) -----------------

    def record_event(self, event: SSEvent) -> None:
        self.record_events([event])

    def record_events(self, events: list[SSEvent]) -> None:
        """Store a batch of events (one chunk of bytes): one clock read, minimal work per event."""
        if not events:
            return
        now = self.clock()
        wall = self.wall_clock()
        buffer = self.events
        append = buffer.append
        seq = self.seq
        added = 0
        status = None
        for event in events:
            seq += 1
            data = event.data
            append(EventRecord(seq, now, wall, event.type, data, event.last_event_id))
            added += len(data)
            if '"status"' in data:
                status = parse_job_status(data) or status
        self.seq = seq
        self.received += len(events)
        self._bytes += added
        self._trim()
        self.rate.add(now, len(events))
        self._bytes_at(now)
        if not self.follow:
            self.unseen += len(events)
        if status is not None:
            self.job_status = status
        cursor = events[-1].last_event_id
        if cursor and cursor != self._cursor:
            self._cursor = cursor
            if self.cursor_sink is not None:
                self.cursor_sink.set(self.spec.url, cursor, fingerprint=cursor_fingerprint(events))

    def record_status(self, status: StreamStatus) -> bool:
        """Store a new status; returns True when the job has just turned failed. The cursor follows the
        stream's (an id-only block moves it without an event); a job the server ended for good is recorded
        as completed in the cursor store."""
        was_failed = self.status.state in (StreamState.FAILED, StreamState.GAVE_UP)
        if status.state is StreamState.OPEN and self.status.state is not StreamState.OPEN:
            self.opened_at = self.clock()
        cursor = status.last_event_id
        moved = bool(cursor) and cursor != self._cursor
        if moved:
            self._cursor = cursor
        if self.cursor_sink is not None:
            if status.job_done and not self.status.job_done:
                self.cursor_sink.set(self.spec.url, self._cursor, completed=True)
            elif moved:
                self.cursor_sink.set(self.spec.url, self._cursor)
        self.status = status
        return not was_failed and status.state in (StreamState.FAILED, StreamState.GAVE_UP)

    def record_notice(self, message: str) -> None:
        """Keep a notice from the stream in order with the events (not an event: no cursor, no rate)."""
        self.seq += 1
        self.events.append(
            EventRecord(self.seq, self.clock(), self.wall_clock(), "", message, self._cursor, True)
        )
        self._bytes += len(message)
        self._trim()

    def _trim(self) -> None:
        buffer, cap, budget = self.events, self.cap, self.byte_budget
        while len(buffer) > 1 and (len(buffer) > cap or self._bytes > budget):
            self._bytes -= len(buffer.popleft().data)

    def record_heartbeat(self, at: float) -> None:
        self._bytes_at(at)

    def _bytes_at(self, at: float) -> None:
        """Bytes arrived at `at`: learn how long this server stays silent on one connection."""
        opened, last = self.opened_at, self.last_byte_at
        if opened is not None and last is not None and last >= opened:
            timeout = self.spec.heartbeat_timeout
            if at - last > timeout * LONG_SILENCE:
                self._silences.append(at - last)
            if at - opened >= timeout * STALE_CAP:
                self._steady = True
        self.last_byte_at = at

    # -- view-side operations ---------------------------------------------------------------------

    def events_since(self, seq: int) -> list[EventRecord]:
        """Events newer than `seq`, oldest first (only those still in the buffer)."""
        missing = self.seq - seq
        if missing <= 0:
            return []
        if missing >= len(self.events):
            return list(self.events)
        return [self.events[i] for i in range(len(self.events) - missing, len(self.events))]

    def set_follow(self, follow: bool) -> None:
        self.follow = follow
        self.unseen = 0

    def set_paused(self, paused: bool) -> None:
        """Mark the job paused (its stream is being stopped) or resumed (a new stream will start)."""
        if self.paused == paused:
            return
        self.paused = paused
        if not paused:
            self.reconnects_before += self.status.reconnects
            self.status = StreamStatus(
                StreamState.CONNECTING, last_event_id=self._cursor, last_error=self.status.last_error
            )

    def rate_series(self, now: float) -> list[int]:
        return self.rate.series(now)


def _initial_status(spec: StreamSpec) -> StreamStatus:
    """Connecting from the saved cursor, or completed at once when the state file says the job completed."""
    if spec.completed:
        detail = f"completed earlier at id {spec.last_event_id or '(none)'}"
        return StreamStatus(
            StreamState.COMPLETED, last_event_id=spec.last_event_id, detail=detail, job_done=True
        )
    return StreamStatus(StreamState.CONNECTING, last_event_id=spec.last_event_id)
