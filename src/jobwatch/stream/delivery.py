"""What a stream has delivered (cursor, count, replay guard) and what a delivered event means for the job."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Sequence
from operator import attrgetter

from jobwatch.stream.errors import FatalError
from jobwatch.stream.events import SSEvent
from jobwatch.stream.observer import StreamObserver

REPLAY_WINDOW = 1024
"""How many recently delivered event ids a resumed connection is checked against for replays."""

_own_id = attrgetter("own_id")
_type = attrgetter("type")


class ReplayGuard:
    """Recognises events a server sends again after a resume (inclusive or sloppy resumes).

    Two rules, both limited to what this process delivered: an id among the last REPLAY_WINDOW ids; and,
    while the ids opening and ending every batch have been canonical decimal integers, each higher than
    the one before, any id at or below the highest one delivered (a server that ignores Last-Event-ID and
    starts over). Events without an id of their own are never taken for replays.
    """

    def __init__(self, cursor: str) -> None:
        self._recent: deque[str | None] = deque([cursor] if cursor else [], maxlen=REPLAY_WINDOW)
        self._numeric = True
        self._high = -1

    def remember(self, events: list[SSEvent]) -> None:
        self._recent.extend(map(_own_id, events))  # C-level: no per-event Python code on the hot path
        if not self._numeric:
            return
        first, last = events[0].own_id, events[-1].own_id
        if len(events) > 1 and first is not None and not self._rises_to(first):
            return
        if last is not None:
            self._rises_to(last)

    def _rises_to(self, own_id: str) -> bool:
        """Take `own_id` as the new highest id if it is a canonical integer above it; else stop the rule."""
        if own_id.isdigit() and own_id.isascii() and (own_id[0] != "0" or len(own_id) == 1):
            number = int(own_id)
            if number > self._high:
                self._high = number
                return True
        self._numeric, self._high = False, -1
        return False

    def checker(self) -> Callable[[str], bool]:
        """A membership test for one resumed connection (built once per resume, not per event)."""
        ids = {i for i in self._recent if i is not None}
        high = self._high if self._numeric else -1

        def seen(own_id: str) -> bool:
            if own_id in ids:
                return True
            number = _number(own_id)
            return number is not None and number <= high

        return seen

    @staticmethod
    def drop_replayed(events: list[SSEvent], seen: Callable[[str], bool]) -> bool:
        """Remove leading already-delivered events; False once a new event shows the replay is over."""
        for index, event in enumerate(events):
            if event.own_id is None or not seen(event.own_id):
                del events[:index]
                return False
        events.clear()
        return True


def _number(own_id: str | None) -> int | None:
    """The id as an integer when it is written canonically ("17", not "017", "+17" or "1_7")."""
    if own_id is None or not (own_id.isascii() and own_id.isdigit()):
        return None
    if len(own_id) > 1 and own_id[0] == "0":
        return None
    return int(own_id)


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
        self.replays = ReplayGuard(last_event_id)

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
