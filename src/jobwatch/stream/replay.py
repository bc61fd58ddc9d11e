"""Which events after a resume a server is sending again (inclusive or sloppy resumes), and which are new."""

from __future__ import annotations

import hashlib
from array import array
from collections import deque
from collections.abc import Callable, Sequence

from jobwatch.stream.events import SSEvent

REPLAY_WINDOW = 1024
"""How many of the latest delivered events a resumed connection is checked against."""

FIRST_EVENTS = 64
"""How many of a stream's first delivered events can start a replay (a server that starts over)."""

HISTORY = 65536
"""How many of a stream's first events a replay that started over is followed through (4 bytes each)."""

_LOW32 = 0xFFFFFFFF


class ReplayGuard:
    """Remembers what this process delivered so a resumed connection can drop what the server sends again.

    A replay starts with an event equal in id, type and data to one of the stream's first FIRST_EVENTS or
    latest REPLAY_WINDOW delivered events, or, before anything was delivered, to the saved cursor's event
    (its fingerprint comes from the state file). It goes on while each event equals the one delivered after
    the previous match (a server that starts over is followed through the first HISTORY events). Nothing
    else is ever dropped: the same id with other content is a new event (servers that number per
    connection reuse ids for new content), and events without an id of their own are never replays.
    """

    def __init__(self, cursor_fingerprint: str | None = None) -> None:
        self._cursor = cursor_fingerprint
        self._recent: deque[int] = deque(maxlen=REPLAY_WINDOW)
        self._history = array("I")
        self._count = 0

    def remember(self, events: list[SSEvent]) -> None:
        """Record a delivered batch (C-level work per event: the hot path runs through here)."""
        self._cursor = None
        hashes = list(map(hash, events))
        self._recent.extend(hashes)
        self._count += len(hashes)
        if len(self._history) < HISTORY:
            self._history.extend(map(_LOW32.__and__, hashes[: HISTORY - len(self._history)]))

    def checker(self) -> Callable[[SSEvent], bool]:
        """A replay test for one resumed connection (built once per resume, not per event)."""
        recent, history, cursor = tuple(self._recent), self._history, self._cursor
        recent_start = self._count - len(recent)
        starts = {h: i for i, h in enumerate(recent, recent_start)}
        for position, low in enumerate(history[:FIRST_EVENTS]):
            starts.setdefault(low, position)
        last = -2  # position of the latest delivered event matched on this connection

        def at(position: int) -> int | None:
            if position >= recent_start:
                return recent[position - recent_start] if position < self._count else None
            return history[position] if position < len(history) else None

        def seen(event: SSEvent) -> bool:
            nonlocal last
            full = hash(event)
            expected = at(last + 1) if last >= 0 else None
            if expected is not None and expected in (full, full & _LOW32):
                last += 1
                return True
            position = starts.get(full, starts.get(full & _LOW32))
            if position is not None:
                last = position
                return True
            return cursor is not None and fingerprint(event) == cursor

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


def fingerprint(event: SSEvent) -> str:
    """A stable digest of an event's own id, type and data, saved with the cursor to recognise its replay."""
    digest = hashlib.blake2b(digest_size=12)
    for part in (event.own_id or "", event.type, event.data):
        encoded = part.encode("utf-8", "surrogatepass")
        digest.update(len(encoded).to_bytes(8, "little"))
        digest.update(encoded)
    return digest.hexdigest()


def cursor_fingerprint(events: Sequence[SSEvent]) -> str | None:
    """The fingerprint to save with the cursor after `events`: that of the event carrying the cursor id."""
    cursor = events[-1].last_event_id
    for event in reversed(events):
        if event.own_id is not None:
            return fingerprint(event) if event.own_id == cursor else None
    return None
