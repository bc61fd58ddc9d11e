"""What a stream has delivered (cursor, count, recent ids) and what a delivered event means for the job."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Sequence

from jobwatch.stream.errors import FatalError
from jobwatch.stream.events import SSEvent
from jobwatch.stream.observer import StreamObserver

REPLAY_WINDOW = 256
"""How many recently delivered batches (one per chunk read) a resumed connection is checked against."""


class JobCompleted(Exception):
    """A completion event, a 204, or a clean end with max_retries=0: the job is over, not failed."""


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
        job_error: Callable[[str], None],
    ) -> None:
        self._name = name
        self._observer = observer
        self._complete = frozenset(complete_events)
        self.special = self._complete | {"error"}
        self._job_error = job_error
        self.last_event_id = last_event_id
        self.count = 0
        self._cursor_at_start = last_event_id
        self._recent: deque[list[SSEvent]] = deque(maxlen=REPLAY_WINDOW)

    def replay_guard(self) -> set[str]:
        """The ids a resumed connection must not deliver again while it replays (built only on resume,
        so delivery itself just keeps references to its recent batches)."""
        ids = {e.own_id for batch in self._recent for e in batch if e.own_id is not None}
        if self._cursor_at_start:
            ids.add(self._cursor_at_start)
        return ids

    @staticmethod
    def drop_replayed(events: list[SSEvent], replayed: set[str]) -> set[str] | None:
        """Remove leading already-delivered events; None once a new event shows the replay is over.
        An event without an id of its own is never taken for a replay."""
        for index, event in enumerate(events):
            if event.own_id is None or event.own_id not in replayed:
                del events[:index]
                return None
        events.clear()
        return replayed

    def deliver(self, events: list[SSEvent]) -> None:
        """Deliver in as few calls as possible; raise JobCompleted / FatalError at an event ending the job."""
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
        self._recent.append(events)
        self.last_event_id = events[-1].last_event_id
        self.count += len(events)
        self._observer.on_events(self._name, events)

    def _error_event(self, event: SSEvent) -> None:
        """An `error` event: shown as the last error; `"retryable": false` fails the job."""
        try:
            payload = json.loads(event.data)
        except ValueError:
            return
        if not isinstance(payload, dict):
            return
        message = str(payload.get("message") or "error event").splitlines()[0][:200]
        if payload.get("retryable") is False:
            raise FatalError(f"job error: {message}")
        self._job_error(f"job error: {message}")
