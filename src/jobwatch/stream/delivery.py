"""What a stream has delivered (cursor, count, replay guard) and what a delivered event means for the job."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from operator import attrgetter

from jobwatch.stream.errors import FatalError
from jobwatch.stream.events import Cause, SSEvent
from jobwatch.stream.observer import StreamObserver
from jobwatch.stream.replay import ReplayGuard

_type = attrgetter("type")


class JobCompleted(Exception):
    """A completion event, a 204, or a clean end with max_retries=0: the job is over, not failed."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class Delivery:
    """Hands events to the observer in batches, keeps the cursor, and stops at completion or job errors.

    `job_error` receives the message of a retryable `error` event (shown, not fatal).
    """

    def __init__(
        self,
        name: str,
        observer: StreamObserver,
        complete_events: Sequence[str],
        last_event_id: str,
        job_error: Callable[[str, Cause], None],
        cursor_fingerprint: str | None = None,
    ) -> None:
        self._name = name
        self._observer = observer
        self._complete = frozenset(complete_events)
        self.special = self._complete | {"error"}
        self._job_error = job_error
        self.last_event_id = last_event_id
        self.count = 0
        self.replays = ReplayGuard(cursor_fingerprint)

    def deliver(self, events: list[SSEvent]) -> None:
        """Deliver in as few calls as possible; raise JobCompleted / FatalError at an event ending the job."""
        if self.special.isdisjoint(map(_type, events)):  # the usual case, checked at C speed
            self._hand_over(events)
            return
        start = 0
        for index, event in enumerate(events):
            if event.type in self.special:
                self._hand_over(events[start : index + 1])
                start = index + 1
                if event.type in self._complete:
                    raise JobCompleted(f"{event.type!r} event received")
                self._error_event(event)
        if start < len(events):
            self._hand_over(events[start:] if start else events)

    def _hand_over(self, events: list[SSEvent]) -> None:
        self.replays.remember(events)
        self.last_event_id = events[-1].last_event_id
        self.count += len(events)
        self._observer.on_events(self._name, events)

    def _error_event(self, event: SSEvent) -> None:
        """An `error` event: its message is shown (JSON `message`, or the text itself, as NestJS sends it);
        `"retryable": false` fails the job."""
        try:
            payload = json.loads(event.data)
        except ValueError:
            payload = None
        if isinstance(payload, dict):
            message = str(payload.get("message") or "error event")
            fatal = payload.get("retryable") is False
        else:
            message, fatal = event.data or "error event", False
        message = (message.strip().splitlines() or ["error event"])[0][:200]
        if fatal:
            raise FatalError(f"job error: {message}", cause=Cause.JOB_ERROR)
        self._job_error(f"job error: {message}", Cause.JOB_ERROR)
