"""Which events after a resume a server is sending again (inclusive or sloppy resumes), and which are new."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from jobwatch.stream.events import SSEvent

REPLAY_WINDOW = 1024
"""How many of the latest delivered events a resumed connection is checked against."""

FIRST_EVENTS = 64
"""How many of a stream's first delivered events are kept to recognise a server that starts over."""


class ReplayGuard:
    """Remembers what this process delivered so a resumed connection can drop what the server sends again.

    A replay is an event equal (id, type and data) to one of the stream's first FIRST_EVENTS or latest
    REPLAY_WINDOW delivered, or, before anything was delivered, the event of the saved cursor (by id alone:
    its content is unknown). The same id with other content is a new event (a new run of the job reusing its
    ids): a duplicate is better than a loss. A server that ignores Last-Event-ID and starts over goes back
    further than the window: once an event of the connection has matched, and while the delivered ids have
    been canonical decimal integers, each higher than the one before, any id at or below the highest
    delivered is a replay too. Events without an id of their own are never taken for replays.
    """

    def __init__(self, cursor: str) -> None:
        self._cursor = cursor or None
        self._recent: deque[int] = deque(maxlen=REPLAY_WINDOW)
        self._first: set[int] = set()
        self._first_left = FIRST_EVENTS
        self._numeric = True
        self._high = -1

    def remember(self, events: list[SSEvent]) -> None:
        """Record a delivered batch (C-level work per event: the hot path runs through here)."""
        self._cursor = None
        self._recent.extend(map(hash, events))
        if self._first_left > 0:
            first = events[: self._first_left]
            self._first_left -= len(first)
            self._first.update(map(hash, first))
        if not self._numeric:
            return
        head, last = events[0].own_id, events[-1].own_id
        if len(events) > 1 and head is not None and not self._rises_to(head):
            return
        if last is not None:
            self._rises_to(last)

    def _rises_to(self, own_id: str) -> bool:
        """Take `own_id` as the new highest id if it is a canonical integer above it; else stop the rule."""
        number = _number(own_id)
        if number is not None and number > self._high:
            self._high = number
            return True
        self._numeric, self._high = False, -1
        return False

    def checker(self) -> Callable[[SSEvent], bool]:
        """A replay test for one resumed connection (built once per resume, not per event)."""
        known = self._first.union(self._recent)
        cursor, high = self._cursor, self._high if self._numeric else -1
        matched = False

        def seen(event: SSEvent) -> bool:
            nonlocal matched
            if hash(event) in known:
                matched = True
                return True
            if event.own_id == cursor:
                return True
            number = _number(event.own_id) if matched else None
            return number is not None and number <= high

        return seen

    @staticmethod
    def drop_replayed(events: list[SSEvent], seen: Callable[[SSEvent], bool]) -> bool:
        """Remove leading already-delivered events; False once a new event shows the replay is over."""
        for index, event in enumerate(events):
            if event.own_id is None or not seen(event):
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

