"""One timeline across jobs: every job's events and notices in order of arrival, in a bounded ring.

Pure (no Textual, no I/O). `DashboardModel` feeds it where it takes events, so the timeline view shows the
very records the per-job buffers hold; its memory is bounded like theirs (a count and a budget of data).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from jobwatch.jobcolours import Colours
from jobwatch.model.records import EventRecord

DEFAULT_TIMELINE_CAP = 10_000
DEFAULT_TIMELINE_BYTES = 8 << 20


class TimelineEntry(NamedTuple):
    """One record of one job, numbered in order of arrival across all jobs."""

    seq: int
    job: str
    record: EventRecord


class Timeline:
    """The newest records of every job, oldest first; `seq` counts every record ever added."""

    def __init__(self, cap: int = DEFAULT_TIMELINE_CAP, byte_budget: int = DEFAULT_TIMELINE_BYTES) -> None:
        self.cap = max(1, cap)
        self.byte_budget = byte_budget
        self.entries: deque[TimelineEntry] = deque()
        self.seq = 0
        self._bytes = 0
        self.colours = Colours()

    def add(self, job: str, records: Iterable[EventRecord]) -> None:
        """Append `records` of `job` (already in that job's order), dropping the oldest beyond the bounds."""
        entries, seq, added = self.entries, self.seq, 0
        for record in records:
            seq += 1
            entries.append(TimelineEntry(seq, job, record))
            added += len(record.data)
        self.seq = seq
        self._bytes += added
        cap, budget = self.cap, self.byte_budget
        while len(entries) > 1 and (len(entries) > cap or self._bytes > budget):
            self._bytes -= len(entries.popleft().record.data)

    def since(self, seq: int) -> list[TimelineEntry]:
        """Entries newer than `seq`, oldest first (only those still held)."""
        missing = self.seq - seq
        if missing <= 0:
            return []
        entries = self.entries
        if missing >= len(entries):
            return list(entries)
        return [entries[i] for i in range(len(entries) - missing, len(entries))]

    @property
    def data_bytes(self) -> int:
        """Characters of event data held (what the byte budget bounds)."""
        return self._bytes

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[TimelineEntry]:
        return iter(list(self.entries))


def entry_matches(entry: TimelineEntry, needle: str) -> bool:
    """Whether lower-cased `needle` occurs in the entry's job name, event type or data (case-insensitive)."""
    if not needle:
        return True
    record = entry.record
    return needle in entry.job.lower() or needle in record.type.lower() or needle in record.data.lower()
