"""The callback interface through which a stream reports to the layers above."""

from __future__ import annotations

from jobwatch.stream.events import SSEvent, StreamStatus


class StreamObserver:
    """Receives everything a stream does; subclass and override what you need. Calls are synchronous
    and come from the stream's own task, so implementations must be cheap and must not block."""

    def on_event(self, job: str, event: SSEvent) -> None:
        """An event was dispatched (already de-duplicated; completion events included)."""

    def on_events(self, job: str, events: list[SSEvent]) -> None:
        """The events one chunk of bytes dispatched, in order; the stream calls this, never `on_event`
        directly. Override it to handle a batch at once; by default it calls `on_event` for each."""
        on_event = self.on_event
        for event in events:
            on_event(job, event)

    def on_status(self, job: str, status: StreamStatus) -> None:
        """State or a counter changed (connect, open, error, delay chosen, final state)."""

    def on_heartbeat(self, job: str, at: float) -> None:
        """Bytes (events or `: ping` comments) arrived at clock time `at`: on every connection's first
        response bytes, then at most five times a second while bytes keep coming."""

    def on_notice(self, job: str, message: str) -> None:
        """Something the user must read that is not a state change: an event skipped over the size bound,
        a retryable `error` event of the job. `message` is one line, redacted, not yet escaped."""
